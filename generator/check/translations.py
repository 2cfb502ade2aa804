"""Warnings about messages a site language shows untranslated.

A missing translation never stops a build: gettext shows the message in the
site's default language (its first), or in English, the source, where that
has none either — readable, but not what a reader of that language expects.
``badgedir check`` and ``badgedir build`` therefore list each such message,
located in the catalogue to fix, and ``--strict`` makes them fatal.

The messages are those of ``generator/locales/messages.pot``; strings a
user's ``--templates`` folder adds are not in it and are not checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import i18n
from ..diagnostics import ContentWarning, Diagnostic
from ..i18n import SOURCE_LANGUAGE, catalogue_path, is_translated, language_name, read_catalogue, untranslated

if TYPE_CHECKING:
    from babel.messages.catalog import Message


def translation_warnings(languages: tuple[str, ...]) -> list[Diagnostic]:
    """One warning per message a language of the site lacks; one in all for a language with no catalogue."""
    default = languages[0] if languages else SOURCE_LANGUAGE
    warnings: list[Diagnostic] = []
    for lang in languages:
        if lang == SOURCE_LANGUAGE:
            continue
        path = _shown(catalogue_path(lang))
        if read_catalogue(lang) is None:
            fallback = _english(default) if _has_catalogue(default) and default != lang else "English"
            warnings.append(ContentWarning(
                path, 0, f"no message catalogue for '{lang}': pages in {_english(lang)} show every text in {fallback}"))
            continue
        for message, entry in untranslated(lang):
            state = "is marked fuzzy" if entry is not None and entry.fuzzy else "is not translated"
            warnings.append(ContentWarning(
                path, entry.lineno if entry is not None else 0,
                f"{_quoted(message.id)} ({_where(message.locations)}) {state}; "
                f"pages in {_english(lang)} show it in {_fallback(message, lang, default)}"))
    return warnings


def _english(lang: str) -> str:
    return language_name(lang, SOURCE_LANGUAGE)


def _has_catalogue(lang: str) -> bool:
    return lang != SOURCE_LANGUAGE and read_catalogue(lang) is not None


def _fallback(message: Message, lang: str, default: str) -> str:
    """What an untranslated message of ``lang`` reads in: the default language if it has it, else English."""
    if lang != default and _has_catalogue(default):
        entry = read_catalogue(default).get(message.id)  # type: ignore[union-attr]
        if entry is not None and is_translated(entry):
            return _english(default)
    return "English"


def _quoted(message_id: str | tuple[str, ...]) -> str:
    text = message_id if isinstance(message_id, str) else message_id[0]
    return f'"{text}"' if len(text) <= 60 else f'"{text[:57]}..."'


def _where(locations: list[tuple[str, int | None]]) -> str:
    return ", ".join(sorted({path for path, _ in locations})) or "no location"


def _shown(path: Path) -> str:
    """The catalogue's path as a source checkout names it (``generator/locales/...``), wherever installed."""
    try:
        return path.relative_to(i18n.LOCALES_DIR.parent.parent).as_posix()
    except ValueError:
        return path.as_posix()
