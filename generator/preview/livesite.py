"""Stage 3 again, for a live preview: re-decide only the businesses an edit touched.

:func:`~generator.site.assemble_site` decides every business and sorts the
whole directory; on 100,000 businesses that takes seconds, too slow to
follow each save.  A :class:`LiveSite` keeps, beside the :class:`Site` it
last produced, the sorted keys the site's orderings come from, and
:meth:`LiveSite.apply` recomputes the tier, listing and warnings of the
given businesses only, splicing them into copies of those orderings.

Same rules, same functions (``decide_tier``, ``business_diagnostics``,
``Resemblance``): the result must equal what ``assemble_site`` returns
for the same content, which ``tests/test_incremental.py`` checks after
random edit sequences.  The one case that is not local — the set of verified
businesses changed, so any business may now resemble one — re-runs the
impostor check over every business.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from operator import itemgetter

from ..diagnostics import Diagnostic
from ..decide.impostors import Resemblance
from ..model import Business, FaqPage, Logo, RegisterEntry, SiteConfig, Verification
from ..decide.site import Category, Listed, Site, business_diagnostics, impostor_warning
from ..read.slugs import fold, slugify
from ..decide.tiers import TIER_ORDER, Tier, TierDecision, decide_tier

Key = tuple[str, str]  # (folded name, id): the A–Z order of every listing


@dataclass(frozen=True, slots=True)
class Evidence:
    """The checked content a live site is decided from, looked up by id rather than copied."""

    config: SiteConfig
    business: Callable[[str], Business | None]
    all_businesses: Callable[[], Iterable[Business]]
    register: Mapping[str, RegisterEntry]
    records: Callable[[str], tuple[Verification, ...]]  # a business's verification records, sorted by source
    logo: Callable[[str], Logo | None]
    faq: tuple[FaqPage, ...]


@dataclass(frozen=True, slots=True)
class Applied:
    """The outcome of :meth:`LiveSite.apply`: a new live site, or the errors that stopped it."""

    live: LiveSite | None
    changed: frozenset[str]  # ids whose Listed value appeared, changed or disappeared
    errors: tuple[Diagnostic, ...]
    warnings: tuple[Diagnostic, ...]  # about the businesses just decided


def _key(listed: Listed) -> Key:
    return fold(listed.business.name), listed.business.id


class LiveSite:
    """A :class:`Site` with the sorted keys it was built from; never changed once made."""

    def __init__(self, site: Site, verified: tuple[Business, ...], order: list[Key],
                 by_category: dict[str, list[Key]], by_tier: dict[Tier, list[Key]],
                 category_names: dict[str, dict[str, str]]) -> None:
        self.site = site
        self.verified = verified  # sorted by id
        self.order = order
        self.by_category = by_category
        self.by_tier = by_tier
        self.category_names = category_names  # slug → {id: category as written}; the smallest id names it
        self._resemblance: Resemblance | None = None

    @property
    def resemblance(self) -> Resemblance:
        """The verified names indexed for the impostor check (built on first use, then kept)."""
        if self._resemblance is None:
            self._resemblance = Resemblance(list(self.verified))
        return self._resemblance

    @classmethod
    def from_site(cls, site: Site) -> LiveSite:
        """Index a site that :func:`assemble_site` built (the first build of a preview)."""
        order = sorted(_key(listed) for listed in site.entries.values())
        by_category: dict[str, list[Key]] = {}
        by_tier: dict[Tier, list[Key]] = {tier: [] for tier in TIER_ORDER}
        names: dict[str, dict[str, str]] = {}
        for key in order:
            listed = site.entries[key[1]]
            if listed.category_slug:
                by_category.setdefault(listed.category_slug, []).append(key)
                names.setdefault(listed.category_slug, {})[key[1]] = listed.business.category
            by_tier[listed.decision.tier].append(key)
        verified = tuple(site.entries[i].business for i in sorted(site.entries)
                         if site.entries[i].decision.tier is Tier.VERIFIED)
        return cls(site, verified, order, by_category, by_tier, names)

    def apply(self, evidence: Evidence, dirty: Iterable[str], as_of: date) -> Applied:
        """Re-decide the businesses in ``dirty`` (added, edited, removed, or whose evidence changed)."""
        old = self.site.entries
        decided: dict[str, Listed | None] = {}
        decisions: dict[str, TierDecision] = {}
        notes: list[Diagnostic] = []
        for business_id in sorted(set(dirty)):
            business = evidence.business(business_id)
            if business is None:
                decided[business_id] = None
                continue
            company = evidence.register.get(business.company_id) if business.company_id else None
            decision = decide_tier(business, company, list(evidence.records(business_id)), as_of)
            decisions[business_id] = decision
            notes += business_diagnostics(business, decision)
        errors = tuple(sorted(d for d in notes if d.level == "error"))
        if errors:
            return Applied(None, frozenset(), errors, ())
        verified = self._verified_after(evidence, decisions, decided)
        imitations, imitation_scope, resemblance = self._imitations(evidence, verified, decisions)
        for business_id in sorted(imitation_scope | decisions.keys()):
            business = evidence.business(business_id)
            assert business is not None
            decision = decisions.get(business_id) or old[business_id].decision
            imitates = imitations.get(business_id)
            if imitates is not None and business_id in decisions:
                notes.append(impostor_warning(business, imitates))
            decided[business_id] = Listed(business, decision,
                                          evidence.logo(business_id) if decision.tier is Tier.VERIFIED else None,
                                          imitates, slugify(business.category) if business.category else "")
        changed = {i for i, listed in decided.items() if listed != old.get(i)}
        live = self._spliced(evidence, {i: decided[i] for i in changed}, verified, as_of)
        live._resemblance = resemblance
        return Applied(live, frozenset(changed), (), tuple(sorted(notes)))

    def _verified_after(self, evidence: Evidence, decisions: Mapping[str, TierDecision],
                        removed: Mapping[str, None]) -> tuple[Business, ...]:
        kept = {b.id: b for b in self.verified if b.id not in decisions and b.id not in removed}
        for business_id, decision in decisions.items():
            if decision.tier is Tier.VERIFIED:
                business = evidence.business(business_id)
                assert business is not None
                kept[business_id] = business
        return tuple(kept[i] for i in sorted(kept))

    def _imitations(self, evidence: Evidence, verified: tuple[Business, ...],
                    decisions: Mapping[str, TierDecision]) -> tuple[dict[str, Business], set[str], Resemblance]:
        """Look-alikes among the decided businesses, or among all of them when the verified set changed."""
        if verified == self.verified:
            candidates = [b for i in decisions if (b := evidence.business(i)) is not None]
            return self.resemblance.find(candidates), set(), self.resemblance
        resemblance = Resemblance(list(verified))
        found = resemblance.find(evidence.all_businesses())
        old = self.site.entries
        scope = {i for i, listed in old.items() if i not in decisions and listed.imitates != found.get(i)}
        return found, scope, resemblance

    def _spliced(self, evidence: Evidence, changes: Mapping[str, Listed | None],
                 verified: tuple[Business, ...], as_of: date) -> LiveSite:
        """A new live site: copies of this one's orderings with the changed businesses moved."""
        site = self.site
        entries = dict(site.entries)
        order = list(self.order)
        by_category = dict(self.by_category)
        by_tier = dict(self.by_tier)
        names = dict(self.category_names)
        touched_categories: set[str] = set()
        touched_tiers: set[Tier] = set()
        added = moved = False
        for business_id, new in changes.items():
            was = entries.get(business_id)
            if was is not None and new is not None and _place(was) == _place(new):
                entries[business_id] = new  # same name, category and tier: every ordering stays as it is
                continue
            moved = True
            if was is not None:
                key = _key(was)
                del order[bisect_left(order, key)]
                if was.category_slug:
                    by_category[was.category_slug] = _without(by_category[was.category_slug], key, touched_categories, was.category_slug)
                    names[was.category_slug] = {k: v for k, v in names[was.category_slug].items() if k != business_id}
                by_tier[was.decision.tier] = _without(by_tier[was.decision.tier], key, touched_tiers, was.decision.tier)
            if new is None:
                del entries[business_id]
                continue
            added |= was is None
            entries[business_id] = new
            key = _key(new)
            insort(order, key)
            if new.category_slug:
                by_category[new.category_slug] = _with(by_category.get(new.category_slug, []), key, touched_categories, new.category_slug)
                names[new.category_slug] = {**names.get(new.category_slug, {}), business_id: new.business.category}
            by_tier[new.decision.tier] = _with(by_tier[new.decision.tier], key, touched_tiers, new.decision.tier)
        for slug in [s for s in touched_categories if not by_category[s]]:
            del by_category[slug], names[slug]
        if added:  # a dict keeps the order of insertion: a removal keeps the id order, an addition may not
            entries = {i: entries[i] for i in sorted(entries)}
        alphabetical = tuple(map(itemgetter(1), order)) if moved else site.alphabetical
        categories = _categories(site.categories, by_category, names, touched_categories)
        tiers = {tier: tuple(map(itemgetter(1), by_tier[tier])) if tier in touched_tiers else site.tiers[tier]
                 for tier in TIER_ORDER}
        new_site = replace(site, config=evidence.config, as_of=as_of, entries=entries, alphabetical=alphabetical,
                           categories=categories, tiers=tiers, faq=evidence.faq)
        return LiveSite(new_site, verified, order, by_category, by_tier, names)


def _place(listed: Listed) -> tuple[Key, str, str, Tier]:
    """What decides where a business is listed (and what its category is called)."""
    return _key(listed), listed.category_slug, listed.business.category, listed.decision.tier


def _without(keys: list[Key], key: Key, touched: set, name) -> list[Key]:
    if name not in touched:
        keys = list(keys)
        touched.add(name)
    del keys[bisect_left(keys, key)]
    return keys


def _with(keys: list[Key], key: Key, touched: set, name) -> list[Key]:
    if name not in touched:
        keys = list(keys)
        touched.add(name)
    insort(keys, key)
    return keys


def _categories(previous: tuple[Category, ...], by_category: Mapping[str, list[Key]],
                names: Mapping[str, Mapping[str, str]], touched: set[str]) -> tuple[Category, ...]:
    """Categories sorted by folded name, as ``assemble_site`` sorts them (ties: first member A–Z)."""
    kept = {c.slug: c for c in previous if c.slug not in touched}
    for slug in touched:
        if slug in by_category:
            members = names[slug]
            kept[slug] = Category(slug, members[min(members)], tuple(i for _, i in by_category[slug]))
    return tuple(sorted(kept.values(), key=lambda c: (fold(c.name), by_category[c.slug][0])))
