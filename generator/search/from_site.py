"""Bridge from the build's decided ``Site`` to the search indexes.

Kept apart from the index writers so those stay independent of the core's
types (their tests build records by hand); this is the only module here that
knows what a ``Site`` looks like.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import phonenumbers

from generator import phones
from generator.search import SearchRecord, write_search_indexes

if TYPE_CHECKING:
    from generator.site import Site
    from generator.write import Staging

# Same msgid as the business cards, so the warning reads the same everywhere.
WARNING = "Not the verified account of %(name)s — different number"


def international(e164: str) -> str:
    """``phones.international`` without re-parsing a number that is already E.164.

    Parsing is half the cost of formatting, and 100,000 numbers cost seconds of
    the build's budget.  Country codes are prefix-free, so the first known
    prefix is the code; leading zeros (Italy) are kept as ``parse`` keeps them.
    The tests compare the two on every example and synthetic number.
    """
    digits = e164[1:]
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return phones.international(e164)
    national = digits[size:]
    number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
    zeros = len(national) - len(national.lstrip("0"))
    if zeros and len(national) > 1:
        number.italian_leading_zero = True
        number.number_of_leading_zeros = min(zeros, len(national) - 1)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def search_records(site: Site) -> list[SearchRecord]:
    """One record per business, sorted by id; texts in the site's first language."""
    from generator.views import Language, business_path

    gettext = Language(site.config.languages[0]).gettext
    category_names = {category.slug: category.name for category in site.categories}
    records = []
    for business_id in sorted(site.entries):
        listed = site.entries[business_id]
        business, imitates = listed.business, listed.imitates
        records.append(SearchRecord(
            id=business.id, name=business.name, tier=listed.decision.tier.value,
            category=category_names.get(listed.category_slug, ""), category_slug=listed.category_slug,
            city=business.city, url=business_path(business.id), whatsapp=business.whatsapp,
            whatsapp_display=international(business.whatsapp),
            warning=gettext(WARNING) % {"name": imitates.name} if imitates else None,
            warning_url=business_path(imitates.id) if imitates else None,
        ))
    return records


def write_site_search(site: Site, staging: Staging) -> None:
    """Write the search and lookup indexes into the staging folder, counted in its stats."""
    written = write_search_indexes(search_records(site), staging.dir, site.config.default_region)
    staging.stats.files += len(written)
    staging.stats.bytes += sum((staging.dir / path).stat().st_size for path in written)
