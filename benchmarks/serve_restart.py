"""How long a restarted ``badgedir serve`` takes to serve its first page, with a warm cache (issue #16).

The issue's target: at 100,000 businesses, a restarted preview serves its
first page in 5 s or less.  With a cache, the preview's folder lives in the
cache and outlives the process (``generator/preview/resume.py``): a restart
serves the last preview at once and builds behind it.  For each size this
script:

1. fills a cache with ``badgedir build --cache C`` (untimed);
2. runs a first ``badgedir serve --cache C`` until its first build is done
   (timed: first page, and ready for edits);
3. restarts it, nothing changed: first page (the target), and ready;
4. edits one business file and restarts it: first page (the last preview, with
   an "updating" notice), and the time until the edit is served;
5. starts ``badgedir serve --no-cache``, the restart without a cache, for scale.

Each serve is stopped with SIGINT (Ctrl-C) once it is ready, and its stderr is
kept for a failure.  The content is ``synth.py``'s (generated and cached like
``vs_hugo.py``'s); the cache goes to /dev/shm when there is one.  Wall time only
means something on an idle machine: the load average is printed.

Usage:
  python benchmarks/serve_restart.py [--sizes 10000,100000] [--layout files] [--timeout 900]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

if not __package__:  # run as a script: make the sibling modules importable
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import vs_hugo  # noqa: E402

TARGET_SECONDS = 5.0  # at 100,000 businesses (issue #16)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Timing:
    first_page: float | None  # seconds from start to the first 200 for /
    ready: float | None  # ... to the first build's summary: edits are followed from then on


def first_page(content: Path, cwd: Path, cache_args: list[str], env: dict[str, str], timeout: float,
               until: str = "/") -> Timing:
    """Start ``badgedir serve``; time its first page (``until``: a page whose answer must hold the edit)."""
    port = free_port()
    cmd = [sys.executable, "-m", "generator", "serve", "--content", str(content),
           "--as-of", vs_hugo.AS_OF, "--port", str(port), *cache_args]
    started = time.perf_counter()
    # SIGINT back to its default: a script started in the background by a shell without job control
    # inherits it ignored, and the serve would then not stop on the Ctrl-C below
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines: list[str] = []
    ready: list[float] = []

    def follow() -> None:
        for line in proc.stderr:  # type: ignore[union-attr]
            lines.append(line)
            if "built in" in line and not ready:
                ready.append(time.perf_counter() - started)

    threading.Thread(target=follow, daemon=True).start()
    page = None
    try:
        while time.perf_counter() - started < timeout and (page is None or not ready):
            if proc.poll() is not None:
                print(f"  serve exited ({proc.returncode}): {''.join(lines)[-2000:]}")
                return Timing(page, None)
            if page is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                        if answer.status == 200 and answer.read(1):
                            page = time.perf_counter() - started
                except (urllib.error.URLError, ConnectionError, OSError):
                    pass
            time.sleep(0.05)
        return Timing(page, ready[0] if ready else None)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _edit_one(content: Path) -> None:
    """One business file edited, as a person would between two previews."""
    path = sorted((content / "businesses").iterdir())[len(list((content / "businesses").iterdir())) // 2]
    text = path.read_text("utf-8")
    path.write_text(text.replace("name: ", "name: Nueva ", 1), "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A restarted serve's first page, with and without a warm cache.")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--layout", choices=("files", "lists"), default="files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for a first page")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "badgedir-bench")
    args = parser.parse_args(argv)
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    root, where = vs_hugo.output_root(args.workdir)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (str(vs_hugo.REPO), os.environ.get("PYTHONPATH")))))
    print(f"badgedir serve restarted: layout {args.layout}; {os.cpu_count()} CPUs; served folder and cache on {where}")
    passed = True
    try:
        for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
            content = vs_hugo.ensure_content(args.workdir, n, args.layout, args.seed)
            work = root / f"serve-{n}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            cache = work / "cache"
            fill = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--output",
                                   str(work / "built"), "--as-of", vs_hugo.AS_OF, "--cache", str(cache), "--quiet"],
                                  cwd=work, env=env, capture_output=True, text=True)
            if fill.returncode:
                print(f"  N = {n:,}: the build filling the cache failed:\n{fill.stderr[-2000:]}")
                passed = False
                continue
            print(f"\nN = {n:,}; {vs_hugo.load_note()}")
            copy = work / "content"  # edited below: a copy, not the generated content other scripts reuse
            shutil.copytree(content, copy)
            rows = [("first serve (cache from a build)", first_page(copy, work, ["--cache", str(cache)], env, args.timeout)),
                    ("restart, nothing changed", first_page(copy, work, ["--cache", str(cache)], env, args.timeout))]
            _edit_one(copy)
            rows.append(("restart after an edit", first_page(copy, work, ["--cache", str(cache)], env, args.timeout)))
            rows.append(("no cache", first_page(copy, work, ["--no-cache"], env, args.timeout)))
            for label, timing in rows:
                shown = ["never" if t is None else f"{t:7.2f} s" for t in (timing.first_page, timing.ready)]
                print(f"  {label:34} first page {shown[0]:>9}   ready for edits {shown[1]:>9}")
            if n >= 100_000:
                warm = rows[1][1].first_page
                ok = warm is not None and warm <= TARGET_SECONDS
                passed &= ok
                print(f"  {'PASS' if ok else 'FAIL'}  first page of a restarted serve <= {TARGET_SECONDS:.0f} s")
            shutil.rmtree(work, ignore_errors=True)
    finally:
        if where.startswith("tmpfs"):
            shutil.rmtree(root, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
