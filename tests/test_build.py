"""Building a whole site: the pages, the data, the output folder's safety."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conftest import AS_OF, THREE_TIERS, build_site, make_content
from generator.diagnostics import BuildFailed, UsageError
from html_tree import page


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_business_pages_show_badge_number_reasons_and_logo_only_when_verified(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    verified = page(output, "b/brisa/index.html")
    badge = verified.find("span", class_="badge")
    assert badge.attrs["data-tier"] == "verified" and badge.find(class_="badge__label").text == "Verified"
    assert verified.find("h1").text == "Aerolíneas Brisa"
    logo = verified.find("img", class_="business__logo")
    assert logo.attrs["src"].startswith("../../static/logos/") and logo.attrs["alt"] == "Logo of Aerolíneas Brisa"
    assert (output / "b/brisa" / logo.attrs["src"]).resolve().is_file()
    assert verified.find("span", class_="number").text == "+34 600 12 34 56"
    assert verified.find("a", href="https://wa.me/34600123456")
    reasons = [li.text for li in verified.find("section", class_="why").find_all("li")]
    assert reasons == [
        "The number +34 600 12 34 56 is registered to Aerolíneas Brisa S.A. (company B001) in the company register. (source: register/register.yaml:3)",
        "The directory operator verified this business and this number on January 10, 2026 (video-call); the verification is valid until January 10, 2027. (source: verifications/2026.yaml:1)",
    ]
    assert "cannot add you or message you first" in verified.find("section", class_="control").text
    assert verified.find("section", class_="description").find("strong").text == "us"

    confirmed = page(output, "b/cafe-nino/index.html")
    assert confirmed.find("span", class_="badge").attrs["data-tier"] == "confirmed"
    assert not confirmed.find_all("img")
    unverified = page(output, "b/brisa-soporte/index.html")
    assert unverified.find("span", class_="badge").text == "?Unverified"
    warning = unverified.find("div", class_="warning")
    assert "Not the verified account of Aerolíneas Brisa — different number" in warning.text
    assert warning.find("a").attrs["href"] == "../../b/brisa/index.html"


def test_logo_is_published_only_for_verified_businesses(tmp_path: Path) -> None:
    files = dict(THREE_TIERS)
    files["businesses/shops.yaml"] = files["businesses/shops.yaml"].replace(
        "          category: Café\n", "          category: Café\n          logo: logos/nino.svg\n")
    files["logos/nino.svg"] = files["logos/brisa.svg"].replace("#080", "#800")
    output = build_site(make_content(tmp_path, files))
    logos = sorted(p.name for p in (output / "static/logos").iterdir())
    assert len(logos) == 1
    nino_bytes = (tmp_path / "content/logos/nino.svg").read_bytes()
    assert all(nino_bytes not in p.read_bytes() for p in output.rglob("*") if p.is_file())


def test_api_json_shape_and_order(three_tiers: Path) -> None:
    data = json.loads((build_site(three_tiers) / "api/businesses.json").read_text())
    assert data["as_of"] == AS_OF.isoformat()
    assert [b["id"] for b in data["businesses"]] == ["brisa", "brisa-soporte", "cafe-nino"]
    first = data["businesses"][0]
    assert set(first) == {"id", "name", "tier", "whatsapp", "category", "city", "country", "website", "url", "reasons"}
    assert (first["tier"], first["whatsapp"], first["url"]) == ("verified", "+34600123456", "b/brisa/")
    assert first["reasons"][0]["source"] == "register/register.yaml:3"
    assert [b["tier"] for b in data["businesses"]] == ["verified", "unverified", "confirmed"]


def test_listings_paginate_by_100_and_link_relatively(tmp_path: Path) -> None:
    lines = []
    for i in range(205):
        lines += [f"- id: shop-{i:03d}", f"  name: Panadería {i:03d}", f'  whatsapp: "+34 600 {i:03d} 000"', "  category: Panadería"]
    output = build_site(make_content(tmp_path, {"businesses/all.yaml": "\n".join(lines) + "\n"}))
    home = page(output, "index.html")
    assert len(home.find("ol", class_="cards").find_all("li")) == 100
    assert home.find("a", rel="next").attrs["href"] == "page/2/index.html"
    third = page(output, "page/3/index.html")
    assert [a.text for a in third.find("ol", class_="cards").find_all("a", class_="card__name")] == ["Panadería 200", "Panadería 201", "Panadería 202", "Panadería 203", "Panadería 204"]
    assert third.find("a", rel="prev").attrs["href"] == "../../page/2/index.html"
    assert (output / "category/panaderia/page/3/index.html").is_file()
    for element in home.iter():
        for attr in ("href", "src"):
            value = element.attrs.get(attr, "")
            assert not value.startswith("/"), value


def test_every_badge_has_a_tier_and_a_text_label(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    for html in output.rglob("*.html"):
        for badge in page(output, html.relative_to(output).as_posix()).find_all(class_="badge"):
            assert badge.attrs["data-tier"] in {"verified", "confirmed", "unverified"}
            assert badge.find("span", class_="badge__label").text


def test_tier_category_and_faq_pages_exist(three_tiers: Path) -> None:
    files = {"faq/badges.md": "---\ntitle: What the badges mean\norder: 1\n---\nThree **badges**.\n"}
    content = make_content(three_tiers.parent, files)
    output = build_site(content)
    tier = page(output, "tier/confirmed/index.html")
    assert [a.text for a in tier.find_all("a", class_="card__name")] == ["Café Niño"]
    assert [a.text for a in page(output, "category/cafe/index.html").find_all("a", class_="card__name")] == ["Café Niño"]
    faq = page(output, "faq/badges/index.html")
    assert faq.find("h1").text == "What the badges mean" and faq.find("strong").text == "badges"
    assert page(output, "faq/index.html").find("a", href="../faq/badges/index.html")


def test_same_content_and_date_give_byte_identical_output(three_tiers: Path, tmp_path: Path) -> None:
    first = tree_digest(build_site(three_tiers, tmp_path / "one"))
    second = tree_digest(build_site(three_tiers, tmp_path / "two"))
    assert first == second


def test_failed_build_leaves_previous_output_untouched(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    before = tree_digest(output)
    (three_tiers / "businesses/broken.yaml").write_text("id: x\nname: X\nwhatsapp: nope\n")
    with pytest.raises(BuildFailed):
        build_site(three_tiers)
    assert tree_digest(output) == before
    assert not list(output.parent.glob(".badgedir-*"))


def test_template_override_and_template_errors(three_tiers: Path, tmp_path: Path) -> None:
    templates = tmp_path / "mytemplates"
    templates.mkdir()
    (templates / "faq_index.html").write_text('{% extends "default/faq_index.html" %}{% block title %}Custom FAQ{% endblock %}')
    output = build_site(three_tiers, templates=templates)
    assert page(output, "faq/index.html").find("title").text == "Custom FAQ"
    before = tree_digest(output)
    (templates / "tier.html").write_text("{% extends 'base.html' %}\n{% block content %}\n{{ no_such_value.x }}\n{% endblock %}\n")
    with pytest.raises(BuildFailed) as failed:
        build_site(three_tiers, templates=templates)
    assert str(failed.value.diagnostics[0]).startswith("tier.html:3: UndefinedError:")
    assert tree_digest(output) == before


def test_override_templates_have_jinjas_globals_and_ours(three_tiers: Path, tmp_path: Path) -> None:
    """Each template's globals are one dict made when it loads (generator/render/templates.py): Jinja's own
    (range, dict, namespace…), the translations, and the partials the renderer adds (the listing
    renders each card through ``partial_each``)."""
    templates = tmp_path / "mytemplates"
    (templates / "partials").mkdir(parents=True)
    (templates / "partials" / "card.html").write_text(
        '{% set n = namespace(total=0) %}{% for i in range(3) %}{% set n.total = n.total + i %}{% endfor %}'
        '<li class="card" data-sum="{{ n.total }}" data-keys="{{ dict(a=1)|list|join }}">{{ _("City") }}'
        '{% with badge = business.badge %}{% include "partials/badge.html" %}{% endwith %}<a href="{{ home }}{{ business.href }}">{{ business.name }}</a></li>\n')
    output = build_site(three_tiers, templates=templates)
    cards = page(output, "index.html").find_all("li", class_="card")
    assert [(c.attrs["data-sum"], c.attrs["data-keys"], c.text.startswith("City")) for c in cards] == [("3", "a", True)] * 3


def test_output_folder_must_not_overlap_content_or_foreign_files(three_tiers: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        build_site(three_tiers, three_tiers / "out")
    with pytest.raises(UsageError):
        build_site(three_tiers, three_tiers.parent)
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("keep me")
    with pytest.raises(UsageError):
        build_site(three_tiers, foreign)
    assert (foreign / "precious.txt").read_text() == "keep me"


def test_a_build_spread_over_workers_equals_one_built_in_a_single_process(tmp_path: Path, monkeypatch) -> None:
    """Pages and files made in forked workers (business pages from ids) are the single process's, byte for byte."""
    import generator.build
    import generator.engine.parallel

    monkeypatch.setattr(generator.build, "POOL_FROM", 100)  # a pool for a few hundred pages, not 500
    pools: list[int] = []
    monkeypatch.setattr(generator.engine.parallel, "return_freed_memory", lambda: pools.append(1))  # runs as a pool starts
    lines = []
    for n in range(300):
        lines += [f"- id: shop-{n:03d}", f"  name: Tienda {'Ñandú' if n % 7 == 0 else 'Sol'} {n:03d}",
                  f'  whatsapp: "+34 6{n % 10}0 {n:03d} {(7 * n) % 1000:03d}"',
                  f"  category: {['Café', 'Farmacia', 'Taller'][n % 3]}", f"  city: {['Madrid', 'Vigo'][n % 2]}",
                  f"  description: Shop {n}, open **daily**." if n % 2 else f"  description: Shop {n}, open daily."]
    content = make_content(tmp_path / "site", {**THREE_TIERS, "businesses/many.yaml": "\n".join(lines) + "\n"})
    serial = build_site(content, tmp_path / "serial", jobs=1)
    assert not pools
    pooled = build_site(content, tmp_path / "pooled", jobs=2)
    assert pools, "the build did not start a pool of workers"
    assert len(list(serial.rglob("b/*/index.html"))) == 303
    assert tree_digest(pooled) == tree_digest(serial)
