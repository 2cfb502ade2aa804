"""Each business's files as one keyed piece of work, in partitions: an unchanged business costs a stat.

A business's page in every language, its contact card and its badge show one
decided entry (:class:`~generator.decide.site.Listed`), the site's settings
(``site.config``) and what every business page shares: badgedir's code, the
templates, the FAQ topics and the attributes of ``site`` the business template
reads (:class:`~generator.cache.pages.PageKeys`).  The hash of those is the
business's *entry key*, found without building a page's context.

Businesses are split into partitions by a hash of their id, so a partition
holds the same businesses from build to build whatever is added elsewhere.  A
partition is one piece of work, and its *record* is kept in the store under the
output folder and the partition: for each business its entry key, each file's
SHA-256 and size and the identity (device, inode, size, mtime) of the file
linked or written for it, and the internal links of each page.  A record is a
statement about files, true whichever build made it: *the file with this
identity holds the bytes this key renders*.  So a business whose key is the
recorded one, and whose published files still have their recorded identity,
is linked into the staging folder without being rendered, read or compared.
Its links are checked again from the record (a page's links with its own id
left out are the same for nearly every business, so each distinct set is
checked once per worker), and its hashes go to the manifest unread.

Like the whole-build memo, this does not look inside a published file whose
identity is unchanged: a file edited by hand in ``output/`` keeping its size
and mtime is found by ``badgedir verify``, and ``--no-cache`` writes it again.
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path
from typing import Any

from ..cache.keys import digest
from ..engine.parallel import Work
from ..publish.files import business_files
from ..publish.links import normalized_links
from ..publish.writing import WriteStats, Written, make_folders_below, published_for, write_file
from .pages import business_page
from .renderer import Renderer
from .templates import template_diagnostic

PARTITION_SIZE = 1000  # businesses per partition, about: a power of two of partitions, so the count changes rarely
File = tuple[str, str, int, int, int, int]  # path, SHA-256, size, device, inode, mtime (ns)
Entry = tuple[str, tuple[File, ...], tuple[int, ...]]  # entry key, files, link set of each page (into the record's)


def partition_count(businesses: int) -> int:
    """Partitions for a directory of this size: a power of two, so that it moves only when the directory
    doubles or halves (every record is keyed by it, and is made again when it moves)."""
    return 2 ** max(0, min(12, math.ceil(math.log2(max(1, businesses) / PARTITION_SIZE))))


def partition_of(business_id: str, count: int) -> int:
    return int.from_bytes(hashlib.blake2b(business_id.encode("utf-8"), digest_size=4).digest(), "big") % count


def entry_work(ids: list[str], target: Path, output: Path, dirs: list[Path]) -> list[Work]:
    """One piece of work per partition of ``ids``, for :func:`~generator.engine.parallel.run_work` with
    ``{"renderer": ...}`` shared: each makes the files of its businesses in ``target``."""
    count = partition_count(len(ids))
    parts: list[list[str]] = [[] for _ in range(count)]
    for business_id in ids:
        parts[partition_of(business_id, count)].append(business_id)
    return [Work(make_partition, (number, count, part, str(target), str(output), dirs))
            for number, part in enumerate(parts) if part]


def make_partition(shared: dict[str, Any], task: tuple[int, int, list[str], str, str, list[Path]]) -> Written:
    """The files of one partition's businesses: linked from the published site when their entry key and
    files are those recorded, else made; the partition's record then says what this build put there."""
    number, count, ids, target, output, dirs = task
    renderer: Renderer = shared["renderer"]
    base, store = Path(target), renderer.store
    published = published_for(base)
    record_key = digest("entries", output, count, number, renderer.scanner is not None)  # links kept, or not
    record = store.get_value("entries", record_key) if renderer.entry_base else None
    old: dict[str, Entry] = record[0] if isinstance(record, tuple) and len(record) == 2 else {}
    old_links: list[Any] = record[1] if old else []
    made = Made(renderer, base)
    mark = store.counts()
    for business_id in ids:
        key = renderer.entry_key(business_id)
        known = old.get(business_id)
        if (published is not None and known is not None and known[0] == key
                and all(made.clean(old_links[g]) for g in known[2]) and made.link(published, known[1])):
            made.entries[business_id] = (key, known[1], tuple(made.link_set(old_links[g]) for g in known[2]))
            continue
        try:
            made.make(business_id, key)
        except Exception as exc:  # a user's template can fail in any way; report where
            return Written(made.stats, len(ids), (template_diagnostic(exc, dirs),), store.take_since(mark))
    if renderer.entry_base and not made.unrecorded:
        store.put_value("entries", record_key, (made.entries, made.link_sets))
    return Written(made.stats, len(ids) * len(renderer.languages), (), store.take_since(mark),
                   renderer.scanner.take() if renderer.scanner is not None else None)


