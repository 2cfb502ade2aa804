"""Who runs the pieces of work: this machine's processes, or a Dask cluster.

The build is one list of :class:`~generator.engine.parallel.Work` pieces
whatever runs them ("one engine"): an executor only decides where.  The local
executor is the forked pool of :mod:`generator.engine.parallel`, whose workers
inherit the build's ``shared`` values.  A remote executor cannot fork, so the
build also hands it a :class:`Recipe`: a small value from which a worker makes
``shared`` itself, once per build.  Dask is imported only when a build asks
for it, so a local build never loads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ..diagnostics import UsageError
from .executor import ClusterError, Executor, Recipe
from .parallel import Work, map_in_processes, run_work

__all__ = ["ClusterError", "Executor", "LocalExecutor", "Recipe", "open_executor"]

T = TypeVar("T")
R = TypeVar("R")


class LocalExecutor(Executor):
    """This machine: forked processes that inherit ``shared`` copy-on-write (the recipe is not needed).

    Below ``min_items`` the work stays in this process: a pool would cost more than it saves.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)

    def map(self, function: Callable[[T], R], items: list[T], min_items: int = 64) -> Iterator[R]:
        return map_in_processes(function, items, self.jobs, min_items)

    def run(self, work: list[Work], shared: Any, recipe: Recipe | None = None, min_items: int = 2) -> Iterator[Any]:
        return run_work(work, shared, self.jobs, min_items)


def open_executor(jobs: int, dask: str | None = None, timeout: float = 10.0) -> Executor:
    """The local pool, or a connection to the Dask scheduler at ``dask`` (waiting at most ``timeout`` s)."""
    if dask is None:
        return LocalExecutor(jobs)
    try:
        from .dask_executor import DaskExecutor
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("dask", "distributed"):
            raise
        raise UsageError("--dask needs Dask installed beside badgedir: pip install 'badgedir[dask]'") from None
    return DaskExecutor(dask, timeout)
