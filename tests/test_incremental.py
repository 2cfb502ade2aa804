"""The live preview's incremental rebuilds equal a clean build, after any sequence of edits.

A seeded random walk edits a small directory the ways an operator does —
renames, new numbers, categories, businesses added, deleted and moved between
files, register rows and verification records changed, logos replaced,
templates overridden and edited, FAQ pages, broken files that are later
fixed — and after every step compares the folder the preview serves, byte for
byte and file for file, with a fresh ``build()`` of the same content.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import AS_OF, LOGO_SVG, SITE_YAML, THREE_TIERS, build_site, make_content
from generator.record import published_only
from generator.build import load_site
from generator.diagnostics import BuildFailed
from generator.preview import liverender
from generator.cache.store import DiskStore
from generator.preview.incremental import IncrementalBuilder
from generator.preview.livejson import LiveBusinessesJson
from generator.search.keeper import IndexHelper, InlineIndexes

CATEGORIES = ["Café", "Airline", "Bakery", "Pharmacy", "Cafe", ""]  # "Café" and "Cafe" share a slug
CITIES = ["Madrid", "Sevilla", "Bilbao", "", "Ávila"]
WORDS = ["Brisa", "Niño", "Sol", "Luna", "Mar", "Aerolíneas", "Farmacia", "Panadería", "Zeta", "Alba"]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


def assert_same_site(served: Path, fresh: Path) -> None:
    a, b = tree(served), {p: data for p, data in tree(fresh).items() if not published_only(p)}
    assert sorted(a.keys() - b.keys()) == [], "files only in the served folder"
    assert sorted(b.keys() - a.keys()) == [], "files missing from the served folder"
    assert [p for p in sorted(a) if a[p] != b[p]] == []
    assert folders(served) == folders(fresh)


@dataclass
class Directory:
    """The content as data; ``write`` puts the files that changed on disk and says which."""

    root: Path
    rng: random.Random
    businesses: dict[str, dict] = field(default_factory=dict)  # id → fields, with "file"
    register: dict[str, list[str]] = field(default_factory=dict)  # company_id → phones
    records: list[dict] = field(default_factory=list)
    logos: dict[str, str] = field(default_factory=dict)  # logo file → svg text
    templates: dict[str, str] = field(default_factory=dict)
    faq: dict[str, str] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)  # file → text written instead of its content
    tick: int = 0
    numbers: int = 0

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def template_dir(self) -> Path:
        return self.root / "templates"

    def number(self) -> str:
        self.numbers += 1
        digits = f"{self.numbers:05d}"
        return f"+34 6{digits[:2]} {digits[2:]} {self.rng.randrange(100, 999)}"

    def files(self) -> dict[Path, str]:
        out: dict[Path, str] = {self.content / "site.yaml": SITE_YAML}
        by_file: dict[str, list[str]] = {}
        for business_id, fields in sorted(self.businesses.items()):
            lines = [f"- id: {business_id}"] + [f"  {k}: {v!r}" if isinstance(v, str) else f"  {k}: {v}"
                                                  for k, v in fields.items() if k != "file" and v != ""]
            by_file.setdefault(fields["file"], []).append("\n".join(lines).replace("'", '"'))
        for name, items in by_file.items():
            out[self.content / "businesses" / name] = "\n".join(items) + "\n"
        rows = [f'- company_id: {c}\n  legal_name: "{c} S.L."\n  phones: [{", ".join(repr(p) for p in phones)}]'.replace("'", '"')
                for c, phones in sorted(self.register.items())]
        if rows:
            out[self.content / "register" / "register.yaml"] = "\n".join(rows) + "\n"
        records = [f'- business: {r["business"]}\n  whatsapp: "{r["whatsapp"]}"\n  verified_on: {r["verified_on"]}\n'
                   f'  expires: {r["expires"]}\n  method: video-call\n  revoked: {str(r["revoked"]).lower()}' for r in self.records]
        if records:
            out[self.content / "verifications" / "2026.yaml"] = "\n".join(records) + "\n"
        out.update((self.content / "logos" / name, svg) for name, svg in self.logos.items())
        out.update((self.content / "faq" / name, text) for name, text in self.faq.items())
        out.update((self.template_dir / name, text) for name, text in self.templates.items())
        for name, text in self.broken.items():
            out[self.content / name] = text
        return out

    def write(self, before: dict[Path, str]) -> list[Path]:
        """Write what changed since ``before``; each write gets a new mtime, as a save would."""
        after = self.files()
        changed = []
        for path in sorted(before.keys() - after.keys()):
            path.unlink()
            changed.append(path)
        for path, text in after.items():
            if before.get(path) != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                self.tick += 1
                os.utime(path, ns=(1_700_000_000_000_000_000 + self.tick * 10_000_000,) * 2)
                changed.append(path)
        return changed


def starting_directory(root: Path, rng: random.Random) -> Directory:
    d = Directory(root, rng)
    d.template_dir.mkdir(parents=True)
    for n in range(9):
        add_business(d)
    first = sorted(d.businesses)[0]
    d.businesses[first].update(company_id="C1", logo="logos/one.svg")
    d.register["C1"] = [d.businesses[first]["whatsapp"]]
    d.records.append({"business": first, "whatsapp": d.businesses[first]["whatsapp"], "verified_on": "2026-01-10",
                      "expires": "2027-01-10", "revoked": False})
    d.logos["one.svg"] = LOGO_SVG
    d.faq["badges.md"] = "---\ntitle: What the badges mean\norder: 1\n---\nSome **text**.\n"
    d.write({})
    return d


def first_build(d: Directory, **options: object) -> tuple[Path, IncrementalBuilder]:
    """The preview's folder and builder for ``d``, after its first (full) build."""
    served = d.root / "served"
    builder = IncrementalBuilder(d.content, served, AS_OF, templates=d.template_dir, **options)  # type: ignore[arg-type]
    assert builder.build().ok
    return served, builder


