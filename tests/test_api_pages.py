"""``api/businesses.json`` paged past a size (issue #18, item 3): the same records, in stable pages.

The thresholds are lowered here (``PAGED_FROM``, ``PAGE_MOST``) so that a directory of a dozen
businesses is paged; the build and the live preview read them at run time.
"""

from __future__ import annotations

import json
import random
import string
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import AS_OF, THREE_TIERS, build_site, make_content
from generator.publish import api_pages

IDS = st.lists(st.text(alphabet="abc-1", min_size=1, max_size=6).filter(
    lambda s: s[0] != "-" and s[-1] != "-" and "--" not in s), unique=True, max_size=60).map(sorted)


@settings(max_examples=300, deadline=None)
@given(IDS, st.integers(min_value=1, max_value=7))
def test_a_page_plan_covers_every_id_in_order_and_each_id_is_found_by_its_longest_prefix(ids, most) -> None:
    plan = api_pages.page_plan(ids, most)
    assert [i for _, start, end in plan for i in ids[start:end]] == ids  # every id once, in order
    assert len({prefix for prefix, _, _ in plan}) == len(plan)  # one page per prefix
    for prefix, start, end in plan:
        assert all(i.startswith(prefix) for i in ids[start:end])
        assert end - start <= most or end - start == 1 or all(len(i) <= len(prefix) for i in ids[start:end])
        for i in ids[start:end]:  # a client finds an id's page by the longest prefix that starts it
            assert max((p for p, _, _ in plan if i.startswith(p)), key=len) == prefix


def _businesses(count: int) -> dict[str, str]:
    rng = random.Random(18)
    rows = []
    for n in range(count):
        word = "".join(rng.choice("abcd") for _ in range(rng.randint(1, 4)))
        rows.append(f"- id: {word}-{n}\n  name: Shop {word.title()} {n}\n  whatsapp: '+34 655 00 {n // 100:02d} {n % 100:02d}'\n"
                    f"  category: Bakery\n")
    return {"businesses/many.yaml": "".join(rows)}


def _api(output: Path) -> dict[str, object]:
    return json.loads((output / "api/businesses.json").read_text("utf-8"))


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_pages, "PAGED_FROM", 10)
    monkeypatch.setattr(api_pages, "PAGE_MOST", 4)


def test_below_the_size_the_single_file_is_unchanged(tmp_path: Path) -> None:
    output = build_site(make_content(tmp_path, {**THREE_TIERS, **_businesses(30)}))
    assert not (output / "api/businesses").exists()
    whole = _api(output)
    assert list(whole) == ["as_of", "businesses"] and len(whole["businesses"]) == 33


