"""Deterministic synthetic content for benchmarking badgedir (and Hugo).

Why this exists: a benchmark is only worth something if anyone can rebuild
exactly the same input, so ``generate(n, out, layout, seed)`` writes
byte-identical files for the same arguments, with no wall-clock or hash-seed
dependence.  The content is meant to look like what operators will really
write: accented names, numbers in mixed notations, a partial company register,
a few verifications (some expired or revoked), quoted ``"NO"`` country codes.

Each business draws its attributes from one seeded random stream in order,
so the first 1,000 businesses of a 10,000-business folder are the same as a
1,000-business folder (only file grouping in ``--layout lists`` differs).

Phone numbers are computed from per-pattern serial numbers pushed through an
affine permutation ``(serial * a + b) mod 10**digits`` over a range where every
number is valid (checked against phonenumbers' metadata once; ``--check``
re-validates a sample).  That keeps them unique without a set lookup and keeps
100,000 businesses well under a few seconds of CPU.

Usage: ``python benchmarks/synth.py N OUT_DIR [--layout files|lists] [--format yaml|csv|jsonl] [--seed 1] [--check]``

``--format`` writes the businesses, register and verification files as YAML
(the default), CSV (a header row, ``;`` between a company's phones) or JSON
Lines; the records, and so the site built from them, are the same.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import sys
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

AS_OF = "2026-11-25"  # the date the verification records are written relative to
LIST_CHUNK = 10_000  # businesses (and register / verification rows) per list file

CATEGORIES: tuple[str, ...] = (
    "Panadería", "Cafetería", "Restaurante", "Peluquería", "Farmacia", "Ferretería",
    "Floristería", "Librería", "Taller Mecánico", "Clínica Dental", "Fisioterapia",
    "Óptica", "Zapatería", "Carnicería", "Pescadería", "Frutería", "Academia de Idiomas",
    "Autoescuela", "Gestoría", "Inmobiliaria", "Fontanería", "Electricista", "Cerrajería",
    "Lavandería", "Tintorería", "Clínica Veterinaria", "Gimnasio", "Centro de Estética",
    "Joyería", "Papelería", "Tienda de Móviles", "Informática", "Mudanzas", "Carpintería",
    "Pintura y Decoración", "Jardinería", "Escuela Infantil", "Hostal", "Agencia de Viajes",
    "Pastelería",
)

CITIES: dict[str, tuple[str, ...]] = {
    "ES": (
        "Madrid", "Barcelona", "València", "Sevilla", "Zaragoza", "Málaga", "Murcia",
        "Palma", "Las Palmas de Gran Canaria", "Bilbao", "Alicante", "Córdoba",
        "Valladolid", "Vigo", "Gijón", "L'Hospitalet de Llobregat", "A Coruña",
        "Vitoria-Gasteiz", "Granada", "Elche", "Oviedo", "Badalona", "Cartagena",
        "Terrassa", "Jerez de la Frontera", "Sabadell", "Móstoles",
        "Santa Cruz de Tenerife", "Pamplona", "Almería", "Alcalá de Henares",
        "Fuenlabrada", "Leganés", "Donostia-San Sebastián", "Getafe", "Burgos",
        "Albacete", "Santander", "Castelló de la Plana", "Logroño", "Badajoz",
        "Salamanca", "Huelva", "Marbella", "Lleida", "Tarragona", "León", "Cádiz",
        "Jaén", "Ourense", "Girona", "Lugo", "Cáceres", "Segovia", "Ávila",
    ),
    "PT": ("Lisboa", "Porto"),
    "FR": ("Paris", "Toulouse"),
    "IT": ("Roma", "Milano"),
    "DE": ("Berlin", "München"),
    "GB": ("London", "Manchester"),
    "MX": ("Ciudad de México", "Guadalajara"),
    "NO": ("Oslo", "Bergen"),
}
FOREIGN: tuple[str, ...] = ("PT", "FR", "IT", "DE", "GB", "MX", "NO")

SURNAMES: tuple[str, ...] = (
    "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
    "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno",
    "Muñoz", "Álvarez", "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres",
    "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano", "Blanco", "Molina",
    "Morales", "Suárez", "Ortega", "Delgado", "Castro", "Ortiz", "Rubio", "Marín",
    "Sanz", "Núñez", "Iglesias", "Medina", "Garrido", "Cortés", "Castillo", "Santos",
    "Lozano", "Guerrero", "Cano", "Prieto", "Méndez", "Cruz", "Calvo", "Gallego",
    "Vidal", "León", "Márquez", "Herrera", "Peña", "Flores", "Cabrera", "Campos",
    "Vega", "Fuentes", "Carrasco", "Diez", "Caballero", "Reyes", "Nieto", "Aguilar",
    "Pascual", "Santana", "Herrero", "Montero", "Lorenzo", "Hidalgo", "Giménez",
    "Ibáñez", "Ferrer", "Durán", "Santiago", "Benítez", "Mora", "Vicente", "Vargas",
    "Arias", "Carmona", "Crespo", "Román", "Pastor", "Soto", "Sáez", "Velasco",
    "Moya", "Soler", "Parra", "Esteban", "Bravo", "Gallardo", "Rojas", "Peñalver",
    "Ibarra", "Echevarría", "Zúñiga", "Espinosa", "Villanueva", "Mariño", "Quiñones",
)
GIVEN_NAMES: tuple[str, ...] = (
    "Carmen", "José", "María", "Antonio", "Lucía", "Manuel", "Pilar", "Francisco", "Dolores",
    "Javier", "Isabel", "Jesús", "Ana", "Rafael", "Rosario", "Miguel", "Mercedes", "Ángel",
    "Teresa", "Pedro", "Concepción", "Alejandro", "Inés", "Fernando", "Begoña", "Pablo", "Nuria",
    "Jorge", "Montserrat", "Luis", "Ainhoa", "Sergio", "Iñaki", "Raquel", "Andrés", "Elena",
    "Joaquín", "Marta", "Ramón", "Silvia", "Víctor", "Cristina", "Óscar", "Paloma", "Rubén",
    "Belén", "Álvaro", "Noelia", "Íñigo", "Rocío", "Adrián", "Sofía", "Gonzalo", "Nerea",
    "Ismael", "Lorena", "Emilio", "Ángela", "Tomás", "Yolanda",
)
ADJECTIVES: tuple[str, ...] = (
    "Nueva", "Central", "Real", "del Sol", "de la Esquina", "del Puerto", "Moderna",
    "Tradicional", "del Barrio", "La Alegría", "El Olivo", "Los Álamos", "La Peña",
    "San Martín", "Santa Lucía", "El Faro", "La Fuente", "del Mercado", "Estrella",
    "Las Acacias", "El Almendro", "La Plaza", "Mediterránea", "Atlántica", "Doña Inés",
)
PLACES: tuple[str, ...] = (
    "Alcalá", "Triana", "Chamberí", "Gràcia", "Ruzafa", "Begoña", "Malasaña",
    "Albaicín", "Lavapiés", "Salamanca", "Sarrià", "Carabanchel", "Vallecas",
    "Cañada", "Montjuïc", "Poblenou", "Nervión", "Arganzuela", "Latina", "Tetuán",
    "Benimaclet", "Ensanche", "Castellana", "Moncloa", "Retiro", "Chueca", "Peñíscola",
)
STREETS: tuple[str, ...] = (
    "Calle Mayor", "Avenida de la Constitución", "Calle Real", "Plaza de España",
    "Calle del Carmen", "Paseo de la Castellana", "Calle Nueva", "Avenida de Andalucía",
    "Calle San Juan", "Rambla de Catalunya", "Calle de Alcalá", "Calle Ancha",
    "Camino Viejo", "Calle de la Paz", "Travesía del Sol", "Ronda de Toledo",
)
FOREIGN_STREETS: dict[str, str] = {
    "PT": "Rua Augusta", "FR": "Rue de Rivoli", "IT": "Via del Corso", "DE": "Hauptstraße",
    "GB": "High Street", "MX": "Avenida Reforma", "NO": "Storgata",
}
METHODS: tuple[str, ...] = ("video-call", "documents", "in-person", "bank-letter")
COLOURS: tuple[str, ...] = ("#1d4ed8", "#047857", "#b91c1c", "#7c3aed", "#c2410c", "#0e7490", "#be185d", "#4d7c0f")

# ---------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pattern:
    """A range of valid numbers: ``prefix`` + ``digits`` free digits (national significant number)."""

    region: str
    country_code: int
    prefix: str
    digits: int
    national_prefix: str  # "0" where the national format starts with a trunk prefix

    def nsn(self, serial: int) -> str:
        """The serial-th distinct national significant number of this range."""
        space = 10 ** self.digits
        if serial >= space:
            raise ValueError(f"range {self.region} {self.prefix} exhausted at {serial}")
        # 7_919_113 is coprime to every power of 10, so this is a permutation of the range.
        return self.prefix + str((serial * 7_919_113 + 1_234_567) % space).zfill(self.digits)


# Every number in these ranges is valid in phonenumbers' metadata (see module docstring):
# ES mobile 6\d{8}; ES Madrid fixed 91\d{7}; ES Sevilla fixed 95\d{7}; ES mobile 71\d{7}.
ES_MOBILE = Pattern("ES", 34, "6", 8, "")
ES_FIXED = Pattern("ES", 34, "91", 7, "")
ES_EXTRA = Pattern("ES", 34, "95", 7, "")  # other numbers a company registered
ES_OLD = Pattern("ES", 34, "71", 7, "")  # numbers that never belong to a business
FOREIGN_PATTERNS: dict[str, Pattern] = {
    "PT": Pattern("PT", 351, "91", 7, ""),  # 91x xxx xxx
    "FR": Pattern("FR", 33, "61", 7, "0"),  # 06 1x xx xx xx
    "IT": Pattern("IT", 39, "33", 8, ""),  # 33x xxx xxxx
    "DE": Pattern("DE", 49, "17", 8, "0"),  # 017x xxxxxxx
    "GB": Pattern("GB", 44, "71", 8, "0"),  # 071xx xxxxxx
    "MX": Pattern("MX", 52, "55", 8, ""),  # 55 xxxx xxxx
    "NO": Pattern("NO", 47, "9", 7, ""),  # 9xx xx xxx
}
ALL_PATTERNS: tuple[Pattern, ...] = (ES_MOBILE, ES_FIXED, ES_EXTRA, ES_OLD, *FOREIGN_PATTERNS.values())


def _es_written(nsn: str, style: int) -> str:
    """A Spanish number the way people write it; styles cycle through common notations."""
    a, b, c, d = nsn[:3], nsn[3:5], nsn[5:7], nsn[7:]
    match style:
        case 0:
            return f"+34 {a} {b} {c} {d}"
        case 1:
            return f"0034 {nsn}"
        case 2:
            return f"{a}-{b}-{c}-{d}"
        case 3:
            return f"(+34) {a}.{nsn[3:6]}.{nsn[6:]}"
        case 4:
            return f"{a} {nsn[3:6]} {nsn[6:]}"
        case 5:
            return f"+34{nsn}"
        case _:
            return f"{a}.{b}.{c}.{d}"


ES_STYLES = 7


def _national(pattern: Pattern, nsn: str) -> str:
    """A foreign number in its country's usual national notation (read with ``country``)."""
    n = pattern.national_prefix + nsn
    match pattern.region:
        case "PT":
            return f"{n[:3]} {n[3:6]} {n[6:]}"
        case "FR":
            return " ".join(n[i:i + 2] for i in range(0, 10, 2))
        case "IT":
            return f"{n[:3]} {n[3:6]} {n[6:]}"
        case "DE":
            return f"{n[:4]} {n[4:]}"
        case "GB":
            return f"{n[:5]} {n[5:]}"
        case "MX":
            return f"{n[:2]} {n[2:6]} {n[6:]}"
        case _:  # NO
            return f"{n[:3]} {n[3:5]} {n[5:]}"


