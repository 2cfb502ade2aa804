"""How long a restarted ``badgedir serve`` takes to serve its first page, with a warm cache (issue #16).

The issue's target: at 100,000 businesses, a preview restarted on a cache that
a build (or an earlier preview) left warm serves its first page in 5 s or less.
For each size this script:

1. fills a cache with ``badgedir build --cache C`` (untimed);
2. starts ``badgedir serve --cache C`` into a fresh folder and times, from the
   moment the process is started, until ``GET /`` answers 200 (the first page);
3. does the same with ``--no-cache``, the restart without a cache, for scale.

Each serve is stopped with SIGINT (Ctrl-C) once it answered, and its stderr is
kept for a failure.  The content is ``synth.py``'s (generated and cached like
``vs_hugo.py``'s); the served folder and the cache go to /dev/shm when there is
one.  Wall time only means something on an idle machine: the load average is
printed.

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
import time
import urllib.error
import urllib.request
from pathlib import Path

if not __package__:  # run as a script: make the sibling modules importable
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import vs_hugo  # noqa: E402

TARGET_SECONDS = 5.0  # at 100,000 businesses (issue #16)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_page(content: Path, out: Path, cache_args: list[str], env: dict[str, str], timeout: float) -> float | None:
    """Seconds from starting ``badgedir serve`` to its first 200 for ``/``; None if it never came."""
    port = free_port()
    cmd = [sys.executable, "-m", "generator", "serve", "--content", str(content), "--output", str(out),
           "--as-of", vs_hugo.AS_OF, "--port", str(port), *cache_args]
    started = time.perf_counter()
    # SIGINT back to its default: a script started in the background by a shell without job control
    # inherits it ignored, and the serve would then not stop on the Ctrl-C below
    proc = subprocess.Popen(cmd, cwd=out.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                print(f"  serve exited ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
                return None
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    if answer.status == 200 and answer.read(1):
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.05)
        return None
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
            warm = first_page(content, work / "served-warm", ["--cache", str(cache)], env, args.timeout)
            cold = first_page(content, work / "served-cold", ["--no-cache"], env, args.timeout)
            for label, seconds in (("restart, warm cache", warm), ("restart, no cache", cold)):
                print(f"  {label:22} first page {'never' if seconds is None else f'{seconds:7.2f} s'}")
            if n >= 100_000:
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
