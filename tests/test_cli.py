"""The command line: exit codes, messages, and each command end to end (in process)."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from datetime import date
from pathlib import Path

import pytest

from generator.build import resolve_as_of
from generator.cli import main
from generator.diagnostics import UsageError

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_build_prints_warnings_and_a_summary(capsys, three_tiers: Path, tmp_path: Path) -> None:
    code, out, err = run(capsys, "build", "--content", str(three_tiers), "--output", str(tmp_path / "site"), "--as-of", "2026-11-25")
    assert code == 0
    assert "businesses: 1 verified, 1 confirmed, 1 unverified" in out and out.count("\n") == 1
    assert "warning: name: 'Aerolíneas Brisa Soporte' resembles verified 'Aerolíneas Brisa' (brisa)" in err
    assert json.loads((tmp_path / "site/api/businesses.json").read_text())["as_of"] == "2026-11-25"


def test_content_errors_exit_1_and_usage_errors_exit_2(capsys, three_tiers: Path, tmp_path: Path) -> None:
    (three_tiers / "businesses/bad.yaml").write_text("id: bad\nname: Bad\nwhatsapp: '12'\n")
    code, out, err = run(capsys, "build", "--content", str(three_tiers), "--output", str(tmp_path / "site"))
    assert code == 1 and "businesses/bad.yaml:3: whatsapp: '12' is a short code" in err
    assert not (tmp_path / "site").exists()
    code, _, err = run(capsys, "build", "--content", str(three_tiers), "--as-of", "25/11/2026")
    assert code == 2 and "--as-of" in err
    code, _, err = run(capsys, "frobnicate")
    assert code == 2


def test_a_full_disk_is_one_clear_error_and_the_last_output_stays(capsys, monkeypatch, three_tiers: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run(capsys, "build", "--content", str(three_tiers), "--output", str(site), "--as-of", "2026-11-25")[0] == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}

    def full(base: Path, rel: str, data: bytes, stats) -> None:
        raise OSError(28, "No space left on device", str(base / rel))

    monkeypatch.setattr("generator.render.renderer.write_file", full)
    code, _, err = run(capsys, "build", "--content", str(three_tiers), "--output", str(site), "--as-of", "2026-11-26")
    assert code == 1 and "Traceback" not in err
    assert "badgedir: error: No space left on device: " in err and "the output folder was left as it was" in err
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".badgedir")] == []  # no staging left behind


def test_check_validates_without_writing(capsys, three_tiers: Path) -> None:
    code, out, _ = run(capsys, "check", "--content", str(three_tiers), "--as-of", "2026-11-25")
    assert code == 0 and "3 businesses (1 verified, 1 confirmed, 1 unverified)" in out
    assert not (three_tiers.parent / "output").exists()
    code, _, _ = run(capsys, "check", "--content", str(three_tiers), "--strict")
    assert code == 1  # the impostor warning becomes an error


def test_explain_shows_the_decision_and_its_sources(capsys, three_tiers: Path) -> None:
    code, out, _ = run(capsys, "explain", "brisa", "--content", str(three_tiers), "--as-of", "2026-11-25")
    assert code == 0
    assert out.splitlines()[0] == "brisa: verified"
    assert "[register/register.yaml:3]" in out and "[verifications/2026.yaml:1]" in out
    code, out, _ = run(capsys, "explain", "brisa", "--content", str(three_tiers), "--as-of", "2027-02-01")
    assert out.splitlines()[0] == "brisa: confirmed" and "expired on January 10, 2027" in out
    code, _, err = run(capsys, "explain", "brisaa", "--content", str(three_tiers))
    assert code == 1 and "did you mean brisa" in err


def test_init_creates_a_directory_that_builds_with_one_business_per_tier(capsys, tmp_path: Path) -> None:
    code, _, _ = run(capsys, "init", str(tmp_path / "mine"))
    assert code == 0 and (tmp_path / "mine/faq").is_dir()
    code, out, _ = run(capsys, "build", "--content", str(tmp_path / "mine"), "--output", str(tmp_path / "site"), "--as-of", "2026-11-25")
    assert code == 0 and "1 verified, 1 confirmed, 1 unverified" in out
    code, _, err = run(capsys, "init", str(tmp_path / "mine"))
    assert code == 2 and "not empty" in err


def test_as_of_comes_from_the_flag_then_source_date_epoch_then_today() -> None:
    assert resolve_as_of("2026-01-02", {}) == date(2026, 1, 2)
    assert resolve_as_of(None, {"SOURCE_DATE_EPOCH": "1767225600"}) == date(2026, 1, 1)
    with pytest.raises(UsageError):
        resolve_as_of("2026-1-2", {})


def test_a_plain_pip_install_carries_templates_faq_and_starter(tmp_path: Path) -> None:
    """Build a wheel, install it (not editable) into a fresh venv, then init and build elsewhere."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheel_dir), str(ROOT)],
                   check=True, capture_output=True)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin/python"
    wheel = next(wheel_dir.glob("badgedir-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    script = env_dir / "bin/badgedir"
    subprocess.run([str(script), "init", "mydir"], cwd=work, check=True, capture_output=True)
    result = subprocess.run([str(script), "build", "--content", "mydir", "--output", "site", "--as-of", "2026-11-25"],
                            cwd=work, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (work / "site/b/example-verified/index.html").is_file() and (work / "site/static/site.css").is_file()
    located = subprocess.run([str(python), "-c", "import generator; print(generator.__file__)"], cwd=work, capture_output=True, text=True)
    assert str(env_dir) in located.stdout  # the installed copy, not the source tree