def international(pattern: Pattern, nsn: str, style: int = 0) -> str:
    """International notation, as a register export or an operator would write it."""
    cc = pattern.country_code
    if style % 3 == 0:
        return f"+{cc}{nsn}"
    if style % 3 == 1:
        return f"00{cc} {nsn}"
    return f"+{cc} {nsn[:3]} {nsn[3:6]} {nsn[6:]}"


def other_international(pattern: Pattern, nsn: str, written: str, style: int) -> str:
    """International notation that differs from ``written``, so matching must normalise."""
    for k in range(3):
        text = international(pattern, nsn, style + k)
        if text != written:
            return text
    raise AssertionError("unreachable: the three notations differ")


def e164(pattern: Pattern, nsn: str) -> str:
    return f"+{pattern.country_code}{nsn}"


# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """ASCII slug: accents dropped, ñ → n, runs of other characters → one hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub("-", ascii_text.lower()).strip("-")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML) so nothing is re-typed."""
    return json.dumps(text, ensure_ascii=False)


# ---------------------------------------------------------------------------
# The model of what gets written
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class Company:
    company_id: str
    legal_name: str
    phones: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Synth:
    """The whole folder in memory, in write order."""

    businesses: list[dict[str, str]] = field(default_factory=list)
    companies: list[Company] = field(default_factory=list)
    verifications: list[dict[str, str]] = field(default_factory=list)
    logos: dict[str, str] = field(default_factory=dict)  # id -> svg text
    intended: dict[str, int] = field(default_factory=lambda: {"unverified": 0, "confirmed": 0, "verified": 0})
    numbers: list[tuple[Pattern, str]] = field(default_factory=list)  # every number written, for --check


