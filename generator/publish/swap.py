"""Exchange two folders in one step, where the system can.

Replacing a folder with two renames (old aside, new in) leaves a moment
with no folder at all: a web server answers 404 in it, and a kill inside it
leaves no site.  Linux (3.15+, on ext4, xfs, btrfs, tmpfs and most local
file systems) exchanges two paths atomically with ``renameat2(...,
RENAME_EXCHANGE)``, macOS with ``renamex_np(..., RENAME_SWAP)``; both are
reached through ``ctypes``, as Python has no wrapper for either.  Where
neither works, :func:`exchange` says so and :mod:`generator.publish.staging` falls
back to flipping a symbolic link (see ``docs/interruptions.md``).
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import sys
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2  # linux/fs.h
RENAME_SWAP = 2  # macOS sys/stdio.h
# renameat2's system call number, for a C library too old to have the function (glibc < 2.28)
_SYSCALLS = {"x86_64": 316, "amd64": 316, "aarch64": 276, "arm64": 276, "riscv64": 276, "i386": 353, "i686": 353,
             "armv7l": 382, "ppc64le": 357, "ppc64": 357, "s390x": 347}
# the file system (or an old kernel) cannot exchange: fall back, nothing was done
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, getattr(errno, "EOPNOTSUPP", errno.ENOTSUP), errno.EXDEV}


def exchange(a: Path, b: Path) -> bool:
    """Swap what the two paths name, atomically; both must exist.

    True when done; False when this system or file system cannot (and then
    nothing changed).  Any other failure raises ``OSError``.
    """
    call = _exchanger()
    if call is None:
        return False
    result = call(os.fsencode(a), os.fsencode(b))
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


_CACHE: list = []


def _exchanger():
    """A function ``(a: bytes, b: bytes) -> int`` (0 or -1 with errno set), or None; looked up once."""
    if not _CACHE:
        _CACHE.append(_find_exchanger())
    return _CACHE[0]


def _find_exchanger():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    if sys.platform.startswith("linux"):
        function = getattr(libc, "renameat2", None)
        if function is not None:
            function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            return lambda a, b: function(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
        number = _SYSCALLS.get(platform.machine())
        if number is None:
            return None
        syscall = libc.syscall
        syscall.restype = ctypes.c_long
        return lambda a, b: syscall(ctypes.c_long(number), ctypes.c_int(AT_FDCWD), ctypes.c_char_p(a),
                                    ctypes.c_int(AT_FDCWD), ctypes.c_char_p(b), ctypes.c_uint(RENAME_EXCHANGE))
    if sys.platform == "darwin":
        function = getattr(libc, "renamex_np", None)
        if function is not None:
            function.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
            return lambda a, b: function(a, b, RENAME_SWAP)
    return None