class Made:
    """What one partition put in the staging folder: counts, hashes for the manifest, the new record."""

    def __init__(self, renderer: Renderer, base: Path) -> None:
        self.renderer, self.base = renderer, base
        self.stats = WriteStats()
        self.entries: dict[str, Entry] = {}
        self.link_sets: list[Any] = []
        self._link_index: dict[Any, int] = {}
        self.unrecorded = False  # a file written while the record could not vouch for it: keep no record

    def clean(self, links: Any) -> bool:
        scanner = self.renderer.scanner
        return scanner is None or scanner.vouch(*links)

    def link_set(self, links: Any) -> int:
        index = self._link_index.get(links)
        if index is None:
            index = self._link_index[links] = len(self.link_sets)
            self.link_sets.append(links)
        return index

    def link(self, published: str, files: tuple[File, ...]) -> bool:
        """Link every recorded file into the staging folder, if each published one is still the recorded file."""
        for path, sha, size, device, inode, mtime in files:
            try:
                found = os.stat(os.path.join(published, path), follow_symlinks=False)
            except OSError:
                return False
            if (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns) != (device, inode, size, mtime):
                return False
        folders: set[str] = set()
        for path, *_ in files:
            target = os.path.join(self.base, path)
            folder = os.path.dirname(target)
            if folder not in folders:  # b/<id>/ is new in the staging folder: made here, not found missing
                folders.add(folder)
                try:
                    os.mkdir(folder)
                except FileExistsError:
                    pass
                except FileNotFoundError:
                    make_folders_below(str(self.base), folder)
            try:
                os.link(os.path.join(published, path), target)
            except OSError:  # no hard links here (another file system, say): made instead, and written
                return False  # over any link made so far (a file is unlinked before it is written)
        for path, sha, size, *_ in files:
            self.stats.files += 1
            self.stats.kept += 1
            self.stats.bytes += size
            self.stats.hashes[path] = (sha, size)
        return True

    def make(self, business_id: str, key: str) -> None:
        """Render and write the business's files (each linked instead when the published one has its bytes)."""
        renderer, site = self.renderer, self.renderer.site
        files: list[tuple[str, bytes]] = []
        links: list[int] = []
        for lang in site.config.languages:
            page = business_page(site, business_id, lang)
            data = renderer.render(page).encode("utf-8")  # not kept as a page too: the record is its cache
            if renderer.scanner is not None:
                found = renderer.scanner.scan(page, data.decode("utf-8"))
                if found is None:
                    self.unrecorded = True
                else:
                    links.append(self.link_set(normalized_links(page, found)))
            files.append((page.path, data))
        files += business_files(site, site.entries[business_id], renderer.languages[site.config.languages[0]]).items()
        recorded: list[File] = []
        for path, data in files:
            write_file(self.base, path, data, self.stats)
            sha = self.stats.hashes[path][0]  # type: ignore[index]
            found = os.stat(os.path.join(self.base, path), follow_symlinks=False)
            recorded.append((path, sha, len(data), found.st_dev, found.st_ino, found.st_mtime_ns))
        if key:
            self.entries[business_id] = (key, tuple(recorded), tuple(links))
