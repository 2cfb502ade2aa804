"""Stage 3: decide every tier and arrange the directory as visitors will see it.

Takes the checked :class:`~generator.model.Content` and returns a
:class:`Site`: each business with its :class:`~generator.tiers.TierDecision`,
the A–Z order, categories and tier groups.  The rules that depend on a
decided tier (a name that claims a badge it has not earned, a look-alike of
a verified business) run here too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ..diagnostics import ContentError, ContentWarning, Diagnostic
from .impostors import Resemblance
from ..model import Business, Content, FaqPage, Logo, RegisterEntry, SiteConfig, Verification
from ..pickling import pickled_by_fields
from .namecheck import badge_claims
from ..engine.executors import Executor, LocalExecutor
from ..engine.parallel import POOL_FROM, Work
from ..read.slugs import fold, slugify
from .tiers import TIER_ORDER, Reason, Tier, TierDecision, decide_tier


@dataclass(frozen=True, slots=True)
class Listed:
    """A business as the directory shows it."""

    business: Business
    decision: TierDecision
    logo: Logo | None  # only ever set for verified businesses
    imitates: Business | None  # the verified business whose name this one resembles
    category_slug: str


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    name: str
    ids: tuple[str, ...]  # A–Z


@dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    as_of: date
    entries: Mapping[str, Listed]  # by id, sorted by id
    alphabetical: tuple[str, ...]
    categories: tuple[Category, ...]
    tiers: Mapping[Tier, tuple[str, ...]]
    faq: tuple[FaqPage, ...]
    # each listed business's verification records (sorted by source), for the feed's replay of tiers
    # by date (record/changes.py)
    records: Mapping[str, tuple[Verification, ...]] = field(default_factory=dict)

    def tier_counts(self) -> dict[str, int]:
        return {tier.value: len(self.tiers[tier]) for tier in TIER_ORDER}


pickled_by_fields(Reason, TierDecision, Listed, Category, Site)  # tiers.py stays pure: registered here


def assemble_site(content: Content, as_of: date, jobs: int = 1,
                  executor: Executor | None = None) -> tuple[Site | None, list[Diagnostic]]:
    """The site, or None with the errors a decided tier brings; the name checks run on ``executor``
    (default: ``jobs`` forked processes of this machine)."""
    records = defaultdict(list)
    for record in content.verifications:
        records[record.business].append(record)
    decisions = {
        b.id: decide_tier(b, content.register.get(b.company_id) if b.company_id else None, records[b.id], as_of)
        for b in content.businesses
    }
    verified = [b for b in content.businesses if decisions[b.id].tier is Tier.VERIFIED]
    diagnostics, imitations = _check_names(content.businesses, decisions, Resemblance(verified),
                                           executor or LocalExecutor(jobs))
    if any(d.level == "error" for d in diagnostics):
        return None, diagnostics
    by_id = {b.id: b for b in content.businesses}
    diagnostics += [impostor_warning(by_id[business_id], original) for business_id, original in sorted(imitations.items())]
    category_names: dict[str, str] = {}
    for business in content.businesses:
        if business.category:
            category_names.setdefault(slugify(business.category), business.category)
    entries = {
        b.id: Listed(b, decisions[b.id], content.logos.get(b.id) if decisions[b.id].tier is Tier.VERIFIED else None,
                     imitations.get(b.id), slugify(b.category) if b.category else "")
        for b in content.businesses
    }
    alphabetical = tuple(sorted(entries, key=lambda i: (fold(entries[i].business.name), i)))
    members: dict[str, list[str]] = defaultdict(list)
    tiers: dict[Tier, list[str]] = {tier: [] for tier in TIER_ORDER}
    for business_id in alphabetical:
        listed = entries[business_id]
        if listed.category_slug:
            members[listed.category_slug].append(business_id)
        tiers[listed.decision.tier].append(business_id)
    categories = tuple(Category(slug, category_names[slug], tuple(ids))
                       for slug, ids in sorted(members.items(), key=lambda kv: fold(category_names[kv[0]])))
    return Site(content.site, as_of, entries, alphabetical, categories,
                {tier: tuple(ids) for tier, ids in tiers.items()}, content.faq,
                {b.id: tuple(sorted(records[b.id], key=lambda r: r.source)) for b in content.businesses
                 if records[b.id]}), diagnostics


def _check_names(businesses: tuple[Business, ...], decisions: Mapping[str, TierDecision], resemblance: Resemblance,
                 executor: Executor) -> tuple[list[Diagnostic], dict[str, Business]]:
    """Each business's diagnostics (a badge its name claims) and the verified business it looks like.

    Business by business, and most of deciding tiers (4 s of 6 at 100,000
    businesses, on one core): with ``jobs > 1`` forked workers share it.  They
    inherit the businesses, decisions and index (a Dask worker receives them
    once, not per piece), and send back diagnostics and ids.
    """
    shared = (businesses, decisions, resemblance)
    jobs = executor.jobs
    if jobs <= 1 or len(businesses) < POOL_FROM:
        return _names_in(shared, (0, len(businesses)))
    size = -(-len(businesses) // (jobs * 4))
    work = [Work(_names_in_by_id, (start, start + size)) for start in range(0, len(businesses), size)]
    verified = {b.id: b for b in resemblance.verified}
    diagnostics: list[Diagnostic] = []
    imitations: dict[str, Business] = {}
    for found, pairs in executor.run(work, shared):
        diagnostics += found
        imitations.update((business_id, verified[original_id]) for business_id, original_id in pairs)
    return diagnostics, imitations


_Shared = tuple[tuple[Business, ...], Mapping[str, TierDecision], Resemblance]


def _names_in(shared: _Shared, span: tuple[int, int]) -> tuple[list[Diagnostic], dict[str, Business]]:
    businesses, decisions, resemblance = shared
    part = businesses[span[0]:span[1]]
    return [d for b in part for d in business_diagnostics(b, decisions[b.id])], resemblance.find(part)


def _names_in_by_id(shared: _Shared, span: tuple[int, int]) -> tuple[list[Diagnostic], list[tuple[str, str]]]:
    """:func:`_names_in` in a worker: the look-alikes as ids, not copies of the businesses."""
    diagnostics, imitations = _names_in(shared, span)
    return diagnostics, [(business_id, original.id) for business_id, original in imitations.items()]


def business_diagnostics(business: Business, decision: TierDecision) -> list[Diagnostic]:
    """What one decision asks of the operator: its warning reasons, and an error for a badge the name claims.

    Per business, so that a live preview can re-check just the businesses an edit touched.
    """
    from .reasons import reason_text

    found = []
    for reason in decision.reasons:
        if reason.warning:
            where = reason.source or business.source
            found.append(ContentWarning(where.path, where.line, f"{business.id}: {reason_text(reason, str)}"))
    for name, claim in badge_claims(business, decision.tier):  # name, category, city
        found.append(ContentError(business.source.path, business.source.line, f"{name}: {claim}"))
    return found


def claim_errors(businesses: Iterable[Business], register: Mapping[str, RegisterEntry],
                 records_of: Callable[[str], Sequence[Verification]], as_of: date) -> list[Diagnostic]:
    """The errors a decided tier brings (a name, category or city claiming a badge it lacks), alone.

    For a build that already failed on other files: the businesses that are
    right still get their tiers decided, so these errors come in the same run
    instead of after the others are fixed.  Only worth it while the register
    and verification files are right, or the tiers would be wrong too.
    """
    found: list[Diagnostic] = []
    for business in businesses:
        entry = register.get(business.company_id) if business.company_id else None
        tier = decide_tier(business, entry, records_of(business.id), as_of).tier
        found += [ContentError(business.source.path, business.source.line, f"{name}: {claim}")
                  for name, claim in badge_claims(business, tier)]
    return found


def impostor_warning(business: Business, original: Business) -> Diagnostic:
    return ContentWarning(business.source.path, business.source.line,
                          f"name: '{business.name}' resembles verified '{original.name}' ({original.id}) but uses another number")
