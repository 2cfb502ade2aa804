"""Accessibility of the built example site, in real headless Chromium.

Every page must pass axe-core (the npm package, injected into the page) with
zero WCAG 2.1 A/AA violations; pages must reflow at 320 CSS px and at 200%
zoom without sideways scrolling or clipped text; badges must read without
colour.  axe-core is installed by

    npm install --no-save --no-audit --no-fund --prefix tests/browser axe-core@4.14.1

(``AXE_CORE_JS`` may point at another ``axe.min.js``).  Like Chromium, a
missing axe-core skips these tests on a developer's machine and fails them in
CI (``CI=true``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SUB_PATH = "directory"  # where tests/browser/conftest.py serves the example site

AXE = Path(os.environ.get("AXE_CORE_JS", Path(__file__).parent / "node_modules/axe-core/axe.min.js"))
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
EXAMPLE_BASE_URL = "https://directory.example.org/"  # content/site.yaml; the 404 page links there


def _required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("BADGEDIR_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        reason = f"axe-core is not installed at {AXE} (npm install --prefix tests/browser axe-core@4.14.1)"
        if _required():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(served: Path, site_url: str) -> tuple[str, list[str]]:
    """The example site's URL and every page in it, relative to that URL."""
    output = served / SUB_PATH
    pages = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))
    assert len(pages) > 70
    return site_url, pages


@pytest.fixture
def tab(browser: Any, served: Path) -> Iterator[Any]:
    """A page whose requests to the example's base_url (only the 404 page makes them) are served locally."""
    context = browser.new_context()
    output = served / SUB_PATH

    def local(route: Any) -> None:
        path = output / route.request.url.removeprefix(EXAMPLE_BASE_URL).split("?")[0]
        path = path / "index.html" if path.is_dir() else path
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404, body="")

    context.route(f"{EXAMPLE_BASE_URL}**", local)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page: Any, axe_source: str) -> list[str]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    found = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ` +
            v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""", WCAG_21_AA)
    return list(found)


def test_every_page_passes_axe_at_wcag_21_aa(tab: Any, site: tuple[str, list[str]], axe_source: str) -> None:
    url, pages = site
    problems = {}
    for rel in pages:
        tab.goto(url + rel, wait_until="load")
        violations = axe_violations(tab, axe_source)
        if violations:
            problems[rel] = violations
    assert problems == {}


def test_interactive_states_pass_axe(tab: Any, site: tuple[str, list[str]], axe_source: str) -> None:
    """The search results and the number lookup, as a visitor sees them after using them."""
    url, _ = site
    tab.goto(url + "index.html", wait_until="load")
    tab.get_by_role("searchbox", name="Search businesses").fill("banco")
    tab.wait_for_selector("[data-search][data-search-state=done]")
    assert tab.locator(".search-result").count() > 0
    assert axe_violations(tab, axe_source) == []
    tab.goto(url + "lookup/index.html", wait_until="load")
    box = tab.locator("#lookup-number")
    box.fill("+34 600 12 34 56")
    box.press("Enter")
    tab.wait_for_selector("[data-lookup][data-lookup-state=done]")
    assert axe_violations(tab, axe_source) == []


# Horizontal overflow, and text cut off by an element that hides its overflow.
_LAYOUT = """() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    if (document.documentElement.scrollWidth > width + 1) problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    for (const el of document.body.querySelectorAll('*')) {
        if (el.closest('.visually-hidden, .skip-link, [hidden], noscript, script, style, template, option')) continue;
        const box = el.getBoundingClientRect();
        if (box.width <= 1 && box.height <= 1) continue;  // nothing shown, or visually hidden (1 px, clipped) for screen readers
        if (box.right > width + 1 && getComputedStyle(el).position !== 'fixed') problems.push(`${el.tagName}.${el.className} ends at ${Math.round(box.right)}px`);
        const style = getComputedStyle(el);
        if (['hidden', 'clip'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1 && el.textContent.trim())
            problems.push(`${el.tagName}.${el.className} clips its text`);
    }
    return problems.slice(0, 5);
}"""


@pytest.mark.parametrize(("width", "zoom"), [(320, 1), (640, 2)], ids=["320px", "200%-zoom"])
def test_every_page_reflows_without_sideways_scrolling(browser: Any, site: tuple[str, list[str]], width: int, zoom: int) -> None:
    """320 CSS px is WCAG 1.4.10's reflow width; a 1280 px window at 200% zoom is 640 CSS px at scale 2."""
    url, pages = site
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=zoom)
    tab = context.new_page()
    problems = {}
    try:
        for rel in pages:
            if rel == "404.html":
                continue  # its links point at the example's base_url; covered by test_subpath
            tab.goto(url + rel, wait_until="load")
            found = tab.evaluate(_LAYOUT)
            if found:
                problems[rel] = found
    finally:
        context.close()
    assert problems == {}


def test_text_at_200_percent_stays_readable(browser: Any, site: tuple[str, list[str]]) -> None:
    """WCAG 1.4.4: text resized to 200% (not the whole page) loses no content."""
    url, _ = site
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    try:
        for rel in ("index.html", "b/aerolineas-brisa/index.html", "b/aerolineas-brisa-soporte/index.html",
                    "category/index.html", "faq/badges/index.html", "lookup/index.html"):
            tab.goto(url + rel, wait_until="load")
            tab.add_style_tag(content="html { font-size: 200% !important; } body { font-size: 2rem !important; }")
            assert tab.evaluate(_LAYOUT) == [], rel
    finally:
        context.close()


def test_badges_are_distinguishable_without_colour(tab: Any, site: tuple[str, list[str]]) -> None:
    url, _ = site
    tab.goto(url + "index.html", wait_until="load")
    tab.emulate_media(forced_colors="active")  # Windows high contrast: every colour is replaced
    badges = tab.evaluate("""() => [...document.querySelectorAll('.legend .badge')].map(b => {
        const label = b.querySelector('.badge__label'), icon = b.querySelector('.badge__icon');
        const box = label.getBoundingClientRect();
        return {tier: b.dataset.tier, label: label.innerText.trim(), icon: icon.innerText.trim(),
                visible: box.width > 0 && box.height > 0 && getComputedStyle(label).visibility === 'visible',
                border: getComputedStyle(b).borderTopStyle};
    })""")
    assert [b["tier"] for b in badges] == ["verified", "confirmed", "unverified"]
    assert all(b["visible"] and b["label"] for b in badges)
    assert len({b["label"] for b in badges}) == 3  # the text alone tells them apart
    unverified = badges[2]
    assert unverified["icon"] != badges[0]["icon"] and unverified["border"] != badges[0]["border"]
    # and the accessible name carries the tier, for screen readers
    names = tab.evaluate("""() => [...document.querySelectorAll('.legend .badge')].map(b => b.innerText.trim())""")
    assert all(b["label"] in name for b, name in zip(badges, names))