def add_business(d: Directory) -> str:
    business_id = f"b{len(d.businesses)}-{d.rng.randrange(1000)}"
    d.businesses[business_id] = {
        "file": d.rng.choice(["a.yaml", "b.yaml", "c.yaml"]),
        "name": " ".join(d.rng.sample(WORDS, d.rng.choice([1, 2]))), "whatsapp": d.number(),
        "category": d.rng.choice(CATEGORIES), "city": d.rng.choice(CITIES),
        "description": d.rng.choice(["", "Open *every* day."]),
    }
    return business_id


def edit(d: Directory) -> str:
    """One random edit; returns its name (for the failure message)."""
    rng = d.rng
    ids = sorted(d.businesses)
    target = rng.choice(ids) if ids else None
    kind = rng.choice(["rename", "rename", "number", "category", "city", "add", "add", "delete", "move", "register",
                       "verify", "revoke", "logo", "template", "template", "faq", "static", "imitate", "broken"])
    if d.broken and rng.random() < 0.7:
        d.broken.clear()
        return "fix broken file"
    if kind == "add" or target is None:
        return f"add {add_business(d)}"
    fields = d.businesses[target]
    if kind == "rename":
        fields["name"] = " ".join(rng.sample(WORDS, rng.choice([1, 2, 3])))
    elif kind == "number":
        fields["whatsapp"] = d.number()
    elif kind == "category":
        fields["category"] = rng.choice(CATEGORIES)
    elif kind == "city":
        fields["city"] = rng.choice(CITIES)
    elif kind == "delete":
        del d.businesses[target]
    elif kind == "move":
        fields["file"] = rng.choice(["a.yaml", "b.yaml", "c.yaml", "d.yaml"])
    elif kind == "register":
        company = rng.choice(["C1", "C2"])
        fields["company_id"] = company
        d.register[company] = [fields["whatsapp"]] if rng.random() < 0.7 else ["+34 699 000 000"]
    elif kind == "verify":
        fields.update(company_id="C2", logo="logos/two.svg")
        d.register["C2"] = [fields["whatsapp"]]
        d.logos.setdefault("two.svg", LOGO_SVG.replace("#080", "#008"))
        d.records.append({"business": target, "whatsapp": fields["whatsapp"], "verified_on": "2026-02-01",
                          "expires": rng.choice(["2027-02-01", "2026-06-01"]), "revoked": False})
    elif kind == "revoke" and d.records:
        record = rng.choice(d.records)
        record["revoked"] = not record["revoked"]
    elif kind == "logo":
        d.logos["one.svg"] = LOGO_SVG.replace("#080", rng.choice(["#800", "#080", "#888"]))
    elif kind == "template":
        name = rng.choice(["partials/card.html", "business.html", "partials/meta.html", "partials/listing.html"])
        if name in d.templates and rng.random() < 0.4:
            del d.templates[name]
        elif name == "business.html":
            d.templates[name] = '{% extends "default/business.html" %}{% block title %}' + rng.choice(WORDS) + ' · {{ business.name }}{% endblock %}\n'
        elif name == "partials/listing.html":
            cards = rng.choice(['{% for business in businesses %}{% include "partials/card.html" %}{% endfor %}',
                                '{% for business in businesses %}{{ partial_cached("partials/card.html", business) }}{% endfor %}',
                                '{{ partial_each("partials/card.html", businesses) }}'])
            d.templates[name] = "<p>{{ pagination.total }} in all</p>" + cards + "\n"
        elif name == "partials/meta.html":
            d.templates[name] = f'<meta name="x-test" content="{rng.choice(WORDS)} {{{{ site.total }}}}">\n'
        else:  # a card may show a site-wide value: cards kept from the last update must follow it
            shown = rng.choice(["", " of {{ site.total }}", " ({{ site.tier_counts.verified }} verified)"])
            d.templates[name] = ('<li class="card">' + rng.choice(WORDS) + shown +
                                 ' <a href="{{ home }}{{ business.href }}">{{ business.name }}</a></li>\n')
    elif kind == "faq":
        d.faq[rng.choice(["badges.md", "privacy.md"])] = f"---\ntitle: {rng.choice(WORDS)}\norder: {rng.randrange(3)}\n---\nText.\n"
    elif kind == "static":
        d.templates["static/extra.css"] = f"body {{ color: {rng.choice(['red', 'blue'])}; }}\n"
    elif kind == "imitate":
        verified = [r["business"] for r in d.records if r["business"] in d.businesses]
        if verified:
            fields["name"] = d.businesses[verified[0]]["name"] + " Soporte"
    elif kind == "broken":
        d.broken[f"businesses/{fields['file']}"] = "- id: [unclosed\n"
    return f"{kind} {target}"


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_incremental_updates_equal_a_clean_build(tmp_path: Path, seed: int) -> None:
    builder = random_edits_equal_clean_builds(tmp_path, seed)
    assert isinstance(builder.indexes, InlineIndexes)


