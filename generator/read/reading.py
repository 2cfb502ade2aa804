"""Reading a content file whole, but never more of it than its size limit allows, and never anything
but a regular file.

A content file over its limit is refused, so reading one byte past the
limit is enough, whatever size the file claims (it may be growing).  The
read is sized by ``fstat`` first: asking Python for "up to 128 MB" allocates
128 MB for every 300-byte business file, which cost three quarters of the
time of reading 100,000 of them.

A named pipe called ``businesses/x.yaml`` would block the build for ever
(opening it waits for a writer, reading it waits for data), and a device
could be read without end.  So the file is opened with ``O_NONBLOCK`` (which
changes nothing for a regular file) and refused unless ``fstat`` says it is
a regular one; a socket cannot even be opened, and is named as one.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


class NotAFile(OSError):
    """The path names something that is not a regular file; ``strerror`` says what it is."""


def read_at_most(path: Path | str, limit: int) -> bytes:
    """The file's bytes, or its first ``limit + 1`` when it is longer.  Raises ``OSError`` (:class:`NotAFile`)."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        refuse_unless_regular(path, exc)
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(errno.EINVAL, _not_a_file(info.st_mode), str(path))
        want = min(info.st_size, limit) + 1  # one more than it says: a growing file is read on
        parts: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(want, limit + 1 - total))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
            want = 1 << 16
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def refuse_unless_regular(path: Path | str, error: OSError | None = None) -> None:
    """Raise :class:`NotAFile` if ``path`` exists and is not a regular file (after links)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode):
        raise NotAFile(errno.EINVAL, _not_a_file(mode), str(path)) from error


def _not_a_file(mode: int) -> str:
    what = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"is {what}, not a regular file; only regular files are read"
