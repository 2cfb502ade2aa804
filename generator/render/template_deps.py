"""What a page template reads, found by reading the templates (for the live preview).

A live preview re-renders a page only when something it shows changed.  Two
things are read from the templates themselves, so that a user's overrides
are accounted for as well as the built-in ones:

* which templates a page's template loads (``extends``, ``include``,
  ``import`` and calls like ``partial_cached("partials/x.html")``), so a
  template edit re-renders exactly the pages that use it;
* which attributes of the values every page shares (``site``, and the
  ``pagination`` and ``category`` of listings) it reads, so that adding a
  business — which changes ``site.total`` — does not re-render pages that
  never show ``site.total``.

When the answer cannot be known (a template name computed at render time, a
shared value passed whole to a macro) the answer is "everything", which only
costs re-rendering.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import jinja2
from jinja2 import meta, nodes

SHARED = ("site", "pagination", "category")
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".svg", ".vcf", ".json")


Fields = dict[str, "frozenset[str] | None"]  # attribute → attributes read of each item it holds (None: all)


@dataclass(frozen=True, slots=True)
class TemplateReads:
    templates: frozenset[str]  # every template the page may load, its own included
    fields: Mapping[str, Mapping[str, frozenset[str] | None] | None]  # shared value → attributes read; None: all
    on_first_page: Mapping[str, Mapping[str, frozenset[str] | None] | None]  # fields, and what only page 1 reads
    # (inside {% if pagination.number == 1 %}: the A–Z listing's category chips)

    def reads(self, name: str, field: str, number: int) -> bool:
        """Whether a page with this page number reads ``name.field`` (or all of ``name``)."""
        used = self.fields_on(number).get(name, {})
        return used is None or field in used

    def fields_on(self, number: int) -> Mapping[str, Mapping[str, frozenset[str] | None] | None]:
        """What a page with this page number reads."""
        return self.on_first_page if number == 1 else self.fields


def template_reads(env: jinja2.Environment, name: str) -> TemplateReads | None:
    """What ``name`` and everything it loads read; None when that cannot be told from the source."""
    seen: set[str] = set()
    fields: dict[str, Fields | None] = {}
    first_page: dict[str, Fields | None] = {}
    queue = [name]
    while queue:
        current = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source, _, _ = env.loader.get_source(env, current)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            continue  # "ignore missing": creating it later is a template change like any other
        try:
            ast = env.parse(source)
        except jinja2.TemplateSyntaxError:
            return None
        for referenced in meta.find_referenced_templates(ast):
            if referenced is None:
                return None
            queue.append(referenced)
        queue += _named_in_calls(ast)
        _shared_fields(ast, fields, {}, first_page)
    return TemplateReads(frozenset(seen), fields, _merged(fields, first_page))


def _merged(fields: dict[str, Fields | None], more: dict[str, Fields | None]) -> dict[str, Fields | None]:
    merged: dict[str, Fields | None] = {name: None if f is None else dict(f) for name, f in fields.items()}
    for name, extra in more.items():
        if extra is None:
            merged[name] = None
        else:
            for field, items in extra.items():
                _use(merged, name, field, items)
    return merged


def _named_in_calls(ast: nodes.Template) -> list[str]:
    """Template names given to functions, like ``partial_cached("partials/search_box.html")``."""
    return [arg.value for call in ast.find_all(nodes.Call) for arg in call.args
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str) and arg.value.endswith(TEMPLATE_SUFFIXES)]


def _shared_fields(node: nodes.Node, found: dict[str, Fields | None], aliases: dict[str, tuple[str, str]],
                   first_page: dict[str, Fields | None]) -> None:
    """Record what is read of the shared values; ``aliases`` are loop variables over one of their attributes.

    ``{% for c in site.categories %}{{ c.name }}{% endfor %}`` reads only the ``name`` of each category,
    so a change of their counts does not concern that template.  What is read inside
    ``{% if pagination.number == 1 %}`` goes to ``first_page``.
    """
    if isinstance(node, nodes.If) and _is_first_page_test(node.test) and not node.elif_:
        _shared_fields(node.test, found, aliases, first_page)
        for child in node.body:
            _shared_fields(child, first_page, aliases, first_page)
        for child in node.else_:
            _shared_fields(child, found, aliases, first_page)
        return
    if isinstance(node, nodes.For) and isinstance(node.target, nodes.Name):
        over = _shared_attribute(node.iter)
        if over is not None:
            _shared_fields(node.target, found, aliases, first_page)
            inner = {**aliases, node.target.name: over}
            _use(found, over[0], over[1], frozenset())
            for child in [*node.body, *node.else_] + ([node.test] if node.test else []):
                _shared_fields(child, found, inner, first_page)
            return
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.Name) and child.ctx == "load":
            attribute = _attribute_of(node, child)
            if child.name in aliases:
                shared, field = aliases[child.name]
                _use(found, shared, field, None if attribute is None else frozenset([attribute]))
            if child.name in SHARED:
                if attribute is None:
                    found[child.name] = None
                else:
                    _use(found, child.name, attribute, None)
        _shared_fields(child, found, aliases, first_page)


def _is_first_page_test(test: nodes.Node) -> bool:
    return (isinstance(test, nodes.Compare) and len(test.ops) == 1 and test.ops[0].op == "eq"
            and _shared_attribute(test.expr) == ("pagination", "number")
            and isinstance(test.ops[0].expr, nodes.Const) and test.ops[0].expr.value == 1)


def _shared_attribute(node: nodes.Node) -> tuple[str, str] | None:
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name in SHARED:
        return node.node.name, node.attr
    return None


def _use(found: dict[str, Fields | None], name: str, field: str, items: frozenset[str] | None) -> None:
    """Note that ``name.field`` is read: of its items, ``items`` (None: the whole value)."""
    if name in found and found[name] is None:
        return
    fields = found.setdefault(name, {})
    assert fields is not None
    if field in fields and fields[field] is None:
        return
    fields[field] = None if items is None else (fields.get(field) or frozenset()) | items


def _attribute_of(parent: nodes.Node, name: nodes.Name) -> str | None:
    if isinstance(parent, nodes.Getattr) and parent.node is name:
        return parent.attr
    if (isinstance(parent, nodes.Getitem) and parent.node is name and isinstance(parent.arg, nodes.Const)
            and isinstance(parent.arg.value, str)):
        return parent.arg.value
    return None
