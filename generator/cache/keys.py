"""Keys: hashes of everything a piece of work reads, in one canonical encoding.

Python's own ``hash`` and ``pickle`` are no good as keys: string hashes change
from process to process, so a set pickles in a different order in every
worker.  This encoding tags every value with its type and walks sets in sorted
order, so equal inputs give equal keys in any process, on any machine.  A value
of a type it does not know raises :class:`Unkeyable`: such a piece is simply
not cached, which costs time, never correctness.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

FORMAT = "1"  # bump when the layout of stored entries changes


class Unkeyable(TypeError):
    """A value the canonical encoding does not know how to hash."""


def digest(*values: Any) -> str:
    """The hex SHA-256 of ``values`` in the canonical encoding."""
    h = hashlib.sha256()
    for value in values:
        _feed(h, value)
    return h.hexdigest()


def _feed(h: Any, value: Any) -> None:
    if value is None or isinstance(value, bool):
        h.update(b"N" if value is None else (b"T" if value else b"F"))
    elif isinstance(value, str):  # Markup included: it is the text that is shown
        data = value.encode("utf-8", "surrogatepass")
        h.update(b"s%d:" % len(data))
        h.update(data)
    elif isinstance(value, int):
        h.update(b"i%d;" % value)
    elif isinstance(value, float):
        h.update(b"f" + repr(value).encode() + b";")
    elif isinstance(value, bytes):
        h.update(b"b%d:" % len(value))
        h.update(value)
    elif isinstance(value, enum.Enum):
        h.update(b"e" + type(value).__qualname__.encode() + b":")
        _feed(h, value.value)
    elif isinstance(value, date):
        h.update(b"d" + value.isoformat().encode() + b";")
    elif isinstance(value, PurePath):
        _feed(h, ("path", value.as_posix()))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(b"D" + type(value).__qualname__.encode() + b"(")
        for f in dataclasses.fields(value):
            _feed(h, f.name)
            _feed(h, getattr(value, f.name))
        h.update(b")")
    elif isinstance(value, (tuple, list)):
        h.update(b"l%d(" % len(value))
        for item in value:
            _feed(h, item)
        h.update(b")")
    elif isinstance(value, Mapping):  # insertion order is kept: it is the order a template iterates in
        h.update(b"m%d(" % len(value))
        for k, v in value.items():
            _feed(h, k)
            _feed(h, v)
        h.update(b")")
    elif isinstance(value, (set, frozenset)):
        items = sorted(digest(item) for item in value)
        h.update(b"S%d(" % len(items) + "".join(items).encode() + b")")
    else:
        raise Unkeyable(f"no canonical encoding for {type(value).__qualname__}")


def files_digest(roots: Iterable[Path | None], suffixes: tuple[str, ...] | None = None) -> str:
    """A hash of every file under ``roots`` (names and bytes), for templates, static files and code."""
    h = hashlib.sha256()
    for root in roots:
        _feed(h, None if root is None else "root")
        if root is None or not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and (suffixes is None or path.suffix in suffixes) and "__pycache__" not in path.parts:
                _feed(h, path.relative_to(root).as_posix())
                _feed(h, path.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """badgedir itself: its version, its source, catalogues and built-in templates.

    Hashing the code, not only the version number, means a developer's edit to
    badgedir can never be served from a cache made by the code before it.
    """
    from .. import __version__
    from ..render.templates import builtin_dir

    package = Path(__file__).resolve().parents[1]
    return digest(FORMAT, __version__, files_digest([package], (".py", ".mo", ".po")),
                  files_digest([builtin_dir("templates")]))
