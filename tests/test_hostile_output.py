"""Failures lose nothing: the output folder is checked, swapped whole, and never half-written.

Also: an interrupted build (Ctrl-C, SIGTERM) leaves the previous site byte
for byte and no staging folder, and two builds of the same content are
byte-identical whatever the hash seed or the order files were created in.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import SITE_YAML, THREE_TIERS, as_from_a_terminal, build_site, make_content
from generator.diagnostics import BuildFailed, UsageError
from hostile import business
from sitecheck import check_site

REPO = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (and every empty folder), to compare before and after."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"<dir>")
            for p in sorted(folder.rglob("*")) if p.is_file() or not any(p.iterdir())}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".badgedir-"))


@pytest.mark.parametrize("where", ["same", "inside content", "contains content", "through a symlink"])
def test_output_may_not_be_contain_or_sit_inside_the_content_folder(tmp_path: Path, where: str) -> None:
    content = make_content(tmp_path / "site", THREE_TIERS)
    os.symlink(content, tmp_path / "alias")
    output = {"same": content, "inside content": content / "public", "contains content": tmp_path / "site",
              "through a symlink": tmp_path / "alias" / "out"}[where]
    before = snapshot(tmp_path)
    with pytest.raises(UsageError, match="may not be, contain or sit inside the content folder"):
        build_site(content, output)
    assert snapshot(tmp_path) == before


def test_a_folder_not_made_by_badgedir_is_never_replaced(tmp_path: Path) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    home = tmp_path / "home"
    (home / "documents").mkdir(parents=True)
    (home / "documents/thesis.txt").write_text("years of work")
    (tmp_path / "file").write_text("a file")
    for output in (home, tmp_path / "file"):
        with pytest.raises(UsageError, match="refusing to replace"):
            build_site(content, output)
    assert (home / "documents/thesis.txt").read_text() == "years of work" and (tmp_path / "file").read_text() == "a file"
    assert leftovers(tmp_path) == []


def test_nothing_is_written_beside_the_output(tmp_path: Path) -> None:
    content = make_content(tmp_path / "src", THREE_TIERS)
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites/neighbour.txt").write_text("untouched")
    before = snapshot(tmp_path / "src")
    build_site(content, tmp_path / "sites/out")
    build_site(content, tmp_path / "sites/out")  # a rebuild swaps the old site out and removes it
    assert sorted(p.name for p in (tmp_path / "sites").iterdir()) == ["neighbour.txt", "out"]
    assert (tmp_path / "sites/neighbour.txt").read_text() == "untouched"
    assert snapshot(tmp_path / "src") == before


def test_a_failed_build_leaves_the_previous_site_intact(tmp_path: Path) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    output = build_site(content)
    before = snapshot(output)
    (content / "businesses/broken.yaml").write_text(business(id="broken", name="Broken ✓"))
    with pytest.raises(BuildFailed):
        build_site(content)
    assert snapshot(output) == before and leftovers(tmp_path) == []


def big_directory(root: Path, count: int = 3000) -> Path:
    """A content folder large enough that building it takes a few seconds."""
    rows = [f"- id: shop-{i}\n  name: Shop {i}\n  whatsapp: '+34 6{i:08d}'\n  category: Category {i % 40}\n"
            f"  city: City {i % 25}\n  description: Hello **{i}**\n" for i in range(count)]
    return make_content(root, {f"businesses/part{n}.yaml": "".join(rows[n::4]) for n in range(4)})


@pytest.mark.parametrize("signum, to_group, status", [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143)],
                         ids=["ctrl-c", "sigterm"])
def test_an_interrupted_build_leaves_the_previous_site_and_no_staging_folder(
        tmp_path: Path, signum: int, to_group: bool, status: int) -> None:
    output = build_site(make_content(tmp_path / "small", THREE_TIERS), tmp_path / "out")
    before = snapshot(output)
    big = big_directory(tmp_path / "big")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--content", str(big), "--output", str(output), "--as-of", "2026-11-25", "-q"],
        cwd=REPO, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=as_from_a_terminal)
    try:
        deadline = time.monotonic() + 60
        while not any((staging / "b").is_dir() and len(os.listdir(staging / "b")) >= 50
                      for staging in tmp_path.glob(".badgedir-staging-*")):  # midway through rendering
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the build never started rendering"
            time.sleep(0.01)
        if to_group:
            os.killpg(process.pid, signum)  # what a terminal does on Ctrl-C
        else:
            process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == status, stderr
    assert "the output folder was left as it was" in stderr
    assert snapshot(output) == before
    assert leftovers(tmp_path) == []


def write_rich_content(root: Path, reverse: bool) -> Path:
    """The same content, its files created in one order or the other."""
    files = {**THREE_TIERS,
             "site.yaml": SITE_YAML.replace("language: en\n", "languages: [en, es]\n"),
             "faq/badges.md": "---\ntitle: Badges\norder: 1\n---\nWhat the *badges* mean.\n",
             "faq/zz.es.md": "---\ntitle: Preguntas\n---\nTexto.\n"}
    for n in range(6):
        files[f"businesses/more{n}.yaml"] = "".join(
            f"- id: m{n}-{i}\n  name: {['Zeta', 'Álamo', 'alamo', 'Ébano', 'Ñandú', 'Iberia'][i % 6]} {n} {i}\n"
            f"  whatsapp: '+34 62{n} {i:03d} {i:03d}'\n  category: {['Bar', 'Bäckerei', 'bar', 'Café'][i % 4]}\n"
            f"  city: {['Sevilla', 'Ávila', 'avila'][i % 3]}\n" for i in range(15))
    content = root / "content"
    for rel, data in sorted(files.items(), reverse=reverse):
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(data) if isinstance(data, str) else data, encoding="utf-8")
    return content


def test_builds_are_reproducible_across_hash_seeds_and_file_creation_order(tmp_path: Path) -> None:
    outputs = []
    for seed, reverse in (("1", False), ("4242", True)):
        content = write_rich_content(tmp_path / seed, reverse)
        output = tmp_path / seed / "out"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        result = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--output",
                                 str(output), "--as-of", "2026-11-25", "-q"], cwd=REPO, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert check_site(output, "https://dir.example.org/") == []
        outputs.append(snapshot(output))
    assert sorted(outputs[0]) == sorted(outputs[1])
    assert [name for name in outputs[0] if outputs[0][name] != outputs[1][name]] == []
