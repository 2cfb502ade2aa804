"""What search engines read: ``sitemap.xml``, ``robots.txt`` and JSON-LD.

Pages link to each other relatively so the site works from any sub-path and
from ``file://``; what other machines read (canonical and Open Graph URLs,
the sitemap, JSON-LD) needs absolute URLs, and those come from ``base_url``.
Without a ``base_url`` there is no honest absolute URL to give, so the
sitemap is left out and the build says so (a warning, fatal with --strict).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from itertools import accumulate
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from ..diagnostics import ContentWarning, Diagnostic
from ..model import SiteConfig
from ..render.pages import Page, language_prefix, plan_pages
from ..decide.site import Listed, Site
from ..decide.tiers import Tier
from ..render.views import business_path

# The sitemaps protocol's limits for one file; past them the sitemap becomes an index.
MAX_URLS = 50_000
MAX_BYTES = 50 * 1000 * 1000

_URLSET = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{xhtml}>\n')
_XHTML = ' xmlns:xhtml="http://www.w3.org/1999/xhtml"'
_INDEX = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')


def publishing_warnings(config: SiteConfig) -> list[Diagnostic]:
    """Warn, once per build, about what cannot be published without an absolute address."""
    if config.base_url:
        return []
    return [ContentWarning("site.yaml", 0, "base_url: not set, so sitemap.xml is not written, robots.txt does not "
                                           "name it, and pages carry no canonical or Open Graph URL")]


def page_url(base_url: str, path: str) -> str:
    """The public absolute URL of an output path (``b/x/index.html`` → ``<base>b/x/``)."""
    return base_url + quote(path.removesuffix("index.html"), safe="/")


def sitemap_files(site: Site, pages: list[Page] | None = None,
                  entries: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] | None = None) -> dict[str, str]:
    """``sitemap.xml`` (and its parts, when one file would be too large), by output path.

    Every page is listed except ``404.html``.  With several languages each URL
    names its translations (``xhtml:link rel="alternate" hreflang``), with the
    first language as ``x-default``.  Empty without a ``base_url``.  ``entries``
    keeps each page's ``<url>`` element from one call to the next (the live
    preview rewrites the sitemap whenever a business comes or goes).
    """
    base = site.config.base_url
    if not base:
        return {}
    pages = plan_pages(site) if pages is None else pages
    alternates = _alternates(site, pages)
    cache = {} if entries is None else entries
    made = []
    for page in pages:
        if page.kind != "404":
            key = (base, page.path, tuple(alternates.get(_neutral(site, page), ())) if alternates else ())
            entry = cache.get(key)
            if entry is None:
                entry = cache[key] = _url_entry(base, page.path, list(key[2]))
            made.append(entry)
    chunks = _chunks(made)
    if len(chunks) == 1:
        return {"sitemap.xml": _urlset(chunks[0], site)}
    files = {f"sitemap-{n}.xml": _urlset(chunk, site) for n, chunk in enumerate(chunks, 1)}
    index = "".join(f"<sitemap><loc>{escape(base + name)}</loc></sitemap>\n" for name in files)
    return {"sitemap.xml": _INDEX + index + "</sitemapindex>\n", **files}


def _neutral(site: Site, page: Page) -> str:
    return page.path[len(language_prefix(site, page.lang)):]


def _alternates(site: Site, pages: list[Page]) -> dict[str, list[tuple[str, str]]]:
    """Each language-neutral path → (lang, output path) of every language that has it; {} for one language."""
    if len(site.config.languages) < 2:
        return {}
    found: dict[str, list[tuple[str, str]]] = {}
    for page in pages:
        found.setdefault(_neutral(site, page), []).append((page.lang, page.path))
    return found


def _url_entry(base: str, path: str, versions: list[tuple[str, str]]) -> str:
    lines = [f"<url><loc>{escape(page_url(base, path))}</loc>"]
    for lang, version in versions:
        lines.append(f'<xhtml:link rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(page_url(base, version))}/>')
    if versions:  # pages are planned first language first: that one is the default
        lines.append(f'<xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(page_url(base, versions[0][1]))}/>')
    return "\n".join(lines) + "</url>\n"


def _chunks(entries: list[str]) -> list[list[str]]:
    """The entries cut into files of at most MAX_URLS entries and MAX_BYTES bytes (an entry bigger
    than that still gets a file), in order: by prefix sums, not entry by entry (100,000 of them
    after every added business in a live preview)."""
    if not entries:
        return [[]]
    sums = list(accumulate((len(e) if e.isascii() else len(e.encode("utf-8")) for e in entries), initial=0))
    budget = MAX_BYTES - (len(_URLSET) + len(_XHTML) + 20)
    chunks, start = [], 0
    while start < len(entries):
        last = min(len(entries), start + MAX_URLS)
        end = max(start + 1, bisect_right(sums, sums[start] + budget, start + 1, last + 1) - 1)
        chunks.append(entries[start:end])
        start = end
    return chunks


def _urlset(entries: list[str], site: Site) -> str:
    xhtml = _XHTML if len(site.config.languages) > 1 else ""
    return _URLSET.format(xhtml=xhtml) + "".join(entries) + "</urlset>\n"


def robots_txt(config: SiteConfig) -> str:
    """Let every crawler in and point it at the sitemap.

    Crawlers only read ``/robots.txt`` at the root of a host; a site published
    under a sub-path should add the ``Sitemap:`` line to the host's own file
    (docs/deploying.md).
    """
    lines = ["# Generated by badgedir. Every page of this directory may be crawled.", "User-agent: *", "Allow: /"]
    if config.base_url:
        lines += ["", f"Sitemap: {config.base_url}sitemap.xml"]
    return "\n".join(lines) + "\n"


def organization_json_ld(site: Site, listed: Listed) -> Markup:
    """schema.org ``Organization`` for a business page, ready to sit inside ``<script>``.

    Only a verified business gets its logo, and its own website as ``url``:
    for any other, ``url`` is this directory's page about it, so an impostor
    cannot use our structured data to tie its number to a real brand's site.
    """
    business, base = listed.business, site.config.base_url
    page = page_url(base, business_path(business.id)) if base else None
    verified = listed.decision.tier is Tier.VERIFIED
    data: dict[str, object] = {"@context": "https://schema.org", "@type": "Organization", "name": business.name}
    url = business.website if verified and business.website else page
    if url:
        data["url"] = url
    if verified and listed.logo is not None and base:
        data["logo"] = f"{base}static/logos/{listed.logo.filename}"
    data["contactPoint"] = {"@type": "ContactPoint", "telephone": business.whatsapp, "contactType": "customer service"}
    return script_json(data)


def script_json(data: object) -> Markup:
    """JSON that can sit inside a ``<script>`` element whatever the strings hold.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc., so no ``</script>`` or
    ``<!--`` can ever appear; U+2028/2029 are escaped for old JavaScript parsers.
    The JSON value is unchanged.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return Markup(text)
