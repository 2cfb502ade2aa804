"""Rendering the pages an edit made stale, before anything of them is written.

A few pages (one business edited) are rendered here, in memory.  Many (a
template every business page loads) go to the build's pool of workers, which
write them into a scratch folder beside the served one; they are moved in
only once every page rendered and its links checked.  Either way the result
is a :class:`Rendered`, written to the served folder or discarded as one.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import BuildFailed
from ..publish.links import Findings
from ..render.pages import Page
from ..render.renderer import Renderer, render_pages
from ..render.templates import template_dirs, template_diagnostic
from .livewrite import Served

IN_MEMORY_PAGES = 3000  # more than this (a template edit) are rendered by workers into a scratch folder


@dataclass(slots=True)
class Rendered:
    """Rendered pages waiting to be written: in memory, or in a scratch folder."""

    html: dict[str, bytes]
    scratch: Path | None
    paths: list[str]
    findings: Findings  # the links left to check (generator.publish.links)

    def folders(self, output: Path) -> list[Path]:
        """Where the site's files are once these pages are written (the served folder for the rest)."""
        return ([self.scratch] if self.scratch is not None else []) + [output]

    def write(self, served: Served) -> None:
        for path, data in self.html.items():
            served.write(path, data)
        for path in self.paths:
            served.adopt(self.scratch / path, path)  # type: ignore[operator]

    def discard(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def render_stale(renderer: Renderer, pages: list[Page], output: Path, jobs: int, templates: Path | None) -> Rendered:
    """Render ``pages``; raises :class:`BuildFailed` (with the template's line) before anything is written."""
    if len(pages) > IN_MEMORY_PAGES:
        scratch = output.parent / f".badgedir-live-{output.name}-{os.getpid()}"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        _, problems, findings = render_pages(renderer, pages, scratch, jobs, template_dirs(templates), min_pages=0)
        if problems:
            shutil.rmtree(scratch, ignore_errors=True)
            raise BuildFailed(problems)
        return Rendered({}, scratch, [p.path for p in pages], findings)
    html = {}
    for page in pages:
        try:
            data = renderer.render_bytes(page)
        except Exception as exc:  # a user's template can fail in any way; report where
            raise BuildFailed([template_diagnostic(exc, template_dirs(templates))]) from None
        if renderer.scanner is not None:
            renderer.scanner.scan(page, data.decode("utf-8"))
        html[page.path] = data
    return Rendered(html, None, [], (renderer.scanner.take() if renderer.scanner else None) or Findings())
