"""Stages 1–2 together: read every content file, then check across files.

The result is a :class:`~generator.model.Content` or the complete list of
reasons there is none.  Reading files is the slow part of a large build, so
the per-file work can be spread over processes (``jobs``).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from ..check import crosscheck
from ..diagnostics import Diagnostic, errors_in
from .load import FileResult, content_files, load_faq_page, read_file, read_site, unread_warnings
from ..model import Content, Verification
from ..engine.parallel import map_in_processes
from ..cache.reads import cached_read
from ..cache.store import Store
from ..decide.site import claim_errors


def read_content(content_dir: Path, jobs: int = 1, store: Store | None = None,
                 as_of: date | None = None) -> tuple[Content | None, list[Diagnostic]]:
    """Every content file read (from the cache where it has not changed) and checked across files:
    the content, or None with every reason there is none.

    Everything that can be checked is, in one run: a broken site.yaml does not
    stop the other files being read (in its ``default_region`` if that field
    is right), a business with a field error still has its id, number and
    logo checked against the others, and, given ``as_of``, the businesses that
    are right get their tiers decided for the errors a tier brings (a name
    claiming a badge) as long as the register and verification files are right.
    """
    store = store if store is not None else Store()
    site, region, diagnostics = read_site(content_dir)
    diagnostics += unread_warnings(content_dir)
    tasks = [("business", p, region) for p in content_files(content_dir, "businesses")]
    tasks += [("register", p, region) for p in content_files(content_dir, "register")]
    tasks += [("verification", p, region) for p in content_files(content_dir, "verifications")]
    # The register and verification files are few and large (seconds each on a big directory): read them
    # first, so they do not leave one worker busy at the end while the other waits.  Merged in file order.
    order = sorted(range(len(tasks)), key=lambda n: tasks[n][0] == "business")
    results: list[FileResult | None] = [None] * len(tasks)
    work = [(tasks[n][0], tasks[n][1], region, content_dir, store) for n in order]  # paths: content_dir / <rel>
    for n, (result, counts) in zip(order, map_in_processes(_read_one, work, jobs)):
        results[n] = result
        store.add(counts)
    merged = FileResult()
    evidence_right = bool(region)
    for (kind, _, _), result in zip(tasks, results):
        assert result is not None
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


def _read_one(task: tuple[str, Path, str, Path, Store]) -> tuple[FileResult, Store]:
    kind, path, region, content_dir, store = task
    before = store.counts()
    text, prefix = str(path), os.path.join(content_dir, "")
    if text.startswith(prefix):  # relative_to without its cost per file (100,000 files)
        rel = text[len(prefix):].replace(os.sep, "/")
    else:
        rel = path.relative_to(content_dir).as_posix()
    result = cached_read(store, read_file, kind, path, rel, region, content_dir)
    return result, store.take_since(before)
