"""Hostile numbers: one plain phone number per field, normalised to E.164 and compared exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SITE_YAML, THREE_TIERS
from hostile import business, built, errors_of, json_of

LETTERS = "is not a phone number: only digits, spaces, '+', '-', '.' and parentheses are allowed"


@pytest.mark.parametrize("number, message", [
    ("+34 6OO 12 34 56", LETTERS),
    ("1-800-FLOWERS", LETTERS),
    ("tel:+34600123456", LETTERS),
    ("+34 600 12 34 56 ext. 12", "has an extension; write the account's number alone"),
    ("+34 600123456x12", "has an extension; write the account's number alone"),
    ("+34 600 123 456 #12", "has an extension; write the account's number alone"),
    ("+34 600 12 34 56, +34 611 22 33 44", "holds several numbers; write one number per field"),
    ("+34 600 12 34 56 / +34 611 22 33 44", "holds several numbers; write one number per field"),
    ("600123456;611223344", "holds several numbers; write one number per field"),
    ("112", "is a short code, not a phone number an account can use"),
    ("+34 016", "is a short code, not a phone number an account can use"),
    ("+34 000 000 000", "is not a valid phone number"),
    ("+999 123 456 789", "is not a valid phone number"),
    ("600 12 34 5", "is not a valid phone number in region ES"),
    ("+34 600 12 34 56 7", "is not a valid phone number"),
])
def test_anything_but_one_valid_number_is_an_error(tmp_path: Path, number: str, message: str) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": business(whatsapp=number)}) == [
        f"businesses/a.yaml:3: whatsapp: '{number}' {message}"]


@pytest.mark.parametrize("number", ["+34 600 12 34 56", "0034 600-12-34-56", "(+34) 600.12.34.56", "600 12 34 56",
                                    "＋３４ ６００ １２ ３４ ５６", "+٣٤ ٦٠٠ ١٢ ٣٤ ٥٦", "+𝟑𝟒 𝟔𝟎𝟎 𝟏𝟐 𝟑𝟒 𝟓𝟔", "+३४ ६०० १२ ३४ ५६"])
def test_every_way_of_writing_a_number_is_one_e164_string(tmp_path: Path, number: str) -> None:
    output = built(tmp_path, {"businesses/a.yaml": business(whatsapp=number)}, base={})
    assert json_of(output / "api/businesses.json")["businesses"][0]["whatsapp"] == "+34600123456"


def test_a_number_without_country_code_is_read_in_the_entrys_country_else_the_sites_region(tmp_path: Path) -> None:
    files = {"businesses/a.yaml": business(id="lisboa", whatsapp="912 345 678", country="PT"),
             "businesses/b.yaml": business(id="madrid", whatsapp="912 345 678")}
    api = {b["id"]: b["whatsapp"] for b in json_of(built(tmp_path, files, base={}) / "api/businesses.json")["businesses"]}
    assert api == {"lisboa": "+351912345678", "madrid": "+34912345678"}
    site = SITE_YAML.replace("default_region: ES", "default_region: PT")
    output = built(tmp_path / "pt", {"site.yaml": site, "businesses/b.yaml": business(id="x", whatsapp="912 345 678")}, base={})
    assert json_of(output / "api/businesses.json")["businesses"][0]["whatsapp"] == "+351912345678"


def test_two_businesses_with_one_number_is_an_error_naming_both(tmp_path: Path) -> None:
    files = {"businesses/a.yaml": business(id="first", whatsapp="+34 600 12 34 56"),
             "businesses/b.yaml": business(id="second", whatsapp="＋３４ ６００-１２３-４５６")}
    assert errors_of(tmp_path, files) == [
        "businesses/b.yaml:3: whatsapp: +34600123456 is already the number of 'first' at businesses/a.yaml:3"]


def test_confirmation_compares_exact_e164_numbers_of_the_claimed_company(tmp_path: Path) -> None:
    register = ('- company_id: C1\n  legal_name: Madrid S.L.\n  phones: ["+34 912 345 678"]\n'
                '- company_id: C2\n  legal_name: Other S.L.\n  phones: ["+34 600 12 34 56"]\n')
    files = {"register/r.yaml": register,
             # The same national digits in another country: a lenient match would call this the same number.
             "businesses/a.yaml": business(id="lisboa", whatsapp="912 345 678", country="PT", company_id="C1"),
             # The right number, but claiming a company that does not list it.
             "businesses/b.yaml": business(id="claims-c1", whatsapp="+34 600 12 34 56", company_id="C1"),
             "businesses/c.yaml": business(id="madrid", whatsapp="912-345-678", company_id="C1")}
    tiers = {b["id"]: b["tier"] for b in json_of(built(tmp_path, files, base={}) / "api/businesses.json")["businesses"]}
    assert tiers == {"lisboa": "unverified", "claims-c1": "unverified", "madrid": "confirmed"}


def test_a_verification_counts_only_for_the_exact_number(tmp_path: Path) -> None:
    verifications = THREE_TIERS["verifications/2026.yaml"].replace('"600 12 34 56"', '"600 12 34 57"')
    output = built(tmp_path, {"verifications/2026.yaml": verifications})
    tiers = {b["id"]: b["tier"] for b in json_of(output / "api/businesses.json")["businesses"]}
    assert tiers["brisa"] == "confirmed"


def test_register_phones_are_read_just_as_strictly(tmp_path: Path) -> None:
    register = 'company_id: C1\nlegal_name: A S.L.\nphones:\n  - "+34 600 12 34 56"\n  - "+34 611 22 33 44 ext 9"\n'
    assert errors_of(tmp_path, {"register/r.yaml": register}) == [
        "register/r.yaml:3: phones: line 5: '+34 611 22 33 44 ext 9' has an extension; write the account's number alone"]
