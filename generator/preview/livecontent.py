"""Stages 1–2 again, for a live preview: re-read only the files that changed.

A :class:`ContentCache` keeps what each content file yielded (its
:class:`~generator.load.FileResult`) with the file's size, mtime and inode,
and the cross-file indexes built from them (businesses by id, numbers in
use, verification records by business, businesses by company).  After an
edit, :meth:`ContentCache.refresh` re-reads the changed files only and
records which business ids need deciding again; the cross-file rules of
:mod:`generator.crosscheck` are re-run in full only when they can fail
(an id or number is used twice), to report exactly what a build reports.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..check import crosscheck
from ..check.crosscheck import id_key
from ..diagnostics import Diagnostic, errors_in
from ..cache.inputs import Ledger
from ..cache.readings import Readings
from ..cache.reads import cached_read
from ..cache.store import Store
from ..read.load import READ_SUFFIXES, FileResult, content_files, load_faq_page, load_site, read_file
from ..model import Business, Content, FaqPage, Logo, RegisterEntry, SiteConfig, Verification
from ..engine.parallel import map_in_processes
from ..decide.site import claim_errors

FOLDERS = {"businesses": "business", "register": "register", "verifications": "verification"}
Stamp = tuple[int, int, int]  # (mtime_ns, size, inode): a file saved in place or replaced by a rename


def stamp_of(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


@dataclass(slots=True)
class _File:
    kind: str
    stamp: Stamp | None
    result: FileResult


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What one :meth:`ContentCache.refresh` found."""

    config_changed: bool
    faq_changed: bool
    files: int  # content files re-read or dropped


@dataclass(slots=True)
class _Pending:
    """Changes not yet turned into a site: kept across failed rebuilds until one succeeds."""

    ids: set[str] = field(default_factory=set)
    companies: set[str] = field(default_factory=set)


def _read_task(task: tuple[str, Path, str, str, Path, Store]) -> tuple[str, FileResult]:
    kind, path, rel, region, content_dir, store = task
    return rel, cached_read(store, read_file, kind, path, rel, region, content_dir)


