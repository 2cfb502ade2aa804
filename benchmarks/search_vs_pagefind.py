"""badgedir's purpose-made search index against Pagefind, side by side, on the same directory.

Pagefind (PyPI ``pagefind[bin]``) is the well-kept library issue #3 asks us to
beat.  Both engines index the same SearchRecords (the synthetic 100,000-business
directory of ``search_browser.py``): business name as text; tier, category and
city as filters.  Then, for each engine, this prints:

* **build**: wall and CPU seconds and peak memory (each engine in its own
  process: ``ru_maxrss`` of the Python process, plus that of the pagefind
  binary it drives), files and bytes written;
* **bytes per query**: what a first search downloads in a fresh Chromium
  profile (the browser's network accounting, headers included; for Pagefind its JS and WASM
  too, which are part of its index), and the time to the first 10 results;
* **warm latency**: once loaded, the time to answer again;
* **result quality** over queries made from the directory itself: the name as
  written, folded (no accents or capitals), cut short as while typing, with a
  typo; and "real account first": a verified business's name, where a
  look-alike exists, must put the verified one on top.

Usage: python benchmarks/search_vs_pagefind.py [--n 100000] [--work /tmp/badgedir-search-bench] [--sample 150]
"""

from __future__ import annotations

import argparse
import html
import json
import pickle
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search_browser as sb  # noqa: E402  (also puts the repository on sys.path)

from generator.search import SearchRecord, write_search_indexes  # noqa: E402
from generator.search.fold import tokens  # noqa: E402