@pytest.mark.parametrize("seed", [6, 7, 8])
def test_incremental_updates_with_a_search_index_helper_equal_a_clean_build(
        tmp_path: Path, seed: int) -> None:
    """The helper process rebuilds the search index while the pages render; the result is the same."""
    builder = random_edits_equal_clean_builds(tmp_path, seed, jobs=2)
    assert isinstance(builder.indexes, IndexHelper)
    builder.close()


@pytest.mark.parametrize("seed", [9, 10])
def test_a_preview_on_the_build_cache_equals_a_clean_build(tmp_path: Path, seed: int) -> None:
    """The preview reads and fills the same cache as ``badgedir build``: edit by edit, it still equals a cold build."""
    builder = random_edits_equal_clean_builds(tmp_path, seed, store=DiskStore(folder=tmp_path / "cache"))
    assert builder.store.misses > 0  # it was used: each edit's new pages went into it
    builder.close()


def test_a_restarted_preview_starts_from_the_cache_and_equals_a_clean_build(tmp_path: Path) -> None:
    d = starting_directory(tmp_path, random.Random(11))
    served, builder = first_build(d, store=DiskStore(folder=tmp_path / "cache"))
    before = d.files()
    edit(d)
    builder.update(d.write(before))
    builder.close()
    restarted = IncrementalBuilder(d.content, tmp_path / "again", AS_OF, templates=d.template_dir,
                                   store=DiskStore(folder=tmp_path / "cache"))
    assert restarted.build().ok
    restarted.close()
    fresh = tmp_path / "fresh"
    build_site(d.content, fresh, templates=d.template_dir)
    assert_same_site(tmp_path / "again", fresh)
    assert restarted.store.misses < restarted.store.hits  # the pages and files of the first session were reused


