"""How pages load their assets (issue #19, item 5: what Lighthouse measured).

Stylesheets are in ``<head>``, each once; the search and lookup forms are
drawn from the start (not ``hidden`` until a deferred script reveals them,
which shifted the page by 0.39); an icon is linked and published, also as
``/favicon.ico``; the built-in scripts and stylesheets are published
minified, the operator's own files as written.
"""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin

from conftest import build_site
from generator.render.templates import builtin_dir
from html_tree import page

PAGES = ("index.html", "b/brisa/index.html", "lookup/index.html", "faq/index.html", "category/index.html", "404.html")


def _head_and_body(output: Path, rel: str):
    doc = page(output, rel)
    return doc.find("head"), doc.find("body")


def test_stylesheets_and_icons_are_linked_once_from_the_head(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    for rel in PAGES:
        head, body = _head_and_body(output, rel)
        sheets = [link.attrs["href"].rsplit("/", 1)[-1] for link in head.find_all("link", rel="stylesheet")]
        assert sheets == ["site.css", "search.css", "noscript.css"], rel
        assert head.find("noscript").find("link").attrs["href"].endswith("static/noscript.css")
        assert not body.find_all("link"), rel
        icons = {link.attrs["href"].rsplit("/", 1)[-1] for link in head.find_all("link", rel="icon")}
        assert icons == {"favicon.ico", "favicon.svg"}, rel
    assert (output / "favicon.ico").read_bytes() == (output / "static/favicon.ico").read_bytes()
    assert (output / "favicon.ico").read_bytes()[:4] == b"\0\0\1\0"  # an ICO file


def test_search_and_lookup_forms_are_not_hidden_waiting_for_a_script(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    for rel in ("index.html", "lookup/index.html", "b/brisa/index.html"):
        doc = page(output, rel)
        forms = doc.find_all("form")
        assert forms and all("hidden" not in form.attrs for form in forms), rel
    assert len(page(output, "index.html").find_all("form")) == 2  # search and lookup
    hides = (output / "static/noscript.css").read_text("utf-8")
    assert ".search__form" in hides and ".lookup__form" in hides and "display:none" in hides.replace(" ", "")


def test_built_in_scripts_and_stylesheets_are_published_minified(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    source = builtin_dir("templates") / "static"
    for name in ("search.js", "lookup.js", "results.js"):
        original = (source / name).read_text("utf-8")
        published = (output / "static" / name).read_text("utf-8")
        assert published == rjsmin.jsmin(original) + "\n"
        assert len(published) < 0.8 * len(original) and "/*" not in published
    for name in ("site.css", "search.css"):
        assert (output / "static" / name).read_text("utf-8") == rcssmin.cssmin((source / name).read_text("utf-8")) + "\n"


def test_an_operators_own_script_is_published_as_written(three_tiers: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "static").mkdir(parents=True)
    mine = "/* my own search, kept readable */\nconsole.log( 'search' );\n"
    (templates / "static/search.js").write_text(mine)
    (templates / "static/favicon.ico").write_bytes(b"\0\0\1\0mine")
    output = build_site(three_tiers, templates=templates)
    assert (output / "static/search.js").read_text("utf-8") == mine
    assert (output / "favicon.ico").read_bytes() == b"\0\0\1\0mine"
    assert (output / "static/lookup.js").read_text("utf-8") == rjsmin.jsmin(
        (builtin_dir("templates") / "static/lookup.js").read_text("utf-8")) + "\n"
