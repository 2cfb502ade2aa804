"""How long the live preview takes to follow one saved business file, beside a full build.

For each size, synthetic content (``benchmarks/synth.py``, seed 1) is built
once in full by an :class:`~generator.preview.incremental.IncrementalBuilder`, then
one business file at a time is edited the ways an operator edits it, and
two times are taken for each edit:

* ``update``: from the save to every rebuilt file being on disk, when the
  watcher has already named the file (``IncrementalBuilder.update``);
* ``serve: save→pages``: the same as ``badgedir serve`` does it, through the
  real watcher (inotify, 50 ms of quiet to close a burst) and with a search
  index rebuild left until after the browser is told to reload (with
  ``--jobs`` 2 or more it runs in the builder's helper process, beside the
  page rendering);
  ``save→search``: until that search index is on disk too.

Wall time is what a person waits; CPU time is printed beside it because a
busy machine inflates wall time.  Each edit is repeated ``--repeat`` times
and the median is shown.  ``--with-build`` also times ``badgedir build``'s
own code path on the same content (slow on 100,000).

Usage: ``python benchmarks/serve_incremental.py [--sizes 10000,100000] [--repeat 3] [--jobs N] [--with-build]
[--edits number,description,retitle,rename,category,add] [--on tmpfs|disk]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generator.build import BuildOptions, build  # noqa: E402
from generator.preview.incremental import IncrementalBuilder  # noqa: E402
from generator.preview.watch import Watcher  # noqa: E402
from synth import generate  # noqa: E402

AS_OF = date(2026, 11, 25)
TARGETS = (1000, 5000)  # which businesses (by position in the file list) get edited


def edits(n: int) -> dict[str, Callable[[str, int], str]]:
    """Edit name → how it changes a business file's text (a list with one business, as synth writes)."""
    return {
        "number": lambda text, k: _replace_field(text, "whatsapp", f'"+34 72{k % 10} {(n // 7) % 1000:03d} {k:03d}"'),
        "description": lambda text, k: _replace_field(text, "description", f'"Edited description {k}."'),
        "retitle": lambda text, k: _replace_field(text, "name", _field(text, "name")[:-1] + f' S.L.{k}"'),  # keeps its A–Z place
        "rename": lambda text, k: _replace_field(text, "name", f'"Zz Renamed {k}"'),  # moves to the end of A–Z
        "category": lambda text, k: _replace_field(text, "category", '"Panadería"' if "Panadería" not in text else '"Farmacia"'),
    }


def _field(text: str, field: str) -> str:
    return next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.lstrip("- ").startswith(f"{field}:"))


def _replace_field(text: str, field: str, value: str) -> str:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        stripped = line.lstrip("- ")
        if stripped.startswith(f"{field}:"):
            indent = line[: len(line) - len(line.lstrip())]
            prefix = "- " if line.lstrip().startswith("- ") else ""
            lines[i] = f"{indent}{prefix}{field}: {value}"
            return "\n".join(lines) + "\n"
    return text.rstrip("\n") + f"\n  {field}: {value}\n"


def content_for(n: int, cache: Path) -> Path:
    folder = cache / f"serve-n{n}"
    if not (folder / "site.yaml").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        generate(n, folder, layout="files", seed=1)
    return folder


