"""The end of every build and preview update: the links the pages left to check, then the content's.

Shared by :mod:`generator.build` and the live preview (:mod:`generator.preview.incremental`), so the
preview's overlay shows the same errors a build prints.
"""

from __future__ import annotations

from pathlib import Path

from .content_links import content_link_warnings
from ..diagnostics import Diagnostic
from ..render.link_origins import locate
from .links import Findings, check_on_disk, ids_on
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
