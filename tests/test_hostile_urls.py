"""Hostile URLs: a website is an http(s) URL that goes where it reads, or an error."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import SITE_YAML, THREE_TIERS
from hostile import business, built, errors_of
from html_tree import page

CREDENTIALS = "'{url}' must name a host and carry no user name or password"
SCHEME = "'{url}' must be an http:// or https:// URL"
BACKSLASH = "'{url}' may not contain '\\' (browsers read it as '/')"


@pytest.mark.parametrize("url, message", [
    ("https://iberia.com@evil.example/", CREDENTIALS),
    ("https://user:password@evil.example/", CREDENTIALS),
    ("https://evil.example\\@iberia.com/", BACKSLASH),
    ("https://iberia.com\\.evil.example/", BACKSLASH),
    ("javascript:alert(1)", SCHEME),
    ("JaVaScRiPt:alert(1)", SCHEME),
    ("javascript://iberia.com/%0aalert(1)", SCHEME),
    ("data:text/html,<script>alert(1)</script>", SCHEME),
    ("vbscript:msgbox(1)", SCHEME),
    ("ftp://files.example/", SCHEME),
    ("//evil.example/", SCHEME),
    ("https:evil.example", SCHEME),
    ("https:///evil.example", CREDENTIALS),
    ("https://%65vil.example/", "'{url}': write the host name plainly, without '%' escapes"),
    ("https://evil.example:99999/", "'{url}' is not a valid URL"),
    ("https://[::1/", "'{url}' is not a valid URL"),
])
def test_unsafe_websites_are_errors(tmp_path: Path, url: str, message: str) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": business(website=url)}) == [
        "businesses/a.yaml:4: website: " + message.format(url=url)]


@pytest.mark.parametrize("url, message", [
    ("java\tscript:alert(1)", "contains control characters or line breaks"),
    ("javascript:\nalert(1)", "contains control characters or line breaks"),
    ("java\u3000script:alert(1)", "a URL may not contain spaces"),
    ("https://iberia.com /x", "a URL may not contain spaces"),
    ("  javascript:alert(1)", "'javascript:alert(1)' must be an http:// or https:// URL"),
])
def test_whitespace_never_smuggles_a_scheme(tmp_path: Path, url: str, message: str) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": business(website=url)}) == [f"businesses/a.yaml:4: website: {message}"]


@pytest.mark.parametrize("url", ["https://shop.example/", "http://shop.example/path?q=1#top", "HTTPS://SHOP.EXAMPLE/",
                                 "https://shop.example/\"onmouseover=\"alert(1)"])
def test_http_and_https_websites_become_plain_links(tmp_path: Path, url: str) -> None:
    output = built(tmp_path, {"businesses/a.yaml": business(website=url)}, base={})
    link = next(a for a in page(output, "b/shop/index.html").find("dl", class_="facts").find_all("a") if a.text == url)
    assert link.attrs == {"href": url, "rel": "nofollow noopener noreferrer ugc"}


def test_base_url_must_be_http_too(tmp_path: Path) -> None:
    site = SITE_YAML.replace("base_url: https://dir.example.org/", "base_url: javascript:alert(1)//")
    assert errors_of(tmp_path, {"site.yaml": site}) == ["site.yaml:5: base_url: " + SCHEME.format(url="javascript:alert(1)//")]


def test_only_a_verified_business_gets_its_website_in_structured_data(tmp_path: Path) -> None:
    shops = textwrap.dedent(THREE_TIERS["businesses/shops.yaml"]) + "  website: https://brisa-airlines.example/\n"
    output = built(tmp_path, {"businesses/shops.yaml": shops})

    def json_ld(business_id: str) -> dict:
        script = page(output, f"b/{business_id}/index.html").find("script", type="application/ld+json")
        return json.loads("".join(script.children))

    assert json_ld("brisa")["url"] == "https://brisa.example"
    assert json_ld("brisa-soporte")["url"] == "https://dir.example.org/b/brisa-soporte/"
