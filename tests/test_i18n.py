"""A directory in several languages from one content folder (issue #8).

Builds small sites in two languages and checks them as a reader and a
crawler would: every page in both languages with the right ``lang``,
alternates and the language switcher landing on existing pages, Spanish
labels and reasons, translated FAQ pages and descriptions; then the message
catalogues themselves: current with the code, complete in Spanish, and a
missing translation warned about and shown in the fallback language.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

import pytest

from conftest import AS_OF, SITE_YAML, THREE_TIERS, build_site, make_content
from generator import i18n
from generator.build import BuildOptions, build, load_site
from generator.cli import main
from generator.diagnostics import BuildFailed, Diagnostic
from generator.render.templates import make_environment
from generator.check.translations import translation_warnings
from html_tree import Element, page

REPO = Path(__file__).resolve().parent.parent
ES_PO = "generator/locales/es/LC_MESSAGES/messages.po"

TWO_LANGUAGES_SITE = """\
title: Test directory
description: A directory for tests.
default_region: ES
languages: [es, en]
base_url: https://dir.example.org/
"""

FAQ = {
    "faq/badges.md": "---\ntitle: What the badges mean\norder: 1\n---\n\nEvery business has a **badge**.\n",
    "faq/badges.es.md": "---\ntitle: Qué significan las insignias\norder: 1\n---\n\nCada negocio lleva una **insignia**.\n",
    "faq/about.md": "---\ntitle: About us\norder: 2\n---\n\nWritten once, for every language.\n",
    "faq/solo.es.md": "---\ntitle: Solo en español\norder: 3\n---\n\nEsta página no tiene versión en inglés.\n",
}


def two_language_files(site_yaml: str = TWO_LANGUAGES_SITE) -> dict[str, str]:
    """THREE_TIERS in two languages, with a translated description and FAQ."""
    files = {**THREE_TIERS, **FAQ, "site.yaml": site_yaml}
    files["businesses/shops.yaml"] = files["businesses/shops.yaml"].replace(
        "          description: Fly with **us**.\n",
        "          description:\n            es: Vuela con **nosotros**.\n            en: Fly with **us**.\n")
    return files


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One [es, en] build shared by the read-only tests below."""
    return build_site(make_content(tmp_path_factory.mktemp("bilingual"), two_language_files()))


def html_pages(output: Path) -> list[str]:
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))


def site_path(from_page: str, href: str) -> str:
    """An hreflang link's target as an output path: absolute under base_url (as search engines
    require), or relative on a site without one."""
    base = "https://dir.example.org/"
    if href.startswith(base):
        path = href.removeprefix(base)
        return path + "index.html" if path == "" or path.endswith("/") else path
    assert "://" not in href, href
    return resolve(from_page, href)


def resolve(from_page: str, href: str) -> str:
    """An href relative to a page, as the path of the output file it reaches."""
    parts: list[str] = []
    for part in (PurePosixPath(from_page).parent / href).parts:
        if part == "..":
            assert parts, f"{href} leaves the site from {from_page}"
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def switcher(tree: Element) -> list[Element]:
    return [a for nav in tree.find_all("nav", class_="language-switcher") for a in nav.find_all("a")]


# --- the two-language build ----------------------------------------------------


def test_every_page_exists_in_both_languages_with_its_lang(bilingual: Path) -> None:
    pages = html_pages(bilingual)
    spanish = [p for p in pages if not p.startswith("en/")]
    english = [p.removeprefix("en/") for p in pages if p.startswith("en/")]
    assert "b/brisa/index.html" in spanish and "category/airline/index.html" in spanish
    # The root holds the default language; 404 lives only there, and a Spanish-only FAQ page has no English twin.
    assert sorted(set(spanish) - set(english)) == ["404.html", "faq/solo/index.html"]
    assert set(english) <= set(spanish)
    assert not (bilingual / "es").exists()
    for rel in pages:
        assert page(bilingual, rel).find("html").attrs["lang"] == ("en" if rel.startswith("en/") else "es"), rel


