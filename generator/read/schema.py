"""JSON Schema of the content files, derived from :mod:`generator.fields`.

Editors (VS Code, JetBrains, anything speaking yaml-language-server) use it
to validate and autocomplete businesses, register rows and verification
records while they are typed.  It is built from the same ``Field`` tuples
the loader validates with, so a field added, renamed, made required or
given a new length limit shows up in both at once.

The schema checks what a schema can: field names, required fields, types,
lengths, id/date/e-mail/URL shapes, invisible characters.  What needs the
whole content folder (is this a real phone number of that region, does the
logo file exist, is the id unique) stays with ``badgedir check``.

Editors read YAML 1.2, where ``revoked: true`` is a boolean and an unquoted
``600123456`` a number, while the loader keeps every scalar as the text
written; each kind accepts both spellings the loader accepts.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from .fields import (BUSINESS_FIELDS, FORBIDDEN_BUSINESS_KEYS, REGISTER_FIELDS, SITE_FIELDS, VERIFICATION_FIELDS,
                     Field, Kind)
from .validate import _CONTROL, _DECEPTIVE  # the loader's own character rules, shared on purpose

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# One record of each content file, and the folder its files live in.
RECORDS: dict[str, tuple[tuple[Field, ...], str, str]] = {
    "business": (BUSINESS_FIELDS, "businesses/*.yaml", "A business and its WhatsApp account (also a line of businesses/*.jsonl)."),
    "register": (REGISTER_FIELDS, "register/*.yaml", "A row of the company register (also a line of register/*.jsonl)."),
    "verification": (VERIFICATION_FIELDS, "verifications/*.yaml", "A record of the operator's verification of one number (also a line of verifications/*.jsonl)."),
    "site": (SITE_FIELDS, "site.yaml", "Settings for the whole directory."),
}


def _ecma_class(pattern: str) -> str:
    """The body of a ``[...]`` class written so Python and ECMAScript (``u`` flag) read it alike.

    Characters of the Basic Multilingual Plane become ``\\uXXXX``; others stay
    literal, since the two languages spell astral escapes differently.
    """
    body = pattern.removeprefix("[").removesuffix("]")
    return "".join(c if c == "-" or ord(c) > 0xFFFF else f"\\u{ord(c):04x}" for c in body)


_BAD = _ecma_class(_CONTROL.pattern) + _ecma_class(_DECEPTIVE.pattern)
_BREAKS = "\\n\\u2028\\u2029"  # what ends a line inside a single-line value
SINGLE_LINE = f"^[{_BREAKS}]*[^\\t{_BREAKS}{_BAD}]*[^\\s{_BAD}][^\\t{_BREAKS}{_BAD}]*[{_BREAKS}]*$"  # one line, not blank
MULTI_LINE = f"^([^{_BAD}]|\\r\\n)*$"
LANG = "^[a-zA-Z]{2,3}$"

_KINDS: dict[str, dict[str, Any]] = {
    "id": {"type": ["string", "integer"], "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "minimum": 0},
    "text": {"type": ["string", "number"], "pattern": SINGLE_LINE},
    "phone": {"type": ["string", "integer"], "minLength": 1, "pattern": SINGLE_LINE,
              "examples": ["+34 600 12 34 56"]},
    "phones": {"type": "array", "items": {"type": ["string", "integer"], "minLength": 1, "pattern": SINGLE_LINE}},
    "url": {"type": "string", "format": "uri", "pattern": "^[hH][tT][tT][pP][sS]?://[^\\s/?#@]+([/?#][^\\s]*)?$"},
    "email": {"type": "string", "format": "email",
              "pattern": "^[^@\\s<>\"'(),;:\\\\\\[\\]]+@[^@\\s<>\"'(),;:\\\\\\[\\]]+\\.[A-Za-z]{2,}$"},
    "path": {"type": "string", "pattern": SINGLE_LINE},
    "markdown": {"anyOf": [{"type": "string", "pattern": MULTI_LINE},
                           {"type": "object", "propertyNames": {"pattern": "^[a-z]{2,3}$"},
                            "additionalProperties": {"type": "string", "pattern": MULTI_LINE}}]},
    "region": {"type": "string", "pattern": "^[a-zA-Z]{2}$", "examples": ["ES", "PT"]},
    "lang": {"type": "string", "pattern": LANG, "examples": ["en", "es"]},
    "langs": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string", "pattern": LANG}},
    "date": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "examples": ["2026-01-31"]},
    "bool": {"enum": [True, False, "true", "false"]},
    "int": {"type": ["integer", "string"], "pattern": "^-?[0-9]{1,6}$", "minimum": -999_999, "maximum": 999_999},
}
assert set(_KINDS) == set(get_args(Kind)), "every field kind needs a JSON Schema"


def field_schema(field: Field) -> dict[str, Any]:
    """One property: its kind's shape, the loader's length limit and the field's help text."""
    schema = json.loads(json.dumps(_KINDS[field.kind]))  # a fresh copy, never the shared table
    if field.kind in ("id", "text", "phone", "url", "email", "path"):
        schema["maxLength"] = field.max_length
    elif field.kind == "markdown":
        for option in schema["anyOf"]:
            (option if option["type"] == "string" else option["additionalProperties"])["maxLength"] = field.max_length
    return {"description": field.help, **schema}


