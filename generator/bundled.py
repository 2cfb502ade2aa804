"""Folders shipped with badgedir: the built-in templates and the FAQ pages.

A leaf module (it imports nothing of badgedir), because every stage asks
where these folders are: reading (the built-in FAQ pages), rendering (the
templates), publishing (the static assets) and the cache (its key hashes
the templates).  Kept in ``render/templates.py`` it tied those stages into
an import cycle.
"""

from __future__ import annotations

from pathlib import Path


def builtin_dir(name: str) -> Path:
    """A folder shipped with badgedir: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent  # the generator package
    bundled = here / "_bundled" / name
    return bundled if bundled.is_dir() else here.parent / (name if name != "faq" else "content/faq")