PAGE = 10
PF_HARNESS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pagefind</title></head>
<body><p>Pagefind benchmark page</p></body></html>
"""
PF_SEARCH = """async (q) => {
  const t0 = performance.now();
  if (!window.pf) { window.pf = await import('./pagefind/pagefind.js'); await window.pf.init(); }
  const s = await window.pf.search(q);
  const data = await Promise.all(s.results.slice(0, %d).map(r => r.data()));
  return {ms: performance.now() - t0, names: data.map(d => d.meta.title), urls: data.map(d => d.url),
          tiers: data.map(d => d.meta.tier), total: s.results.length}; }""" % PAGE


# ---- building, each engine in a process of its own ---------------------------------

def _tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _child_ours(records_path: Path, out: Path) -> dict[str, Any]:
    records = pickle.loads(records_path.read_bytes())
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = time.perf_counter(), time.process_time()
    write_search_indexes(records, out, "ES")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    files, size = _tree_size(out)
    return {"wall": wall, "cpu": cpu, "peak_mb": peak / 1024, "records_mb": baseline / 1024,
            "files": files, "bytes": size}


def _pagefind_page(r: SearchRecord) -> str:
    """One business as a minimal page: only its name is text, the rest filters and meta."""
    esc = html.escape
    tags = [f'<span data-pagefind-filter="tier:{r.tier}"></span>', f'<span data-pagefind-meta="tier:{r.tier}"></span>']
    if r.category:
        tags.append(f'<span data-pagefind-filter="category:{esc(r.category)}"></span>')
    if r.city:
        tags.append(f'<span data-pagefind-filter="city:{esc(r.city)}"></span>')
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{esc(r.name)}</title></head>'
            f'<body><main data-pagefind-body><h1 data-pagefind-meta="title">{esc(r.name)}</h1>{"".join(tags)}'
            f"</main></body></html>\n")


def _child_pagefind(records_path: Path, out: Path) -> dict[str, Any]:
    """Pagefind's fast path: its binary over a folder of pages (its Python API answers one
    custom record per 0.1 s poll, hours for 100,000).  Writing the pages is not timed: they
    stand for the business pages a site has anyway."""
    from pagefind_bin import get_executable

    records = pickle.loads(records_path.read_bytes())
    site = out.parent
    for r in records:
        page = site / r.url / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(_pagefind_page(r), encoding="utf-8")
    wall = time.perf_counter()
    subprocess.run([str(get_executable()), "--site", str(site), "--force-language", "en", "--quiet"],
                   check=True, capture_output=True)
    wall = time.perf_counter() - wall
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    files, size = _tree_size(out)
    return {"wall": wall, "cpu": children.ru_utime + children.ru_stime, "peak_mb": children.ru_maxrss / 1024,
            "records_mb": 0.0, "files": files, "bytes": size}


def build_in_child(engine: str, records_path: Path, out: Path) -> dict[str, Any]:
    if out.exists():
        shutil.rmtree(out.parent if engine == "pagefind" else out)
    done = subprocess.run([sys.executable, __file__, "--child", engine, str(records_path), str(out)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- quality queries ------------------------------------------------------------------

def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # two letters swapped, not the first


TIER_RANK = {"verified": 0, "confirmed": 1, "unverified": 2}


def quality_queries(records: Sequence[SearchRecord], sample: int) -> list[tuple[str, str, str, str, str]]:
    """(kind, query, target's folded name, target url, target tier) from a seeded sample of the directory."""
    rng = random.Random(5)
    chosen = rng.sample(sorted(records, key=lambda r: r.id), sample)
    queries = []
    for r in chosen:
        words = tokens(r.name)
        target = " ".join(words)
        queries.append(("as written", r.name, target, r.url, r.tier))
        queries.append(("folded", target, target, r.url, r.tier))
        queries.append(("cut short", " ".join(w[: max(3, len(w) - 2)] for w in words), target, r.url, r.tier))
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        if len(words[longest]) >= 5:
            typo = words[:longest] + [_typo(words[longest], rng)] + words[longest + 1:]
            queries.append(("one typo", " ".join(typo), target, r.url, r.tier))
    imitated = sorted({r.warning_url for r in records if r.warning_url})
    by_url = {r.url: r for r in records}
    for url in rng.sample(imitated, min(sample, len(imitated))):
        queries.append(("real account first", by_url[url].name, " ".join(tokens(by_url[url].name)), url, "verified"))
    return queries


def _hit(kind: str, name: str, url: str, tier: str, found: dict[str, Any]) -> tuple[bool, bool, bool]:
    """(top result right, top right but for better-tier results above it, right result in the first page).

    Names repeat in a directory, so a result with the target's name counts; for "real account
    first" it must also be verified.  The middle one is badgedir's promise: a business is
    outranked only by businesses with a better badge.
    """
    matches, better = [], []
    for n, u, t in zip(found["names"], found["urls"], found["tiers"]):
        same = u.rstrip("/").endswith("/" + url.rstrip("/")) or " ".join(tokens(n)) == name
        matches.append(same and (t == "verified" or kind != "real account first"))
        better.append(TIER_RANK.get(t, 3) < TIER_RANK[tier])
    first = matches.index(True) if any(matches) else -1
    return bool(matches and matches[0]), first >= 0 and all(better[:first]), first >= 0


# ---- measuring in the browser -------------------------------------------------------------

def pagefind_first(browser: Any, url: str, query: str) -> dict[str, Any]:
    context = browser.new_context()
    traffic = sb.Traffic(context)
    page = context.new_page()
    page.goto(url)
    result = page.evaluate(PF_SEARCH, query)
    got = traffic.downloaded("/pagefind/")
    context.close()
    return {"query": query, "ms": result["ms"], **got}


def measure(url_ours: str, url_pf: str, records: Sequence[SearchRecord], sample: int) -> dict[str, Any]:
    queries = sb.bench_queries(records)
    quality = quality_queries(records, sample)
    with sb.chromium() as browser:
        ours_first = [sb.first_search(browser, url_ours, q) for q in queries]
        pf_first = [pagefind_first(browser, url_pf, q) for q in queries]
        ours_page, pf_page = sb.fresh_page(browser, url_ours), browser.new_context().new_page()
        pf_page.goto(url_pf)
        scores: dict[str, dict[str, list[tuple[bool, bool, bool]]]] = {"ours": {}, "pagefind": {}}
        warm: dict[str, list[float]] = {"ours": [], "pagefind": []}
        for kind, query, name, url, tier in quality:
            ours = ours_page.evaluate(sb.SEARCH, query)
            scores["ours"].setdefault(kind, []).append(_hit(kind, name, url, tier, ours))
            warm["ours"].append(ours["ms"])
            pf = pf_page.evaluate(PF_SEARCH, query)
            scores["pagefind"].setdefault(kind, []).append(_hit(kind, name, url, tier, pf))
            warm["pagefind"].append(pf["ms"])
    return {"ours_first": ours_first, "pf_first": pf_first, "scores": scores, "warm": warm}


# ---- the report -------------------------------------------------------------------------------

def report(n: int, ours: dict[str, Any], pf: dict[str, Any], seen: dict[str, Any]) -> None:
    kb = sb.kb
    print(f"\nIndex build over the same {n:,} businesses (each engine in its own process)")
    print(f"  {'':28} {'badgedir':>14} {'Pagefind':>14}")
    print(f"  {'wall time':28} {ours['wall']:13.1f}s {pf['wall']:13.1f}s")
    print(f"  {'CPU time (all processes)':28} {ours['cpu']:13.1f}s {pf['cpu']:13.1f}s")
    print(f"  {'peak memory':28} {ours['peak_mb']:11.0f} MB {pf['peak_mb']:11.0f} MB")
    print(f"  {'  of which records loaded':28} {ours['records_mb']:11.0f} MB {'(binary only)':>14}")
    print(f"  {'files written':28} {ours['files']:14,} {pf['files']:14,}")
    print(f"  {'bytes written':28} {ours['bytes'] / 1e6:11.1f} MB {pf['bytes'] / 1e6:11.1f} MB")
    print(f"\nFirst search in a fresh Chromium profile: files / bytes downloaded / ms to the first {PAGE} results")
    print(f"  {'query':40} {'badgedir':>24} {'Pagefind':>24}")
    for o, p in zip(seen["ours_first"], seen["pf_first"]):
        print(f"  {o['query'][:40]:40} {o['files']:4} {kb(o['bytes']):>10} {o['ms']:6.0f}ms"
              f" {p['files']:4} {kb(p['bytes']):>10} {p['ms']:6.0f}ms")
    worst_o = max(o["bytes"] for o in seen["ours_first"])
    worst_p = max(p["bytes"] for p in seen["pf_first"])
    print(f"  {'worst':40} {kb(worst_o):>15} {'':8} {kb(worst_p):>15}")
    print("  (badgedir: index files only, search.js and results.js add ~{:.0f} KB once; Pagefind: its JS, WASM and index)".format(
        sum((sb.REPO / "templates/static" / name).stat().st_size for name in ("search.js", "results.js")) / 1000))
    warm_o, warm_p = seen["warm"]["ours"], seen["warm"]["pagefind"]
    print(f"\nWarm queries, median / 95th percentile ms: badgedir {statistics.median(warm_o):.0f} / "
          f"{sorted(warm_o)[int(.95 * len(warm_o))]:.0f} (Enter; typing adds a 60 ms debounce), "
          f"Pagefind {statistics.median(warm_p):.0f} / {sorted(warm_p)[int(.95 * len(warm_p))]:.0f}")
    print(f"\nResult quality: top result right / right but for better badges above it / in the first {PAGE}")
    print(f"  {'queries':20} {'count':>5} {'badgedir':>24} {'Pagefind':>24}")
    for kind, hits in seen["scores"]["ours"].items():
        theirs = seen["scores"]["pagefind"][kind]

        def pct(items: list[tuple[bool, bool, bool]]) -> str:
            return " ".join(f"{100 * sum(h[i] for h in items) / len(items):6.1f}%" for i in range(3))
        print(f"  {kind:20} {len(hits):5} {pct(hits):>24} {pct(theirs):>24}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        engine, records_path, out = argv[1], Path(argv[2]), Path(argv[3])
        result = (_child_ours if engine == "ours" else _child_pagefind)(records_path, out)
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/badgedir-search-bench"))
    parser.add_argument("--sample", type=int, default=150, help="businesses per quality query kind")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    records = sb.directory_records(args.n, args.work)
    records_path = args.work / f"records-{args.n}.pickle"
    print(f"directory: {len(records):,} businesses")
    ours = build_in_child("ours", records_path, args.work / "ours-index")
    pf_site = args.work / f"pagefind-{args.n}"
    pf = build_in_child("pagefind", records_path, pf_site / "pagefind")
    (pf_site / "index.html").write_text(PF_HARNESS, encoding="utf-8")
    harness = args.work / f"harness-{args.n}"
    sb.write_harness(records, harness)
    with sb.served(args.work) as url:
        seen = measure(f"{url}{harness.name}/index.html", f"{url}{pf_site.name}/index.html", records, args.sample)
    report(len(records), ours, pf, seen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
