"""The whole-site check itself: it must catch each thing it exists to catch.

Every build in the suite is followed by ``check_site`` (see conftest.py);
these cases show it fails on pages it should fail on, so a passing suite
means something.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitecheck import check_page, check_site, check_svg, url_scheme

OWN = '<script src="static/search.js" defer></script>'


def problems(html: str, rel: str = "index.html", tmp_path: Path | None = None, base_url: str | None = None) -> list[str]:
    root = tmp_path or Path("/nonexistent")
    return check_page(f"<!doctype html><html><head></head><body>{html}</body></html>", rel, root, base_url)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "static").mkdir()
    (tmp_path / "static/search.js").write_text("// the site's own script\n")
    return tmp_path


@pytest.mark.parametrize("html", [
    "<script>alert(1)</script>",
    '<script type="text/javascript">alert(1)</script>',
    '<script type="module">import "x"</script>',
    '<script src="https://evil.example/x.js"></script>',
    '<script src="//evil.example/x.js"></script>',
    '<script src="../outside.js"></script>',
    '<script src="static/search.js">alert(1)</script>',
    '<script type="application/ld+json">{"a": "</script>"}</script>',
    '<script type="application/ld+json">{"a": 1</script>',
    "<script>never closed",
])
def test_scripts_that_are_not_the_sites_own_are_caught(site: Path, html: str) -> None:
    assert problems(html, tmp_path=site)


def test_the_sites_own_scripts_pass(site: Path) -> None:
    json_ld = '<script type="application/ld+json">{"name": "A \\u003c/script\\u003e"}</script>'
    assert problems(OWN + json_ld, tmp_path=site) == []
    assert problems('<script src="../static/search.js"></script>', "b/index.html", tmp_path=site) == []
    assert problems('<script src="https://dir.example.org/static/search.js"></script>', "404.html", site,
                    "https://dir.example.org/") == []


@pytest.mark.parametrize("html", [
    '<b onclick="x()">b</b>', '<img src="a.png" onerror="x()">', '<svg onload="x()"></svg>', "<p ONMOUSEOVER=x>p</p>",
])
def test_event_handlers_are_caught(html: str) -> None:
    assert any("event handler" in p for p in problems(html))


@pytest.mark.parametrize("html", [
    '<a href="javascript:alert(1)">x</a>', '<a href="JavaScript:alert(1)">x</a>', '<a href=" java\tscript:x">x</a>',
    '<a href="jav&#x09;ascript:x">x</a>', '<a href="data:text/html,x">x</a>', '<a href="vbscript:x">x</a>',
    '<form action="javascript:x"></form>', '<img src="https://evil.example/tick.png">', '<img src="//evil.example/t.png">',
    '<img srcset="a.png 1x, https://evil.example/b.png 2x">', '<iframe src="page.html"></iframe>',
    '<object data="x.swf"></object>', '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/overlay.css">', '<img src="\\\\evil.example\\t.png">',
])
def test_unsafe_urls_remote_images_and_frames_are_caught(html: str) -> None:
    assert problems(html)


def test_allowed_urls_pass() -> None:
    html = ('<a href="https://a.example/">a</a><a href="http://a.example/">b</a><a href="mailto:a@b.example">c</a>'
            '<a href="../b/x/index.html">d</a><a href="#main">e</a><img src="../static/logos/ab.svg" alt="">'
            '<link rel="canonical" href="https://dir.example.org/">')
    assert problems(html) == []


def test_duplicate_ids_are_caught() -> None:
    assert problems('<h2 id="why">a</h2><p id="why">b</p>') == ["duplicate element ids: why"]


@pytest.mark.parametrize("svg", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://evil.example/#p)"/></svg>',
    b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>',
])
def test_unsafe_svgs_are_caught(svg: bytes) -> None:
    assert check_svg(svg)


def test_check_site_reads_every_page_and_svg(site: Path) -> None:
    (site / "b").mkdir()
    (site / "b/index.html").write_text('<a href="javascript:x">x</a>')
    (site / "static/logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="x"/>')
    found = check_site(site)
    assert [p.split(":")[0] for p in found] == ["b/index.html", "static/logo.svg"]


@pytest.mark.parametrize("url, scheme", [("https://a", "https"), (" \tJaVa\nScript:x", "javascript"),
                                         ("\x01javascript:x", "javascript"), ("../a:b", None), ("#x", None)])
def test_url_schemes_are_read_the_way_browsers_read_them(url: str, scheme: str | None) -> None:
    assert url_scheme(url) == scheme
