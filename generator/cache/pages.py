"""Stage 4 from the cache: a page whose inputs have not changed is not rendered again.

A page template sees its context and nothing else (globals are translations
and formatting, fixed by the language and badgedir's code, and ``faq_url``,
whose answers the renderer adds to every key), so a page's key is the hash
of its context, of the templates and of the code.  The one value
every page shares, ``site``, holds site-wide counts that change whenever a
business is added; a page's key holds only the attributes of ``site`` its
template (with everything it loads) reads, as :mod:`~generator.render.template_deps`
finds them, or all of them when that cannot be told from the source.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..render.template_deps import template_reads
from .keys import Unkeyable, code_digest, digest
from .store import Store

_SHARED_KEYS = ("site", "badges")  # the same for every page of a language: hashed once per template


class PageKeys:
    """Keys of pages, with the per-language, per-template part worked out once."""

    def __init__(self, templates_digest: str, envs: dict[str, Any], site_view: Callable[[str], Any]) -> None:
        self._base = digest("page", code_digest(), templates_digest)
        self._envs, self._site_view = envs, site_view
        self._shared: dict[tuple[str, str, bool], str] = {}

    def key(self, template: str, lang: str, number: int, context: dict[str, Any]) -> str | None:
        """The page's key, or None when its context holds a value with no canonical encoding."""
        try:
            own = {k: v for k, v in context.items() if k not in _SHARED_KEYS}
            return digest(self._shared_part(template, lang, number == 1, context), own)
        except Unkeyable:
            return None

    def prepare(self, template: str, lang: str, badges: Any) -> None:
        """Work out a template's shared part before the workers fork, so they inherit it instead of
        each parsing every template again."""
        for first in (True, False):
            self._shared_part(template, lang, first, {"badges": badges})

    def shared(self, template: str, lang: str) -> str:
        """The part of a first page's key that :meth:`prepare` worked out for ``template`` in ``lang``."""
        return self._shared[(template, lang, True)]

    def _shared_part(self, template: str, lang: str, first: bool, context: dict[str, Any]) -> str:
        slot = (template, lang, first)
        if slot not in self._shared:
            reads = template_reads(self._envs[lang], template)
            fields = None if reads is None else reads.fields_on(1 if first else 2).get("site", {})
            site = self._site_view(lang)
            shown = site if fields is None else {name: getattr(site, name) for name in sorted(fields)}
            self._shared[slot] = digest(self._base, template, lang, shown, context.get("badges"))
        return self._shared[slot]


def cached_page(store: Store, keys: PageKeys | None, template: str, lang: str, number: int,
                context: dict[str, Any], render: Callable[[], str]) -> bytes:
    """The page's bytes: from the store when its key is there, else rendered (and stored)."""
    key = keys.key(template, lang, number, context) if keys is not None else None
    if key is not None:
        data = store.get("pages", key)
        if data is not None:
            return data
    data = render().encode("utf-8")
    if key is not None:
        store.put("pages", key, data)
    return data
