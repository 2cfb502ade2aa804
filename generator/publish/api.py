"""``api/businesses.json``: the directory as data, for other tools and sites.

Its shape is a public interface: ``{"as_of", "businesses": [...]}`` sorted by
id, each business with its tier, E.164 number, page URL and the reasons for
its tier (text in the site's first language, ``source`` as ``path:line``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..decide.reasons import reason_text
from ..decide.site import Listed, Site
from ..render.views import Language, business_path, numbers_shown
from . import api_pages
from .json_pieces import indented_json, join_businesses
from .writing import WriteStats, Written, write_pieces


def businesses_json(site: Site) -> Iterator[bytes]:
    """The file, in pieces: its head, then each business as it sits in the file.

    Written piece by piece, so 100,000 businesses never sit in memory as one
    string; a live preview keeps the pieces and replaces an edited business's.
    """
    language = Language(site.config.languages[0])
    yield json_head(site)
    yield from join_businesses(business_json(listed, language) for listed in site.entries.values())


def json_head(site: Site) -> bytes:
    return ('{\n "as_of": ' + json.dumps(site.as_of.isoformat()) + ',\n "businesses": ').encode("utf-8")


def business_json(listed: Listed, language: Language) -> bytes:
    """One business, indented as ``json.dumps(whole file, indent=1)`` would put it."""
    return ("  " + indented_json(business_record(listed, language), 2)).encode("utf-8")


def write_businesses_json(shared: dict[str, Any], target: str) -> Written:
    """``api/businesses.json`` of ``shared["site"]`` under ``target`` (a piece of the build's work):
    one file, or past :data:`~generator.publish.api_pages.PAGED_FROM` businesses an index of pages."""
    site: Site = shared["site"]
    stats = WriteStats()
    if len(site.entries) < api_pages.PAGED_FROM:
        write_pieces(Path(target), api_pages.INDEX, businesses_json(site), stats)
        return Written(stats)
    language = Language(site.config.languages[0])
    pieces = [business_json(listed, language) for listed in site.entries.values()]
    for path, file_pieces in api_pages.paged_files(site.as_of.isoformat(), list(site.entries), pieces):
        write_pieces(Path(target), path, file_pieces, stats)
    return Written(stats)


def business_record(listed: Listed, language: Language) -> dict[str, Any]:
    """One business of ``api/businesses.json`` (a live preview re-encodes just the edited ones)."""
    business = listed.business
    return {
        "id": business.id, "name": business.name, "tier": listed.decision.tier.value,
        "whatsapp": business.whatsapp, "category": business.category, "city": business.city,
        "country": business.country, "website": business.website, "url": business_path(business.id),
        "reasons": [{"text": reason_text(r, language.gettext, language.date, numbers_shown(business)),
                     "source": str(r.source) if r.source else ""} for r in listed.decision.reasons],
    }
