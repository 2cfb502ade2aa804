"""Run Lighthouse 12 (npm ``lighthouse``) on a page with Debian's chromium and read its scores.

Shared by ``tests/browser/test_lighthouse.py`` (a few pages, in the suite) and
``benchmarks/lighthouse.py`` (the whole table).  Lighthouse is installed by
``tests/setup-and-run.sh`` into ``tests/browser/node_modules``; it drives the
system's ``/usr/bin/chromium`` (``BADGEDIR_CHROMIUM`` overrides) with the
flags this machine needs: without the background-networking ones Chromium
keeps trying to reach Google's hosts, which a closed network refuses.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

LIGHTHOUSE = Path(__file__).resolve().parent / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("BADGEDIR_CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync "
                "--disable-dev-shm-usage")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FORM_FACTORS = ("mobile", "desktop")


@dataclass(frozen=True, slots=True)
class Scores:
    """One Lighthouse run: each category's score out of 100, a few metrics, and what cost points."""

    url: str
    form_factor: str
    categories: dict[str, int]
    metrics: dict[str, float]  # cumulative-layout-shift, largest-contentful-paint (ms), total-blocking-time (ms)
    failing: tuple[str, ...]  # "audit-id (score)" of every scored audit below 1

    def lowest(self) -> int:
        return min(self.categories.values())


def missing_tools() -> str | None:
    """Why Lighthouse cannot run here, or None."""
    if shutil.which("node") is None:
        return "no node on PATH (apt-get install nodejs npm)"
    if not LIGHTHOUSE.is_file():
        return f"no Lighthouse at {LIGHTHOUSE} (bash tests/setup-and-run.sh installs it)"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def run_lighthouse(url: str, form_factor: str = "mobile", timeout: float = 180) -> Scores:
    """Audit ``url`` once; ``form_factor`` is ``mobile`` (Lighthouse's default, throttled) or ``desktop``."""
    with tempfile.TemporaryDirectory(prefix="badgedir-lighthouse-") as work:
        report = Path(work) / "report.json"
        command = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
                   f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
        if form_factor == "desktop":
            command.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": CHROMIUM, "TMPDIR": work, "HOME": work}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or not report.is_file():
            raise RuntimeError(f"lighthouse failed on {url} ({form_factor}), exit {done.returncode}:\n"
                               f"{done.stderr[-3000:]}")
        data = json.loads(report.read_text("utf-8"))
    if data.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not load {url}: {data['runtimeError']}")
    categories = {name: round(100 * (data["categories"][name]["score"] or 0)) for name in CATEGORIES}
    audits = data["audits"]
    metrics = {name: audits[name].get("numericValue", 0.0)
               for name in ("cumulative-layout-shift", "largest-contentful-paint", "total-blocking-time",
                            "first-contentful-paint", "speed-index")}
    scored = {ref["id"] for name in CATEGORIES for ref in data["categories"][name]["auditRefs"] if ref["weight"]}
    failing = tuple(sorted(f"{audit_id} ({audits[audit_id]['score']})" for audit_id in scored
                           if audits[audit_id].get("score") is not None and audits[audit_id]["score"] < 1))
    return Scores(url, form_factor, categories, metrics, failing)
