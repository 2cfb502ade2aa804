"""Search and number lookup on a 100,000-business directory, measured in a real browser.

Issue #3's budgets: a first search downloads at most ~300 KB (index +
fragments), a number lookup at most ~20 KB, and results appear within ~100 ms
once the first files are loaded.  This script checks them the way a visitor
would meet them: it makes a synthetic directory with ``synth.py``, reads it
with the real loader and tier rules, writes the search indexes, serves them on
127.0.0.1 and drives headless Chromium (``/usr/bin/chromium``), counting the
bytes each action downloads (the browser's own network accounting, headers
included) in a fresh browser profile.

It serves a small page carrying the real search and lookup partials rather
than the whole 100k-page site (that build is the scale benchmark's business);
``--site DIR`` measures an already built site instead.

Usage: python benchmarks/search_browser.py [--n 100000] [--work /tmp/badgedir-search-bench] [--site DIR]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import pickle
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from generator.search import SearchRecord, write_search_indexes  # noqa: E402
from generator.search.fold import tokens  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
AS_OF = date(2026, 11, 25)
HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>search benchmark</title></head>
<body><header>{% include "partials/search_box.html" %}</header>
<main>{% include "partials/lookup_box.html" %}</main></body></html>
"""


# ---- the directory ------------------------------------------------------------------

def directory_records(n: int, work: Path) -> list[SearchRecord]:
    """The SearchRecords the build would pass for a synthetic n-business directory (cached in work)."""
    cache = work / f"records-{n}.pickle"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    import synth

    from generator.build import load_site
    from generator.search.from_site import search_records

    content = work / f"content-{n}"
    if not (content / "site.yaml").exists():
        synth.generate(n, content, layout="lists", seed=1)
    site, _ = load_site(content, AS_OF, jobs=2)
    records = search_records(site)
    cache.write_bytes(pickle.dumps(records))
    return records


