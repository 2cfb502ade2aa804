"""The build, top to bottom: load → check → decide tiers → render → write.

Each stage returns new frozen values or diagnostics; nothing is written
until every stage has succeeded, and then only into a staging folder that
replaces the output at the very end.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from .cache.store import DiskStore, Store, open_store
from .publish.api import write_businesses_json
from .read.content import read_content
from .diagnostics import BuildFailed, Diagnostic, UsageError, errors_in
from .engine.memory import collector_paused
from .render.pages import Page, plan_pages
from .engine.parallel import POOL_FROM, Work, default_jobs, run_work
from .publish.files import business_file_work, write_site_files
from .render.renderer import Renderer, business_page_work, page_work
from .publish.seo import publishing_warnings
from .decide.site import Site, assemble_site
from .check.translations import translation_warnings
from .render.templates import builtin_dir, template_dirs
from .publish.staging import Staging, check_output_location


class Progress:
    """Receives progress of long stages; the CLI shows it, the library stays silent."""

    def stage(self, name: str, total: int = 0) -> None: ...

    def advance(self, count: int = 1) -> None: ...


@dataclass(frozen=True, slots=True)
class BuildOptions:
    content: Path
    output: Path
    as_of: date
    templates: Path | None = None
    strict: bool = False
    jobs: int = field(default_factory=default_jobs)
    cache: Path | None = None  # the build cache's folder; None: build cold, read and write no cache


@dataclass(frozen=True, slots=True)
class BuildResult:
    files: int
    bytes: int
    pages: int
    tier_counts: dict[str, int]
    warnings: tuple[Diagnostic, ...]
    seconds: float
    kept: int = 0  # of ``files``: the published file itself, unchanged (same inode and mtime)
    removed: int = 0  # published files the new site no longer has
    notes: tuple[str, ...] = ()  # one line each: the cache was cold, or damaged entries were rebuilt


def resolve_as_of(text: str | None, environ: dict[str, str] | None = None) -> date:
    """``--as-of`` if given, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else today in UTC."""
    environ = os.environ if environ is None else environ
    if text is not None:
        try:
            return date.fromisoformat(text) if len(text) == 10 else _bad_date(text)
        except ValueError:
            raise UsageError(f"--as-of: '{text}' is not a date written YYYY-MM-DD") from None
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH: '{epoch}' is not a number of seconds") from None
    return datetime.now(timezone.utc).date()


def _bad_date(text: str) -> date:
    raise ValueError(text)


def load_site(content_dir: Path, as_of: date, strict: bool = False, jobs: int = 1,
              progress: Progress | None = None, store: Store | None = None) -> tuple[Site, list[Diagnostic]]:
    """Stages 1–3: everything short of rendering.  Raises :class:`BuildFailed` with every problem."""
    progress = progress or Progress()
    if not content_dir.is_dir():
        raise UsageError(f"content folder {content_dir} does not exist")
    with collector_paused():  # millions of objects that live as long as the build
        progress.stage("reading content")
        content, diagnostics = read_content(content_dir, jobs, store)
        site = None
        if content is not None:
            progress.stage("deciding tiers")
            site, more = assemble_site(content, as_of, jobs)
            diagnostics += more + publishing_warnings(content.site) + translation_warnings(content.site.languages)
    if strict:
        diagnostics = [Diagnostic(d.path, d.line, d.message, "error") for d in diagnostics]
    if site is None or errors_in(diagnostics):
        raise BuildFailed(errors_in(diagnostics) or diagnostics)
    return site, sorted(diagnostics)


def build(options: BuildOptions, progress: Progress | None = None,
          clock: Callable[[], float] = time.perf_counter) -> BuildResult:
    started = clock()
    progress = progress or Progress()
    check_output_location(options.content, options.output)
    store = open_store(options.cache)
    site, warnings = load_site(options.content, options.as_of, options.strict, options.jobs, progress, store)
    pages = plan_pages(site, businesses=False)  # the business pages are made by the workers
    page_total = len(pages) + len(site.entries) * len(site.config.languages)
    renderer = Renderer(site, options.templates, store=store)
    renderer.prepare_cache(pages)
    staging = Staging(options.output)
    try:
        progress.stage("rendering pages", page_total)
        _write_site(site, renderer, pages, page_total, options, staging, progress)
        removed = staging.removed()
        staging.commit()
    except BaseException:
        staging.discard()
        raise
    store.prune()
    notes = tuple(n for n in (*store.notes, store.describe()) if n) if isinstance(store, DiskStore) else ()
    return BuildResult(staging.stats.files, staging.stats.bytes, page_total, site.tier_counts(),
                       tuple(warnings), clock() - started, staging.stats.kept, removed, notes)


def _write_site(site: Site, renderer: Renderer, pages: list[Page], page_total: int, options: BuildOptions,
                staging: Staging, progress: Progress) -> None:
    """Stage 5: every page and data file, by one pool of workers.

    The site-wide files (search and lookup indexes, ``api/businesses.json``,
    the sitemap) are single pieces of work that take seconds on a large
    directory; they go first, so one worker builds them while the others
    render pages, instead of the whole machine waiting on one core at the end.
    """
    from .search.from_site import write_site_search  # search/ and lookup/ indexes (issue #3)

    target, dirs = staging.dir, template_dirs(options.templates)
    work = [Work(write_site_search, str(target)), Work(write_businesses_json, str(target)),
            Work(write_site_files, str(target))]
    work += page_work(pages, target, dirs, options.jobs)
    work += business_page_work(site, target, dirs, options.jobs)
    work += business_file_work(site, target, options.jobs)  # contact cards and badges (issue #7)
    shared = {"site": site, "renderer": renderer}
    problems: list[Diagnostic] = []
    for done in run_work(work, shared, options.jobs, min_items=2 if page_total >= POOL_FROM else 10**9):
        staging.stats.add(done.stats)
        if done.cache is not None:
            renderer.store.add(done.cache)
        progress.advance(done.pages)
        problems += done.problems
        if problems:
            raise BuildFailed(problems)
    logos = {listed.logo.filename: listed.logo.data for listed in site.entries.values() if listed.logo is not None}
    for filename, data in sorted(logos.items()):  # named by content hash: businesses sharing one logo share the file
        staging.write_bytes(f"static/logos/{filename}", data)
    user_static = options.templates / "static" if options.templates else None
    overridden: set[str] = set()
    if user_static and user_static.is_dir():
        staging.copy_tree(user_static, "static")
        overridden = {f"static/{p.relative_to(user_static).as_posix()}" for p in user_static.rglob("*") if p.is_file()}
    staging.copy_tree(builtin_dir("templates") / "static", "static", skip=overridden)