def test_alternates_and_switcher_resolve_to_the_same_page_in_each_language(bilingual: Path) -> None:
    for rel in html_pages(bilingual):
        tree = page(bilingual, rel)
        hreflang = [link for link in tree.find_all("link", rel="alternate") if "hreflang" in link.attrs]
        # Absolute, under base_url: search engines (and Lighthouse's hreflang audit) ignore relative ones.
        assert all(link.attrs["href"].startswith("https://dir.example.org/") for link in hreflang), rel
        alternates = {link.attrs["hreflang"]: site_path(rel, link.attrs["href"]) for link in hreflang}
        if rel == "404.html":
            assert "x-default" not in alternates  # it has no translations to point to
            continue  # served for any missing URL, with absolute links
        expected = {"es"} if rel == "faq/solo/index.html" else {"es", "en"}
        if len(expected) > 1:
            assert alternates.pop("x-default") == alternates["es"]  # the first language, as the sitemap says
        assert set(alternates) == expected, rel
        assert alternates[tree.find("html").attrs["lang"]] == rel  # each page names itself too
        for lang, target in alternates.items():
            assert (bilingual / target).is_file(), (rel, target)
            assert page(bilingual, target).find("html").attrs["lang"] == lang
            assert target.removeprefix("en/") == rel.removeprefix("en/")
        links = switcher(tree)
        if expected == {"es"}:
            assert links == [], rel  # nothing to switch to
            continue
        assert {a.attrs["hreflang"]: resolve(rel, a.attrs["href"]) for a in links} == alternates, rel


def test_language_switcher_names_each_language_in_itself_and_marks_the_current_one(bilingual: Path) -> None:
    spanish = switcher(page(bilingual, "b/brisa/index.html"))
    assert [(a.text, a.attrs["lang"], a.attrs["hreflang"], a.attrs["href"]) for a in spanish] == [
        ("Español", "es", "es", "../../b/brisa/index.html"),
        ("English", "en", "en", "../../en/b/brisa/index.html"),
    ]
    assert [a.attrs.get("aria-current") for a in spanish] == ["page", None]
    english = switcher(page(bilingual, "en/b/brisa/index.html"))
    assert [a.attrs.get("aria-current") for a in english] == [None, "page"]
    assert page(bilingual, "en/index.html").find("nav", class_="language-switcher").attrs["aria-label"] == "Language"
    assert page(bilingual, "index.html").find("nav", class_="language-switcher").attrs["aria-label"] == "Idioma"


def test_spanish_badge_labels_and_reasons_read_correctly(bilingual: Path) -> None:
    def label(rel: str) -> str:
        return page(bilingual, rel).find("span", class_="badge").find(class_="badge__label").text

    assert [label(f"b/{i}/index.html") for i in ("brisa", "cafe-nino", "brisa-soporte")] == [
        "Verificado", "Confirmado", "Sin verificar"]
    assert [label(f"en/b/{i}/index.html") for i in ("brisa", "cafe-nino", "brisa-soporte")] == [
        "Verified", "Confirmed", "Unverified"]

    brisa = page(bilingual, "b/brisa/index.html")
    why = brisa.find("section", class_="why")
    assert why.find("h2").text == "¿Por qué esta insignia?"
    assert [li.text for li in why.find("ul").find_all("li")] == [
        "El número +34 600 12 34 56 está inscrito a nombre de Aerolíneas Brisa S.A. (empresa B001) en el "
        "registro mercantil.",
        "El equipo del directorio verificó este negocio y este número el 10 de enero de 2026, mediante una videollamada; "
        "la verificación es válida hasta el 10 de enero de 2027.",
    ]
    assert why.find("details").find("summary").text == "Para el equipo del directorio: de dónde se leyeron estas pruebas"
    assert brisa.find("p", class_="tier-panel__meaning").text.startswith(
        "Este número está inscrito a nombre de Aerolíneas Brisa S.A. en el registro mercantil, y el equipo del "
        "directorio verificó la cuenta el 10 de enero de 2026.")
    assert [li.text for li in page(bilingual, "en/b/brisa/index.html").find("section", class_="why").find("ul").find_all("li")][1] == (
        "The directory operator verified this business and this number on January 10, 2026, by a video call; "
        "the verification is valid until January 10, 2027.")
    soporte = page(bilingual, "b/brisa-soporte/index.html")
    assert soporte.find("p", class_="lookalike-warning").find("strong").text == (
        "No es la cuenta verificada de Aerolíneas Brisa: el número es otro.")
    assert soporte.find("section", class_="why").find("li").text == (
        "El negocio no indica ninguna empresa del registro mercantil, así que su número +34 622 33 44 55 "
        "no se puede confirmar.")


