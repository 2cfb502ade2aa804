"""An interrupted or killed build: it ends promptly, leaves no process behind, and says what it did.

Each trial starts ``badgedir build`` as a shell would (its own process group),
stops it at a random moment (Ctrl-C to the whole group, SIGTERM to the build,
SIGKILL), and judges only what is observable: the exit status and message,
the output folder (the old site or the new one, never a mixture or nothing),
what is left beside it, and the processes of its group.  The trials here are
few and small; ``benchmarks/faults.py`` runs many on a large directory.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import make_content
from fault_trials import fingerprint, group_members, leftovers, start_build, stop_and_judge

COUNT = 600  # in 100 files: enough for the worker pool to start in every stage (generator.engine.parallel)
DATES = ("2026-11-25", "2026-12-02")  # two as-of dates: two different sites from the same content


def many_businesses(root: Path, count: int = COUNT) -> Path:
    rows = [f"- id: shop-{i}\n  name: Shop {i}\n  whatsapp: '+34 6{i:08d}'\n  category: Category {i % 40}\n"
            f"  city: City {i % 25}\n  description: Hello **{i}**\n" for i in range(count)]
    return make_content(root, {f"businesses/part{n:03}.yaml": "".join(rows[n::100]) for n in range(100)})


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The content, the two sites it gives (by fingerprint), and how long a build takes."""
    root = tmp_path_factory.mktemp("faults")
    content = many_businesses(root)
    prints, seconds = {}, []
    for as_of in DATES:
        started = time.monotonic()
        done = stop_and_judge(start_build(content, root / "out", as_of), root / "out", None, False, deadline=120)
        assert done.status == 0, done.err
        seconds.append(time.monotonic() - started)
        prints[as_of] = done.output
    assert prints[DATES[0]] != prints[DATES[1]]
    return {"root": root, "content": content, "prints": prints, "seconds": max(seconds)}


