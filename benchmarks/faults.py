"""Fault injection: stop real builds at random moments and count what each left behind.

Why this exists: an interrupted build must leave either the old site or the
new one, say which, leave nothing beside it that the next build does not
sweep, and leave no process running (issue #21).  Each trial starts
``badgedir build`` as a shell would (its own process group) on a synthetic
directory (``benchmarks/synth.py``) and sends one signal:

- SIGINT to the whole group (a terminal's Ctrl-C),
- SIGTERM to the build (``kill``, a CI timeout),
- SIGKILL to the build (the OOM killer, ``timeout -s KILL``),

at a moment drawn from three ranges in turn: early (while content is read),
anywhere in the build, and right around the swap (the moment the output's
inode changed in a calibration run, plus or minus a little).  Trials
alternate between two sites of the same content (two ``--as-of`` dates),
so "old" and "new" are always different.

Columns: old kept / new complete (the output's fingerprint is one of the two
sites), mixed (anything else, a missing output included), leftovers (folders
beside the output after the trial), after sweep (still there once the next
build has started), orphans (trials after which a process of the build's
group was alive 3 s later), wrong message (exit status or message that does
not match the output: 0 and "Built" only for the new site, 130/143 and "left
as it was" only for the old), hung (still running 60 s after the signal).

Usage: ``python benchmarks/faults.py [--businesses 10000] [--trials 30] [--dir /dev/shm/badgedir-faults]``
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests"), str(HERE.parent)]

from fault_trials import fingerprint, leftovers, start_build, stop_and_judge  # noqa: E402  (tests/fault_trials.py)
from synth import generate  # noqa: E402

DATES = ("2026-11-25", "2026-12-02")
SIGNALS = ((signal.SIGINT, True, "SIGINT to group"), (signal.SIGTERM, False, "SIGTERM"), (signal.SIGKILL, False, "SIGKILL"))
COLUMNS = ("trials", "old kept", "new complete", "mixed", "leftovers", "after sweep", "orphans", "wrong message", "hung")


def calibrate(content: Path, output: Path, as_of: str, jobs: int, cache: Path | None) -> tuple[float, float, str]:
    """One whole build: its duration, the moment the output changed (the swap), its fingerprint."""
    before = _inode(output)
    started = time.monotonic()
    process = start_build(content, output, as_of, jobs, cache=cache)
    swapped = None
    while process.poll() is None:
        if swapped is None and _inode(output) != before:
            swapped = time.monotonic() - started
        time.sleep(0.002)
    seconds = time.monotonic() - started
    done = stop_and_judge(process, output, None, False)
    if done.status != 0:
        raise SystemExit(f"calibration build failed: {done.err}")
    return seconds, swapped if swapped is not None else seconds, done.output or ""


def _inode(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def sweep(output: Path) -> list[str]:
    """What is still beside the output once the next build has set up its staging folder (and given it up)."""
    from generator.publish.staging import Staging

    Staging(output).discard()
    return leftovers(output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--businesses", type=int, default=10_000)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--dir", type=Path, default=Path("/dev/shm/badgedir-faults"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--with-cache", action="store_true", help="builds use a build cache (in --dir) instead of --no-cache")
    args = parser.parse_args(argv)

    root: Path = args.dir
    content, output = root / "content", root / "out"
    cache = root / "cache" if args.with_cache else None
    if not (content / "site.yaml").is_file():
        shutil.rmtree(root, ignore_errors=True)
        generate(args.businesses, content)
    shutil.rmtree(output, ignore_errors=True)
    for leftover in leftovers(output) if output.parent.is_dir() else []:
        shutil.rmtree(output.parent / leftover, ignore_errors=True)
    prints, seconds, swap = {}, [], []
    for as_of in DATES + DATES:  # twice each: the second of each is a replacement, as in the trials
        took, swapped, prints[as_of] = calibrate(content, output, as_of, args.jobs, cache)
        seconds.append(took)
        swap.append(swapped)
    span, at_swap = max(seconds[2:]), sum(swap[2:]) / 2
    print(f"{args.businesses} businesses in {root}, {'with a build cache' if cache else 'cold (--no-cache)'}; a build takes {span:.1f} s, the swap at {at_swap:.1f} s", flush=True)

    rng = random.Random(args.seed)
    counts: dict[str, Counter] = {name: Counter() for _, _, name in SIGNALS}
    notes: list[str] = []
    for n in range(args.trials):
        signum, to_group, name = SIGNALS[n % 3]
        moment = ("early", "any", "swap")[(n // 3) % 3]
        delay = {"early": rng.uniform(0.3, 0.2 * span), "any": rng.uniform(0.3, span),
                 "swap": max(0.0, at_swap + rng.uniform(-0.4, 0.4))}[moment]
        old = fingerprint(output)
        old_date = next((d for d, p in prints.items() if p == old), DATES[0])
        new_date = DATES[1 - DATES.index(old_date)]
        process = start_build(content, output, new_date, args.jobs, cache=cache)
        time.sleep(delay)
        done = stop_and_judge(process, output, signum, to_group, deadline=60)
        state = done.state(old, prints[new_date])
        row = counts[name]
        row["trials"] += 1
        row[{"old": "old kept", "new": "new complete", "mixed": "mixed"}[state]] += 1
        row["leftovers"] += bool(done.leftovers)
        row["orphans"] += bool(done.orphans)
        row["hung"] += done.status is None
        wrong = not done.message_is_true(old, prints[new_date])
        row["wrong message"] += wrong
        left = sweep(output)
        row["after sweep"] += bool(left)
        print(f"trial {n + 1:>3}: {name:<15} {moment:<5} at {delay:5.2f} s -> exit {done.status}, {state}"
              f"{', leftovers ' + str(done.leftovers) if done.leftovers else ''}"
              f"{', ORPHANS ' + str(done.orphans) if done.orphans else ''}{', WRONG MESSAGE' if wrong else ''}"
              f"{', still there after sweep ' + str(left) if left else ''}", flush=True)
        if wrong or state == "mixed":
            notes.append(f"trial {n + 1}: exit {done.status}, stdout {done.out.strip()!r}, stderr {done.err.strip()[-300:]!r}")
        if state == "mixed":  # start the next trial from a whole site
            calibrate(content, output, DATES[0], args.jobs, cache)

    print()
    print(f"{'':<16}" + "".join(f"{c:>14}" for c in COLUMNS))
    total: Counter = Counter()
    for name, row in counts.items():
        total.update(row)
        print(f"{name:<16}" + "".join(f"{row[c]:>14}" for c in COLUMNS))
    print(f"{'all':<16}" + "".join(f"{total[c]:>14}" for c in COLUMNS))
    print("\n(leftovers after SIGKILL are expected: nothing runs after it; 'after sweep' must be 0)")
    for note in notes:
        print(note)
    return 0 if total["mixed"] + total["after sweep"] + total["orphans"] + total["wrong message"] + total["hung"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
