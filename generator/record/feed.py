"""The feed files: ``changes.xml`` (Atom 1.0, RFC 4287) in each language, ``api/changes.json``
for programs, and ``api/feed-state.json``, what the next build compares against.

Entry ids are stable (a UUID from the site, language, date, business and kind),
so a reader never sees an entry twice; ``updated`` is the change's date, and the
feed's is its newest entry's (an empty feed's, the last evidence date), so the
files change only when an entry comes or leaves, not every day.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from ..render.pages import language_prefix
from ..decide.reasons import N_
from ..decide.site import Site
from ..decide.tiers import Tier
from ..render.views import Language, business_path
from .changes import Change, snapshot

FEED = "changes.xml"
CHANGES_JSON = "api/changes.json"
STATE_JSON = "api/feed-state.json"

TITLES = {
    "verified": N_("%(name)s is now verified"),
    "verification_expired": N_("%(name)s: its verification expired"),
    "verification_revoked": N_("%(name)s: its verification was revoked"),
    "verification_ended": N_("%(name)s is no longer verified"),
    "confirmed": N_("%(name)s is now confirmed by the company register"),
    "unconfirmed": N_("%(name)s is no longer confirmed by the company register"),
    "added": N_("%(name)s was added to the directory"),
    "removed": N_("%(name)s was removed from the directory"),
    "renamed": N_("%(previous)s is now called %(name)s"),
    "renumbered": N_("%(name)s now uses the number %(number)s"),
}


def feed_files(site: Site, found: list[Change]) -> dict[str, bytes]:
    """Every feed file by output path."""
    files = {f"{language_prefix(site, lang)}{FEED}": atom(site, found, lang).encode("utf-8")
             for lang in site.config.languages}
    files[CHANGES_JSON] = changes_json(site, found)
    files[STATE_JSON] = state_json(site)
    return files


def changes_json(site: Site, found: list[Change]) -> bytes:
    body = {"window_days": site.config.changes_days, "changes": [c.record() for c in found]}
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def state_json(site: Site) -> bytes:
    """One business a line; no date in it, so it changes only when a business does."""
    lines = [f"  {json.dumps(i, ensure_ascii=False)}: {json.dumps([s.name, s.whatsapp, s.tier, s.confirmed], ensure_ascii=False)}"
             for i, s in sorted(snapshot(site).items())]
    return ('{\n "businesses": {\n' + ",\n".join(lines) + ("\n" if lines else "") + " }\n}\n").encode("utf-8")


def atom(site: Site, found: list[Change], lang: str) -> str:
    language = Language(lang, site.config.languages[0])
    _ = language.gettext
    base = site.config.base_url
    prefix = language_prefix(site, lang)
    feed_url = f"{base}{prefix}{FEED}" if base else None
    seed = base or site.config.title
    title = _("Badge changes in %(directory)s") % {"directory": site.config.title}
    updated = found[0].date if found else _last_evidence_date(site)
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(lang)}>',
             f"  <id>{escape(feed_url or _uuid(seed, lang))}</id>",
             f"  <title>{escape(title)}</title>",
             f"  <updated>{updated.isoformat()}T00:00:00Z</updated>",
             f"  <author><name>{escape(site.config.title)}</name>{f'<uri>{escape(base)}</uri>' if base else ''}</author>",
             f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr((base or '') + prefix + 'index.html' if base else 'index.html')}/>"]
    if feed_url:
        lines.append(f'  <link rel="self" type="application/atom+xml" href={quoteattr(feed_url)}/>')
    badges = language.badges
    for change in found:
        values = {"name": change.name, "previous": dict(change.previous).get("name", ""),
                  "number": change.whatsapp}
        href = "index.html" if change.kind == "removed" else business_path(change.business)
        href = f"{base}{prefix}{href}" if base else href
        summary = (_("Badge now: %(tier)s.") % {"tier": badges[Tier(change.tier)].label}) if change.tier else \
            _("No longer listed.")
        lines += ["  <entry>",
                  f"    <id>{_uuid(seed, lang, *change.key)}</id>",
                  f"    <title>{escape(_(TITLES[change.kind]) % values)}</title>",
                  f"    <updated>{change.date.isoformat()}T00:00:00Z</updated>",
                  f'    <link rel="alternate" type="text/html" href={quoteattr(href)}/>',
                  f'    <category term={quoteattr(change.kind)}/>',
                  f"    <summary>{escape(summary)}</summary>",
                  "  </entry>"]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _last_evidence_date(site: Site) -> date:
    """An empty feed's ``updated``: the last evidence date up to as-of (not as-of, which would rewrite it daily)."""
    dates = [d for records in site.records.values() for r in records for d in (r.verified_on, r.expires, r.revoked_on)
             if d and d <= site.as_of]
    return max(dates, default=date(1970, 1, 1))


def _uuid(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'badgedir:' + chr(0).join(parts))}"
