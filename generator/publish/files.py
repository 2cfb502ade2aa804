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

from ..render.badge_svg import badge_svg, embed_view
from ..engine.parallel import POOL_FROM, Work, chunks, run_work
from ..read.schema import schema_files
from .seo import organization_json_ld, robots_txt, sitemap_files
from ..decide.site import Listed, Site
from ..render.vcard import contact_card
from ..render.views import Language, business_path
from .staging import Staging, WriteStats, Written, write_file


def write_publishing_files(site: Site, staging: Staging, jobs: int = 1) -> None:
    """Write everything above into the staging folder, counted in its stats."""
    work = [Work(write_site_files, str(staging.dir))] + business_file_work(site, staging.dir, jobs)
    for done in run_work(work, {"site": site}, jobs, min_items=2 if len(site.entries) >= POOL_FROM else 10**9):
        staging.stats.add(done.stats)


def write_site_files(shared: dict[str, Any], target: str) -> Written:
    """sitemap.xml (and its parts), api/schema.json and robots.txt."""
    site, stats = shared["site"], WriteStats()
    for path, text in {**sitemap_files(site), **schema_files(), "robots.txt": robots_txt(site.config)}.items():
        write_file(Path(target), path, text.encode("utf-8"), stats)
    return Written(stats)


def business_file_work(site: Site, target: Path, jobs: int) -> list[Work]:
    """Every business's contact card and badge, in batches for :func:`~generator.parallel.run_work`
    with ``{"site": ...}`` shared."""
    return [Work(_write_business_files, (batch, str(target))) for batch in chunks(list(site.entries), max(1, jobs * 8))]


def _write_business_files(shared: dict[str, Any], task: tuple[list[str], str]) -> Written:
    """Two small files per business: on a large directory, spread over processes like the pages."""
    ids, base = task[0], Path(task[1])
    site, stats = shared["site"], WriteStats()
    language = Language(site.config.languages[0])
    for business_id in ids:
        for path, data in business_files(site, site.entries[business_id], language).items():
            write_file(base, path, data, stats)
    return Written(stats)


def business_files(site: Site, listed: Listed, language: Language) -> dict[str, bytes]:
    """A business's contact card and badge, by output path."""
    folder = business_path(listed.business.id)
    return {f"{folder}contact.vcf": contact_card(site, listed, language).encode("utf-8"),
            f"{folder}badge.svg": badge_svg(site, listed, language).encode("utf-8")}


def business_page_extras(site: Site, listed: Listed, language: Language) -> dict[str, Any]:
    """What a business page adds to its context: ``json_ld`` (for partials/meta.html) and ``embed``."""
    return {"json_ld": organization_json_ld(site, listed), "embed": embed_view(site, listed, language)}