def _name(rng: random.Random, category: str) -> str:
    """A plausible shop name; the shapes are weighted so that names rarely repeat by chance.

    Why: badgedir warns about names that resemble a verified business's, so
    accidental duplicates would turn into thousands of bogus impostor
    warnings; deliberate lookalikes are added separately (see ``build``).
    """
    shape = rng.random()
    if shape < 0.35:
        return f"{category} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
    if shape < 0.65:
        return f"{category} {rng.choice(GIVEN_NAMES)} {rng.choice(SURNAMES)}"
    if shape < 0.75:
        return f"{rng.choice(('Casa', 'El Rincón de', 'Taller', 'Estudio'))} {rng.choice(GIVEN_NAMES)} {rng.choice(SURNAMES)} · {category}"
    if shape < 0.85:
        return f"{category} {rng.choice(('Hermanos', 'Hijos de', 'Viuda de'))} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
    if shape < 0.93:
        return f"{category} {rng.choice(ADJECTIVES)} {rng.choice(PLACES)} {rng.choice(SURNAMES)}"
    return f"{category} {rng.choice(PLACES)} {rng.randrange(1, 100)}"


def _description(rng: random.Random, category: str, city: str, website: str) -> str:
    year = rng.randrange(1955, 2025)
    first = rng.choice((
        f"{category} en {city} desde {year}.",
        f"Negocio familiar de {category.lower()} en el centro de {city}.",
        f"Somos una **{category.lower()}** de barrio en {city}, abierta desde {year}.",
        f"{category} con atención personalizada en {city}.",
    ))
    second = rng.choice((
        "",
        " Atendemos por WhatsApp de lunes a sábado.",
        f" Más información en nuestra [web]({website}).",
        " Pide cita por WhatsApp y te respondemos **el mismo día**.",
        " Presupuestos sin compromiso.",
    ))
    return first + second


