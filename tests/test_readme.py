"""The README's promises, kept: its examples run as written, its links resolve, its order holds.

The opening two commands are run by ``.ci/run`` (the first in a fresh clone
with a fresh virtual environment, the second is the suite itself), so here
they are only checked for their shape; every other shell example is run
line by line in a scratch folder, the way a newcomer types it.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

from readme import README, blocks, commands, opening_commands

TEXT = README.read_text(encoding="utf-8")
ROOT = README.parent


def test_the_readme_opens_with_the_two_commands_ci_runs() -> None:
    first, second = opening_commands(TEXT)
    assert TEXT.lstrip().startswith("# badgedir\n\n```sh\n")
    assert first.startswith("python3 -m venv .venv && ") and "--content content --output output" in first
    assert second == "bash tests/setup-and-run.sh"
    ci = (ROOT / ".ci/run").read_text()
    assert "tests/readme.py opening 1" in ci and "tests/readme.py opening 2" in ci


def test_the_readme_puts_what_a_user_needs_first_and_links_the_rest() -> None:
    sections = re.findall(r"(?m)^## (.+)$", TEXT)
    assert sections[:4] == ["Contents", "Quick start", "Content format", "Deploying"]
    assert len(TEXT.encode()) < 12_000  # the details live in docs/
    for target in re.findall(r"\]\(([^)#:]+\.md)\)", TEXT):
        assert (ROOT / target).is_file(), target
    anchors = {re.sub(r"[^\w\- ]", "", s).strip().lower().replace(" ", "-") for s in sections}
    for anchor in re.findall(r"\]\(#([^)]+)\)", TEXT):
        assert anchor in anchors, anchor
    for doc in (ROOT / "docs").glob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", doc.read_text()):
            assert (doc.parent / target).is_file(), f"{doc.name}: {target}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(command: str, cwd: Path, env: dict[str, str]) -> str:
    """Run a ``badgedir serve`` example until its home page answers; return the page.

    The only change is the port (8000 may be taken on a shared machine): ``--port`` is added.
    """
    port = _free_port()
    argv = shlex.split(command) + ["--port", str(port)]
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    return response.read().decode()
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{command}: nothing served within 60 s")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # serve prints where its threads wait after 20 s: show it
            process.kill()
            out, err = process.communicate()
            raise AssertionError(f"{command}: still running 30 s after Ctrl-C\n{out}\n{err}") from None


def test_every_readme_shell_example_runs_as_written(tmp_path: Path) -> None:
    """In a scratch folder holding the first command's ``.venv`` (this test environment), run every line."""
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    ran: list[str] = []
    for block in blocks(TEXT, "sh")[1:]:
        for command in commands(block):
            if command.startswith("badgedir serve"):
                page = _serve(command, tmp_path, env)
                assert "Café Niño" in page
            else:
                result = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=tmp_path, env=env,
                                        capture_output=True, text=True, timeout=300)
                assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
                if command.startswith("badgedir explain"):
                    assert result.stdout.startswith("cafe-nino: verified\n")
            ran.append(command.split()[1] if command.startswith("badgedir ") else command.split()[0])
    assert ran == [".", "init", "build", "check", "explain", "schema", "serve"]
    assert (tmp_path / "site/b/cafe-nino/index.html").is_file()


def test_the_readme_business_example_is_the_starters_verified_business(tmp_path: Path) -> None:
    example = next(b for b in blocks(TEXT, "yaml") if b.lstrip().startswith("- id:"))
    subprocess.run([Path(sys.executable).parent / "badgedir", "init", str(tmp_path / "mine")], check=True, capture_output=True)
    (tmp_path / "mine/businesses/examples.yaml").write_text(example, encoding="utf-8")
    result = subprocess.run([Path(sys.executable).parent / "badgedir", "explain", "cafe-nino", "--content", str(tmp_path / "mine"),
                             "--as-of", "2026-11-25"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("cafe-nino: verified\n")
    starter = yaml.safe_load((ROOT / "generator/starter/businesses/examples.yaml").read_text(encoding="utf-8"))[0]
    written = yaml.safe_load(example)[0]
    assert {k: v for k, v in written.items() if k != "description"} == {k: v for k, v in starter.items() if k != "description"}