def test_legend_contact_note_footer_and_pagination_texts_are_spanish(bilingual: Path) -> None:
    home = page(bilingual, "index.html")
    legend = home.find("section", class_="legend")
    assert legend.find("h2").text == "Qué significan las insignias"
    assert [b.text for b in legend.find_all(class_="badge__label")] == ["Verificado", "Confirmado", "Sin verificar"]
    footer = home.find("footer").text
    assert "verificaciones del equipo del directorio." in footer and "2026" not in footer  # no date: issue #16
    assert home.find("p", class_="as-of").text.startswith("Insignias a fecha de 25 de noviembre de 2026.")
    assert page(bilingual, "en/index.html").find("p", class_="as-of").text.startswith("Badges as of November 25, 2026.")
    control = page(bilingual, "b/brisa/index.html").find("section", class_="control")
    assert control.find("h2").text == "Tú tienes el control"
    assert control.find("a").attrs["href"] == "../../faq/staying-in-control/index.html"
    assert page(bilingual, "category/airline/index.html").find("main").find("p").text == "2 negocios en esta categoría."
    assert page(bilingual, "category/cafe/index.html").find("main").find("p").text == "1 negocio en esta categoría."
    assert page(bilingual, "en/category/cafe/index.html").find("main").find("p").text == "1 business in this category."
    not_found = page(bilingual, "404.html")
    assert not_found.find("h1").text == "Página no encontrada"


def test_search_and_lookup_are_translated_and_load_their_scripts_in_every_language(bilingual: Path) -> None:
    for rel, lang in (("lookup/index.html", "es"), ("en/lookup/index.html", "en"),
                      ("b/brisa/index.html", "es"), ("en/b/brisa/index.html", "en")):
        tree = page(bilingual, rel)
        for script in tree.find_all("script"):
            if "src" in script.attrs:
                assert (bilingual / resolve(rel, script.attrs["src"])).is_file(), (rel, script.attrs["src"])
        search = tree.find("div", class_="search")
        expected = "Sin verificar" if lang == "es" else "Unverified"
        assert search.attrs["data-label-unverified"] == expected
        assert search.find("label", class_="search__label").text == ("Buscar negocios" if lang == "es" else "Search businesses")
    lookup = page(bilingual, "lookup/index.html").find("div", class_="lookup")
    assert lookup.attrs["data-msg-unknown"] == "Este número no está en el directorio: ten cuidado."
    assert lookup.attrs["data-faq-url"] == "../faq/impostors/index.html"
    assert page(bilingual, "en/lookup/index.html").find("div", class_="lookup").attrs["data-faq-url"] == "../../en/faq/impostors/index.html"


def test_description_mapping_renders_the_page_language(bilingual: Path) -> None:
    spanish = page(bilingual, "b/brisa/index.html").find("section", class_="description")
    english = page(bilingual, "en/b/brisa/index.html").find("section", class_="description")
    assert (spanish.text, spanish.find("strong").text) == ("Vuela con nosotros.", "nosotros")
    assert (english.text, english.find("strong").text) == ("Fly with us.", "us")


