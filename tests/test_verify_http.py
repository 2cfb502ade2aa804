"""``badgedir verify`` over HTTP against a hostile server on 127.0.0.1 (issue #17).

The server serves a real signed copy under a sub-path, but can be told to
answer one path with an endless body, a lying Content-Length, a slow drip, a
redirect to another host, or headers that never end.  Verify must finish
within its deadline, report the path, and never request anything outside the
copy's sub-path.
"""

from __future__ import annotations

import http.server
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.record import minisign
from generator.record.source import HttpCopy, Limits
from generator.record.verify import verify_copy
from tests.conftest import AS_OF, THREE_TIERS, build_site, make_content

BEHAVIOUR: dict[str, str] = {}
REQUESTED: list[str] = []


class Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root: Path

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        REQUESTED.append(self.path)
        rel = self.path.removeprefix("/copy/")
        how = BEHAVIOUR.get(rel)
        try:
            if how == "endless":
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                while True:
                    self.wfile.write(b"x" * 65536)
            if how == "lying-length":
                self.send_response(200)
                self.send_header("Content-Length", str(10**12))
                self.end_headers()
                return
            if how == "drip":
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                while True:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.05)
            if how == "endless-headers":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                while True:
                    self.wfile.write(b"X-Drip: 1\r\n")
                    self.wfile.flush()
                    time.sleep(0.05)
            if how == "redirect-away":
                self.send_response(302)
                self.send_header("Location", "http://127.0.0.2:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = self.root / rel
            if not self.path.startswith("/copy/") or not path.is_file():
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, minisign.PublicKey, Path]]:
    tmp = tmp_path_factory.mktemp("http")
    key = minisign.generate()
    site = build_site(make_content(tmp, THREE_TIERS), tmp / "site", sign_key=key)
    handler = type("H", (Hostile,), {"root": site})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/copy/", key.public, site
    httpd.shutdown()
    httpd.server_close()


def check(url: str, public: minisign.PublicKey, **limits: float):
    copy = HttpCopy(url, Limits(timeout=limits.get("timeout", 2.0)))
    try:
        return verify_copy(copy, public, AS_OF, threads=4)
    finally:
        copy.close()


def test_a_genuine_copy_under_a_sub_path_checks(server) -> None:
    url, public, site = server
    BEHAVIOUR.clear()
    report = check(url, public)
    assert report.problems == () and report.checked == report.listed > 10


@pytest.mark.parametrize("how,message", [
    ("endless", "larger than the"),
    ("lying-length", "larger than the"),
    ("drip", "took longer than 2 s"),
    ("endless-headers", "took longer than 2 s|could not be fetched"),  # cut off by the deadline either way
    ("redirect-away", "redirected outside the copy (to http://127.0.0.2:9/elsewhere); not followed"),
])
def test_a_hostile_answer_is_bounded_and_reported_by_path(server, how: str, message: str) -> None:
    url, public, _ = server
    BEHAVIOUR.clear()
    BEHAVIOUR["b/brisa/index.html"] = how
    started = time.monotonic()
    report = check(url, public)
    assert time.monotonic() - started < 15
    problems = [str(p) for p in report.problems]
    assert len(problems) == 1 and problems[0].startswith("b/brisa/index.html: "), problems
    assert re.search(message.replace("(", r"\(").replace(")", r"\)") if how == "redirect-away" else message, problems[0])


def test_an_endless_manifest_is_cut_off(server) -> None:
    url, public, _ = server
    BEHAVIOUR.clear()
    BEHAVIOUR["manifest.json"] = "endless"
    copy = HttpCopy(url, Limits(timeout=5.0, manifest_bytes=1 << 20))
    try:
        report = verify_copy(copy, public, AS_OF)
    finally:
        copy.close()
    assert [str(p) for p in report.problems] == ["manifest.json: larger than the 1,048,576 bytes expected"]


def test_nothing_outside_the_sub_path_is_requested(server) -> None:
    url, public, _ = server
    BEHAVIOUR.clear()
    REQUESTED.clear()
    check(url, public)
    assert REQUESTED and all(path.startswith("/copy/") and ".." not in path for path in REQUESTED)
