"""Numbers are normalised to E.164 with phonenumbers before any comparison."""

from __future__ import annotations

import pytest

from generator.read.phones import international, normalise


@pytest.mark.parametrize("written", [
    "+34 600-12-34-56", "0034600123456", "600 12 34 56", "600.12.34.56", "(+34) 600 123 456",
    "+34600123456", "00 34 600 12 34 56", "６００ １２ ３４ ５６", "+34\u00a0600\u00a012\u00a034\u00a056",
])
def test_common_spanish_formats_are_one_number(written: str) -> None:
    assert normalise(written, "ES") == ("+34600123456", None)


def test_a_national_number_is_read_in_the_given_region() -> None:
    assert normalise("22 12 34 56", "NO") == ("+4722123456", None)
    assert normalise("020 7946 0018", "GB") == ("+442079460018", None)
    assert normalise("+34 600 12 34 56", "GB") == ("+34600123456", None)  # a country code wins


@pytest.mark.parametrize("written,message", [
    ("600 12 34 56 ext 7", "has an extension"),
    ("600123456x7", "has an extension"),
    ("600123456, 611223344", "several numbers"),
    ("+34600123456+34611223344", "several numbers"),
    ("CALL-NOW", "is not a phone number"),
    ("112", "short code"),
    ("+34 600 12 34 5", "not a valid phone number"),
    ("  ", "is empty"),
])
def test_anything_but_one_valid_number_is_refused(written: str, message: str) -> None:
    e164, error = normalise(written, "ES")
    assert e164 is None and message in error


def test_international_format_for_people() -> None:
    assert international("+34600123456") == "+34 600 12 34 56"
