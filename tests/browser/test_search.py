"""The search box in a real browser, against the built example directory."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

TIER_ORDER = {"verified": 0, "confirmed": 1, "unverified": 2}


def results(page: Any) -> list[tuple[str, str]]:
    page.wait_for_selector("[data-search][data-search-state=done]")
    return [(item.query_selector(".search-result__name").inner_text(),
             item.query_selector(".badge").get_attribute("data-tier"))
            for item in page.query_selector_all(".search-result")]


def search(page: Any, query: str, typed: bool = False) -> list[tuple[str, str]]:
    box = page.get_by_role("searchbox", name="Search businesses")
    if typed:
        box.fill("")
        box.press_sequentially(query, delay=30)
    else:
        box.fill(query)
    return results(page)


def names(found: list[tuple[str, str]]) -> list[str]:
    return [name for name, _ in found]


def assert_tier_order(found: list[tuple[str, str]]) -> None:
    ranks = [TIER_ORDER[tier] for _, tier in found]
    assert ranks == sorted(ranks), found


@pytest.fixture
def home(page: Any, site_url: str) -> Any:
    page.goto(site_url + "index.html")
    return page


def test_typing_a_query_lists_matches_verified_first(home: Any) -> None:
    found = search(home, "cafe", typed=True)
    assert found[0] == ("Café Niño", "verified")
    assert set(names(found)) == {"Café Niño", "Café Lumière", "Cafetería El Retiro", "Café La Tertulia",
                                 "Cafetería Guadalquivir", "Cafetería Zazpi"}
    assert_tier_order(found)
    assert home.inner_text(".search__status") == "6 businesses found."


def test_the_real_account_ranks_above_its_look_alike(home: Any) -> None:
    found = search(home, "aerolineas brisa")
    assert found == [("Aerolíneas Brisa", "verified"), ("Aerolíneas Brisa Soporte", "unverified")]
    warning = home.query_selector_all(".search-result")[1].query_selector(".lookalike-warning")
    assert "Not the verified account of Aerolíneas Brisa" in warning.inner_text()
    assert warning.query_selector("a").get_attribute("href").endswith("/directory/b/aerolineas-brisa/index.html")


@pytest.mark.parametrize("query", ["cafe nino", "CAFÉ NIÑO", "Cafe Niño", "café  niño!"])
def test_accents_and_case_do_not_matter(home: Any, query: str) -> None:
    assert names(search(home, query)) == ["Café Niño"]


@pytest.mark.parametrize("query, first", [
    ("aerol", "Aerolíneas Brisa"),
    ("panad esp", "Panadería La Espiga"),
    ("mensaj", "Mensajería Cometa"),
])
def test_partial_words_match_as_you_type(home: Any, query: str, first: str) -> None:
    found = search(home, query, typed=True)
    assert found[0][0] == first
    assert_tier_order(found)


@pytest.mark.parametrize("query, expected", [
    ("farmcia del carmen", "Farmacia del Carmen"),  # a letter missing
    ("areolineas", "Aerolíneas Brisa"),  # two letters swapped
    ("panaderia espuga", "Panadería La Espiga"),  # a wrong letter
    ("seguross faro", "Seguros Faro"),  # a letter too many
    ("telefonia mareaz", "Telefonía Mareas"),
])
def test_a_small_typo_still_finds_the_name(home: Any, query: str, expected: str) -> None:
    assert names(search(home, query))[0] == expected


def test_a_typo_match_never_outranks_an_exact_one(home: Any) -> None:
    found = names(search(home, "optica"))
    assert found[:4] == ["Óptica Mirador", "Òptica Gràcia", "Óptica Alcazaba", "Óptica La Ría"]


def test_no_match_says_so(home: Any) -> None:
    assert search(home, "zzzzqqq") == []
    assert home.inner_text(".search__status") == "No business matches your search."


def filter_by(page: Any, label: str, value: str) -> None:
    details = page.locator("details.search__filters")
    if not details.get_attribute("open") == "":
        details.locator("summary").click()
    page.get_by_label(label, exact=True).select_option(value=value)


def test_filter_by_tier(home: Any) -> None:
    assert {tier for _, tier in search(home, "farmacia")} == {"verified", "confirmed", "unverified"}
    filter_by(home, "Badge", "verified")
    assert results(home) == [("Farmacia del Carmen", "verified")]
    found = search(home, "")  # a filter alone lists its businesses
    assert home.inner_text(".search__status") == "12 businesses found."
    assert len(found) == 10 and {tier for _, tier in found} == {"verified"}
    assert names(found) == sorted(names(found), key=lambda n: n.replace("Ó", "O").replace("Ò", "O"))


def test_filter_by_category(home: Any) -> None:
    assert home.locator("#search-category option").count() == 1  # options come from the manifest, not every page
    filter_by(home, "Category", "cafe")
    assert home.locator("#search-category option[value=cafe]").text_content() == "Café"
    found = results(home)  # choosing a filter alone lists its businesses
    assert set(names(found)) == {"Café Niño", "Café Lumière", "Cafetería El Retiro", "Café La Tertulia",
                                 "Cafetería Guadalquivir", "Cafetería Zazpi", "Chocolatería Doña Pepa"}
    assert_tier_order(found)
    assert names(search(home, "retiro")) == ["Cafetería El Retiro"]


def test_filter_by_city(home: Any) -> None:
    filter_by(home, "City", "Sevilla")
    found = search(home, "cafe")
    assert names(found) == ["Café Niño", "Cafetería Guadalquivir"]
    search(home, "")
    filter_by(home, "Category", "pharmacy")
    assert names(results(home)) == ["Farmacia San Telmo"]


def test_more_results_load_on_request(home: Any, site_url: str) -> None:
    filter_by(home, "Badge", "unverified")
    assert len(results(home)) == 10
    assert home.inner_text(".search__status") == "22 businesses found."
    more = home.get_by_role("button", name="Show more results")
    for shown in (20, 22):
        more.click()
        home.wait_for_function(f"document.querySelectorAll('.search-result').length >= {shown}")
    assert len(home.query_selector_all(".search-result")) == 22
    assert more.is_hidden()
    assert home.evaluate("document.activeElement.closest('.search-result') === document.querySelectorAll('.search-result')[20]")


def test_every_business_is_found_by_its_own_name(home: Any, site_url: str) -> None:
    """Python and JavaScript fold and split names the same way, for every example name."""
    with urllib.request.urlopen(site_url + "api/businesses.json") as response:
        businesses = json.load(response)["businesses"]
    for business in businesses:
        assert business["name"] in names(search(home, business["name"])), business["name"]


def test_results_are_accessible(home: Any) -> None:
    region = home.locator("#search-results")
    assert region.get_attribute("aria-live") == "polite"
    search(home, "onda")
    badge = home.locator(".search-result .badge").first
    assert badge.locator(".badge__label").inner_text() == "Verified"
    assert badge.locator(".badge__icon").get_attribute("aria-hidden") == "true"
    link = home.locator(".search-result__name").first
    assert link.get_attribute("href").endswith("/directory/b/onda-movil/index.html")
    link.focus()
    home.keyboard.press("Enter")
    home.wait_for_url("**/b/onda-movil/index.html")


def test_search_works_from_a_deep_page(page: Any, site_url: str) -> None:
    page.goto(site_url + "b/cafe-nino/index.html")
    found = search(page, "brisa")
    assert names(found)[0] == "Aerolíneas Brisa"
    assert page.locator(".search-result__name").first.get_attribute("href").endswith("/directory/b/aerolineas-brisa/index.html")


def test_hostile_names_stay_text(page: Any, hostile_url: str) -> None:
    page.goto(hostile_url + "index.html")
    found = search(page, "evil")
    assert len(found) == 1
    assert found[0][0].startswith('<img src=x onerror="window.__pwned=1">Evil & Co')
    assert page.evaluate("window.__pwned") is None
    assert page.query_selector(".search__results img, .search__results script") is None


@pytest.mark.parametrize("query, expected", [("strasse", "Straße Bäckerei"), ("BACKEREI", "Straße Bäckerei"),
                                             ("oresund", "Øresund Kaffe")])
def test_letters_without_decomposition_fold_too(page: Any, hostile_url: str, query: str, expected: str) -> None:
    page.goto(hostile_url + "index.html")
    assert names(search(page, query)) == [expected]


def test_a_whole_name_match_comes_first_within_its_tier(page: Any, hostile_url: str) -> None:
    page.goto(hostile_url + "index.html")
    assert names(search(page, "kaffe nord")) == ["Kaffe Nord", "Bar Kaffe Nord"]
    assert names(search(page, "nord")) == ["Bar Kaffe Nord", "Kaffe Nord"]  # otherwise A–Z


def test_a_warning_puts_a_hostile_imitated_name_in_as_text(home: Any) -> None:
    name = '$& $` <img src=x onerror="window.__pwned=1"> {name}'
    made = home.evaluate("""([name]) => {
        const p = window.badgedirResults.warning("Not the account of {name}, careful", name, "b/real-one/", "See {name}");
        const off = window.badgedirResults.warning("{name}", name, "javascript:alert(1)", "See it");
        return {text: p.textContent, images: p.querySelectorAll("img").length, href: p.querySelector("a").href,
                offLinks: off.querySelectorAll("a").length, className: p.className};
    }""", [name])
    assert made["text"] == f"! Not the account of {name}, careful See {name}"
    assert made["className"] == "lookalike-warning"
    assert made["images"] == 0
    assert made["href"].endswith("/directory/b/real-one/index.html")
    assert made["offLinks"] == 0
    assert home.evaluate("window.__pwned") is None
