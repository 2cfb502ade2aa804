"""A static server for a built site that compresses like a real host, on 127.0.0.1.

Lighthouse scores a page as it arrives over the network: served by Python's
``http.server`` the HTML, CSS and scripts come uncompressed, which no
production host does (nginx, Apache, GitHub Pages, Netlify and S3 behind a CDN
all gzip text), and "enable text compression" would be measured against the
server rather than against the site.  This one gzips text types when the
client accepts it, sends ``Content-Length`` and a cache lifetime for
``static/``, and serves the site under a sub-path like the other browser tests.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".vcf"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """``SimpleHTTPRequestHandler`` that gzips text and answers quietly."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".svg": "image/svg+xml", ".vcf": "text/vcard",
                      ".json": "application/json", ".ico": "image/x-icon", ".png": "image/png"}

    def send_head(self):  # type: ignore[no-untyped-def]
        """Gzip a text file the client accepts compressed; leave the rest (redirects, 404s, images) to the base."""
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if path.suffix not in _COMPRESSED or "gzip" not in self.headers.get("Accept-Encoding", "") \
                or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        # Assets for a day (search.js keeps its name from build to build), pages revalidated.
        self.send_header("Cache-Control", f"public, max-age={86400 if '/static/' in self.path else 0}")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve_gzipped(root: Path) -> Iterator[str]:
    """Serve ``root`` on a free port of 127.0.0.1 until the block ends; yields ``http://127.0.0.1:PORT/``."""
    handler = functools.partial(GzipHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
