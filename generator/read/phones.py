"""Phone numbers, read strictly and compared exactly.

A badge says "this number belongs to that company", so the comparison must
never be lenient: both sides are normalised to E.164 strings and compared for
equality (never ``phonenumbers.is_number_match``, which accepts partial
matches).  Anything that is not plainly one phone number is refused rather
than guessed at.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers

_SEPARATORS = re.compile(r"[\s\-.()/\u00a0\u2010-\u2015]")
_ALLOWED = re.compile(r"\+?[0-9]+")
MIN_NATIONAL_DIGITS = 7  # shorter numbers are service short codes, not accounts


def _ascii_digits(text: str) -> str:
    """Full-width, Arabic-Indic and other Unicode digits become 0-9."""
    if text.isascii():
        return text  # NFKC leaves ASCII as it is, and its digits are 0-9 already
    text = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


@lru_cache(maxsize=1 << 16)
def normalise(text: str, region: str) -> tuple[str | None, str | None]:
    """Return ``(e164, None)`` or ``(None, reason)`` for a number written by a person.

    A number without a country code is read in ``region``; a leading ``00`` is
    the international prefix, as it is across Europe.
    """
    cleaned = _SEPARATORS.sub("", _ascii_digits(text))
    if not cleaned:
        return None, "is empty"
    if re.search(r"[,;|]|\d\+", cleaned):
        return None, f"'{text}' holds several numbers; write one number per field"
    if re.search(r"(?i)\d(ext|x|#)", cleaned):
        return None, f"'{text}' has an extension; write the account's number alone"
    if not _ALLOWED.fullmatch(cleaned):
        return None, f"'{text}' is not a phone number: only digits, spaces, '+', '-', '.' and parentheses are allowed"
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned, None if cleaned.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None, f"'{text}' is not a valid phone number"
    written = cleaned[1 + len(str(number.country_code)):] if cleaned.startswith("+") else cleaned
    if len(written) < MIN_NATIONAL_DIGITS:  # as written: "+34 000 000 000" is no short code, just invalid
        return None, f"'{text}' is a short code, not a phone number an account can use"
    if not phonenumbers.is_valid_number(number):
        where = "" if cleaned.startswith("+") else f" in region {region}"
        return None, f"'{text}' is not a valid phone number{where}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


@lru_cache(maxsize=1 << 16)
def international(e164: str) -> str:
    """``+34600123456`` → ``+34 600 12 34 56``, for people to read.

    Every page, the API and the search index format every number, so this
    skips re-parsing a number that is already E.164 (parsing is half the cost):
    country codes are prefix-free, so the first known prefix is the code, and
    leading zeros (Italy) are kept as ``parse`` keeps them.  Tests compare it
    with :func:`international_by_parsing` on example and synthetic numbers.
    """
    digits = e164[1:]
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return international_by_parsing(e164)
    national = digits[size:]
    number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
    zeros = len(national) - len(national.lstrip("0"))
    if zeros and len(national) > 1:
        number.italian_leading_zero = True
        number.number_of_leading_zeros = min(zeros, len(national) - 1)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def international_by_parsing(e164: str) -> str:
    """The reference formatting: parse, then format."""
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def wa_me_digits(e164: str) -> str:
    """The digits of a click-to-chat link: https://wa.me/<digits>."""
    return e164.lstrip("+")


def is_region(code: str) -> bool:
    return code in phonenumbers.SUPPORTED_REGIONS
