"""Incremental rebuilds for the live preview: after an edit, redo only what it affects.

An :class:`IncrementalBuilder` builds the site once, in full, into the
folder a preview serves, and keeps what the build computed: every content
file's reading (:mod:`~generator.preview.livecontent`), the site with its
sorted orderings (:mod:`~generator.preview.livesite`), the planned pages, the
files besides pages (:mod:`~generator.preview.livedata`), the compiled
templates (:mod:`~generator.render.compiled_cache`), the search indexes
(:mod:`~generator.search.live`, kept by a helper process when there is a
second core: :mod:`~generator.search.keeper`).  On
:meth:`IncrementalBuilder.update` it re-reads the changed files, re-decides
the businesses they touch, and re-renders a page only if something it shows
changed (:mod:`~generator.preview.stale`).

The folder is changed file by file, atomically (:mod:`~generator.preview.livewrite`);
an update that fails (a content or template error) writes nothing and keeps
its changes pending, so the next successful one catches up.  The result
after any sequence of edits is byte-identical to a clean ``badgedir build``
of the same content — ``tests/test_incremental.py`` checks that after random
edit sequences.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from ..cache.store import Store
from ..decide.site import Site, assemble_site
from ..decide.tiers import TIER_ORDER
from ..diagnostics import BuildFailed, Diagnostic, errors_in
from ..engine.memory import collector_paused
from ..publish.link_check import broken_links, content_links
from ..publish.links import Targets, planned_targets, static_paths
from ..publish.staging import Staging, check_output_location
from ..read.load import unread_warnings
from ..render.compiled_cache import reuse_compiled
from ..render.entries import entry_work
from ..render.pages import Page, faq_topic_slugs, plan_pages
from ..render.renderer import Renderer, render_pages
from ..render.template_deps import TemplateReads
from ..render.templates import template_dirs
from ..search.from_site import category_names, search_records
from ..search.keeper import InlineIndexes, IndexHelper, keep_indexes
from ..search.live import search_edit
from .livecontent import ContentCache
from .livedata import LiveData
from .liverender import render_stale
from .livesite import Evidence, LiveSite
from .livetemplates import TemplateStamps
from .livewrite import Served
from .stale import LISTINGS, StalePages, reads_of
from .update import Update

__all__ = ["IncrementalBuilder", "Update"]


class IncrementalBuilder:
    """Builds a site into ``output`` and keeps it up to date with its content and templates."""

    def __init__(self, content: Path, output: Path, as_of: date, templates: Path | None = None, jobs: int = 1,
                 store: Store | None = None) -> None:
        """``store``: the build cache, shared with ``badgedir build``, so a restarted preview renders only what
        changed since the last build or preview, and leaves the cache warm for the next build."""
        check_output_location(content, output)
        self.store = store if store is not None else Store()
        self.content_dir = content
        self.output = output.resolve()
        self.templates = templates
        self.as_of = as_of
        self.jobs = jobs
        self.cache = ContentCache(content, jobs, self.store)
        self.live: LiveSite | None = None
        self.template_stamps = TemplateStamps(templates)
        self.pending_templates: set[str] = set()
        self.indexes: InlineIndexes | IndexHelper | None = None
        self.search_pending = False  # a rebuild of the search index waits for catch_up()
        self.data: LiveData | None = None  # api/businesses.json, logos, sitemap … (its sitemap may wait too)

    def close(self) -> None:
        """Stop the search index helper, if any, once it has written what it was writing."""
        if self.indexes is not None:
            self.indexes.close()
            self.indexes = None

    # -- the first build ---------------------------------------------------------

    def build(self) -> Update:
        """Build everything from scratch (the first build, or after site.yaml changed)."""
        started = time.perf_counter()
        self.live = None
        if self.indexes is None or not self.indexes.alive():  # forked now, while this process is small
            self.close()
            self.indexes = keep_indexes(self.output, self.jobs)
        with collector_paused():  # the site's objects live as long as this session's next build
            self.cache.refresh(None)
            self.template_stamps.reset()
            self.pending_templates.clear()
            errors = self.cache.errors(self.as_of)
            if errors:
                return Update(False, True, tuple(errors))
            site, diagnostics = assemble_site(self.cache.content(), self.as_of, self.jobs)
            diagnostics += unread_warnings(self.cache.dir)
        if site is None or errors_in(diagnostics):
            return Update(False, True, tuple(sorted(errors_in(diagnostics))))
        pages = plan_pages(site)
        renderer = Renderer(site, self.templates, remember_cards=True, store=self.store, links=self._targets(site, pages))
        reuse_compiled(renderer)
        for name, lang in sorted({(page.template, page.lang) for page in pages}):
            renderer.template(name, lang)  # compiled once here, for the workers and for every later update
        staging = Staging(self.output)
        self.indexes.start(search_records(site), category_names(site), site.config.default_region,
                           staging.dir)  # a helper writes them while the pages render
        try:
            try:
                listings = [page for page in pages if page.kind in LISTINGS]
                dirs = template_dirs(self.templates)
                renderer.prepare_cache(pages)  # each business's files as a build makes them, from its record
                businesses = (entry_work(list(site.entries), staging.dir, staging.output, dirs),
                              len(site.entries) * len(site.config.languages))
                stats, problems, findings = render_pages(
                    renderer, [page for page in pages if page.kind not in LISTINGS and page.kind != "business"],
                    staging.dir, self.jobs, dirs, more=businesses)
                if not problems:  # listings in this process, which keeps their cards for the updates that shift them
                    more, problems, more_findings = render_pages(renderer, listings, staging.dir, 1,
                                                                 template_dirs(self.templates))
                    stats.add(more)
                    findings.add(more_findings)
            finally:
                indexes_written = self.indexes.started()  # into staging, before it is kept or discarded
            staging.stats.add(stats)
            staging.stats.add(indexes_written)
            if problems:
                staging.discard()
                return Update(False, True, tuple(problems))
            self.data = LiveData(site, staging, self.store, self.jobs, self.templates)
            self.search_pending = False
            problems = broken_links(site, findings, self.templates, [staging.dir])
            if problems:
                staging.discard()
                return Update(False, True, tuple(problems))
            diagnostics += content_links(site, [staging.dir])
            staging.commit()
        except BaseException:
            staging.discard()
            raise
        self.live = LiveSite.from_site(site)
        self.live.resemblance  # noqa: B018 - index the verified names now, not on the first edit
        self.renderer = renderer
        self.others = {page.path: page for page in pages if page.kind != "business"}  # in plan order
        self.business_pages: dict[str, tuple[Page, ...]] = {}
        for page in pages:
            if page.kind == "business":
                self.business_pages[page.key] = (*self.business_pages.get(page.key, ()), page)
        self.plan_order_known = self._all_pages(site) == pages  # else the sitemap asks plan_pages
        self.reads: dict[str, TemplateReads | None] = {}
        for page in self.others.values():
            reads_of(renderer, page, self.reads)
        for page in next(iter(self.business_pages.values()), ()):
            reads_of(renderer, page, self.reads)
            renderer.render(page)  # warms what the first edit would otherwise pay for (Markdown, partials)
        self.data.remember_sitemap(site, pages if self.plan_order_known else None)  # and each page's <url>
        self.cache.settled()
        return Update(True, True, (), tuple(sorted(diagnostics)), len(pages), staging.stats.files, 0,
                      time.perf_counter() - started)

    # -- updates -----------------------------------------------------------

    def update(self, changed: Iterable[Path] | None = None, defer_search: bool = False) -> Update:
        """Follow edits: ``changed`` paths (from a watcher), or ``None`` to look at every file.

        ``defer_search`` leaves a search index that must be rebuilt (a business added, removed or
        renamed renumbers it; seconds on 100,000 businesses) and a sitemap that must be rewritten
        for :meth:`catch_up`, so the pages are on disk and the browser reloaded first.
        """
        # The collector paused: a pass over a 100,000-business heap costs more than the edit.
        with collector_paused(), self._afresh_after_failure():
            return self._update(changed, defer_search)

    @contextmanager
    def _afresh_after_failure(self) -> Iterator[None]:
        """An exception here is not a content error (those are results) but a bug or a failing disk,
        perhaps halfway through writing: what is served, what this builder knows and what the search
        helper was told may now differ, so the next update builds everything afresh."""
        try:
            yield
        except BaseException:
            self.live = None
            raise

    def _update(self, changed: Iterable[Path] | None, defer_search: bool) -> Update:
        started = time.perf_counter()
        changed = None if changed is None else [Path(os.path.abspath(p)) for p in changed]
        refreshed = self.cache.refresh(changed)
        if refreshed.config_changed or self.live is None:
            return self.build()
        self.pending_templates |= self.template_stamps.changes(changed)
        errors = self.cache.errors(self.as_of)
        if errors:
            return Update(False, False, tuple(errors))
        cache = self.cache
        evidence = Evidence(cache.config, cache.business, cache.all_businesses, cache.register, cache.records,  # type: ignore[arg-type]
                            cache.logo, cache.faq())
        applied = self.live.apply(evidence, cache.dirty_ids(), self.as_of)
        if applied.live is None:
            return Update(False, False, applied.errors)
        if _topic_slugs(self.live.site) != _topic_slugs(applied.live.site):
            return self.build()  # every page links to the FAQ topics' pages: a renamed one moves every link
        try:
            return self._publish(applied.live, applied.changed, applied.warnings, started, defer_search)
        except BuildFailed as failed:
            return Update(False, False, tuple(failed.diagnostics))

    def _publish(self, live: LiveSite, changed: frozenset[str], warnings: tuple[Diagnostic, ...], started: float,
                 defer_search: bool) -> Update:
        old_site, site = self.live.site, live.site  # type: ignore[union-attr]
        indexes = self.indexes
        assert indexes is not None  # set by the first build, like self.live
        if changed:
            indexes.propose(search_edit(old_site, site, changed))  # a helper starts on it while the pages are planned
        try:
            others = {page.path: page for page in plan_pages(replace(site, entries={}))}
            renderer = Renderer(site, self.templates, remember_cards=True, store=self.store,
                                links=self._targets(site, list(others.values())))
            reuse_compiled(renderer)  # templates unchanged since the last update are not compiled again
            reads = {} if self.pending_templates else self.reads
            stale = StalePages(self.renderer, renderer, old_site, site, changed, self.pending_templates, reads)
            renderer.follow(self.renderer, changed)
            if not self.pending_templates:
                renderer.adopt_cards(self.renderer, stale.cards_changed(), stale.partial_shows_change)
            fresh = self._business_pages(site, changed)
            todo = [page for page in others.values() if stale.page(page, self.others.get(page.path))]
            todo += stale.business_pages(fresh, self.business_pages)
            # raises BuildFailed before anything is written
            rendered = render_stale(renderer, todo, self.output, self.jobs, self.templates)
            problems = broken_links(site, rendered.findings, self.templates, rendered.folders(self.output))
            if problems:
                rendered.discard()
                raise BuildFailed(problems)
            warnings += tuple(content_links(site, rendered.folders(self.output)))
        except BuildFailed:
            if changed:
                indexes.withdraw(search_edit(site, old_site, changed))
            raise
        removed = {i for i in changed if i not in site.entries}
        pages_moved = list(others) != list(self.others) or bool(removed) or any(i not in self.business_pages for i in fresh)
        served = Served(self.output)
        try:
            for path in sorted(self.others.keys() - others.keys()):
                served.remove(path)
            for business_id in sorted(removed):
                for page in self.business_pages.get(business_id, ()):
                    served.remove(page.path)
            rendered.write(served)
            for business_id in removed:
                self.business_pages.pop(business_id, None)
            self.business_pages.update(fresh)
            self.others = others
            self._update_data(old_site, site, changed, pages_moved, served, defer_search)
        finally:
            rendered.discard()
        self.live, self.renderer, self.reads = live, renderer, reads
        self.pending_templates.clear()
        self.cache.settled()
        return Update(True, False, (), warnings, len(todo), served.written, served.removed, time.perf_counter() - started)

    def catch_up(self) -> Update | None:
        """Finish what an update deferred (the search index, the sitemap); None when nothing was left to do."""
        with collector_paused(), self._afresh_after_failure():
            return self._catch_up()

    def _catch_up(self) -> Update | None:
        data = self.data
        if data is None or not (self.search_pending or data.sitemap_pending) or self.live is None:
            return None
        started = time.perf_counter()
        served = Served(self.output)
        if data.sitemap_pending:  # while a helper finishes the search index
            data.update_sitemap(self.live.site, served, self._sitemap_pages(self.live.site))
        if self.search_pending and self.indexes is not None:
            self.indexes.catch_up(served)
            self.search_pending = False
        return Update(True, False, written=served.written, removed=served.removed, seconds=time.perf_counter() - started)

    def _sitemap_pages(self, site: Site) -> list[Page] | None:
        """Every page in plan order for the sitemap, or None to let it plan them itself."""
        return self._all_pages(site) if self.plan_order_known else None

    def _all_pages(self, site: Site) -> list[Page]:
        """Every page in ``plan_pages`` order (each language's business pages follow its A–Z pages)."""
        pages: list[Page] = []
        for lang in site.config.languages:
            others = [page for page in self.others.values() if page.lang == lang]
            cut = max((n + 1 for n, page in enumerate(others) if page.kind == "home"), default=0)
            pages += others[:cut]
            pages += [page for i in site.entries for page in self.business_pages.get(i, ()) if page.lang == lang]
            pages += others[cut:]
        return pages

    def _business_pages(self, site: Site, changed: frozenset[str]) -> dict[str, tuple[Page, ...]]:
        """The pages (one per language) of the changed businesses that are still listed."""
        present = {i: site.entries[i] for i in changed if i in site.entries}
        pages: dict[str, tuple[Page, ...]] = {}
        if present:
            only = replace(site, entries=present, alphabetical=(), categories=(), tiers={t: () for t in TIER_ORDER}, faq=())
            for page in plan_pages(only):
                if page.kind == "business":
                    pages[page.key] = (*pages.get(page.key, ()), page)
        return pages

    def _targets(self, site: Site, pages: list[Page]) -> Targets:
        """What the preview's folder will hold, for checking the links of the pages it renders."""
        return planned_targets(site, [page for page in pages if page.kind != "business"], static_paths(self.templates))

    def _update_data(self, old: Site, site: Site, changed: frozenset[str], pages_changed: bool, served: Served,
                     defer_search: bool) -> None:
        """api/businesses.json, search and lookup, logos, publishing files and static assets."""
        assert self.indexes is not None and self.data is not None  # set by the first build, like self.live
        self.data.write_json(site, changed, served)
        self.search_pending = not self.indexes.commit(served, wait=not defer_search)
        self.data.update(old, site, changed, pages_changed, served, defer_search, self.pending_templates,
                         lambda: self._sitemap_pages(site))


def _topic_slugs(site: Site) -> list[dict[str, str]]:
    return [faq_topic_slugs(site, lang) for lang in site.config.languages]
