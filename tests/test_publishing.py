"""Publishing and the web's conventions (issue #7): sitemap, robots.txt, 404,
canonical/Open Graph/Twitter tags, JSON-LD, contact cards, embeddable badges
and the JSON Schema of the content files."""

from __future__ import annotations

import json
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import AS_OF, THREE_TIERS, build_site, make_content
from generator.render import vcard
from generator.publish.api import indented_json
from generator.build import BuildOptions, build
from generator.cli import main
from generator.diagnostics import BuildFailed
from generator.read.fields import BUSINESS_FIELDS, REGISTER_FIELDS, SITE_FIELDS, VERIFICATION_FIELDS
from generator.read.schema import RECORDS, _ecma_class, content_schema
from generator.publish.seo import script_json
from generator.read.validate import read_record
from generator.read.yamlstrict import parse_yaml, read_yaml_file
from html_tree import page, parse

BASE = "https://dir.example.org/"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
NO_BASE_URL = """\
    title: Test directory
    description: A directory for tests.
    default_region: ES
    language: en
    """
HOSTILE_NAME = "</script><script>alert(1)</script> <!-- & end"


def html_pages(output: Path) -> list[str]:
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))


def public_url(rel: str) -> str:
    return BASE + rel.removesuffix("index.html")


def meta(doc, key: str) -> list[str]:
    """Values of <meta property=key> or <meta name=key>."""
    return [m.attrs["content"] for m in doc.find_all("meta") if key in (m.attrs.get("property"), m.attrs.get("name"))]


def with_business(**fields: str) -> dict[str, str]:
    lines = "".join(f"  {k}: {json.dumps(v)}\n" for k, v in fields.items())
    return {**THREE_TIERS, "businesses/extra.yaml": "- " + lines[2:]}


# --- sitemap.xml and robots.txt ---------------------------------------------------------------

def test_sitemap_lists_every_page_but_404_with_absolute_urls(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    tree = ET.parse(output / "sitemap.xml").getroot()
    assert tree.tag == f"{SM}urlset"
    locs = [u.find(f"{SM}loc").text for u in tree.findall(f"{SM}url")]
    expected = {public_url(rel) for rel in html_pages(output) if rel != "404.html"}
    assert len(locs) == len(set(locs)) and set(locs) == expected
    assert public_url("b/brisa/index.html") in locs and BASE in locs
    assert all(loc.startswith(BASE) for loc in locs)
    assert tree.find(f".//{XHTML}link") is None  # one language: no alternates


def test_robots_txt_points_at_the_sitemap(three_tiers: Path) -> None:
    robots = (build_site(three_tiers) / "robots.txt").read_text()
    assert re.search(r"^User-agent: \*$", robots, re.M) and "Disallow: /\n" not in robots
    assert re.findall(r"^Sitemap: (.*)$", robots, re.M) == [BASE + "sitemap.xml"]


def test_without_base_url_the_sitemap_is_omitted_with_a_warning(tmp_path: Path) -> None:
    content = make_content(tmp_path, {**THREE_TIERS, "site.yaml": NO_BASE_URL})
    result = build(BuildOptions(content=content, output=tmp_path / "out", as_of=AS_OF, jobs=1))
    output = tmp_path / "out"
    assert not (output / "sitemap.xml").exists()
    assert "Sitemap" not in (output / "robots.txt").read_text()
    warnings = [str(w) for w in result.warnings if w.path == "site.yaml"]
    assert len(warnings) == 1 and "warning: base_url: not set, so sitemap.xml is not written" in warnings[0]
    home = page(output, "index.html")
    assert meta(home, "og:url") == [] and home.find_all("link", rel="canonical") == []
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(content=content, output=tmp_path / "strict", as_of=AS_OF, jobs=1, strict=True))
    assert any(d.path == "site.yaml" and "base_url: not set" in d.message for d in failed.value.diagnostics)


