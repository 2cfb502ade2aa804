"""The content format, declared once.

The loader validates with these definitions and ``badgedir schema`` (the
JSON Schema published as ``api/schema.json``) is derived from them, so the
documentation editors autocomplete with can never drift from what the build
accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "phone", "phones", "url", "email", "path", "markdown",
               "region", "lang", "langs", "date", "bool", "int"]

MAX_NAME = 120
MAX_TEXT = 300
MAX_DESCRIPTION = 4_000
MAX_FAQ = 60_000


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind
    help: str
    required: bool = False
    max_length: int = MAX_TEXT


SITE_FIELDS: tuple[Field, ...] = (
    Field("title", "text", "The directory's name, shown on every page.", required=True, max_length=MAX_NAME),
    Field("description", "text", "One sentence about the directory, for the home page and search engines."),
    Field("default_region", "region", "ISO 3166 alpha-2 region used to read numbers written without a country code.", required=True),
    Field("language", "lang", "Language of the site (e.g. en, es)."),
    Field("languages", "langs", "Languages of the site; the first is served at the root, others under /<lang>/."),
    Field("base_url", "url", "Absolute URL where the site is published; used for canonical links, the sitemap, social cards, the 404 page and badge embed snippets. Page links stay relative."),
)

BUSINESS_FIELDS: tuple[Field, ...] = (
    Field("id", "id", "Permalink: lowercase letters, digits and single hyphens, at most 64 characters; unique.", required=True, max_length=64),
    Field("name", "text", "The business's public name.", required=True, max_length=MAX_NAME),
    Field("whatsapp", "phone", "The number the messaging account uses.", required=True),
    Field("company_id", "text", "Key of the company in the register (register/*.yaml).", max_length=64),
    Field("category", "text", "Category, e.g. Bakery.", max_length=MAX_NAME),
    Field("city", "text", "City.", max_length=MAX_NAME),
    Field("country", "region", "ISO 3166 alpha-2 region of the number, when written without a country code."),
    Field("website", "url", "The business's website (http or https)."),
    Field("email", "email", "Contact e-mail address."),
    Field("address", "text", "Postal address."),
    Field("logo", "path", "Logo file relative to the content folder (png, jpeg, webp or svg); shown only once verified."),
    Field("description", "markdown", "A short description in Markdown, or a mapping of language to Markdown.", max_length=MAX_DESCRIPTION),
)

REGISTER_FIELDS: tuple[Field, ...] = (
    Field("company_id", "text", "The company's key in the register.", required=True, max_length=64),
    Field("legal_name", "text", "The company's registered legal name.", required=True, max_length=MAX_NAME),
    Field("phones", "phones", "Phone numbers registered to the company.", required=True),
)

VERIFICATION_FIELDS: tuple[Field, ...] = (
    Field("business", "id", "Id of the verified business.", required=True, max_length=64),
    Field("whatsapp", "phone", "The exact number that was verified.", required=True),
    Field("verified_on", "date", "Date of the verification (YYYY-MM-DD).", required=True),
    Field("expires", "date", "First day on which the verification no longer counts (YYYY-MM-DD).", required=True),
    Field("method", "text", "How the operator verified the business (e.g. video-call, documents).", max_length=MAX_NAME),
    Field("revoked", "bool", "true when the operator withdrew the verification."),
)

FAQ_FIELDS: tuple[Field, ...] = (
    Field("title", "text", "Title of the FAQ page.", required=True, max_length=MAX_NAME),
    Field("order", "int", "Position in the FAQ list (smaller first)."),
)

# Keys a business might be tempted to declare about itself.  Their hint says why not.
FORBIDDEN_BUSINESS_KEYS: dict[str, str] = {
    "tier": "the tier is computed from the register and verification records, never declared",
    "badge": "the badge is computed from the register and verification records, never declared",
    "verified": "verification comes from the operator's records in verifications/, never from the business",
    "confirmed": "confirmation comes from the company register, never from the business",
}
