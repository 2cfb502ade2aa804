"""The checkable record (issue #17): manifest, minisign keys and signature, ``badgedir verify``.

Copies are built in tmp_path, then damaged the ways a mirror, a cache or an
attacker would, and ``verify`` must name each problem by path.  The stock
``minisign`` binary (Debian's package, installed by tests/setup-and-run.sh)
checks the signatures: a missing binary fails these tests, never skips them.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator.cli import main
from generator.record import minisign
from tests.conftest import AS_OF, THREE_TIERS, build_site, make_content

MINISIGN = shutil.which("minisign") or "/usr/bin/minisign"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "keys/site.key"
    assert run(capsys, "keygen", str(path))[0] == 0
    return path


@pytest.fixture
def signed(tmp_path: Path, key: Path) -> Path:
    content = make_content(tmp_path, THREE_TIERS)
    return build_site(content, tmp_path / "site", sign_key=minisign.read_secret_key(key.read_text()))


def verify(capsys, copy: Path | str, pub: Path, *more: str) -> tuple[int, str, str]:
    return run(capsys, "verify", str(copy), "--key", str(pub), "--as-of", AS_OF.isoformat(), "-q", *more)


def test_manifest_lists_every_file_with_its_hash_and_the_validity(signed: Path) -> None:
    manifest = json.loads((signed / "manifest.json").read_text())
    on_disk = sorted(p.relative_to(signed).as_posix() for p in signed.rglob("*") if p.is_file())
    assert sorted(manifest["files"]) == [p for p in on_disk if p not in ("manifest.json", "manifest.json.minisig")]
    assert manifest["as_of"] == "2026-11-25" and manifest["valid_until"] == "2026-12-02"  # 7 days by default
    assert manifest["version"] == (AS_OF - date(1970, 1, 1)).days * 1000
    import hashlib
    page = manifest["files"]["index.html"]
    data = (signed / "index.html").read_bytes()
    assert page == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    status = json.loads((signed / "status.json").read_text())
    assert status == {"as_of": "2026-11-25", "valid_until": "2026-12-02", "version": manifest["version"]}


def test_manifest_is_deterministic_and_valid_days_comes_from_site_yaml(tmp_path: Path) -> None:
    files = {**THREE_TIERS, "site.yaml": "title: T\ndefault_region: ES\nvalid_days: 3\n"}
    a = build_site(make_content(tmp_path / "a", files), tmp_path / "out-a")
    b = build_site(make_content(tmp_path / "b", files), tmp_path / "out-b")
    assert (a / "manifest.json").read_bytes() == (b / "manifest.json").read_bytes()
    assert json.loads((a / "status.json").read_text())["valid_until"] == "2026-11-28"
    assert not (a / "manifest.json.minisig").exists()  # no key: unsigned, still written


def test_a_bad_valid_days_is_a_content_error(tmp_path: Path, capsys) -> None:
    content = make_content(tmp_path, {**THREE_TIERS, "site.yaml": "title: T\ndefault_region: ES\nvalid_days: 0\n"})
    code, _, err = run(capsys, "build", "--content", str(content), "--output", str(tmp_path / "o"))
    assert code == 1 and "site.yaml:3: valid_days: must be a number of days from 1 to 3660" in err


def test_keygen_writes_a_private_secret_key_and_a_public_key(key: Path, capsys) -> None:
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    public = minisign.read_public_key((key.parent / "site.key.pub").read_text())
    assert minisign.read_secret_key(key.read_text()).public == public
    code, _, err = run(capsys, "keygen", str(key))
    assert code == 2 and "refusing to overwrite" in err


def test_the_stock_minisign_accepts_the_signature_and_shows_the_trusted_comment(signed: Path, key: Path) -> None:
    result = subprocess.run([MINISIGN, "-V", "-p", str(key) + ".pub", "-m", str(signed / "manifest.json")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((signed / "manifest.json").read_text())
    assert (f"Trusted comment: badgedir manifest version:{manifest['version']}\tas_of:2026-11-25"
            "\tvalid_until:2026-12-02") in result.stdout
    (signed / "manifest.json").write_text((signed / "manifest.json").read_text().replace("2026-12-02", "2027-12-02"))
    assert subprocess.run([MINISIGN, "-V", "-p", str(key) + ".pub", "-m", str(signed / "manifest.json")],
                          capture_output=True).returncode != 0


def test_an_encrypted_key_round_trips_with_minisign_both_ways(tmp_path: Path, capsys, monkeypatch) -> None:
    """Our encrypted key signs with the stock minisign, and minisign's unencrypted key signs with us."""
    monkeypatch.setenv("PASS", "correct horse")
    ours = tmp_path / "ours.key"
    assert run(capsys, "keygen", str(ours), "--passphrase-env", "PASS")[0] == 0
    with pytest.raises(minisign.KeyError_, match="wrong passphrase"):
        minisign.read_secret_key(ours.read_text(), "wrong")
    with pytest.raises(minisign.KeyError_, match="encrypted"):
        minisign.read_secret_key(ours.read_text())
    message = tmp_path / "m.txt"
    message.write_text("hello\n")
    signed = subprocess.run([MINISIGN, "-S", "-s", str(ours), "-m", str(message), "-t", "from minisign"],
                            input="correct horse\n", capture_output=True, text=True)
    assert signed.returncode == 0, signed.stderr  # minisign decrypted our scrypt-encrypted key
    public = minisign.read_public_key((tmp_path / "ours.key.pub").read_text())
    assert minisign.verify(public, message.read_bytes(), (tmp_path / "m.txt.minisig").read_text()).trusted_comment == "from minisign"
    theirs = tmp_path / "theirs"
    made = subprocess.run([MINISIGN, "-G", "-W", "-p", str(theirs) + ".pub", "-s", str(theirs) + ".key"],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    key = minisign.read_secret_key((tmp_path / "theirs.key").read_text())
    assert key.public == minisign.read_public_key((tmp_path / "theirs.pub").read_text())
    (tmp_path / "n.txt.minisig").write_text(key.sign(b"data", "signed by badgedir"))
    (tmp_path / "n.txt").write_bytes(b"data")
    check = subprocess.run([MINISIGN, "-V", "-p", str(theirs) + ".pub", "-m", str(tmp_path / "n.txt")],
                           capture_output=True, text=True)
    assert check.returncode == 0 and "signed by badgedir" in check.stdout


def test_the_key_can_come_from_the_environment_for_ci(tmp_path: Path, key: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BADGEDIR_SIGN_KEY", key.read_text())
    content = make_content(tmp_path, THREE_TIERS)
    code, _, err = run(capsys, "build", "-q", "--content", str(content), "--output", str(tmp_path / "o"), "--as-of", "2026-11-25")
    assert code == 0, err
    assert verify(capsys, tmp_path / "o", Path(str(key) + ".pub"))[0] == 0
    monkeypatch.setenv("BADGEDIR_SIGN_KEY", "untrusted comment: x\nnot a key\n")
    code, _, err = run(capsys, "build", "-q", "--content", str(content), "--output", str(tmp_path / "o"))
    assert code == 2 and "$BADGEDIR_SIGN_KEY: the secret key is not valid base64" in err


def test_the_public_key_is_published_and_shown_on_the_faq_page(tmp_path: Path, key: Path) -> None:
    content = make_content(tmp_path, {**THREE_TIERS, "faq/checking-a-copy.md": "---\ntitle: How to check\n---\nText.\n"})
    site = build_site(content, tmp_path / "site", sign_key=minisign.read_secret_key(key.read_text()))
    public = minisign.read_public_key((key.parent / "site.key.pub").read_text())
    assert (site / "minisign.pub").read_text() == public.text()
    page = (site / "faq/checking-a-copy/index.html").read_text()
    assert public.base64() in page and public.id_hex in page and 'href="../../minisign.pub"' in page


def test_verify_accepts_a_genuine_current_copy(signed: Path, key: Path, capsys) -> None:
    code, out, err = verify(capsys, signed, Path(str(key) + ".pub"))
    assert code == 0 and err == "" and "genuine and current" in out and "all " in out
    code, out, _ = verify(capsys, signed, Path(str(key) + ".pub"), "--sample", "3")
    assert code == 0 and "of " in out


def test_one_byte_changed_in_a_page_is_reported_by_path(signed: Path, key: Path, capsys) -> None:
    page = signed / "b/brisa/index.html"
    data = bytearray(page.read_bytes())
    data[100] ^= 1
    page.write_bytes(bytes(data))
    code, _, err = verify(capsys, signed, Path(str(key) + ".pub"))
    assert code == 1 and err.splitlines() == ["b/brisa/index.html: altered: its sha256 differs from the manifest's"]


def test_a_deleted_file_and_an_added_file_are_reported(signed: Path, key: Path, capsys) -> None:
    (signed / "b/cafe-nino/badge.svg").unlink()
    (signed / "b/evil.html").write_text("<p>phish</p>")
    code, _, err = verify(capsys, signed, Path(str(key) + ".pub"))
    assert code == 1
    assert "b/cafe-nino/badge.svg: missing" in err and "b/evil.html: not listed in the manifest" in err


def test_an_extra_manifest_entry_breaks_the_signature_and_is_missing(signed: Path, key: Path, capsys) -> None:
    manifest = signed / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"files": {', '"files": {\n  "b/fake/index.html": {"sha256": "'
                                                     + "0" * 64 + '", "bytes": 10},'))
    code, _, err = verify(capsys, signed, Path(str(key) + ".pub"))
    assert code == 1
    assert "manifest.json.minisig: bad signature: the signature does not match the file" in err
    assert "b/fake/index.html: missing" in err


def test_a_forged_valid_until_is_caught_in_the_manifest_and_in_status_json(signed: Path, key: Path, capsys) -> None:
    later = AS_OF + timedelta(days=30)
    status = signed / "status.json"
    status.write_text(status.read_text().replace("2026-12-02", "2027-12-02"))
    code, _, err = run(capsys, "verify", str(signed), "--key", str(key) + ".pub", "--as-of", later.isoformat(), "-q")
    assert code == 1
    assert "status.json: altered" in err and "status.json: says another as_of, valid_until or version" in err
    assert "manifest.json: stale: this copy (as of 2026-11-25) was valid until 2026-12-02; it is now 2026-12-25" in err
    manifest = signed / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"valid_until": "2026-12-02"', '"valid_until": "2027-12-02"'))
    code, _, err = run(capsys, "verify", str(signed), "--key", str(key) + ".pub", "--as-of", later.isoformat(), "-q")
    assert code == 1 and "manifest.json.minisig: bad signature" in err
    assert "manifest.json: 'valid_until' is 2027-12-02 but the signed comment says 2026-12-02: manifest edited" in err


def test_a_copy_signed_by_another_key_fails(signed: Path, tmp_path: Path, capsys) -> None:
    other = tmp_path / "other.key"
    assert run(capsys, "keygen", str(other))[0] == 0
    code, _, err = verify(capsys, signed, Path(str(other) + ".pub"))
    assert code == 1 and "manifest.json.minisig: bad signature: signed by another key" in err


def test_an_unsigned_copy_fails(signed: Path, key: Path, capsys) -> None:
    (signed / "manifest.json.minisig").unlink()
    code, _, err = verify(capsys, signed, Path(str(key) + ".pub"))
    assert code == 1 and "manifest.json.minisig: missing: the copy is not signed" in err


def test_an_old_copy_replayed_is_caught_by_min_version_and_by_its_date(tmp_path: Path, key: Path, capsys) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    secret = minisign.read_secret_key(key.read_text())
    old = build_site(content, tmp_path / "old", as_of=AS_OF, sign_key=secret)
    shutil.copytree(old, tmp_path / "kept")
    new = build_site(content, tmp_path / "old", as_of=AS_OF + timedelta(days=1), sign_key=secret,
                     previous=str(tmp_path / "kept"))
    seen = json.loads((new / "status.json").read_text())["version"]
    assert seen > json.loads((tmp_path / "kept/status.json").read_text())["version"]
    code, _, err = verify(capsys, tmp_path / "kept", Path(str(key) + ".pub"), "--min-version", str(seen))
    assert code == 1 and f"manifest.json: rolled back: version {seen - 1000} is older than {seen}" in err
    assert verify(capsys, new, Path(str(key) + ".pub"), "--min-version", str(seen))[0] == 0


def test_the_version_grows_on_a_same_day_rebuild_with_other_files_and_holds_for_the_same(tmp_path: Path, key: Path) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    secret = minisign.read_secret_key(key.read_text())
    first = build_site(content, tmp_path / "a", sign_key=secret)
    same = build_site(content, tmp_path / "b", sign_key=secret, previous=str(first))
    version = json.loads((first / "status.json").read_text())["version"]
    assert json.loads((same / "status.json").read_text())["version"] == version
    (content / "businesses/shops.yaml").write_text((content / "businesses/shops.yaml").read_text().replace("Madrid", "Toledo", 1))
    changed = build_site(content, tmp_path / "c", sign_key=secret, previous=str(first))
    assert json.loads((changed / "status.json").read_text())["version"] == version + 1


def test_a_previous_copy_that_fails_its_signature_stops_the_build(tmp_path: Path, key: Path, capsys) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    secret = minisign.read_secret_key(key.read_text())
    first = build_site(content, tmp_path / "a", sign_key=secret)
    state = first / "api/feed-state.json"
    state.write_text(state.read_text().replace("Aerolíneas Brisa\"", "Someone Else\""))
    code, _, err = run(capsys, "build", "--content", str(content), "--output", str(tmp_path / "b"),
                       "--sign-key", str(key), "--previous", str(first))
    assert code == 1 and "api/feed-state.json: altered: its sha256 differs from the signed manifest's" in err
    assert not (tmp_path / "b").exists()
    code, _, err = run(capsys, "build", "--content", str(content), "--output", str(tmp_path / "b"), "--previous", str(first))
    assert code == 2 and "--previous: the previous copy is checked with the site's key" in err


def test_verify_usage_errors_exit_2(signed: Path, key: Path, capsys) -> None:
    assert verify(capsys, signed / "nowhere", Path(str(key) + ".pub"))[0] == 2
    assert verify(capsys, signed, signed / "index.html")[0] == 2
    assert verify(capsys, signed, Path(str(key) + ".pub"), "--sample", "0")[0] == 2
    assert verify(capsys, "ftp://example.org/", Path(str(key) + ".pub"))[0] == 2


def test_dotdot_paths_in_a_folder_manifest_are_never_read(tmp_path: Path, signed: Path, key: Path, capsys) -> None:
    (tmp_path / "secret.txt").write_text("outside")
    manifest = signed / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"files": {', '"files": {\n  "../secret.txt": {"sha256": "'
                                                     + "0" * 64 + '", "bytes": 7},'))
    code, _, err = verify(capsys, signed, Path(str(key) + ".pub"))
    assert code == 1 and "manifest.json: lists a path outside the copy, not fetched: '../secret.txt'" in err


def test_a_path_that_is_not_printable_is_refused_and_reported_escaped(signed: Path, key: Path, capsys) -> None:
    manifest = signed / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"files": {', '"files": {\n  "b/\\u202eevil.html": {"sha256": "'
                                                     + "0" * 64 + '", "bytes": 7},'))
    code, _, err = verify(capsys, signed, Path(str(key) + ".pub"))
    assert code == 1 and "lists a path outside the copy, not fetched: 'b/\\u202eevil.html'" in err
    assert "\u202e" not in err
