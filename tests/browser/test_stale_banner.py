"""The stale-copy banner (issue #17) in Chromium, with its clock moved by Playwright's ``page.clock``.

The example directory, in Spanish and English, is built as of 2026-11-25 and is
current until 2026-12-02 (``valid_days`` 7).  Past that day every page must show
a ``role="alert"`` banner in its own language, linking to the site at its
``base_url``; before it, none.  Without JavaScript the home page states the date.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO, _url, build

CURRENT = "2026-12-02T23:59:00Z"  # the last day the copy counts as current
STALE = "2026-12-03T00:00:30Z"


@pytest.fixture(scope="session")
def two_languages_url(served: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    content = tmp_path_factory.mktemp("stale") / "content"
    shutil.copytree(REPO / "content", content)
    site = (content / "site.yaml").read_text(encoding="utf-8")
    (content / "site.yaml").write_text(site.replace("language: en", "languages: [es, en]"), encoding="utf-8")
    build(content, served / "stale")
    return _url(served, "stale")


def open_at(page: Any, url: str, when: str) -> Any:
    page.clock.set_fixed_time(when)
    with page.expect_response(lambda r: r.url.endswith("/status.json")):
        page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.locator("[role=alert]")


@pytest.mark.parametrize("path, message, href", [
    ("index.html", "Esta copia del directorio está desactualizada: muestra las insignias a fecha de "
                   "25 de noviembre de 2026, y pueden haber cambiado desde entonces. Ver el directorio actual",
     "https://directory.example.org/"),
    ("en/index.html", "This copy of the directory is out of date: it shows the badges as of November 25, 2026, "
                      "and they may have changed since. See the current directory",
     "https://directory.example.org/en/"),
    ("b/cafe-nino/index.html", "Esta copia del directorio está desactualizada", "https://directory.example.org/"),
    ("en/faq/badges/index.html", "This copy of the directory is out of date", "https://directory.example.org/en/"),
])
def test_a_stale_copy_shows_a_banner_in_the_page_language(page: Any, two_languages_url: str, path: str,
                                                         message: str, href: str) -> None:
    alert = open_at(page, two_languages_url + path, STALE)
    assert alert.count() == 1 and alert.is_visible()
    assert alert.inner_text().startswith(message)
    assert alert.get_by_role("link").get_attribute("href") == href
    assert alert.locator("time").get_attribute("datetime") == "2026-11-25"


@pytest.mark.parametrize("path", ["index.html", "en/index.html", "b/cafe-nino/index.html"])
def test_a_current_copy_shows_no_banner(page: Any, two_languages_url: str, path: str) -> None:
    assert open_at(page, two_languages_url + path, CURRENT).count() == 0


def test_without_javascript_the_home_page_states_the_as_of_date(browser: Any, two_languages_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(two_languages_url + "index.html")
        assert tab.locator("p.as-of").inner_text().startswith("Insignias a fecha de 25 de noviembre de 2026.")
        tab.goto(two_languages_url + "en/index.html")
        assert tab.locator("p.as-of").inner_text().startswith("Badges as of November 25, 2026.")
        assert tab.locator("[role=alert]").count() == 0
    finally:
        context.close()
