"""Compact, JSON-safe encoding of sorted document-number lists ("postings").

Postings are most of an index's bytes, so each list is written whichever way
is shorter:

* **varint**: gaps between numbers, 5 bits per base64 character, the sixth
  bit saying "more characters follow".  A rare word costs 1–3 characters per
  business.
* **bitmap**: ``!`` then one base64 character per 6 businesses.  Bounds the
  worst case: at 100,000 businesses no list exceeds ~17 KB, however common
  the word.

Both are plain ASCII without quotes or backslashes, so JSON adds nothing.
``decode`` in search.js is the twin of ``encode`` here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import sub

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
BITMAP_MARK = "!"


def _varint(value: int) -> str:
    chars = []
    while True:
        low = value & 31
        value >>= 5
        if value:
            chars.append(ALPHABET[low | 32])
        else:
            chars.append(ALPHABET[low])
            return "".join(chars)


# Gaps below 32,768 (three characters) are looked up, not computed: encoding is
# the hot loop of building a 100,000-business index.  A gap is its 5-bit groups,
# lowest first, each but the last with the "more follows" bit (the upper half of
# ALPHABET), so the tables are built by concatenation, in a few ms, on first use:
# only the process that writes the search index pays for them (65,536 strings,
# which every forked worker would otherwise count in its memory).
_MORE, _LAST = ALPHABET[32:], ALPHABET[:32]
_GAPS: list[str] = []
_LOW_GAPS: list[str] = []  # a longer gap's low 15 bits: three characters, each saying "more follows"
_STEPS: list[str] = []  # by the difference between neighbours (the gap + 1), so a list's steps are looked up in C


def _fill_tables() -> None:
    _GAPS.extend([*_LAST, *(a + b for b in _LAST[1:] for a in _MORE),
                  *(a + b + c for c in _LAST[1:] for b in _MORE for a in _MORE)])
    _LOW_GAPS.extend(a + b + c for c in _MORE for b in _MORE for a in _MORE)
    _STEPS.extend(["", *_GAPS])


def _long_gap(gap: int) -> str:
    """``_varint(gap)`` for gap >= 32768, by table."""
    return _LOW_GAPS[gap & 32767] + _GAPS[gap >> 15] if gap < 1 << 30 else _varint(gap)


_BITS = bytes.maketrans(bytes(range(64)), ALPHABET.encode("ascii"))


def encode(postings: Sequence[int]) -> str:
    """Encode strictly increasing non-negative ints; the shorter of varint and bitmap."""
    if not postings:
        return ""
    if not _GAPS:
        _fill_tables()
    if len(postings) == 1:  # most words and names: shorter than any bitmap
        return _GAPS[postings[0]] if postings[0] < 32768 else _long_gap(postings[0])
    bitmap_len = postings[-1] // 6 + 2
    if len(postings) < bitmap_len:
        first, steps = postings[0], list(map(sub, postings[1:], postings))
        if first < 32768 and max(steps) <= 32768:  # nearly always: every character from the tables
            text = _GAPS[first] + "".join(map(_STEPS.__getitem__, steps))
        else:
            text = "".join([_GAPS[g] if g < 32768 else _long_gap(g) for g in (first, *(step - 1 for step in steps))])
        if len(text) <= bitmap_len:
            return text
    return BITMAP_MARK + _bitmap(postings, bitmap_len - 1)


def _bitmap(postings: Sequence[int], groups: int) -> str:
    """Six businesses per character, the lowest number in the lowest bit.

    A flag byte per business, then the six flags of each group added up as the bytes of big
    integers (each flag byte is 0 or 1 and shifted by at most 5, so no byte carries into the
    next): the per-business work is one store instead of a division, a shift and an or.
    """
    flags = bytearray(6 * groups)
    for doc in postings:
        flags[doc] = 1
    value = 0
    for bit in range(6):
        value |= int.from_bytes(flags[bit::6], "big") << bit
    return value.to_bytes(groups, "big").translate(_BITS).decode("ascii")


def encode_each(lists: Iterable[Sequence[int]]) -> list[str]:
    """``encode`` of each list; lists of one number (most names) are looked up without a call."""
    if not _GAPS:
        _fill_tables()
    gaps = _GAPS
    return [(gaps[p[0]] if p[0] < 32768 else _long_gap(p[0])) if len(p) == 1 else encode(p) for p in lists]


def decode(text: str) -> list[int]:
    """Inverse of ``encode``; used by the tests (the browser has its own)."""
    if text.startswith(BITMAP_MARK):
        return [
            6 * i + bit
            for i, ch in enumerate(text[1:])
            for bit in range(6)
            if ALPHABET.index(ch) >> bit & 1
        ]
    out: list[int] = []
    value = shift = 0
    previous = -1
    for ch in text:
        digit = ALPHABET.index(ch)
        value |= (digit & 31) << shift
        shift += 5
        if digit < 32:
            previous += value + 1
            out.append(previous)
            value = shift = 0
    return out
