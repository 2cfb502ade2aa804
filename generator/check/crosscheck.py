"""Stage 2: the rules that span files, applied once everything is read.

Per-field rules live in :mod:`validate`; what needs the whole directory in
view — two businesses claiming one id or one number, records pointing at
businesses that do not exist — is checked here, naming both files.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from ..diagnostics import ContentError, ContentWarning, Diagnostic
from ..model import Business, Claim, FaqPage, RegisterEntry, Verification
from ..read.faq_topics import assign_topics, with_defaults


def id_key(business_id: str) -> str:
    """Ids collide if they differ only by case or Unicode form (they become one URL on some hosts)."""
    return unicodedata.normalize("NFKC", business_id).casefold()


def check_businesses(businesses: Iterable[Business],
                     claims: Iterable[Claim] = ()) -> tuple[list[Business], list[Diagnostic]]:
    """Drop and report businesses whose id or number another business already uses.

    ``claims`` are the ids and numbers of business records with field errors:
    not published, but a clash with one is reported in the same run.
    """
    kept: list[Business] = []
    problems: list[Diagnostic] = []
    by_id: dict[str, Business | Claim] = {}
    by_number: dict[str, Business | Claim] = {}
    written: list[Business | Claim] = [*businesses, *claims]
    for business in sorted(written, key=lambda b: (b.source.path, b.source.line)):
        if business.id is not None:
            first = by_id.get(id_key(business.id))
            if first:
                problems.append(ContentError(business.source.path, business.source.line,
                                             f"id: '{business.id}' is already used by the business at {first.source}"))
                continue
        if business.whatsapp is not None:
            owner = by_number.get(business.whatsapp)
            if owner:
                named = f"'{owner.id}'" if owner.id is not None else "the business"
                problems.append(ContentError(business.whatsapp_source.path, business.whatsapp_source.line,
                                             f"whatsapp: {business.whatsapp} is already the number of {named} at {owner.whatsapp_source}"))
                continue
        if business.id is not None:
            by_id[id_key(business.id)] = business
        if business.whatsapp is not None:
            by_number[business.whatsapp] = business
        if isinstance(business, Business):
            kept.append(business)
    return sorted(kept, key=lambda b: b.id), problems


def check_register(entries: Iterable[RegisterEntry]) -> tuple[dict[str, RegisterEntry], list[Diagnostic]]:
    register: dict[str, RegisterEntry] = {}
    problems: list[Diagnostic] = []
    for entry in entries:
        first = register.get(entry.company_id)
        if first:
            problems.append(ContentError(entry.source.path, entry.source.line,
                                         f"company_id: '{entry.company_id}' is already in the register at {first.source}"))
            continue
        register[entry.company_id] = entry
    return dict(sorted(register.items())), problems


def check_verifications(records: Iterable[Verification], businesses: list[Business],
                        claims: Iterable[Claim] = ()) -> list[Diagnostic]:
    """A warning for each record about a business that is not in the directory (one with errors is)."""
    ids = {b.id for b in businesses} | {c.id for c in claims if c.id is not None}
    return [ContentWarning(r.source.path, r.source.line, f"business: verification record for '{r.business}', which is not in the directory")
            for r in records if r.business not in ids]


def check_faq(pages: Iterable[FaqPage], languages: tuple[str, ...]) -> tuple[list[FaqPage], list[Diagnostic]]:
    """One page per file name and language, one per topic and language, and the built-in page of
    every topic a language has none for (see :mod:`generator.faq_topics`)."""
    seen: dict[tuple[str, str | None], FaqPage] = {}
    problems: list[Diagnostic] = []
    for page in pages:
        key = (page.slug, page.lang)
        if key in seen:
            problems.append(ContentError(page.source.path, 1, f"FAQ page '{page.slug}' is already defined by {seen[key].source.path}"))
            continue
        seen[key] = page
    named, more = assign_topics(list(seen.values()))
    return with_defaults(named, languages), problems + more
