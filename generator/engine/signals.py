"""Ctrl-C and SIGTERM: held around the steps that must not be cut in two, and told apart once published.

A terminal's Ctrl-C goes to the whole process group, workers included, and
an operator's ``kill`` or a CI timeout sends SIGTERM to the build.  Three
places care about exactly when one arrives:

- around the swap of the output folder (:mod:`generator.publish.staging`), where the
  step and the record that it happened must be one: :func:`held`;
- while the worker pool starts (:mod:`generator.engine.parallel`), so a worker is
  never born with Python's Ctrl-C handler before it can ignore it: :func:`held`;
- in the command, which must say what really happened to the output folder:
  once the new site is published, a late signal no longer interrupts the
  build; the build is reported as built (:class:`Interruptions`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOPPING = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done (they are delivered right after it).

    Only the main thread runs Python's signal handlers, so only its mask
    matters; elsewhere the block simply runs.  Processes forked inside the
    block start with both held too (the mask is inherited), which is what
    :mod:`generator.engine.parallel` relies on.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def release() -> None:
    """Unblock both signals (in a worker, after it has set its own handlers)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)


class Terminated(BaseException):
    """SIGTERM, raised so that cleanup (``finally``) runs exactly as for Ctrl-C."""


class Interruptions:
    """The command's handlers: Ctrl-C raises ``KeyboardInterrupt``, SIGTERM :class:`Terminated`,
    until :meth:`published` is called; after that a signal is only remembered.

    The build calls :meth:`published` with both signals held, in the same
    step as the swap, so there is no moment at which the new site is out and
    the command would still say the output folder was left as it was.
    """

    def __init__(self) -> None:
        self.is_published = False
        self.late: int | None = None

    def install(self) -> dict[int, object]:
        """Set the handlers (SIGINT only where it is not ignored); the previous ones, for :meth:`uninstall`."""
        previous = {signal.SIGTERM: signal.signal(signal.SIGTERM, self._handle)}
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # not when started with it ignored
            previous[signal.SIGINT] = signal.signal(signal.SIGINT, self._handle)
        return previous

    def uninstall(self, previous: dict[int, object]) -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]

    def published(self) -> None:
        self.is_published = True

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.is_published:
            self.late = signum
            return
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Terminated
