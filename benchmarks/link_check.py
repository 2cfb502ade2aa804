"""What checking every internal link costs a build (issue #19: at most 3% of it).

Builds a synthetic directory (``synth.py``) cold, alternately with and without the link check, and
prints the median wall and CPU time (this process and its workers) of each.  On a machine shared
with other work the wall times are noisy; the CPU times are the fairer comparison.  It then
measures the check's own parts directly, in this process: scanning every page the build wrote
(what the workers do as they write) and the end-of-build checks (targets outside the model,
anchors, the content's Markdown), against the build's CPU time.

Usage: ``python benchmarks/link_check.py [N] [--runs 3] [--jobs J] [--work /dev/shm/linkcheck]``
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import synth  # noqa: E402

from generator.build import BuildOptions, build, load_site  # noqa: E402
from generator.publish.link_check import content_links  # noqa: E402
from generator.publish.links import Findings, Scanner, check_on_disk, planned_targets, static_paths  # noqa: E402
from generator.render.pages import business_page, plan_pages  # noqa: E402

AS_OF = date(2026, 11, 25)


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def one_build(content: Path, output: Path, jobs: int, check: bool) -> tuple[float, float]:
    shutil.rmtree(output, ignore_errors=True)
    wall, used = time.perf_counter(), cpu()
    build(BuildOptions(content=content, output=output, as_of=AS_OF, jobs=jobs, check_links=check))
    return time.perf_counter() - wall, cpu() - used


def scan_cost(content: Path, output: Path) -> tuple[float, float, int, int]:
    """CPU seconds to scan every written page, and to run the end-of-build checks; pages, links."""
    site, _ = load_site(content, AS_OF)
    others = plan_pages(site, businesses=False)
    pages = others + [business_page(site, i, lang) for lang in site.config.languages for i in site.entries]
    texts = [(page, (output / page.path).read_text(encoding="utf-8")) for page in pages]
    scanner = Scanner(planned_targets(site, others, static_paths(None)))
    started = time.process_time()
    for page, text in texts:
        scanner.scan(page, text)
    scanning = time.process_time() - started
    findings = scanner.take() or Findings()
    started = time.process_time()
    bad = findings.broken + check_on_disk(findings, [output])
    content_links(site, [output])
    finishing = time.process_time() - started
    assert not bad, bad[:3]
    return scanning, finishing, len(texts), sum(text.count(' href="') + text.count(' src="') for _, text in texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/badgedir-linkcheck"))
    args = parser.parse_args()
    content, output = args.work / f"content-{args.n}", args.work / "output"
    if not content.is_dir():
        synth.generate(args.n, content, layout="lists", seed=1)
    times: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for _ in range(args.runs):
        for check in (False, True):
            times[check].append(one_build(content, output, args.jobs, check))
    print(f"{args.n} businesses, {args.jobs} jobs, {args.runs} runs each, alternating (median wall / CPU):")
    for check in (False, True):
        walls, cpus = [w for w, _ in times[check]], [c for _, c in times[check]]
        print(f"  links {'checked' if check else 'not checked':12} {statistics.median(walls):7.2f} s / "
              f"{statistics.median(cpus):7.2f} s   (CPU runs: {', '.join(f'{c:.2f}' for c in cpus)})")
    base = statistics.median(c for _, c in times[False])
    delta = statistics.median(c for _, c in times[True]) - base
    print(f"  difference in CPU: {delta:+.2f} s ({100 * delta / base:+.1f}% of the build)")
    scanning, finishing, pages, links = scan_cost(content, output)
    print(f"measured directly: scanning {pages} pages ({links} link attributes) {scanning:.2f} s CPU, "
          f"end-of-build checks {finishing:.2f} s; together {100 * (scanning + finishing) / base:.1f}% of the build's CPU")


if __name__ == "__main__":
    main()
