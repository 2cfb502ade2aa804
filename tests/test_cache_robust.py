"""The build cache is never trusted blindly, never shared unsafely, and ``--no-cache`` leaves it alone
(issue #16, item 1).

- A cache that is truncated, garbled, emptied, half deleted, littered, of the
  wrong shape, left by a build killed at a random moment, or written by
  another badgedir version: the build succeeds, its output is the cold
  build's, byte for byte, and a cache it cannot use it says so in one line
  (then repairs: the next build is warm and quiet again).
- Two builds sharing one cache at once both succeed with the right output,
  and leave the cache usable.
- ``--no-cache`` neither reads nor writes the cache (an audit hook records
  every file the build opens or lists), and without ``--cache`` the cache is
  ``.badgedir-cache/`` in the working directory.

Every build runs as ``python -m generator build ...`` in a new process; the
failure messages carry the command to run it again.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cachewalk import REPO, Run, Snapshot, badgedir, badgedir_in_process, differences, snapshot
from conftest import AS_OF
from generator import __version__

ARGS = ["--as-of", AS_OF.isoformat()]
OTHER_VERSION = "0.0.0+other"


def other_version(root: Path) -> Path:
    """A source checkout of another badgedir version: this one's code with another version number."""
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "generator", root / "generator", ignore=ignore)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "content" / "faq", root / "content" / "faq")
    init = root / "generator" / "__init__.py"
    text = init.read_text(encoding="utf-8")
    assert f'__version__ = "{__version__}"' in text
    init.write_text(text.replace(f'__version__ = "{__version__}"', f'__version__ = "{OTHER_VERSION}"'), encoding="utf-8")
    return root


