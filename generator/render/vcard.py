"""``b/<id>/contact.vcf``: a business as a contact card (vCard 4.0, RFC 6350).

Saving a business's number yourself is how a visitor stays in control: the
chat then shows the name the visitor saved, not one the sender chose.  So
the card carries the badge it had in this directory, and a business that is
not even confirmed is saved under a name that says so — an impostor should
not become a trusted-looking contact in someone's phone.
"""

from __future__ import annotations

import re

from ..decide.site import Listed, Site
from ..decide.tiers import Tier
from .views import Language, business_path

MAX_LINE_OCTETS = 75  # RFC 6350 3.2: longer content lines SHOULD be folded
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f]")  # control characters but the tab, which TEXT may hold
_NOT_IN_URI = re.compile("[\x00-\x20]")  # spaces and control characters, percent-encoded


def contact_card(site: Site, listed: Listed, language: Language) -> str:
    """The vCard text in ``language`` (the site's first), CRLF line endings, folded at 75 octets."""
    business = listed.business
    badge = language.badges[listed.decision.tier]
    name = business.name
    if listed.decision.tier is Tier.UNVERIFIED:
        name = f"{name} ({badge.label})"
    note = language.gettext("Badge in %(directory)s on %(date)s: %(tier)s.") % {
        "directory": site.config.title, "date": language.date(site.as_of.isoformat()), "tier": badge.label}
    if site.config.base_url:
        note += " " + language.gettext("Check it at %(url)s") % {"url": site.config.base_url + business_path(business.id)}
    lines = ["BEGIN:VCARD", "VERSION:4.0", "KIND:org", f"FN:{escape_text(name)}", f"ORG:{escape_text(business.name)}",
             f"TEL;VALUE=uri;TYPE=\"voice,cell\":tel:{business.whatsapp}"]
    if business.website:
        lines.append(f"URL:{_uri(business.website)}")
    if business.email:
        lines.append(f"EMAIL:{escape_text(business.email)}")
    lines += [f"NOTE:{escape_text(note)}", "END:VCARD"]
    return "".join(fold(line) + "\r\n" for line in lines)


def escape_text(value: str) -> str:
    """RFC 6350 3.4: backslash, comma and semicolon are escaped, line breaks become ``\\n``."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    value = value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    return _CONTROLS.sub("", value)


def _uri(value: str) -> str:
    """A URI value is not TEXT (no backslash escapes), but must still stay on its line."""
    return _NOT_IN_URI.sub(lambda found: f"%{ord(found.group()):02X}", value)


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces, never inside a UTF-8 character."""
    if len(line) * 4 <= MAX_LINE_OCTETS:
        return line
    data = line.encode("utf-8")
    pieces, start, limit = [], 0, MAX_LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: cut before its character instead
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, MAX_LINE_OCTETS - 1  # continuations start with a space
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8")
