"""Which files of a ``--templates`` folder an edit added, changed or removed, for the preview.

A template edit makes stale every page that loads the template (found by
:mod:`generator.render.template_deps`); this module only says which names
changed, by comparing each file's :class:`~generator.preview.livecontent.Stamp`
with the one seen at the last update.
"""

from __future__ import annotations

import os
from pathlib import Path

from .livecontent import Stamp, stamp_of
from .livewrite import TEMP_PREFIX


class TemplateStamps:
    """The stamps of the files in a templates folder, as of the last look."""

    def __init__(self, templates: Path | None) -> None:
        self.templates = templates
        self.stamps: dict[str, Stamp | None] = {}

    def reset(self) -> None:
        """Look at every file now, and take them as unchanged (a full build reads them all)."""
        self.stamps = self._now()

    def changes(self, changed: list[Path] | None) -> set[str]:
        """Names (relative to the templates folder) of templates added, edited or removed.

        ``changed``: the paths a watcher named, or None to look at every file.
        """
        if self.templates is None:
            return set()
        base = Path(os.path.abspath(self.templates))
        if changed is not None and not any(p.is_relative_to(base) for p in changed):
            return set()
        stamps = self._now()
        known = stamps.keys() | self.stamps.keys()
        names = {name for name in known if stamps.get(name) != self.stamps.get(name)}
        if changed is not None:  # named by the watcher: changed even if saved twice in one clock tick
            names |= {p.relative_to(base).as_posix() for p in changed
                      if p.is_relative_to(base) and p.relative_to(base).as_posix() in known}
        self.stamps = stamps
        return names

    def _now(self) -> dict[str, Stamp | None]:
        if self.templates is None or not self.templates.is_dir():
            return {}
        return {p.relative_to(self.templates).as_posix(): stamp_of(p)
                for p in sorted(self.templates.rglob("*")) if p.is_file() and not p.name.startswith(TEMP_PREFIX)}