def write_harness(records: Sequence[SearchRecord], site: Path) -> None:
    """Index files plus one page carrying the real search and lookup partials."""
    import jinja2

    if site.exists():
        shutil.rmtree(site)
    write_search_indexes(records, site, "ES")
    shutil.copytree(REPO / "templates" / "static", site / "static")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(REPO / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    counts: dict[tuple[str, str], int] = {}
    for r in records:
        if r.category_slug:
            counts[(r.category_slug, r.category)] = counts.get((r.category_slug, r.category), 0) + 1
    site_view = SimpleNamespace(
        title="Bench", language="en", tiers=["verified", "confirmed", "unverified"],
        categories=[SimpleNamespace(slug=s, name=name, count=c) for (s, name), c in sorted(counts.items())],
        cities=sorted({r.city for r in records if r.city}))
    html = env.from_string(HARNESS).render(root="", site=site_view)
    (site / "index.html").write_text(html, encoding="utf-8")


# ---- serving and the browser ------------------------------------------------------------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Traffic:
    """Every response a browser context received (pages and their workers), as the browser counted it."""

    def __init__(self, context: Any) -> None:
        self.requests: list[Any] = []
        context.on("requestfinished", lambda request: self.requests.append(request))

    def downloaded(self, part: str) -> dict[str, int]:
        """Files, bytes (headers + body, as sent) and body bytes of responses whose URL contains ``part``."""
        files = total = body = 0
        for request in self.requests:
            if part in request.url:
                sizes = request.sizes()
                files += 1
                total += sizes["responseHeadersSize"] + sizes["responseBodySize"]
                body += sizes["responseBodySize"]
        return {"files": files, "bytes": total, "body": body}


SEARCH = """async (q) => {
  const input = document.querySelector('#search-q'), box = input.closest('[data-search]');
  const t0 = performance.now();
  const done = new Promise(res => { const o = new MutationObserver(() => {
    if (box.dataset.searchState === 'done') { o.disconnect(); res(); } });
    o.observe(box, {attributes: true}); });
  input.value = q; input.form.requestSubmit();  // Enter: runs at once, without the typing debounce
  await done;
  const items = [...document.querySelectorAll('.search-result')];
  return {ms: performance.now() - t0, status: document.querySelector('.search__status').textContent,
          names: items.map(li => li.querySelector('.search-result__name').textContent),
          urls: items.map(li => li.querySelector('.search-result__name').getAttribute('href') || ''),
          tiers: items.map(li => li.querySelector('.badge').dataset.tier)}; }"""

LOOKUP = """async (number) => {
  const input = document.querySelector('#lookup-number'), box = input.closest('[data-lookup]');
  const t0 = performance.now();
  const done = new Promise(res => { const o = new MutationObserver(() => {
    if (box.dataset.lookupState === 'done') { o.disconnect(); res(); } });
    o.observe(box, {attributes: true}); });
  input.value = number; input.form.requestSubmit();
  await done;
  return {ms: performance.now() - t0, text: box.querySelector('.lookup__result').textContent}; }"""


def fresh_page(browser: Any, url: str) -> Any:
    """A page in a new profile (empty cache), loaded and idle; ``page.traffic`` counts its downloads."""
    context = browser.new_context()
    traffic = Traffic(context)
    page = context.new_page()
    page.traffic = traffic
    page.goto(url)
    page.wait_for_selector("#search-q")
    return page


def first_search(browser: Any, url: str, query: str, typed_delay_ms: int = 0) -> dict[str, Any]:
    """Bytes and time of one first search in a fresh profile; typed character by character if asked."""
    page = fresh_page(browser, url)
    if typed_delay_ms:
        page.locator("#search-q").press_sequentially(query, delay=typed_delay_ms)
        page.wait_for_selector("[data-search][data-search-state=done]")
        result = {"ms": None}
    else:
        result = page.evaluate(SEARCH, query)
    got = page.traffic.downloaded("/search/")
    page.context.close()
    return {"query": query, "ms": result["ms"], **got}


def warm_latencies(browser: Any, url: str, queries: Sequence[str]) -> list[float]:
    """Input-to-results times once the index is warm: each query is run once to load, then timed."""
    page = fresh_page(browser, url)
    for query in queries:
        page.evaluate(SEARCH, query)
    times = []
    for query in queries:
        page.evaluate(SEARCH, "")
        times.append(page.evaluate(SEARCH, query)["ms"])
    page.context.close()
    return times


def first_lookup(browser: Any, url: str, number: str) -> dict[str, Any]:
    page = fresh_page(browser, url)
    result = page.evaluate(LOOKUP, number)
    got = page.traffic.downloaded("/lookup/")
    page.context.close()
    return {"number": number, "ms": result["ms"], "found": "not in the directory" not in result["text"], **got}


# ---- what to ask -------------------------------------------------------------------------

def bench_queries(records: Sequence[SearchRecord]) -> list[str]:
    """Deterministic queries a visitor would type: common words, short prefixes, full names, typos."""
    by_id = sorted(records, key=lambda r: r.id)
    pick = [by_id[i * len(by_id) // 7] for i in range(7)]
    words = [tokens(r.name) for r in pick]
    return [
        "pa",  # two letters: the broadest prefix
        "panaderia",  # a word in thousands of names
        pick[0].name,  # a full name, as written
        " ".join(words[1]).upper(),  # a full name, folded and shouted
        " ".join(w[: max(2, len(w) - 2)] for w in words[2]),  # every word cut short
        " ".join(w[:-2] + w[-1] + w[-2] if len(w) >= 5 else w for w in words[3]),  # swapped letters
        " ".join(words[4][:-1] + [words[4][-1][:3]]),  # typing the last word
    ]


def bench_numbers(records: Sequence[SearchRecord]) -> list[str]:
    by_id = sorted(records, key=lambda r: r.id)
    a, b, c = by_id[11].whatsapp_display, by_id[22_222 % len(by_id)].whatsapp, by_id[-5].whatsapp_display
    return [a, "00" + b[1:], c.replace(" ", "-"), "+34 600 00 00 01"]


# ---- the report ------------------------------------------------------------------------------

def kb(n: float) -> str:
    return f"{n / 1000:.1f} KB"


def run(url: str, records: Sequence[SearchRecord], out: Any = print) -> dict[str, Any]:
    queries = bench_queries(records)
    with chromium() as browser:
        pasted = [first_search(browser, url, q) for q in queries]
        typed = [first_search(browser, url, q, typed_delay_ms=120) for q in queries]
        warm = warm_latencies(browser, url, queries)
        lookups = [first_lookup(browser, url, n) for n in bench_numbers(records)]
    out(f"\nFirst search in a fresh browser profile ({len(records):,} businesses); budget ~300 KB")
    out(f"  {'query':40} {'files':>5} {'downloaded':>11} {'pasted: ms':>10} {'typed: files':>12} {'downloaded':>11}")
    for p, t in zip(pasted, typed):
        out(f"  {p['query'][:40]:40} {p['files']:5} {kb(p['bytes']):>11} {p['ms']:10.0f} {t['files']:12} {kb(t['bytes']):>11}")
    out(f"  worst: pasted {kb(max(p['bytes'] for p in pasted))}, typed at 120 ms/key {kb(max(t['bytes'] for t in typed))}")
    out("\nWarm queries (index loaded), Enter to results on screen (typing adds a 60 ms debounce); budget ~100 ms")
    out(f"  median {statistics.median(warm):.0f} ms, worst {max(warm):.0f} ms over {len(warm)} queries")
    out("\nNumber lookup in a fresh browser profile; budget ~20 KB")
    for item in lookups:
        out(f"  {item['number']:22} found={str(item['found']):5} {item['files']} files {kb(item['bytes']):>9} {item['ms']:6.0f} ms")
    return {"pasted": pasted, "typed": typed, "warm": warm, "lookups": lookups}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/badgedir-search-bench"))
    parser.add_argument("--site", type=Path, help="measure this already built site instead of a harness")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    records = directory_records(args.n, args.work)
    print(f"directory: {len(records):,} businesses ({time.perf_counter() - started:.0f} s to make and load)")
    site = args.site
    if site is None:
        site = args.work / f"harness-{args.n}"
        write_harness(records, site)
    with served(site) as url:
        run(url + "index.html", records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