class Example:
    """The example directory and an edited copy, each with its cold build; a cache filled by a warm build."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        shutil.copytree(REPO / "content", self.content)
        self.edited = root / "edited"
        shutil.copytree(self.content, self.edited)
        madrid = self.edited / "businesses" / "madrid.yaml"
        madrid.write_text(madrid.read_text(encoding="utf-8").replace("name: Banco Ribera", "name: Banco Ribera Sur")
                          .replace('"(+34) 913.456.789"', '"+34 913 456 780"'), encoding="utf-8")
        (self.edited / "faq" / "about.md").unlink()
        self.cold = {which: self._cold(which) for which in ("content", "edited")}
        self.cache = root / "filled-cache"
        first = self.build(self.content, root / "first-site", self.cache)
        assert first.code == 0, first.describe()
        files = [p for p in self.cache.rglob("*") if p.is_file()] if self.cache.is_dir() else []
        assert files, f"{first.command} left no file in its cache folder {self.cache}"
        healthy = self.build(self.content, root / "first-site", self.cache)
        assert healthy.code == 0, healthy.describe()
        self.healthy_notices = {normal(line) for line in first.notices() + healthy.notices()}

    def _cold(self, which: str) -> Snapshot:
        out = self.root / f"cold-{which}"
        run = badgedir_in_process("build", "--content", self.root / which, "--output", out, "--no-cache", *ARGS,
                                  "--jobs", "1")
        assert run.code == 0, run.describe()
        return snapshot(out)

    @staticmethod
    def build(content: Path, output: Path, cache: Path, *more: str, env: dict[str, str] | None = None,
              cwd: Path | None = None) -> Run:
        return badgedir("build", "--content", content, "--output", output, "--cache", cache, *ARGS, *more, env=env,
                        cwd=cwd)

    def new_notices(self, run: Run) -> list[str]:
        """What the build said about the cache that a healthy warm build does not say."""
        return [line for line in run.notices() if normal(line) not in self.healthy_notices]

    def check(self, run: Run, output: Path, which: str = "content") -> None:
        assert run.code == 0, f"a build with a damaged cache failed:\n{run.describe()}"
        problems = differences(snapshot(output), self.cold[which])
        assert problems == [], f"{run.command}\ndiffers from the cold build:\n  " + "\n  ".join(problems)


def normal(line: str) -> str:
    """A notice without its numbers and paths, to compare notices of different builds."""
    return re.sub(r"\d+(\.\d+)?", "#", re.sub(r"/\S+", "PATH", line))


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Example:
    return Example(tmp_path_factory.mktemp("cache-robust"))


def cache_files(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file())


def truncate(path: Path, size: int) -> None:
    with path.open("r+b") as f:
        f.truncate(size)


def garble(path: Path, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    if not data:
        path.write_bytes(bytes(rng.randrange(256) for _ in range(16)))
        return
    at = len(data) // 2
    data[at:at + 16] = bytes(rng.randrange(256) for _ in range(len(data[at:at + 16])))
    path.write_bytes(bytes(data))


def damage(cache: Path, kind: str, rng: random.Random) -> None:
    files = cache_files(cache)
    if kind == "truncated":
        for path in files:
            truncate(path, path.stat().st_size // 2)
    elif kind == "emptied":
        for path in files:
            truncate(path, 0)
    elif kind == "garbled":
        for path in files:
            garble(path, rng)
    elif kind == "half deleted":
        for path in files[::2]:
            path.unlink()
    elif kind == "files become folders":
        for path in files:
            path.unlink()
            (path / "x").mkdir(parents=True)
    elif kind == "foreign version string":  # the version written in the cache, where it is written, replaced
        for path in files:
            data = path.read_bytes()
            if __version__.encode() in data:
                path.write_bytes(data.replace(__version__.encode(), b"9.9.9"))
    elif kind == "one file truncated":
        truncate(path := rng.choice(files), path.stat().st_size // 3)
    elif kind == "one file garbled":
        garble(rng.choice(files), rng)
    elif kind == "stray files":  # what a killed build may leave: temporary files, half-written entries
        for folder in {p.parent for p in files} | {cache}:
            (folder / f".tmp-{rng.randrange(10**6)}").write_bytes(b"\x00garbage" * rng.randrange(1, 50))
            (folder / "zz-unknown-entry").write_bytes(os.urandom(64))
    else:
        raise AssertionError(kind)


WHOLE = ["truncated", "emptied", "garbled"]  # every entry unusable
PARTIAL = ["half deleted", "files become folders", "one file truncated", "one file garbled", "stray files",
           "foreign version string"]


@pytest.mark.parametrize("kind", WHOLE + PARTIAL)
def test_a_damaged_cache_makes_a_cold_build_and_says_so(example: Example, tmp_path: Path, kind: str) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(example.cache, cache)
    damage(cache, kind, random.Random(kind))
    run = example.build(example.content, tmp_path / "site", cache)
    example.check(run, tmp_path / "site")
    said = example.new_notices(run)
    if kind in WHOLE:  # nothing in it is usable: the build must notice, and say so once
        assert len(said) == 1, f"{run.command} with a {kind} cache should say in one line that it runs cold:\n" \
                               f"{run.describe()}"
    else:  # the damage may touch something the build does not need; still never more than one line
        assert len(said) <= 1, run.describe()
    again = example.build(example.content, tmp_path / "site2", cache)
    example.check(again, tmp_path / "site2")
    assert example.new_notices(again) == [], f"the cache was not repaired by the last build:\n{again.describe()}"


def test_a_cache_from_another_version_is_ignored(example: Example, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    checkout = other_version(tmp_path / "other-version")
    other = example.build(example.edited, tmp_path / "other", cache, env={"PYTHONPATH": str(checkout)},
                          cwd=checkout)  # not this checkout's folder: `python -m` looks there first
    assert other.code == 0, other.describe()
    assert other.stdout.count("Built ") == 1 and cache_files(cache)
    run = example.build(example.content, tmp_path / "site", cache)
    example.check(run, tmp_path / "site")
    assert len(example.new_notices(run)) == 1, f"a cache written by badgedir {OTHER_VERSION} should be " \
                                               f"ignored in one line:\n{run.describe()}"


def test_a_build_killed_at_any_moment_leaves_a_cache_the_next_build_can_use(example: Example,
                                                                             tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    start = time.monotonic()
    assert example.build(example.content, tmp_path / "site", cache).code == 0
    seconds = time.monotonic() - start
    rng = random.Random(16)
    for n in range(6):
        which = ("edited", "content")[n % 2]  # each killed build had cache entries to write
        args = ["build", "--content", example.root / which, "--output", tmp_path / "site", "--cache", cache, *ARGS]
        child = subprocess.Popen([sys.executable, "-m", "generator", *map(str, args)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO)})
        moment = rng.uniform(0.3, 1.0) * seconds
        time.sleep(moment)
        child.send_signal(signal.SIGKILL)
        child.wait()
        run = example.build(example.root / which, tmp_path / "site", cache)
        where = f"after a SIGKILL {moment:.2f} s into `python -m generator {' '.join(map(str, args))}`"
        assert run.code == 0, f"{where}:\n{run.describe()}"
        problems = differences(snapshot(tmp_path / "site"), example.cold[which])
        assert problems == [], f"{where}, the next build differs from the cold one:\n  " + "\n  ".join(problems)
        assert len(example.new_notices(run)) <= 1, f"{where}:\n{run.describe()}"


def test_two_builds_sharing_a_cache_at_once_both_succeed(example: Example, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    rounds = [("content", "content"), ("content", "edited"), ("edited", "content"), ("edited", "edited")]
    for n, pair in enumerate(rounds):
        outputs = [tmp_path / f"site-{n}-{i}" for i in range(2)]
        children = [subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--content", str(example.root / which), "--output", str(out),
             "--cache", str(cache), *ARGS], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)}) for which, out in zip(pair, outputs)]
        for child, which, out in zip(children, pair, outputs):
            stdout, stderr = child.communicate(timeout=600)
            run = Run(tuple(child.args[3:]), child.returncode, stdout, stderr)
            assert run.code == 0, f"round {n}, two builds at once ({pair}) with one cache:\n{run.describe()}"
            problems = differences(snapshot(out), example.cold[which])
            assert problems == [], f"round {n} ({pair}): {run.command} differs from the cold build:\n  " + \
                "\n  ".join(problems)
            assert len(example.new_notices(run)) <= 1, run.describe()
    after = example.build(example.content, tmp_path / "after", cache)
    example.check(after, tmp_path / "after")
    assert example.new_notices(after) == [], f"the shared cache was damaged:\n{after.describe()}"


def test_the_cache_is_in_the_working_folder_unless_told(example: Example, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    run = badgedir("build", "--content", example.content, "--output", work / "output", *ARGS, cwd=work)
    assert run.code == 0, run.describe()
    assert sorted(p.name for p in work.iterdir()) == [".badgedir-cache", "output"], run.command
    assert cache_files(work / ".badgedir-cache"), f"{run.command} left its cache empty"


AUDITED_MAIN = """
import os, sys
touched = []
def hook(event, args):
    if event in ("open", "os.listdir", "os.scandir", "os.mkdir", "os.rename", "os.remove", "os.rmdir",
                 "os.utime", "os.chmod", "os.truncate", "os.link", "os.symlink", "shutil.rmtree", "shutil.copytree",
                 "shutil.move") and args and isinstance(args[0], (str, bytes, os.PathLike)):
        for arg in args[:2] if event in ("os.rename", "os.link", "os.symlink", "shutil.copytree", "shutil.move") else args[:1]:
            if isinstance(arg, (str, bytes, os.PathLike)):
                path = os.fsdecode(arg)
                touched.append(f"{event} {os.path.abspath(path)}")
