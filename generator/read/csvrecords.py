"""CSV content files: a header row of field names, then one record a row.

Registers and business lists arrive as database or spreadsheet exports;
this reads them under the rules a YAML file obeys.  The header names the
same fields (``company_id,legal_name,phones``); an unknown or forbidden
column is one error at the header, with a did-you-mean; every cell is the
text written (an empty cell is a field left out); a list field (a register
entry's ``phones``) holds its values separated by ``;``; a per-language
field is one column per language, ``description.es``, ``description.en``.

Rows become :class:`~generator.yamlstrict.YamlMap` values that remember the
line each cell starts on — counted through quoted cells that hold line
breaks, which is why lines are fed to the csv module one ``\\n`` at a time
rather than split by ``str.splitlines`` (which also breaks at U+2028 and
form feeds) — and :mod:`generator.validate` checks them like any mapping.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..diagnostics import ContentError, Diagnostic
from .fields import Field
from .items import Items
from .reading import decode_text
from .validate import unknown_key_message
from .yamlstrict import YamlList, YamlMap

if TYPE_CHECKING:
    from .spans import Span

MAX_CELL = csv.field_size_limit()  # 131,072 characters: far above any field's limit, so a huge cell costs little
LIST_SEPARATOR = ";"
MAX_COLUMNS = 64  # a record has at most a dozen fields and a few languages: a wider header is refused, not checked cell by cell
_LANG = re.compile(r"[a-z]{2,3}")
_CSV_ERRORS = (  # the csv module's words → what to do about it
    ("field larger than field limit", f"a cell is longer than {MAX_CELL:,} characters"),
    ("unexpected end of data", "a quoted cell is never closed (a '\"' is missing)"),
    ("expected after", "a '\"' inside a quoted cell must be doubled (\"\"), and a quoted cell must end at ',' or the line's end"),
    ("new-line character seen in unquoted field", "a line ends with a lone carriage return; save the file with LF or CRLF line endings"),
)


def lines(text: str) -> Iterator[str]:
    """The lines of ``text``, each with its ``\\n``, split there and nowhere else."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


def header_of(text: str) -> tuple[tuple[str, ...], int] | None:
    """The first row of ``text`` and how many lines it took, or None when it cannot be read."""
    reader = csv.reader(lines(text), strict=True)
    try:
        return tuple(next(reader)), reader.line_num
    except (csv.Error, StopIteration):
        return None


def parse_csv(data: bytes, rel: str, fields: tuple[Field, ...], span: Span,
              forbidden: dict[str, str] | None = None) -> Items:
    """The records of a CSV file, or of one span of it (see :mod:`generator.spans`)."""
    text, line, message = decode_text(data, span.first_line, at_start=span.start == 0)
    if text is None:
        return Items(failed=True) if not span.last else Items(diagnostics=[ContentError(rel, line, message)], fatal=True)
    reader = csv.reader(lines(text), strict=True)
    problems: list[Diagnostic] = []
    records: list[tuple[object, int]] = []
    start = span.first_line
    try:
        if span.header is None:
            if not text.strip():
                names = ", ".join(f.name for f in fields)
                return Items(diagnostics=[ContentError(rel, 1, f"file is empty; a CSV file starts with a header row of field names ({names})")])
            header, header_line = tuple(next(reader)), span.first_line - 1 + reader.line_num
            columns, problems, usable = _columns(header, fields, forbidden, rel, header_line)
            if not usable:
                return Items(diagnostics=problems)  # every row would repeat it
        else:
            columns, _, usable = _columns(span.header, fields, forbidden, rel, span.header_line)
            if not usable:
                return Items()  # the span with the header reports why
        width = len(columns)
        start = span.first_line + reader.line_num
        for row in reader:
            if row:
                if len(row) != width:
                    problems.append(ContentError(rel, start, f"this row has {len(row)} cells and the header {width} "
                                                 "(a cell holding a ',' or a line break must be in double quotes)"))
                else:
                    records.append((_record(row, columns, start), start))
            start = span.first_line + reader.line_num
    except csv.Error as exc:
        if not span.last:
            return Items(failed=True)
        text = str(exc)
        said = next((ours for theirs, ours in _CSV_ERRORS if theirs in text), f"invalid CSV: {text}")
        where = start if "end of data" in text else span.first_line - 1 + max(reader.line_num, 1)
        return Items(records, problems + [ContentError(rel, where, said)])  # the rows before it are read, as in a spreadsheet
    return Items(records, problems)


# A column is a field, a language of a per-language field, or None (reported once at the header, then ignored).
Column = tuple[Field, str | None] | None


def _columns(header: tuple[str, ...], fields: tuple[Field, ...], forbidden: dict[str, str] | None, rel: str,
             line: int) -> tuple[list[Column], list[Diagnostic], bool]:
    """What each column holds, the header's problems, and whether rows can be read under it at all."""
    if len(header) > MAX_COLUMNS:
        return [], [ContentError(rel, line, f"the header has {len(header):,} columns; at most {MAX_COLUMNS} are read")], False
    known = {f.name: f for f in fields}
    columns: list[Column] = []
    problems: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for n, name in enumerate(header, start=1):
        column: Column = None
        field_name, _, lang = name.partition(".")
        first = seen.setdefault(name, n)
        if first != n:
            problems.append(ContentError(rel, line, f"{name}: column {n} repeats column {first}"))
        elif not name.strip():
            problems.append(ContentError(rel, line, f"column {n} has no name in the header"))
        elif name in known:
            column = (known[name], None)
        elif lang and field_name in known and known[field_name].kind == "markdown" and _LANG.fullmatch(lang):
            column = (known[field_name], lang)
        elif lang and field_name in known:
            problems.append(ContentError(rel, line, f"{name}: '{lang}' is not a language code such as es or en"
                                         if known[field_name].kind == "markdown" else
                                         f"{name}: only a Markdown field has one column per language "
                                         f"('{field_name}' takes one column)"))
        else:
            problems.append(ContentError(rel, line, unknown_key_message(name, known, forbidden)))
        columns.append(column)
    usable = bool(header)
    if not header:
        problems.append(ContentError(rel, line, "the first line must be the header row of field names"))
    named = {c[0].name for c in columns if c}
    for field in fields:
        if header and field.required and field.name not in named:
            problems.append(ContentError(rel, line, f"{field.name}: the header has no column for this required field"))
            usable = False
    per_language = {c[0].name for c in columns if c and c[1]}
    for name in sorted(per_language & {c[0].name for c in columns if c and not c[1]}):
        problems.append(ContentError(rel, line, f"{name}: write one '{name}' column or '{name}.<lang>' columns, not both"))
    return columns, problems, usable


def _record(row: list[str], columns: list[Column], line: int) -> YamlMap:
    """One row as a mapping, each value with the line its cell starts on (cells may hold line breaks)."""
    record = YamlMap(line)
    at = line
    for cell, column in zip(row, columns):
        here = at
        if "\n" in cell:
            at += cell.count("\n")
            cell = cell.replace("\r\n", "\n")
        if not cell or column is None:
            continue
        field, lang = column
        name = field.name
        if lang is not None:
            texts = record.get(name)
            if texts is None:
                texts = record[name] = YamlMap(here)
                record.key_lines[name] = here
            texts[lang] = cell
            texts.key_lines[lang] = here
        elif field.kind == "phones":
            items = YamlList(here)
            for part in cell.split(LIST_SEPARATOR):
                items.append(part.strip())
                items.item_lines.append(here)
            record[name] = items
            record.key_lines[name] = here
        else:
            record[name] = cell
            record.key_lines[name] = here
    return record
