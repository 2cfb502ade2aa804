"""Big list files read in spans (generator/spans.py): the same records, lines and errors as one whole read.

Each test cuts files far finer than a real build would (a span of a few
dozen bytes), so that cuts land everywhere: inside multi-line quoted
values, block scalars, comments and CSV cells holding line breaks.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_content
from generator.read import content as content_module
from generator.read import spans
from generator.read.content import read_content
from generator.read.formats import READ_SUFFIXES, format_of


def _read(folder: Path, split: bool, jobs: int = 1, monkeypatch: pytest.MonkeyPatch | None = None):
    """(content, diagnostics as text) with files cut into tiny spans, or each read whole."""
    with pytest.MonkeyPatch.context() as patch:
        if split:
            patch.setattr(spans, "SPLIT_FROM", 0)
            patch.setattr(content_module, "SPLIT_FROM", 0)
            patch.setattr(spans, "MAX_SPAN", 40)
        else:
            patch.setattr(content_module, "SPLIT_FROM", 1 << 62)
        found, diagnostics = read_content(folder, jobs)
    return found, [str(d) for d in sorted(diagnostics)]  # the order the build reports them in


def _same_either_way(folder: Path) -> tuple[object, list[str]]:
    whole = _read(folder, split=False)
    assert _read(folder, split=True) == whole
    return whole


def _register_yaml(n: int) -> str:
    return "".join(f'- company_id: "C{i}"\n  legal_name: "Company {i} S.L."\n  phones:\n    - "+34 6{i:08d}"\n'
                   for i in range(n))


def test_the_suffix_table_is_the_one_the_build_reads() -> None:
    assert READ_SUFFIXES == {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".jsonl": "jsonl"}
    assert [format_of(n) for n in ("a.yaml", "a.yml", "a.csv", "a.jsonl", "a.json", "a.CSV", "a.txt")] == [
        "yaml", "yaml", "csv", "jsonl", None, None, None]


def test_a_yaml_list_read_in_spans_keeps_every_record_and_line(tmp_path: Path) -> None:
    folder = make_content(tmp_path, {"register/r.yaml": "# the register\n" + _register_yaml(40)})
    found, problems = _same_either_way(folder)
    assert problems == []
    assert len(found.register) == 40
    assert found.register["C39"].source.line == 2 + 39 * 4
    assert found.register["C39"].phones[0].source.line == 2 + 39 * 4 + 3
    plan = spans.plan_spans(folder / "register/r.yaml", "yaml", (folder / "register/r.yaml").stat().st_size, 2)
    assert len(plan) == 1  # a small file is one span, unless the threshold is lowered


def test_cuts_inside_quoted_and_block_values_fall_back_without_changing_anything(tmp_path: Path) -> None:
    tricky = (
        '- company_id: "A"\n  legal_name: "Quoted over\n- lines: looks like an item\n  still quoted"\n  phones: ["+34 600000001"]\n'
        "- company_id: B\n  legal_name: 'single\n- quoted too'\n  phones: [\n    \"+34 600000002\"\n  ]\n"
        "- company_id: C\n  legal_name: >\n    folded\n    text\n  # a comment\n  phones:\n  - \"+34 600000003\"\n"
        "-\n  company_id: D\n  legal_name: dash alone on its line\n  phones: [\"+34 600000004\"]\n"
    )
    text = "".join(tricky.replace("company_id: ", f"company_id: {n}") for n in range(3))
    found, problems = _same_either_way(make_content(tmp_path, {"register/r.yaml": text}))
    assert problems == []
    assert [(e.company_id, e.legal_name, e.source.line) for e in found.register.values()][:4] == [
        ("0\"A\"", "Quoted over - lines: looks like an item still quoted", 1), ("0B", "single - quoted too", 6),
        ("0C", "folded text", 12), ("0D", "dash alone on its line", 20)]
    assert len(found.register) == 12


@pytest.mark.parametrize("broken, line, error", [
    ("- company_id: X\n  legal_name: &a anchored\n  phones: [\"+34 611000001\"]\n", 82, "anchors (&a) are not allowed"),
    ("---\n- company_id: X\n  legal_name: Y\n  phones: [\"+34 611000001\"]\n", 81,
     "only one YAML document per file is allowed (remove the extra '---')"),
    ("- company_id: X\n  legal_name: \"never closed\n", 83, "invalid YAML: did not find expected key"),
    ("- company_id: X\n  legal_name: Y\n  legal_name: Z\n  phones: [\"+34 611000001\"]\n", 83,
     "duplicate key 'legal_name' (first written at line 82)"),
])
def test_a_broken_record_in_the_middle_reports_what_a_whole_read_reports(tmp_path: Path, broken: str, line: int,
                                                                         error: str) -> None:
    text = _register_yaml(20) + broken + _register_yaml(20).replace('"C', '"D')
    found, problems = _same_either_way(make_content(tmp_path, {"register/r.yaml": text}))
    assert found is None and problems == [f"register/r.yaml:{line}: {error}"]


def _csv_rows(n: int) -> str:
    rows = ["id,name,whatsapp,description\n"]
    for i in range(n):
        text = f'"Shop {i}, since 1990.\n""Quoted"" line\n2nd"' if i % 3 == 0 else f"Shop {i}"
        rows.append(f"s{i},Shop {i},+34 6{i:08d},{text}\r\n" if i % 2 else f"s{i},Shop {i},+34 6{i:08d},{text}\n")
    return "".join(rows)


def test_a_csv_file_read_in_spans_counts_lines_through_multi_line_cells(tmp_path: Path) -> None:
    text = _csv_rows(30)
    found, problems = _same_either_way(make_content(tmp_path, {"businesses/b.csv": text.encode()}))
    assert problems == [] and len(found.businesses) == 30
    lines = text.split("\n")
    for business in found.businesses:
        assert lines[business.source.line - 1].startswith(business.id + ","), business
    by_id = {b.id: b for b in found.businesses}
    assert by_id["s3"].description == 'Shop 3, since 1990.\n"Quoted" line\n2nd'  # CRLF inside the cell read as LF
    assert by_id["s4"].source.line == 10 and by_id["s4"].whatsapp_source.line == 10


def test_a_stray_quote_that_misleads_the_cutter_still_reads_as_a_whole_read(tmp_path: Path) -> None:
    text = "id,name,whatsapp,description\n" + "".join(
        f's{i},Stray"quote {i},+34 6{i:08d},x\n' if i == 5 else f's{i},Shop {i},+34 6{i:08d},"Multi\nline {i}"\n'
        for i in range(25))
    found, problems = _same_either_way(make_content(tmp_path, {"businesses/b.csv": text.encode()}))
    assert problems == []
    by_id = {b.id: b for b in found.businesses}
    assert by_id["s5"].name == 'Stray"quote 5' and by_id["s6"].source.line == 13


def test_jsonl_spans_cut_at_any_line(tmp_path: Path) -> None:
    text = "".join(json.dumps({"company_id": f"C{i}", "legal_name": f"Co {i} \\n- x", "phones": [f"+34 6{i:08d}"]}) + "\n"
                   for i in range(30)) + '{"company_id": "bad",}\n'
    found, problems = _same_either_way(make_content(tmp_path, {"register/r.jsonl": text}))
    assert found is None and problems == ["register/r.jsonl:31: invalid JSON: Expecting property name enclosed in "
                                          "double quotes (column 22)"]


def _register_csv(n: int) -> bytes:
    return ("company_id,legal_name,phones\n" + "".join(f'K{i},"Company {i}, S.L.",+34 7{i:08d}; +34 8{i:08d}\n'
                                                       for i in range(n))).encode()


def test_spans_are_read_on_every_core_with_the_same_result(tmp_path: Path) -> None:
    """A real pool of two workers over a file big enough to be cut (more than SPLIT_FROM)."""
    text = _register_yaml(6000)
    assert len(text) > spans.SPLIT_FROM
    folder = make_content(tmp_path, {"register/r.yaml": text, "register/r.csv": _register_csv(3000)})
    plan = spans.plan_spans(folder / "register/r.yaml", "yaml", len(text), 2)
    assert len(plan) == 2 * spans.SPANS_PER_JOB and plan[0].start == 0 and plan[-1].last
    assert all(text.encode()[s.start:s.start + 2] == b"- " for s in plan[1:])
    assert all(text.encode()[:s.start].count(b"\n") + 1 == s.first_line for s in plan)
    serial = read_content(folder, jobs=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(content_module, "SPLIT_FROM", 1 << 62)
        whole = read_content(folder, jobs=1)
    assert read_content(folder, jobs=2) == serial == whole
    assert len(serial[0].register) == 9000


@st.composite
def _yaml_lists(draw) -> str:
    """Register files whose values hold every shape that could confuse a cut at '- '."""
    values = st.sampled_from([
        "plain", '"dq\n- item-like\n  line"', "'sq\n- item-like'", ">\n    folded\n    - not an item",
        "|\n    literal\n    - text", '"esc \\" quote"', "[a,\n  b]", "&anchor x", "!tag y", "*alias",
        "- nested", "{k: v}", "'unclosed", "x\n---\n- company_id: z", "a # comment", "x\n...\n",
    ])
    items = []
    for n in range(draw(st.integers(1, 12))):
        items.append(f"- company_id: c{n}\n  legal_name: {draw(values)}\n  phones: [\"+34 6{n:08d}\"]\n")
        if draw(st.booleans()):
            items.append("# comment\n- company_id: dup\n" if draw(st.booleans()) else "\n")
    return "".join(items)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_yaml_lists(), seed=st.integers(0, 1000))
def test_any_yaml_list_reads_the_same_whole_or_in_spans(tmp_path_factory, text: str, seed: int) -> None:
    folder = make_content(tmp_path_factory.mktemp("y"), {"register/r.yaml": text.encode()})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spans, "MAX_SPAN", random.Random(seed).randint(10, 90))
        whole = _read(folder, split=False)
        assert _read(folder, split=True) == whole


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.sampled_from(['plain', '"q,uoted"', '"multi\nline"', '"a ""b"" c"', 'stray"q', '"bad"x',
                                       '"\r\n"', '', '"unclosed']), min_size=3, max_size=40))
def test_any_csv_reads_the_same_whole_or_in_spans(tmp_path_factory, cells: list[str]) -> None:
    rows = "".join(f"c{n},{cell},+34 6{n:08d}\n" for n, cell in enumerate(cells))
    folder = make_content(tmp_path_factory.mktemp("c"), {"register/r.csv": ("company_id,legal_name,phones\n" + rows).encode()})
    whole = _read(folder, split=False)
    assert _read(folder, split=True) == whole
