"""What search engines and social cards are given about a business (issue #19, item 6).

An impostor's page must not be amplified: a look-alike of a verified business
is ``noindex`` and left out of the sitemap, structured data names a telephone
only for confirmed and verified businesses, an unverified business's card
title says so, and a verified business's card shows its logo as a PNG.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from conftest import THREE_TIERS, build_site, make_content
from generator.model import Logo
from generator.render import logo_card
from html_tree import page

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _property(doc, name: str) -> str | None:
    return next((e.attrs["content"] for e in doc.find_all("meta") if e.attrs.get("property") == name), None)


def _named(doc, name: str) -> str | None:
    return next((e.attrs["content"] for e in doc.find_all("meta") if e.attrs.get("name") == name), None)


def _json_ld(doc) -> dict:
    [script] = [s for s in doc.find_all("script") if s.attrs.get("type") == "application/ld+json"]
    return json.loads("".join(c for c in script.children if isinstance(c, str)))


def _sitemap_locs(output: Path) -> list[str]:
    import xml.etree.ElementTree as ET

    return [e.text or "" for e in ET.parse(output / "sitemap.xml").iter(f"{SITEMAP_NS}loc")]


def test_a_look_alike_is_noindex_and_not_in_the_sitemap(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    assert _named(page(output, "b/brisa-soporte/index.html"), "robots") == "noindex"
    for other in ("brisa", "cafe-nino"):
        assert _named(page(output, f"b/{other}/index.html"), "robots") is None
    locs = _sitemap_locs(output)
    assert "https://dir.example.org/b/brisa/" in locs and "https://dir.example.org/b/cafe-nino/" in locs
    assert not [loc for loc in locs if "brisa-soporte" in loc]
    # The page itself is still published and reachable: only search engines are asked to leave it out.
    assert (output / "b/brisa-soporte/index.html").is_file()


def test_an_unverified_business_that_imitates_nobody_stays_indexed(tmp_path: Path) -> None:
    files = {**THREE_TIERS, "businesses/shops.yaml": THREE_TIERS["businesses/shops.yaml"].replace(
        "name: Aerolíneas Brisa Soporte", "name: Taller Ruiz")}
    output = build_site(make_content(tmp_path, files))
    assert _named(page(output, "b/brisa-soporte/index.html"), "robots") is None
    assert "https://dir.example.org/b/brisa-soporte/" in _sitemap_locs(output)


def test_a_look_alike_leaves_the_sitemap_in_every_language(tmp_path: Path) -> None:
    site_yaml = "title: T\ndescription: D.\ndefault_region: ES\nlanguages: [es, en]\nbase_url: https://dir.example.org/\n"
    output = build_site(make_content(tmp_path, {**THREE_TIERS, "site.yaml": site_yaml}))
    locs = _sitemap_locs(output)
    assert "https://dir.example.org/en/b/brisa/" in locs
    assert not [loc for loc in locs if "brisa-soporte" in loc]
    assert (output / "sitemap.xml").read_text("utf-8").count("brisa-soporte") == 0
    assert _named(page(output, "en/b/brisa-soporte/index.html"), "robots") == "noindex"


def test_a_telephone_is_in_structured_data_only_for_confirmed_and_verified(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    assert _json_ld(page(output, "b/brisa/index.html"))["contactPoint"]["telephone"] == "+34600123456"
    assert _json_ld(page(output, "b/cafe-nino/index.html"))["contactPoint"]["telephone"] == "+34611223344"
    unverified = _json_ld(page(output, "b/brisa-soporte/index.html"))
    assert "contactPoint" not in unverified and "622" not in json.dumps(unverified)
    assert unverified["url"] == "https://dir.example.org/b/brisa-soporte/"


def test_cards_of_unverified_businesses_say_so_first_in_every_language(tmp_path: Path) -> None:
    site_yaml = "title: T\ndescription: D.\ndefault_region: ES\nlanguages: [es, en]\nbase_url: https://dir.example.org/\n"
    output = build_site(make_content(tmp_path, {**THREE_TIERS, "site.yaml": site_yaml}))
    for rel, word in (("b/brisa-soporte/index.html", "Sin verificar: "), ("en/b/brisa-soporte/index.html", "Unverified: ")):
        doc = page(output, rel)
        assert _property(doc, "og:title") == f"{word}Aerolíneas Brisa Soporte · T"
        assert _named(doc, "twitter:title") == f"{word}Aerolíneas Brisa Soporte · T"
    for rel in ("en/b/brisa/index.html", "en/b/cafe-nino/index.html"):
        assert not _property(page(output, rel), "og:title").startswith("Unverified")


def test_the_unverified_card_title_survives_a_template_that_overrides_the_title(three_tiers: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "business.html").write_text('{% extends "default/business.html" %}\n'
                                             '{% block title %}{{ business.name }} — My directory{% endblock %}\n')
    output = build_site(three_tiers, templates=templates)
    assert _property(page(output, "b/brisa-soporte/index.html"), "og:title").startswith("Unverified: Aerolíneas Brisa Soporte")


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


def test_a_verified_business_card_image_is_a_png_of_its_logo(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    doc = page(output, "b/brisa/index.html")
    image = _property(doc, "og:image")
    assert image and image.startswith("https://dir.example.org/static/logos/") and image.endswith(".card.png")
    assert _named(doc, "twitter:image") == image
    assert _property(doc, "og:image:type") == "image/png"
    data = (output / image.removeprefix("https://dir.example.org/")).read_bytes()
    assert _png_size(data) == (int(_property(doc, "og:image:width")), int(_property(doc, "og:image:height"))) == (256, 256)
    picture = Image.open(io.BytesIO(data)).convert("RGB")
    assert picture.getpixel((128, 128)) == (0, 136, 0)  # the logo's #080 square, drawn
    assert picture.getpixel((2, 2)) == (255, 255, 255)  # on a white margin
    assert _json_ld(doc)["logo"] == image
    for other in ("cafe-nino", "brisa-soporte"):
        assert _property(page(output, f"b/{other}/index.html"), "og:image") is None


def test_card_images_are_byte_identical_from_build_to_build(three_tiers: Path, tmp_path: Path) -> None:
    first = build_site(three_tiers, tmp_path / "one")
    second = build_site(three_tiers, tmp_path / "two")
    cards = sorted(p.relative_to(first) for p in first.glob("static/logos/*.card.png"))
    assert cards
    assert all((first / p).read_bytes() == (second / p).read_bytes() for p in cards)


def test_card_images_come_from_the_build_cache_unchanged(three_tiers: Path, tmp_path: Path) -> None:
    cold = build_site(three_tiers, tmp_path / "cold")
    warm = [build_site(three_tiers, tmp_path / f"cached{n}", cache=tmp_path / "cache") for n in (1, 2)]
    for card in cold.glob("static/logos/*.card.png"):
        assert {(w / "static/logos" / card.name).read_bytes() for w in warm} == {card.read_bytes()}
    assert list((tmp_path / "cache").rglob("*"))


def _png(width: int, height: int, colour: tuple[int, int, int] = (200, 0, 0)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def test_a_raster_logo_is_scaled_onto_the_card_keeping_its_shape() -> None:
    card = Image.open(io.BytesIO(logo_card.raster_card(_png(400, 100))))
    assert card.size == (256, 256)
    assert card.getpixel((128, 128)) == (200, 0, 0) and card.getpixel((128, 60)) == (255, 255, 255)


def test_a_raster_logo_that_claims_millions_of_pixels_gets_the_fallback_without_being_decoded() -> None:
    """A PNG header claiming 60,000 × 60,000 pixels, with a few bytes of data (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    chunk = lambda kind, body: struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
    assert logo_card.raster_card(bomb) == logo_card.fallback_card()
    assert logo_card.raster_card(b"\x89PNG\r\n\x1a\nnot really") == logo_card.fallback_card()


def _svg_logo(text: str) -> Logo:
    return Logo(data=text.encode(), extension="svg", digest="0" * 20)


def test_an_svg_logo_that_takes_too_long_to_draw_gets_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The renderer is a separate process, stopped at the deadline; the next logo still renders."""
    slow = _svg_logo('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>')
    monkeypatch.setattr(logo_card, "RENDER_SECONDS", 0.0)
    [(_, card)] = list(logo_card.logo_cards([slow]))
    assert card == logo_card.fallback_card()
    monkeypatch.setattr(logo_card, "RENDER_SECONDS", 30.0)
    [(_, card)] = list(logo_card.logo_cards([slow]))
    assert card != logo_card.fallback_card() and Image.open(io.BytesIO(card)).getpixel((128, 128)) == (0, 0, 0)


def test_an_svg_logo_the_renderer_refuses_gets_the_fallback() -> None:
    broken = _svg_logo("<svg xmlns='http://www.w3.org/2000/svg'")  # not even XML
    good = _svg_logo("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 4 1'><rect width='4' height='1' fill='#00f'/></svg>")
    [(_, first), (_, second)] = list(logo_card.logo_cards([broken, good]))
    assert first == logo_card.fallback_card()
    wide = Image.open(io.BytesIO(second)).convert("RGB")
    assert wide.getpixel((128, 128)) == (0, 0, 255) and wide.getpixel((128, 40)) == (255, 255, 255)
