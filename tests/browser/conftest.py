"""Real-browser fixtures: headless Chromium driving the built example site.

The example content is built once per session with the real CLI and served
by ``http.server`` on 127.0.0.1 under a sub-path (``/directory/``), which
also checks that the scripts find the site root from their own URL.

Chromium is Debian's ``/usr/bin/chromium`` (``BADGEDIR_CHROMIUM`` overrides);
Playwright never downloads a browser here.  Missing pieces skip these tests
on a developer's machine but fail loudly in CI (``CI=true``, or
``BADGEDIR_REQUIRE_BROWSER=1`` as tests/setup-and-run.sh sets): a browser test
that silently skipped would prove nothing.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BADGEDIR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SUB_PATH = "directory"
AS_OF = "2026-11-25"  # every site here is built as of this day ...
# ... and visited the day after, by a browser whose clock is fixed there: the stale-copy banner
# (status.js compares today with the copy's valid_until) must not come and go with the real date.
VISITED_AT = "2026-11-26T12:00:00Z"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true" or os.environ.get("BADGEDIR_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install playwright)")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield _VisitingBrowser(chromium)
        chromium.close()


class _VisitingBrowser:
    """The browser, whose every new context has its clock fixed at :data:`VISITED_AT`
    (a test may still move it, as the stale-banner tests do)."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def new_context(self, **options: Any) -> Any:
        context = self._real.new_context(**options)
        context.clock.set_fixed_time(VISITED_AT)
        return context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def build(content: Path, output: Path, as_of: str = AS_OF) -> Path:
    """Run the real CLI, as a site owner would."""
    subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--output", str(output),
                    "--as-of", as_of], cwd=REPO, check=True, capture_output=True, text=True)
    return output


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder served on 127.0.0.1; sites are built into sub-folders of it."""
    root = tmp_path_factory.mktemp("served")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    root_url = f"http://127.0.0.1:{server.server_address[1]}/"
    (root / ".url").write_text(root_url)
    yield root
    server.shutdown()
    server.server_close()


def _url(served: Path, folder: str) -> str:
    return (served / ".url").read_text() + folder + "/"


@pytest.fixture(scope="session")
def site_url(served: Path) -> str:
    """The example directory (content/), built and served at /directory/, with English at the root.

    The example ships Spanish first (``languages: [es, en]``); these tests read the English
    labels and paths, so they get the same content with the order turned round.  The example
    exactly as it ships is served by ``bilingual_url`` (test_languages.py) and crawled by
    test_subpath.py.
    """
    content = served.parent / "example-english-first"
    shutil.copytree(REPO / "content", content)
    site = (content / "site.yaml").read_text(encoding="utf-8")
    assert "languages: [es, en]" in site
    (content / "site.yaml").write_text(site.replace("languages: [es, en]", "languages: [en, es]"), encoding="utf-8")
    build(content, served / SUB_PATH)
    return _url(served, SUB_PATH)


@pytest.fixture(scope="session")
def bilingual_url(served: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example directory in Spanish first and English, served at /bilingual/."""
    content = tmp_path_factory.mktemp("bilingual") / "content"
    shutil.copytree(REPO / "content", content)
    site = (content / "site.yaml").read_text(encoding="utf-8")
    (content / "site.yaml").write_text(site.replace("language: en", "languages: [es, en]"), encoding="utf-8")
    build(content, served / "bilingual")
    return _url(served, "bilingual")


# Names a business could write to attack or confuse the page.
HOSTILE_CONTENT = {
    "site.yaml": """\
        title: Hostile directory
        description: Names written to break the page.
        default_region: GB
        language: en
        """,
    "businesses/all.yaml": """\
        - id: evil
          name: "<img src=x onerror=\\"window.__pwned=1\\">Evil & Co </ol><script>window.__pwned=2</script>"
          whatsapp: "+44 20 7946 0000"
          category: Bakery
          city: London
        - id: strasse
          name: Straße Bäckerei
          whatsapp: "+44 20 7946 0001"
          category: Bakery
          city: Manchester
        - id: oresund
          name: Øresund Kaffe
          whatsapp: "+44 20 7946 0002"
          category: Café
          city: London
        - id: bar-kaffe-nord
          name: Bar Kaffe Nord
          whatsapp: "+44 20 7946 0003"
        - id: kaffe-nord
          name: Kaffe Nord
          whatsapp: "+44 20 7946 0004"
        """,
}


@pytest.fixture(scope="session")
def hostile_url(served: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny directory in region GB whose names try to inject markup."""
    content = tmp_path_factory.mktemp("hostile-content")
    for rel, text in HOSTILE_CONTENT.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    build(content, served / "hostile")
    return _url(served, "hostile")


class PageErrors(list):
    """JavaScript errors and failed requests seen by a page; a test ends with none."""


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    tab = context.new_page()
    errors = PageErrors()
    tab.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    tab.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    tab.errors = errors
    yield tab
    context.close()
    assert not errors, errors


@pytest.fixture
def page_without_js(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()
