"""Stages 1–2 together: read every content file, then check across files.

The result is a :class:`~generator.model.Content` or the complete list of
reasons there is none.  Reading files is the slow part of a large build, so
the per-file work can be spread over processes (``jobs``), or over a cluster's
workers (an :class:`~generator.engine.executors.Executor`); checking across
files sees every file and runs here.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from ..check import crosscheck
from ..diagnostics import Diagnostic, errors_in
from .formats import format_of
from .load import FileResult, content_files, load_faq_page, read_file, read_site, unread_warnings
from ..model import Content, Verification
from ..engine.executors import Executor, LocalExecutor
from ..cache.inputs import Ledger
from ..cache.readings import Readings
from ..cache.reads import cached_read
from ..cache.store import Store
from ..decide.site import claim_errors
from .spans import SPLIT_FROM, Span, plan_spans, rest_of


def read_content(content_dir: Path, jobs: int = 1, store: Store | None = None,
                 as_of: date | None = None, executor: Executor | None = None,
                 ledger: Ledger | None = None) -> tuple[Content | None, list[Diagnostic]]:
    """Every content file read (from the cache where it has not changed) and checked across files:
    the content, or None with every reason there is none.

    Everything that can be checked is, in one run: a broken site.yaml does not
    stop the other files being read (in its ``default_region`` if that field
    is right), a business with a field error still has its id, number and
    logo checked against the others, and, given ``as_of``, the businesses that
    are right get their tiers decided for the errors a tier brings (a name
    claiming a badge) as long as the register and verification files are right.
    ``ledger``: the build's ledger of inputs, which says whose readings of the
    last build still hold (:mod:`~generator.cache.readings`).
    """
    store = store if store is not None else Store()
    site, region, diagnostics = read_site(content_dir)
    diagnostics += unread_warnings(content_dir)
    files = [("business", p) for p in content_files(content_dir, "businesses")]
    files += [("register", p) for p in content_files(content_dir, "register")]
    files += [("verification", p) for p in content_files(content_dir, "verifications")]
    rels = [_rel(path, content_dir) for _, path in files]
    readings = Readings.open(store, ledger, content_dir, region)
    results = read_files(files, region, content_dir, jobs, store, executor, readings)
    if readings is not None:
        readings.save(rels)
    merged = FileResult()
    evidence_right = bool(region)
    for (kind, _), result in zip(files, results):
        merged.businesses += result.businesses
        merged.logos.update(result.logos)
        merged.register += result.register
        merged.verifications += result.verifications
        merged.claims += result.claims
        diagnostics += result.diagnostics
        if kind != "business" and (result.unread or errors_in(result.diagnostics)):
            evidence_right = False
    faq_pages = []
    for path in content_files(content_dir, "faq", (".md",)):
        page, problems = load_faq_page(path, path.relative_to(content_dir).as_posix())
        diagnostics += problems
        if page:
            faq_pages.append(page)
    businesses, problems = crosscheck.check_businesses(merged.businesses, merged.claims)
    diagnostics += problems
    register, problems = crosscheck.check_register(merged.register)
    diagnostics += problems
    evidence_right = evidence_right and not errors_in(problems)
    diagnostics += crosscheck.check_verifications(merged.verifications, businesses, merged.claims)
    faq, problems = crosscheck.check_faq(faq_pages, site.languages if site is not None else ("en",))
    diagnostics += problems
    if site is None or errors_in(diagnostics):
        if as_of is not None and evidence_right:
            records: dict[str, list[Verification]] = {}
            for record in sorted(merged.verifications, key=lambda v: v.source):
                records.setdefault(record.business, []).append(record)
            diagnostics += claim_errors(businesses, register, lambda i: records.get(i, ()), as_of)
        return None, diagnostics
    kept = {b.id for b in businesses}
    content = Content(
        site=site, businesses=tuple(businesses), register=register,
        verifications=tuple(sorted(merged.verifications, key=lambda v: v.source)), faq=tuple(faq),
        logos={k: v for k, v in sorted(merged.logos.items()) if k in kept},
    )
    return content, diagnostics


def read_files(files: list[tuple[str, Path]], region: str, content_dir: Path, jobs: int,
               store: Store | None = None, executor: Executor | None = None,
               readings: Readings | None = None) -> list[FileResult]:
    """What each file yielded, in file order; a big file is read in spans on every core (see spans.py).

    The register and verification files are few and large: their spans go
    first, so they do not leave one worker busy at the end while the other
    waits.  A span that could not be read as a piece of its file is read again
    with the rest of the file, in one piece, so errors read as a whole-file
    read reports them.  Each span is a piece of work of the build cache
    (``store``) keyed on its own bytes.
    """
    store = store if store is not None else Store()
    executor = executor or LocalExecutor(jobs)
    jobs = executor.jobs
    tasks: list[tuple[str, Path, str, Path, Store, Span | None]] = []
    owner: list[int] = []  # the file each task reads
    total = 0
    many = sum(kind == "business" for kind, _ in files) >= MANY_FILES
    reused: dict[int, FileResult] = {}
    for n, (kind, path) in enumerate(files):
        known = readings.reuse(_rel(path, content_dir)) if readings is not None else None
        if isinstance(known, FileResult):
            reused[n] = known
            continue
        size = 0 if many and kind == "business" else _size(path)  # 100,000 small files: no stat each
        total += size
        spans = plan_spans(path, format_of(path) or "yaml", size, jobs) if size >= SPLIT_FROM else [None]
        for span in spans:
            tasks.append((kind, path, region, content_dir, store, span))
            owner.append(n)
    order = sorted(range(len(tasks)), key=lambda t: tasks[t][0] == "business")
    done: list[FileResult | None] = [None] * len(tasks)
    pooled = len(tasks) >= 64 or total >= POOL_BYTES
    for t, (result, counts) in zip(order, executor.map(_read_one, [tasks[t] for t in order],
                                                       1 if pooled else 10**9)):
        done[t] = result
        store.add(counts)
    results = [FileResult() for _ in files]
    for t, result in enumerate(done):
        assert result is not None
        into = results[owner[t]]
        if into.failed:
            continue  # already read again to the end
        if result.failed:
            kind, path, *_, span = tasks[t]
            result, counts = _read_one((kind, path, region, content_dir, store, rest_of(span, _size(path))))
            store.add(counts)
            into.failed = True
        if result.fatal:
            results[owner[t]] = into = FileResult(failed=True)  # as a whole read: this error alone
        into.businesses += result.businesses
        into.logos.update(result.logos)
        into.register += result.register
        into.verifications += result.verifications
        into.claims += result.claims
        into.unread = into.unread or result.unread
        into.diagnostics += result.diagnostics
        into.looked_up += result.looked_up
    for n, result in reused.items():
        results[n] = result
    if readings is not None:
        for n, (_, path) in enumerate(files):
            if n not in reused:
                readings.made_reading(_rel(path, content_dir), results[n])
    return results


def _rel(path: Path, content_dir: Path) -> str:
    """``path`` relative to the content folder, with /: relative_to without its cost per file (100,000 files)."""
    text, prefix = str(path), os.path.join(content_dir, "")
    if text.startswith(prefix):
        return text[len(prefix):].replace(os.sep, "/")
    return path.relative_to(content_dir).as_posix()


POOL_BYTES = 1024 * 1024  # below this much to read (and 64 files), forking workers costs more than it saves
MANY_FILES = 256  # business files: so many keep every core busy without cutting any of them


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the reader reports why


def _read_one(task: tuple[str, Path, str, Path, Store, Span | None]) -> tuple[FileResult, object]:
    kind, path, region, content_dir, store, span = task
    before = store.counts()
    result = cached_read(store, read_file, kind, path, _rel(path, content_dir), region, content_dir, span)
    return result, store.take_since(before)
