"""Message catalogues and locale formatting.

Templates mark every string with ``_()``; catalogues are gettext ``.po``
files under ``generator/locales/<lang>/LC_MESSAGES/messages.po``, read at
run time (no compiled ``.mo`` to forget).  ``generator/locales/messages.pot``
lists every message; after changing a marked string, regenerate both::

    pybabel extract -F babel.cfg -o generator/locales/messages.pot --add-location=file -c Translators: --project=badgedir .
    pybabel update -i generator/locales/messages.pot -d generator/locales --no-fuzzy-matching --ignore-pot-creation-date

English is the source language: the msgids are the English texts, so an
English page needs no catalogue.  A message a catalogue does not translate
(absent, empty or fuzzy) falls back to the site's default language — its
first — and, where that has no translation either, to English;
:mod:`generator.translations_check` reports each such message as a warning.
"""

from __future__ import annotations

import gettext
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message

SOURCE_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).parent / "locales"


def catalogue_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"


def reload_catalogues() -> None:
    """Forget the catalogues read so far, so the next page reads the files again (after an edit)."""
    for cached in (translations, read_catalogue, source_messages):
        cached.cache_clear()


@lru_cache(maxsize=None)
def translations(lang: str, fallback: str | None = None) -> gettext.NullTranslations:
    """The translations for pages in ``lang``, falling back to ``fallback``'s catalogue.

    ``fallback`` is the site's default language; English needs none (its
    msgids are the text), and English pages never fall back to another
    language.  Cached per pair: each pair gets its own chain, as
    ``add_fallback`` changes the object it is called on.
    """
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    own = _compile(lang) or gettext.NullTranslations()
    if fallback and fallback not in (lang, SOURCE_LANGUAGE):
        second = _compile(fallback)
        if second is not None:
            own.add_fallback(second)
    return own


def _compile(lang: str) -> gettext.NullTranslations | None:
    """A fresh translations object from the ``.po`` file, or None without one."""
    catalog = read_catalogue(lang)
    if catalog is None:
        return None
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    complete = Catalog(locale=catalog.locale, charset="utf-8")
    complete.mime_headers = catalog.mime_headers  # keeps the catalogue's Plural-Forms
    for message in catalog:
        if message.id and is_translated(message):
            complete[message.id] = message
    buffer = BytesIO()
    write_mo(buffer, complete)
    buffer.seek(0)
    return Translations(fp=buffer)


def is_translated(message: Message) -> bool:
    """Whether gettext will use this translation: not fuzzy, and every plural form filled in.

    (``write_mo`` would keep a plural with empty forms and show the English
    there, skipping the fallback language.)
    """
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return not message.fuzzy and bool(strings) and all(strings)


@lru_cache(maxsize=None)
def read_catalogue(lang: str) -> Catalog | None:
    """The ``.po`` catalogue of ``lang`` as parsed by Babel (with line numbers), or None."""
    return _read(catalogue_path(lang), lang)


@lru_cache(maxsize=1)
def source_messages() -> tuple[Message, ...]:
    """Every message badgedir shows, from ``messages.pot`` (in extraction order)."""
    catalog = _read(LOCALES_DIR / "messages.pot", None)
    return tuple(m for m in catalog if m.id) if catalog is not None else ()


def _read(path: Path, lang: str | None) -> Catalog | None:
    if not path.is_file():
        return None
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def untranslated(lang: str) -> list[tuple[Message, Message | None]]:
    """The source messages ``lang``'s catalogue leaves untranslated, each with its catalogue entry if any."""
    catalog = read_catalogue(lang)
    if lang == SOURCE_LANGUAGE or catalog is None:
        return []
    missing = []
    for message in source_messages():
        entry = catalog.get(message.id)
        if entry is None or not is_translated(entry):
            missing.append((message, entry))
    return missing


@lru_cache(maxsize=None)
def language_name(code: str, in_language: str | None = None) -> str:
    """A language's name, in itself unless told otherwise, capitalised for a menu: ``es`` → "Español"."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code).get_display_name(in_language or code) or code
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=4096)
def format_date(iso: str, lang: str) -> str:
    from babel.dates import format_date as babel_format_date

    try:
        return babel_format_date(date.fromisoformat(iso), format="long", locale=lang)
    except Exception:  # an unknown locale still shows an unambiguous date
        return iso


@lru_cache(maxsize=4096)
def format_number(value: int | float, lang: str) -> str:
    """A count as the language writes it: 12,345 in English, 12.345 in Spanish."""
    from babel.numbers import format_decimal

    try:
        return format_decimal(value, locale=lang)
    except Exception:  # an unknown locale still shows the number
        return str(value)
