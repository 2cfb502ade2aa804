"""The name search index: what ``search.js`` downloads to answer a query.

Businesses are numbered in the order results are shown — tier (verified
first), then folded name, then id — so for equally good matches "best first"
is simply "lowest number first", and a page of results needs only the few
document chunks holding the lowest matching numbers.  Filters are postings
lists too (tier is a number range), so filtering needs no per-business data.

Layout under ``search/``:

* ``manifest.json`` — small, fetched first: counts, tier ranges, category and
  city names, the fold table, the word-file tree, and ``base``, the
  content-hashed folder holding everything else (a visitor whose browser
  cached an old manifest gets a clean miss, never a mix of two builds).
* ``<base>t/<n>.json`` — word files (see ``term_shards``).
* ``<base>v/<n>.json`` — typo files (see ``typo_index``).
* ``<base>n/<n>.json`` — businesses by whole folded name, hashed: ranks an
  exact full-name match first within its tier.
* ``<base>d/<n>.json`` — businesses ``n*chunk`` … as
  ``[name, url, category, city, number, imitated_name, warning_url]`` (the
  last two only for a look-alike; the page words the warning in its language).
* ``<base>f/c<n>.json``, ``<base>f/y<n>.json`` — businesses per category/city.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from generator.search.codec import encode, encode_each
from generator.search.fold import FOLD_TABLE, tokens
from generator.search.records import TIERS, SearchRecord
from generator.search.term_shards import shard_terms
from generator.search.typo_index import MIN_WORD, fnv1a, typo_files

FORMAT = 2  # 2: rows carry the imitated name, not a warning in one language
WORD_FILE_LIMIT = 12_000  # bytes of words+postings in one word file
DOC_CHUNK = 32  # businesses per document file: a page of 10 results touches ≤ 10 of them
NAMES_PER_FILE = 200  # whole names per exact-name file (~6 KB)


def dumps(value: object) -> bytes:
    """Deterministic compact JSON: same records, same bytes."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def ranked(records: Sequence[SearchRecord]) -> list[SearchRecord]:
    """Records in result order; a record's position is its document number."""
    return [records[i] for i in _ranking([tokens(r.name) for r in records], records)]


def rank_key(record: SearchRecord, words: Sequence[str]) -> tuple[int, str, str, str]:
    """What result order sorts on: tier, folded name (``words`` are its tokens), name, id."""
    return _TIER_RANK[record.tier], " ".join(words), record.name, record.id


_TIER_RANK = {tier: i for i, tier in enumerate(TIERS)}


def _ranking(words: Sequence[list[str]], records: Sequence[SearchRecord]) -> list[int]:
    """Positions of ``records`` in result order."""
    keyed = sorted((rank_key(r, w), i) for i, (w, r) in enumerate(zip(words, records)))
    return [k[-1] for k in keyed]


def _postings(words_by_doc: Sequence[Sequence[str]]) -> tuple[list[str], list[list[int]]]:
    """Sorted distinct name words, each with the increasing numbers of businesses using it."""
    table: dict[str, list[int]] = {}
    for number, words in enumerate(words_by_doc):
        for word in words:
            numbers = table.get(word)
            if numbers is None:
                table[word] = [number]
            elif numbers[-1] != number:  # a word said twice in one name
                numbers.append(number)
    terms = sorted(table)
    return terms, [table[t] for t in terms]


def _tier_starts(docs: Sequence[SearchRecord]) -> list[int]:
    """Where each tier's numbers start (``docs`` are in result order: by tier first), and the count."""
    return [*(bisect_left(docs, rank, key=lambda r: _TIER_RANK[r.tier]) for rank in range(len(TIERS))), len(docs)]


Facets = tuple[list[tuple[str, str]], list[str]]
"""The categories (slug, name) and the cities businesses are in, sorted: numbered in that order."""


def facets_of(records: Iterable[SearchRecord]) -> Facets:
    records = list(records)
    return (sorted({(r.category_slug, r.category) for r in records if r.category_slug}),
            sorted({r.city for r in records if r.city}))


def _members(group_of: Sequence[int], count: int) -> list[list[int]]:
    """For each of ``count`` groups, the numbers of the businesses in it (-1: none)."""
    members: list[list[int]] = [[] for _ in range(count)]
    for number, group in enumerate(group_of):
        if group >= 0:
            members[group].append(number)
    return members


def document_row(record: SearchRecord, category: int, city: int) -> list[object]:
    """One business in a document file (a live preview rewrites single files with it)."""
    row: list[object] = [record.name, record.url, category, city, record.whatsapp_display]
    if record.imitates:
        row += [record.imitates, record.warning_url]
    return row


