"""Bridge from the build's decided ``Site`` to the search indexes.

Kept apart from the index writers so those stay independent of the core's
types (their tests build records by hand); this is the only module here that
knows what a ``Site`` looks like.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.search import SearchRecord, write_search_indexes
from generator.publish.writing import WriteStats, Written

if TYPE_CHECKING:
    from generator.decide.site import Site

def category_names(site: Site) -> dict[str, str]:
    """Each category's display name by slug: what a search record calls its category."""
    return {category.slug: category.name for category in site.categories}


def search_records(site: Site) -> list[SearchRecord]:
    """One record per business, sorted by id.

    No text here is translated: the search box and the lookup of each language
    put the imitated name into their own warning sentence.
    """
    from generator.render.views import business_path

    names = category_names(site)
    records = []
    for business_id in sorted(site.entries):
        listed = site.entries[business_id]
        business, imitates = listed.business, listed.imitates
        records.append(SearchRecord(
            id=business.id, name=business.name, tier=listed.decision.tier.value,
            category=names.get(listed.category_slug, ""), category_slug=listed.category_slug,
            city=business.city, url=business_path(business.id), whatsapp=business.whatsapp,
            whatsapp_display=business.whatsapp_display,
            imitates=imitates.name if imitates else None,
            warning_url=business_path(imitates.id) if imitates else None,
        ))
    return records


def write_site_search(shared: dict[str, Any], target: str) -> Written:
    """The search and lookup indexes of ``shared["site"]``, written under ``target`` (a piece of
    the build's :class:`~generator.parallel.Work`)."""
    site, stats = shared["site"], WriteStats()
    write_search_indexes(search_records(site), Path(target), site.config.default_region, stats)
    return Written(stats)
