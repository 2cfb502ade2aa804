"""``api/businesses.json``: the directory as data, for other tools and sites.

Its shape is a public interface: ``{"as_of", "businesses": [...]}`` sorted by
id, each business with its tier, E.164 number, page URL and the reasons for
its tier (text in the site's first language, ``source`` as ``path:line``).
"""

from __future__ import annotations

import json

from .reasons import reason_text
from .site import Site
from .views import Language, business_path
from . import phones


def businesses_json(site: Site) -> str:
    language = Language(site.config.languages[0])
    items = []
    for business_id, listed in site.entries.items():
        business = listed.business
        items.append({
            "id": business.id, "name": business.name, "tier": listed.decision.tier.value,
            "whatsapp": business.whatsapp, "category": business.category, "city": business.city,
            "country": business.country, "website": business.website, "url": business_path(business.id),
            "reasons": [{"text": reason_text(r, language.gettext, language.date, phones.international),
                         "source": str(r.source) if r.source else ""} for r in listed.decision.reasons],
        })
    return json.dumps({"as_of": site.as_of.isoformat(), "businesses": items}, ensure_ascii=False,
                      indent=1, sort_keys=False) + "\n"