def test_faq_pages_use_the_language_file_else_the_unsuffixed_one(bilingual: Path) -> None:
    assert page(bilingual, "faq/badges/index.html").find("h1").text == "Qué significan las insignias"
    assert page(bilingual, "en/faq/badges/index.html").find("h1").text == "What the badges mean"
    for rel in ("faq/about/index.html", "en/faq/about/index.html"):
        assert page(bilingual, rel).find("article").find("p").text == "Written once, for every language."
    assert page(bilingual, "faq/solo/index.html").find("h1").text == "Solo en español"
    index = page(bilingual, "en/faq/index.html").find("ul", class_="faq-list")
    builtin = ["How a business gets confirmed and verified", "Staying in control", "How to spot an impostor",
               "How to check a copy of this directory"]
    assert [a.text for a in index.find_all("a")] == ["What the badges mean", "About us", *builtin]  # topics built in
    assert page(bilingual, "faq/index.html").find("h1").text == "Preguntas frecuentes"


def test_example_content_builds_in_spanish_and_english(tmp_path: Path) -> None:
    """The example directory is bilingual as it ships (its market is Spain): Spanish at the root, English under
    en/, and no warning that a language adds (a missing translation, an FAQ page in one language only)."""
    result = build(BuildOptions(content=REPO / "content", output=tmp_path / "out", as_of=AS_OF, jobs=1))
    assert not [w for w in result.warnings if "messages.po" in w.path or w.path.startswith("faq/") or "translation" in w.message]
    output = tmp_path / "out"
    assert page(output, "index.html").find("html").attrs["lang"] == "es"
    assert page(output, "en/index.html").find("html").attrs["lang"] == "en"
    assert page(output, "b/cafe-nino/index.html").find("html").attrs["lang"] == "es"
    assert (output / "en/b/cafe-nino/index.html").is_file() and not (output / "es").exists()
    assert "Café tostado en casa" in (output / "b/cafe-nino/index.html").read_text(encoding="utf-8")
    assert "Coffee roasted on the premises" in (output / "en/b/cafe-nino/index.html").read_text(encoding="utf-8")
    site, _ = load_site(REPO / "content", AS_OF)
    untranslated = [i for i, listed in site.entries.items()
                    if isinstance(listed.business.description, str) or set(listed.business.description) != {"es", "en"}]
    assert untranslated == []  # every example description in both languages
    assert page(output, "faq/impostors/index.html").find("html").attrs["lang"] == "es"
    assert page(output, "en/faq/impostors/index.html").find("h1").text == "How to spot an impostor"
    assert page(output, "faq/impostors/index.html").find("h1").text == "Cómo detectar a un impostor"


# --- one language keeps today's site ---------------------------------------------


def test_single_language_site_keeps_exactly_the_current_paths(three_tiers: Path) -> None:
    output = build_site(three_tiers)
    assert html_pages(output) == [
        "404.html", "b/brisa-soporte/index.html", "b/brisa/index.html", "b/cafe-nino/index.html",
        "category/airline/index.html", "category/cafe/index.html", "category/index.html",
        "faq/badges/index.html", "faq/checking-a-copy/index.html", "faq/getting-confirmed-and-verified/index.html",
        "faq/impostors/index.html",
        "faq/index.html", "faq/staying-in-control/index.html",  # the FAQ topics' built-in pages
        "index.html", "lookup/index.html", "tier/confirmed/index.html", "tier/unverified/index.html",
        "tier/verified/index.html",
    ]
    for rel in html_pages(output):
        tree = page(output, rel)
        assert tree.find("html").attrs["lang"] == "en"
        assert not tree.find_all("link", rel="alternate"), rel
        assert not tree.find_all("nav", class_="language-switcher"), rel


def test_single_spanish_site_is_spanish_at_the_root(tmp_path: Path) -> None:
    files = {**THREE_TIERS, "site.yaml": SITE_YAML.replace("language: en", "language: es")}
    output = build_site(make_content(tmp_path, files))
    assert not (output / "es").exists() and not (output / "en").exists()
    brisa = page(output, "b/brisa/index.html")
    assert brisa.find("html").attrs["lang"] == "es"
    assert brisa.find(class_="badge__label").text == "Verificado"
    assert not switcher(brisa) and not brisa.find_all("link", rel="alternate")


# --- formatting ---------------------------------------------------------------------


