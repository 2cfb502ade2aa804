"""``manifest.json``, ``status.json`` and the signature: what a copy of the site says about itself.

Written over the staging folder once every other file is in it, just before the
folder is published, so the manifest lists exactly what is published.  Like
Debian's ``InRelease`` (``Date`` and ``Valid-Until``) and TUF's timestamp role
(a short expiry and a version that only grows), it lets anyone downstream catch
an altered copy (a hash differs), a frozen one (past ``valid_until``) and a
replayed old one (a lower ``version``).

``version`` is ``days since 1970-01-01 of the as-of date × 1000``, so it grows
day by day on any machine with no state at all.  With ``--previous`` (the
copy being replaced), a build whose files differ from it on the same or an
earlier day gets the previous version + 1, and a rebuild of the very same
files keeps it: the version never goes down for a site whose previous copy
the build was shown.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .minisign import SecretKey

MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.minisig"
STATUS = "status.json"
PUBLIC_KEY = "minisign.pub"
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Validity:
    as_of: date
    valid_until: date
    version: int


@dataclass(frozen=True, slots=True)
class PreviousCopy:
    """What the record needs from the copy being replaced (already checked against its signature)."""

    version: int
    as_of: date
    files: dict[str, tuple[str, int]]  # path → (sha256, bytes)


def validity(as_of: date, valid_days: int, files_digest: str | None = None,
             previous: PreviousCopy | None = None, previous_digest: str | None = None) -> Validity:
    """The copy's validity window and version (see the module docstring for the rule)."""
    version = (as_of - _EPOCH).days * 1000
    if previous is not None:
        if previous_digest is not None and previous_digest == files_digest and previous.as_of == as_of:
            version = previous.version
        elif previous.version >= version:
            version = previous.version + 1
    # The calendar ends at 9999-12-31: a copy built in its last days is valid until then, not past it.
    until = date.max if (date.max - as_of).days < valid_days else as_of + timedelta(days=valid_days)
    return Validity(as_of, until, version)


def status_json(valid: Validity) -> bytes:
    return (json.dumps({"as_of": valid.as_of.isoformat(), "valid_until": valid.valid_until.isoformat(),
                        "version": valid.version}, indent=1) + "\n").encode("utf-8")


def trusted_comment(valid: Validity) -> str:
    """The line under the signature that ``minisign -V`` prints: what a consumer of the CLI alone sees."""
    return (f"badgedir manifest version:{valid.version}\tas_of:{valid.as_of.isoformat()}"
            f"\tvalid_until:{valid.valid_until.isoformat()}")


def parse_trusted_comment(text: str) -> dict[str, str]:
    fields = text.removeprefix("badgedir manifest ").split("\t")
    return dict(field.split(":", 1) for field in fields if ":" in field)


def listed_files(folder: Path) -> list[str]:
    """Every file under ``folder`` but the manifest and its signature, as sorted relative paths."""
    found: list[str] = []
    stack = [""]
    while stack:
        prefix = stack.pop()
        with os.scandir(os.path.join(folder, prefix) if prefix else folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append(rel + "/")
                elif rel not in (MANIFEST, SIGNATURE):
                    found.append(rel)
    return sorted(found)


def hash_files(folder: Path, paths: list[str],
               known: Mapping[str, tuple[str, int] | None] | None = None) -> dict[str, tuple[str, int]]:
    """sha256 and size of each file (page-cache reads: about 1 s per 100,000 pages here); those in ``known``
    (hashed by the piece of work that wrote them, from the bytes it wrote) are not read again."""
    known = known or {}
    hashed: dict[str, tuple[str, int]] = {}
    for rel in paths:
        value = known.get(rel)
        if value is not None:
            hashed[rel] = value
            continue
        with open(os.path.join(folder, rel), "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256")
            hashed[rel] = (digest.hexdigest(), handle.tell())
    return hashed


def files_digest(files: dict[str, tuple[str, int]]) -> str:
    """One hash over the listing, to tell whether two copies hold the same files."""
    whole = hashlib.sha256()
    for rel in sorted(files):
        sha, size = files[rel]
        whole.update(f"{rel}\0{sha}\0{size}\n".encode("utf-8"))
    return whole.hexdigest()


def manifest_json(valid: Validity, files: dict[str, tuple[str, int]]) -> bytes:
    """One file per line (so two manifests diff line by line), sorted by path."""
    head = (f'{{\n "version": {valid.version},\n "as_of": "{valid.as_of.isoformat()}",\n'
            f' "valid_until": "{valid.valid_until.isoformat()}",\n "files": {{')
    lines = [f"\n  {json.dumps(rel, ensure_ascii=False)}: {{\"sha256\": \"{sha}\", \"bytes\": {size}}}"
             for rel, (sha, size) in sorted(files.items())]
    return (head + ",".join(lines) + ("\n " if lines else "") + "}\n}\n").encode("utf-8")


def parse_manifest(data: bytes) -> tuple[dict[str, Any] | None, str]:
    """The manifest as data, or ``None`` and why it is not one (it came from outside: check every field)."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return None, f"not JSON ({exc})"
    if not isinstance(value, dict):
        return None, "not a JSON object"
    if not isinstance(value.get("version"), int) or isinstance(value.get("version"), bool) or value["version"] < 0:
        return None, "'version' is not a whole number"
    for name in ("as_of", "valid_until"):
        try:
            value[name] = date.fromisoformat(value[name]) if isinstance(value.get(name), str) and len(value[name]) == 10 else None
        except ValueError:
            value[name] = None
        if value[name] is None:
            return None, f"'{name}' is not a date written YYYY-MM-DD"
    if not isinstance(value.get("files"), dict):
        return None, "'files' is not an object"
    return value, ""


def write_record(folder: Path, write: Callable[[str, bytes], None], valid_days: int, as_of: date,
                 key: SecretKey | None, previous: PreviousCopy | None = None,
                 known: Mapping[str, tuple[str, int] | None] | None = None) -> Validity:
    """Write ``status.json``, then ``manifest.json`` over everything, then its signature when there is a key.

    ``status.json`` is itself listed (and so signed); its version is decided from
    the other files, so that a copy rebuilt unchanged keeps its version.  ``write`` puts a file in
    ``folder`` (the staging folder's, which keeps a published file whose bytes did not change).
    ``known``: files whose hash the pieces of work that wrote them worked out from their bytes.
    """
    paths = [rel for rel in listed_files(folder) if rel != STATUS]
    files = hash_files(folder, paths, known)
    previous_digest = None
    if previous is not None:
        previous_digest = files_digest({k: v for k, v in previous.files.items() if k != STATUS})
    valid = validity(as_of, valid_days, files_digest(files), previous, previous_digest)
    status = status_json(valid)
    write(STATUS, status)
    files[STATUS] = (hashlib.sha256(status).hexdigest(), len(status))
    manifest = manifest_json(valid, files)
    write(MANIFEST, manifest)
    if key is not None:
        write(SIGNATURE, key.sign(manifest, trusted_comment(valid)).encode("utf-8"))
    return valid
