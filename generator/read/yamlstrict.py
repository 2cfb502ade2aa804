"""A strict YAML reader for content written by people who are not YAML experts.

YAML 1.1 (what PyYAML implements) quietly turns ``country: NO`` into
``False``, ``0034600123456`` into an octal integer and ``12:30`` into 750.
For a directory whose whole point is comparing phone numbers exactly, that is
unacceptable, so this reader keeps every scalar as the text written and
refuses the features that make YAML surprising or dangerous: anchors and
aliases (alias bombs), merge keys, explicit ``!tags`` (object construction),
duplicate keys (last-wins hides mistakes) and multi-document files.

It walks libyaml's event stream (the C parser, fast) and builds plain dicts,
lists and strings itself, recording the line of every key and list item.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

try:  # the C parser is ~10x faster; fall back so a missing libyaml is slow, not broken
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from ..diagnostics import ContentError, Diagnostic
from .reading import NotAFile, decode_text, read_at_most

MAX_FILE_BYTES = 128 * 1024 * 1024
MAX_DEPTH = 16
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class YamlMap(dict):
    """A mapping that remembers where it and each of its keys were written."""

    __slots__ = ("line", "key_lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list):
    """A sequence that remembers where it and each of its items were written."""

    __slots__ = ("line", "item_lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


Value = YamlMap | YamlList | str | None


class _Refused(Exception):
    """Internal: stop reading a file at the first construct we refuse."""

    def __init__(self, line: int, message: str) -> None:
        self.line, self.message = line, message


def read_yaml_file(path: Path, rel: str) -> tuple[Value, list[Diagnostic]]:
    """Read one YAML file; return its value, or None and the reasons it can't be read."""
    try:
        data = read_at_most(path, MAX_FILE_BYTES)
        size = max(os.stat(path).st_size, len(data)) if len(data) > MAX_FILE_BYTES else len(data)
    except NotAFile as exc:
        return None, [ContentError(rel, 0, str(exc.strerror))]
    except OSError as exc:
        return None, [ContentError(rel, 0, f"cannot read file: {exc.strerror}")]
    if size > MAX_FILE_BYTES:
        return None, [ContentError(rel, 0, f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")]
    return parse_yaml(data, rel)


def parse_yaml(data: bytes, rel: str, first_line: int = 1, at_start: bool = True) -> tuple[Value, list[Diagnostic]]:
    """Parse YAML bytes strictly (see the module docstring).

    ``first_line`` is the line number of the first byte: a span of a bigger
    file (:mod:`generator.spans`) is parsed alone and still reports the
    file's lines; ``at_start`` says the bytes begin the file (a byte-order
    mark may begin them).
    """
    text, line, message = decode_text(data, first_line, at_start)
    if text is None:
        return None, [ContentError(rel, line, message)]
    offset = first_line - 1
    try:
        return _build(yaml.parse(text, Loader=_Loader), offset), []
    except _Refused as refused:
        return None, [ContentError(rel, refused.line, refused.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else 0
        if "nesting depth" in str(exc.problem):  # newer libyaml stops deep nesting itself; same rule, same words
            return None, [ContentError(rel, line, f"nesting deeper than {MAX_DEPTH} levels")]
        return None, [ContentError(rel, line, f"invalid YAML: {exc.problem or exc.context}")]
    except yaml.YAMLError as exc:
        return None, [ContentError(rel, 0, f"invalid YAML: {exc}")]


def _build(events, offset: int = 0) -> Value:  # noqa: C901 - one flat dispatch over event types reads best
    """Turn an event stream into YamlMap/YamlList/str values, refusing what we don't accept."""
    stack: list[YamlMap | YamlList] = []
    pending_key: list[str | None] = []  # per open mapping: key waiting for its value
    root: Value = None
    documents = 0

    def attach(value: Value, line: int) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        top = stack[-1]
        if isinstance(top, YamlList):
            top.append(value)
            top.item_lines.append(line)
            return
        key = pending_key[-1]
        if key is None:
            if not isinstance(value, str):
                raise _Refused(line, "mapping keys must be plain text")
            if value in top:
                raise _Refused(line, f"duplicate key '{value}' (first written at line {top.key_lines[value]})")
            if value == "<<":
                raise _Refused(line, "merge keys (<<) are not allowed")
            pending_key[-1] = value
            top.key_lines[value] = line
        else:
            top[key] = value
            pending_key[-1] = None

    for event in events:
        kind = type(event)
        line = event.start_mark.line + 1 + offset
        if kind is yaml.ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                _refuse_anchor_and_tag(event, line)
            value: str | None = event.value
            if not event.style and value in _NULLS:  # plain (C parser: "", Python: None)
                value = None
            attach(value, line)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            _refuse_anchor_and_tag(event, line)
            if len(stack) >= MAX_DEPTH:
                raise _Refused(line, f"nesting deeper than {MAX_DEPTH} levels")
            container: YamlMap | YamlList = YamlMap(line) if kind is yaml.MappingStartEvent else YamlList(line)
            attach(container, line)
            stack.append(container)
            pending_key.append(None)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
            pending_key.pop()
        elif kind is yaml.AliasEvent:
            raise _Refused(line, f"aliases (*{event.anchor}) are not allowed")
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Refused(line, "only one YAML document per file is allowed (remove the extra '---')")
    return root


def _refuse_anchor_and_tag(event, line: int) -> None:
    if event.anchor is not None:
        raise _Refused(line, f"anchors (&{event.anchor}) are not allowed")
    if event.tag is not None:
        raise _Refused(line, f"tags ({event.tag}) are not allowed; write the value as plain text")
