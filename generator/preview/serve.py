"""``badgedir serve``: build, serve, and rebuild on every change (live preview).

The site is built into a folder of its own (a temporary one unless
``--output`` names one), never the published ``output/``.  A thread waits
for bursts of changes under the content and templates folders
(:mod:`generator.watch`), brings the site up to date with an
:class:`~generator.incremental.IncrementalBuilder`, and asks livereload to
reload the open pages.  livereload's script is added to HTML as it is
served, never written to disk.

A content or template error leaves the last good site on disk and is shown
in the terminal and over every served page until an edit fixes it.  Requests
are answered only from inside the served folder: ``..`` in any spelling,
backslashes and hidden files are refused (path traversal in the development
server has been a CVE in both Zola and MkDocs).
"""

from __future__ import annotations

import argparse
import html
import logging
import mimetypes
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import livereload
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher as _LivereloadWatcher
from tornado import web
from tornado.ioloop import IOLoop

from ..build import resolve_as_of
from ..diagnostics import Diagnostic, UsageError
from .incremental import IncrementalBuilder, Update
from ..engine.parallel import default_jobs
from .watch import Watcher

OVERLAY_ID = "badgedir-errors"
TYPES = {".html": "text/html; charset=utf-8", ".json": "application/json", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".vcf": "text/vcard; charset=utf-8",
         ".xml": "application/xml", ".txt": "text/plain; charset=utf-8"}
NO_SITE = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>badgedir preview</title></head>"
           "<body><p>No site yet: the content has errors.</p></body></html>")


@dataclass(slots=True)
class Preview:
    """What the request handler shows: where the site is, and the errors of the last rebuild."""

    root: Path
    errors: tuple[Diagnostic, ...] = ()
    has_site: bool = False


def serve(args: argparse.Namespace) -> int:
    """Run the preview until Ctrl-C; the CLI's ``serve`` command."""
    as_of = resolve_as_of(args.as_of)
    scratch = None if args.output else Path(tempfile.mkdtemp(prefix="badgedir-serve-"))
    output = args.output or scratch / "site"  # type: ignore[operator]
    try:
        if args.templates is not None and not args.templates.is_dir():
            raise UsageError(f"templates folder {args.templates} does not exist")
        if not args.content.is_dir():
            raise UsageError(f"content folder {args.content} does not exist")
        builder = IncrementalBuilder(args.content, output, as_of, args.templates, default_jobs())
        try:
            first = builder.build()
            preview = Preview(builder.output, first.errors, first.ok)
            _report(first)
            return _run(args, builder, preview)
        finally:
            builder.close()  # its search index helper finishes writing before the folder goes
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _run(args: argparse.Namespace, builder: IncrementalBuilder, preview: Preview) -> int:
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # no line per request; errors still show
    server = livereload.Server(watcher=_LivereloadWatcher())  # its polling watcher is never started
    server.root = str(preview.root)
    server.default_filename = "index.html"
    server.SFH = _handler(preview)
    try:
        server.application(args.port, args.host, liveport=None, debug=False, live_css=False)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    loop = IOLoop.current()
    folders = [args.content] + ([args.templates] if args.templates else [])
    watcher = Watcher(folders)
    worker = threading.Thread(target=_follow, args=(builder, preview, watcher, loop), name="badgedir-rebuild", daemon=True)
    worker.start()
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Serving {preview.root} at http://{host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.close()
        worker.join()  # lets a rebuild in progress finish its writes: never a half-written file
        loop.close(all_fds=True)
    print("badgedir: preview stopped", file=sys.stderr)
    return 0


def _follow(builder: IncrementalBuilder, preview: Preview, watcher: Watcher, loop: IOLoop) -> None:
    """The rebuild thread: wait for a burst of changes, update, tell the browsers."""
    try:
        while not watcher.closed:
            changed = watcher.wait(timeout=3600)
            if changed is False:
                continue
            try:
                _rebuild(builder, preview, loop, changed)  # type: ignore[arg-type]
            except Exception as exc:  # a bug or a failing disk: say so, keep serving (the builder starts afresh)
                print(f"badgedir: internal error while rebuilding: {exc!r}; the next change rebuilds everything",
                      file=sys.stderr, flush=True)
    finally:
        watcher.release()


