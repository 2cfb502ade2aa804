"""Hostile plain text: escaped everywhere it appears, refused when it would deceive.

A business writes its own name, city, address and category, so every place
the build puts them — page body, ``<title>``, meta and Open Graph attributes,
``alt``, JSON-LD, the search and lookup indexes, the API, the vCard and the
badge SVG — is checked with text built to break out of each.
"""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import THREE_TIERS
from hostile import all_text, business, built, errors_of, json_of, yaml_text
from html_tree import page, parse
from generator.read.validate import MAX_MARKS, _longest_mark_run, check_text

# Breaks out of an element, an attribute (either quote), <title>, <script> and JSON.
NAME = """</title></script><script>alert(1)</script><img src=x onerror=alert(2)> "Q" 'S' & Co"""
CITY = """"><svg onload=alert(3)> City"""
ADDRESS = """</dd><iframe src=javascript:alert(4)></iframe> Street 1"""
CATEGORY = """<a href="javascript:alert(5)">Cat</a>"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-tier directory with the verified business's text fields made hostile."""
    shops = textwrap.dedent(THREE_TIERS["businesses/shops.yaml"])
    for old, new in (("name: Aerolíneas Brisa\n", f"name: {yaml_text(NAME)}\n"),
                     ("city: Madrid\n", f"city: {yaml_text(CITY)}\n"),
                     ("category: Airline\n", f"category: {yaml_text(CATEGORY)}\n")):
        shops = shops.replace(old, new, 1)
    shops = shops.replace("description: Fly with **us**.\n", f"address: {yaml_text(ADDRESS)}\n  description: Fly.\n", 1)
    return built(tmp_path_factory.mktemp("hostile"), {"businesses/shops.yaml": shops})


def test_business_page_shows_hostile_text_as_text(hostile_site: Path) -> None:
    html = page(hostile_site, "b/brisa/index.html")
    assert html.find("h1").text == " ".join(NAME.split())
    facts = [dd.text for dd in html.find("dl", class_="facts").find_all("dd")]
    assert " ".join(ADDRESS.split()) in facts and " ".join(CITY.split()) in facts
    assert html.find("dl", class_="facts").find("a", href="../../category/a-href-javascript-alert-5-cat-a/index.html").text == CATEGORY


def test_title_meta_and_open_graph_carry_the_name_escaped(hostile_site: Path) -> None:
    html = page(hostile_site, "b/brisa/index.html")
    assert html.find("title").text.startswith(" ".join(NAME.split()) + " (Verified)")
    assert html.find("meta", name="description").attrs["content"].startswith(NAME + " on WhatsApp")
    for prop in ("og:title", "og:description"):
        assert NAME in html.find("meta", property=prop).attrs["content"]
    assert html.find("meta", property="og:image:alt").attrs["content"] == f"Logo of {NAME}"
    assert html.find("meta", name="twitter:title").attrs["content"].startswith(NAME)


def test_logo_alt_carries_the_name_escaped(hostile_site: Path) -> None:
    logo = page(hostile_site, "b/brisa/index.html").find("img", class_="business__logo")
    assert logo.attrs["alt"] == f"Logo of {NAME}"


def test_json_ld_cannot_be_closed_and_keeps_the_name(hostile_site: Path) -> None:
    html = page(hostile_site, "b/brisa/index.html")
    script = html.find("script", type="application/ld+json")
    raw = "".join(script.children)
    assert "</" not in raw and "<!--" not in raw
    assert json.loads(raw)["name"] == NAME


def test_listings_show_hostile_text_as_text(hostile_site: Path) -> None:
    card = next(c for c in page(hostile_site, "index.html").find_all("li", class_="card")
                if c.find("a", class_="card__name").attrs["href"] == "b/brisa/index.html")
    assert card.find("a", class_="card__name").text == " ".join(NAME.split())
    assert card.find("span", class_="card__meta").text == " ".join(f"{CATEGORY} · {CITY}".split())