def random_edits_equal_clean_builds(tmp_path: Path, seed: int, **options: object) -> IncrementalBuilder:
    rng = random.Random(seed)
    d = starting_directory(tmp_path, rng)
    served, builder = first_build(d, **options)
    assert builder.plan_order_known
    steps = []
    for step in range(22):
        before = d.files()
        steps.append(edit(d))
        changed = d.write(before)
        # watcher hints, or a scan of everything; sometimes the search index later, as the server does it
        result = builder.update(changed if step % 2 else None, defer_search=step % 3 == 0)
        builder.catch_up()
        fresh = tmp_path / "fresh"
        shutil.rmtree(fresh, ignore_errors=True)
        try:
            build_site(d.content, fresh, templates=d.template_dir)
        except Exception as failed:  # noqa: BLE001 - the same content must fail the same way
            assert not result.ok, f"after {steps}: the build failed ({failed}) but the update did not"
            assert [str(e) for e in result.errors] == [str(e) for e in getattr(failed, "diagnostics", [])]
            continue
        assert result.ok, f"after {steps}: {result.errors}"
        assert_same_site(served, fresh)
        site, _ = load_site(d.content, AS_OF)
        assert builder.live is not None and builder.live.site == site
        assert list(builder.live.site.entries) == list(site.entries)
    return builder


def test_an_edit_rerenders_only_the_pages_showing_that_business(tmp_path: Path) -> None:
    d = starting_directory(tmp_path, random.Random(7))
    for _ in range(250):
        add_business(d)
    for fields in d.businesses.values():
        fields["category"], fields["city"] = "Bakery", "Madrid"
    d.write({})
    _, builder = first_build(d)
    target = sorted(d.businesses)[100]
    before = d.files()
    d.businesses[target]["whatsapp"] = d.number()
    result = builder.update(d.write(before))
    # its page; the A–Z, category and tier pages it is on; nothing else
    assert result.ok and result.pages == 4
    before = d.files()
    d.businesses[target]["description"] = "Now open on Sundays."
    result = builder.update(d.write(before))
    assert result.ok and result.pages == 1


def test_a_content_error_keeps_the_last_good_site_until_fixed(tmp_path: Path) -> None:
    d = starting_directory(tmp_path, random.Random(3))
    served, builder = first_build(d)
    good = tree(served)
    target = sorted(d.businesses)[0]
    before = d.files()
    d.businesses[target]["name"] = "Renamed"
    d.broken["businesses/zz.yaml"] = "- id: broken\n  name: Broken\n  whatsapp: not a number\n"
    result = builder.update(d.write(before))
    assert not result.ok
    assert [str(e) for e in result.errors] == ["businesses/zz.yaml:3: whatsapp: 'not a number' is not a phone number"] or \
        all(str(e).startswith("businesses/zz.yaml:3: whatsapp:") for e in result.errors)
    assert tree(served) == good
    before = d.files()
    d.broken.clear()
    assert builder.update(d.write(before)).ok  # the rename, held back by the error, now shows
    fresh = build_site(d.content, tmp_path / "fresh", templates=d.template_dir)
    assert_same_site(served, fresh)


def test_the_preview_reports_what_a_build_reports_beside_a_field_error(tmp_path: Path) -> None:
    """A broken record's id still clashes, and a name's badge claim is still judged, in the preview too."""
    d = starting_directory(tmp_path, random.Random(5))
    served, builder = first_build(d)
    target = sorted(d.businesses)[0]
    before = d.files()
    d.broken["businesses/zz.yaml"] = (f"- id: {target}\n  name: Broken\n  whatsapp: not a number\n"
                                      "- id: zz-claim\n  name: Zz Verified\n  whatsapp: '+34 699 99 99 98'\n")
    result = builder.update(d.write(before))
    with pytest.raises(BuildFailed) as failed:
        build_site(d.content, tmp_path / "fresh", templates=d.template_dir)
    expected = [str(e) for e in failed.value.diagnostics]
    assert [str(e) for e in result.errors] == expected and len(expected) == 3
    assert any("says 'verified'" in e for e in expected) and any("is already used by" in e for e in expected)


def test_a_template_error_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    d = starting_directory(tmp_path, random.Random(4))
    served, builder = first_build(d)
    good = tree(served)
    before = d.files()
    d.templates["partials/card.html"] = "{% if %}\n"
    result = builder.update(d.write(before))
    assert not result.ok and result.errors[0].path == "partials/card.html"
    assert tree(served) == good
    before = d.files()
    d.templates["partials/card.html"] = "<li>{{ business.name }}</li>\n"
    assert builder.update(d.write(before)).ok
    assert_same_site(served, build_site(d.content, tmp_path / "fresh", templates=d.template_dir))


