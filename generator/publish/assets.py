"""The files under ``static/``: the operator's own, then the built-in ones they do not override.

The built-in scripts and stylesheets are kept readable in ``templates/static/``
and minified as they are published, with ``rjsmin`` and ``rcssmin`` (small,
maintained C-accelerated minifiers that only drop comments and whitespace, so
what runs is what was reviewed).  Minifying at build time rather than shipping
a ``.min.js`` twin means there is one copy to edit and nothing to keep in step;
Lighthouse counts unminified scripts against the page.  The operator's files in
``--templates DIR/static/`` are published byte for byte, as they wrote them.

``favicon.ico`` is also published at the root of the site, where browsers and
crawlers ask for it when a page names no icon (pages link ``static/favicon.*``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..bundled import builtin_dir

ROOT_COPIES = {"static/favicon.ico": "favicon.ico"}


def static_files(templates: Path | None) -> dict[str, bytes]:
    """Every asset by output path: the operator's ``static/`` first, then the built-in assets, minified."""
    files: dict[str, bytes] = {}
    user = templates / "static" if templates else None
    if user is not None and user.is_dir():
        files.update(_read_tree(user))
    for path, data in _read_tree(builtin_dir("templates") / "static").items():
        if path not in files:
            files[path] = minified(path, data)
    for source, copy in ROOT_COPIES.items():
        if source in files:
            files[copy] = files[source]
    return files


def _read_tree(folder: Path) -> dict[str, bytes]:
    return {f"static/{path.relative_to(folder).as_posix()}": path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()}


@lru_cache(maxsize=64)
def minified(path: str, data: bytes) -> bytes:
    """A built-in ``.js`` or ``.css`` file without comments and spaces; any other file as it is."""
    if path.endswith(".js"):
        import rjsmin

        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8") + b"\n"
    if path.endswith(".css"):
        import rcssmin

        return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8") + b"\n"
    return data
