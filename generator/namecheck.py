"""Names may not wear a badge they have not earned.

A tick in a name, or the word "verified" in the name of a business that is
not, is a forged badge written in text.  Checked after tiers are decided,
since the words are fine on a business that does hold that tier.
"""

from __future__ import annotations

import re

from .slugs import fold
from .tiers import Tier

# Check marks, ballot boxes and badge-like symbols people paste into names.
_TICKS = re.compile("[\u2713\u2714\u2705\u2611\u2612\u2610\u221a\U0001f5f8\u2714\ufe0f\U0001f197\u2122\u00ae\U0001f6e1\u272a\u2605\u2606\u2b50\U0001f535\U0001f7e2\U0001f7e9\u2022]")
_CLAIMS: dict[Tier, re.Pattern[str]] = {
    Tier.VERIFIED: re.compile(r"\b(verified|verificad[oa]s?|verificat|verifie[e]?s?)\b"),
    Tier.CONFIRMED: re.compile(r"\b(confirmed|confirmad[oa]s?|confirmat|confirme[e]?s?)\b"),
}


def badge_claim_in_name(name: str, tier: Tier) -> str | None:
    found = _TICKS.search(name)
    if found:
        return f"'{name}' contains '{found.group()}', which looks like a badge; remove it"
    folded = fold(name)
    for claimed, pattern in _CLAIMS.items():
        word = pattern.search(folded)
        if word and not _holds(tier, claimed):
            return f"'{name}' says '{word.group()}' but the business is {tier.value}; names may not claim a badge"
    return None


def _holds(tier: Tier, claimed: Tier) -> bool:
    return tier is Tier.VERIFIED or tier is claimed