def _logo(business_id: str, rng: random.Random) -> str:
    letter = business_id[0].upper()
    colour = rng.choice(COLOURS)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="12" fill="{colour}"/>'
        f'<text x="32" y="43" font-family="sans-serif" font-size="32" text-anchor="middle" fill="#ffffff">{letter}</text>'
        "</svg>\n"
    )


def _date(rng: random.Random, year: int, last_day_of_year: int = 365) -> str:
    """A date in ``year`` on day 1..last_day_of_year (non-leap arithmetic, days ≤ 28 kept simple)."""
    day_of_year = rng.randrange(1, last_day_of_year + 1)
    month = min(12, (day_of_year - 1) // 31 + 1)
    day = min(28, (day_of_year - 1) % 31 + 1)
    return f"{year:04d}-{month:02d}-{day:02d}"


def build(n: int, seed: int = 1) -> Synth:  # noqa: C901 - one pass, one stream of draws, on purpose
    """Decide every business, company and verification; no I/O."""
    rng = random.Random(seed)
    out = Synth()
    serial: dict[str, int] = {}

    def take(pattern: Pattern) -> str:
        key = f"{pattern.region}{pattern.prefix}"
        k = serial.get(key, 0)
        serial[key] = k + 1
        nsn = pattern.nsn(k)
        out.numbers.append((pattern, nsn))
        return nsn

    company_serial = 0
    last_company: Company | None = None
    for i in range(n):
        category = rng.choice(CATEGORIES)
        foreign = rng.random() < 0.10
        country = rng.choice(FOREIGN) if foreign else "ES"
        city = rng.choice(CITIES[country])
        name = _name(rng, category)
        business_id = f"{slugify(name)[:48].strip('-')}-{i + 1}"
        website = f"https://{business_id}.example"
        if foreign:
            pattern = FOREIGN_PATTERNS[country]
            nsn = take(pattern)
            written = _national(pattern, nsn)
            street = FOREIGN_STREETS[country]
            address = f"{street} {rng.randrange(1, 200)}, {city}"
        else:
            pattern = ES_FIXED if rng.random() < 0.15 else ES_MOBILE
            nsn = take(pattern)
            written = _es_written(nsn, rng.randrange(ES_STYLES))
            postcode = f"{rng.randrange(1, 53):02d}{rng.randrange(0, 1000):03d}"
            address = f"{rng.choice(STREETS)} {rng.randrange(1, 200)}, {postcode} {city}"

        business: dict[str, str] = {
            "id": business_id,
            "name": name,
            "whatsapp": written,
        }
        # Tier plan: 8.5% verified, 1% expired, 0.5% revoked (both confirmed), 30% more confirmed,
        # 2% claiming a company whose register does not list the number, the rest unregistered.
        u = rng.random()
        intended = "unverified"
        if u < 0.42:
            intl = other_international(pattern, nsn, written, rng.randrange(3))
            if u < 0.40:
                if last_company is not None and len(last_company.phones) < 3 and rng.random() < 0.08:
                    company = last_company  # a second shop of the same company
                else:
                    company_serial += 1
                    surname = rng.choice(SURNAMES)
                    company = Company(f"B{10_000_000 + company_serial * 37:08d}",
                                      f"{category} {surname} S.L.")
                    out.companies.append(company)
                    if rng.random() < 0.3:
                        company.phones.append(international(ES_EXTRA, take(ES_EXTRA), rng.randrange(3)))
                    last_company = company
                company.phones.append(intl)
                intended = "confirmed"
                if u < 0.10:
                    if u < 0.085:
                        verified_on, expires, revoked = _date(rng, 2026, 320), _date(rng, rng.choice((2027, 2028))), False
                        intended = "verified"
                    elif u < 0.095:
                        verified_on, expires, revoked = _date(rng, 2024), _date(rng, 2025), False
                    else:
                        verified_on, expires, revoked = _date(rng, 2026, 300), _date(rng, 2027), True
                    out.verifications.append({
                        "business": business_id,
                        "whatsapp": other_international(pattern, nsn, written, rng.randrange(3)),
                        "verified_on": verified_on,
                        "expires": expires,
                        "method": rng.choice(METHODS),
                        "revoked": "true" if revoked else "false",
                    })
                    out.logos[business_id] = _logo(business_id, rng)
                    business["logo"] = f"logos/{business_id}.svg"
            else:
                company_serial += 1
                company = Company(f"B{10_000_000 + company_serial * 37:08d}",
                                  f"{rng.choice(SURNAMES)} y {rng.choice(SURNAMES)} S.A.")
                company.phones.append(international(ES_OLD, take(ES_OLD), rng.randrange(3)))
                out.companies.append(company)
            business["company_id"] = company.company_id
        out.intended[intended] += 1

        business["category"] = category
        business["city"] = city
        business["country"] = country
        business["website"] = website
        business["email"] = f"{rng.choice(('hola', 'info', 'contacto', 'pedidos'))}@{business_id}.example"
        business["address"] = address
        business["description"] = _description(rng, category, city, website)
        # Keep "logo" last so field order matches across business files.
        if "logo" in business:
            business["logo"] = business.pop("logo")
        out.businesses.append(business)
    return out


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

FAQ: tuple[tuple[str, str, str], ...] = (
    ("badges", "What do the badges mean?",
     "Every business has one of three badges.\n\n"
     "- **Unverified**: the business listed itself; nobody has checked its number.\n"
     "- **Confirmed**: the number appears in the company register for the business's company.\n"
     "- **Verified**: confirmed, and the operator verified the account recently.\n"),
    ("getting-confirmed-and-verified", "Getting confirmed and verified",
     "Register the number with your company, then ask the operator for a verification call.\n\n"
     "Verifications expire; renew yours before the date shown on your page.\n"),
    ("staying-in-control", "Staying in control",
     "Only the operator can change a badge. If your number changes, tell us and the register first.\n"),
    ("impostors", "Impostors",
     "If someone uses your name with another number, its page will not show your badge. "
     "[Report it](https://bench.example.org/report) and we will look into it.\n"),
)


def _business_yaml(b: dict[str, str], indent: str, first: str) -> str:
    lines: list[str] = []
    for k, v in b.items():
        lines.append(f"{first if not lines else indent}{k}: {q(v)}\n")
    return "".join(lines)


def _chunks(items: list, size: int) -> Iterator[tuple[int, list]]:
    for start in range(0, len(items), size):
        yield start // size + 1, items[start:start + size]


BUSINESS_COLUMNS = ("id", "name", "whatsapp", "company_id", "category", "city", "country", "website", "email",
                    "address", "description", "logo")
FORMATS = ("yaml", "csv", "jsonl")


def _csv(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row.get(c, "") for c in columns] for row in rows)
    return out.getvalue()


