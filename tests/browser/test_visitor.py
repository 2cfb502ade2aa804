"""What a visitor sees first (issue #20): the tier unmistakable, caution where it is due, one
look-alike warning, a compact header, and search from disk saying what it needs.

Screenshots at 320 and 1280 px are written as artifacts under ``BADGEDIR_SCREENSHOTS`` (a folder;
created if missing), or under pytest's temporary folder when it is not set.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import SUB_PATH

VERIFIED, CONFIRMED, UNVERIFIED, LOOK_ALIKE = ("b/cafe-nino/index.html", "b/cafe-lumiere/index.html",
                                               "b/chocolateria-dona-pepa/index.html",
                                               "b/aerolineas-brisa-soporte/index.html")
BUSINESS_PAGES = {"verified": VERIFIED, "confirmed": CONFIRMED, "unverified": UNVERIFIED, "look-alike": LOOK_ALIKE}
ICONS = {"verified": "check-filled", "confirmed": "check-outline", "unverified": "question"}


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("BADGEDIR_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(params=[320, 1280], ids=["320px", "1280px"])
def sized(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A tab of 320 × 568 CSS px (a small phone) or 1280 × 800."""
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 568 if width == 320 else 800})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    tab.width = width
    yield tab
    context.close()
    assert not errors, errors


def _box(page: Any, selector: str) -> dict[str, float]:
    return page.locator(selector).first.evaluate("e => { const r = e.getBoundingClientRect(); "
                                                 "return {top: r.top, bottom: r.bottom, height: r.height, width: r.width}; }")


def look_up(page: Any, number: str) -> Any:
    box = page.locator("#lookup-number")
    box.fill(number)
    box.press("Enter")
    page.wait_for_selector("[data-lookup][data-lookup-state=done]")
    return page.locator(".lookup__result")


def search(page: Any, query: str) -> Any:
    page.locator("#search-q").fill(query)
    page.wait_for_selector("[data-search][data-search-state=done]")
    return page.locator(".search__list")


# --- item 5: the tier unmistakable -------------------------------------------------------------


@pytest.mark.parametrize("kind, sentence", [
    ("verified", "This number is registered to Café Niño Tostadores, S.L. in the company register, and the "
                 "directory operator verified the account on April 11, 2026."),
    ("confirmed", "This number is registered to Café Lumière SARL in the company register; the directory has "
                  "not verified the account."),
    ("unverified", "Nothing confirms that this account belongs to the business it names: be careful before you "
                   "share anything."),
])
def test_a_business_page_opens_with_a_large_badge_and_what_the_tier_means(sized: Any, site_url: str, shots: Path,
                                                                           kind: str, sentence: str) -> None:
    sized.goto(site_url + BUSINESS_PAGES[kind])
    panel = sized.locator(".tier-panel")
    assert panel.count() == 1
    assert panel.locator(".tier-panel__meaning").inner_text().startswith(sentence)
    badge = panel.locator(".badge")
    tier = "unverified" if kind == "look-alike" else kind
    assert badge.get_attribute("data-tier") == tier
    assert badge.locator(".badge__icon").get_attribute("data-icon") == ICONS[tier]
    # Legible at 100 %: the big badge's label is at least 18 px (body text is 16), its icon at least 24 px tall.
    assert badge.locator(".badge__label").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 18
    assert _box(sized, ".tier-panel .badge__icon")["height"] >= 24
    # Near the top: right under the name, above the number.
    name = _box(sized, ".business__header")["bottom"]  # the name, with the logo beside it if verified
    assert name <= _box(sized, ".tier-panel")["top"] <= name + 24
    assert _box(sized, ".tier-panel")["bottom"] < _box(sized, ".facts .number")["top"]
    sized.screenshot(path=str(shots / f"business-{kind}-{sized.width}.png"))


def test_listings_and_results_carry_a_different_icon_for_each_tier(page: Any, site_url: str) -> None:
    page.goto(site_url + "index.html")
    listed = page.eval_on_selector_all(".cards .badge", "bs => bs.map(b => [b.dataset.tier, "
                                                        "b.querySelector('.badge__icon').dataset.icon])")
    assert {tier for tier, _ in listed} == set(ICONS)
    assert all(ICONS[tier] == icon for tier, icon in listed)
    search(page, "farmacia")
    found = page.eval_on_selector_all(".search__list .badge", "bs => bs.map(b => [b.dataset.tier, "
                                                             "b.querySelector('.badge__icon').dataset.icon])")
    assert {tier for tier, _ in found} == set(ICONS)
    assert all(ICONS[tier] == icon for tier, icon in found)


