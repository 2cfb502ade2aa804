"""The typed values that flow forward through the build.

Every stage receives frozen values and returns new ones, so no stage can see
a half-built object or change what an earlier stage decided.  Dates are
``datetime.date``; phone numbers are E.164 strings once loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .pickling import pickled_by_fields


@dataclass(frozen=True, slots=True, order=True)
class Source:
    """Where a value was written, relative to the content folder."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str
    description: str
    default_region: str
    language: str
    base_url: str | None
    languages: tuple[str, ...]
    valid_days: int = 7  # a copy is current for a week after its as-of date: see docs/verifying.md
    changes_days: int = 90  # the feed's window


@dataclass(frozen=True, slots=True)
class Business:
    """One business as its owner described it; its tier is decided later."""

    id: str
    name: str
    whatsapp: str  # E.164
    whatsapp_display: str  # the same number as people read it, "+34 600 12 34 56": formatted once, where it was read
    company_id: str | None
    category: str
    city: str
    country: str  # ISO 3166 alpha-2 of the number's region, "" when not given
    website: str
    email: str
    address: str
    logo: str | None  # path relative to the content folder, already checked
    description: str | Mapping[str, str]  # Markdown, or Markdown per language
    source: Source
    whatsapp_source: Source
    description_line: int = 0  # where ``description:`` was written (links in it are checked, issue #19)


@dataclass(frozen=True, slots=True)
class Claim:
    """The id and number a business record with errors still names.

    The record is not published, but its id and number are checked against
    every other business's, so one run reports a duplicate too instead of
    only once the field errors are fixed.  ``None`` where the field itself is
    missing or broken.
    """

    id: str | None
    whatsapp: str | None  # E.164
    source: Source
    whatsapp_source: Source


@dataclass(frozen=True, slots=True)
class RegisteredPhone:
    e164: str
    source: Source


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """A row of the company register the operator imported."""

    company_id: str
    legal_name: str
    phones: tuple[RegisteredPhone, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class Verification:
    """A record of the operator's verification of one business's number."""

    business: str
    whatsapp: str  # E.164
    verified_on: date
    expires: date
    method: str
    revoked: bool
    source: Source
    revoked_on: date | None = None  # None with revoked: the feed dates it from the first build that saw it

    def revoked_as_of(self, as_of: date) -> bool:
        return self.revoked and (self.revoked_on is None or self.revoked_on <= as_of)


@dataclass(frozen=True, slots=True)
class FaqPage:
    slug: str
    lang: str | None  # None: the unsuffixed file, serving every language without its own
    title: str
    order: int
    body: str  # Markdown
    source: Source
    topic: str | None = None  # the page templates link to by this name (see generator/faq_topics.py)
    default: bool = False  # a built-in page, standing in for one the content folder does not have
    topic_line: int = 0  # the line of ``topic:`` in the front matter, for diagnostics
    body_line: int = 1  # the line the Markdown body starts on


@dataclass(frozen=True, slots=True)
class Logo:
    """A verified business's logo, checked and ready to publish under a content-hashed name."""

    data: bytes
    extension: str  # "png", "jpg", "webp" or "svg"
    digest: str

    @property
    def filename(self) -> str:
        return f"{self.digest}.{self.extension}"


@dataclass(frozen=True, slots=True)
class Content:
    """Everything read from the content folder, validated field by field."""

    site: SiteConfig
    businesses: tuple[Business, ...]  # sorted by id
    register: Mapping[str, RegisterEntry]
    verifications: tuple[Verification, ...]
    faq: tuple[FaqPage, ...]
    logos: Mapping[str, Logo]  # by business id


pickled_by_fields(Source, SiteConfig, Business, Claim, RegisteredPhone, RegisterEntry, Verification, FaqPage, Logo,
                  Content)
