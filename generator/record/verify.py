"""``badgedir verify``: is this copy genuine and current?

Checks, and reports every failure by path rather than stopping at the first:
the signature (by the pinned key), the manifest's own fields against the
signed comment, freshness (``valid_until`` against today or ``--as-of``), a
rollback (``--min-version``), and every listed file's size and sha256 (or a
random ``--sample``).  A folder is also checked for files the manifest does
not list.  Files are hashed as they stream in, so memory stays flat whatever
their size; a few threads fetch over HTTP at once, each read under a deadline.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..diagnostics import Diagnostic
from .manifest import MANIFEST, SIGNATURE, STATUS, parse_manifest, parse_trusted_comment
from .minisign import KeyError_, PublicKey, signed_comment, verify as verify_signature
from .source import Copy, FolderCopy, ReadProblem, safe_path

_SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_FILE = 1 << 32  # a listed file claiming more than 4 GiB is refused, not fetched
_SIGNATURE_BYTES = 16 << 10


@dataclass(frozen=True, slots=True)
class Report:
    where: str
    problems: tuple[Diagnostic, ...]
    version: int | None
    as_of: date | None
    valid_until: date | None
    checked: int  # files whose hash was checked
    listed: int


def verify_copy(copy: Copy, key: PublicKey, today: date, sample: int | None = None,
                min_version: int | None = None, progress: Any = None, threads: int = 8) -> Report:
    problems: list[Diagnostic] = []
    manifest = read_manifest(copy, key, problems)
    if manifest is None:
        return Report(copy.where, tuple(sorted(problems)), None, None, None, 0, 0)
    version, as_of, valid_until = manifest["version"], manifest["as_of"], manifest["valid_until"]
    if today > valid_until:
        problems.append(Diagnostic(MANIFEST, 0, f"stale: this copy (as of {as_of}) was valid until {valid_until}; "
                                               f"it is now {today}"))
    if min_version is not None and version < min_version:
        problems.append(Diagnostic(MANIFEST, 0, f"rolled back: version {version} is older than {min_version}, "
                                               "a version already seen; an old copy is being served"))
    entries = _entries(manifest["files"], problems)
    if STATUS not in dict(entries):
        problems.append(Diagnostic(STATUS, 0, "not listed in the manifest"))
    chosen = entries
    if sample is not None and sample < len(entries):
        picked = random.SystemRandom().sample(range(len(entries)), sample)  # unpredictable to the server
        chosen = sorted({entries[i] for i in picked} | {e for e in entries if e[0] == STATUS})
    if progress is not None:
        progress.stage("checking files", len(chosen))
    for rel, problem in _check_files(copy, chosen, threads, progress):
        if problem:
            problems.append(Diagnostic(rel, 0, problem))
    problems += _check_status(copy, manifest, dict(entries))
    if isinstance(copy, FolderCopy):
        problems += [Diagnostic(rel, 0, "not listed in the manifest (added to the copy after signing)")
                     for rel in copy.extra_files({rel for rel, _ in entries} | set(manifest["files"]))]
    return Report(copy.where, tuple(sorted(problems)), version, as_of, valid_until, len(chosen), len(entries))


def read_manifest(copy: Copy, key: PublicKey, problems: list[Diagnostic]) -> dict[str, Any] | None:
    """The manifest with its signature checked; problems found are appended; ``None`` when unreadable.

    A manifest whose signature fails is still returned (so the files can be
    listed as well), with the failure among ``problems``.
    """
    try:
        data = copy.read(MANIFEST, copy.limits.manifest_bytes)  # type: ignore[attr-defined]
    except ReadProblem as exc:
        problems.append(Diagnostic(MANIFEST, 0, str(exc)))
        return None
    manifest, why = parse_manifest(data)
    if manifest is None:
        problems.append(Diagnostic(MANIFEST, 0, f"not a badgedir manifest: {why}"))
        return None
    try:
        text = copy.read(SIGNATURE, _SIGNATURE_BYTES).decode("utf-8", "replace")
        comment = verify_signature(key, data, text).trusted_comment
    except ReadProblem as exc:
        problems.append(Diagnostic(SIGNATURE, 0, f"{exc}: the copy is not signed, nothing in it can be trusted"))
        return manifest
    except KeyError_ as exc:
        problems.append(Diagnostic(SIGNATURE, 0, f"bad signature: {exc}"))
        comment = signed_comment(key, text)  # still says what the signed manifest said, if it is ours
        if comment is None:
            return manifest
    signed = parse_trusted_comment(comment)
    for name in ("version", "as_of", "valid_until"):
        if signed.get(name) != str(manifest[name]):
            problems.append(Diagnostic(MANIFEST, 0, f"'{name}' is {manifest[name]} but the signed comment says "
                                                   f"{signed.get(name, 'nothing')}: manifest edited"))
    return manifest


def _entries(files: dict[str, Any], problems: list[Diagnostic]) -> list[tuple[str, tuple[str, int]]]:
    """The manifest's listing, each entry checked before anything is fetched for it."""
    good: list[tuple[str, tuple[str, int]]] = []
    for rel, info in files.items():
        if not safe_path(rel):
            problems.append(Diagnostic(MANIFEST, 0, f"lists a path outside the copy, not fetched: {rel[:200]!r}"))
            continue
        sha = info.get("sha256") if isinstance(info, dict) else None
        size = info.get("bytes") if isinstance(info, dict) else None
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha) or not isinstance(size, int) or isinstance(size, bool) \
                or not 0 <= size <= MAX_FILE:
            problems.append(Diagnostic(rel, 0, "its manifest entry is not {\"sha256\": hex, \"bytes\": size}"))
            continue
        good.append((rel, (sha, size)))
    return sorted(good)


