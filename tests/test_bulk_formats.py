"""CSV and JSON Lines beside YAML: the same records, the same rules, the same site; lines are the file's own."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import build_site, make_content
from generator.cli import main
from generator.read.schema import CSV_KINDS, RECORDS, content_schema
from hostile import built, errors_of, json_of

SOURCE = re.compile(r"(businesses|register|verifications)/[a-z]+\.(yaml|csv|jsonl):\d+")


def _site_files(output: Path) -> dict[str, bytes]:
    """Every file with its source paths masked; not manifest.json, whose hashes are of the unmasked files."""
    return {p.relative_to(output).as_posix(): SOURCE.sub("SOURCE", p.read_bytes().decode("utf-8", "replace")).encode()
            for p in sorted(output.rglob("*")) if p.is_file() and p.name not in (".badgedir", "manifest.json")}


def test_init_in_each_format_builds_the_same_site(capsys, tmp_path: Path) -> None:
    sites = {}
    for fmt in ("yaml", "csv", "jsonl"):
        assert main(["init", str(tmp_path / fmt), "--format", fmt]) == 0
        lists = sorted(p.relative_to(tmp_path / fmt).as_posix() for p in (tmp_path / fmt).glob("*/*.*")
                       if p.parent.name in ("businesses", "register", "verifications"))
        assert lists and all(name.endswith(f".{fmt}") for name in lists), lists
        assert main(["build", "--content", str(tmp_path / fmt), "--output", str(tmp_path / f"out-{fmt}"),
                     "--as-of", "2026-11-25", "--quiet"]) == 0
        sites[fmt] = _site_files(tmp_path / f"out-{fmt}")
    assert "1 verified, 1 confirmed, 1 unverified" in capsys.readouterr().out
    assert sites["csv"] == sites["yaml"] == sites["jsonl"]
    api = json_of(tmp_path / "out-csv/api/businesses.json")["businesses"]
    assert [r["source"] for b in api if b["id"] == "cafe-nino" for r in b["reasons"]] == [
        "register/register.csv:2", "verifications/verifications.csv:2"]
    assert main(["init", str(tmp_path / "x"), "--format", "xml"]) == 2


def test_csv_columns_lists_and_languages(tmp_path: Path) -> None:
    site = "title: T\ndefault_region: ES\nlanguages: [es, en]\nbase_url: https://d.example/\n"
    businesses = (
        "whatsapp,id,name,company_id,country,email,description.es,description.en\n"
        "0034 655 00 00 01,tienda,Tienda,007,,,\"Hola **mundo**\",\"Hello\n**world**\"\n"
        "912 345 678,nordic,Nordic,,NO,,Solo en español,\n"
    )
    register = "company_id,legal_name,phones\n007,\"Tienda, S.L.\",\"+34 911 11 11 11; 655 00 00 01 ;+34 922 22 22 22\"\n"
    files = {"site.yaml": site, "businesses/b.csv": businesses.encode(), "register/r.csv": register.encode()}
    content = make_content(tmp_path, files)
    with pytest.raises(Exception) as failed:  # 912 345 678 is not a Norwegian number: `country` is NO, the text
        build_site(content)
    assert "businesses/b.csv:4: whatsapp: '912 345 678' is not a valid phone number in region NO" in str(failed.value)
    (content / "businesses/b.csv").write_text(businesses.replace("912 345 678", "+47 912 34 567"), encoding="utf-8")
    output = build_site(content)
    api = {b["id"]: b for b in json_of(output / "api/businesses.json")["businesses"]}
    assert (api["tienda"]["tier"], api["tienda"]["whatsapp"], api["nordic"]["country"]) == ("confirmed", "+34655000001", "NO")
    assert api["tienda"]["reasons"][0]["source"] == "register/r.csv:2"
    spanish, english = (output / "b/tienda/index.html").read_text(), (output / "en/b/tienda/index.html").read_text()
    assert "Hola <strong>mundo</strong>" in spanish and "<strong>world</strong>" in english
    assert "Solo en español" in (output / "en/b/nordic/index.html").read_text()  # falls back to the default language
    assert "mailto:" not in spanish  # an empty cell is a field left out


def test_an_empty_list_item_between_separators_is_an_error(tmp_path: Path) -> None:
    register = "company_id,legal_name,phones\nB1,One,655 00 00 01;;655 00 00 02\n"
    assert errors_of(tmp_path, {"register/r.csv": register.encode()}) == ["register/r.csv:2: phones: line 2: is empty"]


def test_jsonl_records_have_the_yaml_shapes(tmp_path: Path) -> None:
    site = "title: T\ndefault_region: ES\nlanguages: [es, en]\n"
    lines = [{"id": "a", "name": "A", "whatsapp": "655 00 00 01", "company_id": "B1",
              "description": {"es": "Hola", "en": "Hello"}},
             {"id": "b", "name": "B", "whatsapp": "655 00 00 02", "logo": None}]
    files = {"site.yaml": site, "businesses/b.jsonl": "".join(json.dumps(x) + "\n" for x in lines).encode(),
             "register/r.jsonl": b'{"company_id": "B1", "legal_name": "A S.L.", "phones": ["655000001"]}\n',
             "verifications/v.jsonl": b'{"business": "a", "whatsapp": "655000001", "verified_on": "2026-01-01", '
                                      b'"expires": "2027-01-01", "revoked": false}\n'}
    output = built(tmp_path, files, base={})
    api = {b["id"]: b for b in json_of(output / "api/businesses.json")["businesses"]}
    assert api["a"]["tier"] == "confirmed" and api["b"]["tier"] == "unverified"  # a has no logo: confirmed
    assert "Hello" in (output / "en/b/a/index.html").read_text()
    assert errors_of(tmp_path / "bad", {"register/r.jsonl": b'{"company_id": "B1", "legal_name": "A", "phones": "655000001"}\n'}) == [
        "register/r.jsonl:1: phones: must be a list of phone numbers"]


def test_formats_mix_in_one_folder_and_clash_like_files_do(tmp_path: Path) -> None:
    files = {"businesses/a.yaml": 'id: shop\nname: Shop\nwhatsapp: "+34 655 00 00 01"\n',
             "businesses/b.csv": b"id,name,whatsapp\nshop,Other,+34 655 00 00 02\n"}
    assert errors_of(tmp_path, files) == [
        "businesses/b.csv:2: id: 'shop' is already used by the business at businesses/a.yaml:1"]


def test_the_csv_row_schemas_are_published_and_printed(capsys, three_tiers: Path) -> None:
    output = build_site(three_tiers)
    for kind in CSV_KINDS:
        published = json.loads((output / f"api/schema/{kind}.csv.json").read_text())
        assert published == content_schema(kind, "csv")
        assert main(["schema", kind, "--format", "csv"]) == 0
        assert json.loads(capsys.readouterr().out) == published
        assert list(published["properties"]) == [f.name for f in RECORDS[kind][0]]
    assert set(content_schema()["$defs"]) >= {f"{kind}_csv_row" for kind in CSV_KINDS}
    assert main(["schema", "--format", "csv"]) == 2


def test_the_starter_csv_rows_validate_against_the_row_schema(tmp_path: Path) -> None:
    import jsonschema

    main(["init", str(tmp_path / "c"), "--format", "csv"])
    folders = {"business": "businesses", "register": "register", "verification": "verifications"}
    for kind, folder in folders.items():
        validator = jsonschema.Draft202012Validator(content_schema(kind, "csv"))
        for path in (tmp_path / "c" / folder).glob("*.csv"):
            rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"), newline="")))
            assert rows and all(not list(validator.iter_errors(row)) for row in rows), path


@pytest.mark.parametrize("kind, row, valid", [
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 655 00 00 01", "website": "", "description.es": "Hola"}, True),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 655 00 00 01", "website": "ftp://x.example"}, False),
    ("business", {"id": "ok", "name": "", "whatsapp": "+34 655 00 00 01"}, False),
    ("business", {"id": "ok", "name": "Ok", "whatsapp": "+34 655 00 00 01", "webiste": "https://x.example"}, False),
    ("register", {"company_id": "B1", "legal_name": "Ok", "phones": "655 00 00 01; 655 00 00 02"}, True),
    ("verification", {"business": "ok", "whatsapp": "655 00 00 01", "verified_on": "2026-01-01",
                      "expires": "2027-01-01", "revoked": "true", "method": ""}, True),
    ("verification", {"business": "ok", "whatsapp": "655 00 00 01", "verified_on": "2026-01-01",
                      "expires": "2027-01-01", "revoked": "yes"}, False),
])
def test_csv_row_schema_and_loader_agree(tmp_path: Path, kind: str, row: dict, valid: bool) -> None:
    import jsonschema

    folder = {"business": "businesses", "register": "register", "verification": "verifications"}[kind]
    out = io.StringIO()
    writer = csv.DictWriter(out, list(row), lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    content = make_content(tmp_path, {f"{folder}/x.csv": out.getvalue().encode()})
    from generator.read.content import read_content

    found, problems = read_content(content)
    loaded = not [p for p in problems if p.level == "error" and p.path.endswith(".csv")]
    schema_ok = not list(jsonschema.Draft202012Validator(content_schema(kind, "csv")).iter_errors(row))
    assert (loaded, schema_ok) == (valid, valid), problems


def test_the_live_preview_follows_an_edit_to_a_csv_file(tmp_path: Path) -> None:
    from conftest import AS_OF
    from generator.preview.incremental import IncrementalBuilder
    from generator.record import published_only

    rows = "id,name,whatsapp,category\n" + "".join(f"s{n},Shop {n},+34 655 00 00 {n:02d},Bakery\n" for n in range(12))
    content = make_content(tmp_path, {"businesses/b.csv": rows.encode()})
    builder = IncrementalBuilder(content, tmp_path / "served", AS_OF)
    assert builder.build().ok
    (content / "businesses/b.csv").write_text(rows.replace("s5,Shop 5,", "s5,Renamed Shop,"), encoding="utf-8")
    (content / "register/r.jsonl").parent.mkdir()
    (content / "register/r.jsonl").write_bytes(b'{"company_id": "B1", "legal_name": "A", "phones": ["655000003"]}\n')
    assert builder.update().ok
    fresh = build_site(content, tmp_path / "fresh")
    served = {p.relative_to(tmp_path / "served").as_posix(): p.read_bytes() for p in (tmp_path / "served").rglob("*")
              if p.is_file()}
    assert served == {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*")
                      if p.is_file() and not published_only(p.relative_to(fresh).as_posix())}  # no feed in a preview
    assert "Renamed Shop" in (tmp_path / "served/b/s5/index.html").read_text()
