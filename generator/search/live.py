"""The search and lookup indexes, kept up to date by a live preview.

Both indexes live in content-hashed folders (``search/<hash>/``,
``lookup/<hash>/``), so any edit moves every file to a new folder; and the
search index numbers businesses in result order, so a new or renamed
business renumbers everything after it.  Recomputing them takes seconds on
100,000 businesses, so this module recomputes only the files an edit can
change when the edit cannot renumber anything:

* search: the document files holding the edited businesses and, if their
  category or city changed, those filter files — when no business was
  added, removed, renamed or moved to another tier, and the sets of
  categories and cities are the same;
* lookup: the files of the edited businesses' old and new numbers — when
  the count of numbers still calls for the same number of files.

Anything else is rebuilt by the index writers in :mod:`generator.search`
(``text_index_files``, ``build_number_index``), from what this object keeps
between edits: the words of each name, the result order (edited by
bisection) and a ``Memo`` of rows and encoded postings.  The files are
returned as bytes by path and written by the caller; the folder moves to its
new hash.

An edit arrives as a :class:`SearchEdit` (the new records of the businesses
it touched), not as a site, so the object can live in another process
(:mod:`generator.search_keeper`).
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from operator import itemgetter

from .codec import encode
from .fold import tokens
from .from_site import category_names, search_records
from .number_index import build_number_index, file_count, number_table
from .records import SearchRecord
from .text_index import DOC_CHUNK, Memo, document_row, dumps, facets_of, rank_key, text_index_files
from .typo_index import fnv1a
from ..decide.site import Site

Files = dict[str, bytes]


def _content_hash(inner: Mapping[str, bytes]) -> str:
    """The folder name the index writers give a set of files (same recipe as theirs)."""
    digest = hashlib.sha256()
    for path in sorted(inner):
        digest.update(path.encode() + b"\0" + inner[path] + b"\0")
    return digest.hexdigest()[:16] + "/"


class _Index:
    """One hashed index folder: its files by inner path, and its manifest."""

    def __init__(self, root: str, files: Files) -> None:
        self.root = root  # "search/" or "lookup/"
        self.manifest = json.loads(files[f"{root}manifest.json"])
        self.base: str = self.manifest["base"]
        prefix = f"{root}{self.base}"
        self.inner = {path[len(prefix):]: body for path, body in files.items() if path.startswith(prefix)}

    def rehashed(self, inner: Files) -> "_Index":
        base = _content_hash(inner)
        files = {f"{self.root}{base}{path}": body for path, body in inner.items()}
        files[f"{self.root}manifest.json"] = dumps({**self.manifest, "base": base})
        return _Index(self.root, files)

    def files(self) -> Files:
        out = {f"{self.root}{self.base}{path}": body for path, body in self.inner.items()}
        out[f"{self.root}manifest.json"] = dumps(self.manifest)
        return out


@dataclass(frozen=True, slots=True)
class SearchEdit:
    """What the indexes need to know of one edit of the site: small enough to hand to another process.

    ``records`` holds the new record of each business the edit touched (None: removed), or, when
    ``everything`` is set (a category was renamed, so any record may have changed), every record.
    """

    category_names: dict[str, str]
    records: dict[str, SearchRecord | None]
    everything: bool = False

    def then(self, later: "SearchEdit") -> "SearchEdit":
        """This edit followed by ``later``, as one."""
        if later.everything:
            return later
        return SearchEdit(later.category_names, {**self.records, **later.records}, self.everything)


def search_edit(before: Site, after: Site, changed: Iterable[str]) -> SearchEdit:
    """The edit that takes the indexes of ``before`` to those of ``after``, where ``changed`` are the
    businesses that differ (the reverse edit swaps the two sites)."""
    names = category_names(after)
    if any(names.get(slug, name) != name for slug, name in category_names(before).items()):
        return SearchEdit(names, {r.id: r for r in search_records(after)}, everything=True)
    present = {i: after.entries[i] for i in changed if i in after.entries}
    records: dict[str, SearchRecord | None] = dict.fromkeys(changed)
    records.update((r.id, r) for r in search_records(replace(after, entries=present)))
    return SearchEdit(names, records)


class LiveSearch:
    """The two indexes of one site, and what they were computed from."""

    def __init__(self, records: Iterable[SearchRecord], category_names: dict[str, str], region: str) -> None:
        self.region = region
        self.category_names = category_names
        self.records = {r.id: r for r in records}
        self.in_use = Counter(r.whatsapp for r in self.records.values())
        for record in self.records.values():
            record.check()
        # Kept between edits so a rebuild of the search index skips them: the words of each name,
        # the businesses in result order, and the parts of files that did not change (Memo).
        self.words = {i: tokens(r.name) for i, r in self.records.items()}
        self.order = sorted(rank_key(r, self.words[i]) for i, r in self.records.items())
        self.memo = Memo()
        self._rebuild_text()
        self._rebuild_numbers()

    def files(self) -> Files:
        return {**self.text.files(), **self.numbers.files()}

    def update(self, edit: SearchEdit, rebuild: bool = True) -> bool:
        """Follow an edit of the site: the new records of the businesses it added, changed or removed.

        With ``rebuild=False`` an edit that needs an index rebuilt is left for later: nothing changes and
        the answer is False; call again (with this edit, or one made by ``then`` from it) to do it.
        """
        before = self.records
        if edit.everything:  # a category's name changed: every record may have
            records = {i: r for i, r in edit.records.items() if r is not None}
            changed = records.keys() | before.keys()
        else:
            records = dict(before)
            for business_id, record in edit.records.items():
                records.pop(business_id, None)
                if record is not None:
                    records[business_id] = record
            changed = set(edit.records)
        names = edit.category_names
        changed = {i for i in changed if records.get(i) != before.get(i)}
        text_in_place = self._text_in_place(before, records, changed)
        numbers = self._numbers_after(before, records, changed)
        numbers_in_place = file_count(len(numbers)) == self.file_count
        if changed and not rebuild and not (text_in_place and numbers_in_place):
            return False
        self.records, self.category_names, self.in_use = records, names, numbers
        if not changed:
            return True
        for business_id in changed:
            if business_id in records:
                records[business_id].check()
        self._reorder(before, changed)
        if text_in_place:
            self._patch_text(before, changed)
        else:
            self._rebuild_text()
        if numbers_in_place:
            self._patch_numbers(before, changed)
        else:
            self._rebuild_numbers()
        return True

    # -- search/ ------------------------------------------------------------

    def _reorder(self, before: Mapping[str, SearchRecord], changed: set[str]) -> None:
        """Bring ``words`` and ``order`` up to date with ``self.records`` after ``changed`` changed."""
        resort = len(changed) > 64  # sorting afresh beats that many edits of a long list
        for business_id in changed:
            old, new = before.get(business_id), self.records.get(business_id)
            words = self.words.pop(business_id, None)
            if old is not None and not resort:
                del self.order[bisect_left(self.order, rank_key(old, words))]  # type: ignore[arg-type]
            if new is not None:
                if old is None or old.name != new.name:
                    words = tokens(new.name)
                self.words[business_id] = words  # type: ignore[assignment]
                if not resort:
                    insort(self.order, rank_key(new, words))  # type: ignore[arg-type]
        if resort:
            self.order = sorted(rank_key(r, self.words[i]) for i, r in self.records.items())

    def _rebuild_text(self) -> None:
        ids = list(map(itemgetter(3), self.order))  # rank keys are (tier, folded name, name, id)
        docs = list(map(self.records.__getitem__, ids))
        self.facets = facets_of(docs)
        self.text = _Index("search/", text_index_files(docs, list(map(self.words.__getitem__, ids)), self.memo,
                                                       folded=list(map(itemgetter(1), self.order)), facets=self.facets))
        if len(self.memo.rows) > len(docs) + 1000:  # renamed and deleted businesses add up over a session
            self.memo.forget(self.records, {w for words in self.words.values() for w in words})
        self.docs = docs
        self._doc_number: dict[str, int] | None = None  # made when an edit in place first needs it

    @property
    def doc_number(self) -> dict[str, int]:
        if self._doc_number is None:
            self._doc_number = {r.id: n for n, r in enumerate(self.docs)}
        return self._doc_number

    def _text_in_place(self, before: Mapping[str, SearchRecord], after: Mapping[str, SearchRecord], changed: set[str]) -> bool:
        """Whether the edits keep every business's number in the search index (no add, remove, rename, new tier)."""
        for business_id in changed:
            old, new = before.get(business_id), after.get(business_id)
            if old is None or new is None or (old.tier, old.name) != (new.tier, new.name):
                return False
        moved = any((before[i].category_slug, before[i].category, before[i].city) !=
                    (after[i].category_slug, after[i].category, after[i].city) for i in changed)
        return not moved or facets_of(before.values()) == facets_of(after.values())

    def _patch_text(self, before: Mapping[str, SearchRecord], changed: set[str]) -> None:
        """Rewrite the document and filter files of businesses edited in place."""
        categories, cities = self.facets  # unchanged: _text_in_place says so
        category_number = {slug: i for i, (slug, _) in enumerate(categories)}
        city_number = {city: i for i, city in enumerate(cities)}
        for business_id in changed:
            self.docs[self.doc_number[business_id]] = self.records[business_id]
        inner = dict(self.text.inner)
        for chunk in {self.doc_number[i] // DOC_CHUNK for i in changed}:
            rows = [document_row(r, category_number.get(r.category_slug, -1), city_number.get(r.city, -1))
                    for r in self.docs[chunk * DOC_CHUNK:(chunk + 1) * DOC_CHUNK]]
            inner[f"d/{chunk}.json"] = dumps(rows)
        for slug in {s for i in changed if before[i].category_slug != self.records[i].category_slug
                     for s in (before[i].category_slug, self.records[i].category_slug) if s}:
            members = [n for n, r in enumerate(self.docs) if r.category_slug == slug]
            inner[f"f/c{category_number[slug]}.json"] = dumps({"p": encode(members)})
        for city in {c for i in changed if before[i].city != self.records[i].city
                     for c in (before[i].city, self.records[i].city) if c}:
            members = [n for n, r in enumerate(self.docs) if r.city == city]
            inner[f"f/y{city_number[city]}.json"] = dumps({"p": encode(members)})
        self.text = self.text.rehashed(inner)

    # -- lookup/ ------------------------------------------------------------

    def _numbers_after(self, before: Mapping[str, SearchRecord], after: Mapping[str, SearchRecord],
                       changed: set[str]) -> Counter[str]:
        """How many businesses use each number, after the edits (a copy only when a number changed)."""
        if all(before.get(i) is not None and after.get(i) is not None and before[i].whatsapp == after[i].whatsapp
               for i in changed):
            return self.in_use
        numbers = Counter(self.in_use)
        for business_id in changed:
            if business_id in before:
                numbers[before[business_id].whatsapp] -= 1
                if not numbers[before[business_id].whatsapp]:
                    del numbers[before[business_id].whatsapp]
            if business_id in after:
                numbers[after[business_id].whatsapp] += 1
        return numbers

    def _rebuild_numbers(self) -> None:
        self.numbers = _Index("lookup/", build_number_index(list(self.records.values()), self.region))
        self.file_count: int = self.numbers.manifest["files"]
        self.by_file: dict[int, set[str]] = {}
        for record in self.records.values():
            self.by_file.setdefault(self._file_of(record), set()).add(record.id)

    def _file_of(self, record: SearchRecord) -> int:
        return fnv1a(record.whatsapp) % self.file_count

    def _patch_numbers(self, before: Mapping[str, SearchRecord], changed: set[str]) -> None:
        """Rewrite the files of the edited businesses' old and new numbers."""
        touched = set()
        for business_id in changed:
            for record, keep in ((before.get(business_id), False), (self.records.get(business_id), True)):
                if record is not None:
                    number = self._file_of(record)
                    touched.add(number)
                    members = self.by_file.setdefault(number, set())
                    (members.add if keep else members.discard)(business_id)
        inner = dict(self.numbers.inner)
        for number in touched:
            inner[f"{number}.json"] = dumps(number_table(self.records[i] for i in self.by_file[number]))
        self.numbers = self.numbers.rehashed(inner)
