"""The tier rules — the heart of the directory — in one pure function.

Read this next to the FAQ page "What the badges mean":

* **confirmed** — the account's number (E.164) is one of the phones the
  company register lists for the company the business names.
* **verified** — confirmed, *and* a verification record of the directory
  operator names this business and this exact number, is current
  (``verified_on <= as_of < expires``) and not revoked, *and* the business
  has a logo to show beside the green badge.
* **unverified** — everything else: the business merely has an account.

A business never declares its tier.  Every decision keeps its reasons, each
pointing at the file and line of the evidence, so a visitor (on the page's
"Why this badge?") and the operator (``badgedir explain``) can check it.
No I/O, no templates: this module only decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..model import Business, RegisterEntry, Source, Verification


class Tier(StrEnum):
    VERIFIED = "verified"
    CONFIRMED = "confirmed"
    UNVERIFIED = "unverified"


TIER_ORDER: tuple[Tier, ...] = (Tier.VERIFIED, Tier.CONFIRMED, Tier.UNVERIFIED)


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence, or its absence.

    ``code`` selects a sentence in :mod:`generator.reasons`; ``params`` fill
    it.  ``warning`` marks reasons the operator should act on (an expired
    record, say); the build prints those.
    """

    code: str
    source: Source | None
    params: tuple[tuple[str, str], ...] = ()
    warning: bool = False

    def param(self, name: str) -> str:
        return dict(self.params)[name]


@dataclass(frozen=True, slots=True)
class TierDecision:
    business_id: str
    tier: Tier
    reasons: tuple[Reason, ...]
    verification: Verification | None  # the record that counted, if any


_NO_VERIFICATION = Reason("no_verification", None)  # most businesses' reason: one value for all of them


def decide_tier(business: Business, entry: RegisterEntry | None,
                records: Sequence[Verification], as_of: date) -> TierDecision:
    """Decide one business's tier from the register entry it names and the records about it."""
    register_reason, confirmed = _register_evidence(business, entry)
    reasons = [register_reason]
    current: list[Verification] = []
    for record in sorted(records, key=lambda r: r.source):
        problem = _why_record_does_not_count(record, business, as_of)
        if problem:
            reasons.append(problem)
        else:
            current.append(record)
    counting = max(current, key=lambda r: (r.verified_on, r.expires, r.source), default=None)
    for record in current:
        if record is not counting:
            reasons.append(Reason("verification_superseded", record.source,
                                  (("verified_on", record.verified_on.isoformat()),)))
    if counting is None:
        if not records:
            reasons.append(_NO_VERIFICATION)
        return TierDecision(business.id, Tier.CONFIRMED if confirmed else Tier.UNVERIFIED, tuple(reasons), None)
    dates = (("verified_on", counting.verified_on.isoformat()), ("expires", counting.expires.isoformat()),
             ("method", counting.method))
    if not confirmed:
        reasons.append(Reason("verification_not_confirmed", counting.source, dates, warning=True))
        return TierDecision(business.id, Tier.UNVERIFIED, tuple(reasons), None)
    if business.logo is None:
        reasons.append(Reason("verification_no_logo", counting.source, dates, warning=True))
        return TierDecision(business.id, Tier.CONFIRMED, tuple(reasons), None)
    reasons.append(Reason("verification_current", counting.source, dates))
    return TierDecision(business.id, Tier.VERIFIED, tuple(reasons), counting)


def _register_evidence(business: Business, entry: RegisterEntry | None) -> tuple[Reason, bool]:
    number = (("number", business.whatsapp),)
    if business.company_id is None:
        return Reason("register_no_company", business.source, number), False
    company = (("company_id", business.company_id),)
    if entry is None:
        return Reason("register_company_unknown", business.source, number + company, warning=True), False
    named = number + company + (("legal_name", entry.legal_name),)
    for phone in entry.phones:
        if phone.e164 == business.whatsapp:
            return Reason("register_match", phone.source, named), True
    return Reason("register_number_not_listed", entry.source, named), False


def _why_record_does_not_count(record: Verification, business: Business, as_of: date) -> Reason | None:
    if record.whatsapp != business.whatsapp:
        return Reason("verification_other_number", record.source, (("number", record.whatsapp),), warning=True)
    if record.revoked:
        return Reason("verification_revoked", record.source, (("verified_on", record.verified_on.isoformat()),),
                      warning=True)
    if as_of < record.verified_on:
        return Reason("verification_not_yet_valid", record.source,
                      (("verified_on", record.verified_on.isoformat()),), warning=True)
    if as_of >= record.expires:
        return Reason("verification_expired", record.source, (("expires", record.expires.isoformat()),),
                      warning=True)
    return None
