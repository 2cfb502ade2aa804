"""FAQ pages found by topic, with built-in defaults whose rule statements match the code (issue #19)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from html_tree import page
from conftest import AS_OF, SITE_YAML, THREE_TIERS, build_site, make_content
from generator.cli import main
from generator.decide.reasons import NOT_COUNTING_TEXT, REASON_TEXT, RULE_TEXT
from generator.decide.tiers import TIER_EVIDENCE, TIER_ORDER, Tier, decide_tier, tier_for
from generator.diagnostics import BuildFailed
from generator.i18n import translations
from generator.model import Business, RegisteredPhone, RegisterEntry, Source, Verification
from generator.read.faq_topics import TOPICS
from generator.render.templates import builtin_dir
from generator.scaffold import create_directory

TWO_LANGUAGES = SITE_YAML.replace("language: en", "languages: [en, es]")


def faq_link(output: Path, rel: str, text: str) -> str:
    """Where the link with ``text`` on page ``rel`` leads, from the site root."""
    links = [a for a in page(output, rel).find_all("a") if a.text == text]
    assert links, (rel, text)
    link = links[0]
    target = (output / rel).parent / link.attrs["href"]
    return target.resolve().relative_to(output.resolve()).as_posix()


def front(topic: str | None, title: str, order: int = 1) -> str:
    return f"---\ntitle: {title}\n" + (f"topic: {topic}\n" if topic else "") + f"order: {order}\n---\n\nText of {title}.\n"


# --- the four shapes of faq/ the issue names -------------------------------------------

VARIANTS: dict[str, dict[str, str]] = {
    "no faq folder": {},
    "one page": {"faq/badges.md": front(None, "Our badges")},
    "other names by topic": {
        "faq/01-meaning.md": front("badges", "The badges, explained"),
        "faq/02-fakes.md": front("impostors", "Fakes"),
        "faq/02-fakes.es.md": front("impostors", "Falsos"),
        "faq/03-you-decide.md": front("staying-in-control", "You decide"),
        "faq/04-how-to-get-there.md": front("getting-confirmed-and-verified", "Getting there"),
    },
    "translated in one language only": {"faq/insignias.es.md": front("badges", "Las insignias, a nuestra manera")},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """The output of one of the VARIANTS, built once for the module."""
    outputs: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in outputs:
            folder = tmp_path_factory.mktemp("faq")
            outputs[name] = build_site(make_content(folder, {**THREE_TIERS, "site.yaml": TWO_LANGUAGES, **VARIANTS[name]}))
        return outputs[name]
    return get


@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_template_link_to_a_topic_lands_on_that_topics_page_in_each_language(built, name: str) -> None:
    output = built(name)
    expected = {  # footer "What the badges mean" → the title of the page it reaches, per language
        "no faq folder": ("What the badges mean", "Qué significan las insignias"),
        "one page": ("Our badges", "Our badges"),
        "other names by topic": ("The badges, explained", "The badges, explained"),
        "translated in one language only": ("What the badges mean", "Las insignias, a nuestra manera"),
    }[name]
    for prefix, title, footer, control in (("", expected[0], "What the badges mean", "How you stay in control"),
                                           ("es/", expected[1], "Qué significan las insignias", "Cómo mantienes el control")):
        target = faq_link(output, f"{prefix}b/brisa/index.html", footer)
        assert page(output, target).find("h1").text == title
        assert page(output, faq_link(output, f"{prefix}b/brisa/index.html", control)).find("h1").text
        lookup = page(output, f"{prefix}lookup/index.html").find("div", class_="lookup").attrs["data-faq-url"]
        assert (output / f"{prefix}lookup" / lookup).resolve().is_file()


def test_pages_under_other_names_are_linked_by_topic_and_no_default_hides_them(built) -> None:
    output = built("other names by topic")
    assert faq_link(output, "b/brisa/index.html", "What the badges mean") == "faq/01-meaning/index.html"
    assert faq_link(output, "es/b/brisa/index.html", "Cómo mantienes el control") == "es/faq/03-you-decide/index.html"
    assert not (output / "faq/badges").exists() and not (output / "es/faq/impostors").exists()
    assert page(output, "es/faq/02-fakes/index.html").find("h1").text == "Falsos"


def test_a_topic_written_in_one_language_has_the_default_in_the_other_and_they_are_alternates(built) -> None:
    output = built("translated in one language only")
    spanish = page(output, "es/faq/insignias/index.html")
    alternates = {link.attrs["hreflang"]: link.attrs["href"] for link in spanish.find_all("link", rel="alternate")}
    assert alternates["en"] == "https://dir.example.org/faq/badges/"  # the built-in English page of the same topic
    assert page(output, "faq/badges/index.html").find("h1").text == "What the badges mean"
    assert not (output / "faq/insignias").exists()


def test_a_site_in_a_language_without_a_catalogue_gets_the_english_defaults(tmp_path: Path) -> None:
    site = SITE_YAML.replace("language: en", "languages: [es, fr]")
    output = build_site(make_content(tmp_path, {**THREE_TIERS, "site.yaml": site}))
    assert page(output, "faq/badges/index.html").find("h1").text == "Qué significan las insignias"
    assert page(output, "fr/faq/badges/index.html").find("h1").text == "What the badges mean"


# --- errors ------------------------------------------------------------------------------

def build_errors(tmp_path: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build_site(make_content(tmp_path, {**THREE_TIERS, **files}))
    return [str(d) for d in failed.value.diagnostics]


def test_an_unknown_topic_is_an_error_with_a_did_you_mean(tmp_path: Path) -> None:
    errors = build_errors(tmp_path, {"faq/x.md": front("badge", "X"), "faq/y.md": front("lookalikes", "Y")})
    assert errors[0].startswith("faq/x.md:3: topic: unknown topic 'badge'; did you mean 'badges'? the topics are: badges,")
    assert errors[1].startswith("faq/y.md:3: topic: unknown topic 'lookalikes'; the topics are:")


def test_two_pages_claiming_one_topic_in_one_language_are_an_error_naming_both(tmp_path: Path) -> None:
    errors = build_errors(tmp_path, {"faq/a.md": front("impostors", "A"), "faq/b.md": front("impostors", "B"),
                                     "faq/c.es.md": front("impostors", "C"), "faq/d.es.md": front("impostors", "D")})
    assert errors == ["faq/b.md:3: topic: 'impostors' is already the topic of faq/a.md:3",
                      "faq/d.es.md:3: topic: 'impostors' in language 'es' is already the topic of faq/c.es.md:3"]


def test_one_topic_in_two_languages_is_not_a_clash(tmp_path: Path) -> None:
    output = build_site(make_content(tmp_path, {**THREE_TIERS, "site.yaml": TWO_LANGUAGES,
                                                "faq/fakes.md": front("impostors", "Fakes"),
                                                "faq/falsos.es.md": front("impostors", "Falsos")}))
    assert page(output, "es/faq/falsos/index.html").find("h1").text == "Falsos"
    assert not (output / "es/faq/fakes").exists()  # the unsuffixed page does not stand beside its translation


def test_a_default_whose_name_an_operator_page_took_moves_aside(tmp_path: Path) -> None:
    output = build_site(make_content(tmp_path, {**THREE_TIERS, "faq/badges.md": front("impostors", "About fakes")}))
    assert faq_link(output, "b/brisa/index.html", "What the badges mean") == "faq/badges-2/index.html"
    assert page(output, "faq/badges/index.html").find("h1").text == "About fakes"


def test_a_template_naming_an_unknown_topic_fails_at_its_line(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "lookup.html").write_text('{% extends "default/lookup.html" %}\n{% block content %}\n'
                                           '<a href="{{ faq_url("badge") }}">x</a>{% endblock %}\n')
    with pytest.raises(BuildFailed) as failed:
        build_site(make_content(tmp_path, THREE_TIERS), templates=templates)
    assert [str(d) for d in failed.value.diagnostics] == [
        "lookup.html:3: ValueError: faq_url: unknown topic 'badge'; did you mean 'badges'? "
        "the topics are: badges, checking-a-copy, getting-confirmed-and-verified, impostors, staying-in-control"]


# --- check, init ---------------------------------------------------------------------------

def test_check_lists_the_topics_that_use_the_built_in_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = make_content(tmp_path, {**THREE_TIERS, "site.yaml": TWO_LANGUAGES,
                                      "faq/mine.md": front("badges", "Mine"), "faq/fakes.es.md": front("impostors", "F")})
    assert main(["check", "--content", str(content), "--as-of", AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    assert ("FAQ topics shown with the built-in page: checking-a-copy (en, es); getting-confirmed-and-verified (en, es); impostors (en); "
            "staying-in-control (en, es)") in out


def test_init_writes_editable_copies_of_every_default_page(tmp_path: Path) -> None:
    create_directory(tmp_path / "mine")
    topics = {}
    for path in sorted((tmp_path / "mine" / "faq").glob("*.md")):
        found = re.search(r"(?m)^topic: (.+)$", path.read_text(encoding="utf-8"))
        if found:
            topics.setdefault(found.group(1), []).append(path.name)
    assert sorted(topics) == sorted(TOPICS)
    assert all(len(names) == 2 for names in topics.values()), topics  # English and Spanish
    output = build_site(tmp_path / "mine", tmp_path / "out")
    assert page(output, "faq/badges/index.html").find("h1").text == "What the badges mean"


# --- the rules on "What the badges mean" are the code's rules --------------------------------

def _text(markdown: str) -> str:
    return re.sub(r"\s+", " ", markdown)


@pytest.mark.parametrize(("lang", "file"), [("en", "badges.md"), ("es", "badges.es.md")])
def test_the_default_badges_page_states_every_rule_the_code_applies_word_for_word(lang: str, file: str) -> None:
    page_text = _text((builtin_dir("faq") / file).read_text(encoding="utf-8"))
    catalogue = translations(lang)
    for sentence in [*RULE_TEXT.values(), *NOT_COUNTING_TEXT.values()]:
        shown = catalogue.gettext(sentence)
        assert lang == "en" or shown != sentence, f"not translated: {sentence}"
        assert _text(shown) in page_text, f"{file} does not state: {shown}"


def test_the_rule_sentences_cover_every_tier_and_every_reason_a_record_does_not_count() -> None:
    assert set(RULE_TEXT) == {tier.value for tier in TIER_ORDER} == {tier.value for tier in TIER_EVIDENCE}
    record_outcomes = {code for code in REASON_TEXT if code.startswith("verification_")} - {"verification_current"}
    assert set(NOT_COUNTING_TEXT) == record_outcomes
    assert all(code in REASON_TEXT for codes in TIER_EVIDENCE.values() for code in codes)


def _decisions() -> Iterator[tuple[str, Tier, frozenset[str]]]:
    """decide_tier over every combination of register evidence, records and logo."""
    number, other = "+34600123456", "+34600999999"
    source = Source("x.yaml", 1)
    registers = {"no company": (None, None), "unknown company": ("B1", None),
                 "listed": ("B1", RegisterEntry("B1", "Acme SL", (RegisteredPhone(number, source),), source)),
                 "not listed": ("B1", RegisterEntry("B1", "Acme SL", (RegisteredPhone(other, source),), source))}
    def record(start: date, end: date, whatsapp: str = number, revoked: bool = False, line: int = 1) -> Verification:
        return Verification("acme", whatsapp, start, end, "documents", revoked, Source("v.yaml", line))
    current, old = record(date(2026, 1, 1), date(2027, 1, 1)), record(date(2025, 1, 1), date(2026, 1, 1), line=2)
    records = {"none": [], "current": [current], "expired": [old], "revoked": [record(date(2026, 1, 1), date(2027, 1, 1), revoked=True)],
               "future": [record(date(2027, 1, 1), date(2028, 1, 1))], "other number": [record(date(2026, 1, 1), date(2027, 1, 1), other)],
               "two current": [current, record(date(2026, 2, 1), date(2027, 1, 1), line=3)]}
    for register_name, (company, entry) in registers.items():
        for records_name, found in records.items():
            for logo in (None, "logos/acme.svg"):
                business = Business(id="acme", name="Acme", whatsapp=number, whatsapp_display=number, company_id=company,
                                    category="", city="", country="", website="", email="", address="", logo=logo,
                                    description="", source=source, whatsapp_source=source)
                decision = decide_tier(business, entry, found, AS_OF)
                yield f"{register_name}/{records_name}/{logo}", decision.tier, frozenset(r.code for r in decision.reasons)


@pytest.mark.parametrize(("case", "tier", "codes"), list(_decisions()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_decision_is_the_tier_its_evidence_earns_by_the_stated_rules(case: str, tier: Tier, codes: frozenset[str]) -> None:
    assert tier is tier_for(codes), case
    expected = (Tier.VERIFIED if case.startswith("listed/") and ("current" in case) and case.endswith("svg")
                else Tier.CONFIRMED if case.startswith("listed/") else Tier.UNVERIFIED)
    assert tier is expected, case  # the rule sentences, read literally


def test_the_built_page_shows_the_rules_in_each_language(tmp_path: Path) -> None:
    output = build_site(make_content(tmp_path, {**THREE_TIERS, "site.yaml": TWO_LANGUAGES}))
    for prefix, lang in (("", "en"), ("es/", "es")):
        items = [li.text for li in page(output, f"{prefix}faq/badges/index.html").find_all("li")]
        assert translations(lang).gettext(RULE_TEXT["verified"]) in items


def test_the_example_content_uses_no_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parents[1] / "content", content)
    assert main(["check", "--content", str(content), "--as-of", AS_OF.isoformat()]) == 0
    assert "built-in page" not in capsys.readouterr().out


# --- the sub-path crawl over each shape finds no broken link -----------------------------------

@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_sub_path_crawl_finds_no_broken_link(tmp_path: Path, name: str) -> None:
    import http.server
    import threading

    from browser.test_subpath import PREFIX, _SubPathHandler, crawl

    output = tmp_path / "output"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_SubPathHandler,), {"site": output}))
    url = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    site = TWO_LANGUAGES.replace("base_url: https://dir.example.org/", f"base_url: {url}")
    build_site(make_content(tmp_path, {**THREE_TIERS, "site.yaml": site, **VARIANTS[name]}), output)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        status, linked_from = crawl(url)
    finally:
        server.shutdown()
        server.server_close()
    broken = {page: sorted(linked_from[page])[:3] for page, code in status.items() if code != 200}
    assert broken == {}
    reached = {page[len(url):] for page in status}
    assert {"faq/index.html", "es/faq/index.html", "b/brisa/index.html", "es/b/brisa/index.html"} <= reached
    assert sum(page.startswith(("faq/", "es/faq/")) for page in reached) >= 2 * (len(TOPICS) + 1)
