"""Search and lookup in a two-language build keep visitors in their language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO, _url, build


@pytest.fixture(scope="session")
def bilingual_url(served: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example directory as it ships: Spanish at the root, English under en/."""
    assert "languages: [es, en]" in (REPO / "content/site.yaml").read_text(encoding="utf-8")
    build(REPO / "content", served / "bilingual")
    return _url(served, "bilingual")


def test_search_results_on_english_pages_link_to_english_pages(page: Any, bilingual_url: str) -> None:
    page.goto(bilingual_url + "en/index.html")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("searchbox", name="Search businesses").fill("cafe nino")
    first = page.locator(".search__list a").first
    first.wait_for()
    assert first.get_attribute("href").endswith("/bilingual/en/b/cafe-nino/")
    page.goto(bilingual_url + "index.html")
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator("input[type=search]").first.fill("cafe nino")
    first = page.locator(".search__list a").first
    first.wait_for()
    assert first.get_attribute("href").endswith("/bilingual/b/cafe-nino/")


@pytest.mark.parametrize("path, sentence", [
    ("en/index.html", "Not the verified account of Aerolíneas Brisa — different number"),
    ("index.html", "No es la cuenta verificada de Aerolíneas Brisa: el número es otro"),
])
def test_a_look_alike_is_flagged_in_the_language_of_the_page(page: Any, bilingual_url: str, path: str,
                                                              sentence: str) -> None:
    page.goto(bilingual_url + path)
    page.locator("input[type=search]").first.fill("aerolineas brisa soporte")
    warning = page.locator(".search-result__warning").first
    warning.wait_for()
    assert warning.inner_text().startswith(sentence)
    page.locator("#lookup-number").fill("699 80 71 23")
    page.locator("#lookup-number").press("Enter")
    page.wait_for_selector("[data-lookup][data-lookup-state=done]")
    assert page.locator(".lookup__warning").inner_text().startswith(sentence)
