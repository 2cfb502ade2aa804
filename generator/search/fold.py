"""Text folding and tokenising, shared byte for byte with ``search.js``.

A visitor typing ``cafe nino`` must find ``Café Niño``, so names and queries
are folded the same way on both sides.  Python's ``casefold`` has no
JavaScript twin, so folding uses only steps both languages implement
identically (NFKD, full lowercase mapping, dropping combining marks) plus a
small explicit table for letters that do not decompose (``ß``, ``ø``, ``ł``…).
The table is written into the index manifest, so the browser applies exactly
the table the build used.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

# Letters that NFKD leaves alone but a visitor types without thinking.
FOLD_TABLE: Mapping[str, str] = {
    "ß": "ss",
    "ς": "σ",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ħ": "h",
    "ı": "i",
    "ł": "l",
    "þ": "th",
    "ŧ": "t",
}


def _is_word_char(ch: str) -> bool:
    """Letters, numbers and spacing marks: ``[\\p{L}\\p{N}\\p{Mc}]`` in JS."""
    category = unicodedata.category(ch)
    return category[0] in "LN" or category == "Mc"


_TRANSLATE = {ord(letter): folded for letter, folded in FOLD_TABLE.items()}
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Accent- and case-insensitive form of ``text``; mirrors ``fold`` in search.js."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.translate(_TRANSLATE)


def tokens(text: str) -> list[str]:
    """The folded words of ``text``, in order; punctuation and symbols separate words."""
    if text.isascii():  # the common case, 20x faster than the general one
        return _ASCII_WORD.findall(text.lower())
    words: list[str] = []
    for piece in text.split():  # names reuse words, so folding word by word caches well
        words.extend(_piece_tokens(piece))
    return words


@lru_cache(maxsize=1 << 16)
def _piece_tokens(piece: str) -> tuple[str, ...]:
    words: list[str] = []
    current: list[str] = []
    for ch in fold(piece):
        if _is_word_char(ch):
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return tuple(words)
