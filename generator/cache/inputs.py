"""The files a build reads, as a ledger: each file's stat beside the SHA-256 of its bytes.

Why: to know that nothing changed, a build must not read 100,000 files.
Like git's index, the ledger keeps each input file's stat (size, mtime,
ctime, inode, device) next to the hash of its bytes.  A file whose stat is
the one recorded is not read again; a file whose stat changed is hashed, so
a file touched but not edited is still unchanged (the key is its bytes,
never its timestamps alone).  The ctime is in the stat because no program
can set it: an editor or ``touch -m`` that restores the mtime still shows.

One hole remains, and git closes it the same way: a file edited within one
tick of the file system's clock after it was recorded could keep its stat.
An entry stamped within :data:`RACY_NS` of the moment its ledger was taken
is therefore *racily clean* and hashed again next time, until it is older.

The ledger covers every file and folder under the content folder and the
templates folder, hidden ones included (a logo may be named ``logos/.x.png``), and
follows links to folders the way the build's readers do.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from .keys import digest

RACY_NS = 2_000_000_000  # two seconds: a coarse file-system clock, or a network file system's
Signature = tuple[int, ...]  # (mode, size, mtime_ns, ctime_ns, inode, device), and a link's target's after it
_OPEN = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


Stats = list[tuple[str, Signature]]  # every input file's name and stat, sorted by name


@dataclass(frozen=True, slots=True)
class Head:
    """A ledger in brief: enough to say that nothing changed without loading the ledger itself."""

    taken_ns: int
    stat_digest: str  # of every name and stat: equal, and no file racily clean, means the same bytes
    racy: dict[str, str]  # files stamped too close to ``taken_ns`` to be known by their stat: their hashes
    digest: str  # of every name and the hash of its bytes


@dataclass(frozen=True, slots=True)
class Ledger:
    """Every input file by ``label/relative/path``: its stat when recorded, and the hash of its bytes."""

    taken_ns: int  # the clock when the files were stat'ed: later stamps than this, less RACY_NS, are racy
    files: dict[str, tuple[Signature, str]]
    hashed: int = 0  # files read and hashed to make this ledger (the rest were known by their stat)

    def head(self, stats: Stats) -> Head:
        racy = {name: self.files[name][1] for name, signature in stats if not self.settled(signature)}
        return Head(self.taken_ns, stat_digest(stats), racy,
                    digest(sorted((name, sha) for name, (_, sha) in self.files.items())))

    def settled(self, signature: Signature) -> bool:
        """Whether an entry with this recorded stat can be known by its stat alone (not racily clean)."""
        return max(signature[2], signature[3]) < self.taken_ns - RACY_NS


def stat_digest(stats: Stats) -> str:
    return digest(stats)


def take_stats(roots: dict[str, Path | None]) -> tuple[int, Stats, dict[str, str]]:
    """The clock, then the name and stat of every file under ``roots``, and where each folder of names is."""
    taken = time.time_ns()
    stats: Stats = []
    where: dict[str, str] = {}
    for label, root in sorted(roots.items()):
        if root is not None:
            _walk(str(root), f"{label}/", stats, where)
    stats.sort()
    return taken, stats, where


def unchanged(head: Head, stats: Stats, where: dict[str, str]) -> bool:
    """Whether the files are those ``head`` describes, by their stat (and the bytes of the racy ones)."""
    if stat_digest(stats) != head.stat_digest:
        return False
    signatures = dict(stats) if head.racy else {}
    return all(_hash(_path(where, name), signatures[name]) == sha for name, sha in head.racy.items())


def take_ledger(taken: int, stats: Stats, where: dict[str, str], before: Ledger | None = None) -> Ledger:
    """The ledger of the files ``stats`` lists, hashing only the files ``before`` cannot vouch for."""
    known = before.files if before is not None else {}
    files: dict[str, tuple[Signature, str]] = {}
    hashed = 0
    for name, signature in stats:
        old = known.get(name)
        if old is not None and old[0] == signature and before is not None and before.settled(signature):
            files[name] = old
        else:
            files[name] = (signature, _hash(_path(where, name), signature))
            hashed += 1
    return Ledger(taken, files, hashed)


def _walk(root: str, prefix: str, stats: Stats, where: dict[str, str]) -> None:
    """Every entry under ``root``, folders as ``name/``, following links to folders once each (a loop of
    links is walked once), as the readers follow them.  A link's stat includes its target's."""
    seen: set[tuple[int, int]] = set()
    stack = [(root, prefix)]
    while stack:
        folder, shown = stack.pop()
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            continue  # gone, or not readable: the build's readers say so, and the ledger holds no entry
        try:
            info = os.fstat(fd)
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(fd) as entries:
                listed = [(entry.name, entry.is_dir()) for entry in entries]  # is_dir follows a link
            for name, is_dir in listed:
                try:
                    s = os.stat(name, dir_fd=fd, follow_symlinks=False)
                except OSError:
                    continue
                if is_dir:
                    stack.append((os.path.join(folder, name), f"{shown}{name}/"))
                if stat.S_ISDIR(s.st_mode):
                    stats.append((f"{shown}{name}/", (s.st_mode, 0, 0, 0, s.st_ino, s.st_dev)))
                elif stat.S_ISLNK(s.st_mode):
                    stats.append((f"{shown}{name}/" if is_dir else shown + name, _link_signature(s, name, fd)))
                else:
                    stats.append((shown + name, (s.st_mode, s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino, s.st_dev)))
            where[shown] = folder
        finally:
            os.close(fd)


def _link_signature(link: os.stat_result, name: str, fd: int) -> Signature:
    try:
        t = os.stat(name, dir_fd=fd)
        target = (t.st_mode, t.st_size, t.st_mtime_ns, t.st_ctime_ns, t.st_ino, t.st_dev)
    except OSError:
        target = (0, 0, 0, 0, 0, 0)
    return (link.st_mode, link.st_size, max(link.st_mtime_ns, target[2]), max(link.st_ctime_ns, target[3]),
            link.st_ino, link.st_dev, *target)


def _path(where: dict[str, str], name: str) -> str:
    shown, _, base = name.rstrip("/").rpartition("/")
    return os.path.join(where[shown + "/"], base)


def _hash(path: str, signature: Signature) -> str:
    """What an entry holds: the SHA-256 of a regular file's bytes; ``dir`` for a folder; for a link, where it
    points and what is there; for a pipe or a socket, its kind (it is never opened)."""
    mode = signature[0]
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(path)
        except OSError:
            return f"unsettled:{time.time_ns()}:{os.getpid()}"
        inside = _file_sha(path, signature[7:10]) if stat.S_ISREG(signature[6]) else f"mode:{signature[6]}"
        return f"link:{target}:{inside}"
    if not stat.S_ISREG(mode):
        return f"special:{stat.S_IFMT(mode)}"
    return _file_sha(path, signature[1:4])


def _file_sha(path: str, expected: tuple[int, ...]) -> str:
    """The SHA-256 of a file's bytes, if it is still the file stat'ed as ``expected`` (size, mtime, ctime)
    from before it was opened to after it was read; else a value that never repeats."""
    try:
        fd = os.open(path, _OPEN)
        with open(fd, "rb") as file:
            before = os.fstat(fd)
            sha = hashlib.file_digest(file, "sha256").hexdigest()
            after = os.fstat(fd)
    except OSError:
        return f"unsettled:{time.time_ns()}:{os.getpid()}"
    seen = (before.st_size, before.st_mtime_ns, before.st_ctime_ns)
    if seen != (after.st_size, after.st_mtime_ns, after.st_ctime_ns) or seen != tuple(expected):
        return f"unsettled:{time.time_ns()}:{os.getpid()}"  # written while we read it: never trusted
    return sha
