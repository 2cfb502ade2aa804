"""Reading one big list file on every core: the read stage with spans against each file read whole.

Why this exists: ``vs_hugo.py`` times whole builds, where reading is about a
third of the work; this isolates stage 1–2 (``read_content``: parse, check
every field and phone number, cross-file checks) on a content folder, so the
effect of cutting big files into spans (generator/read/spans.py) is seen on
its own.  Each measurement is a fresh process (no warm caches in the
interpreter), the two ways alternate, and CPU includes the pool's workers.

Usage: ``python benchmarks/read_spans.py CONTENT [CONTENT ...] [--runs 3] [--jobs 2]``
(make the folders with ``synth.py N OUT --layout lists --format yaml|csv|jsonl``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from generator.read import content
if sys.argv[2] == "whole":
    content.SPLIT_FROM = 1 << 62
started = time.perf_counter()
found, problems = content.read_content(Path(sys.argv[1]), int(sys.argv[3]))
wall = time.perf_counter() - started
own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
                  "businesses": len(found.businesses) if found else 0, "errors": len(problems)}))
"""


def measure(folder: Path, way: str, jobs: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", _CHILD, str(folder), way, str(jobs)], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    print(f"read stage, spans vs whole files; {args.runs} alternated runs each, --jobs {args.jobs}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"  {'content':40} {'spans wall / CPU':>20} {'whole wall / CPU':>20} {'wall ratio':>11}")
    for folder in args.folders:
        runs: dict[str, list[dict]] = {"spans": [], "whole": []}
        for n in range(args.runs):
            for way in (("spans", "whole") if n % 2 == 0 else ("whole", "spans")):
                runs[way].append(measure(folder, way, args.jobs))
        assert runs["spans"][0]["businesses"] == runs["whole"][0]["businesses"]
        med = {w: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu")} for w, rs in runs.items()}
        cells = [f"{med[w]['wall']:.2f} s / {med[w]['cpu']:.2f} s" for w in ("spans", "whole")]
        print(f"  {folder.name:40} {cells[0]:>20} {cells[1]:>20} {med['spans']['wall'] / med['whole']['wall']:>10.2f}x"
              f"   ({runs['spans'][0]['businesses']:,} businesses)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
