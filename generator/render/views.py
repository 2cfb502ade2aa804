"""Read-only views of the site for templates, in one language.

Templates hold markup, not logic: every string a page shows is prepared
here (translated reasons, formatted numbers, relative URLs), so a template
author overriding ``business.html`` only arranges values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from markupsafe import Markup

from ..read import phones
from ..i18n import format_date, translations
from ..read.markup import render_markdown
from ..decide.reasons import reason_text
from ..model import Business
from ..decide.site import Listed, Site
from ..decide.tiers import TIER_ORDER, Tier

TIER_ICONS = {Tier.VERIFIED: "✓", Tier.CONFIRMED: "✓", Tier.UNVERIFIED: "?"}


def business_path(business_id: str) -> str:
    """The public URL of a business page, relative to the site root."""
    return f"b/{business_id}/"


def numbers_shown(business: Business) -> Callable[[str], str]:
    """Numbers as people read them, for the sentences explaining ``business``'s tier: its own number
    as it was formatted when read (formatting one costs more than the rest of its sentence)."""
    def shown(e164: str) -> str:
        return business.whatsapp_display if e164 == business.whatsapp else phones.international(e164)
    return shown


@dataclass(frozen=True, slots=True)
class ReasonView:
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class BadgeView:
    tier: str
    label: str
    icon: str


@dataclass(frozen=True, slots=True)
class BusinessView:
    id: str
    name: str
    href: str  # from the site root, ending in index.html so file:// works
    path: str  # the public URL path, b/<id>/
    badge: BadgeView
    number: str
    e164: str
    chat_url: str
    website: str
    email: str
    address: str
    category: str
    category_href: str
    city: str
    country: str
    description: Markup
    logo_href: str | None
    reasons: tuple[ReasonView, ...]
    imitates_name: str | None
    imitates_href: str | None


class Language:
    """Everything language-specific a page needs: gettext and formatters."""

    def __init__(self, code: str, fallback: str | None = None) -> None:
        """``fallback``: the site's default language, for messages ``code``'s catalogue lacks."""
        self.code = code
        self.catalogue = translations(code, fallback)
        self.gettext = self.catalogue.gettext
        self.ngettext = self.catalogue.ngettext

    def date(self, iso: str) -> str:
        return format_date(iso, self.code)

    @cached_property
    def badges(self) -> dict[Tier, BadgeView]:
        labels = {Tier.VERIFIED: self.gettext("Verified"), Tier.CONFIRMED: self.gettext("Confirmed"),
                  Tier.UNVERIFIED: self.gettext("Unverified")}
        return {tier: BadgeView(tier.value, labels[tier], TIER_ICONS[tier]) for tier in TIER_ORDER}


def business_view(listed: Listed, language: Language, detailed: bool = True) -> BusinessView:
    """The view of one business; listings pass ``detailed=False`` to skip Markdown and reasons."""
    business, decision = listed.business, listed.decision
    gettext = language.gettext
    description = business.description
    if not isinstance(description, str):
        description = description.get(language.code) or next(iter(description.values()), "")
    imitates = listed.imitates
    return BusinessView(
        id=business.id, name=business.name, href=f"b/{business.id}/index.html", path=business_path(business.id),
        badge=language.badges[decision.tier], number=business.whatsapp_display, e164=business.whatsapp,
        chat_url=f"https://wa.me/{phones.wa_me_digits(business.whatsapp)}", website=business.website,
        email=business.email, address=business.address, category=business.category,
        category_href=f"category/{listed.category_slug}/index.html" if listed.category_slug else "",
        city=business.city, country=business.country,
        description=render_markdown(description) if description and detailed else Markup(""),
        logo_href=f"static/logos/{listed.logo.filename}" if listed.logo else None,
        reasons=tuple(ReasonView(reason_text(r, gettext, language.date, numbers_shown(business)), str(r.source) if r.source else "")
                      for r in decision.reasons) if detailed else (),
        imitates_name=imitates.name if imitates else None,
        imitates_href=f"b/{imitates.id}/index.html" if imitates else None,
    )


@dataclass(frozen=True, slots=True)
class CategoryView:
    slug: str
    name: str
    count: int
    href: str


def category_views(site: Site) -> tuple[CategoryView, ...]:
    return tuple(CategoryView(c.slug, c.name, len(c.ids), f"category/{c.slug}/index.html") for c in site.categories)


def cities(site: Site) -> tuple[str, ...]:
    from ..read.slugs import fold

    return tuple(sorted({l.business.city for l in site.entries.values() if l.business.city}, key=lambda c: (fold(c), c)))