def timed(action: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def through_watcher(builder: IncrementalBuilder, path: Path, text: str) -> tuple[float, float]:
    """Save ``text`` to ``path`` and follow it as ``badgedir serve`` does: watcher, update with the
    search index deferred, then the search index.  Returns (save → pages on disk, save → all on disk)."""
    watcher = Watcher([builder.content_dir], quiet=0.05)
    times: list[float] = []

    def follow() -> None:
        changed = watcher.wait(timeout=30)
        builder.update(None if changed is None or changed is True else changed, defer_search=True)  # type: ignore[arg-type]
        times.append(time.perf_counter())
        builder.catch_up()
        times.append(time.perf_counter())

    thread = threading.Thread(target=follow)
    thread.start()
    time.sleep(0.05)
    started = time.perf_counter()
    path.write_text(text, encoding="utf-8")
    thread.join(120)
    watcher.release()
    return times[0] - started, times[1] - started


def _deferred(builder: IncrementalBuilder, path: Path) -> tuple[float, float]:
    """(pages on disk, everything on disk) after ``path`` changed, with the search index and sitemap deferred."""
    started = time.perf_counter()
    result = builder.update([path], defer_search=True)
    assert result.ok, result.errors
    pages = time.perf_counter() - started
    builder.catch_up()
    return pages, time.perf_counter() - started


def measure(n: int, cache: Path, repeat: int, jobs: int, with_build: bool, chosen: set[str], on: Path | None) -> None:
    content = content_for(n, cache)
    work = Path(tempfile.mkdtemp(prefix="badgedir-bench-serve-", dir=on))
    templates = None
    builder = None
    try:
        if with_build:
            wall, cpu, _ = timed(lambda: build(BuildOptions(content, work / "built", AS_OF, templates=templates, jobs=jobs)))
            print(f"n={n:>7}: badgedir build              {wall:8.2f} s wall {cpu:8.2f} s cpu (parent)")
        builder = IncrementalBuilder(content, work / "served", AS_OF, templates=templates, jobs=jobs)
        wall, cpu, first = timed(builder.build)
        assert first.ok, first.errors  # type: ignore[attr-defined]
        print(f"n={n:>7}: full build (serve's first)  {wall:8.2f} s wall {cpu:8.2f} s cpu (parent); {first.pages} pages")  # type: ignore[attr-defined]
        files = sorted((content / "businesses").iterdir())
        for name, change in edits(n).items():
            if name not in chosen:
                continue
            walls, cpus, watched, complete, pages = [], [], [], [], []
            for k in range(repeat):
                path = files[TARGETS[k % len(TARGETS)] % len(files)]
                original = path.read_text(encoding="utf-8")
                path.write_text(change(original, k), encoding="utf-8")
                wall, cpu, result = timed(lambda: builder.update([path]))
                assert result.ok, result.errors  # type: ignore[attr-defined]
                walls.append(wall)
                cpus.append(cpu)
                pages.append(result.pages)  # type: ignore[attr-defined]
                first, everything = through_watcher(builder, path, original)  # and back, as the server does it
                watched.append(first)
                complete.append(everything)
            print(f"n={n:>7}: edit {name:<12} update {statistics.median(walls) * 1000:7.0f} ms wall "
                  f"{statistics.median(cpus) * 1000:7.0f} ms cpu | serve: save→pages {statistics.median(watched) * 1000:7.0f} ms, "
                  f"save→search {statistics.median(complete) * 1000:7.0f} ms | pages re-rendered {statistics.median(pages):.0f}")
        if "add" not in chosen:
            return
        path = content / "businesses" / "zz-bench-added.yaml"
        times: dict[str, list[tuple[float, float]]] = {"add": [], "delete": []}
        for k in range(repeat):  # as the server does it: pages first, then search index and sitemap
            path.write_text(f'id: zz-bench-added\nname: Bench Added {k}\nwhatsapp: "+34 73{k % 10} 123 {k:03d}"\ncategory: Panadería\n',
                            encoding="utf-8")
            times["add"].append(_deferred(builder, path))
            path.unlink()
            times["delete"].append(_deferred(builder, path))
        for name, pairs in times.items():
            print(f"n={n:>7}: {name} a business{' ' * (7 - len(name))} update {statistics.median(p[0] for p in pairs) * 1000:7.0f} ms wall"
                  f" (pages on disk) | search index and sitemap after {statistics.median(p[1] for p in pairs) * 1000:7.0f} ms")
    finally:
        if builder is not None:
            builder.close()
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--with-build", action="store_true")
    parser.add_argument("--edits", default="number,description,retitle,rename,category,add",
                        help="which edits to time")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "badgedir-bench")
    parser.add_argument("--on", choices=("tmpfs", "disk"), default="tmpfs",
                        help="where the preview folder goes: tmpfs (/dev/shm, when there is one; this machine's disk "
                             "is noisy when creating many files, as vs_hugo.py notes) or the temporary folder's disk")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    shm = Path("/dev/shm")
    on = shm if args.on == "tmpfs" and shm.is_dir() and os.access(shm, os.W_OK) else None
    print(f"preview folder on {'tmpfs (/dev/shm)' if on else 'disk (' + tempfile.gettempdir() + ')'}")
    for n in (int(s) for s in args.sizes.split(",")):
        measure(n, args.cache, args.repeat, args.jobs, args.with_build, set(args.edits.split(",")), on)
    return 0


if __name__ == "__main__":
    sys.exit(main())
