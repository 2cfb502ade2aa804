"""Message catalogues and locale formatting.

Templates mark every string with ``_()``; catalogues are gettext ``.po``
files under ``generator/locales/<lang>/LC_MESSAGES/messages.po`` (extract
with ``pybabel extract -F babel.cfg``).  English is the source language, so
an English site needs no catalogue and a missing translation falls back to
the English text.
"""

from __future__ import annotations

import gettext
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path

LOCALES_DIR = Path(__file__).parent / "locales"


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    po = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def missing_translations(lang: str, messages: list[str]) -> list[str]:
    """Messages the catalogue of ``lang`` does not translate (English needs none)."""
    if lang == "en":
        return []
    catalogue = translations(lang)
    return [m for m in messages if catalogue.gettext(m) == m]


@lru_cache(maxsize=4096)
def format_date(iso: str, lang: str) -> str:
    from babel.dates import format_date as babel_format_date

    try:
        return babel_format_date(date.fromisoformat(iso), format="long", locale=lang)
    except Exception:  # an unknown locale still shows an unambiguous date
        return iso
