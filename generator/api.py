"""``api/businesses.json``: the directory as data, for other tools and sites.

Its shape is a public interface: ``{"as_of", "businesses": [...]}`` sorted by
id, each business with its tier, E.164 number, page URL and the reasons for
its tier (text in the site's first language, ``source`` as ``path:line``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .reasons import reason_text
from .site import Listed, Site
from .views import Language, business_path
from . import phones
from .write import WriteStats, Written, write_file


def businesses_json(site: Site) -> str:
    language = Language(site.config.languages[0])
    items = [business_record(listed, language) for listed in site.entries.values()]
    return json.dumps({"as_of": site.as_of.isoformat(), "businesses": items}, ensure_ascii=False,
                      indent=1, sort_keys=False) + "\n"


def write_businesses_json(shared: dict[str, Any], target: str) -> Written:
    """``api/businesses.json`` of ``shared["site"]`` under ``target`` (a piece of the build's work)."""
    stats = WriteStats()
    write_file(Path(target), "api/businesses.json", businesses_json(shared["site"]).encode("utf-8"), stats)
    return Written(stats)


def business_record(listed: Listed, language: Language) -> dict[str, Any]:
    """One business of ``api/businesses.json`` (a live preview re-encodes just the edited ones)."""
    business = listed.business
    return {
        "id": business.id, "name": business.name, "tier": listed.decision.tier.value,
        "whatsapp": business.whatsapp, "category": business.category, "city": business.city,
        "country": business.country, "website": business.website, "url": business_path(business.id),
        "reasons": [{"text": reason_text(r, language.gettext, language.date, phones.international),
                     "source": str(r.source) if r.source else ""} for r in listed.decision.reasons],
    }
