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
from ..read.faq_topics import serves

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
    """The FAQ pages of one language: its own file where there is one, else the unsuffixed file
    (see :func:`generator.faq_topics.serves`); every topic has one, built in if need be."""
    return sorted((page for page in site.faq if serves(page, lang, site.faq)), key=lambda p: (p.order, p.slug))


def faq_topic_slugs(site: Site, lang: str) -> dict[str, str]:
    """topic → the slug of the page answering it in ``lang`` (what templates' ``faq_url`` links to)."""
    return {page.topic: page.slug for page in faq_for_language(site, lang) if page.topic}


def page_languages(site: Site, page: Page) -> tuple[str, ...]:
    """The languages ``page`` exists in: what its hreflang links and language switcher may offer.

    Every page exists in every language except the 404 page (only at the
    root, where hosts look for it) and a FAQ page written only in some
    languages (``faq/x.es.md`` with no ``faq/x.md``).  A topic's page exists
    in every language, under the slug of that language's page.
    """
    return tuple(lang for lang, _ in page_alternates(site, page))


def page_alternates(site: Site, page: Page) -> list[tuple[str, str]]:
    """(language, path from that language's prefix) of ``page`` in each language it exists in."""
    site_path = page.path[len(language_prefix(site, page.lang)):]
    if page.kind == "404":
        return [(page.lang, site_path)]
    if page.kind == "faq":
        here = next(f for f in faq_for_language(site, page.lang) if f.slug == page.key)
        found = []
        for lang in site.config.languages:
            pages = faq_for_language(site, lang)
            same = next((f for f in pages if f.topic == here.topic), None) if here.topic else None
            same = same or next((f for f in pages if f.slug == page.key and not f.topic), None)
            if same is not None:
                found.append((lang, f"faq/{same.slug}/index.html"))
        return found
    return [(lang, site_path) for lang in site.config.languages]


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
