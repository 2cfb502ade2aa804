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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..diagnostics import UsageError
from .parallel import Work, map_in_processes, run_work

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Recipe:
    """How a process that did not fork from the build makes its ``shared`` values: ``make(argument)``.

    ``make`` is a module-level function (pickled by name) and ``argument``
    holds paths and small values, never the site: "send keys and paths, not
    big objects".  ``token`` names one build's values, so a worker makes them
    once per build however many pieces it runs.
    """

    make: Callable[[Any], Any]
    argument: Any
    token: str


class ClusterError(OSError):
    """The cluster could not be reached, or lost work it could not redo.  An ``OSError``: the
    machine failed, not the content, and the command says the output folder was left as it was."""


class Executor:
    """Runs pieces of work; ``jobs`` is how many it runs at once (what callers size their batches by)."""

    jobs: int = 1
    remote: bool = False  # True: pieces run in processes that need a Recipe for ``shared``

    def map(self, function: Callable[[T], R], items: list[T], min_items: int = 64) -> Iterator[R]:
        """``map(function, items)`` in order; ``function`` is module-level, the items small and picklable."""
        raise NotImplementedError

    def run(self, work: list[Work], shared: Any, recipe: Recipe | None = None, min_items: int = 2) -> Iterator[Any]:
        """Each piece's result, in order, called as ``piece.function(shared, piece.argument)``."""
        raise NotImplementedError

    def require(self, folders: list[Path]) -> None:
        """Check that every process running pieces can see these folders (here: they all share this machine's)."""

    def close(self) -> None:
        """Let go of whatever the executor holds (a connection, the workers' copies of the site)."""

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