def test_search_lookup_and_api_hold_the_exact_text(hostile_site: Path) -> None:
    names = [row[0] for path in (hostile_site / "search").rglob("d/*.json") for row in json_of(path)]
    assert NAME in names
    lookup = {number: rows for path in (hostile_site / "lookup").rglob("[0-9]*.json") for number, rows in json_of(path).items()}
    assert lookup["+34600123456"][0][0] == NAME
    manifest = json_of(hostile_site / "search/manifest.json")
    assert CITY in manifest["cities"] and CATEGORY in [name for _, name in manifest["categories"]]
    api = {b["id"]: b for b in json_of(hostile_site / "api/businesses.json")["businesses"]}
    assert (api["brisa"]["name"], api["brisa"]["city"], api["brisa"]["category"]) == (NAME, CITY, CATEGORY)


def test_badge_svg_and_embed_snippet_escape_the_name(hostile_site: Path) -> None:
    svg = ET.fromstring((hostile_site / "b/brisa/badge.svg").read_bytes())
    assert svg.find("{http://www.w3.org/2000/svg}title").text.startswith(NAME)
    snippet = page(hostile_site, "b/brisa/index.html").find("textarea", class_="embed__code")
    pasted = parse("".join(snippet.children))  # what a business pastes into its own site
    assert [e.tag for e in pasted.iter()] == ["#document", "a", "img"]
    assert pasted.find("img").attrs["alt"].startswith(NAME)


def test_vcard_holds_the_name_on_its_own_lines(hostile_site: Path) -> None:
    card = (hostile_site / "b/brisa/contact.vcf").read_text("utf-8")
    unfolded = card.replace("\r\n ", "").replace("\n ", "")
    properties = [line.split(":", 1)[0].split(";", 1)[0] for line in unfolded.splitlines()]
    assert properties[:2] == ["BEGIN", "VERSION"] and properties[-1] == "END" and len(properties) == len(set(properties))


def test_hostile_text_is_never_markup_in_any_page_or_image(hostile_site: Path) -> None:
    text = all_text(hostile_site, (".html", ".svg", ".xml"))
    for fragment in ("<script>alert", "<img src=x", "<svg onload", "<iframe", '<a href="javascript'):
        assert fragment not in text


def test_site_title_and_description_are_escaped(tmp_path: Path) -> None:
    site = ("title: \"</title><script>alert(1)</script>\"\ndescription: \"\\\" onmouseover=\\\"alert(2)\"\n"
            "default_region: ES\nlanguage: en\nbase_url: https://dir.example.org/\n")
    output = built(tmp_path, {"site.yaml": site})
    home = page(output, "index.html")
    assert home.find("h1").text == "</title><script>alert(1)</script>"
    assert home.find("meta", name="description").attrs["content"] == '" onmouseover="alert(2)'


@pytest.mark.parametrize("text", ["{{ 7 * 7 }}", "{% for x in range(3) %}{{ x }}{% endfor %}", "{{ config }} {{ self }}"])
def test_template_syntax_in_content_is_never_evaluated(tmp_path: Path, text: str) -> None:
    output = built(tmp_path, {"businesses/t.yaml": business(id="tpl", name=f"Shop {text}", description=f"Say {text}"),
                              "faq/tpl.md": f"---\ntitle: Q {text}\n---\nA {text}\n"}, base={})
    html = page(output, "b/tpl/index.html")
    assert html.find("h1").text == f"Shop {text}"
    assert html.find("section", class_="description").text == f"Say {text}"
    faq = page(output, "faq/tpl/index.html")
    assert faq.find("h1").text == f"Q {text}" and f"A {text}" in faq.find("article").text


INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
             "\u2066", "\u2067", "\u2068", "\u2069", "\u00ad", "\u2060", "\ufeff", "\u3164", "\U000e0041"]


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_invisible_and_bidi_characters_in_a_name_are_errors(tmp_path: Path, char: str) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": business(name=f"Ibe{char}ria")}) == [
        f"businesses/a.yaml:2: name: contains an invisible or direction-changing character (U+{ord(char):04X})"]


@pytest.mark.parametrize("field, line", [("city", 4), ("address", 4), ("category", 4), ("description", 4)])
def test_bidi_override_is_an_error_in_every_text_field(tmp_path: Path, field: str, line: int) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": business(**{field: "evil\u202egnp.exe"})}) == [
        f"businesses/a.yaml:{line}: {field}: contains an invisible or direction-changing character (U+202E)"]


