"""``b/<id>/badge.svg``: a business's badge for its own website, like a README badge.

A company can show its tier on its site, and the copy-paste snippet links
the image back to the business page here, so a visitor can check the claim
at the source (the snippet cannot vouch for itself; this directory can).
The SVG is self-contained — no fonts, images or scripts to fetch — and
shows the tier three ways besides colour: its icon, its text label and its
outline (solid, or dashed for unverified).  Every text a business wrote is
XML-escaped.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from ..decide.site import Listed, Site
from ..decide.tiers import Tier
from .views import Language, business_path

HEIGHT = 20
PAD = 6
ICON = 12  # diameter of the tier icon
MAX_TITLE = 40  # characters of the directory's title shown on the left
FONT = "Verdana,DejaVu Sans,Geneva,sans-serif"
LEFT_BG, LEFT_INK = "#3c434a", "#ffffff"
# tier → (background, text, icon disc, icon mark, dashed outline?)
STYLES = {
    Tier.VERIFIED: ("#0b6b2f", "#ffffff", "#ffffff", "#0b6b2f", False),
    Tier.CONFIRMED: ("#eceeef", "#1d2327", "#3c434a", "#ffffff", False),
    Tier.UNVERIFIED: ("#ffffff", "#1d2327", "#3c434a", "#ffffff", True),
}


@dataclass(frozen=True, slots=True)
class EmbedView:
    """What a business page shows about its embeddable badge and contact card."""

    badge_href: str  # from the site root
    contact_href: str  # from the site root
    width: int
    height: int
    alt: str
    svg: Markup  # the badge itself, to show inline (the page shows no <img> but a verified logo)
    snippet: str | None  # the HTML to copy; None without a base_url (it needs absolute URLs)


def badge_text(site: Site, listed: Listed, language: Language) -> str:
    """The badge's accessible name: whose badge, which tier, in which directory."""
    return language.gettext("%(name)s: %(tier)s in %(directory)s") % {
        "name": listed.business.name, "tier": language.badges[listed.decision.tier].label,
        "directory": site.config.title}


def embed_view(site: Site, listed: Listed, language: Language) -> EmbedView:
    """The badge preview and snippet for a business page (the badge is in the site's first language)."""
    first = language if language.code == site.config.languages[0] else _language(site.config.languages[0])
    path = business_path(listed.business.id)
    width = _layout(_short_title(site.config.title), first.badges[listed.decision.tier].label)[0]
    alt = badge_text(site, listed, first)
    snippet = None
    base = site.config.base_url
    if base:
        snippet = (f'<a href="{html.escape(base + path)}"><img src="{html.escape(base + path)}badge.svg" '
                   f'alt="{html.escape(alt)}" width="{width}" height="{HEIGHT}"></a>')
    svg = Markup(badge_svg(site, listed, first).removesuffix("\n"))  # built from escaped text only
    return EmbedView(f"{path}badge.svg", f"{path}contact.vcf", width, HEIGHT, alt, svg, snippet)


def badge_svg(site: Site, listed: Listed, language: Language) -> str:
    tier = listed.decision.tier
    before_name, between_names, after_name = _badge_frame(_short_title(site.config.title), language.badges[tier].label, tier)
    name = badge_text(site, listed, language)
    return before_name + quoteattr(name) + between_names + escape(name) + after_name


@lru_cache(maxsize=64)
def _badge_frame(title: str, label: str, tier: Tier) -> tuple[str, str, str]:
    """The SVG around the badge's name, which is all that differs between businesses of one tier."""
    width, left, right = _layout(title, label)
    background, ink, disc, mark, dashed = STYLES[tier]
    cx, text_y = left + PAD + ICON / 2, 14
    outline = (f'<rect x="{left + .75}" y=".75" width="{right - 1.5}" height="{HEIGHT - 1.5}" rx="3" fill="none" '
               f'stroke="{LEFT_BG}" stroke-width="1.5" stroke-dasharray="3 2"/>\n' if dashed else "")
    if tier is Tier.UNVERIFIED:
        icon = (f'<circle cx="{cx}" cy="10" r="{ICON / 2}" fill="{disc}"/>'
                f'<text x="{cx}" y="13.5" fill="{mark}" font-size="10" font-weight="bold" text-anchor="middle">?</text>')
    else:
        icon = (f'<circle cx="{cx}" cy="10" r="{ICON / 2}" fill="{disc}"/>'
                f'<path d="M{cx - 3} 10.2l2.2 2.2 4-4.4" fill="none" stroke="{mark}" stroke-width="1.7" '
                f'stroke-linecap="round" stroke-linejoin="round"/>')
    label_x = left + PAD + ICON + 4
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}" '
        f'role="img" aria-label=',
        '>\n<title>',
        f'</title>\n'
        f'<clipPath id="badgedir-badge-clip"><rect width="{width}" height="{HEIGHT}" rx="4"/></clipPath>\n'
        f'<g clip-path="url(#badgedir-badge-clip)"><rect width="{left}" height="{HEIGHT}" fill="{LEFT_BG}"/>'
        f'<rect x="{left}" width="{right}" height="{HEIGHT}" fill="{background}"/></g>\n'
        f'{outline}'
        f'<g font-family="{FONT}" font-size="11">\n'
        f'<text x="{PAD}" y="{text_y}" fill="{LEFT_INK}" textLength="{left - 2 * PAD}" '
        f'lengthAdjust="spacingAndGlyphs">{escape(title)}</text>\n'
        f'{icon}\n'
        f'<text x="{label_x}" y="{text_y}" fill="{ink}" font-weight="bold" textLength="{right - 2 * PAD - ICON - 4}" '
        f'lengthAdjust="spacingAndGlyphs">{escape(label)}</text>\n'
        f'</g>\n</svg>\n',
    )


@lru_cache(maxsize=16)
def _language(code: str) -> Language:
    return Language(code)


def _short_title(title: str) -> str:
    return title if len(title) <= MAX_TITLE else title[:MAX_TITLE - 1].rstrip() + "…"


@lru_cache(maxsize=64)
def _layout(title: str, label: str) -> tuple[int, int, int]:
    """Total width, left part and right part, in pixels."""
    left = round(text_width(title)) + 2 * PAD
    right = PAD + ICON + 4 + round(text_width(label, bold=True)) + PAD
    return left + right, left, right


def text_width(text: str, bold: bool = False) -> float:
    """An estimate of the width of ``text`` at 11 px; ``textLength`` makes the glyphs fit it exactly."""
    total = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            total += 11
        elif char in "ijl.,:;!|'·":
            total += 3.2
        elif char in " frt()[]-/":
            total += 4.4
        elif char in "mwMW@":
            total += 10
        elif char.isupper() or char.isdigit():
            total += 7.4
        else:
            total += 6.6
    return total * (1.08 if bold else 1)