def _rebuild(builder: IncrementalBuilder, preview: Preview, loop: IOLoop, changed: list[Path] | None) -> None:
    result = builder.update(changed, defer_search=True)
    if result.ok and not result.full and not result.written and not result.removed and not preview.errors:
        return  # nothing visible changed (an editor's scratch file, a save without edits)
    _report(result)
    preview.errors = result.errors
    preview.has_site = preview.has_site or result.ok
    loop.add_callback(LiveReloadHandler.reload_waiters, "*")
    late = builder.catch_up()  # search index (renumbered by the edit) and sitemap: after the reload
    if late is not None:
        print(f"badgedir: search index and sitemap updated in {late.seconds * 1000:.0f} ms", file=sys.stderr, flush=True)


def _report(result: Update) -> None:
    for diagnostic in result.errors:
        print(diagnostic, file=sys.stderr)
    for diagnostic in result.warnings[:20]:
        print(diagnostic, file=sys.stderr)
    if len(result.warnings) > 20:
        print(f"... and {len(result.warnings) - 20} more warnings", file=sys.stderr)
    print(f"badgedir: {result.summary()}", file=sys.stderr, flush=True)


def safe_path(root: Path, url_path: str) -> Path | None:
    """The file or folder a (decoded) URL path names inside ``root``, or None if it may not be served."""
    if "\0" in url_path or "\\" in url_path:
        return None
    parts = [p for p in url_path.split("/") if p not in ("", ".")]
    if any(p == ".." or p.startswith(".") for p in parts):
        return None
    target = root.joinpath(*parts)
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):
        return None
    return resolved if resolved == root or resolved.is_relative_to(root) else None


def overlay(errors: tuple[Diagnostic, ...]) -> bytes:
    """The error box shown over every page while the content or templates have errors."""
    items = "".join(f"<li>{html.escape(str(e))}</li>" for e in errors)
    return (f'<div id="{OVERLAY_ID}" role="alert" style="position:fixed;inset:0 0 auto 0;z-index:2147483647;'
            "max-height:60vh;overflow:auto;margin:0;padding:1rem 1.5rem;background:#fff1f0;color:#600;"
            'border-bottom:4px solid #c00;font:14px/1.5 ui-monospace,monospace;text-align:left">'
            f"<strong>badgedir: the site was not rebuilt: {len(errors)} error{'s' if len(errors) != 1 else ''}."
            "</strong> The last good build is shown below; save a fix and this page reloads."
            f'<ul style="margin:.5rem 0 0;padding-left:1.2rem">{items}</ul></div>').encode("utf-8")


def _handler(preview: Preview) -> type[web.RequestHandler]:
    class PreviewHandler(web.RequestHandler):
        """Serves the preview folder; adds the error overlay to HTML while there are errors."""

        def initialize(self, path: str = "", default_filename: str = "index.html") -> None:
            self.default_filename = default_filename

        def set_default_headers(self) -> None:
            self.set_header("Cache-Control", "no-store")
            self.set_header("X-Content-Type-Options", "nosniff")

        def head(self, url_path: str) -> None:
            self.get(url_path, head=True)

        def get(self, url_path: str, head: bool = False) -> None:
            root = preview.root
            target = safe_path(root, url_path)
            if target is None:
                return self._send(403, b"Forbidden\n", "text/plain; charset=utf-8", head)
            if target.is_dir():
                if url_path and not url_path.endswith("/"):
                    return self.redirect(f"/{url_path}/" + (f"?{self.request.query}" if self.request.query else ""))
                target = target / self.default_filename
            if target.is_file():
                return self._send(200, target.read_bytes(), _type(target), head)
            missing = root / "404.html"
            if missing.is_file():
                return self._send(404, missing.read_bytes(), TYPES[".html"], head)
            if not preview.has_site and (url_path == "" or url_path.endswith(("/", ".html"))):
                return self._send(200, NO_SITE.encode(), TYPES[".html"], head)
            return self._send(404, b"Not found\n", "text/plain; charset=utf-8", head)

        def _send(self, status: int, body: bytes, content_type: str, head: bool) -> None:
            if content_type.startswith("text/html") and preview.errors:
                body = _with_overlay(body, overlay(preview.errors))
            self.set_status(status)
            self.set_header("Content-Type", content_type)
            if head:
                self.set_header("Content-Length", str(len(body)))
                self.finish()
            else:
                self.finish(body)

    return PreviewHandler


def _with_overlay(page: bytes, box: bytes) -> bytes:
    at = page.find(b"<body")
    end = page.find(b">", at) if at >= 0 else -1
    return page[:end + 1] + box + page[end + 1:] if end >= 0 else box + page


def _type(path: Path) -> str:
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


__all__ = ["Preview", "overlay", "safe_path", "serve"]
