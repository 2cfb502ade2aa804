"""The number lookup index: "who wrote to me from +34 600 12 34 56?"

An exact-match table of E.164 numbers, spread by a hash of the number
(FNV-1a, as for typo keys) over files of about ``NUMBERS_PER_FILE`` numbers,
so a lookup fetches a tiny manifest and one file of ~10 KB however big the
directory.

The manifest also carries how to read a number typed without a country code
in the site's default region — its calling code, its national trunk prefix
(``0`` in GB and FR, none in ES) and its international dialling prefix —
computed here from ``phonenumbers`` metadata so ``lookup.js`` needs no
phone-number library.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

import phonenumbers
from phonenumbers import PhoneMetadata

from generator.search.records import TIERS, SearchRecord
from generator.search.text_index import dumps
from generator.search.typo_index import fnv1a

FORMAT = 2  # 2: rows carry the imitated name, not a warning in one language
NUMBERS_PER_FILE = 64  # ~10 KB even when many rows carry an impostor warning


def region_rules(region: str) -> dict[str, str]:
    """Calling code, trunk prefix and international prefix of ``region`` ("ES", "GB"…)."""
    metadata = PhoneMetadata.metadata_for_region(region.upper())
    if metadata is None:
        raise ValueError(f"unknown phone region {region!r}")
    international = "00"
    for candidate in (metadata.international_prefix, metadata.preferred_international_prefix):
        if candidate and re.fullmatch(r"[0-9]+", candidate):
            international = candidate
            break
    return {
        "region": region.upper(),
        "callingCode": str(phonenumbers.country_code_for_region(region.upper())),
        "trunkPrefix": metadata.national_prefix or "",
        "internationalPrefix": international,
    }


def file_count(numbers: int) -> int:
    """Enough files for about NUMBERS_PER_FILE numbers each."""
    return max(1, -(-numbers // NUMBERS_PER_FILE))


def number_row(record: SearchRecord) -> list[object]:
    """One business in a lookup file (a live preview rewrites single files with it)."""
    row: list[object] = [record.name, record.url, record.tier, record.whatsapp_display]
    if record.imitates:
        row += [record.imitates, record.warning_url]
    return row


def number_table(records: Iterable[SearchRecord]) -> dict[str, list[list[object]]]:
    """One lookup file's table: each number → its businesses, best tier first where several share it
    (as in search results); a live preview rewrites single files with it."""
    rank = {tier: i for i, tier in enumerate(TIERS)}
    table: dict[str, list[list[object]]] = {}
    for record in sorted(records, key=lambda r: (rank[r.tier], r.name, r.id)):
        table.setdefault(record.whatsapp, []).append(number_row(record))
    return table


def build_number_index(records: Sequence[SearchRecord], default_region: str) -> dict[str, bytes]:
    """Every lookup file, as ``{path relative to out_dir: bytes}``; no I/O."""
    count = file_count(len({r.whatsapp for r in records}))
    shards: list[list[SearchRecord]] = [[] for _ in range(count)]
    for record in records:
        shards[fnv1a(record.whatsapp) % count].append(record)
    # Every file is written, empty or not: a missing file can then only mean a stale manifest.
    files = {f"{n}.json": dumps(number_table(shard)) for n, shard in enumerate(shards)}
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path] + b"\0")
    base = digest.hexdigest()[:16] + "/"
    manifest = {"format": FORMAT, "base": base, "files": count, **region_rules(default_region)}
    out = {f"lookup/{base}{path}": body for path, body in files.items()}
    out["lookup/manifest.json"] = dumps(manifest)
    return out
