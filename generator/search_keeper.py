"""Who keeps a live preview's search and lookup indexes up to date: this process, or a helper beside it.

An edit that adds, removes or renames a business renumbers the search index,
and rebuilding it takes most of a second on 100,000 businesses: as long as
rendering the pages the edit shifted.  With a second core, the two need not
wait for each other.  :class:`IndexHelper` keeps the :class:`LiveSearch` in a
forked process for the whole preview session; each update hands it a
:class:`SearchEdit` (the records of the edited businesses, not the site)
before the pages are rendered, and it rebuilds while they render.

It writes nothing until the pages have been rendered without an error: a
template that fails on the edited business leaves the last good site served,
search index included, and the helper is told to go back (the reverse edit).
:class:`InlineIndexes` does the same in this process, for a single core or a
small site, where forking costs more than it saves.

Both answer ``commit`` once the files are written, or, for a rebuild the
caller chose not to wait for, leave it to ``catch_up``.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

from .livesearch import LiveSearch, SearchEdit
from .livewrite import Served, sync

HELPER_FROM = 2000  # businesses: below this, an index rebuild is quicker than handing it over


class InlineIndexes:
    """The indexes kept in this process: edits are applied when committed."""

    def __init__(self, search: LiveSearch) -> None:
        self.search = search
        self.proposed: SearchEdit | None = None
        self.deferred: SearchEdit | None = None  # committed, waiting for catch_up

    def propose(self, edit: SearchEdit) -> None:
        self.proposed = edit

    def withdraw(self, reverse: SearchEdit) -> None:
        self.proposed = None

    def commit(self, served: Served, wait: bool) -> bool:
        """Write what the proposed edit changes; False if its rebuild was left for :meth:`catch_up`."""
        edit, self.proposed = self.proposed, None
        if edit is not None:
            self.deferred = edit if self.deferred is None else self.deferred.then(edit)
        return self._apply(served, rebuild=wait)

    def catch_up(self, served: Served) -> None:
        self._apply(served, rebuild=True)

    def close(self) -> None:
        pass

    def _apply(self, served: Served, rebuild: bool) -> bool:
        if self.deferred is None:
            return True
        before = self.search.files()
        if not self.search.update(self.deferred, rebuild=rebuild):
            return False
        sync(served, before, self.search.files())
        self.deferred = None
        return True


class IndexHelper:
    """The indexes kept in a forked helper process, which rebuilds while this one renders pages.

    Messages go in order both ways.  For each edit the helper answers at once whether it is in
    place (cheap) or a rebuild, then, after ``commit``, with what it wrote; after ``withdraw``
    it applies the reverse edit and writes nothing.
    """

    def __init__(self, search: LiveSearch, output: Path) -> None:
        context = multiprocessing.get_context("fork")  # the helper starts with the index already built
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_helper_main, args=(theirs, self._conn, search, output),
                                        daemon=True, name="badgedir-search")
        self._process.start()
        theirs.close()
        self._proposed = False
        self._awaited = 0  # commits whose writes are not yet reported

    @property
    def process(self) -> multiprocessing.process.BaseProcess:
        return self._process

    def propose(self, edit: SearchEdit) -> None:
        self._conn.send(("edit", edit))
        self._proposed = True

    def withdraw(self, reverse: SearchEdit) -> None:
        if self._proposed:
            self._receive()  # in place or not: it no longer matters
            self._conn.send(("undo", reverse))
            self._proposed = False

    def commit(self, served: Served, wait: bool) -> bool:
        if not self._proposed:
            return self._awaited == 0
        self._proposed = False
        self._conn.send(("commit", None))
        in_place = self._receive()
        self._awaited += 1
        if in_place or wait:
            self.catch_up(served)
        return self._awaited == 0

    def catch_up(self, served: Served) -> None:
        while self._awaited:
            written, removed, size = self._receive()
            served.written += written
            served.removed += removed
            served.bytes += size
            self._awaited -= 1

    def close(self) -> None:
        """Let the helper finish what it is writing, then stop it."""
        try:
            self._conn.send(("stop", None))
        except OSError:  # it has stopped already
            pass
        self._conn.close()
        self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def _receive(self) -> object:
        try:
            kind, value = self._conn.recv()
        except EOFError:
            raise RuntimeError("the search index helper stopped unexpectedly") from None
        if kind == "error":
            raise RuntimeError(f"the search index helper failed:\n{value}")
        return value


def _helper_main(conn: Connection, builders_end: Connection, search: LiveSearch, output: Path) -> None:
    """The helper's loop: follow edits until the builder says stop, or its end of the pipe closes (it died)."""
    builders_end.close()  # a copy held here would keep that end open, and never let us see it close
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server: it closes the pipe, we finish and exit
    gc.freeze()  # the inherited heap is never garbage: scanning it would copy every page of it
    gc.enable()  # the builder pauses the collector while it builds, and it may have forked us then
    before = search.files()
    while True:
        try:
            kind, edit = conn.recv()
        except (EOFError, OSError):
            return
        if kind == "stop":
            return
        try:
            if kind == "edit":
                before = search.files()
                in_place = search.update(edit, rebuild=False)
                conn.send(("in place", in_place))
                if not in_place:
                    search.update(edit)
            elif kind == "undo":
                search.update(edit)  # back to the files still on disk: nothing to write
            elif kind == "commit":
                served = Served(output)
                sync(served, before, search.files())
                conn.send(("written", (served.written, served.removed, served.bytes)))
        except (BrokenPipeError, ConnectionResetError):  # the builder closed while we wrote: the files are written
            return
        except Exception:  # noqa: BLE001 - a bug: report it to the builder, which raises it
            conn.send(("error", traceback.format_exc()))


def keep_indexes(search: LiveSearch, output: Path, jobs: int) -> InlineIndexes | IndexHelper:
    """A helper when there is a second core and enough businesses to be worth one."""
    if jobs > 1 and len(search.records) >= HELPER_FROM:
        return IndexHelper(search, output)
    return InlineIndexes(search)
