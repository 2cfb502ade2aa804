"""The files that publish the directory beyond its pages (issue #7).

``sitemap.xml`` and ``robots.txt`` for crawlers, ``api/schema.json`` for
editors, and per business a contact card (``b/<id>/contact.vcf``) and an
embeddable badge (``b/<id>/badge.svg``).  They are written once, in the
site's first language, beside the first language's page of each business;
every language's business page links to the same two files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .badge_svg import badge_svg, embed_view
from .parallel import chunks, map_in_processes
from .schema import schema_files
from .seo import organization_json_ld, robots_txt, sitemap_files
from .site import Listed, Site
from .vcard import contact_card
from .views import Language, business_path
from .write import Staging, WriteStats, write_file


def write_publishing_files(site: Site, staging: Staging, jobs: int = 1) -> None:
    """Write everything above into the staging folder, counted in its stats."""
    for path, text in {**sitemap_files(site), **schema_files()}.items():
        staging.write_text(path, text)
    staging.write_text("robots.txt", robots_txt(site.config))
    global _SITE
    _SITE = site
    try:
        ids = list(site.entries)
        tasks = [(batch, str(staging.dir)) for batch in chunks(ids, max(1, jobs * 8))]
        for stats in map_in_processes(_write_business_files, tasks, jobs, min_items=2 if len(ids) >= 2000 else 10**9):
            staging.stats.add(stats)
    finally:
        _SITE = None


_SITE: Site | None = None  # set in the parent before forking workers, like render.py's renderer


def _write_business_files(task: tuple[list[str], str]) -> WriteStats:
    """Two small files per business: on a large directory, spread over processes like the pages."""
    ids, target = task
    site, base, stats = _SITE, Path(target), WriteStats()
    assert site is not None
    language = Language(site.config.languages[0])
    for business_id in ids:
        listed, folder = site.entries[business_id], business_path(business_id)
        write_file(base, f"{folder}contact.vcf", contact_card(site, listed, language).encode("utf-8"), stats)
        write_file(base, f"{folder}badge.svg", badge_svg(site, listed, language).encode("utf-8"), stats)
    return stats


def business_page_extras(site: Site, listed: Listed, language: Language) -> dict[str, Any]:
    """What a business page adds to its context: ``json_ld`` (for partials/meta.html) and ``embed``."""
    return {"json_ld": organization_json_ld(site, listed), "embed": embed_view(site, listed, language)}
