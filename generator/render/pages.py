"""The plan of the output: every page the site will have, before any is rendered.

Planning first lets the build check that no two pages claim one path
(``b/<id>/`` ids are unique, category slugs are merged) and lets rendering
be split across processes by simply splitting this list.  These paths are
the site's public interface.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import FaqPage
from ..decide.site import Site
from ..decide.tiers import TIER_ORDER

PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Page:
    """One HTML page to render: where it goes, with which template, showing what."""

    path: str  # output path, relative to the output folder
    template: str
    kind: str
    key: str = ""  # business id, category slug, tier or FAQ slug
    number: int = 1  # page number within a paginated listing
    lang: str = ""

    @property
    def root(self) -> str:
        """Relative prefix from this page to the site root (links stay relative everywhere)."""
        return "../" * self.path.count("/")


def language_prefix(site: Site, lang: str) -> str:
    return "" if lang == site.config.languages[0] else f"{lang}/"


def paginated_path(base: str, number: int) -> str:
    return f"{base}index.html" if number == 1 else f"{base}page/{number}/index.html"


def page_count(items: int) -> int:
    return max(1, -(-items // PAGE_SIZE))


def faq_for_language(site: Site, lang: str) -> list[FaqPage]:
    """The FAQ pages of one language: its own file where there is one, else the unsuffixed file."""
    chosen: dict[str, FaqPage] = {}
    for page in site.faq:
        if page.lang == lang or (page.lang is None and page.slug not in chosen):
            chosen[page.slug] = page
    return sorted(chosen.values(), key=lambda p: (p.order, p.slug))


def page_languages(site: Site, page: Page) -> tuple[str, ...]:
    """The languages ``page`` exists in: what its hreflang links and language switcher may offer.

    Every page exists in every language except the 404 page (only at the
    root, where hosts look for it) and a FAQ page written only in some
    languages (``faq/x.es.md`` with no ``faq/x.md``).
    """
    if page.kind == "404":
        return (page.lang,)
    if page.kind == "faq":
        return tuple(lang for lang in site.config.languages
                     if any(faq.slug == page.key for faq in faq_for_language(site, lang)))
    return site.config.languages


def plan_pages(site: Site, businesses: bool = True) -> list[Page]:
    """Every page, each language's after the other's; without the business pages if ``businesses`` is
    False (a full build makes those in its workers from the ids: see :func:`business_page`)."""
    pages: list[Page] = []
    for lang in site.config.languages:
        pages += _plan_language(site, lang, language_prefix(site, lang), businesses)
    return pages


def business_page(site: Site, business_id: str, lang: str) -> Page:
    return Page(f"{language_prefix(site, lang)}b/{business_id}/index.html", "business.html", "business", business_id,
                lang=lang)


def _plan_language(site: Site, lang: str, prefix: str, businesses: bool) -> list[Page]:
    pages = [Page(paginated_path(prefix, n), "index.html", "home", number=n, lang=lang)
             for n in range(1, page_count(len(site.alphabetical)) + 1)]
    if businesses:
        pages += [business_page(site, business_id, lang) for business_id in site.entries]
    pages.append(Page(f"{prefix}category/index.html", "categories.html", "categories", lang=lang))
    for category in site.categories:
        pages += [Page(paginated_path(f"{prefix}category/{category.slug}/", n), "category.html", "category",
                       category.slug, n, lang) for n in range(1, page_count(len(category.ids)) + 1)]
    for tier in TIER_ORDER:
        pages += [Page(paginated_path(f"{prefix}tier/{tier.value}/", n), "tier.html", "tier", tier.value, n, lang)
                  for n in range(1, page_count(len(site.tiers[tier])) + 1)]
    pages.append(Page(f"{prefix}faq/index.html", "faq_index.html", "faq_index", lang=lang))
    pages += [Page(f"{prefix}faq/{faq.slug}/index.html", "faq.html", "faq", faq.slug, lang=lang)
              for faq in faq_for_language(site, lang)]
    pages.append(Page(f"{prefix}lookup/index.html", "lookup.html", "lookup", lang=lang))
    if not prefix:
        pages.append(Page("404.html", "404.html", "404", lang=lang))
    return pages
