"""Helpers for the fault trials: run a build as a terminal would, stop it, and read what is left.

Shared by ``tests/test_faults.py`` (a few trials on a small site) and
``benchmarks/faults.py`` (many trials on a large one).  A build's outcome is
judged only by what can be observed from outside: its exit status and
message, the output folder's fingerprint, what lies beside the output, and
which processes of its process group are still alive.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def fingerprint(folder: Path) -> str | None:
    """A hash of every file's path and bytes under ``folder``; None when there is no folder."""
    if not folder.is_dir():
        return None
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            digest.update(os.path.relpath(path, folder).encode("utf-8", "surrogateescape") + b"\0")
            with open(path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def leftovers(output: Path) -> list[str]:
    """Folders a build left beside the output (staging or old sites)."""
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(".badgedir-"))


def group_members(group: int) -> list[int]:
    """Live processes (not zombies) whose process group is ``group`` (Linux /proc)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != b"Z":
            members.append(int(entry))
    return members


def _as_from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a suite run in the background inherits SIGINT ignored


def start_build(content: Path, output: Path, as_of: str, jobs: int = 2, python: list[str] | None = None,
                cache: Path | None = None) -> subprocess.Popen:
    """``badgedir build`` in a process group of its own, as a shell runs a foreground command
    (cold unless ``cache`` names a build cache folder)."""
    command = (python or [sys.executable, "-m", "generator"]) + [
        "build", "--content", str(content), "--output", str(output), "--as-of", as_of, "-q", "--jobs", str(jobs)]
    command += ["--cache", str(cache)] if cache else ["--no-cache"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_as_from_a_terminal)


@dataclass(frozen=True)
class Outcome:
    """What one trial left behind."""

    status: int | None  # None: still running after the deadline (it hung)
    out: str
    err: str
    output: str | None  # fingerprint of the output folder afterwards
    orphans: list[int]
    leftovers: list[str]
    seconds: float = 0.0  # from the signal to the end of the build's main process

    def state(self, old: str | None, new: str | None) -> str:
        return "old" if self.output == old else "new" if self.output == new else "mixed"

    def message_is_true(self, old: str | None, new: str | None) -> bool:
        """The exit status and message say what happened to the output folder."""
        state = self.state(old, new)
        if self.status == 0:
            return state == "new" and self.out.startswith("Built ")
        if self.status in (130, 143):
            return state == "old" and "the output folder was left as it was" in self.err and "Built" not in self.out
        if self.status in (-signal.SIGINT, -signal.SIGTERM):  # stopped while Python itself was starting
            return state == "old" and not self.out
        return self.status == -signal.SIGKILL and state in ("old", "new")


def stop_and_judge(process: subprocess.Popen, output: Path, signum: int | None, to_group: bool,
                   deadline: float = 30, grace: float = 3, removal: float = 30) -> Outcome:
    """Send ``signum`` (None: just wait), wait at most ``deadline`` s, then look at what is left.

    Orphans are processes of the build's group still alive ``grace`` seconds
    after the build's main process ended; anything still running at the
    deadline is killed (and the trial counts as hung).  What is left beside the output is looked at once
    the detached remover of the old site is done (at most ``removal`` s).
    """
    signalled = time.monotonic()
    if signum is not None and process.poll() is None:
        try:
            if to_group:
                os.killpg(process.pid, signum)
            else:
                process.send_signal(signum)
        except ProcessLookupError:
            pass
    try:
        out, err = process.communicate(timeout=deadline)
        status: int | None = process.returncode
    except subprocess.TimeoutExpired:
        status = None
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
    seconds = time.monotonic() - signalled
    ends = time.monotonic() + grace
    orphans = group_members(process.pid)
    while orphans and time.monotonic() < ends:
        time.sleep(0.05)
        orphans = group_members(process.pid)
    for pid in orphans:  # never leave them running after the trial
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    waited = time.monotonic() + removal  # a large old site is removed by a detached process: give it time
    while leftovers(output) and time.monotonic() < waited and status != -signal.SIGKILL:
        time.sleep(0.05)
    return Outcome(status, out, err, fingerprint(output), orphans, leftovers(output), seconds)
