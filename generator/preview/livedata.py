"""Everything the preview serves besides pages, kept up to date piece by piece.

``api/businesses.json`` (a piece per business, :mod:`generator.preview.livejson`),
the logos and their social cards, each business's contact card and badge,
the sitemap, ``static/`` and ``status.json``.  The first build writes them
all, as :func:`generator.build.build` does; an update rewrites only those of
the businesses it changed.  The search and lookup indexes are not here:
they are kept by :mod:`generator.search.keeper`, in a helper process when
there is a second core.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ..cache.store import Store
from ..decide.site import Site
from ..publish.api import business_json
from ..publish.assets import static_files
from ..publish.files import business_files, logo_card_work, write_site_files
from ..publish.seo import sitemap_files
from ..publish.staging import Staging
from ..record.manifest import STATUS, status_json, validity
from ..render.logo_card import card_filename, logo_cards
from ..render.pages import Page
from ..render.views import Language, business_path
from .livejson import LiveBusinessesJson
from .livewrite import Served, sync

SitemapEntries = dict[tuple[str, str, tuple[tuple[str, str], ...]], str]


class LiveData:
    """The files besides pages and search indexes, as last written, and what updating them needs."""

    def __init__(self, site: Site, staging: Staging, store: Store, jobs: int, templates: Path | None) -> None:
        """Write every file of ``site`` into ``staging``, as ``build._write_site`` writes them."""
        self.templates = templates
        language = Language(site.config.languages[0])
        self.json = LiveBusinessesJson(site, {i: business_json(listed, language) for i, listed in site.entries.items()})
        self.json.write_all(staging.write_bytes)
        self.logos: Counter[str] = Counter()
        for listed in site.entries.values():
            if listed.logo is not None:
                self.logos[listed.logo.filename] += 1
                staging.write_bytes(f"static/logos/{listed.logo.filename}", listed.logo.data)
        for work in logo_card_work(site, staging.dir, 1):
            staging.stats.add(work.function({"site": site, "store": store}, work.argument).stats)
        staging.stats.add(write_site_files({"site": site}, str(staging.dir)).stats)  # sitemap, robots.txt, schema
        # (each business's contact card and badge are made with its pages: generator.render.entries)
        self.sitemaps = {p.name for p in staging.dir.glob("sitemap*.xml")}
        self.sitemap_entries: SitemapEntries = {}  # each page's <url>, kept across updates
        self.sitemap_pending = False  # pages came or went, and the sitemap waits for a catch-up
        self.static = static_files(templates)
        for path, data in self.static.items():
            staging.write_bytes(path, data)
        # what the stale-copy banner reads; site.yaml edits rebuild in full, so it is written only here
        staging.write_bytes(STATUS, status_json(validity(site.as_of, site.config.valid_days)))

    def remember_sitemap(self, site: Site, pages: list[Page] | None) -> None:
        """Render each page's ``<url>`` once now, so the first update that moves pages does not."""
        sitemap_files(site, pages, self.sitemap_entries)

    def write_json(self, site: Site, changed: frozenset[str], served: Served) -> None:
        """``api/businesses.json`` (or its pages): the pieces of the changed businesses."""
        language = Language(site.config.languages[0])
        fresh = {i: business_json(site.entries[i], language) for i in changed if i in site.entries}
        self.json.sync(site, changed, fresh, served)

    def update(self, old: Site, site: Site, changed: frozenset[str], pages_changed: bool, served: Served,
               defer: bool, pending_templates: set[str], all_pages: Callable[[], list[Page] | None]) -> None:
        """Logos, publishing files and static assets after an edit (``all_pages``: for the sitemap)."""
        self._update_logos(old, site, changed, served)
        self._update_publishing(old, site, changed, pages_changed, served, defer, all_pages)
        if any(name.startswith("static/") for name in pending_templates):
            static = static_files(self.templates)
            sync(served, self.static, static, keep=lambda p: p.startswith("static/logos/"))
            self.static = static

    def _update_logos(self, old: Site, site: Site, changed: frozenset[str], served: Served) -> None:
        for business_id in changed:
            was, now = old.entries.get(business_id), site.entries.get(business_id)
            if was is not None and was.logo is not None:
                self.logos[was.logo.filename] -= 1
                if not self.logos[was.logo.filename]:
                    del self.logos[was.logo.filename]
                    served.remove(f"static/logos/{was.logo.filename}")
                    served.remove(f"static/logos/{card_filename(was.logo)}")
            if now is not None and now.logo is not None:
                if not self.logos[now.logo.filename]:
                    served.write(f"static/logos/{now.logo.filename}", now.logo.data)
                    for logo, card in logo_cards([now.logo]):
                        served.write(f"static/logos/{card_filename(logo)}", card)
                self.logos[now.logo.filename] += 1

    def _update_publishing(self, old: Site, site: Site, changed: frozenset[str], pages_changed: bool, served: Served,
                           defer: bool, all_pages: Callable[[], list[Page] | None]) -> None:
        """Per-business files (contact card, badge) of the changed businesses; the sitemap if pages came or went."""
        present = {i: site.entries[i] for i in changed if i in site.entries}
        language = Language(site.config.languages[0])
        own = {path: data for listed in present.values() for path, data in business_files(site, listed, language).items()}
        for business_id in changed - present.keys():
            folder = served.path(business_path(business_id))
            for leftover in sorted(folder.glob("*")) if folder.is_dir() else ():
                if leftover.is_file():
                    served.remove(f"{business_path(business_id)}{leftover.name}")
        for path, data in own.items():
            write_if_changed(served, path, data)
        self.sitemap_pending |= pages_changed or any(  # a look-alike's page leaves the sitemap (publish/seo.py)
            (old.entries[i].imitates is None) != (site.entries[i].imitates is None)
            for i in present if i in old.entries)
        if self.sitemap_pending and not defer:
            self.update_sitemap(site, served, all_pages())

    def update_sitemap(self, site: Site, served: Served, pages: list[Page] | None) -> None:
        """The sitemap, after pages came or went (for crawlers: the preview can show the pages first)."""
        sitemaps = sitemap_files(site, pages, self.sitemap_entries)
        for path in sorted(self.sitemaps - sitemaps.keys()):
            served.remove(path)
        for path, text in sitemaps.items():
            write_if_changed(served, path, text.encode("utf-8"))
        self.sitemaps = set(sitemaps)
        self.sitemap_pending = False


def write_if_changed(served: Served, rel: str, data: bytes) -> None:
    try:
        if served.path(rel).read_bytes() == data:
            return
    except OSError:
        pass
    served.write(rel, data)