def _check_files(copy: Copy, entries: list[tuple[str, tuple[str, int]]], threads: int,
                 progress: Any) -> Iterator[tuple[str, str]]:
    """Each file's problem ('' when it checks), a bounded number in flight at once."""
    pending: deque[tuple[str, Future[str]]] = deque()
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        for rel, (sha, size) in entries:
            pending.append((rel, pool.submit(_check_one, copy, rel, sha, size)))
            if len(pending) >= threads * 4:
                yield _done(pending.popleft(), progress)
        while pending:
            yield _done(pending.popleft(), progress)


def _done(item: tuple[str, "Future[str]"], progress: Any) -> tuple[str, str]:
    if progress is not None:
        progress.advance()
    return item[0], item[1].result()


def _check_one(copy: Copy, rel: str, sha: str, size: int) -> str:
    digest, total = hashlib.sha256(), 0
    try:
        for chunk in copy.chunks(rel, size):
            digest.update(chunk)
            total += len(chunk)
    except ReadProblem as exc:
        return str(exc)
    if total != size:
        return f"altered: {total:,} bytes where the manifest lists {size:,}"
    if digest.hexdigest() != sha:
        return "altered: its sha256 differs from the manifest's"
    return ""


def _check_status(copy: Copy, manifest: dict[str, Any], entries: dict[str, tuple[str, int]]) -> list[Diagnostic]:
    """``status.json`` must say what the manifest says (clients poll it alone)."""
    if STATUS not in entries:
        return []
    try:
        status = json.loads(copy.read(STATUS, entries[STATUS][1]))
    except (ReadProblem, ValueError, UnicodeDecodeError):
        return []  # already reported by the hash check
    wanted = {"as_of": str(manifest["as_of"]), "valid_until": str(manifest["valid_until"]), "version": manifest["version"]}
    if not isinstance(status, dict) or any(status.get(k) != v for k, v in wanted.items()):
        return [Diagnostic(STATUS, 0, "says another as_of, valid_until or version than the manifest")]
    return []


def summary(report: Report, describe: Callable[[date], str] = str) -> str:
    if report.version is None:
        return f"{report.where}: not checked ({len(report.problems)} problems)"
    state = "genuine and current" if not report.problems else f"{len(report.problems)} problems"
    checked = f"{report.checked} of {report.listed} files" if report.checked != report.listed else f"all {report.listed} files"
    return (f"{report.where}: {state}; version {report.version}, as of {describe(report.as_of)}, "
            f"valid until {describe(report.valid_until)}; {checked} checked")