class ContentCache:
    """The content folder as last read, file by file, with the indexes the tier rules look things up in."""

    def __init__(self, content_dir: Path, jobs: int = 1, store: Store | None = None) -> None:
        """``store``: the build cache, shared with ``badgedir build``: files read by either are not parsed again."""
        self.dir = content_dir
        self.jobs = jobs
        self.store = store if store is not None else Store()
        self.config: SiteConfig | None = None
        self.config_problems: list[Diagnostic] = []
        self.config_stamp: Stamp | None = None
        self.files: dict[str, _File] = {}
        self.faq_files: dict[str, tuple[Stamp | None, FaqPage | None, list[Diagnostic]]] = {}
        self.pending = _Pending()
        self._businesses: dict[str, list[Business]] = {}
        self._id_keys: Counter[str] = Counter()
        self._numbers: Counter[str] = Counter()
        self._clashes = 0
        self._logos: dict[str, Logo] = {}
        self._records: dict[str, list[Verification]] = {}
        self._by_company: dict[str, set[str]] = {}
        self._logo_users: dict[Path, set[str]] = {}
        self._logo_stamps: dict[Path, Stamp | None] = {}
        self._error_files: set[str] = set()
        self.register: dict[str, RegisterEntry] = {}
        self._register_problems: list[Diagnostic] = []
        self.ledger_source: Callable[[], Ledger | None] | None = None  # the inputs' ledger, for the first pass

    # -- reading -----------------------------------------------------------

    def refresh(self, hints: Iterable[Path] | None = None) -> Refreshed:
        """Re-read what changed: the given paths, or (``None``) whatever a scan of the folder finds changed."""
        hinted = None if hints is None else {Path(os.path.abspath(p)) for p in hints}
        config_changed = self._refresh_config(hinted)
        if config_changed:  # another region reads every number differently: start afresh
            config, problems, stamp = self.config, self.config_problems, self.config_stamp
            self.__init__(self.dir, self.jobs, self.store)  # type: ignore[misc]
            self.config, self.config_problems, self.config_stamp = config, problems, stamp
            hinted = None
        if self.config is None:
            return Refreshed(config_changed, False, 0)
        region = self.config.default_region
        tasks = []
        for rel, (kind, path) in sorted(self._candidates(hinted).items()):
            known = self.files.get(rel)
            stamp = stamp_of(path) if kind else None
            # A path the watcher named is re-read even if its stamp looks the same (two saves in one clock tick).
            stale = known is not None and (hinted is not None or known.stamp != stamp or known.kind != kind)
            if stale:
                self._drop(rel)
            if stamp is not None and (known is None or stale):
                tasks.append((kind, path, rel, region, self.dir, self.store))
        queued = {t[2] for t in tasks}
        for rel in sorted(self._logo_dependants(hinted) - queued):
            self._drop(rel)
            tasks.append(("business", self.dir / rel, rel, region, self.dir, self.store))
        stamps = {t[2]: stamp_of(t[1]) for t in tasks}
        readings = self._readings(region) if hinted is None else None
        if readings is not None:  # the first pass: what the last build or preview read is not read again
            left = []
            for task in tasks:
                known, signature = readings.reuse(task[2]), readings.signature(task[2])
                if isinstance(known, FileResult) and signature is not None:
                    # stamped as the ledger saw it: an edit made since then is read at the next refresh
                    self._add(task[2], _File(_kind_of(task[2]), (signature[2], signature[1], signature[4]), known))
                else:
                    left.append(task)
            tasks = left
        for rel, result in map_in_processes(_read_task, tasks, self.jobs, min_items=256):
            self._add(rel, _File(_kind_of(rel), stamps[rel], result))
            if readings is not None:
                readings.made_reading(rel, result)
        if readings is not None:
            readings.save(sorted(self.files))
        faq_changed = self._refresh_faq(hinted)
        return Refreshed(config_changed, faq_changed, len(tasks))

    def _readings(self, region: str) -> Readings | None:
        """The readings of the last build or preview (cache/readings.py), for the first full pass only."""
        source, self.ledger_source = self.ledger_source, None
        ledger = source() if source is not None else None
        return Readings.open(self.store, ledger, self.dir, region) if ledger is not None else None

    def _refresh_config(self, hinted: set[Path] | None) -> bool:
        """Re-read site.yaml if it may have changed; whether the configuration is now different."""
        path = self.dir / "site.yaml"
        if hinted is not None and Path(os.path.abspath(path)) not in hinted and self.config_stamp is not None:
            return False
        stamp = stamp_of(path)
        if stamp is not None and stamp == self.config_stamp:
            return False
        before = self.config
        self.config_stamp = stamp
        self.config, self.config_problems = load_site(self.dir)
        return self.config != before

    def _candidates(self, hinted: set[Path] | None) -> dict[str, tuple[str, Path]]:
        """Content files that may have changed: rel → (kind, path); kind "" for one that is gone."""
        found: dict[str, tuple[str, Path]] = {}
        if hinted is None:
            for folder, kind in FOLDERS.items():
                for path in content_files(self.dir, folder):
                    found[path.relative_to(self.dir).as_posix()] = (kind, path)
            for rel in self.files:
                found.setdefault(rel, ("", self.dir / rel))
            return found
        base = Path(os.path.abspath(self.dir))
        for path in hinted:
            if not path.is_relative_to(base):
                continue
            rel = path.relative_to(base).as_posix()
            parts = rel.split("/")
            if len(parts) == 2 and parts[0] in FOLDERS:
                listed = path.name.endswith(READ_SUFFIXES[parts[0]]) and not path.name.startswith(".")
                found[rel] = (FOLDERS[parts[0]] if listed and os.path.isfile(path) else "", self.dir / rel)
        return found

    def _logo_dependants(self, hinted: set[Path] | None) -> set[str]:
        """Business files to re-read because a file they point at (a logo) changed, or might now exist.

        A file whose logo was missing has an error and no business to say which logo it wanted, so files
        with errors are re-read whenever anything outside the content files changed.
        """
        if hinted is None:
            touched = {path for path, stamp in self._logo_stamps.items() if stamp_of(path) != stamp}
        else:
            touched = {p.resolve() for p in hinted if not _is_content_file(p, self.dir)}
            if not touched:
                return set()
        found = {rel for path in touched for rel in self._logo_users.get(path, ())}
        return found | {rel for rel in self._error_files if self.files[rel].kind == "business"}

    def _refresh_faq(self, hinted: set[Path] | None) -> bool:
        if hinted is not None and not any(p.is_relative_to(Path(os.path.abspath(self.dir / "faq"))) for p in hinted):
            return False
        paths = {p.relative_to(self.dir).as_posix(): p for p in content_files(self.dir, "faq", (".md",))}
        changed = False
        for rel in list(self.faq_files):
            if rel not in paths:
                del self.faq_files[rel]
                changed = True
        for rel, path in paths.items():
            stamp = stamp_of(path)
            if rel not in self.faq_files or self.faq_files[rel][0] != stamp:
                self.faq_files[rel] = (stamp, *load_faq_page(path, rel))
                changed = True
        return changed

    # -- the indexes -------------------------------------------------------

    def _add(self, rel: str, file: _File) -> None:
        self.files[rel] = file
        result = file.result
        if errors_in(result.diagnostics):
            self._error_files.add(rel)
        for business in result.businesses:
            self._businesses.setdefault(business.id, []).append(business)
            self._count(self._id_keys, id_key(business.id), +1)
            self._count(self._numbers, business.whatsapp, +1)
            self.pending.ids.add(business.id)
            if business.company_id:
                self._by_company.setdefault(business.company_id, set()).add(business.id)
            if business.logo:
                logo_path = (self.dir / business.logo).resolve()
                self._logo_users.setdefault(logo_path, set()).add(rel)
                self._logo_stamps[logo_path] = stamp_of(logo_path)
        self._logos.update(result.logos)
        for record in result.verifications:
            self._records.setdefault(record.business, []).append(record)
            self.pending.ids.add(record.business)
        if file.kind == "register":
            self._rebuild_register()

    def _drop(self, rel: str) -> None:
        file = self.files.pop(rel)
        result = file.result
        self._error_files.discard(rel)
        for business in result.businesses:
            same = self._businesses[business.id]
            same.remove(business)
            if not same:
                del self._businesses[business.id]
            self._count(self._id_keys, id_key(business.id), -1)
            self._count(self._numbers, business.whatsapp, -1)
            self.pending.ids.add(business.id)
            if business.company_id:
                self._by_company[business.company_id].discard(business.id)
            if business.logo:
                self._logo_users.get((self.dir / business.logo).resolve(), set()).discard(rel)
        for business_id in result.logos:  # another file may still give this (duplicate, so refused) id a logo
            self._logos.pop(business_id, None)
            for other in self._businesses.get(business_id, ()):
                logo = self.files[other.source.path].result.logos.get(business_id)
                if logo is not None:
                    self._logos[business_id] = logo
        for record in result.verifications:
            self._records[record.business].remove(record)
            self.pending.ids.add(record.business)
        if file.kind == "register":
            self._rebuild_register()

    def _count(self, counter: Counter[str], key: str, step: int) -> None:
        before = counter[key]
        counter[key] = before + step
        if counter[key] <= 0:
            del counter[key]
        self._clashes += (counter.get(key, 0) > 1) - (before > 1)

    def _rebuild_register(self) -> None:
        entries = [e for rel in sorted(self.files) if self.files[rel].kind == "register" for e in self.files[rel].result.register]
        register, self._register_problems = crosscheck.check_register(entries)
        for company_id in register.keys() | self.register.keys():
            if register.get(company_id) != self.register.get(company_id):
                self.pending.companies.add(company_id)
        self.register = register

    # -- what the site is decided from ------------------------------------------

    def errors(self, as_of: date | None = None) -> list[Diagnostic]:
        """Every error a build would report before deciding tiers; empty when the content can be built.

        Given ``as_of`` and some error, also the errors of the tiers that can still be decided
        (as :func:`generator.content.read_content` reports them).
        """
        problems = list(errors_in(self.config_problems))
        if self.config is None:
            return problems or [Diagnostic("site.yaml", 0, "missing or unreadable")]
        claims = []
        for rel in sorted(self._error_files):
            problems += errors_in(self.files[rel].result.diagnostics)
            claims += self.files[rel].result.claims
        if self._clashes or claims:
            problems += errors_in(crosscheck.check_businesses(self.all_businesses(), claims)[1])
        problems += errors_in(self._register_problems)
        for _, _, faq_problems in self.faq_files.values():
            problems += errors_in(faq_problems)
        problems += errors_in(crosscheck.check_faq(self.faq_pages_read(), self.config.languages)[1])
        evidence_right = not self._register_problems and all(self.files[rel].kind == "business" for rel in self._error_files)
        if problems and as_of is not None and evidence_right:
            businesses, _ = crosscheck.check_businesses(self.all_businesses(), claims)
            problems += claim_errors(businesses, self.register, self.records, as_of)
        return sorted(problems)

    def dirty_ids(self) -> set[str]:
        """Businesses to decide again: edited, added or removed, or whose register row or records changed."""
        found = set(self.pending.ids)
        for company_id in self.pending.companies:
            found |= self._by_company.get(company_id, set())
        return found

    def settled(self) -> None:
        """The pending changes are now in the site being served."""
        self.pending = _Pending()

    def business(self, business_id: str) -> Business | None:
        same = self._businesses.get(business_id)
        return same[0] if same else None

    def all_businesses(self) -> Iterator[Business]:
        for same in self._businesses.values():
            yield from same

    def records(self, business_id: str) -> tuple[Verification, ...]:
        return tuple(sorted(self._records.get(business_id, ()), key=lambda r: r.source))

    def logo(self, business_id: str) -> Logo | None:
        return self._logos.get(business_id)

    def faq_pages_read(self) -> list[FaqPage]:
        return [page for _, page, _ in (self.faq_files[rel] for rel in sorted(self.faq_files)) if page]

    def faq(self) -> tuple[FaqPage, ...]:
        assert self.config is not None
        return tuple(crosscheck.check_faq(self.faq_pages_read(), self.config.languages)[0])

    def content(self) -> Content:
        """The whole content, as :func:`generator.content.read_content` returns it (for a first, full build)."""
        assert self.config is not None
        businesses, _ = crosscheck.check_businesses(self.all_businesses())
        kept = {b.id for b in businesses}
        records = sorted((r for rs in self._records.values() for r in rs), key=lambda r: r.source)
        return Content(site=self.config, businesses=tuple(businesses), register=self.register,
                       verifications=tuple(records), faq=self.faq(),
                       logos={k: v for k, v in sorted(self._logos.items()) if k in kept})


def _kind_of(rel: str) -> str:
    return FOLDERS[rel.split("/", 1)[0]]


def _is_content_file(path: Path, content_dir: Path) -> bool:
    base = Path(os.path.abspath(content_dir))
    if not path.is_relative_to(base):
        return True
    parts = path.relative_to(base).parts
    return (len(parts) == 2 and parts[0] in FOLDERS) or parts[:1] == ("faq",) or parts == ("site.yaml",)