def test_numbers_dates_and_language_names_follow_the_locale() -> None:
    assert (i18n.format_number(12345, "es"), i18n.format_number(12345, "en")) == ("12.345", "12,345")
    assert (i18n.format_date("2026-01-10", "es"), i18n.format_date("2026-01-10", "en")) == (
        "10 de enero de 2026", "January 10, 2026")
    assert (i18n.language_name("es"), i18n.language_name("en"), i18n.language_name("fr")) == ("Español", "English", "Français")
    assert i18n.language_name("es", "en") == "Spanish"
    assert i18n.language_name("zz") == "zz"  # a code Babel does not know is shown as written


# --- the catalogues -----------------------------------------------------------------


def test_catalogue_template_lists_exactly_the_messages_in_the_code(tmp_path: Path) -> None:
    """Fails when a marked string changed without re-extracting (see generator/i18n.py for the commands)."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract", "-F", "babel.cfg",
                    "-o", str(fresh), "."], cwd=REPO, check=True, capture_output=True)
    extracted = {m.id for m in i18n._read(fresh, None) if m.id}
    shipped = {m.id for m in i18n.source_messages()}
    assert sorted(map(str, extracted - shipped)) == [], "new messages: re-extract messages.pot"
    assert sorted(map(str, shipped - extracted)) == [], "messages no longer used: re-extract messages.pot"


def test_spanish_catalogue_is_complete_and_keeps_every_placeholder() -> None:
    assert translation_warnings(("es", "en")) == []
    catalog = i18n.read_catalogue("es")
    assert catalog is not None
    for message in i18n.source_messages():
        entry = catalog.get(message.id)
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        for string in strings:
            assert _placeholders(string) == _placeholders(ids[-1]), (message.id, string)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s|\{\w+\}", text))


@pytest.fixture
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the shipped catalogues to spoil, in place of the real ones for one test."""
    folder = tmp_path / "generator" / "locales"
    shutil.copytree(i18n.LOCALES_DIR, folder)
    monkeypatch.setattr(i18n, "LOCALES_DIR", folder)
    i18n.reload_catalogues()
    yield folder
    monkeypatch.undo()
    i18n.reload_catalogues()


def _untranslate(po: Path, msgid: str, fuzzy: bool = False) -> int:
    """Empty (or mark fuzzy) one message; returns the line of its msgid."""
    lines = po.read_text(encoding="utf-8").split("\n")
    at = lines.index(f'msgid "{msgid}"')
    if fuzzy:
        lines.insert(at, "#, fuzzy")
        at += 1
    else:
        lines[at + 1] = 'msgstr ""'
    po.write_text("\n".join(lines), encoding="utf-8")
    return at + 1


def test_missing_translation_warns_and_falls_back_to_english(tmp_path: Path, locales: Path) -> None:
    po = locales / "es/LC_MESSAGES/messages.po"
    fuzzy_line = _untranslate(po, "Chat on WhatsApp", fuzzy=True)
    missing_line = _untranslate(po, "Why this badge?")
    i18n.reload_catalogues()
    content = make_content(tmp_path, two_language_files())
    result = build(BuildOptions(content=content, output=tmp_path / "out", as_of=AS_OF, jobs=1))

    assert [w for w in result.warnings if w.path == ES_PO] == [
        Diagnostic(ES_PO, fuzzy_line, '"Chat on WhatsApp" (templates/business.html) is marked fuzzy; '
                                      "pages in Spanish show it in English", "warning"),
        Diagnostic(ES_PO, missing_line, '"Why this badge?" (templates/business.html) is not translated; '
                                        "pages in Spanish show it in English", "warning"),
    ]
    brisa = page(tmp_path / "out", "b/brisa/index.html")
    assert brisa.find("section", class_="why").find("h2").text == "Why this badge?"
    assert brisa.find("a", class_="button").text == "Chat on WhatsApp"
    assert brisa.find(class_="badge__label").text == "Verificado"  # the rest stays Spanish


