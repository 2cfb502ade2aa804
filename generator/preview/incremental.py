"""Incremental rebuilds for the live preview: after an edit, redo only what it affects.

An :class:`IncrementalBuilder` builds the site once, in full, into the
folder a preview serves, and keeps what the build computed: every content
file's reading (:mod:`generator.livecontent`), the site with its sorted
orderings (:mod:`generator.livesite`), the planned pages, each business's
piece of ``api/businesses.json`` (:mod:`generator.livejson`), the compiled
templates (:mod:`generator.compiled_cache`), the search indexes
(:mod:`generator.livesearch`, kept by a helper process when there is a second
core: :mod:`generator.search_keeper`).  On :meth:`IncrementalBuilder.update` it
re-reads the changed files, re-decides the businesses they touch, and
re-renders a page only if something it shows changed:

* a business page: its business (name, number, tier, look-alike …);
* a listing page (A–Z, category, tier): which businesses fall on it, any of
  them changed, or its page count;
* any page: a template it loads (:mod:`generator.template_deps`), or an
  attribute of ``site`` it reads (``site.categories`` with their counts,
  ``site.cities``…).

The folder is changed file by file, atomically (:mod:`generator.livewrite`);
an update that fails (a content or template error) writes nothing and keeps
its changes pending, so the next successful one catches up.  The result
after any sequence of edits is byte-identical to a clean ``badgedir build``
of the same content — ``tests/test_incremental.py`` checks that after random
edit sequences.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..publish.api import business_json
from ..render.compiled_cache import reuse_compiled
from ..diagnostics import BuildFailed, Diagnostic, errors_in
from ..record.manifest import STATUS, status_json, validity
from .livecontent import ContentCache, Stamp, stamp_of
from .livejson import LiveBusinessesJson
from ..search.live import search_edit
from .livesite import Evidence, LiveSite
from .livewrite import TEMP_PREFIX, Served, sync
from ..engine.memory import collector_paused
from ..render.pages import PAGE_SIZE, Page, faq_for_language, faq_topic_slugs, page_count, plan_pages
from ..publish.assets import static_files
from ..publish.files import business_files, logo_card_work, write_publishing_files
from ..render.logo_card import card_filename, logo_cards
from ..cache.store import Store
from ..read.load import unread_warnings
from ..publish.link_check import broken_links, content_links
from ..publish.links import Findings, Targets, planned_targets, static_paths
from ..render.renderer import Renderer, render_pages
from ..search.from_site import category_names, search_records
from ..search.keeper import InlineIndexes, IndexHelper, keep_indexes
from ..publish.seo import sitemap_files
from ..decide.site import Site, assemble_site
from ..render.template_deps import TemplateReads, template_reads
from ..render.templates import template_dirs, template_diagnostic
from ..decide.tiers import TIER_ORDER, Tier
from ..render.views import Language, business_path
from ..publish.staging import Staging, check_output_location

LISTINGS = ("home", "category", "tier")
SITE_ONLY = ("categories", "lookup", "404")  # pages showing nothing beyond the shared values
IN_MEMORY_PAGES = 3000  # more than this (a template edit) are rendered by workers into a scratch folder


@dataclass(frozen=True, slots=True)
class Update:
    """What one build or update did, for the terminal and the browser overlay."""

    ok: bool
    full: bool
    errors: tuple[Diagnostic, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    pages: int = 0  # pages rendered
    written: int = 0  # files written (pages included)
    removed: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.ok:
            count = len(self.errors)
            return f"{count} error{'s' if count != 1 else ''}; still serving the last good site"
        kind = "built" if self.full else "updated"
        return (f"{kind} in {self.seconds * 1000:.0f} ms: {self.pages} pages rendered, "
                f"{self.written} files written, {self.removed} removed")


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
        self.template_stamps: dict[str, Stamp | None] = {}
        self.pending_templates: set[str] = set()
        self.indexes: InlineIndexes | IndexHelper | None = None
        self.search_pending = False  # a rebuild of the search index waits for catch_up()
        self.sitemap_pending = False  # pages came or went, and the sitemap waits for catch_up()

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
            self.template_stamps = self._template_stamps()
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
                stats, problems, findings = render_pages(renderer, [page for page in pages if page.kind not in LISTINGS],
                                                         staging.dir, self.jobs, template_dirs(self.templates))
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
            self._data_outputs_in_full(site, staging)
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
            self._reads(renderer, page, self.reads)
        for page in next(iter(self.business_pages.values()), ()):
            self._reads(renderer, page, self.reads)
            renderer.render(page)  # warms what the first edit would otherwise pay for (Markdown, partials)
        sitemap_files(site, pages if self.plan_order_known else None, self.sitemap_entries)  # and each page's <url>
        self.cache.settled()
        return Update(True, True, (), tuple(sorted(diagnostics)), len(pages), staging.stats.files, 0,
                      time.perf_counter() - started)

    def _data_outputs_in_full(self, site: Site, staging: Staging) -> None:
        """Everything but pages, as ``build._write_site`` writes it, keeping what updates need."""
        language = Language(site.config.languages[0])
        self._json = LiveBusinessesJson(site, {i: business_json(listed, language) for i, listed in site.entries.items()})
        self._json.write_all(staging.write_bytes)
        self.search_pending = False
        self.logos: Counter[str] = Counter()
        for listed in site.entries.values():
            if listed.logo is not None:
                self.logos[listed.logo.filename] += 1
                staging.write_bytes(f"static/logos/{listed.logo.filename}", listed.logo.data)
        for work in logo_card_work(site, staging.dir, 1):
            staging.stats.add(work.function({"site": site, "store": self.store}, work.argument).stats)
        write_publishing_files(site, staging, self.jobs)  # sitemap, robots.txt, schema, contact cards, badges
        self.sitemaps = {p.name for p in staging.dir.glob("sitemap*.xml")}
        self.sitemap_entries: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = {}  # kept across updates
        self.sitemap_pending = False
        self.static = self._static_files()
        for path, data in self.static.items():
            staging.write_bytes(path, data)
        # what the stale-copy banner reads; site.yaml edits rebuild in full, so it is written only here
        staging.write_bytes(STATUS, status_json(validity(site.as_of, site.config.valid_days)))

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
        self.pending_templates |= self._template_changes(changed)
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
            views = _Views(self.renderer, renderer)
            renderer.follow(self.renderer, changed)
            if not self.pending_templates:
                renderer.adopt_cards(self.renderer, {i for lang in renderer.languages for i in views.cards_changed(lang, changed)},
                                     lambda name, lang: self._partial_shows_change(renderer, name, lang, views, reads))
            fresh = self._business_pages(site, changed)
            todo = [page for page in others.values()
                    if self._stale(page, old_site, site, changed, views, self._reads(renderer, page, reads))]
            todo += self._stale_business_pages(renderer, fresh, views, reads)
            rendered = self._render(renderer, todo)  # raises BuildFailed before anything is written
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
        if not (self.search_pending or self.sitemap_pending) or self.live is None:
            return None
        started = time.perf_counter()
        served = Served(self.output)
        if self.sitemap_pending:  # while a helper finishes the search index
            self._update_sitemap(self.live.site, served)
        if self.search_pending and self.indexes is not None:
            self.indexes.catch_up(served)
            self.search_pending = False
        return Update(True, False, written=served.written, removed=served.removed, seconds=time.perf_counter() - started)

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

    def _stale_business_pages(self, renderer: Renderer, fresh: Mapping[str, tuple[Page, ...]], views: "_Views",
                              reads: dict[str, TemplateReads | None]) -> list[Page]:
        """The changed businesses' pages, or every business page of a language if what they all share changed."""
        todo = [page for pages in fresh.values() for page in pages]
        sample = next(iter(fresh.values()), None) or next(iter(self.business_pages.values()), ())
        for example in sample:
            what = self._reads(renderer, example, reads)
            if what is None or what.templates & self.pending_templates or views.site_differs(example.lang, what):
                listed = renderer.site.entries
                todo += [page for business_id, pages in self.business_pages.items()
                         if business_id not in fresh and business_id in listed for page in pages if page.lang == example.lang]
        return todo

    def _partial_shows_change(self, renderer: Renderer, name: str, lang: str, views: "_Views",
                              reads: dict[str, TemplateReads | None]) -> bool:
        """Whether a partial rendered per business (its listing card) may read a site-wide value that changed."""
        if name not in reads:
            reads[name] = template_reads(renderer.envs[lang], name)
        return reads[name] is None or views.site_differs(lang, reads[name])  # type: ignore[arg-type]

    def _reads(self, renderer: Renderer, page: Page, reads: dict[str, TemplateReads | None]) -> TemplateReads | None:
        if page.template not in reads:
            reads[page.template] = template_reads(renderer.envs[page.lang], page.template)
        return reads[page.template]

    def _stale(self, page: Page, old: Site, new: Site, changed: frozenset[str], views: "_Views",
               reads: TemplateReads | None) -> bool:
        """Whether a page other than a business's may show something different now."""
        if self.others.get(page.path) != page or reads is None or reads.templates & self.pending_templates:
            return True
        if views.site_differs(page.lang, reads, page.number):
            return True
        if page.kind in LISTINGS:
            before, after = _listing(old, page), _listing(new, page)
            start = (page.number - 1) * PAGE_SIZE
            chunk = after[start:start + PAGE_SIZE]
            if chunk != before[start:start + PAGE_SIZE] or not views.cards_changed(page.lang, changed).isdisjoint(chunk):
                return True
            if page_count(len(before)) != page_count(len(after)):
                return True
            if len(before) != len(after) and reads.reads("pagination", "total", page.number):
                return True
            return page.kind == "category" and views.category_differs(page.key, reads)
        if page.kind in ("faq", "faq_index"):
            return faq_for_language(old, page.lang) != faq_for_language(new, page.lang)
        return page.kind not in SITE_ONLY  # a kind this module does not know: render it to be safe

    def _render(self, renderer: Renderer, pages: list[Page]) -> "_Rendered":
        if len(pages) > IN_MEMORY_PAGES:
            scratch = self.output.parent / f".badgedir-live-{self.output.name}-{os.getpid()}"
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir(parents=True)
            _, problems, findings = render_pages(renderer, pages, scratch, self.jobs, template_dirs(self.templates),
                                                 min_pages=0)
            if problems:
                shutil.rmtree(scratch, ignore_errors=True)
                raise BuildFailed(problems)
            return _Rendered({}, scratch, [p.path for p in pages], findings)
        html = {}
        for page in pages:
            try:
                data = renderer.render_bytes(page)
            except Exception as exc:  # a user's template can fail in any way; report where
                raise BuildFailed([template_diagnostic(exc, template_dirs(self.templates))]) from None
            if renderer.scanner is not None:
                renderer.scanner.scan(page, data.decode("utf-8"))
            html[page.path] = data
        return _Rendered(html, None, [], (renderer.scanner.take() if renderer.scanner else None) or Findings())

    def _targets(self, site: Site, pages: list[Page]) -> Targets:
        """What the preview's folder will hold, for checking the links of the pages it renders."""
        return planned_targets(site, [page for page in pages if page.kind != "business"], static_paths(self.templates))

    def _update_data(self, old: Site, site: Site, changed: frozenset[str], pages_changed: bool, served: Served,
                     defer_search: bool) -> None:
        """api/businesses.json, search and lookup, logos, publishing files and static assets."""
        language = Language(site.config.languages[0])
        fresh = {i: business_json(site.entries[i], language) for i in changed if i in site.entries}
        self._json.sync(site, changed, fresh, served)
        assert self.indexes is not None
        self.search_pending = not self.indexes.commit(served, wait=not defer_search)
        self._update_logos(old, site, changed, served)
        self._update_publishing(old, site, changed, pages_changed, served, defer_search)
        if any(name.startswith("static/") for name in self.pending_templates):
            static = self._static_files()
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
                           defer: bool) -> None:
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
            _write_if_changed(served, path, data)
        self.sitemap_pending |= pages_changed or any(  # a look-alike's page leaves the sitemap (publish/seo.py)
            (old.entries[i].imitates is None) != (site.entries[i].imitates is None)
            for i in present if i in old.entries)
        if self.sitemap_pending and not defer:
            self._update_sitemap(site, served)

    def _update_sitemap(self, site: Site, served: Served) -> None:
        """The sitemap, after pages came or went (for crawlers: the preview can show the pages first)."""
        pages = self._all_pages(site) if self.plan_order_known else None
        sitemaps = sitemap_files(site, pages, self.sitemap_entries)
        for path in sorted(self.sitemaps - sitemaps.keys()):
            served.remove(path)
        for path, text in sitemaps.items():
            _write_if_changed(served, path, text.encode("utf-8"))
        self.sitemaps = set(sitemaps)
        self.sitemap_pending = False

    # -- templates -----------------------------------------------------------

    def _template_stamps(self) -> dict[str, Stamp | None]:
        if self.templates is None or not self.templates.is_dir():
            return {}
        return {p.relative_to(self.templates).as_posix(): stamp_of(p)
                for p in sorted(self.templates.rglob("*")) if p.is_file() and not p.name.startswith(TEMP_PREFIX)}

    def _template_changes(self, changed: list[Path] | None) -> set[str]:
        """Names (relative to the templates folder) of templates added, edited or removed."""
        if self.templates is None:
            return set()
        base = Path(os.path.abspath(self.templates))
        if changed is not None and not any(p.is_relative_to(base) for p in changed):
            return set()
        stamps = self._template_stamps()
        names = {name for name in stamps.keys() | self.template_stamps.keys()
                 if stamps.get(name) != self.template_stamps.get(name)}
        if changed is not None:  # named by the watcher: changed even if saved twice in one clock tick
            names |= {p.relative_to(base).as_posix() for p in changed
                      if p.is_relative_to(base) and p.relative_to(base).as_posix() in stamps.keys() | self.template_stamps.keys()}
        self.template_stamps = stamps
        return names

    def _static_files(self) -> dict[str, bytes]:
        """static/ as a build publishes it (:func:`~generator.publish.assets.static_files`)."""
        return static_files(self.templates)


