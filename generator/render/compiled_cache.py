"""Templates compiled once per preview session, not once per update.

The live preview makes a new :class:`~generator.render.Renderer` (and so new
Jinja environments) for every edit; compiling a dozen templates each time
would cost more than rendering the pages an edit touches.
"""

from __future__ import annotations

import weakref

import jinja2
import jinja2.bccache

from .renderer import Renderer


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates kept in memory across updates, keyed by name and checked against the source."""

    def __init__(self) -> None:
        self.compiled: dict[str, tuple[str, object]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self.compiled.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]  # type: ignore[assignment]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = (bucket.checksum, bucket.code)


_BY_CATALOGUE: weakref.WeakKeyDictionary[object, _Compiled] = weakref.WeakKeyDictionary()


def reuse_compiled(renderer: Renderer) -> None:
    """Give each language's environment the templates compiled for its catalogue in earlier updates.

    Per catalogue, not per template alone: a compiled template holds its
    language's translations (:mod:`generator.fixed_translations`).
    """
    for lang, env in renderer.envs.items():
        env.bytecode_cache = _BY_CATALOGUE.setdefault(renderer.languages[lang].catalogue, _Compiled())