def test_check_command_reports_missing_translations_and_strict_fails(tmp_path: Path, locales: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    line = _untranslate(locales / "es/LC_MESSAGES/messages.po", "Verified")
    i18n.reload_catalogues()
    content = make_content(tmp_path, two_language_files())
    assert main(["check", "--content", str(content), "--as-of", AS_OF.isoformat()]) == 0
    err = capsys.readouterr().err
    assert (f'{ES_PO}:{line}: warning: "Verified" (generator/render/views.py, templates/partials/results_data.html) '
            "is not translated; pages in Spanish show it in English") in err
    with pytest.raises(BuildFailed) as failed:
        load_site(content, AS_OF, strict=True)
    assert [d.line for d in failed.value.diagnostics if d.path == ES_PO] == [line]


def test_a_language_without_its_own_translation_falls_back_to_the_default_language(tmp_path: Path, locales: Path) -> None:
    french = locales / "fr/LC_MESSAGES/messages.po"
    french.parent.mkdir(parents=True)
    french.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n'
                      '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\nmsgid "Verified"\nmsgstr "Vérifié"\n',
                      encoding="utf-8")
    i18n.reload_catalogues()
    site = TWO_LANGUAGES_SITE.replace("[es, en]", "[es, fr, de]")
    content = make_content(tmp_path, two_language_files(site))
    result = build(BuildOptions(content=content, output=tmp_path / "out", as_of=AS_OF, jobs=1))
    output = tmp_path / "out"

    brisa = page(output, "fr/b/brisa/index.html")
    assert brisa.find("html").attrs["lang"] == "fr"
    assert brisa.find(class_="badge__label").text == "Vérifié"  # the French catalogue has it
    assert brisa.find("section", class_="why").find("h2").text == "¿Por qué esta insignia?"  # else Spanish, the default
    assert page(output, "de/b/brisa/index.html").find(class_="badge__label").text == "Verificado"
    assert [a.text for a in switcher(brisa)] == ["Español", "Français", "Deutsch"]

    warnings = [w for w in result.warnings if "/locales/" in w.path or w.path.startswith("generator/")]
    assert Diagnostic("generator/locales/de/LC_MESSAGES/messages.po", 0,
                      "no message catalogue for 'de': pages in German show every text in Spanish", "warning") in warnings
    french_warnings = [w for w in warnings if w.path == "generator/locales/fr/LC_MESSAGES/messages.po"]
    assert len(french_warnings) == len(i18n.source_messages()) - 1
    assert all(w.line == 0 and w.message.endswith("pages in French show it in Spanish") for w in french_warnings)


def test_english_needs_no_catalogue_and_never_falls_back() -> None:
    assert translation_warnings(("en",)) == []
    assert translation_warnings(("en", "es")) == []
    assert i18n.translations("en", "es").gettext("Verified") == "Verified"
    assert i18n.translations("es", "en").gettext("Verified") == "Verificado"


def test_literal_messages_are_translated_when_compiled_with_the_runtime_meaning() -> None:
    """``_("literal")`` is folded into each language's compiled template (generator/render/fixed_translations.py):
    same text, keyword values still escaped, anything not a literal message left to the runtime ``_``."""
    env = make_environment(None, i18n.translations("es"))
    folded = '{{ _("Website") }}|{{ _("Logo of %(name)s", name=who,) }}|{% set t = _("City") %}{{ t }}'
    compiled = env.compile(folded, raw=True)
    assert "Sitio web" in compiled and "Logotipo de %(name)s" in compiled
    assert "Website" not in compiled and "Logo of" not in compiled
    runtime = '{{ _(message) }}|{{ obj._("Website") }}|{{ _("Website" ~ suffix) }}|{{ _("Website")|upper }}'
    values = {"who": "<b>Brisa</b>", "message": "City", "obj": SimpleNamespace(_=str.upper), "suffix": ""}
    assert env.from_string(folded).render(values) == "Sitio web|Logotipo de &lt;b&gt;Brisa&lt;/b&gt;|Ciudad"
    assert env.from_string(runtime).render(values) == "Ciudad|WEBSITE|Sitio web|SITIO WEB"
    with pytest.raises(TypeError):
        env.from_string('{{ _("Website", 3) }}').render()  # not a keyword: left to the runtime ``_``, which refuses it
