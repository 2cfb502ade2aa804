"""Where results of keyed work are kept: a folder of checksummed entries, or nowhere.

Each entry is a file named by its key, holding a magic number, the SHA-256 of
its payload and the payload.  It is written to a temporary name and renamed
into place, so a reader sees a whole entry or none; two builds writing the
same key write the same bytes, so sharing a cache cannot corrupt it.  An entry
whose checksum does not match (a disk fault, a hand edit) is deleted and
counted as a miss.  The store never depends on the output folder: deleting
``output/`` or the cache can only make a build slower.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .keys import FORMAT, code_digest

MAGIC = b"BDC" + FORMAT.encode()
_HEAD = len(MAGIC) + 32
DEFAULT_DIR = ".badgedir-cache"


@dataclass
class Store:
    """No cache at all (``--no-cache``): every lookup misses and nothing is written."""

    hits: int = 0
    misses: int = 0
    damaged: int = 0
    notes: list[str] = field(default_factory=list)

    def get(self, kind: str, key: str) -> bytes | None:
        self.misses += 1
        return None

    def put(self, kind: str, key: str, data: bytes) -> None:
        return None

    def prune(self) -> None:
        return None

    def get_value(self, kind: str, key: str) -> Any:
        """:meth:`get`, unpickled; None when there is no such entry (or it is not a pickle, which a
        checksummed entry of this very code cannot be, and is never trusted)."""
        data = self.get(kind, key)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:
            return None

    def put_value(self, kind: str, key: str, value: Any) -> None:
        self.put(kind, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def add(self, other: "Store") -> None:
        """Counts from a worker's copy of the store, added to the parent's."""
        self.hits += other.hits
        self.misses += other.misses
        self.damaged += other.damaged

    def counts(self) -> "Store":
        """A small copy of the counts."""
        return Store(self.hits, self.misses, self.damaged)

    def take_since(self, mark: "Store") -> "Store":
        """The counts since ``mark``, taken out of this store to be sent back and added by the parent.

        A piece of work runs in a worker or, on a small site, in the parent
        itself; taking the counts out makes both cases count each lookup once.
        """
        taken = Store(self.hits - mark.hits, self.misses - mark.misses, self.damaged - mark.damaged)
        self.hits, self.misses, self.damaged = mark.hits, mark.misses, mark.damaged
        return taken


@dataclass
class DiskStore(Store):
    """A cache folder; one subfolder per badgedir version, so another version's entries are never read."""

    folder: Path = Path(DEFAULT_DIR)
    root: Path = Path()
    started: float = 0.0  # the file system's clock when this build opened the store

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        self.root = self.folder / f"v{FORMAT}-{code_digest()[:16]}"
        others = [p for p in self.folder.iterdir() if p != self.root] if self.folder.is_dir() else []
        if not self.root.is_dir():
            self.notes.append(f"cache: {self._why_cold(others)}; building cold")
        for other in others:  # another version's entries would never be read again: keep the size honest
            if other.is_dir() and other.name.startswith("v"):
                shutil.rmtree(other, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = self.root / f".started-{os.getpid()}"
        stamp.touch()
        self.started = stamp.stat().st_mtime  # the clock entries' mtimes are set by, not time.time()'s
        stamp.unlink()

    def _why_cold(self, others: list[Path]) -> str:
        if any(p.name.startswith("v") for p in others):
            return f"{self.folder} was made by another version of badgedir"
        return f"nothing cached yet in {self.folder}"

    def _path(self, kind: str, key: str) -> str:
        return os.path.join(self.root, kind, key[:2], key[2:])

    def get(self, kind: str, key: str) -> bytes | None:
        path = self._path(kind, key)
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError:
            self.misses += 1
            return None
        payload = raw[_HEAD:]
        if raw[:len(MAGIC)] != MAGIC or hashlib.sha256(payload).digest() != raw[len(MAGIC):_HEAD]:
            self.damaged += 1
            self.misses += 1
            _unlink(path)
            return None
        try:
            data = zlib.decompress(payload)
        except zlib.error:  # cannot happen with a matching checksum, but a cache is never trusted further
            self.damaged += 1
            self.misses += 1
            return None
        try:
            os.utime(path)  # used by this build: pruning keeps it
        except OSError:
            pass
        self.hits += 1
        return data

    def put(self, kind: str, key: str, data: bytes) -> None:
        path = self._path(kind, key)
        payload = zlib.compress(data, 1)
        entry = MAGIC + hashlib.sha256(payload).digest() + payload
        temporary = f"{path}.tmp-{os.getpid()}"
        try:
            try:
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
            except FileNotFoundError:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
            try:
                view = memoryview(entry)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(temporary, path)
        except OSError:  # a full disk or a read-only cache costs speed, never the build
            _unlink(temporary)

    def prune(self) -> None:
        """Remove entries this build neither wrote nor used, and temporary files of killed builds.

        What is left is what the build just made, so the cache stays the size
        of one build's results however many builds share it over time.  An
        entry another build is using at the same time may go; that build then
        finds it missing and remakes it (a miss, never a wrong hit).
        """
        cutoff = self.started
        for kind in _listdir(self.root):
            for shard in _listdir(os.path.join(self.root, kind)):
                folder = os.path.join(self.root, kind, shard)
                with os.scandir(folder) as entries:
                    for entry in entries:
                        try:
                            if entry.stat().st_mtime < cutoff:
                                os.unlink(entry.path)
                        except OSError:
                            pass

    def describe(self) -> str:
        """One line for the summary, when anything was damaged."""
        return f"cache: {self.damaged} damaged entries ignored and rebuilt" if self.damaged else ""


def open_store(folder: Path | None) -> Store:
    """``None`` (``--no-cache``): a store that keeps nothing."""
    return Store() if folder is None else DiskStore(folder=folder)


def _listdir(folder: str | Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