def trial(sites: dict, output: Path, signum: int, to_group: bool, delay: float, after_workers_start: bool = False):
    """One build into ``output`` stopped ``delay`` s after it started (or after its first worker
    process started); judged against the sites before and after."""
    old = fingerprint(output)
    old_date = next(d for d, p in sites["prints"].items() if p == old)
    new_date = DATES[1 - DATES.index(old_date)]
    process = start_build(sites["content"], output, new_date)
    deadline = time.monotonic() + 60
    while after_workers_start and len(group_members(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(delay)
    done = stop_and_judge(process, output, signum, to_group)
    return done, old, sites["prints"][new_date]


def fresh_output(sites: dict, name: str) -> Path:
    output = sites["root"] / name / "out"
    output.parent.mkdir()
    done = stop_and_judge(start_build(sites["content"], output, DATES[0]), output, None, False, deadline=120)
    assert done.status == 0, done.err
    return output


@pytest.mark.parametrize("signum, to_group", [(signal.SIGINT, True), (signal.SIGTERM, False)], ids=["ctrl-c", "sigterm"])
def test_a_signal_at_any_moment_ends_the_build_promptly_and_truthfully(sites: dict, signum: int, to_group: bool) -> None:
    """Issue #21 items 1 and 3: early (reading), midway, and around the swap; never a hang, an orphan or a lie."""
    output = fresh_output(sites, f"signal-{signum}")
    rng = random.Random(21 + signum)
    span = sites["seconds"]
    delays = [rng.uniform(0.15, 0.6), rng.uniform(0.3, 0.5 * span), rng.uniform(0.5 * span, span),
              rng.uniform(0.85 * span, 1.1 * span), rng.uniform(0.9 * span, 1.2 * span)]
    for delay in delays:
        done, old, new = trial(sites, output, signum, to_group, delay)
        where = f"signal at {delay:.2f} s of a {span:.2f} s build"
        assert done.status is not None, f"{where}: still running after 30 s\n{done.err}"
        assert done.seconds < 10, f"{where}: it took {done.seconds:.1f} s to stop"
        assert done.orphans == [], f"{where}: processes of its group survived"
        assert done.state(old, new) in ("old", "new"), where
        assert done.message_is_true(old, new), f"{where}: exit {done.status}, said {done.out!r} {done.err!r}"
        assert done.leftovers == [], where


def test_a_killed_build_leaves_no_worker_behind_and_the_next_build_sweeps_up(sites: dict) -> None:
    """Issue #21 item 2: workers die with their build; item 4: the output is always the old or the new site."""
    output = fresh_output(sites, "sigkill")
    rng = random.Random(2121)
    span = sites["seconds"]
    for delay in (rng.uniform(0.0, 0.3), rng.uniform(0.0, 0.3 * span), rng.uniform(0.3 * span, span)):
        done, old, new = trial(sites, output, signal.SIGKILL, False, delay, after_workers_start=True)
        assert done.orphans == [], f"SIGKILL {delay:.2f} s after the workers started: they survived"
        assert done.state(old, new) in ("old", "new"), f"SIGKILL at {delay:.2f} s left {done.output}"
    after = stop_and_judge(start_build(sites["content"], output, DATES[0]), output, None, False, deadline=120)
    assert after.status == 0 and after.leftovers == [], after.leftovers


# ---- the moment of the swap, made wide on purpose ------------------------------------------------

_AROUND_COMMIT = """
import os, signal, sys
from generator import cli
from generator.publish import staging as write
commit = write.Staging.commit
def commit_then_signal(self, *args, **kwargs):
    {before}
    result = commit(self, *args, **kwargs)
    {after}
    return result
write.Staging.commit = commit_then_signal
sys.argv[0] = "badgedir"
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
@pytest.mark.parametrize("when", ["just-before", "just-after"])
def test_a_signal_right_at_the_swap_gets_the_message_that_matches_the_output(tmp_path: Path, signum: int, when: str) -> None:
    """Issue #21 item 3: a signal just after the swap is a published site (exit 0, 'Built'), and no old folder stays."""
    content = make_content(tmp_path, {"businesses/a.yaml": "id: a\nname: A\nwhatsapp: '+34 600 00 00 01'\n"})
    output = tmp_path / "out"
    first = stop_and_judge(start_build(content, output, DATES[0], jobs=1), output, None, False)
    assert first.status == 0, first.err
    old = first.output
    kill = f"os.kill(os.getpid(), {int(signum)})"
    script = _AROUND_COMMIT.format(before=kill if when == "just-before" else "pass",
                                   after=kill if when == "just-after" else "pass")
    done = stop_and_judge(start_build(content, output, DATES[1], jobs=1, python=[sys.executable, "-c", script]),
                          output, None, False)
    published = fingerprint(output) != old
    assert published == (when == "just-after")
    if published:
        assert (done.status, done.out.startswith("Built ")) == (0, True), done.err
    else:
        assert done.status == (130 if signum == signal.SIGINT else 143)
        assert "the output folder was left as it was" in done.err
    assert done.leftovers == []


def start_reader(path: Path, stop: Path) -> subprocess.Popen:
    """A process stat'ing ``path`` as fast as it can until ``stop`` exists; it prints misses and reads."""
    return subprocess.Popen([sys.executable, "-c", (
        "import os, sys, time\n"
        "path, misses, reads = sys.argv[1], 0, 0\n"
        "end = time.monotonic() + 60\n"
        "while not os.path.exists(sys.argv[2]) and time.monotonic() < end:\n"
        "    for _ in range(200):\n"
        "        reads += 1\n"
        "        try:\n"
        "            os.stat(path)\n"
        "        except FileNotFoundError:\n"
        "            misses += 1\n"
        "print(misses, reads)\n"), str(path), str(stop)], stdout=subprocess.PIPE, text=True)


def swaps_seen_by_a_reader(tmp_path: Path, output: Path, count: int) -> tuple[int, int]:
    """``count`` publications of a tiny site while a reader polls it: (misses, reads)."""
    from generator.publish.staging import Staging

    reader = start_reader(output / "index.html", tmp_path / "stop")
    try:
        for n in range(count):
            staging = Staging(output)
            staging.write_text("index.html", f"site {n}\n")
            staging.commit()
    finally:
        (tmp_path / "stop").touch()
        misses, reads = map(int, reader.communicate(timeout=70)[0].split())
    assert (output / "index.html").read_text() == f"site {count - 1}\n"
    return misses, reads


def test_a_tight_reader_never_sees_the_output_missing(tmp_path: Path) -> None:
    """Issue #21 item 4: the swap is one step; a reader polling the output throughout never misses it."""
    output = tmp_path / "out"
    misses, reads = swaps_seen_by_a_reader(tmp_path, output, 400)
    assert reads > 1000 and misses == 0, f"{misses} misses in {reads} reads"
    assert not output.is_symlink() and leftovers(output) == []


def test_where_folders_cannot_be_exchanged_a_link_is_flipped_in_one_step(tmp_path: Path, monkeypatch) -> None:
    """The fallback (no renameat2/renamex_np, or a file system refusing it): the output is a link replaced whole."""
    from generator.publish import staging as staging_module
    from generator.publish.staging import Staging, check_output_location

    output = tmp_path / "out"
    first = Staging(output)
    first.write_text("index.html", "a real folder\n")
    first.commit()
    assert output.is_dir() and not output.is_symlink()
    monkeypatch.setattr(staging_module, "exchange", lambda a, b: False)
    misses, reads = swaps_seen_by_a_reader(tmp_path, output, 300)
    assert output.is_symlink() and reads > 1000
    assert misses <= 1, f"{misses} misses in {reads} reads"  # only in the one conversion from a real folder
    assert leftovers(output) == [os.readlink(output)]  # the site the link points to, nothing else
    check_output_location(tmp_path / "content", output)  # still ours to replace
    # a build killed between the conversion's two renames: the next one puts the new link in place
    target = os.readlink(output)
    os.rename(output, tmp_path / ".badgedir-staging-out-999999999")
    os.symlink(target, tmp_path / ".badgedir-link-out-999999999")
    Staging(output).discard()
    assert (output / "index.html").read_text() == "site 299\n" and leftovers(output) == [target]


_KILLED_AROUND_SWAP = """
import os, random, sys, time
from generator.publish import staging as write
rng = random.Random(int(sys.argv[2]))
rename = os.rename
def slow_rename(*args, **kwargs):
    time.sleep(rng.uniform(0, 0.004))
    rename(*args, **kwargs)
    time.sleep(rng.uniform(0, 0.004))
os.rename = slow_rename
exchange = getattr(write, "exchange", None)
if exchange is not None:
    def slow_exchange(*args, **kwargs):
        time.sleep(rng.uniform(0, 0.004))
        result = exchange(*args, **kwargs)
        time.sleep(rng.uniform(0, 0.004))
        return result
    write.exchange = slow_exchange
staging = write.Staging(write.Path(sys.argv[1]))
staging.write_text("index.html", "new\\n")
print("ready", flush=True)
sys.stdin.readline()
staging.commit()
"""


def test_a_kill_at_any_moment_of_the_swap_leaves_the_old_or_the_new_site(tmp_path: Path) -> None:
    """Issue #21 item 4: SIGKILL in the middle of the swap (slowed on purpose) still leaves a whole site."""
    from generator.publish.staging import Staging

    output = tmp_path / "out"
    rng = random.Random(4)
    seen = set()
    for n in range(24):
        staging = Staging(output)
        staging.write_text("index.html", "old\n")
        staging.commit()
        child = subprocess.Popen([sys.executable, "-c", _KILLED_AROUND_SWAP, str(output), str(n)],
                                 cwd=Path(__file__).parent.parent, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline() == "ready\n"
        child.stdin.write("go\n")
        child.stdin.flush()
        time.sleep(rng.uniform(0, 0.012))
        child.kill()
        child.wait()
        assert (output / "index.html").is_file(), f"trial {n}: no output after a kill during the swap"
        seen.add((output / "index.html").read_text())
        Staging(output).discard()  # the next build sweeps what the killed one left
        assert leftovers(output) == [], f"trial {n}"
    assert seen <= {"old\n", "new\n"}


def test_a_failure_after_the_swap_says_the_new_site_was_published(tmp_path: Path, monkeypatch, capsys) -> None:
    """Issue #21 item 3: the message follows the output folder, for errors after the swap too."""
    from generator.cache.store import Store
    from generator.cli import main

    def disk_full(self, *args) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "cache"))

    content = make_content(tmp_path, {"businesses/a.yaml": "id: a\nname: A\nwhatsapp: '+34 600 00 00 01'\n"})
    monkeypatch.setattr(Store, "prune", disk_full)
    code = main(["build", "--content", str(content), "--output", str(tmp_path / "out"), "--as-of", DATES[0], "--no-cache"])
    err = capsys.readouterr().err
    assert code == 1 and (tmp_path / "out" / "index.html").is_file()
    assert "No space left on device" in err and "the new site was published before it" in err, err


_STUCK_WORKER = """
import os, sys, time
from generator.engine.parallel import map_in_processes

def stuck(item):
    os.write(1, b"working\\n")  # one write: two workers' print()s interleave ("workingworking")
    while True:  # a worker that a Ctrl-C does not end: blocked in a library's lock, say
        try:
            time.sleep(100)
        except KeyboardInterrupt:
            pass

try:
    list(map_in_processes(stuck, list(range(8)), jobs=2, min_items=1))
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_ends_the_pool_even_when_a_worker_is_stuck(tmp_path: Path) -> None:
    """Issue #21 item 1, made certain: the build waited in ``pool.shutdown`` for a worker that never ended."""
    process = subprocess.Popen([sys.executable, "-c", _STUCK_WORKER], cwd=Path(__file__).parent.parent,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        started = process.stdout.readline()
        assert started == "working\n", started  # (never communicate() here: the script does not end by itself)
        time.sleep(0.2)
        os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C: the whole group
        out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert "interrupted" in out, err
    time.sleep(0.5)
    assert group_members(process.pid) == []
