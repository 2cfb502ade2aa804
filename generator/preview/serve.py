"""``badgedir serve``: build, serve, and rebuild on every change (live preview).

The site is built into a folder of its own, never the published
``output/``: ``--output``, else a folder in the build cache that outlives the
process, so a restart serves the last preview at once and brings it up to
date behind it (:mod:`generator.preview.resume`), else (``--no-cache``) a
temporary folder.  A thread waits
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
import faulthandler
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

from ..options import resolve_as_of
from ..diagnostics import Diagnostic, UsageError, shown
from ..cache.store import open_store
from .incremental import IncrementalBuilder, Update
from .resume import Resume, resume
from ..engine.parallel import default_jobs
from .serve_http import IDLE_TIMEOUT, MAX_CONNECTIONS, listen
from .watch import Watcher

OVERLAY_ID = "badgedir-errors"
STOP_REPORT = 20.0  # seconds after Ctrl-C: a preview not stopped by then prints where each thread waits (a bug)
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
    updating: bool = False  # the last preview is shown while the first build brings it up to date


def serve(args: argparse.Namespace) -> int:
    """Run the preview until Ctrl-C; the CLI's ``serve`` command."""
    as_of = resolve_as_of(args.as_of)
    if args.templates is not None and not args.templates.is_dir():
        raise UsageError(f"templates folder {args.templates} does not exist")
    if not args.content.is_dir():
        raise UsageError(f"content folder {args.content} does not exist")
    store = open_store(args.cache)
    place = resume(args.content, args.templates, as_of, args.cache, args.output, store)
    scratch = None if place.folder is not None else Path(tempfile.mkdtemp(prefix="badgedir-serve-"))
    output = place.folder or scratch / "site"  # type: ignore[operator]
    try:
        builder = IncrementalBuilder(args.content, output, as_of, args.templates, default_jobs(), store)
        if place.memo is not None:  # the first build takes what the last build or preview read (cache/readings.py)
            builder.cache.ledger_source = place.memo.ledger_now
        try:
            if place.last:  # the last preview at once; the first build runs behind it
                preview = Preview(builder.output, (), True, updating=not place.current)
                print("badgedir: " + ("serving the last preview, which is current; getting ready for edits"
                                      if place.current else "serving the last preview while it is brought up to date "
                                      "with the content (its pages say so until then)"), file=sys.stderr, flush=True)
                return _run(args, builder, preview, place, first_build=True)
            first = builder.build()
            if first.ok:
                place.built()
            preview = Preview(builder.output, first.errors, first.ok)
            _report(first)
            return _run(args, builder, preview, place)
        finally:
            builder.close()  # its search index helper finishes writing before the folder goes
    finally:
        place.close()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        faulthandler.cancel_dump_traceback_later()


def _run(args: argparse.Namespace, builder: IncrementalBuilder, preview: Preview, place: Resume,
         first_build: bool = False) -> int:
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # no line per request; errors still show
    server = livereload.Server(watcher=_LivereloadWatcher())  # its polling watcher is never started
    server.root = str(preview.root)
    server.default_filename = "index.html"
    server.SFH = _handler(preview)
    try:
        listen(server, args.port, args.host, getattr(args, "idle_timeout", IDLE_TIMEOUT),
               getattr(args, "max_connections", MAX_CONNECTIONS))
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    loop = IOLoop.current()
    folders = [args.content] + ([args.templates] if args.templates else [])
    watcher = Watcher(folders)
    worker = threading.Thread(target=_follow, args=(builder, preview, watcher, loop, place, first_build),
                              name="badgedir-rebuild", daemon=True)
    worker.start()
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Serving {shown(preview.root)} at http://{host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        faulthandler.dump_traceback_later(STOP_REPORT, exit=False)  # cancelled in serve() once everything stopped
        watcher.close()
        worker.join()  # lets a rebuild in progress finish its writes: never a half-written file
        loop.close(all_fds=True)
    print("badgedir: preview stopped", file=sys.stderr)
    return 0


def _follow(builder: IncrementalBuilder, preview: Preview, watcher: Watcher, loop: IOLoop, place: Resume,
            first_build: bool) -> None:
    """The rebuild thread: the first build if the last preview is being served meanwhile; then wait for a
    burst of changes, update, tell the browsers."""
    try:
        if first_build:
            first = builder.build()
            if first.ok:
                place.built()
            _show(first, preview, loop)
        while not watcher.closed:
            changed = watcher.wait(timeout=3600)
            if changed is False:
                continue
            try:
                _rebuild(builder, preview, loop, changed, place)  # type: ignore[arg-type]
            except Exception as exc:  # a bug or a failing disk: say so, keep serving (the builder starts afresh)
                print(f"badgedir: internal error while rebuilding: {exc!r}; the next change rebuilds everything",
                      file=sys.stderr, flush=True)
    finally:
        watcher.release()


def _rebuild(builder: IncrementalBuilder, preview: Preview, loop: IOLoop, changed: list[Path] | None,
             place: Resume) -> None:
    result = builder.update(changed, defer_search=True)
    if result.ok and not result.full and not result.written and not result.removed and not preview.errors:
        return  # nothing visible changed (an editor's scratch file, a save without edits)
    if result.ok and not result.full:
        place.changed()
    elif result.ok:
        place.built()
    _show(result, preview, loop)
    late = builder.catch_up()  # search index (renumbered by the edit) and sitemap: after the reload
    if late is not None:
        print(f"badgedir: search index and sitemap updated in {late.seconds * 1000:.0f} ms", file=sys.stderr, flush=True)


def _show(result: Update, preview: Preview, loop: IOLoop) -> None:
    """Report a build or update in the terminal, and reload the open pages."""
    _report(result)
    preview.errors = result.errors
    preview.has_site = preview.has_site or result.ok
    preview.updating = False
    loop.add_callback(LiveReloadHandler.reload_waiters, "*")


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


UPDATING = (f'<div id="{OVERLAY_ID}" role="status" style="position:fixed;inset:0 0 auto 0;z-index:2147483647;'
            "margin:0;padding:.5rem 1.5rem;background:#fffbe6;color:#4d3b00;border-bottom:3px solid #c90;"
            'font:14px/1.5 ui-monospace,monospace;text-align:left"><strong>badgedir:</strong> this is the last '
            "preview; it is being brought up to date with the content, and this page reloads when it is.</div>"
            ).encode("utf-8")


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
            try:
                self._answer(url_path, head)
            except OSError as exc:  # a name too long for the file system, a folder we may not read
                shown_path = shown(url_path if len(url_path) <= 120 else url_path[:120] + "...")
                print(f"badgedir: 404 for /{shown_path}: {shown(exc.strerror or exc)}", file=sys.stderr, flush=True)
                self._send(404, b"Not found\n", "text/plain; charset=utf-8", head)

        def _answer(self, url_path: str, head: bool) -> None:
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
            elif content_type.startswith("text/html") and preview.updating:
                body = _with_overlay(body, UPDATING)
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
