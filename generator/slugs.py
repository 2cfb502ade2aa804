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
    return " ".join([_fold_word(word) for word in text.split(" ")])  # names repeat words: fold each once


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str) -> str:
    ascii_text = fold(text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-")
    return slug or "c-" + hashlib.sha256(text.encode()).hexdigest()[:8]