def test_bidi_in_register_verification_and_faq_is_an_error(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, {
        "register/r.yaml": 'company_id: C1\nlegal_name: "Legal\\u2067 S.A."\nphones: ["+34 655 00 00 01"]\n',
        "verifications/v.yaml": 'business: shop\nwhatsapp: "+34 655 00 00 01"\nverified_on: 2026-01-01\n'
                                'expires: 2027-01-01\nmethod: "call\\u200f"\n',
        "faq/q.md": "---\ntitle: \"Q\\u202d\"\n---\nBody\n",
        "businesses/a.yaml": business(),
    })
    assert errors == [
        "faq/q.md:2: title: contains an invisible or direction-changing character (U+202D)",
        "register/r.yaml:2: legal_name: contains an invisible or direction-changing character (U+2067)",
        "verifications/v.yaml:5: method: contains an invisible or direction-changing character (U+200F)",
    ]


def test_emoji_presentation_selector_after_a_symbol_is_fine(tmp_path: Path) -> None:
    output = built(tmp_path, {"businesses/a.yaml": business(id="cafe", name="\u2615\ufe0f Café Sol")}, base={})
    assert page(output, "b/cafe/index.html").find("h1").text == "\u2615\ufe0f Café Sol"


@pytest.mark.parametrize("value, message", [
    ("Shop\nLine two", "contains control characters or line breaks"),
    ("Shop\u2028Two", "contains control characters or line breaks"),
    ("Shop\x1b[31m", "contains control characters or line breaks"),
    ("Shop\tTab", "contains control characters or line breaks"),
    pytest.param("Z" + "\u0300" * 30, "stacks more than 5 combining marks on one character", id="zalgo"),
])
def test_line_breaks_controls_and_stacked_marks_in_a_name_are_errors(tmp_path: Path, value: str, message: str) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": business(name=value)}) == [f"businesses/a.yaml:2: name: {message}"]


@pytest.mark.parametrize("field, limit", [("name", 120), ("city", 120), ("address", 300), ("description", 4000)])
def test_lengths_are_capped(tmp_path: Path, field: str, limit: int) -> None:
    line = 2 if field == "name" else 4
    assert errors_of(tmp_path, {"businesses/a.yaml": business(**{field: "x" * (limit + 1)})}) == [
        f"businesses/a.yaml:{line}: {field}: is {limit + 1} characters long; the limit is {limit}"]


def test_a_name_at_the_limit_builds(tmp_path: Path) -> None:
    output = built(tmp_path, {"businesses/a.yaml": business(name="N" * 120)}, base={})
    assert page(output, "b/shop/index.html").find("h1").text == "N" * 120


def test_faq_length_is_capped(tmp_path: Path) -> None:
    assert errors_of(tmp_path, {"faq/long.md": "---\ntitle: Long\n---\n" + "x" * 60_001}) == [
        "faq/long.md:4: body: is 60001 characters long; the limit is 60000"]


def test_a_huge_field_fails_fast_with_a_clear_error(tmp_path: Path) -> None:
    import time

    started = time.perf_counter()
    errors = errors_of(tmp_path, {"businesses/a.yaml": business(description="[a](" * 5000)})
    assert errors == ["businesses/a.yaml:4: description: is 20000 characters long; the limit is 4000"]
    assert time.perf_counter() - started < 5


def test_diagnostics_never_carry_terminal_escapes_or_fake_lines(tmp_path: Path) -> None:
    register = 'company_id: C1\nlegal_name: A S.L.\nphones: ["\\e]0;pwned\\a\\e[2J"]\n"\\e[31mname\\nbusinesses/x.yaml:1": 1\n'
    errors = errors_of(tmp_path, {"register/r.yaml": register})
    assert len(errors) == 2 and all(e.isprintable() for e in errors)
    assert errors[0] == "register/r.yaml:3: phones: line 3: '\\u001b]0;pwned\\u0007\\u001b[2J' holds several numbers; " \
                        "write one number per field"
    assert errors[1].startswith("register/r.yaml:4: \\u001b[31mname\\u000abusinesses/x.yaml:1: unknown field")


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(["a", " ", "é", "e", "\u0301", "\u0300", "\u20dd", "東", "\u0338"]), max_size=40))
def test_stacked_marks_are_found_by_the_shortcut_as_by_looking_at_each_character(text: str) -> None:
    refused = check_text(text, 1000) == f"stacks more than {MAX_MARKS} combining marks on one character"
    assert refused == (_longest_mark_run(text) > MAX_MARKS)