def test_sitemap_names_every_translation_with_hreflang(tmp_path: Path) -> None:
    site = "title: T\ndefault_region: ES\nlanguages: [en, es]\nbase_url: https://dir.example.org/sub\n"
    output = build_site(make_content(tmp_path, {**THREE_TIERS, "site.yaml": site}))
    base = "https://dir.example.org/sub/"
    urls = {u.find(f"{SM}loc").text: {l.attrib["hreflang"]: l.attrib["href"] for l in u.findall(f"{XHTML}link")}
            for u in ET.parse(output / "sitemap.xml").getroot().findall(f"{SM}url")}
    assert urls[base + "b/brisa/"] == urls[base + "es/b/brisa/"] == {
        "en": base + "b/brisa/", "es": base + "es/b/brisa/", "x-default": base + "b/brisa/"}
    assert set(urls) == {base + rel.removesuffix("index.html") for rel in html_pages(output) if rel != "404.html"}
    for loc, alternates in urls.items():
        assert loc in alternates.values()
    assert (output / "robots.txt").read_text().endswith(f"Sitemap: {base}sitemap.xml\n")
    # every language's business page links the one contact card and badge, at the site root
    spanish = page(output, "es/b/brisa/index.html")
    add = next(a for a in spanish.find_all("a") if a.attrs.get("href", "").endswith("contact.vcf"))
    assert (output / "es/b/brisa" / add.attrs["href"]).resolve() == (output / "b/brisa/contact.vcf").resolve()
    assert not (output / "es/b/brisa/contact.vcf").exists()


def test_a_sitemap_too_large_for_one_file_becomes_an_index(three_tiers: Path, monkeypatch) -> None:
    monkeypatch.setattr("generator.publish.seo.MAX_URLS", 4)
    output = build_site(three_tiers)
    index = ET.parse(output / "sitemap.xml").getroot()
    assert index.tag == f"{SM}sitemapindex"
    parts = [s.find(f"{SM}loc").text for s in index.findall(f"{SM}sitemap")]
    locs = []
    for url in parts:
        assert url.startswith(BASE)
        part = ET.parse(output / url.removeprefix(BASE)).getroot()
        locs += [u.find(f"{SM}loc").text for u in part.findall(f"{SM}url")]
        assert len(part.findall(f"{SM}url")) <= 4
    assert sorted(locs) == sorted(public_url(rel) for rel in html_pages(output) if rel != "404.html")


@pytest.mark.parametrize("seed", range(5))
def test_sitemap_files_are_filled_greedily_up_to_both_limits(seed: int, monkeypatch) -> None:
    """The sitemap's cutting (prefix sums and bisection) equals filling each file entry by entry."""
    from generator.publish import seo
    rng = random.Random(seed)
    overhead = len(seo._URLSET) + len(seo._XHTML) + 20
    for _ in range(300):
        monkeypatch.setattr(seo, "MAX_URLS", rng.choice([1, 2, 3, 5, 50_000]))
        monkeypatch.setattr(seo, "MAX_BYTES", overhead + rng.choice([0, 5, 30, 100, 10**6]))
        entries = ["x" * rng.randrange(40) + rng.choice(["", "é"]) for _ in range(rng.randrange(30))]
        expected: list[list[str]] = [[]]
        size = overhead
        for entry in entries:  # the plain definition
            if len(expected[-1]) >= seo.MAX_URLS or (expected[-1] and size + len(entry.encode()) > seo.MAX_BYTES):
                expected.append([])
                size = overhead
            expected[-1].append(entry)
            size += len(entry.encode())
        assert seo._chunks(entries) == expected


# --- 404.html -----------------------------------------------------------------------------------

def links(doc) -> list[str]:
    return ([a.attrs["href"] for a in doc.find_all("a") if "href" in a.attrs]
            + [l.attrs["href"] for l in doc.find_all("link") if "href" in l.attrs]
            + [s.attrs["src"] for s in doc.find_all("script") if "src" in s.attrs])


