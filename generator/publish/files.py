"""The files that publish the directory beyond its pages (issue #7).

``sitemap.xml`` and ``robots.txt`` for crawlers, ``api/schema.json`` for
editors, and per business a contact card (``b/<id>/contact.vcf``) and an
embeddable badge (``b/<id>/badge.svg``).  They are written once, in the
site's first language, beside the first language's page of each business;
every language's business page links to the same two files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..render.badge_svg import badge_svg, embed_view
from ..cache.store import Store
from ..render.logo_card import card_filename, card_key, logo_cards
from ..engine.parallel import Work, chunks
from ..read.schema import schema_files
from .seo import organization_json_ld, robots_txt, sitemap_files
from ..decide.site import Listed, Site
from ..render.vcard import contact_card
from ..render.views import Language, business_path
from .writing import WriteStats, Written, write_file


def write_site_files(shared: dict[str, Any], target: str) -> Written:
    """sitemap.xml (and its parts), api/schema.json and robots.txt."""
    site, stats = shared["site"], WriteStats()
    for path, text in {**sitemap_files(site), **schema_files(), "robots.txt": robots_txt(site.config)}.items():
        write_file(Path(target), path, text.encode("utf-8"), stats)
    return Written(stats)


def logo_card_work(site: Site, target: Path, jobs: int) -> list[Work]:
    """The PNG card of every published logo (:mod:`generator.logo_card`), each once, in a few batches:
    drawing one costs ~10 ms, so on a large directory they are spread over the workers."""
    filenames = sorted({listed.logo.filename for listed in site.entries.values() if listed.logo is not None})
    batches = 1 if len(filenames) < 200 else max(1, jobs * 2)  # each batch starts one renderer process
    return [Work(_write_logo_cards, (batch, str(target))) for batch in chunks(filenames, batches)]


def _write_logo_cards(shared: dict[str, Any], task: tuple[list[str], str]) -> Written:
    """Cards come from the build cache when this logo was drawn before by the same renderer."""
    wanted, base = set(task[0]), Path(task[1])
    site, stats = shared["site"], WriteStats()
    store = shared["renderer"].store if "renderer" in shared else shared.get("store", Store())
    mark = store.counts()
    logos = {listed.logo.filename: listed.logo for listed in site.entries.values()
             if listed.logo is not None and listed.logo.filename in wanted}
    cards: dict[str, bytes] = {}
    for name in sorted(logos):
        cached = store.get("logo-card", card_key(logos[name]))
        if cached is not None:
            cards[name] = cached
    for logo, card in logo_cards(logos[name] for name in sorted(logos) if name not in cards):
        store.put("logo-card", card_key(logo), card)
        cards[logo.filename] = card
    for name in sorted(cards):
        write_file(base, f"static/logos/{card_filename(logos[name])}", cards[name], stats)
    return Written(stats, cache=store.take_since(mark))


def business_files(site: Site, listed: Listed, language: Language) -> dict[str, bytes]:
    """A business's contact card and badge, by output path."""
    folder = business_path(listed.business.id)
    return {f"{folder}contact.vcf": contact_card(site, listed, language).encode("utf-8"),
            f"{folder}badge.svg": badge_svg(site, listed, language).encode("utf-8")}


def business_page_extras(site: Site, listed: Listed, language: Language) -> dict[str, Any]:
    """What a business page adds to its context: ``json_ld`` (for partials/meta.html), ``embed``, and
    ``robots`` (``noindex`` for a look-alike of a verified business, which also leaves the sitemap)."""
    return {"json_ld": organization_json_ld(site, listed), "embed": embed_view(site, listed, language),
            "robots": "noindex" if listed.imitates is not None else None}
