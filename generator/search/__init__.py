"""Client-side search and number lookup for a site with no server behind it.

The build calls ``write_search_indexes`` once, after tiers are decided; the
browser side is ``templates/static/search.js`` and ``lookup.js``.  Index
formats are described in ``text_index`` and ``number_index``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.engine.memory import collector_paused
from generator.search.number_index import build_number_index
from generator.search.records import SearchRecord
from generator.search.text_index import build_text_index
from generator.publish.writing import WriteStats, write_file

__all__ = ["SearchRecord", "write_search_indexes"]


def write_search_indexes(records: Sequence[SearchRecord], out_dir: Path, default_region: str,
                         stats: WriteStats | None = None) -> list[str]:
    """Write every search and lookup file under ``out_dir`` (counted in ``stats``); return their relative
    paths, sorted.

    Deterministic: the same records give byte-identical files.
    """
    for record in records:
        record.check()
    stats = WriteStats() if stats is None else stats
    written: list[str] = []
    for build in (build_text_index, lambda r: build_number_index(r, default_region)):
        with collector_paused():  # millions of small acyclic objects: collections would find nothing
            files = build(records)
        for path, body in files.items():
            write_file(out_dir, path, body, stats)
        written += files
        del files  # one index in memory at a time (a 100,000-business build)
    return sorted(written)
