"""JSON written a piece at a time, laid out exactly as ``json.dumps(..., ensure_ascii=False, indent=1)``.

``api/businesses.json`` and its pages (:mod:`generator.publish.api_pages`) are made of one piece per
business, so a large file is never one string and the live preview can replace one business's piece.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # the C one where there is one
from typing import Any


def indented_json(value: Any, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)`` written ``level`` spaces in, for what a
    record holds: text, numbers, booleans, ``None``, and lists and mappings of them.

    ``json`` encodes with its C encoder only when it does not indent; its
    pure-Python one took half of this file's time.  Strings still go through
    ``json``'s own C escaper, and a test compares the two on random values.
    """
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + " " * (level + 1)
        items = [encode_basestring(key) + ": " + indented_json(item, level + 1) for key, item in value.items()]
        return "{" + inner + ("," + inner).join(items) + "\n" + " " * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = "\n" + " " * (level + 1)
        items = [indented_json(item, level + 1) for item in value]
        return "[" + inner + ("," + inner).join(items) + "\n" + " " * level + "]"
    return json.dumps(value)


def join_businesses(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The list after the head: ``[``, the businesses with separators between them, the file's end."""
    separator = b"[\n"
    for piece in pieces:
        yield separator
        yield piece
        separator = b",\n"
    yield b"[]\n}\n" if separator == b"[\n" else b"\n ]\n}\n"