def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def _verification_yaml(v: dict[str, str]) -> str:
    return (f"- business: {q(v['business'])}\n  whatsapp: {q(v['whatsapp'])}\n"
            f"  verified_on: {q(v['verified_on'])}\n  expires: {q(v['expires'])}\n"
            f"  method: {q(v['method'])}\n  revoked: {v['revoked']}\n")


def _company_yaml(c: Company) -> str:
    return (f"- company_id: {q(c.company_id)}\n  legal_name: {q(c.legal_name)}\n  phones:\n"
            + "".join(f"    - {q(p)}\n" for p in c.phones))


def write(synth: Synth, n: int, out: Path, layout: str, fmt: str = "yaml") -> int:
    """Write the folder; return the number of files written."""
    if layout not in ("files", "lists"):
        raise ValueError(f"layout must be 'files' or 'lists', not {layout!r}")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    files = 0
    for sub in ("businesses", "register", "verifications", "faq", "logos"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    def put(rel: str, text: str) -> None:
        nonlocal files
        (out / rel).write_bytes(text.encode("utf-8"))
        files += 1

    def businesses(chunk: list[dict[str, str]], indent: str, first: str) -> str:
        if fmt == "csv":
            return _csv(chunk, BUSINESS_COLUMNS)
        if fmt == "jsonl":
            return _jsonl(chunk)
        return "".join(_business_yaml(b, indent, first) for b in chunk)

    if layout == "files":
        for b in synth.businesses:
            put(f"businesses/{b['id']}.{fmt}", businesses([b], "", ""))
    else:
        for k, chunk in _chunks(synth.businesses, LIST_CHUNK):
            put(f"businesses/part-{k:04d}.{fmt}", businesses(chunk, "  ", "- "))

    companies = list(_chunks(synth.companies, LIST_CHUNK)) or [(1, [])]
    for k, chunk in companies:
        if fmt == "csv":
            text = _csv([{"company_id": c.company_id, "legal_name": c.legal_name, "phones": "; ".join(c.phones)}
                         for c in chunk], ("company_id", "legal_name", "phones"))
        elif fmt == "jsonl":
            text = _jsonl([{"company_id": c.company_id, "legal_name": c.legal_name, "phones": c.phones} for c in chunk])
        else:
            text = "".join(_company_yaml(c) for c in chunk) or "[]\n"
        put(f"register/companies-{k:04d}.{fmt}", text)

    records = list(_chunks(synth.verifications, LIST_CHUNK)) or [(1, [])]
    for k, chunk in records:
        if fmt == "csv":
            text = _csv(chunk, ("business", "whatsapp", "verified_on", "expires", "method", "revoked"))
        elif fmt == "jsonl":
            text = _jsonl(chunk)
        else:
            text = "".join(_verification_yaml(v) for v in chunk) or "[]\n"
        put(f"verifications/records-{k:04d}.{fmt}", text)

    for order, (slug, title, body) in enumerate(FAQ, start=1):
        put(f"faq/{slug}.md", f"---\ntitle: {q(title)}\norder: {order}\n---\n\n{body}")

    for business_id, svg in synth.logos.items():
        put(f"logos/{business_id}.svg", svg)
    # Last, so "site.yaml exists" means the folder is complete (callers cache on that).
    put("site.yaml",
        f"title: {q('Bench Directory')}\n"
        f"description: {q(f'A synthetic directory of {n} businesses for benchmarks.')}\n"
        f"default_region: {q('ES')}\n"
        f"language: {q('en')}\n"
        f"base_url: {q('https://bench.example.org/')}\n")
    return files


def generate(n: int, out: Path, layout: str = "files", seed: int = 1, fmt: str = "yaml") -> None:
    """Write an n-business content folder to ``out`` (created; existing files overwritten)."""
    write(build(n, seed), n, Path(out), layout, fmt)


# ---------------------------------------------------------------------------
# --check
# ---------------------------------------------------------------------------


def check(synth: Synth, sample: int, seed: int) -> list[str]:
    """Validate numbers with phonenumbers: each range's ends, a random sample, and uniqueness.

    Why a sample: validating 100k numbers takes tens of seconds; the ranges are
    chosen so that any number in them is valid, and the ends plus a sample catch
    a wrong range.  Uniqueness of E.164 forms is checked for all numbers.
    """
    import phonenumbers

    problems: list[str] = []

    def valid(pattern: Pattern, nsn: str, written: str | None = None) -> None:
        text = written or e164(pattern, nsn)
        cleaned = re.sub(r"[\s\-.()]", "", text)
        if cleaned.startswith("00"):
            cleaned = "+" + cleaned[2:]
        try:
            num = phonenumbers.parse(cleaned, None if cleaned.startswith("+") else pattern.region)
        except phonenumbers.NumberParseException as exc:
            problems.append(f"{text!r}: {exc}")
            return
        if not phonenumbers.is_valid_number(num):
            problems.append(f"{text!r} is not valid in {pattern.region}")
        elif phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164) != e164(pattern, nsn):
            problems.append(f"{text!r} does not read back as {e164(pattern, nsn)}")

    for pattern in ALL_PATTERNS:  # every range: its ends and a spread of numbers
        top = 10 ** pattern.digits - 1
        for v in (0, 1, top // 2, top - 1, top, *range(0, top, max(1, top // 997))):
            nsn = pattern.prefix + str(v).zfill(pattern.digits)
            valid(pattern, nsn)
            if pattern.region == "ES":
                for style in range(ES_STYLES):
                    valid(pattern, nsn, _es_written(nsn, style))
            else:
                valid(pattern, nsn, _national(pattern, nsn))
            for style in range(3):
                valid(pattern, nsn, international(pattern, nsn, style))
    rng = random.Random(seed)
    for pattern, nsn in rng.sample(synth.numbers, min(sample, len(synth.numbers))):
        valid(pattern, nsn)
    all_e164 = [e164(p, nsn) for p, nsn in synth.numbers]
    if len(set(all_e164)) != len(all_e164):
        problems.append(f"{len(all_e164) - len(set(all_e164))} duplicate numbers")
    ids = [b["id"] for b in synth.businesses]
    if len(set(ids)) != len(ids):
        problems.append("duplicate business ids")
    id_re = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
    problems += [f"bad id {i!r}" for i in ids if len(i) > 64 or not id_re.fullmatch(i)]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a deterministic synthetic badgedir content folder.")
    parser.add_argument("n", type=int, help="number of businesses")
    parser.add_argument("out", type=Path, help="output folder (created)")
    parser.add_argument("--layout", choices=("files", "lists"), default="files",
                        help="files: businesses/<id>.yaml each; lists: businesses/part-NNNN.yaml of 10,000")
    parser.add_argument("--format", choices=FORMATS, default="yaml",
                        help="format of the businesses, register and verification files (default yaml)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true",
                        help="also validate number ranges and a sample of numbers with phonenumbers")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be >= 0")

    started = time.perf_counter()
    synth = build(args.n, args.seed)
    files = write(synth, args.n, args.out, args.layout, args.format)
    elapsed = time.perf_counter() - started
    t = synth.intended
    print(f"synth: {args.n} businesses, {len(synth.companies)} companies, {len(synth.verifications)} verifications, "
          f"{len(synth.logos)} logos, {files} files in {args.out} ({args.layout}, {args.format}); intended tiers: "
          f"unverified {t['unverified']}, confirmed {t['confirmed']}, verified {t['verified']}; {elapsed:.2f}s")
    if args.check:
        started = time.perf_counter()
        problems = check(synth, sample=2_000, seed=args.seed)
        for p in problems[:50]:
            print(f"check: {p}", file=sys.stderr)
        print(f"check: {'FAILED, ' + str(len(problems)) + ' problems' if problems else 'ok'} "
              f"({time.perf_counter() - started:.2f}s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
