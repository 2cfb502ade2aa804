"""Content files that are not files, and file names that are not text: errors, never a hang or a crash.

Issue #21 items 5 and 6.  Each build runs as a command with a deadline, so a
build that would block on a named pipe fails the test instead of hanging it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import THREE_TIERS, make_content
from generator.diagnostics import Diagnostic, shown
from generator.explain import explain

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(REPO)}, errors="surrogateescape")


def build(content: Path, output: Path) -> subprocess.CompletedProcess:
    return run("build", "--content", str(content), "--output", str(output), "--as-of", "2026-11-25", "-q")


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith("badgedir: ")]


@pytest.mark.parametrize("where", ["businesses/x.yaml", "register/x.yaml", "verifications/x.yaml", "faq/x.md", "site.yaml"])
def test_a_named_pipe_is_an_error_not_a_hang(tmp_path: Path, where: str) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    (content / where).parent.mkdir(exist_ok=True)
    (content / where).unlink(missing_ok=True)
    os.mkfifo(content / where)
    done = build(content, tmp_path / "out")
    assert done.returncode == 1, done.stderr
    assert f"{where}: is a named pipe (FIFO), not a regular file; only regular files are read" in done.stderr.splitlines()
    assert not (tmp_path / "out").exists()


def test_a_socket_and_a_folder_named_like_content_files_are_errors(tmp_path: Path) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    (content / "businesses" / "folder.yaml").mkdir()
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(content / "businesses" / "sock.yaml"))
    try:
        done = build(content, tmp_path / "out")
    finally:
        listening.close()
    assert done.returncode == 1, done.stderr
    assert error_lines(done.stderr) == [
        "businesses/folder.yaml: is a folder, not a regular file; only regular files are read",
        "businesses/sock.yaml: is a socket, not a regular file; only regular files are read"]


def test_a_logo_that_is_a_named_pipe_is_refused(tmp_path: Path) -> None:
    content = make_content(tmp_path, {"businesses/a.yaml": "id: a\nname: A\nwhatsapp: '+34 600 00 00 01'\nlogo: logos/a.svg\n"})
    (content / "logos").mkdir()
    os.mkfifo(content / "logos" / "a.svg")
    done = build(content, tmp_path / "out")
    assert done.returncode == 1
    assert error_lines(done.stderr) == ["businesses/a.yaml:4: logo: logo file 'logos/a.svg' is not a regular file"]


def test_a_file_name_that_is_not_utf8_is_an_error_printed_escaped(tmp_path: Path) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    name = os.fsencode(content / "businesses") + b"/caf\xe9.yaml"  # Latin-1, as an old archive may hold
    with open(name, "wb") as handle:
        handle.write(b"id: cafe\nname: Cafe\nwhatsapp: '+34 600 00 00 09'\n")
    done = build(content, tmp_path / "out")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert error_lines(done.stderr) == ["businesses/caf\\xe9.yaml: the file name is not valid UTF-8; rename the file"]


def test_a_line_break_in_a_file_name_cannot_forge_a_line(tmp_path: Path) -> None:
    forged = "a.yaml:1: error\nb.yaml:1: forged"
    content = make_content(tmp_path, {f"businesses/{forged}.yaml": "id: a\nname: A\nwhatsapp: 'not a number'\n"})
    done = build(content, tmp_path / "out")
    assert done.returncode == 1
    lines = error_lines(done.stderr)
    assert len(lines) == 1 and lines[0].startswith("businesses/a.yaml:1: error\\u000ab.yaml:1: forged.yaml:3: ")
    checked = run("check", "--content", str(content), "--as-of", "2026-11-25")
    assert len(error_lines(checked.stderr)) == 1


def test_explain_and_warnings_print_paths_escaped(tmp_path: Path) -> None:
    name = "businesses/x\x1b[2Jy\u202e.yaml"
    content = make_content(tmp_path, {name: "id: a\nname: A\nwhatsapp: '+34 600 00 00 01'\n"})
    done = run("explain", "a", "--content", str(content), "--as-of", "2026-11-25")
    assert done.returncode == 0, done.stderr
    assert "x\\u001b[2Jy\\u202e.yaml:3" in done.stdout and "\x1b" not in done.stdout and "\u202e" not in done.stdout
    warning = Diagnostic(name, 2, "look\nhere", "warning")
    assert str(warning) == "businesses/x\\u001b[2Jy\\u202e.yaml:2: warning: look\\u000ahere"
    assert shown("caf\udce9") == "caf\\xe9"


def test_unknown_id_in_explain_is_escaped(tmp_path: Path) -> None:
    from generator.build import load_site
    from conftest import AS_OF

    site, _ = load_site(make_content(tmp_path, THREE_TIERS), AS_OF)
    text, found = explain(site, "x\ny")
    assert not found and "\n" not in text