def _whole_name_files(names: Sequence[str], hashes: dict[str, int]) -> tuple[int, list[dict[str, str]]]:
    """Businesses by whole folded name, hashed over files of ~NAMES_PER_FILE names.

    Typing "Librería Álvarez" should put the business of exactly that name above
    "Casa Álvarez · Librería" of the same tier; word postings cannot tell them
    apart, one small file keyed by the whole query can.
    """
    table: dict[str, list[int]] = {}
    for number, name in enumerate(names):
        numbers = table.get(name)
        if numbers is None:
            table[name] = [number]
        else:
            numbers.append(number)
    count = max(1, -(-len(table) // NAMES_PER_FILE))
    bodies: list[dict[str, str]] = [{} for _ in range(count)]
    for name, encoded in zip(table, encode_each(table.values())):
        name_hash = hashes.get(name)
        if name_hash is None:
            name_hash = hashes[name] = fnv1a(name)
        bodies[name_hash % count][name] = encoded
    return count, bodies


@dataclass(slots=True)
class Memo:
    """What a live preview keeps from one rebuild of the index to the next.

    Adding a business renumbers every business after it, so most files change,
    but most of what they are made of does not: the words of names not edited
    (the caller keeps those), the hash of each whole name, each business's
    document row, and the encoded postings of every word used only before the
    new business.  Each is looked up here before it is computed.
    """

    name_hashes: dict[str, int] = field(default_factory=dict)
    rows: dict[str, tuple[SearchRecord, int, int, str]] = field(default_factory=dict)
    postings: dict[str, tuple[list[int], str]] = field(default_factory=dict)

    def rows_json(self, docs: Sequence[SearchRecord], category_of: Sequence[int], city_of: Sequence[int]) -> list[str]:
        """Each business's document row as JSON, computed only for a record or a number not seen before."""
        kept_rows, out = self.rows, []
        for record, category, city in zip(docs, category_of, city_of):
            kept = kept_rows.get(record.id)
            if kept is None or kept[0] is not record or kept[1] != category or kept[2] != city:
                kept = kept_rows[record.id] = (record, category, city, dumps(document_row(record, category, city)).decode())
            out.append(kept[3])
        return out

    def encode(self, term: str, postings: list[int]) -> str:
        kept = self.postings.get(term)
        if kept is None or kept[0] != postings:
            kept = self.postings[term] = (postings, encode(postings))
        return kept[1]

    def forget(self, present: Iterable[str], terms: Iterable[str]) -> None:
        """Drop what belongs to businesses and words no longer in the index."""
        for kept, keys in ((self.rows, present), (self.postings, terms)):
            for gone in kept.keys() - set(keys):
                del kept[gone]


def build_text_index(records: Sequence[SearchRecord]) -> dict[str, bytes]:
    """Every search file, as ``{path relative to out_dir: bytes}``; no I/O."""
    words_of = [tokens(r.name) for r in records]
    order = _ranking(words_of, records)
    return text_index_files([records[i] for i in order], [words_of[i] for i in order])


def text_index_files(docs: Sequence[SearchRecord], words_by_doc: Sequence[Sequence[str]],
                     memo: Memo | None = None, *, folded: Sequence[str] | None = None,
                     facets: Facets | None = None) -> dict[str, bytes]:
    """``build_text_index`` for records already in result order, with their words (see :class:`Memo`).

    A caller that keeps them may pass each whole ``folded`` name (the words joined by spaces) and
    the ``facets`` of ``docs``; they are computed here otherwise.
    """
    categories, cities = facets or facets_of(docs)
    category_number = {slug: i for i, (slug, _) in enumerate(categories)}
    city_number = {city: i for i, city in enumerate(cities)}

    files: dict[str, bytes] = {}
    terms, postings = _postings(words_by_doc)
    encoded = [encode(p) for p in postings] if memo is None else list(map(memo.encode, terms, postings))
    shards = shard_terms(terms, postings, encoded, WORD_FILE_LIMIT)
    for number, body in enumerate(shards.files):
        files[f"t/{number}.json"] = dumps(body)
    typo_count, typo_bodies = typo_files(terms, encoded, shards.home)
    for number, body in enumerate(typo_bodies):
        files[f"v/{number}.json"] = dumps(body)

    if folded is None:
        folded = [" ".join(words) for words in words_by_doc]
    name_count, name_bodies = _whole_name_files(folded, {} if memo is None else memo.name_hashes)
    for number, body in enumerate(name_bodies):
        files[f"n/{number}.json"] = dumps(body)

    category_of = [category_number.get(r.category_slug, -1) for r in docs]
    city_of = [city_number.get(r.city, -1) for r in docs]
    if memo is None:  # the rows as values, dumped a chunk at a time
        for start in range(0, len(docs), DOC_CHUNK):
            chunk = [document_row(*row) for row in zip(docs[start:start + DOC_CHUNK], category_of[start:start + DOC_CHUNK],
                                                      city_of[start:start + DOC_CHUNK])]
            files[f"d/{start // DOC_CHUNK}.json"] = dumps(chunk)
    else:  # the rows as JSON already: dumps of a list joins its items
        rows = memo.rows_json(docs, category_of, city_of)
        for start in range(0, len(rows), DOC_CHUNK):
            files[f"d/{start // DOC_CHUNK}.json"] = f"[{','.join(rows[start:start + DOC_CHUNK])}]".encode()
    for number, members in enumerate(_members(category_of, len(categories))):
        files[f"f/c{number}.json"] = dumps({"p": encode(members)})
    for number, members in enumerate(_members(city_of, len(cities))):
        files[f"f/y{number}.json"] = dumps({"p": encode(members)})

    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path] + b"\0")
    base = digest.hexdigest()[:16] + "/"
    manifest = {
        "format": FORMAT,
        "base": base,
        "count": len(docs),
        "tiers": _tier_starts(docs),
        "categories": [list(c) for c in categories],
        "cities": cities,
        "fold": dict(FOLD_TABLE),
        "tree": shards.tree,
        "chunk": DOC_CHUNK,
        "typoFiles": typo_count,
        "nameFiles": name_count,
        "typoMinWord": MIN_WORD,
    }
    out = {f"search/{base}{path}": body for path, body in files.items()}
    out["search/manifest.json"] = dumps(manifest)
    return out