@pytest.mark.parametrize("helper", [False, True])
def test_a_template_failing_on_an_edited_business_leaves_the_search_index_as_it_was(
        tmp_path: Path, helper: bool) -> None:
    """The helper starts on the edit before the pages render; when they fail, it goes back and writes nothing."""
    d = starting_directory(tmp_path, random.Random(5))
    d.templates["business.html"] = ('{% extends "default/business.html" %}{% block title %}'
                                    '{% if business.name == "Aaa Boom" %}{{ business.no_such_field }}{% endif %}'
                                    '{{ business.name }}{% endblock %}\n')
    d.write({})
    served, builder = first_build(d, jobs=2 if helper else 1)
    good = tree(served)
    target = sorted(d.businesses)[-1]
    before = d.files()
    d.businesses[target]["name"] = "Aaa Boom"  # first in A–Z: renumbers the whole search index
    result = builder.update(d.write(before))
    assert not result.ok and result.errors[0].path == "business.html"
    assert tree(served) == good
    before = d.files()
    d.businesses[target]["name"] = "Aaa Boomerang"
    assert builder.update(d.write(before)).ok
    assert_same_site(served, build_site(d.content, tmp_path / "fresh", templates=d.template_dir))
    builder.close()


@pytest.mark.parametrize("helper", [False, True], ids=["inline", "helper"])
def test_an_update_that_fails_halfway_is_followed_by_a_full_build(
        tmp_path: Path, helper: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk that fails while pages are written (or a bug) leaves what is served and what the builder
    knows apart, and the helper holding an edit never committed: the next update starts afresh."""
    d = starting_directory(tmp_path, random.Random(9))
    served, builder = first_build(d, jobs=2 if helper else 1)
    target = sorted(d.businesses)[-1]
    write = liverender.Rendered.write

    def full_disk(self: object, served: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(liverender.Rendered, "write", full_disk)
    before = d.files()
    d.businesses[target]["name"] = "Aaa First"  # renumbers the whole search index
    with pytest.raises(OSError):
        builder.update(d.write(before))
    monkeypatch.setattr(liverender.Rendered, "write", write)
    before = d.files()
    d.businesses[sorted(d.businesses)[0]]["name"] = "Zzz Last"
    result = builder.update(d.write(before))
    assert result.ok and result.full
    before = d.files()
    d.businesses[target]["description"] = "Open on Sundays."
    assert builder.update(d.write(before)).ok
    assert_same_site(served, build_site(d.content, tmp_path / "fresh", templates=d.template_dir))
    builder.close()


def test_a_catch_up_that_fails_is_followed_by_a_full_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deferred search index and sitemap: a failure writing them leaves them stale on disk, so the
    next update starts afresh instead of trusting them."""
    d = starting_directory(tmp_path, random.Random(10))
    served, builder = first_build(d)
    before = d.files()
    d.businesses[sorted(d.businesses)[-1]]["name"] = "Aaa First"
    assert builder.update(d.write(before), defer_search=True).ok
    catch_up = builder.indexes.catch_up  # type: ignore[union-attr]

    def full_disk(served: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(builder.indexes, "catch_up", full_disk)
    with pytest.raises(OSError):
        builder.catch_up()
    monkeypatch.setattr(builder.indexes, "catch_up", catch_up)
    before = d.files()
    d.businesses[sorted(d.businesses)[1]]["description"] = "Open on Sundays."
    result = builder.update(d.write(before))
    assert result.ok and result.full
    assert_same_site(served, build_site(d.content, tmp_path / "fresh", templates=d.template_dir))


def test_the_search_index_helper_finishes_and_stops_when_the_builder_closes(tmp_path: Path) -> None:
    d = starting_directory(tmp_path, random.Random(6))
    served, builder = first_build(d, jobs=2)
    helper = builder.indexes
    assert isinstance(helper, IndexHelper) and helper.process.is_alive()
    before = d.files()
    add_business(d)
    assert builder.update(d.write(before), defer_search=True).ok
    builder.close()  # with a rebuild still in flight: it is written, then the helper exits
    assert not helper.process.is_alive() and helper.process.exitcode == 0
    assert builder.indexes is None
    fresh = build_site(d.content, tmp_path / "fresh", templates=d.template_dir)
    indexes = [(p, body) for p, body in tree(served).items() if p.startswith(("search/", "lookup/"))]
    assert indexes == [(p, body) for p, body in tree(fresh).items() if p.startswith(("search/", "lookup/"))]


def test_a_full_rebuild_hands_the_same_helper_the_new_site(tmp_path: Path) -> None:
    """site.yaml changed: everything is rebuilt, the search index by the helper forked at the first build."""
    d = starting_directory(tmp_path, random.Random(8))
    served, builder = first_build(d, jobs=2)
    helper = builder.indexes
    before = d.files()
    add_business(d)  # proposed to the helper, then a template error withdraws it
    d.templates["partials/card.html"] = "{% if %}\n"
    assert not builder.update(d.write(before)).ok
    config = d.content / "site.yaml"
    config.write_text(SITE_YAML.replace("default_region: ES", "default_region: PT"), encoding="utf-8")
    before = d.files()
    del d.templates["partials/card.html"]
    d.write(before)
    result = builder.update(None)
    assert result.ok and result.full and builder.indexes is helper
    fresh = build_site(d.content, tmp_path / "fresh", templates=d.template_dir)
    assert json.loads((fresh / "lookup/manifest.json").read_text())["region"] == "PT"
    assert_same_site(served, fresh)
    builder.close()


def test_pages_that_do_not_show_a_count_are_not_rerendered_when_it_changes(tmp_path: Path) -> None:
    """A category's count is shown on its own pages and on the first A–Z page, not on every page: a new
    business re-renders its own page and the listings it joins, not the whole site (a search box that
    listed the counts in every page's header would make every page stale)."""
    from generator.render.templates import builtin_dir

    d = starting_directory(tmp_path, random.Random(8))
    for _ in range(120):
        add_business(d)
    box = (builtin_dir("templates") / "partials" / "search_box.html").read_text(encoding="utf-8")
    d.templates["partials/search_box.html"] = box.replace(" ({{ category.count }})", "")
    d.write({})
    builder = IncrementalBuilder(d.content, tmp_path / "served", AS_OF, templates=d.template_dir)
    total = builder.build().pages
    before = d.files()
    new = add_business(d)
    d.businesses[new].update(category="Bakery", city="Madrid", file="new.yaml")  # a file of its own: no line moves
    result = builder.update(d.write(before))
    assert result.ok and result.pages < total // 10
    assert_same_site(tmp_path / "served", build_site(d.content, tmp_path / "fresh", templates=d.template_dir))


def test_template_reads_follow_loops_over_shared_values(tmp_path: Path) -> None:
    import jinja2

    from generator.render.template_deps import template_reads

    env = jinja2.Environment(loader=jinja2.DictLoader({
        "page.html": '{% extends "base.html" %}{% block b %}{{ pagination.number }}{% endblock %}',
        "base.html": "{% for c in site.categories %}{{ c.name }}{% endfor %}{{ site.title }}{% block b %}{% endblock %}"
                     '{% include "part.html" ignore missing %}{{ helper("partials/x.html") }}',
        "dynamic.html": "{% include name %}",
        "whole.html": "{{ site }}",
    }))
    reads = template_reads(env, "page.html")
    assert reads is not None
    assert reads.templates == {"page.html", "base.html", "part.html", "partials/x.html"}
    assert reads.fields["site"] == {"categories": frozenset({"name"}), "title": None}
    assert reads.fields["pagination"] == {"number": None}
    assert template_reads(env, "dynamic.html") is None
    assert template_reads(env, "whole.html").fields["site"] is None  # type: ignore[union-attr]


def test_a_listing_that_shows_the_total_follows_it(tmp_path: Path) -> None:
    d = starting_directory(tmp_path, random.Random(9))
    for _ in range(230):
        add_business(d)
    d.templates["partials/listing.html"] = ("<p>{{ pagination.total }} in all</p>{% for business in businesses %}"
                                            '{% include "partials/card.html" %}{% endfor %}\n')
    d.write({})
    served, builder = first_build(d)
    before = d.files()
    new = add_business(d)
    d.businesses[new].update(name="Zzz Último", category="", file="new.yaml")  # lands on the last A–Z page
    assert builder.update(d.write(before)).ok
    assert_same_site(served, build_site(d.content, tmp_path / "fresh", templates=d.template_dir))
    assert "240 in all" in (served / "index.html").read_text()


def test_an_edit_that_shifts_many_pages_renders_them_in_workers_and_equals_a_clean_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Over IN_MEMORY_PAGES pages go to forked workers, which start from the cards the last update kept."""
    monkeypatch.setattr(liverender, "IN_MEMORY_PAGES", 300)
    d = starting_directory(tmp_path, random.Random(11))
    for _ in range(450):
        add_business(d)
    d.write({})
    served, builder = first_build(d, jobs=2)
    before = d.files()
    d.templates["business.html"] = '{% extends "default/business.html" %}{% block title %}New · {{ business.name }}{% endblock %}\n'
    first = sorted(d.businesses)[0]
    d.businesses[first]["name"] = "Zzz Renamed"  # and it moves to the end of A–Z
    result = builder.update(d.write(before))
    assert result.ok and result.pages > liverender.IN_MEMORY_PAGES
    assert_same_site(served, build_site(d.content, tmp_path / "fresh", templates=d.template_dir))
    assert "Zzz Renamed" in (served / f"b/{first}/index.html").read_text()


def test_a_deferred_update_writes_pages_first_then_search_and_sitemap_on_catch_up(tmp_path: Path) -> None:
    d = starting_directory(tmp_path, random.Random(13))
    served, builder = first_build(d)
    before = d.files()
    new = add_business(d)
    d.businesses[new]["name"] = "Quokka Newcomer"  # no look-alike of a verified name: those leave the sitemap
    result = builder.update(d.write(before), defer_search=True)
    assert result.ok and (served / f"b/{new}/index.html").is_file()
    assert f"b/{new}/" not in (served / "sitemap.xml").read_text()  # for crawlers: it can wait for the reload
    assert builder.catch_up() is not None
    assert f"https://dir.example.org/b/{new}/" in (served / "sitemap.xml").read_text()
    assert_same_site(served, build_site(d.content, tmp_path / "fresh", templates=d.template_dir))
    assert builder.catch_up() is None


@pytest.mark.parametrize("seed", range(12))
def test_businesses_json_spliced_edit_by_edit_equals_the_file_written_whole(seed: int) -> None:
    from types import SimpleNamespace

    from generator.publish.api import join_businesses, json_head

    rng = random.Random(seed)
    pieces = {f"b{n:03d}": f'  {{"id": "b{n:03d}"}}'.encode() for n in range(rng.randrange(2, 6))}
    site = SimpleNamespace(entries=dict.fromkeys(sorted(pieces)), as_of=AS_OF)
    kept = LiveBusinessesJson(site, dict(pieces))  # type: ignore[arg-type]
    for _ in range(40):
        ids = sorted(pieces)
        changed = set(rng.sample(ids, rng.randrange(0, min(3, len(ids)) + 1)))  # down to none left, and back
        for business_id in changed:
            if rng.random() < 0.4:
                del pieces[business_id]
            else:
                pieces[business_id] = f'  {{"id": "{business_id}", "v": {rng.randrange(99)}}}'.encode()
        for _ in range(rng.randrange(0, 3)):
            added = f"b{rng.randrange(1000):03d}"
            pieces[added] = f'  {{"id": "{added}", "new": true}}'.encode()
            changed.add(added)
        site = SimpleNamespace(entries=dict.fromkeys(sorted(pieces)), as_of=AS_OF)
        whole = b"".join([json_head(site), *join_businesses(pieces[i] for i in site.entries)])  # type: ignore[arg-type]
        kept.update(site, frozenset(changed), {i: pieces[i] for i in changed if i in pieces})  # type: ignore[arg-type]
        assert kept.data == whole


def test_each_language_keeps_its_own_compiled_templates_across_updates(tmp_path: Path) -> None:
    """Compiled templates hold their language's translations, so the preview must not hand the
    Spanish ones to the English pages (or back) when it reuses them after an edit."""
    site = SITE_YAML.replace("language: en", "languages: [es, en]")
    content = make_content(tmp_path, {**THREE_TIERS, "site.yaml": site})
    served = tmp_path / "served"
    builder = IncrementalBuilder(content, served, AS_OF, jobs=1)
    try:
        assert builder.build().ok
        shops = content / "businesses" / "shops.yaml"
        shops.write_text(shops.read_text(encoding="utf-8").replace("Aerolíneas Brisa", "Aerolíneas Brisa Sur"), "utf-8")
        assert builder.update([shops]).ok
    finally:
        builder.close()
    assert "Sitio web" in (served / "b/brisa/index.html").read_text(encoding="utf-8")
    assert "Website" in (served / "en/b/brisa/index.html").read_text(encoding="utf-8")
    assert_same_site(served, build_site(content, tmp_path / "fresh"))
