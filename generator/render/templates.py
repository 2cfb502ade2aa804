"""The Jinja2 environment: user templates first, then the built-in ones.

Strict from the start — ``autoescape`` on for every template (content is
hostile) and ``StrictUndefined`` (a typo in a template is an error, not an
empty string).  A user's ``--templates`` folder overrides any built-in
template by name; ``default/NAME`` always reaches the built-in one, so an
override can ``{% extends "default/business.html" %}`` and change one block.
"""

from __future__ import annotations

import gettext
import traceback
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..bundled import builtin_dir
from ..diagnostics import Diagnostic
from .fixed_translations import FixedTranslations
from ..i18n import format_number, language_name
from .link_origins import LinkOrigins, link_origin


def make_environment(user_templates: Path | None, catalogue: gettext.NullTranslations | None = None,
                     trace_links: bool = False) -> jinja2.Environment:
    """``trace_links``: mark where each link attribute was written (:mod:`generator.link_origins`), to
    name the template line of a broken link; never for the pages a build writes."""
    builtin = jinja2.FileSystemLoader(builtin_dir("templates"))
    loaders: list[jinja2.BaseLoader] = []
    if user_templates is not None:
        loaders.append(jinja2.FileSystemLoader(user_templates))
    loaders.append(builtin)
    loader = jinja2.ChoiceLoader([jinja2.PrefixLoader({"default": builtin}), *loaders])
    env = _Environment(
        loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n", FixedTranslations, *([LinkOrigins] if trace_links else [])],
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        auto_reload=False, cache_size=-1,
    )
    env.install_gettext_translations(catalogue or gettext.NullTranslations(), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_fast_gettext(catalogue or gettext.NullTranslations()))
    env.filters.update(number=_number, language_name=language_name)
    if trace_links:
        env.globals["_link_origin"] = link_origin
    return env


class _Environment(jinja2.Environment):
    """Each template's globals as one plain dict instead of Jinja's ``ChainMap`` over the environment's.

    Jinja copies the globals into every render's context, twice; iterating a
    ``ChainMap`` is slow, and every listing card is a render of its own (a
    30th of the build at 100,000 businesses).  Jinja already asks that globals
    not change once templates are loaded, and ours are all set before.
    """

    def make_globals(self, d: dict[str, object] | None) -> dict[str, object]:  # type: ignore[override]
        return {**self.globals, **(d or {})}


@jinja2.pass_context
def _number(context: jinja2.runtime.Context, value: int) -> str:
    """``{{ count|number }}``: a count written the page language's way (12,345 / 12.345)."""
    return format_number(value, context.get("lang") or "en")


def _fast_gettext(catalogue: gettext.NullTranslations) -> dict[str, object]:
    """``_``/``gettext``/``ngettext`` with Jinja's newstyle semantics, memoised.

    Jinja's own newstyle wrappers cost ~20 µs a call; a page makes dozens of
    calls with the same few messages, which at 100,000 pages is most of the
    render time.  Same behaviour: the translation is trusted markup, the
    ``%(name)s`` values are escaped, ``ngettext`` provides ``num``.
    """
    translated: dict[str, Markup] = {}

    def gettext_(message: str, /, **variables: object) -> Markup:
        text = translated.get(message)
        if text is None:
            text = translated[message] = Markup(catalogue.gettext(message))
        return text % variables if variables else text

    def ngettext_(singular: str, plural: str, num: int, /, **variables: object) -> Markup:
        variables.setdefault("num", num)
        return Markup(catalogue.ngettext(singular, plural, num)) % variables

    return {"_": gettext_, "gettext": gettext_, "ngettext": ngettext_}


def template_dirs(user_templates: Path | None) -> list[Path]:
    return ([user_templates] if user_templates else []) + [builtin_dir("templates")]


def template_diagnostic(exc: BaseException, dirs: list[Path]) -> Diagnostic:
    """Locate a template failure as ``template-name:line: message``."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Diagnostic(exc.name or exc.filename or "<template>", exc.lineno or 0, exc.message or str(exc))
    if isinstance(exc, jinja2.TemplateNotFound):
        return Diagnostic(exc.name or "<template>", 0, "template not found")
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".svg", ".vcf", ".json")):
            return Diagnostic(_template_name(Path(frame.filename), dirs), frame.lineno or 0, f"{type(exc).__name__}: {exc}")
    raise exc


def _template_name(path: Path, dirs: list[Path]) -> str:
    for folder in dirs:
        if path.is_relative_to(folder):
            return path.relative_to(folder).as_posix()
    return path.name
