"""FAQ topics: the pages the templates link to, found by name, never by file name.

Every business page links to "how you stay in control", every footer to
"what the badges mean", the number lookup to "how to spot an impostor".
Those links must land on a page whatever the operator called their files,
and whether or not they wrote one: a trust directory whose "what the badges
mean" link is a 404 loses the visitor when it matters.  So a FAQ page says
which topic it answers (``topic: badges`` in its front matter), and for each
topic a content folder does not answer in a language, the page badgedir
ships (``builtin_dir("faq")``, in every language with a catalogue) stands in.

A page with no ``topic:`` whose file is named after a topic (``badges.md``)
answers that topic, as before topics existed, unless another page claims it.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from itertools import count

from ..diagnostics import ContentError, Diagnostic
from ..bundled import builtin_dir
from ..model import FaqPage
from .load import content_files, load_faq_page
from .topic_names import TOPICS, unknown_topic  # noqa: F401 - the topics, named where they are used

BUILTIN_SOURCE = "(built-in)"  # how a default page's source path starts, in diagnostics and `badgedir check`


def assign_topics(pages: list[FaqPage]) -> tuple[list[FaqPage], list[Diagnostic]]:
    """Refuse two pages claiming one topic in one language; give a topic-named file its topic."""
    claimed: dict[tuple[str, str | None], FaqPage] = {}
    problems: list[Diagnostic] = []
    kept = []
    for page in pages:
        if page.topic is not None:
            first = claimed.get((page.topic, page.lang))
            if first is not None:
                problems.append(ContentError(page.source.path, page.topic_line,
                                             f"topic: '{page.topic}'{_in(page.lang)} is already the topic of "
                                             f"{first.source.path}:{first.topic_line}"))
                continue
            claimed[(page.topic, page.lang)] = page
        kept.append(page)
    named = [replace(p, topic=p.slug) if p.topic is None and p.slug in TOPICS and (p.slug, p.lang) not in claimed else p
             for p in kept]
    return named, problems


def _in(lang: str | None) -> str:
    return f" in language '{lang}'" if lang else ""


def serves(page: FaqPage, lang: str, pages: list[FaqPage] | tuple[FaqPage, ...]) -> bool:
    """Whether ``page`` is one of language ``lang``'s FAQ pages.

    A page written for ``lang`` is; an unsuffixed page is unless ``lang`` has a page of its own with
    the same file name or (for a topic page) the same topic.
    """
    if page.lang == lang:
        return True
    if page.lang is not None:
        return False
    return not any(other.lang == lang and (other.slug == page.slug or (page.topic and other.topic == page.topic))
                   for other in pages)


def with_defaults(pages: list[FaqPage], languages: tuple[str, ...]) -> list[FaqPage]:
    """``pages`` and, for every topic a language has no page for, the built-in page in that language."""
    added: list[FaqPage] = []
    for lang in languages:
        served = [p for p in pages if serves(p, lang, pages)]
        topics = {p.topic for p in served}
        slugs = {p.slug for p in served}
        for topic in TOPICS:
            if topic in topics:
                continue
            default = builtin_page(topic, lang)
            slug = next(s for s in (default.slug if n == 1 else f"{default.slug}-{n}" for n in count(1)) if s not in slugs)
            slugs.add(slug)
            added.append(replace(default, slug=slug, lang=lang, default=True))
    return sorted([*pages, *added], key=lambda p: (p.order, p.slug, p.lang or ""))


def defaults_in_use(pages: tuple[FaqPage, ...] | list[FaqPage]) -> dict[str, tuple[str, ...]]:
    """topic → the languages in which the built-in page stands in (for ``badgedir check``)."""
    used: dict[str, list[str]] = {}
    for page in pages:
        if page.default and page.topic and page.lang:
            used.setdefault(page.topic, []).append(page.lang)
    return {topic: tuple(sorted(langs)) for topic, langs in sorted(used.items())}


def builtin_page(topic: str, lang: str) -> FaqPage:
    """The shipped page of ``topic`` in ``lang``, else in English (a language without a catalogue)."""
    pages = builtin_pages()
    return pages.get((topic, lang)) or pages[(topic, None)]


@lru_cache(maxsize=1)
def builtin_pages() -> dict[tuple[str, str | None], FaqPage]:
    """The built-in topic pages by (topic, language); the unsuffixed English ones under None."""
    folder = builtin_dir("faq")
    found: dict[tuple[str, str | None], FaqPage] = {}
    for path in content_files(folder.parent, folder.name, (".md",)):
        page, problems = load_faq_page(path, f"{BUILTIN_SOURCE} faq/{path.name}")
        if page is None or problems:
            raise RuntimeError(f"the built-in FAQ page {path} is broken: {problems}")
        if page.topic:
            found[(page.topic, page.lang)] = page
    missing = [t for t in TOPICS if (t, None) not in found]
    if missing:
        raise RuntimeError(f"no built-in FAQ page for the topics {missing} in {folder}")
    return found
