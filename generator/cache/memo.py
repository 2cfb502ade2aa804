"""A build with nothing to do: the whole build as one keyed piece of work.

The build is a tree of keyed pieces (see ``docs/architecture.md``); this is
its root.  Its key is everything the output depends on: badgedir's code (the
store's folder), the options that change output (the as-of date, the
templates, ``--strict``, the link check, the signing key), the folders read
and written, and the bytes of every input file, known from the
:class:`~generator.cache.inputs.Ledger` without reading the files whose stat
did not change.  What it keeps is the build's summary and warnings, and the
identity of the output folder it published: the folder's inode (a new one
on every publish, as the staging folder is swapped in) and the stat of its
``manifest.json``.

When both match, the output folder is what a build would write, byte for
byte, and nothing is done: Hugo renders every page even then.  A folder
edited by hand inside ``output/`` is not looked for (that would be a stat of
every published file: two seconds at 100,000 businesses); ``badgedir verify
output`` finds such edits from the manifest, and ``--no-cache`` writes every
file again.  A build given ``--previous`` always runs: its feed depends on a
copy fetched from elsewhere.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..diagnostics import shown
from ..engine.apart import apart
from ..options import BuildOptions, BuildResult
from ..publish.staging import check_output_location
from .inputs import Head, Ledger, Stats, take_ledger, take_stats, unchanged
from .keys import digest
from .store import DiskStore, Store, open_store

Identity = tuple[Any, ...]


@dataclass
class BuildMemo:
    """The last build of these inputs into this output, if it is still what the output holds."""

    store: Store
    roots: dict[str, Path | None]
    output: Path
    key: str | None  # None: this build is never answered from, nor recorded in, the memo
    scan: tuple[int, Stats, dict[str, str]] | None = None  # the inputs' stat, taken before anything is read
    ledger: Ledger | None = None
    head: Head | None = None  # the ledger in brief, once taken: what the memo of this build records
    stored: bool = False  # the ledger was taken apart and is in the store, not here (see _take_apart)

    @classmethod
    def open(cls, options: BuildOptions, store: Store | None = None, purpose: str = "build") -> "BuildMemo":
        """``purpose``: "build", or "preview" for the folder ``badgedir serve`` keeps (preview/resume.py)."""
        store = open_store(options.cache) if store is None else store
        roots = {"content": options.content.absolute(),
                 "templates": options.templates.absolute() if options.templates else None}
        output = options.output.absolute()
        remembered = isinstance(store, DiskStore) and options.previous is None
        key = digest(purpose, str(roots["content"]), str(roots["templates"]), str(output), options.as_of,
                     options.strict, options.check_links,
                     options.sign_key.public.text() if options.sign_key else None) if remembered else None
        return cls(store, roots, output, key)

    def recall(self) -> BuildResult | None:
        """The last build's result, if its inputs and its output folder are unchanged; else None.

        Takes the stat of every input either way, before anything is read, so
        that an edit made while the build runs is seen by the next build."""
        if self.key is None:
            return None
        self.scan = take_stats(self.roots)
        last = self.store.get_value("builds", self.key)
        if not (isinstance(last, tuple) and len(last) == 3 and isinstance(last[0], Head)
                and isinstance(last[2], BuildResult)) or last[1] != published_identity(self.output):
            return None  # the ledger is taken where the content is read (build.py), for the next build
        head, _, result = last
        _, stats, where = self.scan
        if not unchanged(head, stats, where) or head.racy:
            self._take_apart()  # which files changed, and whether their bytes did
            if self.head is None or self.head.digest != head.digest:
                return None
            self.remember(result)  # touched but not edited, or no longer racy: known by their stat from now on
        note = f"cache: nothing changed since the last build into {shown(self.output)}; every file kept"
        return replace(result, kept=result.files, removed=0, notes=(note,))

    def remember(self, result: BuildResult) -> None:
        """Record a build that published ``result`` from the inputs :meth:`recall` saw."""
        if self.key is None or (self.scan is None and self.head is None):
            return
        identity = published_identity(self.output)
        if identity is None:
            return
        if self.head is None:
            self._ledger()
        self.store.put_value("builds", self.key, (self.head, identity, replace(result, notes=(), seconds=0.0)))

    def forget(self) -> None:
        """The output folder was changed in place (a preview's update): nothing is known of it any more."""
        if self.key is not None:
            self.store.put_value("builds", self.key, None)

    def ledger_now(self) -> Ledger | None:
        """The ledger of the inputs as :meth:`recall` saw them (None when this build keeps no memo)."""
        return self._ledger() if self.keeps_ledger() else None

    def keeps_ledger(self) -> bool:
        """Whether this build has a ledger of its inputs (it keeps a memo), taken or still to take."""
        return self.scan is not None or self.ledger is not None or self.stored

    def adopt(self, head: Head | None) -> None:
        """The ledger in brief, as it was taken elsewhere (where the content was read, apart): all that
        :meth:`remember` needs of it."""
        self.head, self.scan = head, None

    def release(self) -> None:
        """The build no longer needs the ledger (100,000 entries): not carried into the workers it forks."""
        self.ledger = None

    def _ledger(self, store_always: bool = False) -> Ledger | None:
        """The ledger of the files seen by :meth:`recall`, from the last one and the files it cannot vouch
        for, saved at once (it is facts about files, whatever the build makes of them)."""
        if self.ledger is None and self.scan is not None:
            before = self.store.get_value("inputs", self._ledger_key())
            self.ledger = take_ledger(*self.scan, before if isinstance(before, Ledger) else None)
            self.head = self.ledger.head(self.scan[1])
            if self.ledger.hashed or not isinstance(before, Ledger) or store_always:
                self.store.put_value("inputs", self._ledger_key(), self.ledger)
            self.scan = None  # the stat of every file: its digest is in ``head`` now
        elif self.ledger is None and self.stored:
            stored = self.store.get_value("inputs", self._ledger_key())
            self.ledger = stored if isinstance(stored, Ledger) else None  # gone: no reading is reused, none wrong
        return self.ledger

    def _take_apart(self) -> None:
        """Take the ledger in a forked child, which stores it; only its brief (the head) comes back.

        Why: 100,000 entries unpickled and dropped here would leave holes in this heap that the render
        workers copy (engine/apart.py); the child that reads the content loads the stored ledger.
        """
        if self.scan is None:
            return
        self.head, counts = apart(_head_of_ledger, self)
        self.store.add(counts)  # a damaged entry is counted in this build's summary
        self.scan, self.stored = None, True

    def _ledger_key(self) -> str:
        return digest("inputs", str(self.roots["content"]), str(self.roots["templates"]))


def _head_of_ledger(memo: BuildMemo) -> tuple[Head | None, Store]:
    mark = memo.store.counts()
    memo._ledger(store_always=True)
    return memo.head, memo.store.take_since(mark)


def recall_build(options: BuildOptions) -> tuple[BuildMemo, BuildResult | None]:
    """The prologue of every build: refuse a bad output folder, then look the whole build up.

    Apart from :func:`generator.build.build` so that the command can skip importing the pipeline
    (a third of a second) when there is nothing to build."""
    started = time.perf_counter()
    check_output_location(options.content, options.output)
    memo = BuildMemo.open(options)
    result = memo.recall()
    return memo, None if result is None else replace(result, seconds=time.perf_counter() - started)


def published_identity(output: Path) -> Identity | None:
    """What tells this published folder from any other: its inode (the swap brings a new one), and the
    stat of the files every build writes first and last; None if it is not a badgedir site."""
    try:
        folder = os.stat(output)
        marker = os.stat(output / ".badgedir")
    except OSError:
        return None
    try:
        manifest: os.stat_result | None = os.stat(output / "manifest.json")
    except OSError:
        manifest = None  # a preview's folder has none
    # Not the ctime: deleting the old site unlinks the other name of every file kept, which changes the
    # ctime after we looked.
    return ((folder.st_dev, folder.st_ino, folder.st_mtime_ns),
            *((f.st_ino, f.st_size, f.st_mtime_ns) if f else None for f in (marker, manifest)))
