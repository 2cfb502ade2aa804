"""Run one command and measure what a user of a static-site generator pays for it.

Why each figure is taken the way it is:

* wall time: ``time.perf_counter`` around spawn-to-reap, what a person waits.
* CPU time: user+sys from ``os.wait4`` on the child, which on Linux includes
  every descendant the child itself reaped (a process pool's workers), so a
  parallel build cannot hide CPU in its workers.
* peak memory of the process TREE: ``ru_maxrss`` only reports the largest
  single process, which under-reports a pool.  A sampler thread walks the
  tree from ``/proc/<pid>/task/*/children`` every ~20 ms (up to 0.25 s on
  long runs, so sampling does not slow what it measures) and sums RSS
  (``statm``) and PSS (``smaps_rollup``).  Summed RSS double-counts pages
  that forked workers share with their parent; PSS splits them fairly, so
  both are reported.  Very short runs may finish between samples; then the
  figures fall back to ``ru_maxrss``.
* output: number of files and their total bytes under the output folder.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class Measurement:
    returncode: int
    wall: float  # seconds
    cpu: float  # seconds, user + sys of the child and the descendants it reaped
    tree_rss: int  # bytes, peak of the summed RSS of the process tree
    tree_pss: int  # bytes, peak of the summed PSS of the process tree
    maxrss: int  # bytes, ru_maxrss (largest single process)
    samples: int
    files: int
    bytes: int
    stderr: str
    stdout: str = ""  # kept only when asked (``keep_stdout``): a build's summary line, for warm.py

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _children(pid: int) -> list[int]:
    """Direct children of pid, over all its threads (a child may be forked from any thread)."""
    kids: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                kids.extend(int(x) for x in f.read().split())
        except (OSError, ValueError):
            continue
    return kids


def _tree(root: int) -> list[int]:
    seen, todo = [], [root]
    while todo:
        pid = todo.pop()
        seen.append(pid)
        todo.extend(_children(pid))
    return seen


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class _Sampler(threading.Thread):
    """Samples the tree's summed RSS/PSS until stopped; keeps the peaks."""

    def __init__(self, root: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_rss = self.peak_pss = self.samples = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        started = time.perf_counter()
        while not self._stop_event.is_set():
            pids = _tree(self.root)
            rss = sum(_rss(p) for p in pids)
            if rss:  # a reaped or zombie root reads as 0: not a sample
                self.peak_rss = max(self.peak_rss, rss)
                self.peak_pss = max(self.peak_pss, sum(_pss(p) for p in pids))
                self.samples += 1
            # Reading smaps_rollup walks a process's page tables: every 20 ms on three 1 GB processes
            # it took a good part of one of the two cores (a 100k build: 75 s measured, 61 s alone).
            # Long runs change memory slowly, so the interval grows to 1/200 of the time so far (<= 0.25 s).
            self._stop_event.wait(min(max(self.interval, (time.perf_counter() - started) / 200), 0.25))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def output_size(folder: Path) -> tuple[int, int]:
    """(files, total bytes) under folder."""
    files = total = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
                files += 1
            except OSError:
                continue
    return files, total


def run(cmd: list[str], output: Path, cwd: Path | None = None, env: dict[str, str] | None = None,
        interval: float = 0.02, keep_stdout: bool = False) -> Measurement:
    """Run cmd to completion (stdout discarded unless ``keep_stdout``, stderr kept) and measure it;
    output is counted after."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out if keep_stdout else subprocess.DEVNULL, stderr=err)
        sampler = _Sampler(proc.pid, interval)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)  # we reaped it; tell Popen
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
    maxrss = usage.ru_maxrss * 1024
    files, total = output_size(output) if output.exists() else (0, 0)
    return Measurement(
        returncode=proc.returncode, wall=wall, cpu=usage.ru_utime + usage.ru_stime,
        tree_rss=sampler.peak_rss or maxrss, tree_pss=sampler.peak_pss or maxrss, maxrss=maxrss,
        samples=sampler.samples, files=files, bytes=total, stderr=stderr, stdout=stdout,
    )
