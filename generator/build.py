"""The build, top to bottom: load → check → decide tiers → render → write.

Each stage returns new frozen values or diagnostics; nothing is written
until every stage has succeeded, and then only into a staging folder that
replaces the output at the very end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from .cache.inputs import Head
from .cache.memo import BuildMemo, recall_build
from .cache.store import DiskStore, Store
from .options import BuildOptions, BuildResult, Progress, resolve_as_of  # noqa: F401 (resolve_as_of: where it was)
from .publish.api import write_businesses_json
from .publish.link_check import broken_links, content_links
from .publish.links import Findings, Targets, planned_targets, static_paths
from .read.content import read_content
from .diagnostics import BuildFailed, Diagnostic, UsageError, errors_in
from .model import Content
from .engine.apart import apart
from .engine.memory import collector_paused
from .render.pages import Page, plan_pages
from .engine.executors import Executor, LocalExecutor, open_executor
from .engine.parallel import POOL_FROM, Work
from .publish.files import logo_card_work, write_site_files
from .render.recipe import drop_snapshot, write_recipe
from .render.entries import entry_work
from .render.renderer import Renderer, page_work
from .publish.seo import publishing_warnings
from .decide.site import Site, assemble_site
from .check.translations import translation_warnings
from .publish.assets import static_files
from .render.templates import template_dirs
from .publish.staging import Staging
from .record.feed import feed_files
from .record.manifest import PUBLIC_KEY, write_record
from .record.minisign import SecretKey
from .record.previous import PreviousSite, load_previous
from .record.changes import Previous, changes


def load_site(content_dir: Path, as_of: date, strict: bool = False, jobs: int = 1,
              progress: Progress | None = None, store: Store | None = None,
              executor: Executor | None = None, memo: BuildMemo | None = None) -> tuple[Site, list[Diagnostic]]:
    """Stages 1–3: everything short of rendering.  Raises :class:`BuildFailed` with every problem.

    ``executor`` reads the files and checks names (default: this machine's ``jobs`` processes); the
    rest of deciding tiers (the joins, the A–Z order) sees the whole directory and runs here.
    """
    progress = progress or Progress()
    if not content_dir.is_dir():
        raise UsageError(f"content folder {content_dir} does not exist")
    with collector_paused():  # millions of objects that live as long as the build
        progress.stage("reading content")
        if memo is not None and memo.keeps_ledger() and (executor is None or isinstance(executor, LocalExecutor)):
            # a warm read's scratch (the ledger, the last readings) stays in a child (engine/apart.py)
            content, diagnostics, counts, head = apart(_read_apart, content_dir, jobs, memo, as_of, executor)
            memo.store.add(counts)
            memo.adopt(head)
        else:
            content, diagnostics = read_content(content_dir, jobs, store, as_of, executor,
                                                memo.ledger_now() if memo is not None else None)
        site = None
        if content is not None:
            progress.stage("deciding tiers")
            site, more = assemble_site(content, as_of, jobs, executor)
            diagnostics += more + publishing_warnings(content.site) + translation_warnings(content.site.languages)
    if strict:
        diagnostics = [Diagnostic(d.path, d.line, d.message, "error") for d in diagnostics]
    if site is None or errors_in(diagnostics):
        raise BuildFailed(errors_in(diagnostics) or diagnostics)
    return site, sorted(diagnostics)


def _read_apart(content_dir: Path, jobs: int, memo: BuildMemo, as_of: date,
                executor: Executor | None) -> tuple[Content | None, list[Diagnostic], Store, Head | None]:
    """:func:`read_content` in the child: with the store's counts of its lookups (for the summary) and the
    ledger in brief (for the memo of this build), which is all of the ledger the parent keeps."""
    mark = memo.store.counts()
    content, diagnostics = read_content(content_dir, jobs, memo.store, as_of, executor, memo.ledger_now())
    return content, diagnostics, memo.store.take_since(mark), memo.head


def build(options: BuildOptions, progress: Progress | None = None,
          clock: Callable[[], float] = time.perf_counter, published: Callable[[], None] = lambda: None,
          memo: BuildMemo | None = None) -> BuildResult:
    """Build the site and publish it in one step; ``published`` is called in that same step (see
    :meth:`~generator.publish.staging.Staging.commit`), so the caller always knows which site is out.

    First, the whole build is looked up as one piece of work (:mod:`~generator.cache.memo`): when no
    input changed since the build that made the output folder, that folder is the answer."""
    started = clock()
    progress = progress or Progress()
    if memo is None:  # else the caller has looked (and found something to build)
        memo, unchanged = recall_build(options)
        if unchanged is not None:
            return unchanged
    if options.dask is not None:  # paths a worker elsewhere can open, whatever its working folder
        options = replace(options, content=options.content.absolute(), output=options.output.absolute(),
                          templates=options.templates.absolute() if options.templates else None,
                          cache=options.cache.absolute() if options.cache else None)
    with open_executor(options.jobs, options.dask, options.dask_timeout) as executor:  # before anything is read
        result = _build(options, executor, memo, progress, clock, started, published)
    memo.remember(result)
    return result


def _build(options: BuildOptions, executor: Executor, memo: BuildMemo, progress: Progress,
           clock: Callable[[], float], started: float, published: Callable[[], None]) -> BuildResult:
    store = memo.store
    executor.require([folder for folder in (options.content, options.templates, options.cache)
                      if folder is not None])  # a worker elsewhere reads through these paths (and writes the cache)
    site, warnings = load_site(options.content, options.as_of, options.strict, options.jobs, progress, store,
                               executor, memo)
    memo.release()
    previous = _previous_copy(options)
    record = record_files(site, previous.feed if previous else None, options.sign_key)
    pages = plan_pages(site, businesses=False)  # the business pages are made by the workers
    page_total = len(pages) + len(site.entries) * len(site.config.languages)
    targets = planned_targets(site, pages, static_paths(options.templates)) if options.check_links else None
    renderer = Renderer(site, options.templates, store=store, links=targets)
    renderer.publish_key(options.sign_key.public if options.sign_key else None)
    renderer.prepare_cache(pages)
    staging = Staging(options.output)
    try:
        progress.stage("rendering pages", page_total)
        findings = _write_site(site, renderer, pages, page_total, options, staging, progress, executor, targets)
        for path, data in record.items():  # the feed and the public key, listed in the manifest like any file
            staging.write_bytes(path, data)
        if options.check_links:
            warnings += _check_links(site, findings, options, staging.dir)
        progress.stage("signing the manifest" if options.sign_key else "writing the manifest")
        valid = write_record(staging.dir, staging.write_bytes, site.config.valid_days, site.as_of, options.sign_key,
                             previous.copy if previous else None, staging.stats.hashes)  # last: it lists every other file
        removed = staging.removed()
        staging.commit(published)
    except BaseException:
        staging.discard()  # before the swap: the unfinished site; after it: the old one
        raise
    store.prune()
    notes = tuple(n for n in (*store.notes, store.describe()) if n) if isinstance(store, DiskStore) else ()
    return BuildResult(staging.stats.files, staging.stats.bytes, page_total, site.tier_counts(),
                       tuple(sorted(warnings)), clock() - started, staging.stats.kept, removed, notes,
                       valid.version, valid.valid_until)


def _previous_copy(options: BuildOptions) -> "PreviousSite | None":
    """The copy being replaced, checked against the site's key before anything of it is used."""
    if options.previous is None:
        return None
    key = options.previous_key or (options.sign_key.public if options.sign_key else None)
    if key is None:
        raise UsageError("--previous: the previous copy is checked with the site's key: give --sign-key "
                         "(or --previous-key PUBFILE)")
    return load_previous(options.previous, key)


def record_files(site: Site, previous: Previous | None, key: SecretKey | None) -> dict[str, bytes]:
    """The feed of tier changes, and the public key consumers pin (issue #17), by output path."""
    files = feed_files(site, changes(site, previous))
    if key is not None:
        files[PUBLIC_KEY] = key.public.text().encode("ascii")
    return files


def _write_site(site: Site, renderer: Renderer, pages: list[Page], page_total: int, options: BuildOptions,
                staging: Staging, progress: Progress, executor: Executor | None = None,
                targets: Targets | None = None) -> Findings:
    """Stage 5: every page and data file, by one pool of workers (``executor``: this machine's, or a cluster's).

    The site-wide files (search and lookup indexes, ``api/businesses.json``,
    the sitemap) are single pieces of work that take seconds on a large
    directory; they go first, so one worker builds them while the others
    render pages, instead of the whole machine waiting on one core at the end.
    """
    from .search.from_site import write_site_search  # search/ and lookup/ indexes (issue #3)

    executor = executor or LocalExecutor(options.jobs)
    target, dirs, jobs = staging.dir, template_dirs(options.templates), executor.jobs
    work = [Work(write_site_search, str(target)), Work(write_businesses_json, str(target)),
            Work(write_site_files, str(target))]
    work += logo_card_work(site, target, jobs)  # what social cards show of a verified business
    work += page_work(pages, target, dirs, jobs)
    work += entry_work(list(site.entries), target, staging.output, dirs)  # pages, contact cards, badges
    shared = {"site": site, "renderer": renderer}
    recipe = (write_recipe(site, pages, targets, options.templates, renderer.store,
                           options.sign_key.public if options.sign_key else None, staging)
              if executor.remote else None)  # a worker that did not fork makes ``shared`` from this
    problems: list[Diagnostic] = []
    findings = Findings()
    try:
        for done in executor.run(work, shared, recipe, min_items=2 if page_total >= POOL_FROM else 10**9):
            staging.stats.add(done.stats)
            if done.cache is not None:
                renderer.store.add(done.cache)
            progress.advance(done.pages)
            problems += done.problems
            if done.links:
                findings.add(done.links)
            if problems:
                raise BuildFailed(problems)
    finally:
        if recipe is not None:
            drop_snapshot(staging)
    logos = {listed.logo.filename: listed.logo.data for listed in site.entries.values() if listed.logo is not None}
    for filename, data in sorted(logos.items()):  # named by content hash: businesses sharing one logo share the file
        staging.write_bytes(f"static/logos/{filename}", data)
    for path, data in static_files(options.templates).items():
        staging.write_bytes(path, data)
    return findings


def _check_links(site: Site, findings: Findings, options: BuildOptions, site_dir: Path) -> list[Diagnostic]:
    """Stage 6: a broken link a template wrote fails the build at that template's line; one the
    content's Markdown wrote is a warning at its file and line (an error with ``--strict``)."""
    broken = broken_links(site, findings, options.templates, [site_dir])
    if broken:
        raise BuildFailed(broken)
    warnings = content_links(site, [site_dir])
    if options.strict and warnings:
        raise BuildFailed([Diagnostic(w.path, w.line, w.message, "error") for w in warnings])
    return warnings
