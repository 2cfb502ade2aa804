"""Keep Python's cycle collector out of the way while the site is being built up.

Loading 100,000 businesses creates millions of objects that all live until
the build ends.  Each time enough new objects pile up, CPython's collector
walks every object it tracks looking for cycles, so building the site costs
time proportional to its size *each* time: 3.7 s of 19 s reading content at
100k, measured.  Nothing made while loading forms a cycle that must be
freed early (they are frozen dataclasses, tuples and strings; the garbage is
freed by reference counting), so the collector is paused for that phase.
(``parallel.map_in_processes`` freezes what exists before forking workers,
for a different reason: a collection in a worker would write to every
inherited object and copy the parent's whole heap.)
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for a block that builds long-lived values."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

