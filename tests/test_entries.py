"""A business whose entry key did not change is linked from the published site, not rendered
(generator/render/entries.py): and only while that is what a cold build would write.

Each test builds warm (the cache and the output folder kept), forgets the
whole-build memo where it needs every business looked up on its own, and
compares with a ``--no-cache`` build into a fresh folder.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import pytest
from conftest import THREE_TIERS, make_content
from test_cache import _build, _same_tree, forget_last_build

from generator.diagnostics import BuildFailed
from generator.render import renderer as renderer_module
from generator.render.entries import partition_count, partition_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The business pages rendered: a linked business is not among them."""
    seen: list[str] = []
    original = renderer_module.Renderer.render

    def counting(self, page):
        if page.kind == "business":
            seen.append(page.key)
        return original(self, page)

    monkeypatch.setattr(renderer_module.Renderer, "render", counting)
    return seen


def _identities(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def _warm_then_cold(tmp_path: Path, content: Path, **options) -> None:
    _build(content, tmp_path / "warm", tmp_path / "cache", **options)
    _build(content, tmp_path / "cold", None, **options)
    assert _same_tree(tmp_path / "warm", tmp_path / "cold") == []
    assert_manifest_is_true(tmp_path / "warm")


def assert_manifest_is_true(site: Path) -> None:
    """The manifest's hashes come from the pieces of work that wrote each file, not from the disk: they
    must be the disk's, for every file, and list every file."""
    listed = json.loads((site / "manifest.json").read_text("utf-8"))["files"]
    on_disk = {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}
    assert sorted(listed) == sorted(set(on_disk) - {"manifest.json", "manifest.json.minisig"})
    for rel, entry in listed.items():
        data = on_disk[rel].read_bytes()
        assert (entry["sha256"], entry["bytes"]) == (hashlib.sha256(data).hexdigest(), len(data)), rel


def test_unchanged_businesses_are_linked_not_rendered(tmp_path: Path, rendered: list[str]) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    _warm_then_cold(tmp_path, content)
    assert sorted(set(rendered)) == ["brisa", "brisa-soporte", "cafe-nino"]
    before = _identities(tmp_path / "warm")
    rendered.clear()
    forget_last_build(tmp_path / "cache")
    _warm_then_cold(tmp_path, content)
    assert rendered == ["brisa", "brisa-soporte", "cafe-nino"]  # only by the cold build
    after = _identities(tmp_path / "warm")
    kept = [path for path in before if path.startswith("b/") and before[path] == after.get(path)]
    assert len(kept) == 9  # a page, a contact card and a badge each, with their inode and mtime


def test_an_edited_business_alone_is_made_again(tmp_path: Path, rendered: list[str]) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    _build(content, tmp_path / "warm", tmp_path / "cache")
    shops = content / "businesses/shops.yaml"
    shops.write_text(shops.read_text("utf-8").replace("city: Sevilla", "city: Cádiz"), "utf-8")
    rendered.clear()
    _build(content, tmp_path / "warm", tmp_path / "cache")
    assert rendered == ["cafe-nino"]
    _build(content, tmp_path / "cold", None)
    assert _same_tree(tmp_path / "warm", tmp_path / "cold") == []


def test_a_published_file_that_changed_is_not_linked(tmp_path: Path, rendered: list[str]) -> None:
    """The record vouches for a file with a given device, inode, size and mtime: anything else is made
    again (a file deleted, edited in place, or touched: made, then kept if its bytes are the same)."""
    content = make_content(tmp_path, THREE_TIERS)
    _build(content, tmp_path / "warm", tmp_path / "cache")
    warm = tmp_path / "warm"
    (warm / "b/brisa/badge.svg").unlink()
    with open(warm / "b/cafe-nino/index.html", "a", encoding="utf-8") as page:
        page.write("<!-- edited by hand -->")
    os.utime(warm / "b/brisa-soporte/contact.vcf", ns=(1, 1))
    rendered.clear()
    forget_last_build(tmp_path / "cache")
    _warm_then_cold(tmp_path, content)
    assert sorted(set(rendered) - {"brisa", "brisa-soporte", "cafe-nino"}) == [] and len(rendered) == 6
    rendered.clear()
    forget_last_build(tmp_path / "cache")
    _warm_then_cold(tmp_path, content)
    assert len(rendered) == 3  # each of them recorded again: the cold build's only


def test_a_kept_page_whose_link_broke_elsewhere_fails_as_a_cold_build_does(tmp_path: Path) -> None:
    """A business's own entry did not change, but the page its template links to is gone: its links
    are checked again from the record, and the warm build fails where the cold one does."""
    templates = tmp_path / "templates"
    templates.mkdir()
    page = (ROOT / "templates/business.html").read_text("utf-8")
    marker = 'class="business__name"'
    assert marker in page
    (templates / "business.html").write_text(
        page.replace(marker, f'{marker} data-cafe-url="{{{{ root }}}}category/cafe/index.html"', 1), "utf-8")
    content = make_content(tmp_path, THREE_TIERS)
    _warm_then_cold(tmp_path, content, templates=templates)
    shops = content / "businesses/shops.yaml"
    text = shops.read_text("utf-8")
    start, end = text.index("- id: cafe-nino"), text.index("- id: brisa-soporte")
    shops.write_text(text[:start] + text[end:], "utf-8")
    failures = []
    for cache in (tmp_path / "cache", None):
        with pytest.raises(BuildFailed) as failed:
            _build(content, tmp_path / ("warm" if cache else "cold"), cache, templates=templates)
        failures.append(sorted(str(d) for d in failed.value.diagnostics))
    assert failures[0] == failures[1] and "category/cafe/index.html" in failures[0][0]


def test_partitions_hold_the_same_businesses_whatever_else_changes() -> None:
    assert [partition_count(n) for n in (1, 1000, 1001, 10_000, 100_000, 10**7)] == [1, 1, 2, 16, 128, 4096]
    ids = [f"business-{n}" for n in range(5000)]
    parts = [partition_of(i, 8) for i in ids]
    assert parts == [partition_of(i, 8) for i in ids] and set(parts) == set(range(8))


def test_a_restarted_preview_takes_its_businesses_from_their_records(tmp_path: Path, rendered: list[str]) -> None:
    """One engine: the preview's first build makes each business's files as a build does, so a preview
    restarted on its folder (serve keeps it in the cache) links the unchanged ones, and edits made after
    the first start still give what a clean build gives."""
    from conftest import build_site
    from test_incremental import assert_same_site

    from generator.cache.store import DiskStore
    from generator.preview.incremental import IncrementalBuilder

    content = make_content(tmp_path, THREE_TIERS)
    served = tmp_path / "served"

    def start() -> IncrementalBuilder:
        builder = IncrementalBuilder(content, served, date(2026, 11, 25), store=DiskStore(folder=tmp_path / "cache"))
        assert builder.build().ok
        return builder

    start().close()
    rendered.clear()
    builder = start()
    assert rendered == ["brisa"]  # only the page the preview renders to warm up, not for its file
    shops = content / "businesses/shops.yaml"
    shops.write_text(shops.read_text("utf-8").replace("city: Sevilla", "city: Cádiz"), "utf-8")
    assert builder.update([shops]).ok
    builder.close()
    rendered.clear()
    start().close()
    assert sorted(rendered) == ["brisa", "cafe-nino"]  # the file the update wrote is not the recorded one
    fresh = build_site(content, tmp_path / "fresh")
    assert_same_site(served, fresh)  # (a preview has no manifest and no feed)


def test_where_files_cannot_be_hard_linked_they_are_written(tmp_path: Path, monkeypatch, rendered: list[str]) -> None:
    """An output folder on a file system without hard links: a business whose record holds is made
    (and written) instead of failing the build."""
    import errno

    content = make_content(tmp_path, THREE_TIERS)
    _build(content, tmp_path / "warm", tmp_path / "cache")
    forget_last_build(tmp_path / "cache")

    def no_links(source, target, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    rendered.clear()
    result = _build(content, tmp_path / "warm", tmp_path / "cache")
    assert result.kept == 0 and sorted(set(rendered)) == ["brisa", "brisa-soporte", "cafe-nino"]
    _build(content, tmp_path / "cold", None)
    assert _same_tree(tmp_path / "warm", tmp_path / "cold") == []
    assert_manifest_is_true(tmp_path / "warm")