# Luminance of a PNG, scaled to size × size, decoded by the browser (no image library needed).
_LUMINANCE = """async ([data, size]) => {
    const image = new Image();
    image.src = 'data:image/png;base64,' + data;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = size;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0, size, size);
    const pixels = context.getImageData(0, 0, size, size).data, out = [];
    for (let i = 0; i < pixels.length; i += 4) out.push((pixels[i] * 299 + pixels[i + 1] * 587 + pixels[i + 2] * 114) / 1000);
    return out;
}"""


def test_the_three_badges_stay_apart_in_grayscale(page: Any, site_url: str, shots: Path) -> None:
    """Grayscale screenshots of each tier's icon in the A–Z list, compared pixel by pixel and by
    shape: the filled disc is dark all over, the ring dark at its edge, the question mark neither."""
    page.goto(site_url + "index.html")
    page.add_style_tag(content="html { filter: grayscale(1); }")
    icons: dict[tuple[str, int], list[float]] = {}
    for tier in ICONS:
        page.locator(f".cards .badge--{tier}").first.screenshot(path=str(shots / f"badge-{tier}-grayscale.png"))
        for n in (0, 1):  # two of each: how much the same icon differs from itself (sub-pixel placement)
            data = base64.b64encode(page.locator(f".cards .badge--{tier} .badge__icon").nth(n).screenshot()).decode()
            icons[(tier, n)] = page.evaluate(_LUMINANCE, [data, SIZE])

    def difference(a: tuple[str, int], b: tuple[str, int]) -> float:
        return sum(abs(x - y) for x, y in zip(icons[a], icons[b])) / len(icons[a])

    noise = max(difference((tier, 0), (tier, 1)) for tier in ICONS)
    for a, b in (("verified", "confirmed"), ("verified", "unverified"), ("confirmed", "unverified")):
        assert difference((a, 0), (b, 0)) > max(30, 1.5 * noise), (a, b, difference((a, 0), (b, 0)), noise)
    dark = {tier: _dark(icons[(tier, 0)], 0, SIZE) for tier in ICONS}
    ring = {tier: _dark(icons[(tier, 0)], 0.75 * SIZE / 2, SIZE / 2) for tier in ICONS}
    assert dark["verified"] > 2 * max(dark["confirmed"], dark["unverified"]), dark  # filled
    assert ring["confirmed"] > 0.05 and ring["unverified"] < ring["confirmed"] / 3, ring  # a ring, and no ring


SIZE = 24  # icons are compared scaled to SIZE × SIZE pixels


