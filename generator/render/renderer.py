"""Stage 4: turn planned pages into HTML strings.

A :class:`Renderer` holds what every page of one build shares (the site,
the template environment, per-language views built once), then renders any
:class:`~generator.pages.Page` on request.  It is built in the parent
process and inherited by forked workers, so nothing large is pickled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from ..diagnostics import Diagnostic
from ..engine.parallel import POOL_FROM, Work, chunks, run_work
from ..publish.writing import WriteStats, Written, write_file
from ..publish.files import business_page_extras
from ..publish.links import Findings, Scanner, Targets
from ..read.topic_names import unknown_topic
from .pages import (PAGE_SIZE, Page, business_page, faq_for_language, faq_topic_slugs, language_prefix, page_count,
                    page_alternates, paginated_path)
from ..read.markup import render_markdown
from ..decide.site import Site
from .templates import make_environment, template_diagnostic, template_dirs
from ..cache.keys import digest, files_digest
from ..cache.pages import PageKeys, cached_page
from ..cache.store import DiskStore, Store
from ..decide.tiers import TIER_ORDER, Tier
from .views import BusinessView, CategoryView, Language, business_view, category_views, cities

if TYPE_CHECKING:
    from ..record.minisign import PublicKey


@dataclass(frozen=True, slots=True)
class Pagination:
    number: int
    count: int
    previous_href: str | None
    next_href: str | None
    first_item: int
    last_item: int
    total: int


@dataclass(frozen=True, slots=True)
class SiteView:
    title: str
    description: str
    language: str
    languages: tuple[str, ...]
    base_url: str | None
    categories: tuple[CategoryView, ...]
    cities: tuple[str, ...]
    tiers: tuple[str, ...]
    tier_counts: dict[str, int]
    total: int
    as_of: str


@dataclass(frozen=True, slots=True)
class Alternate:
    lang: str
    href: str  # relative to the site root
    url: str | None = None  # absolute, under base_url: what hreflang links need (search engines ignore relative ones)


class Renderer:
    def __init__(self, site: Site, user_templates: Path | None, remember_cards: bool = False,
                 store: Store | None = None, links: Targets | None = None, trace_links: bool = False) -> None:
        """``remember_cards``: keep every business's rendered listing card for the next renderer (live preview).
        ``store``: pages rendered by earlier builds, by the hash of what they show (the build cache).
        ``links``: check every page's internal links against these (:mod:`generator.publish.links`).
        ``trace_links``: mark where links were written, to locate a broken one (:mod:`generator.render.link_origins`)."""
        self.site = site
        self.store = store if store is not None else Store()
        self.remember_cards = remember_cards
        self.scanner = Scanner(links) if links is not None else None
        self.languages = {lang: Language(lang, site.config.languages[0]) for lang in site.config.languages}
        self.envs = {lang: make_environment(user_templates, language.catalogue, trace_links)
                     for lang, language in self.languages.items()}
        self._partials: dict[tuple[str, str, str], Markup] = {}
        self._business_partials: dict[str, dict[tuple[str, str, str], Markup]] = {}  # id → (name, lang, root) → HTML
        self._card_kinds: set[tuple[str, str]] = set()  # the (partial, lang) pairs in there
        self._faq_slugs = {lang: faq_topic_slugs(site, lang) for lang in site.config.languages}
        for env in self.envs.values():
            env.globals["partial_cached"] = self._partial_cached
            env.globals["partial_each"] = self._partial_each
            env.globals["faq_url"] = self._faq_url
        self.publish_key(None)
        self.entry_base = ""  # set by prepare_cache() when there is a build cache
        self.categories = category_views(site)
        self._cities: tuple[str, ...] | None = None
        self._site_views: dict[str, SiteView] = {}
        self._cards: dict[str, dict[str, BusinessView]] = {}
        self._templates: dict[tuple[str, str], jinja2.Template] = {}
        # faq_url() answers from the site's FAQ topics, so they are part of every page's key
        self.page_keys = (PageKeys(digest(files_digest(template_dirs(user_templates)), self._faq_slugs), self.envs,
                                   self.site_view)
                          if isinstance(self.store, DiskStore) else None)

    def publish_key(self, key: "PublicKey | None") -> None:
        """The site's signing key, in FAQ pages' context as ``signing_key`` (its id, base64 and file), so the
        page about checking a copy can show it; part of the context, so of the build cache's page key."""
        self.signing_key = {"id": key.id_hex, "base64": key.base64(), "href": "minisign.pub"} if key else None

    def template(self, name: str, lang: str) -> jinja2.Template:
        """One compiled template per page kind and language, reused for every page."""
        key = (name, lang)
        if key not in self._templates:
            self._templates[key] = self.envs[lang].get_template(name)
        return self._templates[key]

    def card(self, business_id: str, lang: str) -> BusinessView:
        """A business as listings show it.

        Kept when cards are remembered (the live preview re-renders shifted listings from them); a
        full build's worker meets most businesses on one of its listing pages only, and 100,000
        kept views would cost it ~50 MB for a few percent of its time.
        """
        cache = self._cards.setdefault(lang, {})
        view = cache.get(business_id)
        if view is None:
            view = business_view(self.site.entries[business_id], self.languages[lang], detailed=False)
            if self.remember_cards:
                cache[business_id] = view
        return view

    @jinja2.pass_context
    def _faq_url(self, context: jinja2.runtime.Context, topic: str) -> str:
        """``{{ faq_url("badges") }}``: the page of a FAQ topic in the page's language, relative to the page.

        Templates link to FAQ pages by topic, never by file name: the operator names files freely,
        and a topic with no page of theirs has the built-in one (:mod:`generator.faq_topics`).
        """
        slug = self._faq_slugs[context["lang"]].get(topic)
        if slug is None:
            raise ValueError(f"faq_url: {unknown_topic(topic) or f'no page for topic {topic!r}'}")
        home = context.get("home")
        return f"{context['root'] if home is None else home}faq/{slug}/index.html"

    @jinja2.pass_context
    def _partial_cached(self, context: jinja2.runtime.Context, name: str, business: BusinessView | None = None) -> Markup:
        """Render a partial once per language and page depth (like Hugo's partialCached).

        For the parts every page repeats (search box, legend) and, given a
        ``business``, for the parts every listing repeats (its card: a business
        appears on the A–Z, category and tier listings, and adding one business
        to the live preview shifts hundreds of listing pages).  They may use
        ``site``, ``root``, ``home``, ``lang`` and ``badges`` (and ``business``),
        nothing page-specific.
        """
        lang, root = context["lang"], context["root"]
        if business is not None:
            return self._business_partial(_shared(context), name, (name, lang, root), business)
        if (name, lang, root) not in self._partials:
            self._partials[(name, lang, root)] = self._render_partial(_shared(context), name)
        return self._partials[(name, lang, root)]

    @jinja2.pass_context
    def _partial_each(self, context: jinja2.runtime.Context, name: str, businesses: Iterable[BusinessView]) -> Markup:
        """``partial_cached(name, business)`` for each business, one after the other: a listing page's
        cards in one call (the live preview re-renders hundreds of listing pages at a time)."""
        key = (name, context["lang"], context["root"])
        shared = _shared(context)
        return Markup("".join([self._business_partial(shared, name, key, business) for business in businesses]))

    def _business_partial(self, shared: dict[str, Any], name: str, key: tuple[str, str, str],
                          business: BusinessView) -> Markup:
        rendered = self._business_partials.get(business.id)
        html = rendered.get(key) if rendered is not None else None
        if html is None:
            html = self._render_partial(shared, name, business=business)
            if self.remember_cards:
                self._business_partials.setdefault(business.id, {})[key] = html
                self._card_kinds.add(key[:2])
        return html

    def _render_partial(self, shared: dict[str, Any], name: str, **more: Any) -> Markup:
        return Markup(self.template(name, shared["lang"]).render(shared, **more))

    @property
    def cities(self) -> tuple[str, ...]:
        if self._cities is None:
            self._cities = cities(self.site)
        return self._cities

    def follow(self, previous: "Renderer", changed: Iterable[str]) -> None:
        """Reuse what ``previous`` computed from the site that the ``changed`` businesses leave as it was:
        the list of cities, the listing views of the other businesses."""
        changed = set(changed)
        old, new = previous.site.entries, self.site.entries
        if all(i in old and i in new and old[i].business.city == new[i].business.city for i in changed):
            self._cities = previous._cities
        self._cards = {}
        for lang, views in previous._cards.items():
            self._cards[lang] = dict(views)  # a copy: ``previous`` stays right if this update fails
            for business_id in changed:
                self._cards[lang].pop(business_id, None)

    def adopt_cards(self, previous: "Renderer", changed: Iterable[str], stale: Callable[[str, str], bool]) -> None:
        """Reuse the listing cards ``previous`` rendered, except those of ``changed`` businesses
        and those of a partial that ``stale(partial, lang)`` says shows something else now."""
        if any(stale(name, lang) for name, lang in previous._card_kinds):
            return
        cards = dict(previous._business_partials)  # a copy: ``previous`` stays right if this update fails
        for business_id in changed:
            cards.pop(business_id, None)
        self._business_partials, self._card_kinds = cards, set(previous._card_kinds)

    def site_view(self, lang: str) -> SiteView:
        """One per language; every page shares it."""
        if lang not in self._site_views:
            self._site_views[lang] = self._site_view(lang)
        return self._site_views[lang]

    def _site_view(self, lang: str) -> SiteView:
        config = self.site.config
        return SiteView(
            title=config.title, description=config.description, language=lang, languages=config.languages,
            base_url=config.base_url, categories=self.categories, cities=self.cities,
            tiers=tuple(t.value for t in TIER_ORDER), tier_counts=self.site.tier_counts(),
            total=len(self.site.entries), as_of=self.languages[lang].date(self.site.as_of.isoformat()),
        )

    def render(self, page: Page) -> str:
        language = self.languages[page.lang]
        context = self._context(page, language)
        template = self.template(page.template, page.lang)
        return template.render(context)

    def prepare_cache(self, pages: Iterable[Page]) -> None:
        """Before the workers fork: what the page keys of these kinds of page share (see cache.pages),
        and what every business's entry key shares (see render.entries)."""
        if self.page_keys is None:
            return
        kinds = {(page.template, page.lang) for page in pages}
        business = {lang: business_page(self.site, i, lang).template
                    for lang in self.site.config.languages for i in list(self.site.entries)[:1]}
        kinds |= {(template, lang) for lang, template in business.items()}
        for template, lang in sorted(kinds):
            self.page_keys.prepare(template, lang, {t.value: self.languages[lang].badges[t] for t in TIER_ORDER})
        self.entry_base = digest("entry", self.site.config, self._faq_slugs, *(
            self.page_keys.shared(template, lang) for lang, template in business.items()))

    def entry_key(self, business_id: str) -> str:
        """What a business's page in every language, its contact card and its badge show, hashed; "" with no
        build cache (:mod:`generator.render.entries`)."""
        return digest(self.entry_base, self.site.entries[business_id]) if self.entry_base else ""

    def render_bytes(self, page: Page) -> bytes:
        """The page as published: from the build cache when nothing it shows has changed."""
        context = self._context(page, self.languages[page.lang])
        return cached_page(self.store, self.page_keys, page.template, page.lang, page.number, context,
                           lambda: self.template(page.template, page.lang).render(context))

    def _context(self, page: Page, language: Language) -> dict[str, Any]:
        prefix = language_prefix(self.site, page.lang)
        site_path = page.path[len(prefix):]
        context: dict[str, Any] = {
            "root": page.root, "home": page.root + prefix, "site": self.site_view(page.lang), "page_path": site_path,
            "lang": page.lang, "badges": {t.value: language.badges[t] for t in TIER_ORDER},
            "alternates": [self._alternate(lang, language_prefix(self.site, lang) + path)
                           for lang, path in page_alternates(self.site, page)],
            "canonical": self._absolute(page.path),
            "faq_topics": self._faq_slugs[page.lang],  # what faq_url() links to: in the page's key for the build cache
        }
        handler = getattr(self, f"_page_{page.kind}")
        context.update(handler(page, language))
        return context

    def _absolute(self, path: str) -> str | None:
        """``path``'s address under ``base_url`` (folder URLs, as the sitemap lists them), or None without one."""
        base = self.site.config.base_url
        return base + path.removesuffix("index.html") if base else None

    def _alternate(self, lang: str, href: str) -> Alternate:
        return Alternate(lang, href, self._absolute(href))

    def _listing(self, ids: tuple[str, ...], page: Page, base: str) -> dict[str, Any]:
        count = page_count(len(ids))
        start = (page.number - 1) * PAGE_SIZE
        chunk = ids[start:start + PAGE_SIZE]
        pagination = Pagination(
            number=page.number, count=count,
            previous_href=paginated_path(base, page.number - 1) if page.number > 1 else None,
            next_href=paginated_path(base, page.number + 1) if page.number < count else None,
            first_item=start + 1 if chunk else 0, last_item=start + len(chunk), total=len(ids),
        )
        return {"businesses": [self.card(i, page.lang) for i in chunk], "pagination": pagination}

    def _page_home(self, page: Page, language: Language) -> dict[str, Any]:
        return self._listing(self.site.alphabetical, page, "")

    def _page_business(self, page: Page, language: Language) -> dict[str, Any]:
        listed = self.site.entries[page.key]  # JSON-LD, contact card and badge come from publishing (issue #7)
        return {"business": business_view(listed, language), **business_page_extras(self.site, listed, language)}

    def _page_categories(self, page: Page, language: Language) -> dict[str, Any]:
        return {}

    def _page_category(self, page: Page, language: Language) -> dict[str, Any]:
        category = next(c for c in self.site.categories if c.slug == page.key)
        view = next(c for c in self.categories if c.slug == page.key)
        return {"category": view, **self._listing(category.ids, page, f"category/{category.slug}/")}

    def _page_tier(self, page: Page, language: Language) -> dict[str, Any]:
        tier = Tier(page.key)
        return {"tier": language.badges[tier], **self._listing(self.site.tiers[tier], page, f"tier/{tier.value}/")}

    def _page_faq_index(self, page: Page, language: Language) -> dict[str, Any]:
        return {"faq_pages": [{"title": f.title, "href": f"faq/{f.slug}/index.html", "slug": f.slug}
                              for f in faq_for_language(self.site, page.lang)]}

    def _page_faq(self, page: Page, language: Language) -> dict[str, Any]:
        faq = next(f for f in faq_for_language(self.site, page.lang) if f.slug == page.key)
        return {"faq": {"title": faq.title, "slug": faq.slug, "body": render_markdown(faq.body)},
                "signing_key": self.signing_key,
                **self._page_faq_index(page, language)}

    def _page_lookup(self, page: Page, language: Language) -> dict[str, Any]:
        return {}

    def _page_404(self, page: Page, language: Language) -> dict[str, Any]:
        return {}



