"""The tier changes the feed reports, the same on any machine given the same previous copy.

Two sources, because the evidence dates only some changes:

* **From the evidence's own dates**: a verification starts on ``verified_on``, ends on
  ``expires`` or ``revoked_on``.  Tiers are replayed on each such date inside the window
  with today's evidence, so a fresh CI runner and a laptop find the same events.
* **From the previous published copy** (``--previous``): what no file dates — a business
  added, removed, renamed or renumbered, a register change (confirmed or no longer), a
  ``revoked: true`` without ``revoked_on``, a logo that made a business verified.  Its
  ``api/feed-state.json`` holds each business's name, number, tier and confirmation;
  a difference with today's is dated the as-of date of this build.  Its
  ``api/changes.json`` carries the earlier events, so an entry never disappears
  inside its window because the evidence behind it was edited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..model import Verification
from ..decide.site import Listed, Site
from ..decide.tiers import Tier

KINDS = ("verified", "verification_expired", "verification_revoked", "verification_ended",
         "confirmed", "unconfirmed", "added", "removed", "renamed", "renumbered")


@dataclass(frozen=True, slots=True, order=True)
class Snapshot:
    """What the feed compares of a business from one build to the next."""

    name: str
    whatsapp: str
    tier: str
    confirmed: bool


@dataclass(frozen=True, slots=True)
class Change:
    date: date
    kind: str
    business: str
    name: str
    whatsapp: str
    tier: str  # after the change ("" once removed)
    previous: tuple[tuple[str, str], ...] = ()  # e.g. (("name", "Old name"),)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.date.isoformat(), self.business, self.kind)

    def record(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "type": self.kind, "business": self.business, "name": self.name,
                "whatsapp": self.whatsapp, "tier": self.tier or None,
                "url": None if self.kind == "removed" else f"b/{self.business}/",
                **({"previous": dict(self.previous)} if self.previous else {})}


@dataclass(frozen=True, slots=True)
class Previous:
    """What the previous published copy says, once its signature and hashes checked."""

    as_of: date
    state: Mapping[str, Snapshot]
    changes: tuple[Change, ...]


def snapshot(site: Site) -> dict[str, Snapshot]:
    return {i: Snapshot(listed.business.name, listed.business.whatsapp, listed.decision.tier.value, _confirmed(listed))
            for i, listed in site.entries.items()}


def changes(site: Site, previous: Previous | None) -> list[Change]:
    """Every change inside the window, newest first."""
    start = site.as_of - timedelta(days=site.config.changes_days)  # exclusive
    found: dict[tuple[str, str, str], Change] = {}
    for change in previous.changes if previous else ():
        if start < change.date <= site.as_of:
            found[change.key] = change
    dated = [c for i, listed in site.entries.items() for c in _evidence_changes(listed, site.records.get(i, ()), start, site.as_of)]
    for change in dated:
        found.setdefault(change.key, change)
    if previous is not None and start < site.as_of and previous.as_of < site.as_of:
        explained = {(c.business, c.kind) for c in dated if previous.as_of < c.date}
        for change in _state_changes(site, previous, explained):
            found.setdefault(change.key, change)
    return sorted(found.values(), key=lambda c: (-c.date.toordinal(), c.business, KINDS.index(c.kind)))


def _confirmed(listed: Listed) -> bool:
    return listed.decision.reasons[0].code == "register_match"


def _verified_at(listed: Listed, records: Iterable[Verification], day: date) -> bool:
    """``decide_tier``'s rule for verified, at another date, with the same register and logo."""
    business = listed.business
    if not _confirmed(listed) or business.logo is None:
        return False
    return any(r.whatsapp == business.whatsapp and r.verified_on <= day < r.expires and not r.revoked_as_of(day)
               for r in records)


def _evidence_changes(listed: Listed, records: tuple[Verification, ...], start: date, as_of: date) -> list[Change]:
    if not records or not _confirmed(listed) or listed.business.logo is None:
        return []
    days = sorted({d for r in records for d in (r.verified_on, r.expires, r.revoked_on) if d and start < d <= as_of})
    found = []
    business = listed.business
    for day in days:
        before, after = _verified_at(listed, records, day - timedelta(days=1)), _verified_at(listed, records, day)
        if before == after:
            continue
        if after:
            kind, tier = "verified", Tier.VERIFIED.value
        else:
            revoked = any(r.revoked_on == day for r in records)
            kind, tier = ("verification_revoked" if revoked else "verification_expired"), Tier.CONFIRMED.value
        found.append(Change(day, kind, business.id, business.name, business.whatsapp, tier))
    return found


def _state_changes(site: Site, previous: Previous, explained: set[tuple[str, str]]) -> list[Change]:
    """What changed since the previous copy that no date in the evidence accounts for, dated today."""
    today, now, found = site.as_of, snapshot(site), []
    for business_id in sorted(previous.state.keys() | now.keys()):
        old, new = previous.state.get(business_id), now.get(business_id)

        def change(kind: str, snap: Snapshot, **was: str) -> None:
            found.append(Change(today, kind, business_id, snap.name, snap.whatsapp,
                                "" if kind == "removed" else snap.tier, tuple(sorted(was.items()))))

        if old is None:
            change("added", new)  # type: ignore[arg-type]
            continue
        if new is None:
            change("removed", old)
            continue
        if old.name != new.name:
            change("renamed", new, name=old.name)
        if old.whatsapp != new.whatsapp:
            change("renumbered", new, whatsapp=old.whatsapp)
        if old.confirmed != new.confirmed:
            change("confirmed" if new.confirmed else "unconfirmed", new)
        was_verified, is_verified = old.tier == Tier.VERIFIED.value, new.tier == Tier.VERIFIED.value
        if was_verified == is_verified:
            continue
        listed, records = site.entries[business_id], site.records.get(business_id, ())
        if _verified_at(listed, records, previous.as_of) != was_verified or old.whatsapp != new.whatsapp:
            if is_verified and (business_id, "verified") not in explained:
                change("verified", new)
            elif not is_verified and not explained & {(business_id, "verification_revoked"), (business_id, "verification_expired")}:
                if any(r.revoked and r.revoked_on is None and r.whatsapp == new.whatsapp for r in records):
                    change("verification_revoked", new)
                elif old.confirmed == new.confirmed:  # a lost confirmation already says why
                    change("verification_ended", new)
    return found


def read_state(value: Any) -> dict[str, Snapshot] | None:
    """``api/feed-state.json`` as published (``{"businesses": {id: [name, whatsapp, tier, confirmed]}}``)."""
    try:
        return {str(i): Snapshot(str(v[0]), str(v[1]), str(v[2]), bool(v[3])) for i, v in value["businesses"].items()}
    except (TypeError, KeyError, IndexError, AttributeError):
        return None


def read_changes(value: Any) -> tuple[Change, ...] | None:
    """The ``changes`` of ``api/changes.json`` as published; ``None`` if it is not that shape."""
    try:
        found = []
        for item in value["changes"]:
            if item["type"] not in KINDS:
                continue
            previous = tuple(sorted((str(k), str(v)) for k, v in (item.get("previous") or {}).items()))
            found.append(Change(date.fromisoformat(item["date"]), item["type"], str(item["business"]), str(item["name"]),
                                str(item.get("whatsapp") or ""), str(item.get("tier") or ""), previous))
        return tuple(found)
    except (TypeError, KeyError, ValueError, AttributeError):
        return None
