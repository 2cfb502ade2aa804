"""Hostile CSV and JSON Lines: every cell is text, every problem an error at its real line, nothing crashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hostile import built, errors_of, json_of

HEADER = "id,name,whatsapp,description\n"
ROW = "shop,Shop,+34 655 00 00 01,Fine\n"


def _api(output: Path) -> dict[str, dict]:
    return {b["id"]: b for b in json_of(output / "api/businesses.json")["businesses"]}


@pytest.mark.parametrize("data, error", [
    (b"", "1: file is empty; a CSV file starts with a header row of field names"),
    (b"\xef\xbb\xbf", "1: file is empty; a CSV file starts with a header row of field names"),
    (b"\n" + HEADER.encode() + ROW.encode(), "1: the first line must be the header row of field names"),
    ((HEADER + ROW).encode("utf-16"), "1: file is UTF-16; save it as UTF-8 (with or without a byte-order mark)"),
    ((HEADER + ROW + "caf\xe9,Caf\xe9,+34 655 00 00 02,x\n").encode("latin-1"), "3: file is not valid UTF-8"),
    ((HEADER + 'a,"never closed,+34 655 00 00 02\nb,B,+34 655 00 00 03,x\n').encode(),
     "2: a quoted cell is never closed (a '\"' is missing)"),
    ((HEADER + 'a,"A"x,+34 655 00 00 02,y\n').encode(),
     "2: a '\"' inside a quoted cell must be doubled (\"\"), and a quoted cell must end at ',' or the line's end"),
    ((HEADER + "a,A,+34 655 00 00 02,lone\rcarriage return\n").encode(),
     "2: a line ends with a lone carriage return; save the file with LF or CRLF line endings"),
    ((HEADER + 'a,"' + "x" * 200_000 + '",+34 655 00 00 02,y\n').encode(), "2: a cell is longer than 131,072 characters"),
])
def test_a_csv_file_that_cannot_be_read_says_why_at_its_line(tmp_path: Path, data: bytes, error: str) -> None:
    assert errors_of(tmp_path, {"businesses/b.csv": data})[-1].startswith(f"businesses/b.csv:{error}")


@pytest.mark.parametrize("header, error", [
    ("id,name,whatsapp,webiste", "webiste: unknown field (did you mean 'website'?)"),
    ("id,name,whatsapp,tier", "tier: not allowed here: the tier is computed from the register and verification records, never declared"),
    ("id,name,whatsapp,name", "name: column 4 repeats column 2"),
    ("id,name,whatsapp,", "column 4 has no name in the header"),
    ("id,name,whatsapp,name.es", "name.es: only a Markdown field has one column per language ('name' takes one column)"),
    ("id,name,whatsapp,description.spanish", "description.spanish: 'spanish' is not a language code such as es or en"),
    ("id,name,whatsapp,description,description.es", "description: write one 'description' column or 'description.<lang>' columns, not both"),
    ("id,whatsapp,description", "name: the header has no column for this required field"),
    ("id,name,whats\x00app", "whats\\u0000app: unknown field (did you mean 'whatsapp'?)"),
    ("id,name,whatsapp" + ",x" * 100_000, "the header has 100,003 columns; at most 64 are read"),
])
def test_a_bad_header_is_one_error_at_the_header_line(tmp_path: Path, header: str, error: str) -> None:
    data = f"{header}\n" + "".join(f"s{n},S{n},+34 655 00 00 0{n},x\n" for n in range(3))
    assert f"businesses/b.csv:1: {error}" in errors_of(tmp_path, {"businesses/b.csv": data.encode()})


def test_ragged_rows_are_each_an_error_and_the_other_rows_are_still_checked(tmp_path: Path) -> None:
    data = HEADER + ROW + "a,A,+34 655 00 00 02\n" + "b,B,+34 655 00 00 03,x,extra\n" + "c,C,not a number,x\n"
    assert errors_of(tmp_path, {"businesses/b.csv": data.encode()}) == [
        "businesses/b.csv:3: this row has 3 cells and the header 4 (a cell holding a ',' or a line break must be in double quotes)",
        "businesses/b.csv:4: this row has 5 cells and the header 4 (a cell holding a ',' or a line break must be in double quotes)",
        "businesses/b.csv:5: whatsapp: 'not a number' is not a phone number: only digits, spaces, '+', '-', '.' and parentheses are allowed",
    ]


def test_cells_that_look_like_formulas_are_just_text(tmp_path: Path) -> None:
    cells = ['=HYPERLINK("https://evil.example","Click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "=1+1"]
    rows = "".join(f's{n},"{c.replace(chr(34), chr(34) * 2)}",+34 655 00 00 0{n},"{c.replace(chr(34), chr(34) * 2)}"\n'
                   for n, c in enumerate(cells))
    output = built(tmp_path, {"businesses/b.csv": (HEADER + rows).encode()})
    api = _api(output)
    assert [api[f"s{n}"]["name"] for n in range(len(cells))] == cells
    page = (output / "b/s0/index.html").read_text()
    assert "=HYPERLINK(&#34;https://evil.example&#34;,&#34;Click&#34;)" in page
    assert 'href="https://evil.example"' not in page


def test_a_nul_or_a_control_character_in_a_cell_is_refused(tmp_path: Path) -> None:
    data = HEADER + "a,Bad\x00name,+34 655 00 00 02,x\n" + "b,Bell\x07,+34 655 00 00 03,x\n"
    assert errors_of(tmp_path, {"businesses/b.csv": data.encode()}) == [
        "businesses/b.csv:2: name: contains control characters or line breaks",
        "businesses/b.csv:3: name: contains control characters or line breaks"]


def test_a_line_break_in_a_single_line_cell_is_refused_at_the_cells_own_line(tmp_path: Path) -> None:
    data = "id,description,name,whatsapp\n" + 'a,"two\nlines","Two\nlines",+34 655 00 00 02\n'
    assert errors_of(tmp_path, {"businesses/b.csv": data.encode()}) == [
        "businesses/b.csv:3: name: contains control characters or line breaks"]


def test_bom_crlf_and_blank_lines_read_like_plain_lf(tmp_path: Path) -> None:
    rows = HEADER + ROW + "\n" + 'two,Two,+34 655 00 00 02,"Line one\n\nLine **two**"\n'
    broken = rows + "three,Three,,x\n"
    lf = errors_of(tmp_path / "lf", {"businesses/b.csv": broken.encode()})
    crlf = errors_of(tmp_path / "crlf", {"businesses/b.csv": b"\xef\xbb\xbf" + broken.replace("\n", "\r\n").encode()})
    assert lf == crlf == ["businesses/b.csv:7: whatsapp: required field is missing"]
    output = built(tmp_path / "ok", {"businesses/b.csv": b"\xef\xbb\xbf" + rows.replace("\n", "\r\n").encode()})
    page = (output / "b/two/index.html").read_text()
    assert "<p>Line one</p>" in page and "<strong>two</strong>" in page and "\r" not in page
    assert [r["source"] for r in _api(output)["two"]["reasons"]] == ["businesses/b.csv:4", ""]


def test_a_header_only_file_is_an_empty_list(tmp_path: Path) -> None:
    api = _api(built(tmp_path, {"businesses/b.csv": HEADER.encode()}))
    assert "shop" not in api and len(api) == 3


# -- JSON Lines ---------------------------------------------------------------------------------------------------

GOOD = {"id": "shop", "name": "Shop", "whatsapp": "+34 655 00 00 01"}


@pytest.mark.parametrize("line, error", [
    ('{"id": "a", "id": "b", "name": "A", "whatsapp": "+34 655 00 00 02"}', "duplicate key 'id'"),
    ('{"id": "a", "name": "A\\ud800", "whatsapp": "+34 655 00 00 02"}',
     "a '\\u' escape names half of a character (a lone surrogate); write the character itself"),
    ('{"id": "a", "name": NaN, "whatsapp": "+34 655 00 00 02"}', "invalid JSON: NaN is not a JSON value"),
    ('{"id": "a", "name": "tab\there"}', "invalid JSON: Invalid control character at (column 25)"),
    ('{"id": "a",}', "invalid JSON: Expecting property name enclosed in double quotes (column 12)"),
    ('["id", "a"]', "each business must be a mapping of field: value"),
    ('"just text"', "each business must be a mapping of field: value"),
    ('{"id": "a", "name": "A", "whatsapp": "+34 655 00 00 02", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "nesting deeper than 16 levels"),
    ('{"id": "a", "name": "' + "x" * 2_000_000 + '"}', "line is 2,000,023 characters long; the limit is 1,048,576"),
    ('{"id": "a", "name": "A", "whatsapp": "+34 655 00 00 02", "description.es": "Hola"}',
     "description.es: unknown field (did you mean 'description'?)"),
    ('{"company_id": "B1", "id": "a", "name": "A", "whatsapp": "+34 655 00 00 02", "tier": "verified"}',
     "tier: not allowed here: the tier is computed from the register and verification records, never declared"),
])
def test_a_bad_json_line_is_an_error_at_its_line_and_the_others_are_read(tmp_path: Path, line: str, error: str) -> None:
    data = json.dumps(GOOD) + "\n\n" + line + "\n" + json.dumps({**GOOD, "id": "other", "whatsapp": "x"}) + "\n"
    found = errors_of(tmp_path, {"businesses/b.jsonl": data.encode()})
    assert f"businesses/b.jsonl:3: {error}" in found
    assert "businesses/b.jsonl:4: whatsapp: 'x' is not a phone number: only digits, spaces, '+', '-', '.' and parentheses are allowed" in found


def test_json_values_are_kept_as_the_text_written(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "name": "Shop", "whatsapp": 655000002, "company_id": 7, "city": 1.50},
        {"id": "b", "name": True, "whatsapp": "+34 655 00 00 03", "country": "NO", "email": None, "category": -0.0},
    ]
    text = "".join(json.dumps(line) + "\n" for line in lines).replace("1.5", "1.50").replace("-0.0", "1e3")
    files = {"businesses/b.jsonl": text.encode(),
             "register/r.jsonl": b'{"company_id": "7", "legal_name": "Seven", "phones": [655000002]}\n'}
    api = _api(built(tmp_path, files))
    assert (api["a"]["whatsapp"], api["a"]["city"], api["a"]["tier"]) == ("+34655000002", "1.50", "confirmed")
    assert (api["b"]["name"], api["b"]["country"], api["b"]["category"]) == ("true", "NO", "1e3")


def test_a_jsonl_file_with_bad_utf8_on_one_line_reports_that_line_only(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b'\n{"id": "caf\xe9"}\n' + json.dumps({**GOOD, "id": "b", "whatsapp": "y"}).encode()
    assert errors_of(tmp_path, {"businesses/b.jsonl": data}) == [
        "businesses/b.jsonl:2: line is not valid UTF-8",
        "businesses/b.jsonl:3: whatsapp: 'y' is not a phone number: only digits, spaces, '+', '-', '.' and parentheses are allowed"]
