"""Spread independent work over processes, keeping results in input order.

Builds run on small machines (2 cores is common on CI and cheap hosts); the
pool is only started when there is enough work to repay its start-up cost,
so small sites and tests stay single-process and easy to debug.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from .memory import return_freed_memory

POOL_FROM = 500  # pages or businesses: below this, forking workers costs more than it saves

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


def map_in_processes(function: Callable[[T], R], items: list[T], jobs: int, min_items: int = 64) -> Iterator[R]:
    """``map(function, items)``, in worker processes when ``jobs > 1`` and there are enough items."""
    if jobs <= 1 or len(items) < min_items:
        yield from map(function, items)
        return
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    # Workers inherit the parent's objects copy-on-write; a garbage collection in a worker would
    # write to every one of them and copy the whole heap.  Frozen objects are never collected.
    gc.freeze()
    return_freed_memory()  # pages the parent freed would count again in every worker
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    try:
        yield from pool.map(function, items, chunksize=max(1, len(items) // (jobs * 8)))
    except BaseException:
        # Ctrl-C, SIGTERM or a failure: drop the queued work instead of finishing it, but wait for
        # the batches in flight, so no worker writes into a staging folder after it is discarded.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        gc.unfreeze()
    pool.shutdown()


@dataclass(frozen=True, slots=True)
class Work:
    """One piece of a stage: a module-level function (sent to a worker by name) and its small argument.

    The function is called as ``function(shared, argument)``: ``shared`` (the
    site, the renderer) is set in the parent before the workers fork and is
    inherited by them, so nothing large is ever pickled.
    """

    function: Callable[[Any, Any], Any]
    argument: Any


_SHARED: Any = None


def run_work(work: list[Work], shared: Any, jobs: int, min_items: int = 2) -> Iterator[Any]:
    """Each piece's result, in order; pieces of different kinds share one pool, so no stage waits on another."""
    global _SHARED
    _SHARED = shared
    try:
        yield from map_in_processes(_run, work, jobs, min_items)
    finally:
        _SHARED = None


def _run(work: Work) -> Any:
    return work.function(_SHARED, work.argument)


def chunks(items: list[T], count: int) -> Iterable[list[T]]:
    size = max(1, -(-len(items) // max(count, 1)))
    for start in range(0, len(items), size):
        yield items[start:start + size]