def test_404_uses_absolute_links_when_base_url_is_set(three_tiers: Path) -> None:
    doc = page(build_site(three_tiers), "404.html")
    targets = [href for href in links(doc) if not href.startswith("#")]
    assert targets and all(href.startswith(BASE) for href in targets), targets
    assert BASE + "index.html" in targets and BASE + "static/site.css" in targets
    assert doc.find_all("link", rel="canonical") == [] and meta(doc, "og:url") == []
    assert doc.find("a", class_="skip-link").attrs["href"] == "#main"


def test_404_without_base_url_links_relative_to_the_root(tmp_path: Path) -> None:
    output = build_site(make_content(tmp_path, {**THREE_TIERS, "site.yaml": NO_BASE_URL}))
    targets = [href for href in links(page(output, "404.html")) if not href.startswith("#")]
    assert "index.html" in targets and "static/site.css" in targets
    assert not any("://" in href for href in targets)


# --- canonical, Open Graph, Twitter card ---------------------------------------------------------

def test_every_page_has_canonical_open_graph_and_twitter_tags(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    for rel in html_pages(output):
        doc = page(output, rel)
        title = doc.find("title").text
        assert meta(doc, "og:title") == [title] == meta(doc, "twitter:title"), rel
        assert meta(doc, "twitter:card") == ["summary"], rel
        assert meta(doc, "og:site_name") == ["Test directory"], rel
        description = doc.find("meta", name="description").attrs["content"]
        assert meta(doc, "og:description") == [description] == meta(doc, "twitter:description"), rel
        if rel == "404.html":
            continue
        canonical = [l.attrs["href"] for l in doc.find_all("link", rel="canonical")]
        assert canonical == [public_url(rel)] == meta(doc, "og:url"), rel


def test_only_a_verified_business_offers_its_logo_as_the_page_image(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    for rel in html_pages(output):
        doc = page(output, rel)
        images = meta(doc, "og:image")
        if rel == "b/brisa/index.html":
            logo = doc.find("img", class_="business__logo").attrs["src"].removeprefix("../../")
            assert images == [BASE + logo] == meta(doc, "twitter:image")
            assert (output / logo).is_file()
            assert meta(doc, "og:image:alt") == ["Logo of Aerolíneas Brisa"]
        else:
            assert images == [] and meta(doc, "twitter:image") == [], rel


def test_business_page_title_and_description_reach_the_card_tags(three_tiers: Path) -> None:
    doc = page(build_site(three_tiers), "b/cafe-nino/index.html")
    assert meta(doc, "og:title") == ["Café Niño (Confirmed) · Test directory"]
    assert meta(doc, "og:description") == ["Café Niño on WhatsApp: +34 611 22 33 44. Badge: Confirmed."]


# --- JSON-LD ------------------------------------------------------------------------------------

def json_ld(doc) -> list[dict]:
    return [json.loads(s.text) for s in doc.find_all("script", type="application/ld+json")]


def test_json_ld_organization_on_business_pages_only(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    brisa = page(output, "b/brisa/index.html")
    logo = brisa.find("img", class_="business__logo").attrs["src"].removeprefix("../../")
    assert json_ld(brisa) == [{
        "@context": "https://schema.org", "@type": "Organization", "name": "Aerolíneas Brisa",
        "url": "https://brisa.example", "logo": BASE + logo,
        "contactPoint": {"@type": "ContactPoint", "telephone": "+34600123456", "contactType": "customer service"}}]
    for business_id, number in (("cafe-nino", "+34611223344"), ("brisa-soporte", "+34622334455")):
        [data] = json_ld(page(output, f"b/{business_id}/index.html"))
        assert "logo" not in data and data["url"] == BASE + f"b/{business_id}/"
        assert data["contactPoint"]["telephone"] == number
    for rel in html_pages(output):
        if not rel.startswith("b/"):
            assert json_ld(page(output, rel)) == [], rel


def test_json_ld_cannot_close_its_script_element(tmp_path: Path) -> None:
    content = make_content(tmp_path, with_business(id="evil", name=HOSTILE_NAME, whatsapp="+34 633 44 55 66"))
    output = build_site(content)
    html = (output / "b/evil/index.html").read_text()
    head = html[:html.index("</head>")]
    script = head[head.index('<script type="application/ld+json">'):]
    body = script[len('<script type="application/ld+json">'):script.index("</script>")]
    assert "<" not in body and ">" not in body and "&" not in body
    assert "\\u003c/script\\u003e" in body
    assert json.loads(body)["name"] == HOSTILE_NAME
    doc = parse(html)
    assert meta(doc, "og:title") == [f"{HOSTILE_NAME} (Unverified) · Test directory"]
    scripts = doc.find_all("script")
    assert all(s.attrs.get("type") == "application/ld+json" or "src" in s.attrs for s in scripts)
    assert not any("alert(1)" in s.text for s in scripts if s.attrs.get("type") != "application/ld+json")


def test_script_json_escapes_everything_that_could_end_a_script() -> None:
    value = {"a": "</script><!--<script>&\u2028\u2029"}
    text = str(script_json(value))
    assert not set(text) & set("<>&\u2028\u2029")
    assert json.loads(text) == value


# --- contact.vcf --------------------------------------------------------------------------------

def unfold(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_contact_card_is_a_vcard_4_with_name_number_and_website(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    lines = unfold((output / "b/brisa/contact.vcf").read_bytes())
    assert lines[:3] == ["BEGIN:VCARD", "VERSION:4.0", "KIND:org"] and lines[-1] == "END:VCARD"
    assert "FN:Aerolíneas Brisa" in lines and "ORG:Aerolíneas Brisa" in lines
    assert 'TEL;VALUE=uri;TYPE="voice,cell":tel:+34600123456' in lines
    assert "URL:https://brisa.example" in lines
    note = next(l for l in lines if l.startswith("NOTE:"))
    assert "Verified" in note and BASE + "b/brisa/" in note
    # An account nothing vouches for is not saved under a name that looks trusted.
    soporte = unfold((output / "b/brisa-soporte/contact.vcf").read_bytes())
    assert "FN:Aerolíneas Brisa Soporte (Unverified)" in soporte
    assert not any(l.startswith("URL:") for l in soporte)


def test_contact_card_escapes_text_and_folds_long_lines(tmp_path: Path) -> None:
    name = "Ñandú, Crêpes; & Co \\ " + "é" * 60
    output = build_site(make_content(tmp_path, with_business(id="odd", name=name, whatsapp="+34 633 44 55 66",
                                                             website="https://x.example/a,b;c")))
    data = (output / "b/odd/contact.vcf").read_bytes()
    for raw in data.split(b"\r\n"):
        assert len(raw) <= 75
        raw.decode("utf-8")  # never split inside a character
    lines = unfold(data)
    assert "ORG:Ñandú\\, Crêpes\\; & Co \\\\ " + "é" * 60 in lines
    assert "FN:Ñandú\\, Crêpes\\; & Co \\\\ " + "é" * 60 + " (Unverified)" in lines
    assert "URL:https://x.example/a,b;c" in lines


def test_business_page_links_the_contact_card_and_the_badge(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    doc = page(output, "b/brisa/index.html")
    add = next(a for a in doc.find_all("a") if a.text == "Add to contacts")
    assert add.attrs["href"] == "../../b/brisa/contact.vcf"
    assert (output / "b/brisa" / add.attrs["href"]).resolve() == (output / "b/brisa/contact.vcf").resolve()
    preview = doc.find(class_="embed__preview")
    svg = preview.find("svg")  # inline: a page shows no <img> except a verified business's logo
    assert svg.attrs["aria-label"] == "Aerolíneas Brisa: Verified in Test directory" and svg.attrs["role"] == "img"
    assert "Verified" in svg.text
    file_link = preview.find("a")
    assert (output / "b/brisa" / file_link.attrs["href"]).resolve() == (output / "b/brisa/badge.svg").resolve()
    assert ET.fromstring((output / "b/brisa/badge.svg").read_text()).attrib["aria-label"] == svg.attrs["aria-label"]
    snippet = parse(doc.find("textarea", id="embed-code").text)
    link = snippet.find("a")
    assert link.attrs == {"href": BASE + "b/brisa/"}
    img = link.find("img")
    assert img.attrs["src"] == BASE + "b/brisa/badge.svg" and img.attrs["alt"] == svg.attrs["aria-label"]
    assert img.attrs["width"] == svg.attrs["width"] and img.attrs["height"] == "20"
    label = next(l for l in doc.find_all("label") if l.attrs.get("for") == "embed-code")
    assert "links back to this page" in label.text


def test_without_base_url_there_is_no_snippet_to_copy(tmp_path: Path) -> None:
    output = build_site(make_content(tmp_path, {**THREE_TIERS, "site.yaml": NO_BASE_URL}))
    doc = page(output, "b/brisa/index.html")
    assert doc.find_all("textarea") == [] and doc.find(class_="embed__preview").find_all("svg")


# --- badge.svg ----------------------------------------------------------------------------------

def test_badge_svg_shows_tier_icon_and_label_self_contained(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    seen = {}
    for business_id, label in (("brisa", "Verified"), ("cafe-nino", "Confirmed"), ("brisa-soporte", "Unverified")):
        text = (output / f"b/{business_id}/badge.svg").read_text()
        svg = ET.fromstring(text)
        assert svg.tag == f"{SVG}svg" and svg.attrib["role"] == "img" and svg.attrib["height"] == "20"
        texts = [t.text for t in svg.iter(f"{SVG}text")]
        assert label in texts and "Test directory" in texts
        assert svg.find(f"{SVG}title").text == svg.attrib["aria-label"]
        assert label in svg.attrib["aria-label"]
        assert not re.search(r"(?:href|src)=\"(?!#)|<image|<script|@import|url\((?!#)", text)
        # the icon: a tick for the two tiers with evidence, a question mark for the other
        has_tick = svg.find(f".//{SVG}path") is not None
        assert has_tick == (label != "Unverified") and ("?" in texts) == (label == "Unverified")
        seen[label] = (tuple(texts), "stroke-dasharray" in text)
    assert seen["Unverified"][1] and not seen["Verified"][1] and not seen["Confirmed"][1]
    assert len({texts for texts, _ in seen.values()}) == 3


def test_badge_svg_escapes_the_business_name(tmp_path: Path) -> None:
    name = '<svg onload="alert(1)"> & "quotes"'
    output = build_site(make_content(tmp_path, with_business(id="evil", name=name, whatsapp="+34 633 44 55 66")))
    svg = ET.fromstring((output / "b/evil/badge.svg").read_text())
    assert svg.find(f"{SVG}title").text == f"{name}: Unverified in Test directory"
    assert [e.tag for e in svg.iter()].count(f"{SVG}svg") == 1
    assert all(not key.startswith("on") for e in svg.iter() for key in e.attrib)


# --- api/ ---------------------------------------------------------------------------------------

def test_businesses_json_keeps_its_shape(three_tiers: Path) -> None:
    text = (build_site(three_tiers) / "api/businesses.json").read_text("utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=1) + "\n"  # and its layout, for people diffing it
    assert set(data) == {"as_of", "businesses"}
    assert [b["id"] for b in data["businesses"]] == ["brisa", "brisa-soporte", "cafe-nino"]
    assert all(list(b) == ["id", "name", "tier", "whatsapp", "category", "city", "country", "website", "url", "reasons"]
               for b in data["businesses"])


def test_schema_is_published_and_matches_the_command(three_tiers: Path, capsys) -> None:
    output = build_site(three_tiers)
    assert json.loads((output / "api/schema.json").read_text()) == content_schema()
    for kind in RECORDS:
        published = json.loads((output / f"api/schema/{kind}.json").read_text())
        assert published == content_schema(kind)
        assert main(["schema", kind]) == 0
        assert json.loads(capsys.readouterr().out) == published


@pytest.mark.parametrize(("kind", "fields"), [("business", BUSINESS_FIELDS), ("register", REGISTER_FIELDS),
                                              ("verification", VERIFICATION_FIELDS), ("site", SITE_FIELDS)])
def test_schema_is_derived_from_the_loaders_field_definitions(kind, fields) -> None:
    record = content_schema()["$defs"][kind]
    allowed = [name for name, prop in record["properties"].items() if prop.get("not") != {}]
    assert allowed == [f.name for f in fields]
    assert record["required"] == [f.name for f in fields if f.required]
    assert record["additionalProperties"] is False
    for field in fields:
        prop = record["properties"][field.name]
        assert prop["description"] == field.help
        if field.kind in ("id", "text", "phone", "url", "email", "path"):
            assert prop["maxLength"] == field.max_length


def test_the_example_content_validates_against_the_schema() -> None:
    import jsonschema

    content = Path(__file__).resolve().parents[1] / "content"
    checked = 0
    for kind, (_, where, _) in RECORDS.items():
        validator = jsonschema.Draft202012Validator(content_schema(kind))
        for path in sorted(content.glob(where)):
            raw, problems = read_yaml_file(path, path.name)
            assert not problems
            errors = [e.message for e in validator.iter_errors(_plain(raw))]
            assert errors == [], (path, errors)
            checked += 1
    assert checked >= 5


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def test_character_classes_mean_the_same_in_the_schema() -> None:
    from generator.read.validate import _CONTROL, _DECEPTIVE

    for original in (_CONTROL, _DECEPTIVE):
        rewritten = re.compile(f"[{_ecma_class(original.pattern)}]")
        for code in [*range(0x3000), *range(0xFE00, 0x10000), *range(0x11000, 0x14000), *range(0x1BC00, 0x1D200),
                     *range(0xE0000, 0xE1001)]:
            char = chr(code)
            assert bool(rewritten.fullmatch(char)) == bool(original.fullmatch(char)), hex(code)


# Records written as JSON (which is YAML): the schema and the loader must agree on each.
AGREEMENT = [
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 600 12 34 56"}, True),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": 34600123456}, True),
    ("business", {"id": "ok", "name": "Ok"}, False),
    ("business", {"id": "Not_OK", "name": "Ok", "whatsapp": "+34 600 12 34 56"}, False),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 600 12 34 56", "tier": "verified"}, False),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 600 12 34 56", "webiste": "https://a.example"}, False),
    ("business", {"id": "ok", "name": "x" * 121, "whatsapp": "+34 600 12 34 56"}, False),
    ("business", {"id": "ok", "name": "Bad\u202ename", "whatsapp": "+34 600 12 34 56"}, False),
    ("business", {"id": "ok", "name": "Two\nlines", "whatsapp": "+34 600 12 34 56"}, False),
    ("business", {"id": "ok", "name": "Two\u2028lines", "whatsapp": "+34 600 12 34 56"}, False),
    ("business", {"id": "ok", "name": "Tab\tname", "whatsapp": "+34 600 12 34 56"}, False),
    ("business", {"id": "ok", "name": "Caf\u00e9 \U0001F950", "whatsapp": "+34 600 12 34 56"}, True),
    ("business", {"id": "ok", "name": "Tag\U000E0041", "whatsapp": "+34 600 12 34 56"}, False),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 600 12 34 56", "description": "Line one\n\nLine two"}, True),
    ("business", {"id": "ok", "name": "   ", "whatsapp": "+34 600 12 34 56"}, False),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 600 12 34 56", "website": "ftp://a.example"}, False),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 600 12 34 56", "website": "https://a.example/x?y=1"}, True),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 600 12 34 56", "email": "a@b.example"}, True),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 600 12 34 56", "email": "not an email"}, False),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 600 12 34 56", "description": {"en": "Hi", "es": "Hola"}}, True),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 600 12 34 56", "description": {"english": "Hi"}}, False),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 600 12 34 56", "country": "PT"}, True),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 600 12 34 56", "country": "Spain"}, False),
    ("register", {"company_id": "B1", "legal_name": "Ok S.L.", "phones": ["+34 600 12 34 56", 912345678]}, True),
    ("register", {"company_id": "B1", "legal_name": "Ok S.L.", "phones": "+34 600 12 34 56"}, False),
    ("verification", {"business": "ok", "whatsapp": "600 12 34 56", "verified_on": "2026-01-10",
                      "expires": "2027-01-10", "revoked": True}, True),
    ("verification", {"business": "ok", "whatsapp": "600 12 34 56", "verified_on": "2026-01-10",
                      "expires": "2027-01-10", "revoked": "yes"}, False),
    ("verification", {"business": "ok", "whatsapp": "600 12 34 56", "verified_on": "10/01/2026",
                      "expires": "2027-01-10"}, False),
    ("site", {"title": "T", "default_region": "ES", "languages": ["en", "es"]}, True),
    ("site", {"title": "T", "default_region": "ES", "languages": ["en", "en"]}, False),
]


@pytest.mark.parametrize(("kind", "record", "valid"), AGREEMENT)
def test_schema_and_loader_agree(kind: str, record: dict, valid: bool) -> None:
    import jsonschema

    fields = RECORDS[kind][0]
    text = json.dumps(record, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    raw, problems = parse_yaml(text.encode(), "x.yaml")
    assert not problems
    loaded, _ = read_record(raw, fields, "x.yaml", "ES")
    errors = list(jsonschema.Draft202012Validator(content_schema(kind)).iter_errors(record))
    assert (loaded is not None, not errors) == (valid, valid), errors


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
                 st.text(st.sampled_from("a é€😀,"), min_size=70, max_size=300)))  # 1- to 4-octet characters
def test_vcard_folding_cuts_each_piece_as_long_as_the_line_allows(line: str) -> None:
    """RFC 6350 3.2, by its definition: pieces of at most 75 octets (74 after the continuation's
    space), each as long as the next whole character lets it be, that unfold to the line."""
    pieces = vcard.fold(line).split("\r\n ")
    assert "".join(pieces) == line
    for number, piece in enumerate(pieces):
        limit = vcard.MAX_LINE_OCTETS - (1 if number else 0)
        assert len(piece.encode("utf-8")) <= limit
        if number + 1 < len(pieces):
            assert piece and len((piece + pieces[number + 1][0]).encode("utf-8")) > limit


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_vcard_text_keeps_no_line_breaks_or_control_characters_but_tabs(value: str) -> None:
    escaped = vcard.escape_text(value)
    assert all(c >= " " or c == "\t" for c in escaped)
    unescaped = re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], escaped)
    assert unescaped == "".join(c for c in value.replace("\r\n", "\n").replace("\r", "\n") if c >= " " or c in "\t\n")


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES, st.integers(0, 3))
def test_api_json_is_indented_exactly_as_json_dumps_would(value: object, level: int) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * level)
    assert indented_json(value, level) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), max_codepoint=0x3000), max_size=40))
def test_vcard_urls_keep_every_character_but_spaces_and_controls(value: str) -> None:
    assert vcard._uri(value) == "".join(c if c > " " else f"%{ord(c):02X}" for c in value)
