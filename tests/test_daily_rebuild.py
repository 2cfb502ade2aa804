"""Advancing the as-of date by a day rewrites only a handful of files (issue #16, item 4).

The build date left every page's footer; it is shown where it informs (the home
page and the FAQ index in each language, ``api/``, ``status.json`` and the
manifest).  A day with no verification starting, expiring or revoked changes
nothing else.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from generator.record import minisign
from tests.conftest import AS_OF, build_site, make_content
from tests.test_i18n import two_language_files


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_day_without_evidence_events_rewrites_only_the_files_that_show_the_date(tmp_path: Path) -> None:
    content = make_content(tmp_path, two_language_files())
    key = minisign.generate()
    day = build_site(content, tmp_path / "d0", as_of=AS_OF, sign_key=key)
    next_day = build_site(content, tmp_path / "d1", as_of=AS_OF + timedelta(days=1), sign_key=key, previous=str(day))
    a, b = tree(day), tree(next_day)
    assert a.keys() == b.keys() and len(a) > 60
    differing = sorted(p for p in a if a[p] != b[p])
    assert differing == ["api/businesses.json", "en/faq/index.html", "en/index.html", "faq/index.html", "index.html",
                         "manifest.json", "manifest.json.minisig", "status.json"]


def test_a_day_a_verification_expires_rewrites_that_business_too(tmp_path: Path) -> None:
    files = two_language_files()
    files["verifications/2026.yaml"] = files["verifications/2026.yaml"].replace("expires: 2027-01-10", "expires: 2026-11-26")
    content = make_content(tmp_path, files)
    a = tree(build_site(content, tmp_path / "d0", as_of=AS_OF))
    b = tree(build_site(content, tmp_path / "d1", as_of=AS_OF + timedelta(days=1)))
    differing = {p for p in a.keys() & b.keys() if a[p] != b[p]} | (a.keys() ^ b.keys())
    assert {"b/brisa/index.html", "en/b/brisa/index.html", "changes.xml", "api/changes.json"} <= differing


def test_rebuilding_the_same_folder_the_next_day_writes_only_those_files(tmp_path: Path) -> None:
    """The summary's written/kept counts: everything else keeps its inode, so a sync uploads 8 files."""
    from generator.build import BuildOptions, build

    content = make_content(tmp_path, two_language_files())
    key = minisign.generate()
    out = tmp_path / "site"
    build(BuildOptions(content=content, output=out, as_of=AS_OF, jobs=1, sign_key=key))
    before = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    shutil.copytree(out, tmp_path / "published")
    result = build(BuildOptions(content=content, output=out, as_of=AS_OF + timedelta(days=1), jobs=1, sign_key=key,
                                previous=str(tmp_path / "published")))
    after = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    assert result.files - result.kept == 8 and result.removed == 0
    assert sorted(p for p in after if before.get(p) != after[p]) == [
        "api/businesses.json", "en/faq/index.html", "en/index.html", "faq/index.html", "index.html",
        "manifest.json", "manifest.json.minisig", "status.json"]
