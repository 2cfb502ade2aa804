"""Where a broken link came from: the template and line that wrote it.

Only needed when a link is broken, so it costs nothing otherwise: the page
is rendered again with templates compiled through :class:`LinkOrigins`,
which puts a marker naming ``template:line`` at the start of every link
attribute's value, and the marker in front of the broken value is read off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

from ..diagnostics import Diagnostic
from ..publish.links import LINK_ATTRIBUTE, BadLink
from .pages import Page

_START, _END = "\x1e", "\x1f"  # ASCII record/unit separators: nothing a template or business writes
_OPENING = re.compile(rf'\s{LINK_ATTRIBUTE}="')
_MARKED = re.compile(rf' {LINK_ATTRIBUTE}="{_START}([^{_END}]*){_END}([^"]*)"')


class LinkOrigins(Extension):
    """After each ``href="`` (``src``, ``srcset``, ``data-*-url``) in a template's markup, output
    ``_link_origin("name:line")``: a marker the tracing render reads back."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        name = stream.name or "<template>"
        for token in stream:
            if token.type != "data":
                yield token
                continue
            text, line, done = token.value, token.lineno, 0
            for opening in _OPENING.finditer(text):
                line += text.count("\n", done, opening.start())
                yield Token(line, "data", text[done:opening.end()])
                line += text.count("\n", opening.start(), opening.end())
                done = opening.end()
                yield from (Token(line, "variable_begin", "{{"), Token(line, "name", "_link_origin"),
                            Token(line, "lparen", "("), Token(line, "string", f"{name}:{line}"),
                            Token(line, "rparen", ")"), Token(line, "variable_end", "}}"))
            yield Token(line, "data", text[done:])


def link_origin(where: str) -> Markup:
    return Markup(f"{_START}{where}{_END}")


def locate(bad: list[BadLink], render_traced: Callable[[Page], str]) -> list[Diagnostic]:
    """One diagnostic per broken link, at the template line that wrote it.

    ``render_traced(page)`` renders a page with origins marked.  A link no template attribute wrote
    (a whole tag from a value) is reported at the page's template, line 0.
    """
    traced: dict[str, dict[str, str]] = {}
    problems = []
    for link in bad:
        if link.page.path not in traced:
            try:
                html = render_traced(link.page)
            except Exception:  # noqa: BLE001 - the first render worked; a traced one is only a hint
                html = ""
            origins: dict[str, str] = {}
            for where, value in _MARKED.findall(html):
                origins.setdefault(value, where)
            traced[link.page.path] = origins
        where = traced[link.page.path].get(link.value) or f"{link.page.template}:0"
        problems.append((where, f"broken link '{link.value}' on {link.page.path}: {link.reason}"))
    by_line: dict[str, list[str]] = {}
    for where, message in problems:
        by_line.setdefault(where, []).append(message)
    found = []
    for where, messages in by_line.items():
        name, _, line = where.rpartition(":")
        more = " (and more links from this line, on other pages)" if len(messages) > 1 else ""
        found.append(Diagnostic(name, int(line), messages[0] + more))
    return sorted(found)
