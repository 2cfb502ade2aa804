"""Hostile YAML: read strictly, every scalar as the text written, or refused at file:line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import generator.read.yamlstrict
from generator.read.reading import read_at_most
from conftest import build_site, make_content
from hostile import built, errors_of, json_of

OK = 'id: shop\nname: Shop\nwhatsapp: "+34 655 00 00 01"\n'


@pytest.mark.parametrize("text, error", [
    ("id: a\nname: A\nwhatsapp: '+34 655 00 00 01'\nname: B\n", "4: duplicate key 'name' (first written at line 2)"),
    ("- id: a\n  name: A\n  whatsapp: '+34 655 00 00 01'\n  id: b\n", "4: duplicate key 'id' (first written at line 1)"),
    ("{id: a, name: A,\n whatsapp: '+34 655 00 00 01', name: B}\n", "2: duplicate key 'name' (first written at line 1)"),
    ("id: &id a\nname: A\nwhatsapp: '+34 655 00 00 01'\n", "1: anchors (&id) are not allowed"),
    ("id: a\nname: *n\nwhatsapp: '+34 655 00 00 01'\n", "2: aliases (*n) are not allowed"),
    ("id: a\n<<: {name: A}\nwhatsapp: '+34 655 00 00 01'\n", "2: merge keys (<<) are not allowed"),
    ("id: a\nname: !!python/object/apply:os.system ['echo pwned']\nwhatsapp: '+34 655 00 00 01'\n",
     "2: tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed; write the value as plain text"),
    ("id: a\nname: !shout A\nwhatsapp: '+34 655 00 00 01'\n", "2: tags (!shout) are not allowed; write the value as plain text"),
    ("id: a\nname: !!str 42\nwhatsapp: '+34 655 00 00 01'\n", "2: tags (tag:yaml.org,2002:str) are not allowed; write the value as plain text"),
    ("? [id, name]\n: a\n", "1: mapping keys must be plain text"),
    (OK + "---\n" + OK, "4: only one YAML document per file is allowed (remove the extra '---')"),
    ("id: a\nname: 'unclosed\n", "3: invalid YAML: found unexpected end of stream"),
])
def test_yaml_features_that_deceive_are_refused_at_their_line(tmp_path: Path, text: str, error: str) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": text}) == [f"businesses/a.yaml:{error}"]


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(12))
    started = time.perf_counter()
    assert errors_of(tmp_path, {"businesses/a.yaml": bomb}) == ["businesses/a.yaml:1: anchors (&a) are not allowed"]
    assert time.perf_counter() - started < 5


def test_every_scalar_is_the_text_written(tmp_path: Path) -> None:
    files = {
        "businesses/a.yaml": "id: nordic\nname: NO\nwhatsapp: 0034600123456\ncountry: NO\naddress: 12:30\n"
                             "city: 0o17\ncategory: 1e3\n",
        "businesses/b.yaml": "id: b\nname: yes\nwhatsapp: +34611223344\ncity: .inf\naddress: 0x1F\ncategory: 2026-01-10\n",
    }
    api = {b["id"]: b for b in json_of(built(tmp_path, files, base={}) / "api/businesses.json")["businesses"]}
    assert (api["nordic"]["name"], api["nordic"]["country"], api["nordic"]["whatsapp"]) == ("NO", "NO", "+34600123456")
    assert (api["nordic"]["city"], api["nordic"]["category"]) == ("0o17", "1e3")
    assert (api["b"]["name"], api["b"]["whatsapp"], api["b"]["city"], api["b"]["category"]) == ("yes", "+34611223344", ".inf", "2026-01-10")


def test_a_number_written_without_quotes_keeps_its_leading_zeros(tmp_path: Path) -> None:
    files = {"businesses/a.yaml": "id: a\nname: A\nwhatsapp: 0034600123456\ncompany_id: 007\n",
             "register/r.yaml": "company_id: 007\nlegal_name: A S.L.\nphones: [0034600123456]\n"}
    api = json_of(built(tmp_path, files, base={}) / "api/businesses.json")["businesses"]
    assert api[0]["tier"] == "confirmed"


@pytest.mark.parametrize("value", ["yes", "NO", "on", "1", "True"])
def test_booleans_are_only_true_or_false(tmp_path: Path, value: str) -> None:
    record = f"business: shop\nwhatsapp: '+34 655 00 00 01'\nverified_on: 2026-01-01\nexpires: 2027-01-01\nrevoked: {value}\n"
    assert errors_of(tmp_path, {"businesses/a.yaml": OK, "verifications/v.yaml": record}) == [
        f"verifications/v.yaml:5: revoked: '{value}' must be true or false"]


@pytest.mark.parametrize("value", ["2026-1-10", "10/01/2026", "2026-02-30", "2026-01-10T10:00:00", "20260110",
                                   "２０２６-０１-１０", "١٢٣٤-٠١-٠١"])
def test_dates_must_be_written_yyyy_mm_dd(tmp_path: Path, value: str) -> None:
    record = f"business: shop\nwhatsapp: '+34 655 00 00 01'\nverified_on: '{value}'\nexpires: 2027-01-01\n"
    assert errors_of(tmp_path, {"businesses/a.yaml": OK, "verifications/v.yaml": record}) == [
        f"verifications/v.yaml:3: verified_on: '{value}' is not a date written YYYY-MM-DD"]


def test_faq_order_must_be_ascii_digits(tmp_path: Path) -> None:
    assert errors_of(tmp_path, {"faq/a.md": "---\ntitle: A\norder: '١٢'\n---\nBody\n"}) == [
        "faq/a.md:3: order: '١٢' must be a whole number"]


def test_a_file_must_be_utf8(tmp_path: Path) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": "id: a\nname: Caf\xe9\n".encode("latin-1")}) == [
        "businesses/a.yaml:2: file is not valid UTF-8"]
    assert errors_of(tmp_path / "u16", {"businesses/a.yaml": OK.encode("utf-16")}) == [
        "businesses/a.yaml:1: file is UTF-16; save it as UTF-8 (with or without a byte-order mark)"]


def test_a_leading_byte_order_mark_is_fine(tmp_path: Path) -> None:
    output = built(tmp_path, {"businesses/a.yaml": b"\xef\xbb\xbf" + OK.encode()}, base={})
    assert json_of(output / "api/businesses.json")["businesses"][0]["id"] == "shop"


@pytest.mark.parametrize("text, error", [
    ("just a sentence\n", "1: each business must be a mapping of field: value"),
    ("- " + OK.replace("\n", "\n  ") + "\n- a string\n", "5: each business must be a mapping of field: value"),
    ("- [id, shop]\n", "1: each business must be a mapping of field: value"),
    ("", "1: file is empty; expected a business or a list of them"),
])
def test_a_file_holds_a_mapping_or_a_list_of_mappings(tmp_path: Path, text: str, error: str) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": text}) == [f"businesses/a.yaml:{error}"]


def test_deep_nesting_is_refused_while_streaming(tmp_path: Path) -> None:
    nested = "description:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(20)) + "  " * 21 + "x\n"
    assert errors_of(tmp_path, {"businesses/a.yaml": OK + nested}) == ["businesses/a.yaml:20: nesting deeper than 16 levels"]


def test_huge_flow_nesting_fails_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    errors = errors_of(tmp_path, {"businesses/a.yaml": "x: " + "[" * 2_000_000 + "\n"})
    assert errors == ["businesses/a.yaml:1: nesting deeper than 16 levels"]
    assert time.perf_counter() - started < 5


def test_file_size_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.read.yamlstrict, "MAX_FILE_BYTES", 1000)
    content = make_content(tmp_path, {"businesses/a.yaml": OK + "# " + "x" * 2000 + "\n"})
    from generator.diagnostics import BuildFailed

    with pytest.raises(BuildFailed) as failed:
        build_site(content)
    assert [str(d) for d in failed.value.diagnostics] == ["businesses/a.yaml: file is 2052 bytes; the limit is 1000"]


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 70_000, 200_000])
def test_a_file_is_read_whole_or_to_one_byte_past_its_limit(tmp_path: Path, size: int) -> None:
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    (tmp_path / "f").write_bytes(data)
    for limit in (1000, 100_000):
        assert read_at_most(tmp_path / "f", limit) == data[:limit + 1]


def test_a_file_is_read_to_its_end_whatever_size_it_claims() -> None:
    """/proc files say they hold 0 bytes; a file still being written says less than it will hold."""
    status = Path("/proc/self/status")  # Linux, like CI
    assert status.stat().st_size == 0
    text = read_at_most(status, 1 << 20)
    assert text.startswith(b"Name:") and text.endswith(b"\n") and b"VmRSS" in text
    assert read_at_most(status, 10) == text[:11]


def test_front_matter_is_read_just_as_strictly(tmp_path: Path) -> None:
    assert errors_of(tmp_path, {"faq/a.md": "---\ntitle: &t A\n---\nBody\n", "faq/b.md": "---\ntitle: A\ntitle: B\n---\nBody\n"}) == [
        "faq/a.md:2: anchors (&t) are not allowed",
        "faq/b.md:3: duplicate key 'title' (first written at line 2)",
    ]
