"""The file formats a list folder is read in, by suffix: the one table of what the build reads.

``businesses/``, ``register/`` and ``verifications/`` hold YAML (a mapping
or a list of them), CSV (a header of field names, one record a row) or
JSON Lines (one JSON object a line).  Whatever the format, a file yields
the same thing: mappings that remember the line each value was written on
(:class:`~generator.yamlstrict.YamlMap`), which :mod:`generator.validate`
checks field by field, so the three formats obey one set of rules.

A file may be read whole or as one :class:`~generator.spans.Span` of it
(a byte range starting at a record boundary), which is how one big file is
read on every core.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..diagnostics import ContentError
from .fields import Field
from .items import Items
from .reading import NotAFile, read_at_most
from .spans import Span, read_span

# suffix → format.  Everything else in a list folder is not read (and is warned about, see README).
READ_SUFFIXES: dict[str, str] = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".jsonl": "jsonl"}
LIST_SUFFIXES: tuple[str, ...] = tuple(READ_SUFFIXES)

# A YAML file is parsed in one piece when it cannot be split, so it has to fit in memory (its limit is
# yamlstrict.MAX_FILE_BYTES); CSV and JSON Lines are read in bounded spans (see spans.py), so may be far larger.
MAX_BULK_BYTES = 16 * 1024**3


def format_of(path: Path | str) -> str | None:
    """``"yaml"``, ``"csv"``, ``"jsonl"``, or None for a file the build does not read."""
    name = os.fspath(path)
    dot = name.rfind(".")
    return READ_SUFFIXES.get(name[dot:]) if dot >= 0 else None


def read_items(path: Path, rel: str, fields: tuple[Field, ...], what: str, span: Span | None = None,
               forbidden: dict[str, str] | None = None) -> Items:
    """The records of a content file in any format, or of one span of it."""
    from . import yamlstrict

    fmt = format_of(path) or "yaml"
    limit = yamlstrict.MAX_FILE_BYTES if fmt == "yaml" else MAX_BULK_BYTES
    try:
        if span is None:
            data = read_at_most(path, limit)
            size = max(os.stat(path).st_size, len(data)) if len(data) > limit else len(data)
            if size > limit:
                return Items(diagnostics=[ContentError(rel, 0, f"file is {size} bytes; the limit is {limit}")])
            span = Span(0, len(data), 1)
        else:
            data = read_span(path, span)
    except NotAFile as exc:
        return Items(diagnostics=[ContentError(rel, 0, str(exc.strerror))])
    except OSError as exc:
        return Items(diagnostics=[ContentError(rel, 0, f"cannot read file: {exc.strerror}")])
    if fmt == "csv":
        from .csvrecords import parse_csv
        return parse_csv(data, rel, fields, span, forbidden)
    if fmt == "jsonl":
        from .jsonlrecords import parse_jsonl
        return parse_jsonl(data, rel, span)
    return _yaml_items(data, rel, what, span)


def _yaml_items(data: bytes, rel: str, what: str, span: Span) -> Items:
    from .yamlstrict import YamlList, parse_yaml

    if span.start > 0 and not span.last and _starts_document(data):
        return Items(failed=True)  # a '---', '...' or directive: only a parse to the end of the file can judge it
    raw, problems = parse_yaml(data, rel, span.first_line, at_start=span.start == 0)
    if not span.last and (problems or not isinstance(raw, YamlList)):
        return Items(failed=True)
    if problems:
        return Items(diagnostics=problems, fatal=True)
    if isinstance(raw, YamlList):
        return Items(list(zip(raw, raw.item_lines)))
    if raw is None:
        return Items(diagnostics=[ContentError(rel, 1, f"file is empty; expected a {what} or a list of them")])
    return Items([(raw, getattr(raw, "line", 1))])


def _starts_document(data: bytes) -> bool:
    """Whether a line of a later span begins a YAML document or directive."""
    return b"\n---" in data or b"\n..." in data or b"\n%" in data
