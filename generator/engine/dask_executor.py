"""The build's pieces of work on a ``dask.distributed`` cluster (``badgedir build --dask ADDRESS``).

The same :class:`~generator.engine.parallel.Work` pieces as the local pool,
sent to the scheduler one piece a task (the callers already batch them by
``jobs``, here the cluster's worker threads).  A worker did not fork from the
build, so each task carries the build's :class:`~generator.engine.executors.Recipe`
(paths and small values) and the worker makes the site and renderer from it
once per build.  Workers read the content and write pages through paths that
must mean the same on every machine: a filesystem every worker mounts.

Dask retries the tasks of a worker that died on another worker (pieces write
whole files into the staging folder, so doing one twice writes the same bytes).
When it gives up, the build stops with a :class:`ClusterError` and the caller
discards the staging folder: the published site is left as it was.

This module is the only one that imports Dask.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any, TypeVar

import distributed
from distributed import Client

from ..cache.keys import code_digest
from ..diagnostics import UsageError
from .executor import ClusterError, Executor, Recipe
from .parallel import Work, chunks

T = TypeVar("T")
R = TypeVar("R")

PATIENCE = 30.0  # seconds a failed build waits for the pieces still running to end before it deletes their folder


class DaskExecutor(Executor):
    """A client of the scheduler at ``address``; ``jobs`` is the cluster's worker threads."""

    remote = True

    def __init__(self, address: str, timeout: float = 10.0) -> None:
        self.address = address
        self.client = _connect(address, timeout)
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except (TimeoutError, OSError):
            self.close()
            raise ClusterError(f"the Dask scheduler at {address} has no workers (waited {timeout:g} s)") from None
        self.jobs = max(1, sum(self.client.nthreads().values()))
        self.code = code_digest()

    def map(self, function: Callable[[T], R], items: list[T], min_items: int = 64) -> Iterator[R]:
        """In batches of items (one task per ~1/8 of a worker thread's share), results in order."""
        batches = list(chunks(items, self.jobs * 8))
        futures = [self.client.submit(_map_batch, function, batch, self.code, pure=False) for batch in batches]
        for results in self._results(futures):
            yield from results

    def run(self, work: list[Work], shared: Any, recipe: Recipe | None = None, min_items: int = 2) -> Iterator[Any]:
        """One task per piece.  With a ``recipe``, ``shared`` stays here and each worker makes its own from
        the recipe; without one, ``shared`` (which must pickle) is sent once to each worker, not per piece."""
        if recipe is not None:
            futures = [self.client.submit(_run_piece, piece, recipe, self.code, pure=False) for piece in work]
            yield from self._results(futures)
            return
        [sent] = self.client.scatter([shared], broadcast=True, hash=False)
        try:
            futures = [self.client.submit(_run_sent_piece, piece, sent, self.code, pure=False) for piece in work]
            yield from self._results(futures)
        finally:
            self.client.cancel([sent])

    def _results(self, futures: list[Any]) -> Iterator[Any]:
        """Each future's result in order; on a failure (or when the caller stops) the rest are cancelled,
        and the pieces already running are waited for, so none writes into a folder after it is deleted."""
        finished = False
        try:
            for future in futures:
                try:
                    result = future.result()
                except (CancelledError, distributed.KilledWorker) as exc:
                    raise ClusterError(f"the Dask cluster at {self.address} lost a piece of the build "
                                       f"it could not redo ({type(exc).__name__}: {exc})") from None
                except distributed.comm.CommClosedError as exc:
                    raise ClusterError(f"lost the connection to the Dask scheduler at {self.address} ({exc})") from None
                yield result
            finished = True
        finally:
            if not finished and not all(future.done() for future in futures):  # (a caller may stop at the last)
                self._stop(futures)
            self.client.cancel(futures)  # finished: let the scheduler forget them

    def _stop(self, futures: list[Any]) -> None:
        keys = {future.key for future in futures}
        try:
            self.client.cancel(futures, force=True)
            deadline = time.monotonic() + PATIENCE
            while time.monotonic() < deadline:
                running = {key for keys_of in self.client.processing().values() for key in keys_of}
                if not running & keys:
                    return
                time.sleep(0.2)
        except Exception:  # the scheduler is gone too: nothing of ours can still be running there
            return

    def require(self, folders: list[Path]) -> None:
        """Fail now, in one line, if a worker cannot see one of ``folders`` (not on the shared filesystem)."""
        try:
            missing = self.client.run(_missing, [str(folder) for folder in folders])
        except Exception:  # a worker that died meanwhile: its tasks go elsewhere
            missing = {}
        for worker, folders_missing in sorted(missing.items()):
            if folders_missing:
                raise ClusterError(f"the Dask worker {worker} cannot see {folders_missing[0]}: content, templates, "
                                   f"cache and output must be on a filesystem every worker mounts at the same path")

    def close(self) -> None:
        """Workers drop this build's site (it can be large), then the connection closes."""
        try:
            if self.client.status == "running":
                self.client.run(_forget)
        except Exception:  # a worker that died meanwhile has nothing to drop
            pass
        try:
            self.client.close(timeout=5)
        except Exception:
            pass


def _connect(address: str, timeout: float) -> Client:
    """A client, or a one-line reason there is none within ``timeout`` seconds."""
    client = Client.__new__(Client)
    try:
        client.__init__(address, timeout=timeout, set_as_default=False)
    except ValueError as exc:
        _abandon(client)
        raise UsageError(f"--dask: {address!r} is not a Dask scheduler address ({exc})") from None
    except (OSError, TimeoutError) as exc:
        _abandon(client)
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    return client


def _abandon(client: Client) -> None:
    """Stop a client that never connected, now: left to its finalizer it would wait and print a traceback."""
    try:
        client.status = "closed"
        runner = getattr(client, "_loop_runner", None)
        if runner is not None:
            runner.stop()
    except Exception:
        pass


# In a worker process: the shared values of the build whose pieces it runs, made once per build.
_MADE: tuple[str, Any] | None = None
_LOCK = threading.Lock()


def _same_code(code: str) -> None:
    if code_digest() != code:
        raise ClusterError("a Dask worker runs another version of badgedir than the build: "
                           "install the same version on every worker")


def _shared(recipe: Recipe, code: str) -> Any:
    global _MADE
    with _LOCK:  # a worker with several threads makes the values once
        if _MADE is None or _MADE[0] != recipe.token:
            _MADE = None  # the last build's site goes before this one's is made
            _same_code(code)
            _MADE = (recipe.token, recipe.make(recipe.argument))
        return _MADE[1]


def _run_piece(piece: Work, recipe: Recipe, code: str) -> Any:
    return piece.function(_shared(recipe, code), piece.argument)


def _run_sent_piece(piece: Work, shared: Any, code: str) -> Any:
    _same_code(code)
    return piece.function(shared, piece.argument)


def _map_batch(function: Callable[[T], R], items: list[T], code: str) -> list[R]:
    _same_code(code)
    return [function(item) for item in items]


def _missing(folders: list[str]) -> list[str]:
    return [folder for folder in folders if not os.path.isdir(folder)]


def _forget() -> None:
    global _MADE
    with _LOCK:
        _MADE = None
