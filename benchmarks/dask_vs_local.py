"""A build on a Dask cluster against the same build on this machine's pool (issue #18).

Why: ``--dask`` is only worth its moving parts where it is faster, and the
figures in docs/dask.md must be reproducible.  Starts a ``LocalCluster`` on
loopback (``--workers`` processes, one thread each), builds once to warm the
workers up (they import badgedir), then times local and Dask builds without a
cache and with a warm one, and checks the outputs are byte-identical.

Usage: ``python benchmarks/dask_vs_local.py CONTENT_DIR SCRATCH_DIR [--workers 2] [--as-of 2026-11-25]``
(content from ``benchmarks/synth.py``).
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import time
from datetime import date
from pathlib import Path

from distributed import LocalCluster

from generator.build import BuildOptions, build


def timed(label: str, **options) -> float:
    started = time.perf_counter()
    result = build(BuildOptions(**options))
    seconds = time.perf_counter() - started
    print(f"{label:<24} {seconds:6.2f} s  ({result.files} files)", flush=True)
    return seconds


def same_tree(one: Path, two: Path) -> bool:
    compared = filecmp.dircmp(one, two)
    stack = [compared]
    while stack:
        here = stack.pop()
        if here.left_only or here.right_only or here.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(here.left, here.right, here.common_files, shallow=False)
        if mismatch or errors:
            return False
        stack.extend(here.subdirs.values())
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("scratch", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--as-of", default="2026-11-25")
    args = parser.parse_args()
    content, base = args.content.resolve(), args.scratch.resolve()
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    common = {"content": content, "as_of": date.fromisoformat(args.as_of), "jobs": args.workers}
    with LocalCluster(n_workers=args.workers, processes=True, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        dask = cluster.scheduler_address
        timed("dask warm-up", output=base / "warm-up", dask=dask, **common)
        for run in range(2):
            timed("local, no cache", output=base / f"local-{run}", **common)
            timed("dask, no cache", output=base / f"dask-{run}", dask=dask, **common)
        for label, extra in (("local", {}), ("dask", {"dask": dask})):
            for state in ("cold", "warm"):
                timed(f"{label}, cache {state}", output=base / f"{label}-cached", cache=base / f"{label}-cache",
                      **extra, **common)
    print("byte-identical:", same_tree(base / "local-1", base / "dask-1"))


if __name__ == "__main__":
    main()
