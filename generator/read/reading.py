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


def decode_text(data: bytes, first_line: int = 1, at_start: bool = True) -> tuple[str | None, int, str]:
    """UTF-8 text (a byte-order mark at the start of a file dropped), or None, the line and why not.

    A file saved as UTF-16 (Excel's "Unicode text", Windows Notepad's
    "Unicode") is named as such, since "not valid UTF-8" does not tell its
    author what to do.
    """
    try:
        return data.decode("utf-8-sig" if at_start else "utf-8"), 0, ""
    except UnicodeDecodeError as exc:
        if at_start and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return None, 1, "file is UTF-16; save it as UTF-8 (with or without a byte-order mark)"
        return None, first_line + data.count(b"\n", 0, exc.start), "file is not valid UTF-8"
