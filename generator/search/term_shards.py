"""Split the word → businesses table into files a browser fetches one at a time.

The words are laid out as a trie.  A node whose words (with their postings)
fit in ``limit`` bytes is a *leaf*: its words go, whole, into a shared file
with neighbouring leaves.  A bigger node is *split*: it gets a file of its own
holding only the union of its words' postings (what a visitor who has typed
just that prefix needs), and its children are sharded the same way.

So whatever a visitor types, one token costs one file: the split file of the
prefix they typed, or the leaf file that holds every word starting with it.
Both are bounded — a leaf by ``limit``, a split file by the bitmap encoding.
The browser finds the file from the manifest's ``tree``:
``{prefix: [split_file_or_-1, [[first_char, leaf_file], ...]]}``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from generator.search.codec import encode

_ENTRY_OVERHEAD = 8  # ["",""], per word


@dataclass(frozen=True, slots=True)
class TermShards:
    """The sharded word index: file bodies, the manifest tree, and each word's file."""

    files: tuple[dict[str, object], ...]  # file number → JSON body
    tree: dict[str, list[object]]
    home: dict[str, int]  # word → the file holding its postings


@dataclass(slots=True)
class _Builder:
    """Mutable scratch space for one ``shard_terms`` call; never escapes it."""

    terms: Sequence[str]
    postings: Sequence[Sequence[int]]
    encoded: Sequence[str]
    cumulative: list[int]
    limit: int
    files: list[dict[str, object]]
    tree: dict[str, list[object]]
    home: dict[str, int]

    def cost(self, lo: int, hi: int) -> int:
        return self.cumulative[hi] - self.cumulative[lo]

    def children(self, prefix: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
        """Runs of words sharing the character after ``prefix``, in order."""
        depth = len(prefix)
        runs = []
        while lo < hi:
            char = self.terms[lo][depth]
            end = bisect_left(self.terms, prefix + chr(ord(char) + 1), lo, hi)
            runs.append((char, lo, end))
            lo = end
        return runs

    def split(self, prefix: str, lo: int, hi: int) -> None:
        """Give ``prefix`` a union file (unless it is the root) and shard its children."""
        exact: Sequence[int] = ()
        if lo < hi and self.terms[lo] == prefix:
            exact = self.postings[lo]
            lo += 1
        union_file = -1
        if prefix:
            union_file = self._add_file({"e": encode(exact), "p": encode(self._union(lo, hi, exact))})
            if exact:
                self.home[prefix] = union_file
        groups: list[list[object]] = []
        group_cost = self.limit + 1  # no open group yet
        for char, c_lo, c_hi in self.children(prefix, lo, hi):
            cost = self.cost(c_lo, c_hi)
            if cost > self.limit and c_hi - c_lo > 1:
                self.split(prefix + char, c_lo, c_hi)  # found by the browser before any group
                continue
            if group_cost + cost > self.limit:
                groups.append([char, self._add_file({"t": []})])
                group_cost = 0
            group_cost += cost
            self._extend_group(groups, c_lo, c_hi)
        self.tree[prefix] = [union_file, groups]

    def _extend_group(self, groups: list[list[object]], lo: int, hi: int) -> None:
        file_number = groups[-1][1]
        assert isinstance(file_number, int)
        words = self.files[file_number]["t"]
        assert isinstance(words, list)
        for i in range(lo, hi):
            words.append([self.terms[i], self.encoded[i]])
            self.home[self.terms[i]] = file_number

    def _union(self, lo: int, hi: int, exclude: Sequence[int]) -> list[int]:
        docs: set[int] = set()
        for i in range(lo, hi):
            docs.update(self.postings[i])
        docs.difference_update(exclude)
        return sorted(docs)

    def _add_file(self, body: dict[str, object]) -> int:
        self.files.append(body)
        return len(self.files) - 1


def shard_terms(terms: Sequence[str], postings: Sequence[Sequence[int]], encoded: Sequence[str], limit: int) -> TermShards:
    """Shard sorted ``terms`` (with their sorted postings, and those encoded) into files of about ``limit`` bytes."""
    costs = (len(t.encode("utf-8")) + len(e) + _ENTRY_OVERHEAD for t, e in zip(terms, encoded))
    cumulative = [0, *accumulate(costs)]
    builder = _Builder(terms, postings, encoded, cumulative, limit, [], {}, {})
    builder.split("", 0, len(terms))
    return TermShards(tuple(builder.files), builder.tree, builder.home)
