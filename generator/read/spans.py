"""Cutting one big list file into byte ranges that start at record boundaries.

A register export or a list of 100,000 businesses in one file would be read
on one core; cut into spans, each worker parses its own range with the same
reader a whole file gets (libyaml under the strict rules, the csv module,
json), with the line number of its first byte, so every message and every
"Why this badge?" source names the file's real line.

Where a span may start, per format, found without parsing:

- JSON Lines: after any newline (a JSON string cannot hold a raw newline);
- YAML: at a line that begins with ``-`` in column 0 (an item of the
  top-level list);
- CSV: after a newline preceded by an even number of ``"`` (outside quotes).

A YAML or CSV cut can be wrong only when it falls inside a quoted value
(a multi-line ``"..."`` scalar, a stray ``"`` in a CSV cell): then the span
that ends there stops inside an open quote, which its parser refuses, and
the reader marks it failed.  The first wrong cut is always caught that way,
because the span ending at it starts at a right one; the caller reads the
file from that span's start to its end in one piece
(:func:`rest_of`), so a broken file reports exactly what a whole-file read
reports, and a well-formed one is read in parallel.  YAML document markers
and directives in a later span also fail it, since only a parse from the
start can judge them.
"""

from __future__ import annotations

import mmap
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .csvrecords import header_of

SPLIT_FROM = 256 * 1024  # bytes: smaller files are read whole (one span costs less than planning)
MAX_SPAN = 8 * 1024 * 1024  # bytes: a span is read into memory whole, so files are cut at least this fine
SPANS_PER_JOB = 4  # more spans than workers, so one slow span does not leave the others idle

_YAML_ITEM = re.compile(rb"\n-[ \t\r\n]")
_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True, slots=True)
class Span:
    """Bytes ``start`` to ``end`` of a file; ``first_line`` is the line number of byte ``start``.

    ``header`` (CSV) is the header row when the span starts after it, with
    the line it ends on; ``last`` says the span runs to the end of the file,
    so its parse errors are final (see the module docstring).
    """

    start: int
    end: int
    first_line: int
    last: bool = True
    header: tuple[str, ...] | None = None
    header_line: int = 1

    @property
    def whole(self) -> bool:
        return self.start == 0 and self.last


def read_span(path: Path | str, span: Span) -> bytes:
    """The span's bytes.  Raises ``OSError``."""
    fd = os.open(path, _FLAGS)
    try:
        parts, at = [], span.start
        while at < span.end:
            chunk = os.pread(fd, min(span.end - at, 1 << 30), at)
            if not chunk:
                break
            parts.append(chunk)
            at += len(chunk)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def rest_of(span: Span, size: int) -> Span:
    """From the start of a failed span to the end of the file, as one span."""
    return replace(span, end=size, last=True)


def plan_spans(path: Path | str, fmt: str, size: int, jobs: int) -> list[Span]:
    """The spans to read a file in: one for a small file, else about ``jobs × 4`` (at most 8 MiB each)."""
    if size < SPLIT_FROM:
        return [Span(0, size, 1)]
    pieces = max(jobs * SPANS_PER_JOB, -(-size // MAX_SPAN))
    try:
        with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            size = len(data)
            header, body = (_csv_header(data) if fmt == "csv" else (None, 0))
            if fmt == "csv" and header is None:
                return [Span(0, size, 1)]  # the reader reports why the header cannot be read
            cuts = _cuts(data, fmt, [max(body, size * k // pieces) for k in range(1, pieces)])
            starts = [0, *cuts]
            spans, line = [], 1
            for n, start in enumerate(starts):
                end = starts[n + 1] if n + 1 < len(starts) else size
                if n:
                    line += data[starts[n - 1]:start].count(b"\n")
                spans.append(Span(start, end, line, last=end == size,
                                  header=header[0] if header and n else None, header_line=header[1] if header else 1))
            return spans
    except (OSError, ValueError):  # unreadable, or emptied since it was listed: the reader says why
        return [Span(0, size, 1)]


def _cuts(data: mmap.mmap, fmt: str, targets: list[int]) -> list[int]:
    """The first record boundary at or after each target, each cut once, in order."""
    cuts: list[int] = []
    quotes, counted = 0, 0  # CSV: '"' before `counted`
    for target in targets:
        at = max(target, cuts[-1] + 1 if cuts else 1) - 1
        while True:
            if fmt == "yaml":
                found = _YAML_ITEM.search(data, at)
                cut = found.start() + 1 if found else -1
            else:
                cut = data.find(b"\n", at)
                cut = cut + 1 if cut >= 0 else -1
            if cut <= 0 or cut >= len(data):
                return cuts
            if fmt == "csv":
                quotes += data[counted:cut].count(b'"')
                counted = cut
                if quotes % 2:
                    at = cut
                    continue
            break
        cuts.append(cut)
    return cuts


def _csv_header(data: mmap.mmap) -> tuple[tuple[tuple[str, ...], int] | None, int]:
    """The header row, the line it ends on, and the byte its first record starts at; None if unreadable."""
    head = data[: min(len(data), 4 * 1024 * 1024)]
    last = head.rfind(b"\n")
    try:  # up to a newline, which is never inside a UTF-8 character
        text = head[: last + 1].decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, 0
    header = header_of(text)
    if header is None:
        return None, 0
    cells, lines = header
    end = -1
    for _ in range(lines):
        end = head.find(b"\n", end + 1)
    return (cells, lines), end + 1
