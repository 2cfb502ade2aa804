"""Reading a content file whole, but never more of it than its size limit allows.

A content file over its limit is refused, so reading one byte past the
limit is enough, whatever size the file claims (it may be growing).  The
read is sized by ``fstat`` first: asking Python for "up to 128 MB" allocates
128 MB for every 300-byte business file, which cost three quarters of the
time of reading 100,000 of them.
"""

from __future__ import annotations

import os
from pathlib import Path

_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def read_at_most(path: Path | str, limit: int) -> bytes:
    """The file's bytes, or its first ``limit + 1`` when it is longer.  Raises ``OSError``."""
    fd = os.open(path, _FLAGS)
    try:
        want = min(os.fstat(fd).st_size, limit) + 1  # one more than it says: a growing file is read on
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