class _Views:
    """The values every page shares, before and after an edit, compared field by field."""

    def __init__(self, old: Renderer, new: Renderer) -> None:
        self.old, self.new = old, new
        self._site: dict[str, tuple[object, object]] = {}
        self._cards: dict[str, set[str]] = {}
        self._answers: dict[tuple[str, object], bool] = {}

    def site_differs(self, lang: str, reads: TemplateReads, number: int = 1) -> bool:
        read = reads.fields_on(number)
        if "site" not in read:
            return False
        if lang not in self._site:
            self._site[lang] = (self.old.site_view(lang), self.new.site_view(lang))
        key = (lang, id(read))  # the mappings live as long as the template reads they belong to
        if key not in self._answers:
            self._answers[key] = _differs(*self._site[lang], read["site"])
        return self._answers[key]

    def cards_changed(self, lang: str, changed: frozenset[str]) -> set[str]:
        """The changed businesses that look different on listings (a new description does not)."""
        if lang not in self._cards:
            old, new = self.old.site.entries, self.new.site.entries
            self._cards[lang] = {i for i in changed if i not in old or i not in new
                                 or self.old.card(i, lang) != self.new.card(i, lang)}
        return self._cards[lang]

    def category_differs(self, slug: str, reads: TemplateReads) -> bool:
        old = next((c for c in self.old.categories if c.slug == slug), None)
        new = next((c for c in self.new.categories if c.slug == slug), None)
        return _differs(old, new, reads.fields.get("category", {}))


