"""Find words one typo away from what a visitor typed, fetching three small files.

A typo can change a word's first characters, so the word files (sharded by
prefix) cannot find it.  Instead every word of three or more characters is
also listed under three two-character keys taken from its first three
characters — ``w[0:2]``, ``w[0]+w[2]`` and ``w[1:3]`` — and a query token
looks under the same three keys of its own.  One substitution, insertion,
deletion or transposition anywhere in a word leaves at least one key shared
(a deletion-neighbourhood, as in SymSpell, restricted to the start of the
word), so those three files hold every candidate; the browser then checks the
real edit distance.

Keys are hashed (FNV-1a over code points, the same in search.js) into a fixed
number of files so that names in any script need no file-name escaping.
Rare words carry their postings inline, so most typo matches need no further
file; the others name the word file that holds them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


MIN_WORD = 3  # a 4-character query with one deletion is 3 characters long
INLINE_POSTINGS = 12  # characters of encoded postings worth repeating here
_BYTES_PER_FILE = 4096


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over code points; ``hashKey`` in search.js is the twin."""
    value = 2166136261
    codes = text.encode("ascii") if text.isascii() else map(ord, text)  # bytes iterate as ints, fast
    for code in codes:
        value = ((value ^ code) * 16777619) & 0xFFFFFFFF
    return value


def typo_keys(word: str) -> set[str]:
    """The keys ``word`` is listed under; the browser computes them for its query."""
    return {word[0:2], word[0] + word[2], word[1:3]}


def typo_files(
    terms: Sequence[str], encoded: Sequence[str], home: Mapping[str, int]
) -> tuple[int, list[dict[str, object]]]:
    """Return (number of files, file bodies) listing every word (with its encoded postings) under its keys."""
    entries = []
    for term, inline in zip(terms, encoded):
        if len(term) < MIN_WORD:
            continue
        entries.append((term, home[term], inline if len(inline) <= INLINE_POSTINGS else ""))
    total = sum(3 * (len(t.encode("utf-8")) + len(p) + 12) for t, _, p in entries)
    count = max(1, -(-total // _BYTES_PER_FILE))
    buckets: list[set[tuple[str, int, str]]] = [set() for _ in range(count)]
    for entry in entries:
        for key in typo_keys(entry[0]):
            buckets[fnv1a(key) % count].add(entry)
    return count, [{"w": [list(e) for e in sorted(bucket)]} for bucket in buckets]
