"""Turn a badgedir content folder into the inputs of the Hugo twin site.

Why: Hugo cannot read the register or compute trust tiers, so this untimed
step does that work up front with a deliberately simple rule, and hands Hugo
a JSON file it only has to render.  The comparison is therefore generous to
Hugo: badgedir is timed doing the whole job (parse YAML, normalise numbers,
compute tiers, sort, render), Hugo only the rendering.

The rule (as-of date inclusive of ``verified_on``, exclusive of ``expires``):

* confirmed: the business's number, normalised to E.164, is among the phones
  of the register entry its ``company_id`` names;
* verified: confirmed, plus an unrevoked verification of that exact number
  current on the as-of date, plus a logo.

YAML is read with ``CBaseLoader`` so every scalar stays the text written
(``NO`` stays ``"NO"``), as badgedir's strict reader does.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers
import yaml

try:
    from yaml import CBaseLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml: slower, same result
    from yaml import BaseLoader as _Loader  # type: ignore[assignment]

_SEPARATORS = re.compile(r"[\s\-.()/\u00a0]")
TIERS = ("unverified", "confirmed", "verified")


@lru_cache(maxsize=1 << 18)
def normalise(text: str, region: str) -> str | None:
    """E.164 for a number as a person wrote it, or None; a leading 00 means international."""
    cleaned = _SEPARATORS.sub("", text)
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned, None if cleaned.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str) -> str:
    """+34600123456 -> +34 600 12 34 56."""
    return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def sort_key(name: str, business_id: str) -> tuple[str, str]:
    """A–Z order: accents ignored, case folded, id breaks ties (what the listing pages show)."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return folded.casefold(), business_id


def slugify(text: str) -> str:
    """Category slug, the same as Hugo's urlize with removePathAccents for these names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _read(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def _rows(folder: Path) -> list[dict[str, Any]]:
    """Every record in folder/*.yaml (one mapping or a list of them), *.csv and *.jsonl (synth.py --format)."""
    rows: list[dict[str, Any]] = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".csv", ".jsonl")):
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as file:
                for row in csv.DictReader(file):
                    record = {k: v for k, v in row.items() if v != ""}
                    if "phones" in record:
                        record["phones"] = [p.strip() for p in record["phones"].split(";")]
                    rows.append(record)
            continue
        if path.suffix == ".jsonl":
            rows.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
            continue
        value = _read(path)
        if isinstance(value, list):
            rows.extend(value)
        elif isinstance(value, dict):
            rows.append(value)
    return rows


@dataclass(frozen=True, slots=True)
class Converted:
    businesses: int
    tiers: dict[str, int]


def convert(content: Path, site: Path, as_of: str) -> Converted:
    """Write site/data/{businesses,site}.json, site/content/faq/*.md and site/assets/logos/."""
    config = _read(content / "site.yaml") or {}
    default_region = config.get("default_region", "ES")

    register: dict[str, tuple[str, set[str]]] = {}
    for row in _rows(content / "register"):
        phones = {e for p in row.get("phones") or [] if (e := normalise(p, default_region))}
        register[row["company_id"]] = (row.get("legal_name", ""), phones)

    current: dict[tuple[str, str], dict[str, Any]] = {}
    for row in _rows(content / "verifications"):
        e = normalise(row["whatsapp"], default_region)
        if e and row.get("revoked", "false") != "true" and row["verified_on"] <= as_of < row["expires"]:
            current[(row["business"], e)] = row

    out: list[dict[str, Any]] = []
    tiers = dict.fromkeys(TIERS, 0)
    logos = site / "assets" / "logos"
    shutil.rmtree(logos, ignore_errors=True)
    logos.mkdir(parents=True)
    for b in _rows(content / "businesses"):
        e = normalise(b["whatsapp"], b.get("country") or default_region)
        if e is None:
            raise ValueError(f"business {b['id']}: number {b['whatsapp']!r} does not normalise")
        reasons: list[str] = []
        tier = "unverified"
        company = b.get("company_id")
        if company and company in register:
            legal_name, phones = register[company]
            if e in phones:
                tier = "confirmed"
                reasons.append(f"The number {display(e)} is registered to {legal_name} ({company}).")
            else:
                reasons.append(f"The company register entry of {legal_name} ({company}) does not list {display(e)}.")
        else:
            reasons.append("The business is not linked to a company in the register.")
        logo = None
        record = current.get((b["id"], e))
        if tier == "confirmed":
            if record and b.get("logo"):
                tier = "verified"
                logo = f"logos/{b['id']}{Path(b['logo']).suffix}"
                shutil.copyfile(content / b["logo"], site / "assets" / logo)
                reasons.append(f"The operator verified this number on {record['verified_on']} "
                               f"({record.get('method', 'unspecified')}); valid until {record['expires']}.")
            else:
                reasons.append("There is no current verification of this number.")
        tiers[tier] += 1
        out.append({
            "id": b["id"], "name": b["name"], "tier": tier, "number": display(e), "wa": e.lstrip("+"),
            "website": b.get("website", ""), "email": b.get("email", ""), "address": b.get("address", ""),
            "category": b.get("category", ""), "category_slug": slugify(b.get("category", "")),
            "city": b.get("city", ""), "description": b.get("description", ""), "reasons": reasons, "logo": logo,
        })
    out.sort(key=lambda r: sort_key(r["name"], r["id"]))
    for rank, row in enumerate(out, start=1):
        row["rank"] = rank

    data = site / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "businesses.json").write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    (data / "site.json").write_text(json.dumps({"title": config.get("title", ""),
                                                "description": config.get("description", "")}, ensure_ascii=False),
                                    encoding="utf-8")
    _convert_faq(content / "faq", site / "content" / "faq")
    return Converted(len(out), tiers)


def _convert_faq(source: Path, target: Path) -> None:
    """faq/<slug>.md with ``order`` → Hugo's faq/<slug>.md with ``weight``."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.load(front, Loader=_Loader) or {}
        (target / path.name).write_text(
            f"---\ntitle: {json.dumps(meta.get('title', path.stem), ensure_ascii=False)}\n"
            f"weight: {int(meta.get('order', 0))}\n---\n{body}", encoding="utf-8")
