"""``api/businesses.json`` past :data:`PAGED_FROM` businesses: an index of files of at most :data:`PAGE_MOST`.

One file stays the interface of a small directory: a program reads it whole.
At a million businesses that file is over 600 MB, which no client should have
to fetch to look up one business and no host serves gracefully, so a large
directory publishes the same records in pages, and ``api/businesses.json``
becomes their index.

A page holds the businesses whose ids share a prefix (``api/businesses/ca.json``:
every id starting ``ca``), a prefix made one character longer wherever it would
hold more than :data:`PAGE_MOST`.  Why prefixes and not "the next 5,000":

* pages are stable: adding or removing a business rewrites the one page its id
  falls in (and the index), not every page after it, so a daily sync uploads
  two files, not hundreds; for the same reason the as-of date is in the index
  only, so a day with no change rewrites no page;
* a client finds one business without the index's help, by trying the id's
  prefixes longest first; with it, by the longest ``prefix`` that starts the id;
* the pages, read in the index's order, are the businesses in the same id
  order as the single file, each written exactly as it is there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .json_pieces import indented_json, join_businesses

PAGED_FROM = 50_000  # businesses: below this, api/businesses.json is the single file it has always been
PAGE_MOST = 5_000  # businesses in one page, unless one id alone makes a page (it cannot be split further)
INDEX = "api/businesses.json"


def page_plan(ids: Sequence[str], most: int | None = None) -> list[tuple[str, int, int]]:
    """``(prefix, start, end)``: ``ids[start:end]`` (sorted) share ``prefix``, at most ``most`` of them, in order."""
    most = PAGE_MOST if most is None else most
    plan: list[tuple[str, int, int]] = []

    def split(start: int, end: int, length: int) -> None:
        at = start
        while at < end:
            prefix = ids[at][:length]
            stop = at + 1
            while stop < end and ids[stop][:length] == prefix:
                stop += 1
            if stop - at > most and any(len(i) > length for i in (ids[at], ids[stop - 1])):
                split(at, stop, length + 1)  # ids are unique: a longer prefix always tells them apart
            else:
                plan.append((prefix, at, stop))
            at = stop

    split(0, len(ids), 1)
    return plan


def page_path(prefix: str) -> str:
    return f"api/businesses/{prefix}.json"


def paged_files(as_of: str, ids: Sequence[str], pieces: Sequence[bytes],
                most: int | None = None) -> Iterator[tuple[str, list[bytes]]]:
    """The index and each page, by output path, as the pieces to write (each business's piece as
    :func:`~generator.publish.api.business_json` made it for the single file)."""
    plan = page_plan(ids, most)
    index = {"as_of": as_of, "total": len(ids), "pages": [
        {"prefix": prefix, "href": page_path(prefix).removeprefix("api/"), "count": end - start,
         "first": ids[start], "last": ids[end - 1]} for prefix, start, end in plan]}
    yield INDEX, [indented_json(index).encode("utf-8") + b"\n"]
    for prefix, start, end in plan:
        head = '{\n "prefix": ' + indented_json(prefix) + ',\n "businesses": '
        yield page_path(prefix), [head.encode("utf-8"), *join_businesses(pieces[start:end])]