sys.addaudithook(hook)
from generator.cli import main
code = main(sys.argv[2:])
cache = os.path.abspath(sys.argv[1])
found = [t for t in touched if t.split(" ", 1)[1] == cache or t.split(" ", 1)[1].startswith(cache + os.sep)]
print("CACHE-TOUCHED", *found[:20], sep="\\n", file=sys.stderr)
sys.stderr.flush()
os._exit(code if not found else 99)
"""


@pytest.mark.parametrize("where", ["default", "named"])
def test_no_cache_neither_reads_nor_writes_the_cache(example: Example, tmp_path: Path, where: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    cache = work / ".badgedir-cache" if where == "default" else tmp_path / "named-cache"
    named = [] if where == "default" else ["--cache", str(cache)]
    filled = badgedir("build", "--content", example.content, "--output", work / "warm", *ARGS, *named, cwd=work)
    assert filled.code == 0 and cache_files(cache), filled.describe()
    before = snapshot(cache)
    args = ["build", "--content", str(example.content), "--output", str(work / "cold"), "--no-cache", *ARGS,
            "--jobs", "1", *named]
    done = subprocess.run([sys.executable, "-c", AUDITED_MAIN, str(cache), *args], capture_output=True, text=True,
                          cwd=work, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=600)
    run = Run(tuple(args), done.returncode, done.stdout, done.stderr, str(work))
    if where == "named" and run.code == 2:  # refusing --cache with --no-cache is a fair answer too
        return
    assert run.code != 99, f"{run.command} touched the cache:\n{run.stderr}"
    assert run.code == 0, run.describe()
    after = snapshot(cache)
    assert (after.files, after.identity, after.folders) == (before.files, before.identity, before.folders)
    assert differences(snapshot(work / "cold"), example.cold["content"]) == []
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    run = badgedir("build", "--content", example.content, "--output", fresh / "output", "--no-cache", *ARGS,
                   cwd=fresh)
    assert run.code == 0, run.describe()
    assert sorted(p.name for p in fresh.iterdir()) == ["output"], f"{run.command} made a cache folder"