def record_schema(kind: str) -> dict[str, Any]:
    fields, where, description = RECORDS[kind]
    schema: dict[str, Any] = {
        "type": "object", "description": f"{description} ({where})",
        "properties": {f.name: field_schema(f) for f in fields},
        "required": [f.name for f in fields if f.required],
    }
    if kind == "business":  # what a business may not claim about itself, with the reason as the message
        schema["properties"].update({key: {"not": {}, "description": f"Not allowed: {why}.", "doNotSuggest": True}
                                     for key, why in FORBIDDEN_BUSINESS_KEYS.items()})
    schema["additionalProperties"] = False
    return schema


CSV_KINDS = ("business", "register", "verification")


def csv_row_schema(kind: str) -> dict[str, Any]:
    """One row of a CSV file of ``kind``, as a mapping of column name to cell text (``csv.DictReader``'s rows).

    Every cell is text; an empty cell is a field left out; a list field holds
    its values separated by ``;``; a Markdown field may instead have one
    column per language (``description.es``).  See docs/bulk-formats.md.
    """
    fields, where, description = RECORDS[kind]
    properties: dict[str, Any] = {}
    per_language: dict[str, Any] = {}
    for field in fields:
        cell = _csv_cell(field)
        properties[field.name] = cell
        if field.kind == "markdown":
            per_language[f"^{field.name}\\.[a-z]{{2,3}}$"] = {**cell, "description": f"{field.help} In one language."}
    folder = where.split("/")[0]
    return {
        "type": "object", "description": f"{description} One row of {folder}/*.csv: the header names these columns, "
                                         "in any order; an empty cell leaves the field out.",
        "properties": properties, **({"patternProperties": per_language} if per_language else {}),
        "required": [f.name for f in fields if f.required], "additionalProperties": False,
    }


def _csv_cell(field: Field) -> dict[str, Any]:
    """A field as CSV text: its YAML shape with every alternative to a string taken out."""
    if field.kind == "phones":
        cell: dict[str, Any] = {"type": "string", "pattern": SINGLE_LINE, "examples": ["+34 600 12 34 56; 912 34 56 78"]}
        help_text = f"{field.help} Several numbers separated by ';'."
    else:
        shape = field_schema(field)
        help_text = shape.pop("description")
        if field.kind == "markdown":
            shape = {k: v for k, v in shape["anyOf"][0].items()}
        elif field.kind == "bool":
            shape = {"enum": ["true", "false"]}
        cell = {**shape, "type": "string"} if "enum" not in shape else shape
        for number_only in ("minimum", "maximum"):
            cell.pop(number_only, None)
    if field.required:
        return {"description": help_text, **cell, **({"minLength": 1} if "enum" not in cell else {})}
    return {"description": help_text, "anyOf": [{"const": ""}, cell]}


def file_schema(kind: str) -> dict[str, Any]:
    """A content file: one record, or (except site.yaml) a list of them."""
    one = {"$ref": f"#/$defs/{kind}"}
    if kind == "site":
        return one
    return {"oneOf": [one, {"type": "array", "items": one}]}


def content_schema(kind: str | None = None, fmt: str = "yaml") -> dict[str, Any]:
    """The schema of one kind of file (``business``, ``register``, ``verification``, ``site``), or of any.

    ``fmt="csv"`` gives the schema of one CSV row of that kind instead.  A
    YAML record and a JSON Lines line share one schema (a line is one record).
    """
    defs = {name: record_schema(name) for name in RECORDS}
    head = {"$schema": DIALECT}
    if fmt == "csv" and kind is not None:
        return {**head, "title": f"badgedir {RECORDS[kind][1].split('/')[0]}/*.csv row", **csv_row_schema(kind)}
    if kind is not None:
        return {**head, "title": f"badgedir {RECORDS[kind][1]}", **file_schema(kind), "$defs": {kind: defs[kind]}}
    files = {f"{name}_file": file_schema(name) for name in RECORDS}
    rows = {f"{name}_csv_row": csv_row_schema(name) for name in CSV_KINDS}
    return {**head, "title": "badgedir content files",
            "description": "Any badgedir content file; point an editor at one of the $defs (or at "
                           "api/schema/<kind>.json) to get completion for that kind of file only. A line of a "
                           "JSON Lines file (*.jsonl) is one record; the <kind>_csv_row definitions describe one "
                           "row of a CSV file (api/schema/<kind>.csv.json).",
            "anyOf": [{"$ref": f"#/$defs/{name}"} for name in files], "$defs": {**defs, **files, **rows}}


def schema_json(kind: str | None = None, fmt: str = "yaml") -> str:
    return json.dumps(content_schema(kind, fmt), ensure_ascii=False, indent=1) + "\n"


def schema_files() -> dict[str, str]:
    """Everything published under ``api/``: the combined schema, one file per kind and one per CSV row kind."""
    return {"api/schema.json": schema_json(), **{f"api/schema/{kind}.json": schema_json(kind) for kind in RECORDS},
            **{f"api/schema/{kind}.csv.json": schema_json(kind, "csv") for kind in CSV_KINDS}}
