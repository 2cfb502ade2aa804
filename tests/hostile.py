"""Helpers shared by the hostile-input suites (tests/test_hostile_*.py).

Each hostile test writes a small content folder, builds it for real, and
either collects the errors (``errors_of``) or reads the pages it produced.
``yaml_text`` writes any string as a double-quoted YAML scalar with every
unprintable character escaped, so a test can hand the loader exactly the
text it means to, however hostile.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import THREE_TIERS, build_site, make_content
from generator.diagnostics import BuildFailed


def errors_of(tmp_path: Path, files: dict[str, str | bytes], base: dict[str, str | bytes] | None = None) -> list[str]:
    """Build ``files`` (over ``base``) expecting failure; every diagnostic as ``path:line: message``."""
    content = make_content(tmp_path, {**(base or {}), **files})
    with pytest.raises(BuildFailed) as failed:
        build_site(content)
    assert not (tmp_path / "output").exists(), "a failed build wrote its output"
    return [str(d) for d in failed.value.diagnostics]


def built(tmp_path: Path, files: dict[str, str | bytes], base: dict[str, str | bytes] | None = THREE_TIERS) -> Path:
    """Build ``files`` over the three-tier directory; the output folder (the site check has run)."""
    return build_site(make_content(tmp_path, {**(base or {}), **files}))


def yaml_text(value: str) -> str:
    """``value`` as a double-quoted YAML scalar that reads back as exactly ``value``."""
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F or (code > 0xA0 and char.isprintable() and code not in (0x2028, 0x2029, 0xFEFF)):
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def business(**fields: str) -> str:
    """One business as a YAML mapping, one field a line in the order given (``id`` is line 1)."""
    fields = {"id": "shop", "name": "Shop", "whatsapp": "+34 655 00 00 01", **fields}
    return "".join(f"{key}: {yaml_text(value)}\n" for key, value in fields.items())


def json_of(path: Path):
    return json.loads(path.read_text("utf-8"))


def all_text(output: Path, suffixes: tuple[str, ...] = (".html", ".json", ".xml", ".txt", ".vcf", ".svg")) -> str:
    """Every text file of a built site with one of ``suffixes``, concatenated (to assert something appears nowhere)."""
    return "\n".join(p.read_text("utf-8") for p in sorted(output.rglob("*")) if p.is_file() and p.suffix in suffixes)
