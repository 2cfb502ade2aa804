"""What every executor is: the interface, the recipe a remote worker makes ``shared`` from, and the
error a cluster raises.  Apart from :mod:`generator.engine.executors`, which chooses one, so that the
Dask executor can build on it without the chooser and it importing each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .parallel import Work

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