def _differs(old: object, new: object, fields: Mapping[str, frozenset[str] | None] | None) -> bool:
    """Whether the read parts of two values differ: whole attributes, or the read attributes of their items."""
    if fields is None:
        return old != new
    for field, items in fields.items():
        before, after = getattr(old, field, None), getattr(new, field, None)
        if items is None or not isinstance(before, tuple) or not isinstance(after, tuple):
            if before != after:
                return True
        elif [[getattr(x, a, None) for a in sorted(items)] for x in before] != \
                [[getattr(x, a, None) for a in sorted(items)] for x in after]:
            return True
    return False


@dataclass(slots=True)
class _Rendered:
    """Rendered pages waiting to be written: in memory, or in a scratch folder."""

    html: dict[str, bytes]
    scratch: Path | None
    paths: list[str]
    findings: Findings  # the links left to check (generator.links)

    def folders(self, output: Path) -> list[Path]:
        """Where the site's files are once these pages are written (the served folder for the rest)."""
        return ([self.scratch] if self.scratch is not None else []) + [output]

    def write(self, served: Served) -> None:
        for path, data in self.html.items():
            served.write(path, data)
        for path in self.paths:
            served.adopt(self.scratch / path, path)  # type: ignore[operator]

    def discard(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def _topic_slugs(site: Site) -> list[dict[str, str]]:
    return [faq_topic_slugs(site, lang) for lang in site.config.languages]


def _listing(site: Site, page: Page) -> tuple[str, ...]:
    if page.kind == "home":
        return site.alphabetical
    if page.kind == "tier":
        return site.tiers[Tier(page.key)]
    return next((c.ids for c in site.categories if c.slug == page.key), ())


def _write_if_changed(served: Served, rel: str, data: bytes) -> None:
    try:
        if served.path(rel).read_bytes() == data:
            return
    except OSError:
        pass
    served.write(rel, data)
