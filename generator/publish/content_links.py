"""Links in Markdown that operators and businesses wrote, to pages of this site that do not exist.

Content Markdown may only link with absolute ``http(s)`` addresses (the
sanitizer drops the rest, :mod:`generator.markup`), so a link into the site
is one that starts with ``base_url``.  Such a link to a page the build does
not write is a warning (an error with ``--strict``) at the file and line it
was written on: the operator's content is theirs to fix, not a template's.
Only texts that contain the site's address at all are looked at, so a
directory of 100,000 descriptions pays a substring search each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote, urlsplit

from ..diagnostics import ContentWarning, Diagnostic
from ..decide.site import Site

_END = r"[^\s)<>\"'\]]*"  # a Markdown link's address ends at a space, ')', '>' or a quote


def content_link_warnings(site: Site, exists: Callable[[str], bool | None],
                          ids: Callable[[str], set[str] | None] | None = None) -> list[Diagnostic]:
    """``exists(path)``: whether the build writes ``path`` (None: cannot tell, say nothing);
    ``ids(path)``: the ids on that page, to check ``#anchors`` (None: anchors are not checked)."""
    base = site.config.base_url
    if not base:
        return []  # without base_url no address is known to be this site's
    parts = urlsplit(base)
    address = re.compile(rf"(?i)https?://{re.escape(parts.netloc)}{re.escape(parts.path)}({_END})")
    needle = parts.netloc.lower()
    problems = []
    for path, line, text in _markdown_texts(site):
        if "://" not in text or (needle not in text and needle not in text.lower()):
            continue  # most texts hold no address at all: no lowered copy made for them
        for found in address.finditer(text):
            written = found.group(0).rstrip(".,;:!?")
            message = _problem(found.group(1).rstrip(".,;:!?"), exists, ids)
            if message:
                where = line + text.count("\n", 0, found.start())
                problems.append(ContentWarning(path, where, f"link to {written}: {message}"))
    return problems


def _problem(rest: str, exists: Callable[[str], bool | None], ids: Callable[[str], set[str] | None] | None) -> str | None:
    path, _, anchor = rest.partition("#")
    path = unquote(path.partition("?")[0])
    target = path + "index.html" if path == "" or path.endswith("/") else path
    found = exists(target)
    if found is None and not target.endswith((".html", "/index.html")):
        target += "/index.html"  # https://host/b/x without the slash: hosts answer with the folder's page
        found = exists(target)
    if found is False:
        return f"this site has no page {target}"
    if found and anchor and ids is not None:
        on_page = ids(target)
        if on_page is not None and anchor not in on_page:
            return f'there is no id="{anchor}" on {target}'
    return None


def _markdown_texts(site: Site) -> Iterator[tuple[str, int, str]]:
    """(path, line of the text's first line, Markdown) of every FAQ page and business description."""
    for page in site.faq:
        if not page.default:
            yield page.source.path, page.body_line, page.body
    for listed in site.entries.values():
        business = listed.business
        description = business.description
        texts = [description] if isinstance(description, str) else list(description.values())
        for text in texts:
            if text:
                # a block scalar (description: |) starts on the line after its key
                yield business.source.path, business.description_line + ("\n" in text.strip()), text
