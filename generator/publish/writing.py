"""Stage 5, one file at a time: write it into the staging folder, or link the published one.

A file whose bytes are those already published is a hard link to the published
file, not a copy, so it keeps its inode and modification time and ``rsync`` or
``aws s3 sync`` (size and mtime) upload only what changed.  Every write records
the SHA-256 of the bytes it wrote, so the manifest reads no file again.  The
staging folder itself, and the swap, are :mod:`generator.publish.staging`'s.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic

STAGING_PREFIX = ".badgedir-staging-"  # a site being written: see make_folders_below


@dataclass(slots=True)
class WriteStats:
    """Files (and their bytes) a piece of work put in the site; ``kept`` of them are the published file itself,
    linked because its bytes did not change, and ``replaced`` were written over a published file.

    ``hashes``: the SHA-256 and size of each file, from the bytes written, so that the manifest reads no
    file again (a path two pieces wrote with different bytes is None there: the manifest reads that one).
    """

    files: int = 0
    bytes: int = 0
    kept: int = 0
    replaced: int = 0
    hashes: dict[str, tuple[str, int] | None] = field(default_factory=dict)

    def add(self, other: "WriteStats") -> None:
        self.files += other.files
        self.bytes += other.bytes
        self.kept += other.kept
        self.replaced += other.replaced
        for rel, value in other.hashes.items():
            if self.hashes.setdefault(rel, value) != value:
                self.hashes[rel] = None


@dataclass(slots=True)
class Written:
    """What one piece of work wrote: files counted, pages done (for progress), template failures."""

    stats: WriteStats
    pages: int = 0
    problems: tuple[Diagnostic, ...] = ()
    cache: Any = None  # the build cache's hits and misses in this piece (a cache.store.Store of counts)
    links: Any = None  # publish.links.Findings left to check by the parent, if any


_PUBLISHED: dict[str, str] = {}  # staging folder → the published folder whose unchanged files it links


def published_for(staging_dir: Path) -> str | None:
    """The published folder whose unchanged files ``staging_dir`` links, if it does."""
    return _PUBLISHED.get(str(staging_dir))


def link_unchanged(staging_dir: Path, published: str | None) -> None:
    """Link the files written under ``staging_dir`` whose bytes are the ``published`` folder's, or (``None``)
    write every file: set by the staging folder, inherited by forked workers, and set again from the recipe
    in a process that did not fork from the build (a Dask worker)."""
    if published is None:
        _PUBLISHED.pop(str(staging_dir), None)
    else:
        _PUBLISHED[str(staging_dir)] = published


def write_file(base: Path, rel: str, data: bytes, stats: WriteStats) -> None:
    """Write one file under ``base``; ``rel`` is a path we planned, never one a business wrote."""
    published = _PUBLISHED.get(str(base))
    stats.hashes[rel] = (hashlib.sha256(data).hexdigest(), len(data))
    if published is not None and _keep(published, base, rel, data, stats):
        return
    _write(base, rel, (data,), stats)


def _keep(published: str, base: Path, rel: str, data: bytes, stats: WriteStats) -> bool:
    """Link the published file into the staging folder if its bytes are ``data``; count a replacement if not."""
    old = os.path.join(published, rel)
    try:
        if os.stat(old, follow_symlinks=False).st_size != len(data):
            stats.replaced += 1
            return False
        with open(old, "rb") as f:
            same = f.read(len(data) + 1) == data
    except OSError:
        return False  # a new file
    if not same:
        stats.replaced += 1
        return False
    path = os.path.join(base, rel)
    try:
        try:
            os.link(old, path)
        except FileNotFoundError:
            make_folders_below(str(base), os.path.dirname(path))
            os.link(old, path)
        except FileExistsError:  # written once already in this build, with these same bytes
            os.unlink(path)
            os.link(old, path)
    except OSError:  # no hard links here (another file system, a FAT stick): write a copy
        stats.replaced += 1
        return False
    stats.files += 1
    stats.bytes += len(data)
    stats.kept += 1
    return True


def write_pieces(base: Path, rel: str, pieces: Iterable[bytes], stats: WriteStats) -> None:
    """Like :func:`write_file`, for a file too large to hold whole (``api/businesses.json`` of 100,000 businesses)."""
    hashed = hashlib.sha256()
    size = _write(base, rel, pieces, stats, hashed)
    stats.hashes[rel] = (hashed.hexdigest(), size)
    published = _PUBLISHED.get(str(base))
    if published is not None:  # (a file written whole was compared before it was written)
        _keep_written(os.path.join(published, rel), os.path.join(base, rel), stats)


def _write(base: Path, rel: str, pieces: Iterable[bytes], stats: WriteStats, hashed: Any = None) -> int:
    fd = _open(base, rel)
    size = 0
    try:
        for piece in pieces:
            if hashed is not None:
                hashed.update(piece)
            view = memoryview(piece)
            while view:
                view = view[os.write(fd, view):]
            size += len(piece)
    finally:
        os.close(fd)
    stats.bytes += size
    stats.files += 1
    return size


def _keep_written(old: str, path: str, stats: WriteStats) -> None:
    """After writing a large file: if the published one has the same bytes, link it in place of ours."""
    import filecmp

    try:
        if not os.path.isfile(old):
            return
        if not filecmp.cmp(old, path, shallow=False):
            stats.replaced += 1
            return
        linked = f"{path}.link-{os.getpid()}"
        os.link(old, linked)  # beside ours, then over it: where there are no hard links, ours stays
        try:
            os.replace(linked, path)
        except OSError:
            os.unlink(linked)
            raise
        stats.kept += 1
    except OSError:
        stats.replaced += 1


_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _open(base: Path, rel: str) -> int:
    """A descriptor, not a file object: a third less time per file, and a build writes 300,000."""
    if rel.startswith("/") or ".." in rel.split("/"):
        raise ValueError(f"refusing to write outside the output folder: {rel}")  # a bug, not content
    path = os.path.join(base, rel)  # a str: a Path per file costs more than the write
    if str(base) in _PUBLISHED:
        try:  # never write through a link to a published file: the live site would change with it
            os.unlink(path)
        except FileNotFoundError:
            pass
    try:
        return os.open(path, _FLAGS, 0o666)
    except FileNotFoundError:
        folder = os.path.dirname(path)
        try:
            os.mkdir(folder)  # most often only the last folder is new (b/<id>/): one call, not makedirs' walk
        except FileNotFoundError:
            make_folders_below(str(base), folder)
        except FileExistsError:
            pass  # another worker made it in the meantime
        return os.open(path, _FLAGS, 0o666)


def make_folders_below(base: str, folder: str) -> None:
    """``folder`` and the folders above it up to ``base``, but never ``base`` itself.

    A staging folder that was discarded stays gone: a piece of work still
    running on a Dask worker after its build failed (a task Dask cannot stop
    mid-way) finds no folder to write into, instead of making the staging
    folder again beside the published site.
    """
    if not os.path.basename(os.path.normpath(base)).startswith(STAGING_PREFIX):
        os.makedirs(folder, exist_ok=True)  # a folder of our own (the search index written on its own, say)
        return
    current = base
    for part in os.path.relpath(folder, base).split(os.sep):
        current = os.path.join(current, part)
        try:
            os.mkdir(current)
        except FileExistsError:
            pass  # made by another worker, or earlier
