"""How a cold build grows with the directory (issue #18): time linear, memory flat is the target.

For each size and layout, builds synthetic content (``synth.py``, generated once into the work
folder and reused) with ``badgedir build --no-cache`` and prints what one build cost:

* wall and CPU time (CPU of the whole process tree: ``measure.py`` reaps the workers);
* the peak of the process tree's summed PSS (the target: at most 1.5 GB at any size);
* disk used beside the output while building (the cache folder, and any spill folder a build
  makes under the work folder): what a streaming build trades memory for;
* the files and bytes written.

Then the growth from the smallest size to each larger one: time per 1,000 businesses and PSS
per business, and the ratio of each to the smallest size's (1.00 is perfectly linear time, and
for memory the ratio of the peaks, 1.00 being flat).

``--dask-workers 1,2`` adds, at the smallest size, a build on a local Dask cluster started here
(``dask scheduler`` and ``dask worker`` processes on 127.0.0.1 only): the workers' CPU and memory
are theirs, not the build's, so those rows report wall time and the client's figures.

Outputs go to /dev/shm (tmpfs) when it exists, so the disk does not time itself.

Usage:
  python benchmarks/scale.py [--sizes 100000,300000] [--with-1m] [--layouts files,lists]
                             [--dask-workers 1,2] [--work DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure  # noqa: E402
import synth  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-12-01"
PSS_TARGET = 1.5e9


@dataclass(frozen=True, slots=True)
class Row:
    n: int
    layout: str
    runner: str  # "local" or "dask xN"
    wall: float
    cpu: float
    pss: int
    spill: int
    files: int
    bytes: int


def content_for(n: int, layout: str, work: Path) -> Path:
    """The synthetic content of ``n`` businesses in ``layout``, generated once per work folder."""
    folder = work / f"content-{layout}-{n}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        synth.generate(n, folder, layout)
        done.write_text("")
        print(f"  (generated {n:,} businesses, {layout}, in {time.perf_counter() - started:.0f} s)", flush=True)
    return folder


def disk_used(folder: Path) -> int:
    return measure.output_size(folder)[1] if folder.exists() else 0


@contextmanager
def peak_disk(folder: Path, interval: float = 0.5) -> Iterator[list[int]]:
    """The peak size of ``folder`` while the block runs, sampled every ``interval`` s (in ``[0]``)."""
    peak, stop = [0], threading.Event()

    def sample() -> None:
        while not stop.wait(interval):
            peak[0] = max(peak[0], disk_used(folder))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join()
        peak[0] = max(peak[0], disk_used(folder))


def build_once(n: int, layout: str, work: Path, runner: str, extra: list[str]) -> Row:
    content = content_for(n, layout, work)
    out, spill = work / "out", work / "spill"
    for folder in (out, spill):
        shutil.rmtree(folder, ignore_errors=True)
    spill.mkdir()
    command = [sys.executable, "-m", "generator", "build", "--content", str(content), "--output", str(out),
               "--as-of", AS_OF, "--no-cache", "--quiet", *extra]
    env = {**os.environ, "TMPDIR": str(spill)}  # a build that spills to disk does it here, where it is counted
    with peak_disk(spill) as peak:
        m = measure.run(command, out, cwd=REPO, env=env)
    peak_spill = peak[0]
    if not m.ok:
        raise SystemExit(f"build failed ({runner}, {n:,} {layout}):\n{m.stderr[-3000:]}")
    return Row(n, layout, runner, m.wall, m.cpu, m.tree_pss, peak_spill, m.files, m.bytes)


@contextmanager
def local_cluster(workers: int, work: Path) -> Iterator[str]:
    """A Dask scheduler and ``workers`` single-threaded workers on 127.0.0.1; yields its address."""
    scheduler_file = work / f"scheduler-{workers}.json"
    scheduler_file.unlink(missing_ok=True)
    processes = [subprocess.Popen(["dask", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", str(scheduler_file)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 30
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        processes.append(subprocess.Popen(["dask", "worker", address, "--nworkers", str(workers), "--nthreads", "1",
                                           "--host", "127.0.0.1", "--no-dashboard"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(5)  # the workers register with the scheduler
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def print_rows(rows: list[Row]) -> None:
    print(f"{'N':>9} {'layout':<6} {'runner':<8} {'wall s':>8} {'CPU s':>8} {'peak PSS':>10} {'spill':>9} "
          f"{'files':>9} {'MB':>8}")
    for r in rows:
        print(f"{r.n:>9,} {r.layout:<6} {r.runner:<8} {r.wall:>8.1f} {r.cpu:>8.1f} {r.pss / 1e6:>8.0f}MB "
              f"{r.spill / 1e6:>7.0f}MB {r.files:>9,} {r.bytes / 1e6:>8.0f}")


def print_growth(rows: list[Row]) -> bool:
    """Growth against the smallest size in each layout; True when memory stays under the target."""
    within = True
    print("\ngrowth (against the smallest size of the same layout):")
    for layout in sorted({r.layout for r in rows}):
        local = sorted((r for r in rows if r.layout == layout and r.runner == "local"), key=lambda r: r.n)
        if not local:
            continue
        first = local[0]
        for r in local:
            per_k = r.wall / (r.n / 1000)
            print(f"  {layout:<6} {r.n:>9,}: {per_k * 1000:7.1f} ms per 1,000 businesses "
                  f"(x{per_k / (first.wall / (first.n / 1000)):.2f}), {r.pss / r.n:7.0f} B PSS per business, "
                  f"peak PSS x{r.pss / first.pss:.2f}")
            within &= r.pss <= PSS_TARGET
    print(f"peak PSS <= {PSS_TARGET / 1e9:.1f} GB at every size: {'met' if within else 'NOT met'}")
    return within


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,300000")
    parser.add_argument("--with-1m", action="store_true", help="add 1,000,000 businesses")
    parser.add_argument("--layouts", default="files,lists")
    parser.add_argument("--dask-workers", default="", help="e.g. 1,2: Dask builds at the smallest size")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s} | ({1_000_000} if args.with_1m else set()))
    layouts = [layout for layout in args.layouts.split(",") if layout]
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    work = args.work or base / "badgedir-scale"
    work.mkdir(parents=True, exist_ok=True)
    print(f"badgedir cold builds, as of {AS_OF}, {os.cpu_count()} cores, work folder {work}", flush=True)
    rows: list[Row] = []
    for n in sizes:
        for layout in layouts:
            rows.append(build_once(n, layout, work, "local", []))
            print_rows(rows[-1:])
    for workers in [int(w) for w in args.dask_workers.split(",") if w]:
        if shutil.which("dask") is None:
            raise SystemExit("--dask-workers needs Dask: pip install 'badgedir[dask]'")
        with local_cluster(workers, work) as address:
            rows.append(build_once(sizes[0], layouts[0], work, f"dask x{workers}", ["--dask", address]))
            print_rows(rows[-1:])
    print()
    print_rows(rows)
    within = print_growth(rows)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1))
    shutil.rmtree(work / "out", ignore_errors=True)
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
