"""Which pages an edit made stale: the preview's change detection.

A page is rendered again only if something it shows changed:

* a business page: its business (name, number, tier, look-alike …);
* a listing page (A–Z, category, tier): which businesses fall on it, any of
  them changed, or its page count;
* any page: a template it loads (:mod:`generator.render.template_deps`), or an
  attribute of ``site`` it reads (``site.categories`` with their counts,
  ``site.cities``…).

What a page reads is found once per template, by reading the template's
source, and kept from update to update while no template changes.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..decide.site import Site
from ..decide.tiers import Tier
from ..render.pages import PAGE_SIZE, Page, faq_for_language, page_count
from ..render.renderer import Renderer
from ..render.template_deps import TemplateReads, template_reads

LISTINGS = ("home", "category", "tier")
SITE_ONLY = ("categories", "lookup", "404")  # pages showing nothing beyond the shared values

Reads = dict[str, "TemplateReads | None"]  # template name → what it reads (None: cannot be told)


def reads_of(renderer: Renderer, page: Page, reads: Reads) -> TemplateReads | None:
    """What ``page``'s template reads, found once and kept in ``reads``."""
    if page.template not in reads:
        reads[page.template] = template_reads(renderer.envs[page.lang], page.template)
    return reads[page.template]


class StalePages:
    """The pages one edit made stale, between the renderer before it and the renderer after it."""

    def __init__(self, old: Renderer, new: Renderer, old_site: Site, new_site: Site, changed: frozenset[str],
                 pending_templates: set[str], reads: Reads) -> None:
        self.views = Views(old, new)
        self.new = new
        self.old_site, self.new_site = old_site, new_site
        self.changed = changed
        self.pending_templates = pending_templates  # templates edited since the last update
        self.reads = reads

    def cards_changed(self) -> set[str]:
        """The changed businesses whose listing card looks different in some language."""
        return {i for lang in self.new.languages for i in self.views.cards_changed(lang, self.changed)}

    def partial_shows_change(self, name: str, lang: str) -> bool:
        """Whether a partial rendered per business (its listing card) may read a site-wide value that changed."""
        if name not in self.reads:
            self.reads[name] = template_reads(self.new.envs[lang], name)
        return self.reads[name] is None or self.views.site_differs(lang, self.reads[name])  # type: ignore[arg-type]

    def page(self, page: Page, known: Page | None) -> bool:
        """Whether a page other than a business's may show something different now (``known``: as last planned)."""
        reads = reads_of(self.new, page, self.reads)
        views = self.views
        if known != page or reads is None or reads.templates & self.pending_templates:
            return True
        if views.site_differs(page.lang, reads, page.number):
            return True
        if page.kind in LISTINGS:
            before, after = listing(self.old_site, page), listing(self.new_site, page)
            start = (page.number - 1) * PAGE_SIZE
            chunk = after[start:start + PAGE_SIZE]
            if chunk != before[start:start + PAGE_SIZE] or not views.cards_changed(page.lang, self.changed).isdisjoint(chunk):
                return True
            if page_count(len(before)) != page_count(len(after)):
                return True
            if len(before) != len(after) and reads.reads("pagination", "total", page.number):
                return True
            return page.kind == "category" and views.category_differs(page.key, reads)
        if page.kind in ("faq", "faq_index"):
            return faq_for_language(self.old_site, page.lang) != faq_for_language(self.new_site, page.lang)
        return page.kind not in SITE_ONLY  # a kind this module does not know: render it to be safe

    def business_pages(self, fresh: Mapping[str, tuple[Page, ...]], known: Mapping[str, tuple[Page, ...]]) -> list[Page]:
        """The changed businesses' pages (``fresh``), or every business page of a language if what they all
        share changed (``known``: every business's pages, as last planned)."""
        todo = [page for pages in fresh.values() for page in pages]
        sample = next(iter(fresh.values()), None) or next(iter(known.values()), ())
        for example in sample:
            what = reads_of(self.new, example, self.reads)
            if what is None or what.templates & self.pending_templates or self.views.site_differs(example.lang, what):
                listed = self.new.site.entries
                todo += [page for business_id, pages in known.items()
                         if business_id not in fresh and business_id in listed for page in pages if page.lang == example.lang]
        return todo


class Views:
    """The values every page shares, before and after an edit, compared field by field."""

    def __init__(self, old: Renderer, new: Renderer) -> None:
        self.old, self.new = old, new
        self._site: dict[str, tuple[object, object]] = {}
        self._cards: dict[str, set[str]] = {}
        self._answers: dict[tuple[str, object], bool] = {}

    def site_differs(self, lang: str, reads: TemplateReads, number: int = 1) -> bool:
        read = reads.fields_on(number)
        if "site" not in read:
            return False
        if lang not in self._site:
            self._site[lang] = (self.old.site_view(lang), self.new.site_view(lang))
        key = (lang, id(read))  # the mappings live as long as the template reads they belong to
        if key not in self._answers:
            self._answers[key] = differs(*self._site[lang], read["site"])
        return self._answers[key]

    def cards_changed(self, lang: str, changed: frozenset[str]) -> set[str]:
        """The changed businesses that look different on listings (a new description does not)."""
        if lang not in self._cards:
            old, new = self.old.site.entries, self.new.site.entries
            self._cards[lang] = {i for i in changed if i not in old or i not in new
                                 or self.old.card(i, lang) != self.new.card(i, lang)}
        return self._cards[lang]

    def category_differs(self, slug: str, reads: TemplateReads) -> bool:
        old = next((c for c in self.old.categories if c.slug == slug), None)
        new = next((c for c in self.new.categories if c.slug == slug), None)
        return differs(old, new, reads.fields.get("category", {}))


def differs(old: object, new: object, fields: Mapping[str, frozenset[str] | None] | None) -> bool:
    """Whether the read parts of two values differ: whole attributes, or the read attributes of their items."""
    if fields is None:
        return old != new
    for field, items in fields.items():
        before, after = getattr(old, field, None), getattr(new, field, None)
        if items is None or not isinstance(before, tuple) or not isinstance(after, tuple):
            if before != after:
                return True
        elif [[getattr(x, a, None) for a in sorted(items)] for x in before] != \
                [[getattr(x, a, None) for a in sorted(items)] for x in after]:
            return True
    return False


def listing(site: Site, page: Page) -> tuple[str, ...]:
    """The ids a listing page (A–Z, tier or category) paginates, in order."""
    if page.kind == "home":
        return site.alphabetical
    if page.kind == "tier":
        return site.tiers[Tier(page.key)]
    return next((c.ids for c in site.categories if c.slug == page.key), ())

