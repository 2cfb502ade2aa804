"""The number lookup in a real browser, against the built example directory."""

from __future__ import annotations

from typing import Any

import pytest


def look_up(page: Any, number: str) -> Any:
    box = page.get_by_label("Who wrote to me? Check a WhatsApp number")
    box.fill(number)
    box.press("Enter")
    page.wait_for_selector("[data-lookup][data-lookup-state=done]")
    return page.locator(".lookup__result")


def found(result: Any) -> list[tuple[str, str]]:
    return [(item.locator(".lookup__name").inner_text(), item.locator(".badge").get_attribute("data-tier"))
            for item in result.locator(".lookup__business").all()]


@pytest.fixture(params=["index.html", "lookup/index.html"])
def lookup_page(request: pytest.FixtureRequest, page: Any, site_url: str) -> Any:
    page.goto(site_url + request.param)
    return page


@pytest.mark.parametrize("number", [
    "+34 654 32 10 98",  # international, spaced
    "0034-654-321-098",  # leading 00, dashes
    "654.32.10.98",  # national (default region ES, no trunk prefix), dots
    "(654) 321 098",  # parentheses
    "+34６５４３２１０９８",  # full-width digits
    "  +34 (654) 32-10-98 ",
])
def test_a_number_in_any_common_format_finds_the_business(lookup_page: Any, number: str) -> None:
    result = look_up(lookup_page, number)
    assert found(result) == [("Café Niño", "verified")]
    assert result.locator(".badge__label").inner_text() == "Verified"
    assert result.locator(".lookup__name").get_attribute("href").endswith("/directory/b/cafe-nino/index.html")
    assert "+34 654 32 10 98" in result.inner_text()


@pytest.mark.parametrize("number", ["+44 (0)161 496 0789", "0044 161 496 0789", "+441614960789"])
def test_foreign_numbers_with_a_trunk_zero(lookup_page: Any, number: str) -> None:
    assert found(look_up(lookup_page, number)) == [("Thistle Pharmacy", "confirmed")]


def test_an_impostor_number_shows_its_warning(lookup_page: Any) -> None:
    result = look_up(lookup_page, "699 80 71 23")
    assert found(result) == [("Aerolíneas Brisa Soporte", "unverified")]
    warning = result.locator(".lookalike-warning")
    assert "Not the verified account of Aerolíneas Brisa" in warning.inner_text()
    assert warning.locator("a").get_attribute("href").endswith("/directory/b/aerolineas-brisa/index.html")


def test_an_unknown_number_warns_and_links_to_the_impostor_faq(lookup_page: Any) -> None:
    result = look_up(lookup_page, "+34 600 00 00 00")
    assert found(result) == []
    assert "This number is not in the directory — be careful." in result.inner_text()
    result.get_by_role("link", name="How to recognise an impostor").click()
    lookup_page.wait_for_url("**/directory/faq/impostors/index.html")


def test_text_that_is_not_a_number_says_so(lookup_page: Any) -> None:
    result = look_up(lookup_page, "call me maybe")
    assert "does not look like a phone number" in result.inner_text()


def test_pasting_a_complete_number_looks_it_up_without_enter(page: Any, site_url: str) -> None:
    page.goto(site_url + "lookup/index.html")
    page.get_by_label("Who wrote to me? Check a WhatsApp number").fill("+47 412 34 567")
    page.wait_for_selector("[data-lookup][data-lookup-state=done]")
    assert found(page.locator(".lookup__result")) == [("Nordlys Fly", "verified")]


def test_national_numbers_use_the_sites_region_and_trunk_prefix(page: Any, hostile_url: str) -> None:
    page.goto(hostile_url + "lookup/index.html")  # default region GB: trunk prefix 0
    result = look_up(page, "020 7946 0001")
    assert found(result) == [("Straße Bäckerei", "unverified")]


def test_hostile_names_stay_text_in_the_lookup(page: Any, hostile_url: str) -> None:
    page.goto(hostile_url + "lookup/index.html")
    result = look_up(page, "+44 20 7946 0000")
    assert found(result)[0][0].startswith('<img src=x onerror="window.__pwned=1">Evil & Co')
    assert page.evaluate("window.__pwned") is None
    assert page.query_selector(".lookup__result img, .lookup__result script") is None
