"""The built example site published under a sub-path, as on GitHub Pages or any static host.

A small ``http.server`` serves the output at ``/directory/`` only (anything
else is a bare 404, so a link that escapes the sub-path is caught) and, like
GitHub Pages, answers a missing URL under it with ``404.html`` at whatever
depth.  The site is built with ``base_url`` pointing at this server, so the
canonical links, sitemap and the 404 page's absolute links are checked too.
The crawl itself needs no browser; the last test loads pages in Chromium to
catch what only a browser fetches.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

from generator.build import BuildOptions, build

REPO = Path(__file__).resolve().parents[2]
PREFIX = "/directory/"


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``site`` under ``/directory/``; a missing page there gets 404.html, like GitHub Pages."""

    site: Path

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(PREFIX) or ".." in path.split("/"):
            return str(self.site / ".missing" / "nothing")
        return str(self.site / path[len(PREFIX):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        path = urlsplit(self.path).path
        page = self.site / "404.html"
        if code != 404 or not path.startswith(PREFIX):
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _publish(folder: Path, languages: str | None = None) -> Iterator[tuple[str, Path]]:
    output = folder / "output"
    handler = type("Handler", (_SubPathHandler,), {"site": output})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    content = folder / "content"
    shutil.copytree(REPO / "content", content)
    site_yaml = content / "site.yaml"
    text = re.sub(r"(?m)^base_url:.*$", f"base_url: {url}", site_yaml.read_text())
    if languages:
        text, replaced = re.subn(r"(?m)^languages?:.*$", f"languages: {languages}", text)
        assert replaced == 1
    site_yaml.write_text(text)
    try:
        build(BuildOptions(content=content, output=output, as_of=date(2026, 11, 25), jobs=1))
    except BaseException:
        server.server_close()
        raise
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url, output
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(URL of the site, its output folder): the example content with base_url set to where it is served."""
    yield from _publish(tmp_path_factory.mktemp("subpath"))


class _References(HTMLParser):
    """Every URL an HTML page links to or loads: links, assets, and the absolute ones in meta tags and snippets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._textarea = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.urls.append(values[name])
        if tag == "meta" and (values.get("property") or values.get("name") or "").endswith((":url", ":image")):
            self.urls.append(values.get("content") or "")
        self._textarea = tag == "textarea"

    def handle_endtag(self, tag: str) -> None:
        self._textarea = False

    def handle_data(self, data: str) -> None:
        if self._textarea:  # the badge snippet: its links must resolve too
            inner = _References()
            inner.feed(data)
            self.urls += inner.urls


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def references(url: str, content_type: str, body: bytes) -> list[str]:
    if "text/html" in content_type:
        parser = _References()
        parser.feed(body.decode("utf-8"))
        found = parser.urls
    elif "css" in content_type:
        found = re.findall(r"url\(\s*['\"]?([^'\")]+)", body.decode("utf-8"))
    else:
        return []
    return [urldefrag(urljoin(url, ref))[0] for ref in found if not ref.startswith(("#", "data:", "mailto:", "tel:"))]


def crawl(start: str) -> tuple[dict[str, int], dict[str, set[str]]]:
    """Status of every URL on the site's origin reachable from ``start``, and who linked each."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    status: dict[str, int] = {}
    linked_from: dict[str, set[str]] = {start: {"(start)"}}
    queue = [start]
    while queue:
        url = queue.pop()
        if url in status:
            continue
        assert len(status) < 5000, "crawl did not end"
        code, content_type, body = fetch(url)
        status[url] = code
        if code != 200:
            continue
        for target in references(url, content_type, body):
            if target.startswith(origin):
                linked_from.setdefault(target, set()).add(url)
                if target not in status:
                    queue.append(target)
    return status, linked_from


@pytest.fixture(scope="module")
def crawled(published: tuple[str, Path]) -> tuple[dict[str, int], dict[str, set[str]]]:
    url, _ = published
    return crawl(url)


def test_every_link_and_asset_resolves_under_the_sub_path(crawled) -> None:
    status, linked_from = crawled
    broken = {url: sorted(linked_from[url])[:3] for url, code in status.items() if code != 200}
    assert broken == {}
    assert len(status) > 100


def test_the_crawl_reaches_every_business_with_its_card_and_badge(published, crawled) -> None:
    url, output = published
    status, _ = crawled
    businesses = json.loads((output / "api/businesses.json").read_text())["businesses"]
    assert len(businesses) == 50
    for business in businesses:
        page = url + business["url"]
        assert status.get(page + "index.html") == 200 or status.get(page) == 200, business["id"]
        assert status.get(page + "contact.vcf") == 200, business["id"]
        assert status.get(page + "badge.svg") == 200, business["id"]
    assert status.get(url + "static/site.css") == 200


def test_every_page_in_the_output_is_reached(published, crawled) -> None:
    url, output = published
    status, _ = crawled
    reached = {u.removeprefix(url) for u, code in status.items() if code == 200}
    reached |= {u + "index.html" for u in reached if u == "" or u.endswith("/")}
    pages = {p.relative_to(output).as_posix() for p in output.rglob("*.html")} - {"404.html"}
    assert pages - reached == set()


def test_a_site_in_two_languages_also_resolves_everywhere(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Language switchers and hreflang links, under es/ as well, stay inside the sub-path (the example's
    languages the other way round: English at the root)."""
    for url, output in _publish(tmp_path_factory.mktemp("subpath-bilingual"), "[en, es]"):
        status, linked_from = crawl(url)
        assert {u: sorted(linked_from[u])[:3] for u, code in status.items() if code != 200} == {}
        assert status.get(url + "es/b/aerolineas-brisa/index.html") == 200
        pages = {p.relative_to(output).as_posix() for p in output.rglob("*.html")} - {"404.html"}
        reached = {u.removeprefix(url) for u, code in status.items() if code == 200}
        assert pages - reached == set()


def test_sitemap_and_robots_point_inside_the_sub_path(published) -> None:
    url, _ = published
    code, _, robots = fetch(url + "robots.txt")
    assert code == 200 and f"Sitemap: {url}sitemap.xml" in robots.decode()
    code, _, sitemap = fetch(url + "sitemap.xml")
    assert code == 200
    locs = [e.text for e in ET.fromstring(sitemap).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) > 70
    for loc in locs:
        assert loc.startswith(url) and fetch(loc)[0] == 200, loc


def test_the_404_page_works_at_any_depth(published) -> None:
    url, _ = published
    for missing in ("no-such-page", "b/no-such-business/", "a/b/c/d/e/f.html"):
        code, content_type, body = fetch(url + missing)
        assert code == 404 and "text/html" in content_type
        assert "Page not found" in body.decode()
        targets = references(url + missing, content_type, body)
        assert url + "index.html" in targets and url + "static/site.css" in targets
        for target in targets:
            if target.startswith(url):
                assert fetch(target)[0] == 200, (missing, target)


def test_pages_load_in_a_browser_without_failed_requests(published, browser: Any) -> None:
    """What only a browser fetches (scripts' own requests) also stays inside the sub-path."""
    url, _ = published
    context = browser.new_context()
    failures: list[str] = []
    tab = context.new_page()
    tab.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 and "/no-such/" not in r.url else None)
    tab.on("requestfailed", lambda r: failures.append(f"failed {r.url}"))
    tab.on("pageerror", lambda exc: failures.append(f"error {exc}"))
    try:
        for path in ("", "b/aerolineas-brisa/", "category/", "tier/verified/", "faq/badges/", "lookup/", "no-such/deep/page"):
            tab.goto(url + path, wait_until="networkidle")
            sheets = tab.evaluate("() => [...document.styleSheets].filter(s => s.cssRules.length > 0).length")
            assert sheets >= 1, path  # the stylesheet was found from this depth
            home = tab.locator("a.site-title")
            assert urljoin(tab.url, home.get_attribute("href")) == url + "index.html", path
    finally:
        context.close()
    assert failures == []
