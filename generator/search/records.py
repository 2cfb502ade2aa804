"""What the search and lookup indexes know about one business.

The build hands over one ``SearchRecord`` per business once tiers are
decided; the index writers never see the loader's richer values, so what a
visitor's browser downloads is exactly this and nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TIERS: tuple[str, ...] = ("verified", "confirmed", "unverified")
"""Tier order, best first: the order results are ranked in."""

BUSINESS_URL = re.compile(r"b/[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?/")
"""The only URLs an index may hold; results.js (for search.js and lookup.js) checks the same pattern before use."""


@dataclass(frozen=True, slots=True)
class SearchRecord:
    """One business as the search box and the number lookup show it."""

    id: str  # e.g. "cafe-nino"
    name: str  # "Café Niño", written by the business: hostile text
    tier: str  # one of TIERS
    category: str  # display name, "" if none
    category_slug: str  # ascii slug, "" if none
    city: str  # "" if none
    url: str  # relative to the site root: "b/cafe-nino/"
    whatsapp: str  # E.164 "+34600123456"
    whatsapp_display: str  # international format "+34 600 12 34 56"
    imitates: str | None  # name of the verified business this one imitates (hostile text), or None
    warning_url: str | None  # relative url of that verified business

    def check(self) -> None:
        """Refuse values that would make the index lie or point off-site.

        The core validated the content already; this guards the contract, so a
        bug upstream fails the build instead of publishing a bad link.
        """
        if self.tier not in TIERS:
            raise ValueError(f"{self.id}: unknown tier {self.tier!r}")
        for field, url in (("url", self.url), ("warning_url", self.warning_url)):
            if url is not None and not BUSINESS_URL.fullmatch(url):
                raise ValueError(f"{self.id}: {field} {url!r} is not a relative b/<id>/ path")
        if not re.fullmatch(r"\+[1-9][0-9]{5,14}", self.whatsapp):
            raise ValueError(f"{self.id}: whatsapp {self.whatsapp!r} is not E.164")
