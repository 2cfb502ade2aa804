"""Markdown written by businesses, rendered and then sanitized.

python-markdown passes raw HTML and ``javascript:`` links straight through,
so its output is never trusted: ``nh3`` (bindings to the Rust sanitizer
Ammonia) rebuilds it from an allow-list.  No element or attribute a visitor
could mistake for the site's own — no ``class``, ``id`` or ``style``, no
images (a hot-linked picture of a green badge is a forged badge) — survives.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer ugc"
MAX_BRACKETS_PER_PARAGRAPH = 100  # python-markdown is cubic in unmatched '['
MAX_NESTING = 20  # python-markdown recurses once per nested list or quote ("1. 1. 1. ..." overflows the stack)
# A line that opens lists or quotes: its indentation (4 columns a level) and its run of markers.
_MARKER = r"(?:>|[*+-](?=[ \t])|\d{1,9}[.)](?=[ \t]))"
_OPENING_LINE = re.compile(rf"^([ \t]*)((?:{_MARKER}[ \t]*)+)", re.MULTILINE | re.ASCII)
_MARKERS = re.compile(_MARKER, re.ASCII)


def check_markdown(text: str) -> str | None:
    """Refuse input that would make the Markdown parser crawl or crash, before it runs."""
    if text.count("[") > MAX_BRACKETS_PER_PARAGRAPH:
        for paragraph in re.split(r"\n\s*\n", text):
            if paragraph.count("[") > MAX_BRACKETS_PER_PARAGRAPH:
                return f"a paragraph has more than {MAX_BRACKETS_PER_PARAGRAPH} '[' characters; split it or remove some links"
    for line in _OPENING_LINE.finditer(text):
        depth = len(line.group(1).expandtabs(4)) // 4 + len(_MARKERS.findall(line.group(2)))
        if depth > MAX_NESTING:
            return f"lists or quotes are nested more than {MAX_NESTING} levels deep"
    return None


@lru_cache(maxsize=1)
def _converter():
    import markdown  # imported here: commands that render nothing never pay for it

    return markdown.Markdown(extensions=["sane_lists"], output_format="html")


# One line of words and everyday punctuation, starting with a letter: no character that
# python-markdown gives a meaning to (``*_`[]<>&#\\``, a list marker or a heading can only open a
# line), nothing the sanitizer would escape.  Many descriptions are just that, and their HTML is
# one paragraph; a test checks this shortcut against the full path on generated text.
_PLAIN_LINE = re.compile(r"[^\W\d_][^\W_]*(?:[ .,;:¿?¡!'\"()/%€@+-]+[^\W_]+)*[.!?)]?")

# The same line with the two things short descriptions mark up most: **bold** words and
# [links](https://…) to the business's own pages.  Both hold words and punctuation only, no
# ``!`` opens a link (that would be an image), and the address is plain ASCII; the HTML written
# for them is what python-markdown writes, and still goes through the sanitizer.  Tested
# against the full path like the plain line.
_RUN = r"[^\W_]+(?:[ .,;:¿?¡!'\"()/%€@+-]+[^\W_]+)*"
_ADDRESS = r"https?://[A-Za-z0-9./~%?=#:-]+"
_INLINE = rf"(?:\*\*{_RUN}\*\*|(?<!!)\[{_RUN}\]\({_ADDRESS}\))"
_INLINE_LINE = re.compile(
    rf"(?:[^\W\d_][^\W_]*|{_INLINE})(?:[ .,;:¿?¡!'\"()/%€@+-]+(?:[^\W_]+|{_INLINE}))*[.!?)]?")
_STRONG = re.compile(rf"\*\*({_RUN})\*\*")
_LINK = re.compile(rf"\[({_RUN})\]\(({_ADDRESS})\)")


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Markdown → safe HTML fragment.  Headings start at h2 (the page owns h1)."""
    if _PLAIN_LINE.fullmatch(text):
        return Markup(f"<p>{text}</p>")
    if _INLINE_LINE.fullmatch(text):
        html = _LINK.sub(r'<a href="\2">\1</a>', _STRONG.sub(r"<strong>\1</strong>", text))
        return Markup(sanitize_html(f"<p>{html}</p>"))
    return _render_markdown(text)


def _render_markdown(text: str) -> Markup:
    converter = _converter()
    converter.reset()
    html = converter.convert(text)
    html = re.sub(r"<(/?)h1\b", r"<\1h2", html)
    return Markup(sanitize_html(html))


def sanitize_html(html: str) -> str:
    return _cleaner().clean(html)


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    """Built once: configuring Ammonia costs three times what cleaning one description does."""
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        attribute_filter=_only_absolute_links,
    )


_SCHEME = re.compile(r"(?i)(https?|mailto):")


def _only_absolute_links(element: str, attribute: str, value: str) -> str | None:
    """Links in content must be absolute http(s) or mailto: browsers ignore tabs and
    newlines inside a URL, so anything less plain than that is dropped, not guessed at."""
    if attribute != "href":
        return value
    if re.search(r"[\x00-\x20\x7f]", value) or not _SCHEME.match(value):
        return None
    return value
