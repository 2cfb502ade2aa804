"""The end of every build and preview update: the links the pages left to check, then the content's.

Shared by :mod:`generator.build` and the live preview (:mod:`generator.preview.incremental`), so the
preview's overlay shows the same errors a build prints.
"""

from __future__ import annotations

from pathlib import Path

from .content_links import content_link_warnings
from ..diagnostics import BuildFailed, Diagnostic
from ..render.link_origins import locate
from .links import Findings, check_on_disk, ids_on, planned_targets, static_paths
from ..render.renderer import Renderer
from ..decide.site import Site


def broken_links(site: Site, findings: Findings, templates: Path | None, site_dirs: list[Path]) -> list[Diagnostic]:
    """Errors, each at the template line that wrote a broken link (empty when every link works)."""
    bad = findings.broken + check_on_disk(findings, site_dirs)
    if not bad:
        return []
    tracer = Renderer(site, templates, trace_links=True)  # compiled only now: a build without broken links never pays
    return locate(bad, tracer.render)


def content_links(site: Site, site_dirs: list[Path]) -> list[Diagnostic]:
    """Warnings, at the content file and line, for Markdown links to pages of this site that do not exist."""
    return content_link_warnings(site, lambda path: any((d / path).is_file() for d in site_dirs),
                                 lambda path: ids_on(site_dirs, path))


def planned_content_links(site: Site, strict: bool = False) -> list[Diagnostic]:
    """:func:`content_links` before anything is built (``badgedir check``): against the pages the
    build would write; anchors are not checked, as no page is rendered."""
    from ..render.pages import plan_pages  # noqa: PLC0415 - only `check` needs the plan here

    targets = planned_targets(site, plan_pages(site, businesses=False), static_paths(None))
    warnings = content_link_warnings(site, targets.known)
    if strict and warnings:
        raise BuildFailed([Diagnostic(w.path, w.line, w.message, "error") for w in warnings])
    return warnings
