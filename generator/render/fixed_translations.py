"""Translate ``_("literal")`` once, when a template is compiled, instead of on every page.

Every page calls ``_()`` some thirty times, nearly always with a literal
message; at 100,000 pages those calls and the escaping of their results
were a tenth of the render time.  Each language has its own environment
(:func:`generator.templates.make_environment`), so its compiled templates
can hold the translated text itself, as a ``Markup`` constant that Jinja's
optimiser writes straight into the output.

The rewrite works on the token stream, before parsing, and keeps the
semantics of the runtime ``_`` exactly: the translation is trusted markup,
and ``%(name)s`` values given as keywords are escaped when the page renders::

    _("Website")                →  ("Sitio web"|safe)
    _("Logo of %(name)s", name=x)  →  (("Logo de %(name)s"|safe) % {"name": x})

Anything else — ``_(variable)``, ``x._(…)``, positional extras — is left to
the runtime function.  Compiled templates therefore differ by language (and
by the catalogue behind it): a bytecode cache must be kept per catalogue.
"""

from __future__ import annotations

from collections.abc import Iterator

from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

_OPENING = {"lparen": "rparen", "lbracket": "rbracket", "lbrace": "rbrace"}


class FixedTranslations(Extension):
    """Folds literal ``_()`` calls into the template, using the environment's own ``_``."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        tokens = list(stream)
        i = 0
        while i < len(tokens):
            folded, end = self._fold(tokens, i)
            if folded is None:
                yield tokens[i]
                i += 1
            else:
                yield from folded
                i = end

    def _fold(self, tokens: list[Token], i: int) -> tuple[list[Token] | None, int]:
        """The tokens replacing the call that starts at ``i`` and where it ends, or ``None``."""
        token = tokens[i]
        if token.type != "name" or token.value != "_" or (i and tokens[i - 1].type == "dot"):
            return None, i
        if i + 2 >= len(tokens) or tokens[i + 1].type != "lparen" or tokens[i + 2].type != "string":
            return None, i
        close = _closing(tokens, i + 1)
        if close is None:
            return None, i
        arguments = _split_arguments(tokens[i + 3:close])
        if arguments is None:
            return None, i
        translated = self.environment.globals["_"](tokens[i + 2].value)  # type: ignore[operator]
        line = token.lineno
        text = [Token(line, "lparen", "("), Token(line, "string", str(translated)), Token(line, "pipe", "|"),
                Token(line, "name", "safe"), Token(line, "rparen", ")")]
        if not arguments:
            return text, close + 1
        mapping = [Token(line, "lbrace", "{")]
        for name, value in arguments:
            mapping += [Token(line, "string", name), Token(line, "colon", ":"), *value, Token(line, "comma", ",")]
        mapping.append(Token(line, "rbrace", "}"))
        return [Token(line, "lparen", "("), *text, Token(line, "mod", "%"), *mapping, Token(line, "rparen", ")")], close + 1


def _closing(tokens: list[Token], opening: int) -> int | None:
    """Where the bracket at ``opening`` closes, or ``None`` if the expression ends first."""
    depth = 0
    for j in range(opening, len(tokens)):
        kind = tokens[j].type
        if kind in _OPENING:
            depth += 1
        elif kind in _OPENING.values():
            depth -= 1
            if depth == 0:
                return j
        elif kind in ("variable_end", "block_end", "eof"):
            return None
    return None


def _split_arguments(tokens: list[Token]) -> list[tuple[str, list[Token]]] | None:
    """``, name=value, …`` after the message as (name, value tokens); ``None`` for anything else."""
    groups: list[list[Token]] = []  # the tokens after each top-level comma
    depth = 0
    for token in tokens:
        if depth == 0 and token.type == "comma":
            groups.append([])
            continue
        if not groups:
            return None  # a second string, an operator: not a plain literal message
        if token.type in _OPENING:
            depth += 1
        elif token.type in _OPENING.values():
            depth -= 1
        groups[-1].append(token)
    named = []
    for group in filter(None, groups):  # an empty one: a trailing comma
        if len(group) < 3 or group[0].type != "name" or group[1].type != "assign":
            return None
        named.append((group[0].value, group[2:]))
    return named
