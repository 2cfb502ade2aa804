"""JSON Lines content files: one JSON object a line, shaped like a YAML record.

A line holds what one YAML list item holds, in JSON: ``{"company_id":
"B1", "legal_name": "...", "phones": ["600 11 22 33"]}``; a per-language
description is an object (``{"es": "...", "en": "..."}``).  The rules are
YAML's: every value is kept as the text written — a number as its digits
(``600112233`` reads as ``"600112233"``, ``1.50`` as ``"1.50"``), ``true``
and ``false`` as those words, ``null`` as a field left out — and a key
written twice is an error, not last-wins.

Python's ``json`` module is used, not orjson: only it hands over a number's
text as written (``parse_int``/``parse_float``) and every object's keys in
order (``object_pairs_hook``) to catch repeats.  orjson parses a line in
about half the time, but parsing is under 4% of reading a record (phone
numbers and field checks are the rest; see docs/bulk-formats.md).  Blank
lines are skipped; each bad line is reported and the others still read.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from ..diagnostics import ContentError, Diagnostic
from .items import Items
from .reading import decode_text
from .yamlstrict import MAX_DEPTH, YamlList, YamlMap

if TYPE_CHECKING:
    from .spans import Span

MAX_LINE = 1024 * 1024  # characters: about 200 times the longest record the field limits allow
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def parse_jsonl(data: bytes, rel: str, span: Span) -> Items:
    """The records of a JSON Lines file, or of one span of it (cut after any newline)."""
    text, line, message = decode_text(data, span.first_line, at_start=span.start == 0)
    if text is None and data[:2] in (b"\xff\xfe", b"\xfe\xff") and span.start == 0:
        return Items(diagnostics=[ContentError(rel, 1, message)])
    records: list[tuple[object, int]] = []
    problems: list[Diagnostic] = []
    pieces = text.split("\n") if text is not None else data.split(b"\n")
    decoder = _LineDecoder()
    for number, piece in enumerate(pieces, start=span.first_line):
        if isinstance(piece, bytes):  # invalid UTF-8 somewhere: find it line by line
            try:
                piece = piece.decode("utf-8-sig" if number == span.first_line and span.start == 0 else "utf-8")
            except UnicodeDecodeError:
                problems.append(ContentError(rel, number, "line is not valid UTF-8"))
                continue
        if not piece or piece.isspace():
            continue
        if len(piece) > MAX_LINE:
            problems.append(ContentError(rel, number, f"line is {len(piece):,} characters long; the limit is {MAX_LINE:,}"))
            continue
        value, message = decoder.parse(piece, number)
        if message:
            problems.append(ContentError(rel, number, message))
        else:
            records.append((value, number))
    return Items(records, problems)


class _LineDecoder:
    """One ``json`` decoder for a whole span (making one per line cost more than the parse), told each line's number."""

    def __init__(self) -> None:
        self.line = 0
        self.decoder = json.JSONDecoder(object_pairs_hook=self._mapping, parse_int=str, parse_float=str,
                                        parse_constant=_no_constant)

    def _mapping(self, pairs: list[tuple[str, object]]) -> YamlMap:
        line = self.line
        record = YamlMap(line)
        record.update(pairs)
        if len(record) != len(pairs):
            seen: set[str] = set()
            raise _Refused(next(f"duplicate key '{k}'" for k, _ in pairs if k in seen or seen.add(k)))
        record.key_lines = dict.fromkeys(record, line)
        for key, value in pairs:
            if value.__class__ is not str and value is not None and value.__class__ is not YamlMap:
                record[key] = _text(value, line, 1)  # a list, or true / false
        return record

    def parse(self, text: str, line: int) -> tuple[object, str]:
        self.line = line
        try:
            value = self.decoder.decode(text)
        except _Refused as refused:
            return None, refused.message
        except json.JSONDecodeError as exc:
            return None, f"invalid JSON: {exc.msg} (column {exc.colno})"
        except RecursionError:
            return None, f"nesting deeper than {MAX_DEPTH} levels"
        if "\\" in text and _has_surrogate(value):
            return None, "a '\\u' escape names half of a character (a lone surrogate); write the character itself"
        return (value if value.__class__ is YamlMap else _text(value, line, 0)), ""


def _text(value: object, line: int, depth: int) -> object:
    """A JSON value as the YAML reader would give it: text, None, YamlMap or YamlList."""
    if depth > MAX_DEPTH:
        raise _Refused(f"nesting deeper than {MAX_DEPTH} levels")
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, list):
        items = YamlList(line)
        for item in value:
            items.append(_text(item, line, depth + 1))
            items.item_lines.append(line)
        return items
    return value


def _no_constant(name: str) -> object:
    raise _Refused(f"invalid JSON: {name} is not a JSON value")


def _has_surrogate(value: object) -> bool:
    if isinstance(value, str):
        return bool(_SURROGATE.search(value))
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False
