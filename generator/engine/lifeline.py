"""Worker processes that die with the build that started them.

A build killed with SIGKILL (a CI or cron timeout, the OOM killer) runs no
cleanup at all, and its workers, blocked on a pipe nobody will write to,
would otherwise live on indefinitely.  On Linux the kernel kills a worker
the moment its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``, asked for
through ``ctypes``); elsewhere a daemon thread in the worker watches the
parent's pid and ends the worker within a quarter of a second.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
WATCH_EVERY = 0.25  # seconds between looks at the parent's pid, where the kernel cannot be asked


def die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` (the process that forked it) ends; call it first thing in a worker."""
    if not _ask_the_kernel():
        threading.Thread(target=_watch, args=(parent,), name="badgedir-lifeline", daemon=True).start()
    if os.getppid() != parent:  # the parent died before we asked: nobody is waiting for our work
        os._exit(1)


def _ask_the_kernel() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_EVERY)
    os._exit(1)
