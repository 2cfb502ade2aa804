"""What a build is asked to do and what it reports: the values at both ends of the pipeline.

They live apart from :mod:`generator.build` so that code which only needs
them (the command line, the progress display, the check that nothing
changed since the last build) does not import the whole pipeline: Jinja,
Markdown and phonenumbers cost a third of a second, which is most of what a
build with nothing to do may take.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, UsageError
from .engine.parallel import default_jobs

if TYPE_CHECKING:
    from .record.minisign import PublicKey, SecretKey


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
    sign_key: "SecretKey | None" = None  # signs manifest.json (issue #17); without one it is written unsigned
    previous: str | None = None  # the published copy this build replaces: a folder or URL (--previous)
    previous_key: "PublicKey | None" = None  # checks ``previous``; default: the public half of ``sign_key``
    check_links: bool = True  # False only to measure what checking costs (benchmarks/link_check.py)
    dask: str | None = None  # a dask.distributed scheduler's address: the pieces of work run on its workers
    dask_timeout: float = 10.0  # seconds to wait for that scheduler (and a first worker) to answer


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
    version: int = 0
    valid_until: date | None = None


def resolve_as_of(text: str | None, environ: dict[str, str] | None = None) -> date:
    """``--as-of`` if given, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else today in UTC."""
    environ = os.environ if environ is None else environ  # type: ignore[assignment]
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
