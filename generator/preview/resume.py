"""Where a preview lives between runs, so a restarted ``badgedir serve`` shows a page at once.

A preview of 100,000 businesses takes a minute to build, and most restarts
follow no edit at all.  With a cache, the preview's folder lives in it
(``.badgedir-cache/serve/<content and templates>/site``) instead of a
temporary folder, and outlives the process.  On a restart the last preview
is served at once while the first build brings it up to date in the
background (reading and rendering from the cache), and the browsers reload
when it is done.  Whether the last preview is still current is the whole
build's key (:mod:`generator.cache.memo`): when it is not, every page says
"updating" until the build is done.

Two previews of the same content at once would write one folder; the
second takes a temporary folder instead (a lock held while it runs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..cache.keys import digest
from ..cache.memo import BuildMemo
from ..cache.store import Store
from ..diagnostics import UsageError
from ..options import BuildOptions, BuildResult
from ..publish.staging import MARKER, check_output_location

try:
    import fcntl
except ImportError:  # not a Unix: no lock, so no lasting folder
    fcntl = None  # type: ignore[assignment]


@dataclass
class Resume:
    """The preview's folder, whether the last preview is there, and whether it is current."""

    folder: Path | None  # None: no lasting folder (no cache, or another preview holds it)
    memo: BuildMemo | None = None
    last: bool = False  # the folder holds the last preview
    current: bool = False  # ... built from exactly the content and templates there are now
    lock: int | None = None

    def built(self) -> None:
        """The first build succeeded: remember which inputs it read (their stat was taken at :func:`resume`)."""
        if self.memo is not None:
            self.memo.remember(BuildResult(0, 0, 0, {}, (), 0.0))

    def changed(self) -> None:
        """An update rewrote part of the folder: until the next first build, it is not known to be current."""
        if self.memo is not None:
            self.memo.forget()

    def close(self) -> None:
        if self.lock is not None:
            os.close(self.lock)
            self.lock = None


def resume(content: Path, templates: Path | None, as_of: date, cache: Path | None, output: Path | None,
           store: Store) -> Resume:
    """Where to build the preview (``output``, else a lasting folder in the cache), and what is there already."""
    folder = output if output is not None else _lasting_folder(content, templates, cache)
    if folder is None:
        return Resume(None)
    lock = None
    if output is None:
        lock = _lock(folder.parent / "lock")
        if lock is None:  # another preview of this content is running: it keeps the folder
            return Resume(None)
        try:
            check_output_location(content, folder)
        except UsageError:  # e.g. a cache folder inside the content folder: a temporary folder instead
            os.close(lock)
            return Resume(None)
    options = BuildOptions(content=content, output=folder, as_of=as_of, templates=templates, cache=cache, jobs=1)
    memo = BuildMemo.open(options, store, purpose="preview")
    last = (folder / MARKER).is_file()
    current = memo.recall() is not None  # takes the inputs' stat, before the first build reads them
    return Resume(folder, memo, last, last and current, lock)


def _lasting_folder(content: Path, templates: Path | None, cache: Path | None) -> Path | None:
    if cache is None or fcntl is None:
        return None
    name = digest("preview", str(content.absolute()), str(templates.absolute() if templates else None))[:16]
    return cache.absolute() / "serve" / name / "site"


def _lock(path: Path) -> int | None:
    """An exclusive lock on ``path`` held until closed, or None if another process holds it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd
