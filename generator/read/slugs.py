"""ASCII slugs for URLs built from names people wrote (``Panadería`` → ``panaderia``)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache


def fold(text: str) -> str:
    """Case- and accent-insensitive form used for sorting and matching names."""
    if text.isascii():
        return text.lower()
    return without_marks(unicodedata.normalize("NFKD", text.casefold()))


def without_marks(text: str) -> str:
    """``text`` without combining marks (accents of a decomposed text)."""
    if text.isascii():
        return text
    return " ".join([_without_marks(word) for word in text.split(" ")])  # names repeat words: each once


@lru_cache(maxsize=1 << 16)
def _without_marks(word: str) -> str:
    return "".join(ch for ch in word if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 12)
def slugify(text: str) -> str:
    """A category's slug; remembered, as a directory has a few dozen categories and 100,000 businesses in them."""
    ascii_text = fold(text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-")
    return slug or "c-" + hashlib.sha256(text.encode()).hexdigest()[:8]