def test_past_the_size_the_index_lists_pages_holding_the_same_records_byte_for_byte(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = make_content(tmp_path, {**THREE_TIERS, **_businesses(30)})
    single = build_site(content, tmp_path / "single")
    monkeypatch.setattr(api_pages, "PAGED_FROM", 10)
    monkeypatch.setattr(api_pages, "PAGE_MOST", 4)
    paged = build_site(content, tmp_path / "paged")
    index = _api(paged)
    assert index["as_of"] == AS_OF.isoformat() and index["total"] == 33
    records, raw = [], []
    for page in index["pages"]:
        text = (paged / "api" / page["href"]).read_text("utf-8")
        data = json.loads(text)
        assert list(data) == ["prefix", "businesses"] and data["prefix"] == page["prefix"]  # the date: index only
        ids = [b["id"] for b in data["businesses"]]
        assert page["count"] == len(ids) and [page["first"], page["last"]] == [ids[0], ids[-1]]
        assert all(i.startswith(page["prefix"]) for i in ids) and (len(ids) <= 4 or len(ids) == 1)
        records += data["businesses"]
        raw += [json.dumps(b, ensure_ascii=False, indent=1) for b in data["businesses"]]
    assert records == _api(single)["businesses"]  # the same records, in the same id order
    files = sorted(p.relative_to(paged).as_posix() for p in (paged / "api/businesses").iterdir())
    assert files == sorted(f"api/{p['href']}" for p in index["pages"])
    manifest = json.loads((paged / "manifest.json").read_text("utf-8"))["files"]
    assert set(files) <= set(manifest)  # listed, hashed and signed like every other file


def test_adding_a_business_rewrites_its_page_and_the_index_only(tmp_path: Path, small_pages: None) -> None:
    files = {**THREE_TIERS, **_businesses(30)}
    content = make_content(tmp_path, files)
    before = build_site(content, tmp_path / "before")
    (content / "businesses/new.yaml").write_text(
        "id: dd-new\nname: Brand New\nwhatsapp: '+34 655 99 99 99'\ncategory: Bakery\n", encoding="utf-8")
    after = build_site(content, tmp_path / "after")
    changed = sorted(p.relative_to(after).as_posix() for p in (after / "api").rglob("*.json")
                     if not (before / p.relative_to(after)).is_file()
                     or (before / p.relative_to(after)).read_bytes() != p.read_bytes())
    page = next(p for p in _api(after)["pages"] if "dd-new".startswith(p["prefix"]))
    assert set(changed) <= {"api/businesses.json", f"api/{page['href']}", "api/changes.json", "api/feed-state.json"}
    assert f"api/{page['href']}" in changed


def test_the_next_day_rewrites_the_index_and_no_page(tmp_path: Path, small_pages: None) -> None:
    """Issue #16 item 4: the as-of date is in the index only, so a daily sync uploads no page."""
    content = make_content(tmp_path, {**THREE_TIERS, **_businesses(30)})
    before = build_site(content, tmp_path / "before")
    after = build_site(content, tmp_path / "after", as_of=AS_OF + timedelta(days=1))
    pages = sorted(p.relative_to(after).as_posix() for p in (after / "api/businesses").iterdir())
    assert len(pages) > 3 and all((after / p).read_bytes() == (before / p).read_bytes() for p in pages)
    assert _api(after)["as_of"] == (AS_OF + timedelta(days=1)).isoformat() != _api(before)["as_of"]


def test_the_live_preview_pages_the_same_way_after_edits_that_split_and_merge_pages(
        tmp_path: Path, small_pages: None) -> None:
    from generator.preview.incremental import IncrementalBuilder
    from generator.record import published_only

    content = make_content(tmp_path, {**THREE_TIERS, **_businesses(8)})  # 11 businesses: paged
    builder = IncrementalBuilder(content, tmp_path / "served", AS_OF)
    assert builder.build().ok
    rng = random.Random(7)
    paged: list[bool] = []
    for step in range(6):
        if step % 3 == 2:  # remove businesses: back under the size (6), then past it again
            for added in (content / "businesses").glob("add*.yaml"):
                added.unlink()
            text = (content / "businesses/many.yaml").read_text("utf-8")
            (content / "businesses/many.yaml").write_text("".join(text.split("- id: ")[:1] + [
                "- id: " + row for row in text.split("- id: ")[1:4]]), encoding="utf-8")
        else:
            word = "".join(rng.choice(string.ascii_lowercase[:3]) for _ in range(2))
            (content / f"businesses/add{step}.yaml").write_text(
                f"- id: {word}-x{step}\n  name: Added {step}\n  whatsapp: '+34 655 88 00 {step:02d}'\n"
                f"- id: {word}-y{step}\n  name: Added More {step}\n  whatsapp: '+34 655 88 01 {step:02d}'\n",
                encoding="utf-8")
        assert builder.update().ok
        fresh = build_site(content, tmp_path / f"fresh{step}")
        paged.append((fresh / "api/businesses").is_dir())
        served = {p.relative_to(tmp_path / "served").as_posix(): p.read_bytes()
                  for p in (tmp_path / "served").rglob("*") if p.is_file()}
        expected = {rel: p.read_bytes() for p in fresh.rglob("*") if p.is_file()
                    if not published_only(rel := p.relative_to(fresh).as_posix())}
        assert sorted(served) == sorted(expected), step
        assert [rel for rel in sorted(served) if served[rel] != expected[rel]] == [], step
    assert paged == [True, True, False, False, True, False]  # the walk crossed the size both ways
