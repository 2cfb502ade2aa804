"""Every content error is reported at once, as path:line: message, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import THREE_TIERS, build_site, make_content
from generator.diagnostics import BuildFailed


def errors_of(tmp_path: Path, files: dict[str, str | bytes]) -> list[str]:
    content = make_content(tmp_path, files)
    with pytest.raises(BuildFailed) as failed:
        build_site(content)
    assert not (tmp_path / "output").exists()
    return [str(d) for d in failed.value.diagnostics]


def test_all_errors_are_reported_together_with_file_and_line(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, {
        "businesses/a.yaml": """\
            id: Bad_Id
            name: A
            whatsapp: "600 12 34 56"
            """,
        "businesses/b.yaml": """\
            - id: b
              name: B
              whatsapp: "600 12 34 5"
            - id: c
              name: C
              whatsapp: "611 22 33 44"
              tier: verified
              webiste: https://c.example
            """,
    })
    assert errors == [
        "businesses/a.yaml:1: id: 'Bad_Id' is not a valid id: use lowercase letters, digits and single hyphens (at most 64)",
        "businesses/b.yaml:3: whatsapp: '600 12 34 5' is not a valid phone number in region ES",
        "businesses/b.yaml:7: tier: not allowed here: the tier is computed from the register and verification records, never declared",
        "businesses/b.yaml:8: webiste: unknown field (did you mean 'website'?)",
    ]


def test_missing_required_fields(tmp_path: Path) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": "id: a\n"}) == [
        "businesses/a.yaml:1: name: required field is missing",
        "businesses/a.yaml:1: whatsapp: required field is missing",
    ]


def test_duplicate_ids_and_numbers_name_both_files(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, {
        "businesses/a.yaml": 'id: shop\nname: Shop\nwhatsapp: "+34 600 12 34 56"\n',
        "businesses/b.yaml": 'id: shop\nname: Other shop\nwhatsapp: "611 22 33 44"\n',
        "businesses/c.yaml": 'id: copy\nname: Copy\nwhatsapp: "0034600123456"\n',
    })
    assert errors == [
        "businesses/b.yaml:1: id: 'shop' is already used by the business at businesses/a.yaml:1",
        "businesses/c.yaml:3: whatsapp: +34600123456 is already the number of 'shop' at businesses/a.yaml:3",
    ]


def test_yaml_pitfalls_are_read_as_written_or_refused(tmp_path: Path) -> None:
    content = make_content(tmp_path, {
        "businesses/a.yaml": "id: nordic\nname: Nordic\nwhatsapp: 22 12 34 56\ncountry: NO\n",
    })
    output = build_site(content)
    assert '"country": "NO"' in (output / "api/businesses.json").read_text()
    assert errors_of(tmp_path / "x", {"businesses/a.yaml": "id: a\nname: A\nwhatsapp: 1\nname: B\n"}) == [
        "businesses/a.yaml:4: duplicate key 'name' (first written at line 2)",
    ]


def test_unquoted_numbers_are_never_misread_as_integers(tmp_path: Path) -> None:
    content = make_content(tmp_path, {"businesses/a.yaml": "id: a\nname: A\nwhatsapp: 0034600123456\n",
                                      "businesses/b.yaml": "id: b\nname: B\nwhatsapp: +34611223344\n"})
    output = build_site(content)
    assert '"whatsapp": "+34600123456"' in (output / "api/businesses.json").read_text()
    assert '"whatsapp": "+34611223344"' in (output / "api/businesses.json").read_text()


def test_register_and_verification_errors(tmp_path: Path) -> None:
    files = dict(THREE_TIERS)
    files["register/extra.yaml"] = "- company_id: B9\n  legal_name: X\n  phones: [\"12\"]\n"
    files["verifications/bad.yaml"] = "- business: brisa\n  whatsapp: \"600 12 34 56\"\n  verified_on: 01/02/2026\n  expires: 2027-01-01\n"
    assert errors_of(tmp_path, files) == [
        "register/extra.yaml:3: phones: line 3: '12' is a short code, not a phone number an account can use",
        "verifications/bad.yaml:3: verified_on: '01/02/2026' is not a date written YYYY-MM-DD",
    ]


def test_missing_logo_and_site_yaml(tmp_path: Path) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": 'id: a\nname: A\nwhatsapp: "600 12 34 56"\nlogo: logos/none.png\n'}) == [
        "businesses/a.yaml:4: logo: logo file 'logos/none.png' does not exist",
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BuildFailed) as failed:
        build_site(empty)
    assert str(failed.value.diagnostics[0]).startswith("site.yaml: missing")


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    files = dict(THREE_TIERS)
    files["verifications/old.yaml"] = '- business: cafe-nino\n  whatsapp: "611 22 33 44"\n  verified_on: 2024-01-01\n  expires: 2025-01-01\n'
    content = make_content(tmp_path, files)
    build_site(content)  # warnings only
    with pytest.raises(BuildFailed) as failed:
        build_site(content, output=tmp_path / "strict", strict=True)
    messages = [str(d) for d in failed.value.diagnostics]
    assert "verifications/old.yaml:1: cafe-nino: A verification by the directory operator expired on 2025-01-01." in messages


def test_an_error_in_site_yaml_does_not_hide_the_errors_of_other_files(tmp_path: Path) -> None:
    """A typo in site.yaml used to stop the build before any business file was read."""
    errors = errors_of(tmp_path, {
        "site.yaml": "titel: Mine\ndefault_region: ES\n",
        "businesses/a.yaml": 'id: a\nname: A\nwhatsapp: "600 12 34 5"\n',
        "businesses/b.yaml": 'id: b\nname: B\nwhatsapp: "611 22 33 44"\nwebiste: https://b.example\n',
    })
    assert errors == [
        "businesses/a.yaml:3: whatsapp: '600 12 34 5' is not a valid phone number in region ES",  # read in site.yaml's region
        "businesses/b.yaml:4: webiste: unknown field (did you mean 'website'?)",
        "site.yaml:1: titel: unknown field (did you mean 'title'?)",
        "site.yaml:1: title: required field is missing",
    ]


def test_without_a_region_numbers_written_nationally_wait_and_everything_else_is_checked(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, {
        "site.yaml": "title: Mine\ndefault_region: Spain\n",
        "businesses/a.yaml": 'id: a\nname: A\nwhatsapp: "600 12 34 56"\nemail: nope\n',  # no error for the number itself
        "businesses/b.yaml": 'id: a\nname: B\nwhatsapp: "+34 600 12 34 5"\n',
        "register/r.yaml": '- company_id: X\n  legal_name: X\n  phones: ["600 12 34 56"]\n',
    })
    assert errors == [
        "businesses/a.yaml:4: email: 'nope' is not an e-mail address",
        "businesses/b.yaml:1: id: 'a' is already used by the business at businesses/a.yaml:1",
        "businesses/b.yaml:3: whatsapp: '+34 600 12 34 5' is not a valid phone number",
        "site.yaml:2: default_region: 'Spain' is not an ISO 3166 alpha-2 region code (e.g. ES, PT, NO)",
    ]


def test_field_errors_do_not_hide_duplicates_missing_logos_or_claimed_badges(tmp_path: Path) -> None:
    """Duplicates, logo files and badge claims used to be checked only once every field was right."""
    errors = errors_of(tmp_path, {
        "businesses/a.yaml": 'id: shop\nname: Shop\nwhatsapp: "+34 600 12 34 56"\nwebsite: not-a-url\n',
        "businesses/b.yaml": 'id: shop\nname: Other shop\nwhatsapp: "611 22 33 44"\n',
        "businesses/c.yaml": 'id: copy\nname: Copy\nwhatsapp: "0034600123456"\nlogo: logos/missing.png\n',
        "businesses/d.yaml": 'id: dee\nname: Dee Verified\nwhatsapp: "622 33 44 55"\n',
    })
    assert [e.split(": ", 2)[:2] for e in errors] == [
        ["businesses/a.yaml:4", "website"],
        ["businesses/b.yaml:1", "id"],  # the first 'shop' had an error, and still owns its id
        ["businesses/c.yaml:3", "whatsapp"],  # and its number
        ["businesses/c.yaml:4", "logo"],
        ["businesses/d.yaml:1", "name"],  # a badge the name claims: decided although others failed
    ]
    assert errors[1] == "businesses/b.yaml:1: id: 'shop' is already used by the business at businesses/a.yaml:1"
    assert "'Dee Verified' says 'verified' but the business is unverified" in errors[4]


def test_with_a_broken_register_tiers_are_not_guessed(tmp_path: Path) -> None:
    """A broken register row could be the one that confirms a business: no badge claim is judged without it."""
    errors = errors_of(tmp_path, {
        "businesses/d.yaml": 'id: dee\nname: Dee Confirmed\nwhatsapp: "622 33 44 55"\ncompany_id: X\n',
        "register/r.yaml": '- company_id: X\n  legal_name: Dee\n  phones: ["622 33 44 55", "12"]\n',
    })
    assert errors == ["register/r.yaml:3: phones: line 3: '12' is a short code, not a phone number an account can use"]
