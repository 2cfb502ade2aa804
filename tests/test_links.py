"""Every internal link checked at build time, and files the build does not read named (issue #19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import AS_OF, THREE_TIERS, build_site, make_content
from generator.build import BuildOptions, build
from generator.diagnostics import BuildFailed
from generator.preview.incremental import IncrementalBuilder


def failure(content: Path, **options) -> list[str]:
    output = content.parent / "output"
    with pytest.raises(BuildFailed) as failed:
        build_site(content, output, **options)
    assert not output.exists()  # nothing was published
    return [str(d) for d in failed.value.diagnostics]


def override(tmp_path: Path, files: dict[str, str]) -> Path:
    templates = tmp_path / "templates"
    for name, text in files.items():
        (templates / name).parent.mkdir(parents=True, exist_ok=True)
        (templates / name).write_text(text, encoding="utf-8")
    return templates


BROKEN_BUSINESS = """\
{% extends "default/business.html" %}
{% block content %}
<a href="{{ root }}nowhere/index.html">gone</a>
<a href="{{ home }}faq/">a folder</a>
<link rel="stylesheet" href="/static/site.css">
<a href="#nothing">no such id</a>
<img src="{{ root }}static/missing.png" alt="">
{{ super() }}
{% endblock %}
"""


def test_a_template_override_with_broken_links_fails_the_build_naming_each_line(tmp_path: Path) -> None:
    templates = override(tmp_path, {"business.html": BROKEN_BUSINESS})
    errors = failure(make_content(tmp_path, THREE_TIERS), templates=templates)
    assert errors == [
        "business.html:3: broken link '../../nowhere/index.html' on b/brisa/index.html: "
        "the build writes no nowhere/index.html",
        "business.html:4: broken link '../../faq/' on b/brisa/index.html: it names a folder: a page opened "
        "from file:// needs the file, so end the link with index.html (and more links from this line, on other pages)",
        "business.html:5: broken link '/static/site.css' on b/brisa/index.html: it starts with '/': published "
        "under a sub-path (https://host/dir/) it leaves the site; make it relative (and more links from this line, on other pages)",
        "business.html:6: broken link '#nothing' on b/brisa/index.html: there is no id=\"nothing\" on this page "
        "(and more links from this line, on other pages)",
        "business.html:7: broken link '../../static/missing.png' on b/brisa/index.html: "
        "the build writes no static/missing.png (and more links from this line, on other pages)",
    ]


def test_a_broken_link_in_a_cached_partial_is_found_at_the_partials_line(tmp_path: Path) -> None:
    card = '<li class="card">\n  <a href="{{ root }}b/{{ business.id }}/about.html">{{ business.name }}</a>\n</li>\n'
    errors = failure(make_content(tmp_path, THREE_TIERS), templates=override(tmp_path, {"partials/card.html": card}))
    assert errors and all(e.startswith("partials/card.html:2: broken link '") for e in errors), errors
    assert "the build writes no b/brisa/about.html" in " ".join(errors)


def test_a_link_to_an_anchor_on_another_page_must_find_that_id(tmp_path: Path) -> None:
    lookup = ('{% extends "default/lookup.html" %}\n{% block content %}\n'
              '<a href="{{ home }}index.html#az-title">ok</a>\n'
              '<a href="{{ home }}index.html#no-such-heading">bad</a>\n{{ super() }}{% endblock %}\n')
    errors = failure(make_content(tmp_path, THREE_TIERS), templates=override(tmp_path, {"lookup.html": lookup}))
    assert errors == ["lookup.html:4: broken link '../index.html#no-such-heading' on lookup/index.html: "
                      "there is no id=\"no-such-heading\" on index.html"]


def test_links_that_leave_the_site_or_stay_on_the_page_are_not_checked(tmp_path: Path) -> None:
    lookup = ('{% extends "default/lookup.html" %}\n{% block content %}\n<a href="https://example.org/x/">x</a>\n'
              '<a href="mailto:a@example.org">m</a> <a href="">self</a>\n'
              '<a href="{{ home }}faq/index.html?from=lookup">q</a>\n{{ super() }}{% endblock %}\n')
    build_site(make_content(tmp_path, THREE_TIERS), templates=override(tmp_path, {"lookup.html": lookup}))


def test_category_and_tier_pages_link_to_their_next_page(tmp_path: Path) -> None:
    """Caught by the link check: page 2 of a category was linked as category/x/category/x/page/2/."""
    many = "".join(f'- id: shop-{n:03d}\n  name: Shop {n:03d}\n  whatsapp: "+34 600 00{n:04d}"\n  category: Bakery\n'
                   for n in range(105))
    output = build_site(make_content(tmp_path, {"businesses/many.yaml": many}))
    first = (output / "category/bakery/index.html").read_text(encoding="utf-8")
    assert 'rel="next" href="../../category/bakery/page/2/index.html"' in first
    assert (output / "category/bakery/page/2/index.html").is_file()


# --- links in Markdown the operator or a business wrote ---------------------------------------

CONTENT_LINKS = {
    **THREE_TIERS,
    "faq/links.md": """\
        ---
        title: Links
        ---

        All good: [the badges](https://dir.example.org/faq/badges/) and [Brisa](https://dir.example.org/b/brisa/).

        Broken: [a page that is not there](https://dir.example.org/faq/nope/index.html).
        Also [an anchor](https://DIR.example.org/index.html#nowhere) and <https://dir.example.org/b/ghost/>.
        """,
    "businesses/extra.yaml": """\
        id: extra
        name: Extra Shop
        whatsapp: "+34 633 44 55 66"
        description: |
          We are also on [our old page](https://dir.example.org/b/extra-old/).
          And [elsewhere](https://example.org/not-ours/).
        """,
}


def test_markdown_links_to_missing_pages_of_the_site_are_warnings_at_their_line(tmp_path: Path) -> None:
    content = make_content(tmp_path, CONTENT_LINKS)
    result = build(BuildOptions(content=content, output=tmp_path / "out", as_of=AS_OF, jobs=1))
    found = [str(w) for w in result.warnings if "link to" in w.message]
    assert found == [
        "businesses/extra.yaml:5: warning: link to https://dir.example.org/b/extra-old/: this site has no page b/extra-old/index.html",
        "faq/links.md:7: warning: link to https://dir.example.org/faq/nope/index.html: this site has no page faq/nope/index.html",
        "faq/links.md:8: warning: link to https://DIR.example.org/index.html#nowhere: there is no id=\"nowhere\" on index.html",
        "faq/links.md:8: warning: link to https://dir.example.org/b/ghost/: this site has no page b/ghost/index.html",
    ]


def test_markdown_link_warnings_are_errors_with_strict_and_check_reports_them(tmp_path: Path, capsys) -> None:
    from generator.cli import main

    content = make_content(tmp_path, {k: v for k, v in CONTENT_LINKS.items() if k in ("faq/links.md", "businesses/extra.yaml")})
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(content=content, output=tmp_path / "out", as_of=AS_OF, jobs=1, strict=True))
    assert "faq/links.md:7: link to https://dir.example.org/faq/nope/index.html: this site has no page faq/nope/index.html" in [
        str(d) for d in failed.value.diagnostics]
    assert not (tmp_path / "out").exists()
    assert main(["check", "--content", str(content), "--as-of", AS_OF.isoformat()]) == 0
    err = capsys.readouterr().err
    assert "businesses/extra.yaml:5: warning: link to https://dir.example.org/b/extra-old/" in err
    assert "faq/links.md:8: warning: link to https://dir.example.org/b/ghost/" in err


# --- the live preview shows the same errors ---------------------------------------------------

def test_the_preview_reports_a_broken_link_and_keeps_serving_the_last_good_site(tmp_path: Path) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    templates = override(tmp_path, {"lookup.html": '{% extends "default/lookup.html" %}\n'})
    served = tmp_path / "served"
    builder = IncrementalBuilder(content, served, AS_OF, templates=templates, jobs=1)
    try:
        assert builder.build().ok
        good = (served / "lookup/index.html").read_bytes()
        (templates / "lookup.html").write_text('{% extends "default/lookup.html" %}\n{% block content %}\n'
                                               '<a href="{{ home }}faq/gone/index.html">x</a>{% endblock %}\n')
        result = builder.update([templates / "lookup.html"])
        assert not result.ok
        assert [str(e) for e in result.errors] == [
            "lookup.html:3: broken link '../faq/gone/index.html' on lookup/index.html: the build writes no faq/gone/index.html"]
        assert (served / "lookup/index.html").read_bytes() == good
    finally:
        builder.close()


def test_a_preview_built_from_scratch_fails_on_a_broken_link_too(tmp_path: Path) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    templates = override(tmp_path, {"business.html": BROKEN_BUSINESS})
    builder = IncrementalBuilder(content, tmp_path / "served", AS_OF, templates=templates, jobs=1)
    try:
        result = builder.build()
    finally:
        builder.close()
    assert not result.ok and result.errors[0].path == "business.html" and result.errors[0].line == 3


# --- files the build does not read --------------------------------------------------------------

def test_files_the_build_does_not_read_are_warnings_naming_them(tmp_path: Path) -> None:
    content = make_content(tmp_path, {**THREE_TIERS, "register/companies.xlsx": "PK\x03\x04",
                                      "businesses/acme.yml.bak": "id: acme\n", "businesses/.acme.yaml.swp": "x",
                                      "verifications/2024/old.yaml": "[]\n"})
    result = build(BuildOptions(content=content, output=tmp_path / "out", as_of=AS_OF, jobs=1))
    unread = [str(w) for w in result.warnings if "not read" in w.message]
    assert unread == [
        "businesses/acme.yml.bak: warning: not read: badgedir reads .yaml, .yml, .csv or .jsonl files in businesses/, "
        "so nothing in this one is published (rename it, or move it out of the folder)",
        "register/companies.xlsx: warning: not read: badgedir reads .yaml, .yml, .csv or .jsonl files in register/, "
        "so nothing in this one is published (rename it, or move it out of the folder)",
        "verifications/2024/: warning: not read: badgedir reads the .yaml, .yml, .csv or .jsonl files directly in "
        "verifications/, not folders inside it; nothing in this one is published",
    ]
    with pytest.raises(BuildFailed):
        build(BuildOptions(content=content, output=tmp_path / "strict", as_of=AS_OF, jobs=1, strict=True))