def _shared(context: jinja2.runtime.Context) -> dict[str, Any]:
    """What a partial rendered once for many pages may see of the page that first asked for it."""
    return {k: context[k] for k in ("site", "root", "home", "lang", "badges")}


def page_work(pages: list[Page], target: Path, dirs: list[Path], jobs: int) -> list[Work]:
    """Pages to render and write into ``target``, in batches for :func:`~generator.parallel.run_work`
    with ``{"renderer": ...}`` shared."""
    return [Work(_render_batch, (batch, str(target), dirs)) for batch in chunks(pages, max(1, jobs * 16))]


def render_pages(renderer: Renderer, pages: list[Page], target: Path, jobs: int, dirs: list[Path], progress=None,
                 min_pages: int = POOL_FROM, more: tuple[list[Work], int] = ([], 0)
                 ) -> tuple[WriteStats, list[Diagnostic], Findings]:
    """Render and write every page into ``target``; template failures come back as diagnostics, and
    the links left to check (when the renderer checks links) as findings.  ``more``: other pieces of
    work writing pages (each business's, :mod:`generator.render.entries`), and how many pages they make.

    Fewer than ``min_pages`` are rendered in this process: a pool would cost more than it saves.
    """
    stats, problems, findings = WriteStats(), [], Findings()
    work = page_work(pages, target, dirs, jobs) + more[0]
    total = len(pages) + more[1]
    for done in run_work(work, {"renderer": renderer}, jobs, min_items=2 if total >= min_pages else 10**9):
        stats.add(done.stats)
        problems += done.problems
        if done.links:
            findings.add(done.links)
        if progress:
            progress(done.pages)
        if problems:
            break
    return stats, problems, findings


def _render_batch(shared: dict[str, Any], task: tuple[list[Page], str, list[Path]]) -> Written:
    return _render_and_write(shared["renderer"], task[0], Path(task[1]), task[2])


def _render_and_write(renderer: Renderer, pages: list[Page], target: Path, dirs: list[Path]) -> Written:
    stats, mark = WriteStats(), renderer.store.counts()
    for page in pages:
        try:
            data = renderer.render_bytes(page)
        except Exception as exc:  # a user's template can fail in any way; report where
            return Written(stats, len(pages), (template_diagnostic(exc, dirs),), renderer.store.take_since(mark))
        if renderer.scanner is not None:  # cached pages too: what they link to may be gone since
            renderer.scanner.scan(page, data.decode("utf-8"))
        write_file(target, page.path, data, stats)
    return Written(stats, len(pages), (), renderer.store.take_since(mark),
                   renderer.scanner.take() if renderer.scanner is not None else None)
