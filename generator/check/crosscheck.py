"""Stage 2: the rules that span files, applied once everything is read.

Per-field rules live in :mod:`validate`; what needs the whole directory in
view — two businesses claiming one id or one number, records pointing at
businesses that do not exist — is checked here, naming both files.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from ..diagnostics import ContentError, ContentWarning, Diagnostic
from ..model import Business, FaqPage, RegisterEntry, Verification


def id_key(business_id: str) -> str:
    """Ids collide if they differ only by case or Unicode form (they become one URL on some hosts)."""
    return unicodedata.normalize("NFKC", business_id).casefold()


def check_businesses(businesses: Iterable[Business]) -> tuple[list[Business], list[Diagnostic]]:
    """Drop and report businesses whose id or number another business already uses."""
    kept: list[Business] = []
    problems: list[Diagnostic] = []
    by_id: dict[str, Business] = {}
    by_number: dict[str, Business] = {}
    for business in sorted(businesses, key=lambda b: (b.source.path, b.source.line)):
        first = by_id.get(id_key(business.id))
        if first:
            problems.append(ContentError(business.source.path, business.source.line,
                                         f"id: '{business.id}' is already used by the business at {first.source}"))
            continue
        owner = by_number.get(business.whatsapp)
        if owner:
            problems.append(ContentError(business.whatsapp_source.path, business.whatsapp_source.line,
                                         f"whatsapp: {business.whatsapp} is already the number of '{owner.id}' at {owner.whatsapp_source}"))
            continue
        by_id[id_key(business.id)] = business
        by_number[business.whatsapp] = business
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


def check_verifications(records: Iterable[Verification], businesses: list[Business]) -> list[Diagnostic]:
    ids = {b.id for b in businesses}
    return [ContentWarning(r.source.path, r.source.line, f"business: verification record for '{r.business}', which is not in the directory")
            for r in records if r.business not in ids]


def check_faq(pages: Iterable[FaqPage]) -> tuple[list[FaqPage], list[Diagnostic]]:
    seen: dict[tuple[str, str | None], FaqPage] = {}
    problems: list[Diagnostic] = []
    for page in pages:
        key = (page.slug, page.lang)
        if key in seen:
            problems.append(ContentError(page.source.path, 1, f"FAQ page '{page.slug}' is already defined by {seen[key].source.path}"))
            continue
        seen[key] = page
    return sorted(seen.values(), key=lambda p: (p.order, p.slug, p.lang or "")), problems