def _dark(pixels: list[float], inner: float, outer: float) -> float:
    """The share of dark pixels between two distances from the centre."""
    centre = (SIZE - 1) / 2
    band = [v for i, v in enumerate(pixels)
            if inner <= ((i % SIZE - centre) ** 2 + (i // SIZE - centre) ** 2) ** .5 <= outer]
    return sum(v < 128 for v in band) / len(band)


def test_badges_keep_their_shapes_in_forced_colours(page: Any, site_url: str) -> None:
    page.goto(site_url + "index.html")
    page.emulate_media(forced_colors="active")
    styles = page.evaluate("""() => Object.fromEntries(['verified', 'confirmed'].map(t => {
        const s = getComputedStyle(document.querySelector('.cards .badge--' + t + ' .badge__icon'));
        return [t, {background: s.backgroundColor, border: s.borderTopStyle + ' ' + s.borderTopWidth}];
    }))""")
    assert styles["verified"]["background"] != styles["confirmed"]["background"]  # the disc stays filled
    assert styles["confirmed"]["border"].startswith("solid")  # the ring stays drawn


# --- item 6: caution where it is due -----------------------------------------------------------


def test_a_look_alike_page_offers_no_chat_button_and_no_badge_to_embed(page: Any, site_url: str, shots: Path) -> None:
    page.goto(site_url + LOOK_ALIKE)
    assert page.locator("a.button").count() == 0
    chat = page.locator("a.chat-link")
    assert chat.inner_text() == "Open a chat with this number on WhatsApp"
    assert chat.get_attribute("href") == "https://wa.me/34699807123"
    # After the warning, in reading order.
    assert page.evaluate("""() => !!(document.querySelector('.lookalike-warning')
        .compareDocumentPosition(document.querySelector('.chat-link')) & Node.DOCUMENT_POSITION_FOLLOWING)""")
    assert page.locator("#embed-code, .embed, .save-contact").count() == 0
    page.screenshot(path=str(shots / "look-alike-page-1280.png"), full_page=True)

    page.goto(site_url + VERIFIED)  # a business that is what it says keeps both
    assert page.get_by_role("link", name="Chat on WhatsApp").get_attribute("class") == "button"
    assert page.locator("#embed-code").count() == 1


@pytest.mark.parametrize("number, checked, heading", [
    ("699807123", "+34 699 80 71 23",
     "Be careful: this number is in the directory, but it is not the account of the business its name resembles."),
    ("605771826", "+34 605 77 18 26",
     "Be careful: this number is in the directory, but nothing confirms who uses it."),
    ("0034654321098", "+34 654 32 10 98", "This number is in the directory:"),
])
def test_the_lookup_heads_an_unverified_or_look_alike_result_with_a_caution(page: Any, site_url: str, shots: Path,
                                                                            number: str, checked: str, heading: str) -> None:
    page.goto(site_url + "lookup/index.html")
    result = look_up(page, number)
    assert result.locator(".lookup__checked").inner_text() == f"Number checked: {checked}"
    assert result.locator(".lookup__found").inner_text() == heading
    cautious = result.locator(".lookup__found--caution").count() == 1
    assert cautious == heading.startswith("Be careful")
    page.screenshot(path=str(shots / f"lookup-{number.replace(' ', '')}-1280.png"), full_page=True)


def test_the_lookup_shows_an_unknown_number_as_it_was_written(page: Any, site_url: str) -> None:
    page.goto(site_url + "lookup/index.html")
    result = look_up(page, "  +34  600 00 00 00 ")
    assert result.locator(".lookup__checked").inner_text() == "Number checked: +34 600 00 00 00"


# --- item 7: evidence in visitors' words -------------------------------------------------------


@pytest.mark.parametrize("kind", ["verified", "confirmed", "look-alike"])
def test_why_this_badge_names_evidence_without_files_until_the_operator_opens_them(page: Any, site_url: str,
                                                                                   kind: str) -> None:
    page.goto(site_url + BUSINESS_PAGES[kind])
    why = page.locator("section.why")
    assert ".yaml" not in why.inner_text()
    assert ".yaml" not in page.locator("main").inner_text()
    operator = why.locator("details.why__operator")
    assert operator.get_attribute("open") is None
    operator.locator("summary").click()
    assert ".yaml:" in operator.inner_text()
    sources = why.locator("li[data-source]").evaluate_all("lis => lis.map(l => l.dataset.source)")
    assert sources and all(":" in s and ".yaml" in s for s in sources)
    if kind == "verified":
        assert "by a visit in person" in why.inner_text()
        assert "Café Niño Tostadores, S.L. (company ES-B41587320)" in why.inner_text()


# --- item 8: one warning, one layout -----------------------------------------------------------


_WARNING_LOOK = """w => { const s = getComputedStyle(w); return {
    classes: w.className, parts: [...w.children].map(c => c.tagName + '.' + c.className),
    color: s.color, background: s.backgroundColor, border: s.borderLeft, padding: s.padding, size: s.fontSize}; }"""


def test_a_look_alike_is_flagged_by_the_same_warning_everywhere(page: Any, site_url: str, shots: Path) -> None:
    looks = {}
    page.goto(site_url + "index.html")
    looks["A–Z list"] = page.locator(".cards .lookalike-warning").first.evaluate(_WARNING_LOOK)
    search(page, "aerolineas brisa soporte")
    looks["search results"] = page.locator(".search__list .lookalike-warning").first.evaluate(_WARNING_LOOK)
    page.screenshot(path=str(shots / "warning-search-1280.png"))
    page.goto(site_url + LOOK_ALIKE)
    looks["business page"] = page.locator("main .lookalike-warning").first.evaluate(_WARNING_LOOK)
    page.goto(site_url + "lookup/index.html")
    look_up(page, "699 80 71 23")
    looks["lookup"] = page.locator(".lookup__result .lookalike-warning").first.evaluate(_WARNING_LOOK)
    first = looks["A–Z list"]
    assert first["parts"] == ["SPAN.lookalike-warning__icon", "STRONG.lookalike-warning__text", "A.lookalike-warning__link"]
    assert all(look == first for look in looks.values()), looks
    # The old per-place styles are gone.
    for selector in (".card__warning", ".search-result__warning", ".lookup__warning", "div.warning"):
        assert page.locator(selector).count() == 0


@pytest.mark.parametrize("width", [320, 1280])
def test_every_page_starts_the_same_distance_under_the_header(browser: Any, site_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    gaps = {}
    try:
        for rel in ("index.html", VERIFIED, UNVERIFIED, LOOK_ALIKE, "category/index.html", "tier/confirmed/index.html",
                    "faq/index.html", "faq/badges/index.html", "lookup/index.html"):
            tab.goto(site_url + rel)
            gaps[rel] = round(tab.evaluate("""() => {
                const header = document.querySelector('.site-header').getBoundingClientRect().bottom;
                const first = document.querySelector('main').firstElementChild;
                return first.getBoundingClientRect().top - header; }"""))
    finally:
        context.close()
    assert len(set(gaps.values())) == 1, gaps
    assert next(iter(gaps.values())) >= 12, gaps


@pytest.mark.parametrize("kind", list(BUSINESS_PAGES))
def test_at_320_px_the_header_is_compact_and_the_first_screen_shows_name_badge_and_number(
        browser: Any, site_url: str, shots: Path, kind: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 568})
    tab = context.new_page()
    try:
        tab.goto(site_url + BUSINESS_PAGES[kind])
        assert _box(tab, ".site-header")["height"] <= 120
        for selector in ("h1", ".tier-panel .badge", ".facts .number"):
            assert _box(tab, selector)["bottom"] <= 568, selector
        tab.screenshot(path=str(shots / f"first-screen-{kind}-320.png"))
    finally:
        context.close()


@pytest.mark.parametrize("path", ["index.html", "en/index.html", "en/" + LOOK_ALIKE, LOOK_ALIKE])
def test_at_320_px_the_header_stays_compact_in_both_languages(browser: Any, bilingual_url: str, shots: Path,
                                                              path: str) -> None:
    """The navigation and the language switcher share at most two lines (Spanish labels are long)."""
    context = browser.new_context(viewport={"width": 320, "height": 568})
    tab = context.new_page()
    try:
        tab.goto(bilingual_url + path)
        assert _box(tab, ".site-header")["height"] <= 125
        lines = tab.eval_on_selector_all(".site-nav a, .language-switcher a",
                                         "as => new Set(as.filter(a => a.offsetParent).map(a => Math.round(a.getBoundingClientRect().top))).size")
        assert lines <= 2
        for selector in ("h1", ".tier-panel .badge", ".facts .number") if "/b/" in path else ():
            assert _box(tab, selector)["bottom"] <= 568, selector
        tab.screenshot(path=str(shots / f"bilingual-{path.replace('/', '-')}-320.png"))
    finally:
        context.close()


# --- item 4: from disk ---------------------------------------------------------------------------


def test_from_disk_search_and_lookup_say_they_need_a_web_server(page: Any, served: Path, site_url: str,
                                                                 shots: Path) -> None:
    page.goto((served / SUB_PATH / "index.html").as_uri())
    page.wait_for_selector(".search[data-offline]")
    page.wait_for_selector(".lookup[data-offline]")
    for box, says in ((".search", "Search works once this folder is served by a web server."),
                      (".lookup", "the number lookup works once the folder is served by a web server")):
        note = page.locator(f"{box} .results-offline")
        assert says in note.inner_text()
        link = note.get_by_role("link", name="Browse all businesses from A to Z")
        assert link.get_attribute("href").endswith("index.html")
        assert page.locator(f"{box} form").is_hidden()  # no field that cannot answer
    assert "not available right now" not in page.locator("body").inner_text()
    page.screenshot(path=str(shots / "file-home-1280.png"))
    # Every link on a page opened from disk names index.html, so it opens a page, not a folder listing.
    hrefs = page.eval_on_selector_all("main a[href], header a[href]", "as => as.map(a => a.getAttribute('href'))")
    internal = [h for h in hrefs if not h.startswith(("http", "mailto:", "#"))]
    assert internal and all(h.endswith("index.html") for h in internal), internal
    page.get_by_role("link", name="Check a number").first.click()
    page.wait_for_selector(".lookup[data-offline]")
    assert page.url.startswith("file://") and page.url.endswith("/lookup/index.html")


def test_search_result_links_name_index_html_like_every_other_link(page: Any, site_url: str) -> None:
    page.goto(site_url + "index.html")
    links = search(page, "farmacia").locator("a")
    hrefs = links.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.endswith("/index.html") for h in hrefs), hrefs


# --- item 9: screenshots for people ------------------------------------------------------------


@pytest.mark.parametrize("width", [320, 1280])
def test_screenshots_of_the_visitor_pages(browser: Any, site_url: str, shots: Path, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 568 if width == 320 else 800})
    tab = context.new_page()
    try:
        for name, rel in {"home": "index.html", **BUSINESS_PAGES, "lookup": "lookup/index.html"}.items():
            tab.goto(site_url + rel)
            target = shots / f"page-{name}-{width}.png"
            tab.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 1000
    finally:
        context.close()
