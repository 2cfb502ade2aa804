"""The tier rules, as a table: every combination of evidence and its outcome.

Read next to content FAQ "What the badges mean": confirmed = the number is
in the register for the named company; verified = confirmed + a current,
unrevoked record for this exact number + a logo.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from generator.model import Business, RegisteredPhone, RegisterEntry, Source, Verification
from generator.decide.reasons import REASON_TEXT, reason_text
from generator.decide.tiers import Tier, decide_tier

AS_OF = date(2026, 11, 25)
NUMBER = "+34600123456"
OTHER = "+34611223344"


def business(company_id: str | None = "C1", logo: str | None = "logos/a.svg", number: str = NUMBER) -> Business:
    return Business(id="acme", name="Acme", whatsapp=number, whatsapp_display=number, company_id=company_id, category="", city="", country="",
                    website="", email="", address="", logo=logo, description="",
                    source=Source("businesses/acme.yaml", 1), whatsapp_source=Source("businesses/acme.yaml", 3))


def entry(*numbers: str) -> RegisterEntry:
    return RegisterEntry("C1", "Acme S.L.", tuple(RegisteredPhone(n, Source("register/r.yaml", 4 + i)) for i, n in enumerate(numbers)),
                         Source("register/r.yaml", 2))


def record(verified_on: date = date(2026, 1, 1), expires: date = date(2027, 1, 1), revoked: bool = False,
           number: str = NUMBER, line: int = 10) -> Verification:
    return Verification("acme", number, verified_on, expires, "video-call", revoked, Source("verifications/v.yaml", line))


REGISTERS = {
    "no company named": (None, None, "register_no_company"),
    "company not in register": ("C1", None, "register_company_unknown"),
    "number not listed": ("C1", entry(OTHER), "register_number_not_listed"),
    "number listed": ("C1", entry(OTHER, NUMBER), "register_match"),
}
RECORDS = {
    "no record": ((), "no_verification"),
    "current": ((record(),), "verification_current"),
    "expired": ((record(expires=date(2026, 3, 1)),), "verification_expired"),
    "expires today": ((record(expires=AS_OF),), "verification_expired"),
    "valid from today": ((record(verified_on=AS_OF),), "verification_current"),
    "not yet valid": ((record(verified_on=date(2026, 12, 1), expires=date(2027, 12, 1)),), "verification_not_yet_valid"),
    "revoked": ((record(revoked=True),), "verification_revoked"),
    "other number": ((record(number=OTHER),), "verification_other_number"),
}


def expected_tier(registered: bool, record_counts: bool, has_logo: bool) -> Tier:
    if registered and record_counts and has_logo:
        return Tier.VERIFIED
    return Tier.CONFIRMED if registered else Tier.UNVERIFIED


@pytest.mark.parametrize("register_case,records_case,has_logo",
                         list(itertools.product(REGISTERS, RECORDS, [True, False])))
def test_every_combination_of_evidence(register_case: str, records_case: str, has_logo: bool) -> None:
    company_id, register_entry, register_code = REGISTERS[register_case]
    records, record_code = RECORDS[records_case]
    decision = decide_tier(business(company_id, "logos/a.svg" if has_logo else None), register_entry, records, AS_OF)
    registered = register_code == "register_match"
    counts = record_code == "verification_current"
    assert decision.tier is expected_tier(registered, counts, has_logo)
    codes = [r.code for r in decision.reasons]
    assert codes[0] == register_code
    if counts and not registered:
        assert codes[1:] == ["verification_not_confirmed"]
    elif counts and not has_logo:
        assert codes[1:] == ["verification_no_logo"]
    else:
        assert codes[1:] == [record_code]
    assert (decision.verification is not None) == (decision.tier is Tier.VERIFIED)


def test_register_reason_points_at_the_matching_phone_line() -> None:
    decision = decide_tier(business(), entry(OTHER, NUMBER), [record()], AS_OF)
    assert str(decision.reasons[0].source) == "register/r.yaml:5"
    assert str(decision.reasons[1].source) == "verifications/v.yaml:10"


def test_newest_current_record_counts_and_older_ones_are_superseded() -> None:
    older = record(verified_on=date(2025, 12, 1), expires=date(2027, 6, 1), line=10)
    newer = record(verified_on=date(2026, 5, 1), expires=date(2027, 5, 1), line=20)
    decision = decide_tier(business(), entry(NUMBER), [newer, older], AS_OF)
    assert decision.tier is Tier.VERIFIED
    assert decision.verification == newer
    assert [(r.code, r.source.line) for r in decision.reasons[1:]] == [
        ("verification_superseded", 10), ("verification_current", 20)]


def test_an_expired_record_does_not_hide_a_current_one() -> None:
    expired = record(verified_on=date(2024, 1, 1), expires=date(2025, 1, 1), line=10)
    decision = decide_tier(business(), entry(NUMBER), [expired, record(line=20)], AS_OF)
    assert decision.tier is Tier.VERIFIED
    assert [r.code for r in decision.reasons[1:]] == ["verification_expired", "verification_current"]


def test_confirmation_compares_exact_e164_not_a_lenient_match() -> None:
    # Same national digits, different country: never the same number.
    decision = decide_tier(business(number="+351600123456"), entry(NUMBER), [], AS_OF)
    assert decision.tier is Tier.UNVERIFIED


def test_warnings_are_marked_on_the_reasons_an_operator_must_act_on() -> None:
    cases = {
        "verification_expired": [record(expires=date(2026, 3, 1))],
        "verification_revoked": [record(revoked=True)],
        "verification_not_yet_valid": [record(verified_on=date(2026, 12, 1))],
        "verification_other_number": [record(number=OTHER)],
    }
    for code, records in cases.items():
        decision = decide_tier(business(), entry(NUMBER), records, AS_OF)
        reason = next(r for r in decision.reasons if r.code == code)
        assert reason.warning, code
    assert not any(r.warning for r in decide_tier(business(), entry(NUMBER), [record()], AS_OF).reasons)


def test_every_reason_reads_as_a_sentence_with_its_evidence() -> None:
    decision = decide_tier(business(), entry(NUMBER), [record(expires=date(2026, 3, 1)), record(number=OTHER)], AS_OF)
    texts = [reason_text(r, lambda s: s) for r in decision.reasons]
    assert "registered to Acme S.L. (company C1)" in texts[0]
    assert "expired on 2026-03-01" in texts[1]
    assert "another number, +34611223344" in texts[2]
    assert set(REASON_TEXT) >= {r.code for r in decision.reasons}
