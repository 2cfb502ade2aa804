"""Lighthouse 12 scores the example site at least 98 in every category (issue #19, item 5).

The site is served gzipped on 127.0.0.1 (``gzip_server.py``), as a host
would serve it.  Two of the benchmark's rows run here, the two pages whose
forms used to shift the layout (home 0.39, lookup 0.34), on Lighthouse's
throttled mobile profile; ``benchmarks/lighthouse.py`` prints the whole table
(home, a business, the lookup and the FAQ, mobile and desktop).

Accessibility, best practices and SEO do not depend on the machine and must
reach 98 in every run.  Performance is measured on a shared 2-core machine,
where another process can lengthen one run's blocking time several-fold, so
each page gets up to three runs and its best performance score counts; the
layout shift, which load does not change, must stay under 0.02 in all of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from .conftest import REPO, _unavailable, build
from .gzip_server import serve_gzipped
from .lighthouse import missing_tools, run_lighthouse

TARGET = 98
RUNS = 3


@pytest.fixture(scope="module")
def gzipped_example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    problem = missing_tools()
    if problem:
        _unavailable(problem)
    # Built as of today: Lighthouse's Chromium runs on the real clock, and a copy past its
    # valid_until would (rightly) show the stale-copy banner, which the scores would then measure.
    today = datetime.now(timezone.utc).date().isoformat()
    site = build(REPO / "content", tmp_path_factory.mktemp("lighthouse") / "site", as_of=today)
    with serve_gzipped(site) as root:
        yield root


@pytest.mark.parametrize("path", ["index.html", "lookup/index.html"])
def test_lighthouse_scores_at_least_98_on_mobile(gzipped_example: str, path: str) -> None:
    runs = []
    for _ in range(RUNS):
        scores = run_lighthouse(gzipped_example + path, "mobile")
        runs.append(scores)
        fixed = {name: score for name, score in scores.categories.items() if name != "performance"}
        assert min(fixed.values()) >= TARGET, (fixed, scores.failing)
        assert scores.metrics["cumulative-layout-shift"] < 0.02, scores.metrics
        if scores.categories["performance"] >= TARGET:
            break
    best = max(runs, key=lambda s: s.categories["performance"])
    assert best.categories["performance"] >= TARGET, [(r.categories["performance"], r.metrics, r.failing) for r in runs]
