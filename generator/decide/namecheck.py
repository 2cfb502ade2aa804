"""Names may not wear a badge they have not earned.

A tick in a name, or the word "verified" in the name of a business that is
not, is a forged badge written in text.  The same holds for the category and
city, which listings print right beside the badge.  Checked after tiers are decided,
since the words are fine on a business that does hold that tier.

People who want to forge a badge write around a plain word match, so the
words are looked for in the name's confusable skeleton too (``Vеrified``
with a Cyrillic ``е``, ``verıfıed`` with dotless ``ı``), with letters spaced
out joined again (``V e r i f i e d``, ``V.E.R.I.F.I.E.D``), and inside run-
together words (``IberiaVerified``).  A negated word (``unverified``) is no
claim.
"""

from __future__ import annotations

import re
from functools import lru_cache
import unicodedata

from .impostors import skeleton
from ..model import Business
from ..read.slugs import fold
from .tiers import Tier

# Check marks, ballot boxes and badge-like symbols people paste into names.
# Every character Unicode names a CHECK MARK or a BALLOT BOX WITH a mark is here.
_TICKS = re.compile(
    "[\u2713\u2714\u2705\u2611\u2612\u2610\u221a\u237b\u2bbd\u2122\u00ae\u272a\u2605\u2606\u2b50\u2022"
    "\U00010102\U0001f5f3\U0001f5f5\U0001f5f7\U0001f5f8\U0001f5f9\U0001fbb1\U0001f197\U0001f6e1"
    "\U0001f535\U0001f7e2\U0001f7e9]")
_CLAIM_FORMS: dict[Tier, tuple[str, str]] = {  # (every form, the English one)
    Tier.VERIFIED: (r"verified|verificad[oa]s?|verificat|verifiee?s?", "verified"),
    Tier.CONFIRMED: (r"confirmed|confirmad[oa]s?|confirmat|confirmee?s?", "confirmed"),
}
# A whole word; the end of a run-together word unless negated ("IberiaVerified",
# not "unverified"); or a word starting with the English form ("VerifiedIberia").
_CLAIMS: dict[Tier, re.Pattern[str]] = {
    tier: re.compile(rf"(?<!un)(?<!non)(?<!no)(?<!in)(?:{forms})$|^{english}")
    for tier, (forms, english) in _CLAIM_FORMS.items()
}


def badge_claims(business: Business, tier: Tier) -> list[tuple[str, str]]:
    """``(field, why)`` for each text shown beside the badge that claims one: the name, and the
    category and city a listing prints right after the badge."""
    found = []
    for field, text, what in (("name", business.name, "names"), ("category", business.category, "categories"),
                              ("city", business.city, "cities")):
        claim = badge_claim_in_name(text, tier, what) if text else None
        if claim:
            found.append((field, claim))
    return found


@lru_cache(maxsize=1 << 14)  # categories and cities repeat across thousands of businesses
def badge_claim_in_name(name: str, tier: Tier, what: str = "names") -> str | None:
    """Why ``name`` may not be used by a business of ``tier``, or None."""
    for text in (name, unicodedata.normalize("NFKC", name), skeleton(name)):
        found = _TICKS.search(text)
        if found:
            return f"'{name}' contains '{name[found.start()] if text is name else found.group()}', which looks like a badge; remove it"
    for word in _words(name):
        for claimed, pattern in _CLAIMS.items():
            said = pattern.search(word)
            if said and not _holds(tier, claimed):
                return f"'{name}' says '{said.group()}' but the business is {tier.value}; {what} may not claim a badge"
    return None


def _words(name: str) -> list[str]:
    """The name's letter runs, folded, as written and as their skeleton; spaced-out letters joined."""
    words: list[str] = []
    folded = fold(name)
    for text in (folded, fold(skeleton(folded))):
        runs = re.findall(r"[^\W\d_]+", text)
        words += runs
        single: list[str] = []
        for run in runs + [""]:
            if len(run) == 1:
                single.append(run)
                continue
            if len(single) > 1:
                words.append("".join(single))
            single = []
    return words


def _holds(tier: Tier, claimed: Tier) -> bool:
    return tier is Tier.VERIFIED or tier is claimed
