"""Hostile Markdown: descriptions and FAQ pages are rendered, then sanitized by an allow-list.

One directory holds a business per attack; each test reads that business's
page and checks what its description may and may not contain.  The site
check that follows every build (tests/sitecheck.py) adds that no script,
handler or unsafe URL reached any page.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from conftest import build_site, make_content
from hostile import business, errors_of
from html_tree import Element, page

from generator.read import markup

REL = "nofollow noopener noreferrer ugc"
ATTACKS = {
    "script": "Hi <script>alert(1)</script> there",
    "iframe": '<iframe src="https://evil.example/"></iframe>Text',
    "form": '<form action="https://evil.example/"><input name="pin"><button>Send</button></form>Text',
    "style": "<style>.badge{display:none}</style>Text",
    "object": '<object data="https://evil.example/x.swf"></object><embed src="x.swf">Text',
    "meta": '<meta http-equiv="refresh" content="0;url=https://evil.example/">Text',
    "base": '<base href="https://evil.example/">Text',
    "handlers": '<b onmouseover="alert(1)">bold</b> <details open ontoggle="alert(2)">d</details>',
    "badge-classes": '<span class="badge badge--verified" data-tier="verified" id="main" style="position:fixed;top:0">✓ Verified</span>',
    "raw-js-link": '<a href="javascript:alert(1)">raw</a>',
    "md-js-link": "[md](javascript:alert(1))",
    "cased-js-link": "[cased](JaVaScRiPt:alert(1))",
    "tab-js-link": "[tab](java\tscript:alert(1))",
    "entity-js-link": '<a href="jav&#x09;ascript:alert(1)">entity</a> [ent](&#106;avascript:alert(1))',
    "space-js-link": '<a href=" javascript:alert(1)">space</a>',
    "data-link": "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "vbscript-link": "[vb](vbscript:msgbox(1))",
    "relative-links": "[rel](/b/other/) [proto](//evil.example/) [frag](#main)",
    "good-links": "[web](https://ok.example/) [plain](http://ok.example/) [mail](mailto:hi@ok.example) <https://auto.example/>",
    "target-opener": '<a href="https://ok.example/" target="_blank" rel="opener">t</a>',
    "md-image": "![verified badge](https://evil.example/badge.png)",
    "html-image": '<img src="https://evil.example/tick.png" alt="Verified"><img src=x onerror=alert(1)>',
    "svg-math": '<svg><script>alert(1)</script></svg><math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    "noscript-mutation": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "comment": "<!-- <script>alert(1)</script> -->kept",
    "heading": "# Big\n\ntext",
    "title-attr": '[t](https://ok.example/ "x\\" onmouseover=\\"alert(1)")',
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {f"businesses/{i:02d}.yaml": business(id=name, name=f"Shop {name}", whatsapp=f"+34 655 00 {i:02d} 01",
                                                  description=text)
             for i, (name, text) in enumerate(ATTACKS.items())}
    return build_site(make_content(tmp_path_factory.mktemp("markdown"), files))


def description(site: Path, name: str) -> Element:
    return page(site, f"b/{name}/index.html").find("section", class_="description")


def elements(section: Element) -> list[Element]:
    return [e for e in section.iter() if e is not section]


@pytest.mark.parametrize("name, kept_text", [
    ("script", "Hi there"), ("iframe", "Text"), ("form", "Send Text"), ("style", "Text"), ("object", "Text"),
    ("meta", "Text"), ("base", "Text"),
])
def test_dangerous_elements_are_removed_with_their_code(site: Path, name: str, kept_text: str) -> None:
    section = description(site, name)
    assert section.text == kept_text
    assert {e.tag for e in elements(section)} <= {"p"}


def test_event_handlers_are_removed(site: Path) -> None:
    section = description(site, "handlers")
    assert section.find("b").attrs == {}
    assert not any(k.startswith("on") for e in section.iter() for k in e.attrs)


def test_content_cannot_borrow_the_badge_classes_ids_or_styles(site: Path) -> None:
    section = description(site, "badge-classes")
    assert section.text == "✓ Verified"
    assert all(e.attrs == {} for e in elements(section))
    html = page(site, "b/badge-classes/index.html")
    assert [b.attrs["data-tier"] for b in html.find_all(class_="badge")] == ["unverified"]


@pytest.mark.parametrize("name", ["raw-js-link", "md-js-link", "cased-js-link", "tab-js-link", "entity-js-link",
                                  "space-js-link", "data-link", "vbscript-link", "relative-links"])
def test_links_outside_http_https_mailto_lose_their_href(site: Path, name: str) -> None:
    links = description(site, name).find_all("a")
    assert links and all("href" not in a.attrs for a in links)


def test_allowed_links_keep_their_href_and_get_rel(site: Path) -> None:
    links = description(site, "good-links").find_all("a")
    assert [a.attrs["href"] for a in links] == ["https://ok.example/", "http://ok.example/", "mailto:hi@ok.example",
                                                "https://auto.example/"]
    assert all(a.attrs["rel"] == REL for a in links)


def test_target_and_rel_from_content_are_replaced(site: Path) -> None:
    link = description(site, "target-opener").find("a")
    assert link.attrs == {"href": "https://ok.example/", "rel": REL}


@pytest.mark.parametrize("name", ["md-image", "html-image", "svg-math", "noscript-mutation"])
def test_no_images_or_foreign_markup_survive(site: Path, name: str) -> None:
    section = description(site, name)
    assert not {e.tag for e in elements(section)} & {"img", "svg", "math", "script", "style", "noscript"}


def test_comments_are_stripped_and_headings_start_at_h2(site: Path) -> None:
    assert description(site, "comment").text == "kept"
    assert [e.tag for e in elements(description(site, "heading"))] == ["h2", "p"]
    assert len(page(site, "b/heading/index.html").find_all("h1")) == 1


def test_a_title_attribute_stays_one_attribute(site: Path) -> None:
    link = description(site, "title-attr").find("a")
    assert set(link.attrs) == {"href", "title", "rel"} and link.attrs["title"] == 'x\\" onmouseover=\\"alert(1)'


def test_faq_pages_are_sanitized_too(tmp_path: Path) -> None:
    content = make_content(tmp_path, {"faq/evil.md": "---\ntitle: Evil\n---\n"
                                                     "<script>alert(1)</script>\n\n"
                                                     '<p class="badge" onclick="x()">Hi</p>\n\n'
                                                     "[x](javascript:alert(1)) ![b](https://evil.example/b.png)\n"})
    article = page(build_site(content), "faq/evil/index.html").find("article")
    inner = [e for e in article.iter() if e is not article]
    assert [e.tag for e in inner] == ["h1", "p", "p", "a"]
    assert [e.attrs for e in inner[1:]] == [{}, {}, {"rel": REL}]


def test_description_mapping_per_language_is_sanitized(tmp_path: Path) -> None:
    files = {"businesses/a.yaml": 'id: shop\nname: Shop\nwhatsapp: "+34 655 00 00 01"\n'
                                  'description:\n  en: "<script>alert(1)</script>Safe"\n'}
    assert description(build_site(make_content(tmp_path, files)), "shop").text == "Safe"


def test_pathological_brackets_in_a_faq_page_fail_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    errors = errors_of(tmp_path, {"faq/slow.md": "---\ntitle: Slow\n---\n" + "[a](" * 5000 + "\n"})
    assert errors == ["faq/slow.md:4: body: a paragraph has more than 100 '[' characters; split it or remove some links"]
    assert time.perf_counter() - started < 5


def test_pathological_brackets_in_a_description_fail_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    errors = errors_of(tmp_path, {"businesses/a.yaml": business(description="[a](" * 900)})
    assert errors == ["businesses/a.yaml:4: description: a paragraph has more than 100 '[' characters; split it or remove some links"]
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("text", ["1. " * 1300, "+ " * 1900, "> " * 1900, "".join("\t" * i + "- x\n" for i in range(300))],
                         ids=["ordered", "plus", "quotes", "tabs"])
def test_deeply_nested_lists_and_quotes_are_refused_before_they_crash_the_parser(tmp_path: Path, text: str) -> None:
    errors = errors_of(tmp_path, {"faq/deep.md": "---\ntitle: Deep\n---\n" + text})
    assert errors == ["faq/deep.md:4: body: lists or quotes are nested more than 20 levels deep"]


def test_ordinary_nesting_still_renders(tmp_path: Path) -> None:
    files = {"businesses/a.yaml": business(description="- a\n    - b\n        - c\n\n> q\n> > qq\n")}
    section = description(build_site(make_content(tmp_path, files)), "shop")
    assert [e.tag for e in elements(section)] == ["ul", "li", "ul", "li", "ul", "li", "blockquote", "p", "blockquote", "p"]


# ---- the plain-line shortcut -----------------------------------------------------------

_PIECES = ["Café", "niño", "Ωmega", "東京", "2010", "24/7", "¿Qué?", "¡Hola!", "ﬁn", "x²", "ª", " ", "  ", ". ", ", ",
           "(", ")", "'", '"', "%", "€", "@", "+", "-", "--", ":", ";", "!", "?", "*", "_", "`", "[", "]", "<", ">",
           "&", "&amp;", "#", "\\", "\t", "\n", "1. ", "- ", "> ", "    ", "\u00a0", "\u0301", "e\u0301", "http://x.example",
           "a@b.example", "**", "~"]


@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14))
@settings(max_examples=400, deadline=None)
def test_the_plain_line_shortcut_gives_what_markdown_and_the_sanitizer_give(pieces: list[str]) -> None:
    text = "".join(pieces)
    if markup._PLAIN_LINE.fullmatch(text):
        assert markup.render_markdown.__wrapped__(text) == markup._render_markdown(text)


_INLINE_PIECES = ["**", "[", "](", ")", "![", "https://x.example", "http://x.example:8080/a-b/c.html?q=1#top", "https://x",
                  "Café", "niño", "Ωmega", "2010", "¡Hola!", " ", "  ", ". ", ", ", "(", "'", '"', "!", "*", "_", "\\",
                  "&", "<b>", "1. ", "\n", "e\u0301", "javascript:alert(1)", "mailto:a@b.example", "*", "`", "]", "%20"]


_RUNS = st.lists(st.sampled_from(["Café", "niño", "Ωmega", "2010", "e\u0301", "x²"]), min_size=1, max_size=3).map(" ".join)
_URLS = st.sampled_from(["https://x.example", "http://x.example:8080/a-b/c.html?q=1#top", "https://x", "https://x.example/%20"])
_NEAR_INLINE = st.lists(st.one_of(  # mostly lines the shortcut takes, with an odd piece now and then
    _RUNS, _RUNS.map(lambda run: f"**{run}**"), st.tuples(_RUNS, _URLS).map(lambda link: f"[{link[0]}]({link[1]})"),
    st.sampled_from([" ", ", ", ". ", " (", ") ", "!", " ¡", "'", '"', "-", "?"]), st.sampled_from(_INLINE_PIECES)),
    min_size=1, max_size=10).map("".join)


@given(st.one_of(st.lists(st.sampled_from(_INLINE_PIECES), min_size=1, max_size=16).map("".join), _NEAR_INLINE))
@settings(max_examples=1500, deadline=None)
def test_the_bold_and_link_shortcut_gives_what_markdown_and_the_sanitizer_give(text: str) -> None:
    if markup._INLINE_LINE.fullmatch(text):
        event("took the shortcut")
        assert markup.render_markdown.__wrapped__(text) == markup._render_markdown(text)


def test_everyday_descriptions_with_bold_and_links_take_the_shortcut() -> None:
    for text in ["Pide cita por WhatsApp y te respondemos **el mismo día**.",
                 "Somos una **academia de idiomas** en Jaén. Más información en nuestra [web](https://academia.example/es).",
                 "[Reserva](https://x.example/r?mesa=2#hoy) o llámanos: **siempre** abiertos (también festivos), ¡ven!"]:
        assert markup._INLINE_LINE.fullmatch(text), text
        html = markup.render_markdown.__wrapped__(text)
        assert html == markup._render_markdown(text) and ("<strong>" in html or "<a href" in html)
    for text in ["Mira ![logo](https://x.example/l.png)", "**sin cerrar", "[web](javascript:alert(1))", "**a**b",
                 "[web](https://x.example/a_b)", "A & **B**", "**Línea**\nbreak"]:
        assert not markup._INLINE_LINE.fullmatch(text), text


def test_everyday_descriptions_take_the_plain_line_shortcut() -> None:
    for text in ["Academia de Idiomas en Móstoles desde 1964. Atendemos por WhatsApp de lunes a sábado.",
                 "Envíos 24/7 (también festivos), 100% garantizados: pide presupuesto en info@x.example",
                 "Taller \"El Rayo\" de O'Donnell - abierto desde 2010!"]:
        assert markup._PLAIN_LINE.fullmatch(text), text
        assert markup.render_markdown.__wrapped__(text) == markup._render_markdown(text)
    for text in ["**Bold** start", "1. A list", "# Heading", "A & B", "Line\nbreak", "Trailing space ", "snake_case"]:
        assert not markup._PLAIN_LINE.fullmatch(text), text
