"""Notice changes under a few folders, in bursts: one report per save, branch switch or bulk edit.

An editor saving a file writes, renames and touches several paths; a ``git
checkout`` changes hundreds.  A :class:`Watcher` collects events until the
folders have been quiet for ``quiet`` seconds (or ``longest`` seconds have
passed since the first), then reports the set of paths that changed, so the
preview rebuilds once per burst instead of once per event.

On Linux the kernel says which paths changed (inotify, through ctypes: no
dependency, and no cost however many files there are).  Elsewhere the
folders are polled by size and mtime, and a change is reported as ``None``:
"something changed; look at everything".  livereload's own watcher polls
every file on the server's thread, which takes most of a second on 100,000
files, so it is not used.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import struct
import sys
import threading
import time
from pathlib import Path

IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")
_EVENT = struct.Struct("iIII")
# inotify(7) masks
_MODIFY, _ATTRIB, _CLOSE_WRITE = 0x2, 0x4, 0x8
_MOVED_FROM, _MOVED_TO, _CREATE, _DELETE = 0x40, 0x80, 0x100, 0x200
_DELETE_SELF, _MOVE_SELF, _OVERFLOW, _ISDIR = 0x400, 0x800, 0x4000, 0x40000000
_MASK = _MODIFY | _ATTRIB | _CLOSE_WRITE | _MOVED_FROM | _MOVED_TO | _CREATE | _DELETE | _DELETE_SELF | _MOVE_SELF


def ignored(path: Path) -> bool:
    """Editor scratch files: backups, swap files, vim's write test file, hidden files."""
    name = path.name
    return name.startswith((".", "#")) or name.endswith(IGNORED_SUFFIXES) or name == "4913"


class Watcher:
    """Reports bursts of changes under ``folders``; :meth:`wait` blocks until one settles."""

    def __init__(self, folders: list[Path], quiet: float = 0.05, longest: float = 1.0) -> None:
        self.folders = [Path(os.path.abspath(f)) for f in folders if f.is_dir()]
        self.quiet = quiet
        self.longest = longest
        self._closed = threading.Event()
        self._inotify = _Inotify.open(self.folders) if sys.platform.startswith("linux") else None
        self._stamps = None if self._inotify else _scan(self.folders)

    def wait(self, timeout: float) -> set[Path] | None | bool:
        """The paths changed in the next burst; ``None`` if unknown (look at everything); False on timeout or close."""
        if self._inotify is not None:
            return self._wait_inotify(timeout)
        return self._wait_polling(timeout)

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        """Make :meth:`wait` return False soon (from any thread)."""
        self._closed.set()

    def release(self) -> None:
        """Free the kernel watch; call from the thread that waits, once it is done waiting."""
        if self._inotify is not None:
            self._inotify.close()

    def _wait_inotify(self, timeout: float) -> set[Path] | None | bool:
        assert self._inotify is not None
        changed: set[Path] | None = set()
        first = last = 0.0
        deadline = time.monotonic() + timeout
        while not self._closed.is_set():
            now = time.monotonic()
            if not first:
                if now >= deadline:
                    return False
                wait = min(0.25, deadline - now)
            elif now - last >= self.quiet or now - first >= self.longest:
                return changed
            else:
                wait = min(self.quiet - (now - last), first + self.longest - now)
            events = self._inotify.read(wait)
            if events is None:
                return False
            relevant = False
            for path in events:
                if path is None:
                    changed, relevant = None, True  # a folder came or went, or the kernel dropped events
                elif not ignored(path):
                    relevant = True
                    if changed is not None:
                        changed.add(path)
            if relevant:
                last = time.monotonic()
                first = first or last
        return False

    def _wait_polling(self, timeout: float) -> None | bool:
        deadline = time.monotonic() + timeout
        while not self._closed.wait(min(0.5, max(0.0, deadline - time.monotonic()))):
            stamps = _scan(self.folders)
            if stamps != self._stamps:
                time.sleep(self.quiet)
                self._stamps = _scan(self.folders)
                return None
            if time.monotonic() >= deadline:
                return False
        return False


def _scan(folders: list[Path]) -> dict[str, tuple[int, int]]:
    stamps = {}
    for folder in folders:
        for root, _, files in os.walk(folder):
            for name in files:
                path = os.path.join(root, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                stamps[path] = (st.st_mtime_ns, st.st_size)
    return stamps


class _Inotify:
    """A minimal inotify(7) reader: watches every folder under the given ones, reports changed paths."""

    def __init__(self, fd: int, libc) -> None:
        self.fd = fd
        self.libc = libc
        self.folders: dict[int, Path] = {}

    @classmethod
    def open(cls, folders: list[Path]) -> _Inotify | None:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        except (OSError, AttributeError):
            return None
        if fd < 0:
            return None
        watcher = cls(fd, libc)
        for folder in folders:
            watcher.add_tree(folder)
        return watcher

    def add_tree(self, folder: Path) -> None:
        for root, dirs, _ in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            wd = self.libc.inotify_add_watch(self.fd, os.fsencode(root), _MASK)
            if wd >= 0:
                self.folders[wd] = Path(root)

    def read(self, timeout: float) -> list[Path | None] | None:
        """Changed paths (None for "rescan"), [] after ``timeout`` quiet seconds, None if closed."""
        try:
            ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        except (OSError, ValueError):
            return None
        if not ready:
            return []
        try:
            data = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            return []
        except OSError:
            return None
        found: list[Path | None] = []
        offset = 0
        while offset + _EVENT.size <= len(data):
            wd, mask, _, length = _EVENT.unpack_from(data, offset)
            raw = data[offset + _EVENT.size: offset + _EVENT.size + length].rstrip(b"\0")
            offset += _EVENT.size + length
            if mask & _OVERFLOW:
                found.append(None)
                continue
            folder = self.folders.get(wd)
            if folder is None:
                continue
            path = folder / os.fsdecode(raw) if raw else folder
            if mask & _ISDIR or mask & (_DELETE_SELF | _MOVE_SELF):
                if mask & (_CREATE | _MOVED_TO) and path.is_dir():
                    self.add_tree(path)
                found.append(None)
            else:
                found.append(path)
        return found

    def close(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass
