"""Turn raw YAML records into clean field values, driven by :mod:`fields`.

One generic pass checks every field of a record against its declared kind,
so a rule (say, "no invisible characters in any text") is written once and
holds for businesses, register rows, verification records and site.yaml
alike.  Problems come back as diagnostics, never as exceptions.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from . import phones
from ..diagnostics import ContentError, Diagnostic
from .fields import Field
from .markup import check_markdown
from .yamlstrict import YamlList, YamlMap

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_EMAIL = re.compile(r"[^@\s<>\"'(),;:\\\[\]]+@[^@\s<>\"'(),;:\\\[\]]+\.[A-Za-z]{2,}")
_LANG = re.compile(r"[a-z]{2,3}")
# Invisible and bidirectional characters let a name read differently than it
# is ("Iberia" + a Hangul filler looks like "Iberia" but is another name):
# every format character (Unicode category Cf: zero-width, bidi controls, soft
# hyphen, tags, ...), the other default-ignorable code points, and the
# blank-looking letters (Hangul fillers, Braille blank).  Variation selectors
# are fine only right after an emoji or symbol (see _misplaced_selector).
_DECEPTIVE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0d\ufeff\uffa0"
    "\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]")
_SELECTOR = re.compile("[\ufe0e\ufe0f]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile("[\n\u2028\u2029]")
MAX_MARKS = 5  # combining marks on one character; more stack over neighbouring text ("Zalgo")
# Marks are never ASCII, so too many in a row need that many non-ASCII characters in a row: most
# text (accented letters one at a time) is cleared by this search without looking at each character.
_MARKS_POSSIBLE = re.compile(rf"[^\x00-\x7f]{{{MAX_MARKS + 1},}}")


class Record:
    """The clean values of one record plus where each was written."""

    __slots__ = ("values", "lines", "line", "ok")

    def __init__(self, line: int) -> None:
        self.values: dict[str, Any] = {}
        self.lines: dict[str, int] = {}
        self.line = line
        self.ok = True  # no field has an error

    def complete(self, fields: tuple[Field, ...]) -> bool:
        """No errors, and every required field read (one can be left unread when the region is unknown)."""
        return self.ok and all(f.name in self.values for f in fields if f.required)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def read_record(raw: Any, fields: tuple[Field, ...], rel: str, region: str,
                forbidden: dict[str, str] | None = None, what: str = "entry",
                line: int = 0) -> tuple[Record | None, list[Diagnostic]]:
    """Check one mapping against ``fields``; return its clean values or the reasons it has none."""
    record, problems = read_fields(raw, fields, rel, region, forbidden, what, line)
    return (record if record is not None and record.complete(fields) else None), problems


def read_fields(raw: Any, fields: tuple[Field, ...], rel: str, region: str,
                forbidden: dict[str, str] | None = None, what: str = "entry",
                line: int = 0) -> tuple[Record | None, list[Diagnostic]]:
    """Check one mapping against ``fields``: the fields that are right, even beside fields that are not.

    A record with errors is not used, but what is right in it (its id, its
    number, its logo) can still be checked against the rest of the directory.
    ``region`` ``""`` means it is unknown (site.yaml is broken): numbers
    written without a country code are then left unread, without an error.
    None only for something that is not a mapping at all.
    """
    if not isinstance(raw, YamlMap):
        return None, [ContentError(rel, getattr(raw, "line", line), f"each {what} must be a mapping of field: value")]
    record, problems = Record(raw.line), []
    known = {f.name: f for f in fields}
    for key in raw:
        if key not in known:
            problems.append(ContentError(rel, raw.line_of(key), unknown_key_message(key, known, forbidden)))
    for field in fields:
        where = raw.line_of(field.name)
        value = raw.get(field.name)
        if value is None:
            if field.required:
                problems.append(ContentError(rel, raw.line, f"{field.name}: required field is missing"))
            continue
        clean, message = _check(field, value, region, raw.get("country"))
        if message:
            problems.append(ContentError(rel, where, f"{field.name}: {message}"))
        elif clean is not None:  # None: left unread (a number, while the region is unknown)
            record.values[field.name] = clean
            record.lines[field.name] = where
    record.ok = not any(p.level == "error" for p in problems)
    return record, problems


def unknown_key_message(key: str, known: dict[str, Field], forbidden: dict[str, str] | None) -> str:
    if forbidden and key in forbidden:
        return f"{key}: not allowed here: {forbidden[key]}"
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (known fields: {', '.join(known)})"
    return f"{key}: unknown field{hint}"


def _check(field: Field, value: Any, region: str, country: Any) -> tuple[Any, str | None]:
    kind = field.kind
    if kind == "phones":
        return _check_phone_list(value, region, country)
    if kind == "markdown" and isinstance(value, YamlMap):
        return _check_translations(field, value)
    if kind == "langs":
        return _check_langs(value)
    if not isinstance(value, str):
        return None, "must be a single value, not a list or mapping"
    message = check_text(value, field.max_length, multiline=kind == "markdown")
    if message:
        return None, message
    value = value.strip() if kind != "markdown" else value
    return _CHECKERS[kind](value, region, country)


def check_text(value: str, max_length: int, multiline: bool = False) -> str | None:
    """Rules every piece of text obeys, whatever field it is in.

    The length is checked first, so a huge value is refused before any
    slower check (or the Markdown parser) reads it.
    """
    if len(value) > max_length:
        return f"is {len(value)} characters long; the limit is {max_length}"
    if not multiline and value.isascii() and value.isprintable():
        return None  # most values: no control character, line break or tab, nothing invisible or stacked
    if value.isascii():
        found = None
    else:
        found = _DECEPTIVE.search(value) or _misplaced_selector(value)
    if found:
        return f"contains an invisible or direction-changing character (U+{ord(found.group()):04X})"
    control = _CONTROL.search(value.replace("\r\n", "\n") if multiline else value)
    if control or (not multiline and (_LINE_BREAK.search(value.strip()) or "\t" in value)):
        return "contains control characters or line breaks"
    if not value.isascii() and _MARKS_POSSIBLE.search(value) and _longest_mark_run(value) > MAX_MARKS:
        return f"stacks more than {MAX_MARKS} combining marks on one character"
    return None


def _misplaced_selector(value: str) -> re.Match[str] | None:
    """A variation selector (U+FE0E/FE0F) anywhere but after an emoji, symbol or keycap digit."""
    for found in _SELECTOR.finditer(value):
        before = value[found.start() - 1] if found.start() else ""
        if not before or not (unicodedata.category(before) in ("So", "Sm", "Sk", "Nd") or before in "#*"):
            return found
    return None


def _longest_mark_run(value: str) -> int:
    longest = run = 0
    for char in value:
        if char.isascii():
            run = 0
        elif unicodedata.category(char) in ("Mn", "Me"):
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return longest


def _check_langs(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, YamlList) or not value:
        return None, "must be a list of language codes, e.g. [es, en]"
    codes = [v.lower() if isinstance(v, str) else "" for v in value]
    bad = [c for c in codes if not _LANG.fullmatch(c)]
    if bad or len(set(codes)) != len(codes):
        return None, "must be distinct language codes such as es, en"
    return tuple(codes), None


def _check_translations(field: Field, value: YamlMap) -> tuple[Any, str | None]:
    clean: dict[str, str] = {}
    for lang, text in value.items():
        if not _LANG.fullmatch(lang) or not isinstance(text, str):
            return None, "as a mapping, must map language codes (es, en, ...) to Markdown text"
        message = check_text(text, field.max_length, multiline=True) or check_markdown(text)
        if message:
            return None, f"{lang}: {message}"
        clean[lang] = text
    return clean, None


def _check_phone_list(value: Any, region: str, country: Any) -> tuple[Any, str | None]:
    if not isinstance(value, YamlList):
        return None, "must be a list of phone numbers"
    numbers, unread = [], False
    for item, line in zip(value, value.item_lines):
        if not isinstance(item, str):
            return None, f"line {line}: each phone must be a single number"
        if not region and not phones.is_international(item):
            unread = True  # read once site.yaml names the region
            continue
        e164, message = phones.normalise(item, region)
        if message:
            return None, f"line {line}: {message}"
        numbers.append((e164, line))
    return (None if unread else tuple(numbers)), None


def _phone(value: str, region: str, country: Any) -> tuple[Any, str | None]:
    read_in = country.strip().upper() if isinstance(country, str) and phones.is_region(country.strip().upper()) else region
    if not read_in and not phones.is_international(value):
        return None, None  # the region is unknown (site.yaml is broken): read once it is fixed
    return phones.normalise(value, read_in)


def _id(value: str, region: str, country: Any) -> tuple[Any, str | None]:
    if len(value) > 64 or not _ID.fullmatch(value):
        return None, f"'{value}' is not a valid id: use lowercase letters, digits and single hyphens (at most 64)"
    return value, None


def _url(value: str, region: str, country: Any) -> tuple[Any, str | None]:
    """An absolute http(s) URL that goes where it reads.

    Browsers read ``\\`` as ``/`` and decode ``%`` in host names, and
    ``https://iberia.com@evil.example/`` goes to evil.example: each would let
    a link read as one site and lead to another, so each is refused.
    """
    if re.search(r"\s", value):
        return None, "a URL may not contain spaces"
    if "\\" in value:
        return None, f"'{value}' may not contain '\\' (browsers read it as '/')"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return None, f"'{value}' is not a valid URL"
    if parts.scheme.lower() not in ("http", "https") or not value.lower().startswith(("http://", "https://")):
        return None, f"'{value}' must be an http:// or https:// URL"
    if not parts.hostname or "@" in parts.netloc:
        return None, f"'{value}' must name a host and carry no user name or password"
    if "%" in parts.netloc:
        return None, f"'{value}': write the host name plainly, without '%' escapes"
    return value, None


def _email(value: str, region: str, country: Any) -> tuple[Any, str | None]:
    if not _EMAIL.fullmatch(value):
        return None, f"'{value}' is not an e-mail address"
    return value, None


def _region(value: str, region: str, country: Any) -> tuple[Any, str | None]:
    code = value.upper()
    if not phones.is_region(code):
        return None, f"'{value}' is not an ISO 3166 alpha-2 region code (e.g. ES, PT, NO)"
    return code, None


def _date(value: str, region: str, country: Any) -> tuple[Any, str | None]:
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value), None
        except ValueError:
            pass
    return None, f"'{value}' is not a date written YYYY-MM-DD"


def _bool(value: str, region: str, country: Any) -> tuple[Any, str | None]:
    if value in ("true", "false"):
        return value == "true", None
    return None, f"'{value}' must be true or false"


def _int(value: str, region: str, country: Any) -> tuple[Any, str | None]:
    if re.fullmatch(r"-?\d{1,6}", value, re.ASCII):
        return int(value), None
    return None, f"'{value}' must be a whole number"


def _lang(value: str, region: str, country: Any) -> tuple[Any, str | None]:
    if _LANG.fullmatch(value.lower()):
        return value.lower(), None
    return None, f"'{value}' is not a language code such as en or es"


def _plain(value: str, region: str, country: Any) -> tuple[Any, str | None]:
    if not value.strip():
        return None, "is empty"
    return unicodedata.normalize("NFC", value), None


def _markdown(value: str, region: str, country: Any) -> tuple[Any, str | None]:
    message = check_markdown(value)
    return (None, message) if message else (value, None)


_CHECKERS = {
    "id": _id, "text": _plain, "phone": _phone, "url": _url, "email": _email,
    "path": _plain, "markdown": _markdown, "region": _region, "lang": _lang,
    "date": _date, "bool": _bool, "int": _int,
}
