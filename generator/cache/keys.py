"""Keys: hashes of everything a piece of work reads, in one canonical encoding.

The encoding is :mod:`pickle` with its memo turned off (``fast``): a value is
written out in full wherever it appears, so equal values give equal bytes
whichever objects happen to be shared, and pickle's C code makes a page's key
cost microseconds.  Pickled bytes determine the value (it can be rebuilt from
them), so equal keys mean equal inputs: a stale hit is impossible.  The one
thing pickle writes in an order that varies between processes is a set
(string hashing is salted), which can only cost a miss, never a wrong hit.
A value pickle refuses raises :class:`Unkeyable`, and that piece is simply not
cached: a miss costs time, never correctness.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMAT = "1"  # bump when the layout of stored entries changes


class Unkeyable(TypeError):
    """A value with no canonical encoding (pickle refuses it, or it refers to itself)."""


def digest(*values: Any) -> str:
    """The hex SHA-256 of ``values`` in the canonical encoding."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: shared and unshared equal values encode alike
    try:
        pickler.dump(values)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError) as exc:
        raise Unkeyable(str(exc)) from None
    return hashlib.sha256(buffer.getbuffer()).hexdigest()


def files_digest(roots: Iterable[Path | None], suffixes: tuple[str, ...] | None = None) -> str:
    """A hash of every file under ``roots`` (names and bytes), for templates, static files and code."""
    parts: list[Any] = []
    for root in roots:
        parts.append(None if root is None else "root")
        if root is None or not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and (suffixes is None or path.suffix in suffixes) and "__pycache__" not in path.parts:
                parts += (path.relative_to(root).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest())
    return digest(*parts)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """badgedir itself: its version, its source, catalogues and built-in templates.

    Hashing the code, not only the version number, means a developer's edit to
    badgedir can never be served from a cache made by the code before it.
    """
    from .. import __version__
    from ..bundled import builtin_dir

    package = Path(__file__).resolve().parents[1]
    return digest(FORMAT, __version__, files_digest([package], (".py", ".mo", ".po")),
                  files_digest([builtin_dir("templates")]))
