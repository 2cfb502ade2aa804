"""With JavaScript off nothing breaks: listings reach every business, search says it needs JS."""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from urllib.parse import urljoin


def business_links(page: Any) -> set[str]:
    hrefs = page.eval_on_selector_all("main a[href*='/b/'], main a[href^='b/']", "els => els.map(e => e.href)")
    return {href.split("/b/")[1].split("/")[0] for href in hrefs}


def crawl(page: Any, url: str) -> set[str]:
    """Business ids reachable from ``url`` and its "next" pages, without JavaScript."""
    ids: set[str] = set()
    while url:
        page.goto(url)
        ids |= business_links(page)
        following = page.query_selector("a[rel=next]")
        url = urljoin(page.url, following.get_attribute("href")) if following else ""
    return ids


def all_ids(site_url: str) -> set[str]:
    with urllib.request.urlopen(site_url + "api/businesses.json") as response:
        return {b["id"] for b in json.load(response)["businesses"]}


def test_search_box_says_it_needs_javascript(page_without_js: Any, site_url: str) -> None:
    page = page_without_js
    page.goto(site_url + "index.html")
    note = page.locator(".search__noscript")
    assert note.is_visible()
    assert "Search needs JavaScript." in note.inner_text()
    assert note.locator("a").get_attribute("href") == "index.html"
    assert page.locator(".search__form").is_hidden()
    assert page.locator(".lookup__noscript").is_visible()
    assert page.locator(".lookup__form").is_hidden()


def test_the_a_to_z_listing_reaches_every_business(page_without_js: Any, site_url: str) -> None:
    assert crawl(page_without_js, site_url + "index.html") == all_ids(site_url)


def test_tier_and_category_pages_reach_every_business(page_without_js: Any, site_url: str) -> None:
    page = page_without_js
    by_tier: set[str] = set()
    for tier in ("verified", "confirmed", "unverified"):
        by_tier |= crawl(page, f"{site_url}tier/{tier}/index.html")
    assert by_tier == all_ids(site_url)
    page.goto(site_url + "category/index.html")
    categories = page.eval_on_selector_all("main a[href*='category/']", "els => els.map(e => e.href)")
    by_category: set[str] = set()
    for url in sorted(set(categories)):
        by_category |= crawl(page, url)
    assert by_category == all_ids(site_url)  # every example business has a category


def test_a_deep_page_links_its_noscript_note_to_the_listing(page_without_js: Any, site_url: str) -> None:
    page_without_js.goto(site_url + "b/cafe-nino/index.html")
    link = page_without_js.locator(".search__noscript a")
    link.click()
    page_without_js.wait_for_url(site_url + "index.html")
