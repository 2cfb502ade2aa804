"""The build cache: what it reuses is what a cold build would make, and a damaged cache is never trusted.

Random edit sequences against cold builds live in ``test_cache_identity.py``;
these tests pin the cases the design names: a logo is a discovered input, a
damaged or foreign cache is rebuilt, unchanged files keep their inode.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
from datetime import date
from pathlib import Path

from conftest import LOGO_SVG, THREE_TIERS, make_content

from generator.build import BuildOptions, BuildResult, build
from generator.cli import main


def _build(content: Path, output: Path, cache: Path | None, as_of: date = date(2026, 11, 25),
           templates: Path | None = None) -> BuildResult:
    return build(BuildOptions(content=content, output=output, as_of=as_of, jobs=1, cache=cache, templates=templates))


def _same_tree(a: Path, b: Path) -> list[str]:
    """Paths whose bytes differ, or that only one tree has."""
    files = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    other = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    differ = sorted(files ^ other)
    differ += [rel for rel in sorted(files & other) if not filecmp.cmp(a / rel, b / rel, shallow=False)]
    return differ


def _warm_equals_cold(tmp_path: Path, content: Path, cache: Path, **options) -> BuildResult:
    warm = _build(content, tmp_path / "warm", cache, **options)
    cold_out = tmp_path / "cold"
    _build(content, cold_out, None, **options)
    assert _same_tree(tmp_path / "warm", cold_out) == []
    return warm


def test_a_second_build_reuses_everything_and_rewrites_nothing(tmp_path: Path) -> None:
    content, cache = make_content(tmp_path, THREE_TIERS), tmp_path / "cache"
    first = _warm_equals_cold(tmp_path, content, cache)
    assert first.kept == 0 and first.notes == (f"cache: nothing cached yet in {cache}; building cold",)
    inodes = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (tmp_path / "warm").rglob("*") if p.is_file()}
    unchanged = _warm_equals_cold(tmp_path, content, cache)  # the whole build is one piece of work, unchanged
    assert unchanged.notes == (f"cache: nothing changed since the last build into {tmp_path / 'warm'}; every file kept",)
    assert unchanged.kept == unchanged.files == len(inodes) and unchanged.removed == 0
    assert (unchanged.pages, unchanged.tier_counts, unchanged.warnings) == (first.pages, first.tier_counts, first.warnings)
    forget_last_build(cache)  # so every page is looked up on its own: each one is a hit
    second = _warm_equals_cold(tmp_path, content, cache)
    assert second.notes == ()
    assert second.kept == second.files == len(inodes) and second.removed == 0
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (tmp_path / "warm").rglob("*") if p.is_file()}
    assert after == inodes  # rsync and s3 sync compare size and mtime: nothing to upload


def forget_last_build(cache: Path) -> None:
    """Remove the record of the last build (cache/memo.py), leaving every other entry."""
    for folder in cache.glob("v*/builds"):
        shutil.rmtree(folder)


def test_a_changed_logo_is_seen_though_the_business_file_is_the_same(tmp_path: Path) -> None:
    """The logo is a discovered input of the business file that names it."""
    content, cache = make_content(tmp_path, THREE_TIERS), tmp_path / "cache"
    _warm_equals_cold(tmp_path, content, cache)
    (content / "logos/brisa.svg").write_text(LOGO_SVG.replace("#080", "#00f"), "utf-8")
    result = _warm_equals_cold(tmp_path, content, cache)
    assert 0 < result.files - result.kept < result.files
    (content / "logos/brisa.svg").unlink()  # now an error in both builds, never a stale success
    for cached in (cache, None):
        assert main(["build", "--content", str(content), "--output", str(tmp_path / "x"), "--as-of", "2026-11-25",
                     *(["--cache", str(cached)] if cached else ["--no-cache"])]) == 1


def test_edits_templates_and_dates_give_the_cold_bytes(tmp_path: Path) -> None:
    content, cache = make_content(tmp_path, THREE_TIERS), tmp_path / "cache"
    templates = tmp_path / "templates"
    _warm_equals_cold(tmp_path, content, cache)
    shops = content / "businesses/shops.yaml"
    shops.write_text(shops.read_text("utf-8").replace("Café Niño", "Café Niña"), "utf-8")
    _warm_equals_cold(tmp_path, content, cache)
    (templates / "partials").mkdir(parents=True)
    (templates / "partials/legend.html").write_text("<p>Our own legend</p>\n", "utf-8")
    warm = _warm_equals_cold(tmp_path, content, cache, templates=templates)
    assert "Our own legend" in (tmp_path / "warm/index.html").read_text("utf-8") and warm.kept < warm.files
    (templates / "partials/legend.html").write_text("<p>Our legend, edited</p>\n", "utf-8")
    _warm_equals_cold(tmp_path, content, cache, templates=templates)
    assert "Our legend, edited" in (tmp_path / "warm/index.html").read_text("utf-8")
    _warm_equals_cold(tmp_path, content, cache, as_of=date(2027, 2, 1))  # brisa's verification has expired
    _warm_equals_cold(tmp_path, content, cache, as_of=date(2026, 11, 25))


def test_written_kept_and_removed_are_counted(tmp_path: Path) -> None:
    content, cache = make_content(tmp_path, THREE_TIERS), tmp_path / "cache"
    _warm_equals_cold(tmp_path, content, cache)
    before = {p.relative_to(tmp_path / "warm").as_posix(): p.read_bytes() for p in (tmp_path / "warm").rglob("*")
              if p.is_file()}
    shops = content / "businesses/shops.yaml"
    text = shops.read_text("utf-8")
    shops.write_text(text[:text.index("- id: brisa-soporte")], "utf-8")
    result = _warm_equals_cold(tmp_path, content, cache)
    after = {p.relative_to(tmp_path / "warm").as_posix(): p.read_bytes() for p in (tmp_path / "warm").rglob("*")
             if p.is_file()}
    assert result.removed == len(before.keys() - after.keys()) > 0  # its page, card, badge; moved index shards
    assert result.kept == sum(1 for rel, data in after.items() if before.get(rel) == data)
    assert result.files == len(after)


def test_damaged_entries_are_rebuilt_never_trusted(tmp_path: Path) -> None:
    content, cache = make_content(tmp_path, THREE_TIERS), tmp_path / "cache"
    _warm_equals_cold(tmp_path, content, cache)
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert entries
    damaged = {}
    for n, entry in enumerate(entries):  # flipped bytes, truncations and emptied files
        data = entry.read_bytes()
        damaged[entry] = (data[: len(data) // 2] if n % 3 == 0 else b"" if n % 3 == 1 else
                          data[:-1] + bytes([data[-1] ^ 1]))
        entry.write_bytes(damaged[entry])
    result = _warm_equals_cold(tmp_path, content, cache)
    (note,) = result.notes
    found = int(re.fullmatch(r"cache: (\d+) damaged entries ignored and rebuilt", note).group(1))
    # Every entry the build looked up was found damaged; the others (the readings of a set whose head
    # was damaged) were never read, and went with the pruning.
    assert len(entries) - 3 <= found <= len(entries)
    assert not any(entry.exists() and entry.read_bytes() == data for entry, data in damaged.items())
    forget_last_build(cache)
    again = _warm_equals_cold(tmp_path, content, cache)  # the damaged entries were replaced by good ones
    assert again.notes == ()


def test_a_cache_from_another_version_is_not_read_and_is_removed(tmp_path: Path) -> None:
    content, cache = make_content(tmp_path, THREE_TIERS), tmp_path / "cache"
    _warm_equals_cold(tmp_path, content, cache)
    (ours,) = cache.iterdir()
    foreign = cache / "v1-0000000000000000"
    ours.rename(foreign)
    result = _warm_equals_cold(tmp_path, content, cache)
    assert result.notes == (f"cache: {cache} was made by another version of badgedir; building cold",)
    assert not foreign.exists() and [p.name for p in cache.iterdir()] == [ours.name]


def test_the_cache_holds_only_what_the_last_build_used(tmp_path: Path) -> None:
    content, cache = make_content(tmp_path, THREE_TIERS), tmp_path / "cache"
    _build(content, tmp_path / "out", cache)
    count = sum(1 for p in cache.rglob("*") if p.is_file())
    shops = content / "businesses/shops.yaml"
    for old, new in (("Café Niño", "Café Niña"), ("Café Niña", "Café Niñe"), ("Café Niñe", "Café Niño")):
        shops.write_text(shops.read_text("utf-8").replace(old, new), "utf-8")  # three edits and back
        _build(content, tmp_path / "out", cache)
    # No more than after the first build: the entries each edit made and the next one left unused are gone
    # (and a file's own reading is left unused once the readings of the whole folder hold it).
    assert sum(1 for p in cache.rglob("*") if p.is_file()) <= count


def test_no_cache_reads_and_writes_no_cache_and_init_ignores_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "mydir"]) == 0
    assert ".badgedir-cache/" in (tmp_path / ".gitignore").read_text("utf-8").splitlines()
    assert main(["init", "other"]) == 0
    assert (tmp_path / ".gitignore").read_text("utf-8").count(".badgedir-cache/") == 1
    assert main(["build", "--content", "mydir", "--output", "site", "--no-cache", "-q"]) == 0
    assert not (tmp_path / ".badgedir-cache").exists()
    assert main(["build", "--content", "mydir", "--output", "site", "-q"]) == 0
    assert (tmp_path / ".badgedir-cache").is_dir()
