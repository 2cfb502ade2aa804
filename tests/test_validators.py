"""Validators nobody here wrote accept what badgedir publishes (issue #19, item 5).

- every page, stylesheet and SVG: the W3C Nu HTML Checker (npm ``vnu-jar``,
  run with Debian's ``default-jre-headless``), no error and no warning;
- every ``contact.vcf``: parsed by ``vobject``;
- ``sitemap.xml`` (and a sitemap index): the sitemaps.org schemas in
  ``tests/schemas/``, with ``xmlschema``;
- JSON-LD and Open Graph: read back by ``extruct``.

The Python validators are test dependencies (``pip install -e '.[test]'``) and
imported outright; Java and vnu.jar come from ``tests/setup-and-run.sh``, and
their absence fails these tests in CI (and skips them only on a developer's
machine without ``CI``/``BADGEDIR_REQUIRE_BROWSER``), like the browser tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import extruct
import pytest
import vobject
import xmlschema

from conftest import THREE_TIERS, build_site, make_content
from generator.publish import seo
from generator.render.pages import plan_pages

REPO = Path(__file__).resolve().parents[1]
VNU = REPO / "tests" / "browser" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCHEMAS = Path(__file__).parent / "schemas"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _required(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true" or os.environ.get("BADGEDIR_REQUIRE_BROWSER") == "1":
        pytest.fail(f"validator missing in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(REPO / "content", tmp_path_factory.mktemp("example") / "site")


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture site in two languages: every page also under en/, with hreflang links."""
    site_yaml = ("title: Directorio de prueba\ndescription: Un directorio.\ndefault_region: ES\n"
                 "languages: [es, en]\nbase_url: https://dir.example.org/sub/\n")
    content = make_content(tmp_path_factory.mktemp("bilingual"), {**THREE_TIERS, "site.yaml": site_yaml})
    return build_site(content)


def vnu_messages(files: list[Path]) -> list[str]:
    """The Nu checker's errors and warnings on ``files`` (HTML, CSS and SVG), one line each."""
    if shutil.which("java") is None:
        _required("no java on PATH (apt-get install default-jre-headless)")
    if not VNU.is_file():
        _required(f"no {VNU} (bash tests/setup-and-run.sh installs vnu-jar)")
    done = subprocess.run(["java", "-Xss8m", "-jar", str(VNU), "--format", "json", "--also-check-css",
                           "--also-check-svg", *map(str, files)], capture_output=True, text=True, timeout=600)
    report = json.loads(done.stderr or done.stdout)
    return [f"{m.get('url', '').split('/site/')[-1]}:{m.get('lastLine', '?')}: {m['type']}"
            f"{'/' + m['subType'] if m.get('subType') else ''}: {m['message']}" for m in report["messages"]]


def checked_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.suffix in (".html", ".css", ".svg"))


def test_nu_html_checker_accepts_every_page_stylesheet_and_svg_of_the_example(example: Path) -> None:
    files = checked_files(example)
    assert sum(p.suffix == ".html" for p in files) >= 73
    assert vnu_messages(files) == []


def test_nu_html_checker_accepts_the_small_bilingual_site(bilingual: Path) -> None:
    files = checked_files(bilingual)
    assert any("/en/b/" in str(p) for p in files)
    assert vnu_messages(files) == []


def test_nu_html_checker_is_not_blind(tmp_path: Path) -> None:
    """The check above would pass on a checker that reports nothing: it must see a real fault."""
    bad = tmp_path / "site" / "bad.html"
    bad.parent.mkdir()
    bad.write_text('<!doctype html><html lang="en"><head><title>x</title></head><body><p><div></p></body></html>')
    assert any("error" in m for m in vnu_messages([bad]))


@pytest.mark.parametrize("site_fixture", ["example", "bilingual"])
def test_every_contact_card_parses_with_vobject(site_fixture: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(site_fixture)
    api = json.loads((site / "api/businesses.json").read_text("utf-8"))["businesses"]
    assert api
    for business in api:
        text = (site / "b" / business["id"] / "contact.vcf").read_text("utf-8")
        [card] = list(vobject.readComponents(text, validate=True))
        assert card.version.value == "4.0"
        assert card.fn.value.startswith(business["name"])
        assert card.tel.value.removeprefix("tel:") == business["whatsapp"]


@cache
def _schema(name: str) -> xmlschema.XMLSchema:
    sitemap = xmlschema.XMLSchema(str(SCHEMAS / name), build=False)
    sitemap.import_schema("http://www.w3.org/1999/xhtml", str(SCHEMAS / "xhtml-link.xsd"))
    sitemap.build()
    return sitemap


@pytest.mark.parametrize("site_fixture", ["example", "bilingual"])
def test_sitemap_validates_against_the_sitemaps_org_schema(site_fixture: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(site_fixture)
    sitemap = site / "sitemap.xml"
    _schema("sitemap.xsd").validate(str(sitemap))
    locs = _locs(sitemap)
    assert len(locs) == len(set(locs)) > 10


def _locs(sitemap: Path) -> list[str]:
    import xml.etree.ElementTree as ET

    return [e.text or "" for e in ET.parse(sitemap).iter(f"{SITEMAP_NS}loc")]


def test_a_sitemap_too_large_for_one_file_is_a_valid_index_of_valid_parts(bilingual: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.build import load_site

    from conftest import AS_OF

    site, _ = load_site(bilingual.parent / "content", AS_OF)
    monkeypatch.setattr(seo, "MAX_URLS", 5)
    files = seo.sitemap_files(site, plan_pages(site))
    assert len(files) > 2
    for name, text in files.items():
        path = bilingual.parent / name
        path.write_text(text, "utf-8")
        _schema("siteindex.xsd" if name == "sitemap.xml" else "sitemap.xsd").validate(str(path))


def test_the_schema_check_is_not_blind(tmp_path: Path) -> None:
    bad = tmp_path / "sitemap.xml"
    bad.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                   "<url><loc>https://x.example/</loc><priority>2</priority></url></urlset>\n")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        _schema("sitemap.xsd").validate(str(bad))


def _metadata(site: Path, rel: str) -> dict:
    html = (site / rel).read_text("utf-8")
    return extruct.extract(html, base_url="https://directory.example.org/" + rel, syntaxes=["json-ld", "opengraph"],
                           uniform=True, errors="strict")


def test_json_ld_and_open_graph_are_well_formed_on_every_page(example: Path) -> None:
    pages = sorted(p.relative_to(example).as_posix() for p in example.rglob("*.html") if p.name != "404.html")
    businesses = {b["id"]: b for b in json.loads((example / "api/businesses.json").read_text("utf-8"))["businesses"]}
    for rel in pages:
        data = _metadata(example, rel)
        [og] = data["opengraph"]
        assert og["og:title"] and og["@type"] == "website" and og["og:url"].startswith("https://directory.example.org/"), rel
        parts = rel.split("/")
        if parts[0] == "en":  # the example is bilingual: English pages mirror the Spanish ones under en/
            parts = parts[1:]
        if parts[0] == "b":
            business = businesses[parts[1]]
            [org] = data["json-ld"]
            assert org["@type"] == "Organization" and org["name"] == business["name"], rel
        else:
            assert data["json-ld"] == [], rel
