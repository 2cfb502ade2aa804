"""The feed of tier changes (issue #17): ``changes.xml`` per language and ``api/changes.json``.

A directory is built on day 1, edited, and built again on day 2 with the
first copy as ``--previous``; every kind of change must appear, dated by the
evidence when it has a date and by the build that first saw it otherwise.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import feedparser
import pytest

from generator.record import minisign
from tests.conftest import LOGO_SVG, build_site, make_content

DAY1 = date(2026, 11, 24)
DAY2 = date(2026, 11, 25)
ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "title: Feed test\ndefault_region: ES\nlanguages: [en, es]\nbase_url: https://dir.example.org/\n"


def business(i: str, name: str, number: str, company: str | None = None, logo: bool = False) -> str:
    lines = [f"- id: {i}", f"  name: {name}", f'  whatsapp: "{number}"']
    if company:
        lines.append(f"  company_id: {company}")
    if logo:
        lines.append("  logo: logos/l.svg")
    return "\n".join(lines) + "\n"


def register(rows: dict[str, str]) -> str:
    return "".join(f"- company_id: {c}\n  legal_name: {c} S.L.\n  phones: [\"{n}\"]\n" for c, n in rows.items())


def record(i: str, number: str, on: str, expires: str, extra: str = "") -> str:
    return f'- business: {i}\n  whatsapp: "{number}"\n  verified_on: {on}\n  expires: {expires}\n{extra}'


DAY1_FILES = {
    "site.yaml": SITE,
    "logos/l.svg": LOGO_SVG,
    "businesses/all.yaml":
        business("starts", "Starts Today", "+34600000001", "C1", True)       # verified_on DAY2: evidence-dated
        + business("expires", "Expires Today", "+34600000002", "C2", True)   # expires DAY2
        + business("revoked-on", "Revoked On", "+34600000003", "C3", True)   # revoked_on DAY2
        + business("revoked-flag", "Revoked Flag", "+34600000004", "C4", True)  # revoked: true added on day 2
        + business("gets-register", "Gets Register", "+34600000005", "C5")   # register lists it on day 2
        + business("loses-register", "Loses Register", "+34600000006", "C6")
        + business("removed", "Removed Soon", "+34600000007")
        + business("renamed", "Old Name", "+34600000008")
        + business("renumbered", "Renumbered", "+34600000009")
        + business("loses-logo", "Loses Logo", "+34600000010", "C10", True),
    "register/r.yaml": register({"C1": "+34600000001", "C2": "+34600000002", "C3": "+34600000003",
                                 "C4": "+34600000004", "C5": "+34699999999", "C6": "+34600000006",
                                 "C10": "+34600000010"}),
    "verifications/v.yaml":
        record("starts", "+34600000001", "2026-11-25", "2027-11-25")
        + record("expires", "+34600000002", "2025-11-25", "2026-11-25")
        + record("revoked-on", "+34600000003", "2026-01-01", "2027-11-25", "  revoked_on: 2026-11-25\n")
        + record("revoked-flag", "+34600000004", "2026-01-01", "2027-11-25")
        + record("loses-logo", "+34600000010", "2026-01-01", "2027-11-25"),
}


def day2_files() -> dict[str, str]:
    files = dict(DAY1_FILES)
    files["businesses/all.yaml"] = (files["businesses/all.yaml"]
                                    .replace(business("removed", "Removed Soon", "+34600000007"), "")
                                    .replace("name: Old Name", "name: New Name")
                                    .replace('"+34600000009"', '"+34611111111"')
                                    .replace('"+34600000010"\n  company_id: C10\n  logo: logos/l.svg', '"+34600000010"\n  company_id: C10')
                                    + business("added", "Newly Added", "+34600000011"))
    files["register/r.yaml"] = files["register/r.yaml"].replace("+34699999999", "+34600000005").replace(
        "+34600000006", "+34622222222")
    files["verifications/v.yaml"] = files["verifications/v.yaml"].replace(
        'verified_on: 2026-01-01\n  expires: 2027-11-25\n- business: loses-logo',
        'verified_on: 2026-01-01\n  expires: 2027-11-25\n  revoked: true\n- business: loses-logo')
    return files


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, minisign.SecretKey]:
    tmp = tmp_path_factory.mktemp("feed")
    key = minisign.generate()
    first = build_site(make_content(tmp / "one", DAY1_FILES), tmp / "site1", as_of=DAY1, sign_key=key)
    second = build_site(make_content(tmp / "two", day2_files()), tmp / "site2", as_of=DAY2, sign_key=key,
                        previous=str(first))
    return first, second, key


def kinds(site: Path) -> list[tuple[str, str, str]]:
    return [(c["date"], c["business"], c["type"]) for c in json.loads((site / "api/changes.json").read_text())["changes"]]


def test_every_kind_of_change_is_reported_with_its_date(two_days) -> None:
    _, second, _ = two_days
    today = DAY2.isoformat()
    found = kinds(second)
    for expected in [(today, "starts", "verified"), (today, "expires", "verification_expired"),
                     (today, "revoked-on", "verification_revoked"), (today, "revoked-flag", "verification_revoked"),
                     (today, "gets-register", "confirmed"), (today, "loses-register", "unconfirmed"),
                     (today, "removed", "removed"), (today, "renamed", "renamed"),
                     (today, "renumbered", "renumbered"), (today, "added", "added"),
                     (today, "loses-logo", "verification_ended")]:
        assert expected in found, expected
    changes = json.loads((second / "api/changes.json").read_text())
    assert changes["window_days"] == 90
    by = {(c["business"], c["type"]): c for c in changes["changes"]}
    assert by[("renamed", "renamed")]["previous"] == {"name": "Old Name"} and by[("renamed", "renamed")]["name"] == "New Name"
    assert by[("renumbered", "renumbered")]["previous"] == {"whatsapp": "+34600000009"}
    assert by[("removed", "removed")]["url"] is None and by[("added", "added")]["url"] == "b/added/"
    dates = [c["date"] for c in changes["changes"]]
    assert dates == sorted(dates, reverse=True)  # newest first


def test_without_a_previous_copy_only_evidence_dated_changes_appear(two_days, tmp_path: Path) -> None:
    alone = build_site(make_content(tmp_path, day2_files()), tmp_path / "alone", as_of=DAY2)
    found = {(b, k) for _, b, k in kinds(alone)}
    assert {("starts", "verified"), ("expires", "verification_expired"), ("revoked-on", "verification_revoked")} <= found
    assert not found & {("added", "added"), ("renamed", "renamed"), ("revoked-flag", "verification_revoked")}


def test_the_same_previous_copy_gives_the_same_feed_on_another_machine(two_days, tmp_path: Path) -> None:
    first, second, key = two_days
    mirror = tmp_path / "mirror-of-site1"
    shutil.copytree(first, mirror)
    again = build_site(make_content(tmp_path / "elsewhere", day2_files()), tmp_path / "again", as_of=DAY2,
                       sign_key=key, previous=str(mirror))
    for rel in ("changes.xml", "es/changes.xml", "api/changes.json", "api/feed-state.json", "manifest.json"):
        assert (again / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_entries_are_carried_while_in_the_window_even_when_the_evidence_is_edited(two_days, tmp_path: Path) -> None:
    _, second, key = two_days
    files = day2_files()
    files["verifications/v.yaml"] = files["verifications/v.yaml"].replace(
        record("starts", "+34600000001", "2026-11-25", "2027-11-25"), "")
    third = build_site(make_content(tmp_path, files), tmp_path / "site3", as_of=DAY2 + timedelta(days=1),
                       sign_key=key, previous=str(second))
    found = kinds(third)
    assert (DAY2.isoformat(), "starts", "verified") in found  # still there, though its record is gone
    assert (DAY2.isoformat(), "added", "added") in found
    late = build_site(make_content(tmp_path / "late", files), tmp_path / "site4", as_of=DAY2 + timedelta(days=91),
                      sign_key=key, previous=str(third))
    assert not [k for k in kinds(late) if k[0] == DAY2.isoformat()]  # out of the 90-day window


@pytest.mark.parametrize("path,lang", [("changes.xml", "en"), ("es/changes.xml", "es")])
def test_the_atom_feed_parses_and_has_rfc_4287s_required_elements(two_days, path: str, lang: str) -> None:
    _, second, _ = two_days
    data = (second / path).read_bytes()
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and len(parsed.entries) == len(json.loads((second / "api/changes.json").read_text())["changes"])
    root = ET.fromstring(data)
    assert root.tag == f"{ATOM}feed" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Feed test"
    ids = set()
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}") is not None and entry.find(f"{ATOM}{name}").text
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None  # no content: an alternate link is required
        assert entry.find(f"{ATOM}updated").text.endswith("T00:00:00Z")
        ids.add(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(root.findall(f"{ATOM}entry"))
    titles = [e.title for e in parsed.entries]
    if lang == "en":
        assert "Starts Today is now verified" in titles and "Old Name is now called New Name" in titles
        link = next(e.link for e in parsed.entries if e.title == "Starts Today is now verified")
        assert link == "https://dir.example.org/b/starts/"
    else:
        assert "Starts Today ya está verificado" in titles
        link = next(e.link for e in parsed.entries if e.title == "Starts Today ya está verificado")
        assert link == "https://dir.example.org/es/b/starts/"


def test_revoked_on_counts_from_its_date_and_revoked_false_with_a_date_is_an_error(tmp_path: Path) -> None:
    from generator.build import load_site
    from generator.diagnostics import BuildFailed

    content = make_content(tmp_path, DAY1_FILES)
    site, _ = load_site(content, date(2026, 11, 24))
    assert site.entries["revoked-on"].decision.tier.value == "verified"
    site, _ = load_site(content, date(2026, 11, 25))
    assert site.entries["revoked-on"].decision.tier.value == "confirmed"
    bad = dict(DAY1_FILES)
    bad["verifications/v.yaml"] += record("starts", "+34600000001", "2026-01-01", "2027-01-01",
                                          "  revoked: false\n  revoked_on: 2026-02-01\n")
    with pytest.raises(BuildFailed) as failed:
        load_site(make_content(tmp_path / "bad", bad), DAY2)
    assert any("revoked: is false but revoked_on gives a date" in str(d) for d in failed.value.diagnostics)
