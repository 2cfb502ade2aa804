"""Who keeps a live preview's search and lookup indexes up to date: this process, or a helper beside it.

An edit that adds, removes or renames a business renumbers the search index,
and rebuilding it takes most of a second on 100,000 businesses: as long as
rendering the pages the edit shifted.  With a second core, the two need not
wait for each other.  :class:`IndexHelper` is a process forked when the
preview starts, while this one is still small, and kept for the whole
session.  Each build hands it the site's search records (it writes the
indexes while the pages render), and each update a :class:`SearchEdit` (the
records of the edited businesses) before the pages are rendered, so it
rebuilds while they render.

It writes an update's files only once the pages have rendered without an
error: a template that fails on the edited business leaves the last good
site served, search index included, and the helper is told to go back (the
reverse edit).  :class:`InlineIndexes` does the same in this process, for a
single core.

Both answer ``commit`` once the files are written, or, for a rebuild the
caller chose not to wait for, leave it to ``catch_up``.
"""

from __future__ import annotations

import multiprocessing
import signal
import traceback
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path

from .live import LiveSearch, SearchEdit
from ..preview.livewrite import Served, sync
from ..engine.memory import collector_paused
from .records import SearchRecord
from ..publish.writing import WriteStats, write_file


def _write_all(files: dict[str, bytes], folder: Path) -> WriteStats:
    stats = WriteStats()
    for path, body in files.items():
        write_file(folder, path, body, stats)
    return stats


class InlineIndexes:
    """The indexes kept in this process: edits are applied when committed."""

    def __init__(self) -> None:
        self.search: LiveSearch | None = None
        self.proposed: SearchEdit | None = None
        self.deferred: SearchEdit | None = None  # committed, waiting for catch_up
        self._written = WriteStats()

    def start(self, records: Sequence[SearchRecord], category_names: dict[str, str], region: str, folder: Path) -> None:
        self.search = LiveSearch(records, category_names, region)
        self.proposed = self.deferred = None
        self._written = _write_all(self.search.files(), folder)

    def started(self) -> WriteStats:
        return self._written

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

    def alive(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def _apply(self, served: Served, rebuild: bool) -> bool:
        if self.deferred is None or self.search is None:
            return True
        before = self.search.files()
        if not self.search.update(self.deferred, rebuild=rebuild):
            return False
        sync(served, before, self.search.files())
        self.deferred = None
        return True


class IndexHelper:
    """The indexes kept in a forked helper process, which works while this one renders pages.

    Messages go in order both ways, and the helper answers each ``start``, ``edit`` and
    ``commit``: ``edit`` at once with whether it is in place (cheap) or a rebuild, ``commit``
    with what it wrote.  ``undo`` (the reverse of a withdrawn edit) writes nothing and has no
    answer.  The helper keeps nothing between messages but the index and what of it is on disk,
    so a ``start`` after a failed update begins cleanly once the answers still owed are read.
    """

    def __init__(self, output: Path) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_helper_main, args=(theirs, self._conn, output), daemon=True,
                                        name="badgedir-search")
        self._process.start()
        theirs.close()
        self._owed = 0  # answers the helper still owes, read in order
        self._proposed = False  # an edit awaits commit or withdraw
        self._unwritten = 0  # commits whose answer (what was written) is not read yet

    @property
    def process(self) -> multiprocessing.process.BaseProcess:
        return self._process

    def start(self, records: Sequence[SearchRecord], category_names: dict[str, str], region: str, folder: Path) -> None:
        self._settle()
        self._send("start", (list(records), category_names, region, folder))

    def started(self) -> WriteStats:
        stats = self._receive()
        assert isinstance(stats, WriteStats)
        return stats

    def propose(self, edit: SearchEdit) -> None:
        self._send("edit", edit)
        self._proposed = True

    def withdraw(self, reverse: SearchEdit) -> None:
        if self._proposed:
            self._receive()  # in place or not: it no longer matters
            self._conn.send(("undo", reverse))
            self._proposed = False

    def commit(self, served: Served, wait: bool) -> bool:
        if self._proposed:
            self._proposed = False
            in_place = self._receive()
            self._send("commit", None)
            self._unwritten += 1
            if in_place or wait:
                self.catch_up(served)
        return self._unwritten == 0

    def catch_up(self, served: Served) -> None:
        while self._unwritten:
            written, removed, size = self._receive()  # type: ignore[misc]
            served.written += written
            served.removed += removed
            served.bytes += size
            self._unwritten -= 1

    def alive(self) -> bool:
        return self._process.is_alive()

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

    def _send(self, kind: str, value: object) -> None:
        self._conn.send((kind, value))
        self._owed += 1

    def _receive(self) -> object:
        try:
            kind, value = self._conn.recv()
        except EOFError:
            raise RuntimeError("the search index helper stopped unexpectedly") from None
        self._owed -= 1
        if kind == "error":
            raise RuntimeError(f"the search index helper failed:\n{value}")
        return value

    def _settle(self) -> None:
        """Read what an update that failed halfway left unread, so answers and questions match again."""
        while self._owed:
            self._receive()
        self._proposed, self._unwritten = False, 0


def _helper_main(conn: Connection, builders_end: Connection, output: Path) -> None:
    """The helper's loop: follow builds and edits until the builder says stop, or its end of the pipe
    closes (it died)."""
    builders_end.close()  # a copy held here would keep that end open, and never let us see it close
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server: it tells us to stop once we are done
    helper = _Helper(conn, output)
    while True:
        try:
            kind, value = conn.recv()
        except (EOFError, OSError):
            return
        if kind == "stop":
            return
        try:
            with collector_paused():  # a pass over the index's million objects would cost more than the edit
                helper.answer(kind, value)
        except (BrokenPipeError, ConnectionResetError):  # the builder closed while we wrote: the files are written
            return
        except Exception:  # noqa: BLE001 - a bug: report it to the builder, which raises it
            conn.send(("error", traceback.format_exc()))


class _Helper:
    """The helper process's side: the index, and the files of it that are on disk."""

    def __init__(self, conn: Connection, output: Path) -> None:
        self.conn, self.output = conn, output
        self.search: LiveSearch | None = None
        self.on_disk: dict[str, bytes] = {}

    def answer(self, kind: str, value: object) -> None:
        if kind == "start":
            records, category_names, region, folder = value  # type: ignore[misc]
            self.search = None  # the last build's index goes before the next is made
            self.search = LiveSearch(records, category_names, region)
            self.on_disk = self.search.files()
            self.conn.send(("started", _write_all(self.on_disk, folder)))
            return
        assert self.search is not None
        if kind == "edit":
            in_place = self.search.update(value, rebuild=False)  # type: ignore[arg-type]
            self.conn.send(("in place", in_place))
            if not in_place:
                self.search.update(value)  # type: ignore[arg-type]
        elif kind == "undo":
            self.search.update(value)  # type: ignore[arg-type]  # back to the files on disk: nothing to write
        elif kind == "commit":
            served, after = Served(self.output), self.search.files()
            sync(served, self.on_disk, after)
            self.on_disk = after
            self.conn.send(("written", (served.written, served.removed, served.bytes)))


def keep_indexes(output: Path, jobs: int) -> InlineIndexes | IndexHelper:
    """A helper process when there is a second core to run it on."""
    return IndexHelper(output) if jobs > 1 else InlineIndexes()
