"""``api/businesses.json`` in the live preview: edited in place, a business at a time.

A full build writes the file whole (:mod:`generator.api`); the preview keeps
the same bytes in memory, one piece per business, and splices the pieces an
edit changes, so a renamed or added business costs a few milliseconds at
100,000 businesses instead of a new 60 MB file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..publish import api_pages
from ..publish.api import join_businesses, json_head
from ..decide.site import Site
from .livewrite import Served


class LiveBusinessesJson:
    """``api/businesses.json`` kept in memory as ``api.businesses_json`` writes it, a piece per business.

    The file is a ``bytearray`` edited in place: at 100k it is 60 MB, and a new copy per edit cost
    ~35 ms of page faults where moving its tail costs a few.
    """

    def __init__(self, site: Site, fragments: dict[str, bytes]) -> None:
        self.head = json_head(site)
        self.as_of = site.as_of.isoformat()
        self.fragments = fragments  # business id → its piece of the file
        self.written: dict[str, bytes] = {}  # the pages last written, for a paged directory
        self._order(site)

    def files(self) -> dict[str, bytes | bytearray]:
        """What the build writes: the one file, or the index and its pages (:mod:`generator.publish.api_pages`)."""
        if len(self.ids) < api_pages.PAGED_FROM:
            return {api_pages.INDEX: self.data}
        return {path: b"".join(pieces) for path, pieces in api_pages.paged_files(self.as_of, self.ids, self.parts)}

    def write_all(self, write: Callable[[str, bytes | bytearray], None]) -> None:
        files = self.files()
        self.written = {path: bytes(data) for path, data in files.items()} if self._paged() else {}
        for path, data in files.items():
            write(path, data)

    def sync(self, site: Site, changed: frozenset[str], fresh: Mapping[str, bytes], served: Served) -> None:
        """Follow ``changed`` businesses and write what changed of the file, or of the pages."""
        if not (changed and self.update(site, changed, fresh)):
            return
        if not self._paged() and not self.written:
            served.write(api_pages.INDEX, self.data)
            return
        files = {path: bytes(data) for path, data in self.files().items()}
        for path in sorted(self.written.keys() - files.keys()):
            served.remove(path)
        for path, data in files.items():
            if self.written.get(path) != data:
                served.write(path, data)
        self.written = files if self._paged() else {}

    def _paged(self) -> bool:
        return len(self.ids) >= api_pages.PAGED_FROM

    def _order(self, site: Site) -> None:
        self.ids = list(site.entries)
        self.parts = [self.fragments[i] for i in self.ids]
        self.data = bytearray().join([self.head, *join_businesses(self.parts)])

    def update(self, site: Site, changed: frozenset[str], fresh: Mapping[str, bytes]) -> bool:
        """Follow ``changed`` businesses (``fresh``: the pieces of those still listed); whether the file changed."""
        gone = [i for i in changed if i not in site.entries]
        if len(changed) > 8 or len(self.ids) - len(gone) < 1 or len(site.entries) < 2:
            # A join beats that many copies of a long file; and a list this short, or one emptied on the way,
            # has another shape ("[]", no separators) than splicing keeps.
            for business_id in gone:
                del self.fragments[business_id]
            self.fragments.update(fresh)
            before = self.data
            self._order(site)
            return self.data != before
        spliced = False
        if gone or fresh.keys() - self.fragments.keys():
            for n in sorted((self.ids.index(i) for i in gone), reverse=True):
                spliced = self._splice(n, n + 1, ())
            order = list(site.entries)
            for n in sorted(order.index(i) for i in fresh if i not in self.fragments):
                spliced = self._splice(n, n, (order[n], fresh[order[n]]))
        for business_id, piece in fresh.items():
            if self.fragments[business_id] != piece:
                n = self.ids.index(business_id)
                spliced = self._splice(n, n + 1, (business_id, piece))
        return spliced

    def _splice(self, start: int, end: int, new: tuple[str, bytes] | tuple[()]) -> bool:
        """Replace businesses ``start:end`` (at most one) with ``new`` (at most one); True (the file changed)."""
        offset = len(self.head) + 2 + sum(map(len, self.parts[:start])) + 2 * start  # after "[\n" and a ",\n" each
        cut_end = offset + sum(map(len, self.parts[start:end])) + 2 * (end - start)  # with the ",\n" after each
        piece = new[1] + b",\n" if new else b""
        if start == len(self.parts) or (end == len(self.parts) and end > start):  # the last one: the comma goes before
            offset, cut_end, piece = offset - 2, cut_end - 2, (b",\n" + new[1] if new else b"")
        self.data[offset:cut_end] = piece
        for business_id in self.ids[start:end]:
            del self.fragments[business_id]
        self.ids[start:end], self.parts[start:end] = ([new[0]], [new[1]]) if new else ([], [])
        if new:
            self.fragments[new[0]] = new[1]
        return True
