"""Reading a published copy, a folder or an http(s) URL, with every read bounded.

The copy is hostile until checked: its manifest may name ``../../etc/passwd``,
its server may answer with an endless body, drip one byte a second, or
redirect to another host.  So a path is checked before it is joined or
quoted, a read stops one byte past what is allowed, each file has a deadline
(not just a per-``recv`` timeout, which a slow drip never trips), and a
redirect is followed only within the copy's own base URL.

Only the standard library's ``http.client``: one dependency fewer to trust, and
it gives exactly the control needed (no automatic redirects, no decoding).
"""

from __future__ import annotations

import http.client
import re
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

_CHUNK = 1 << 16
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")


class ReadProblem(Exception):
    """A file of the copy that could not be read as it should: the message says what happened."""


class Missing(ReadProblem):
    pass


def safe_path(rel: str) -> bool:
    """A relative path inside the copy: no ``..``, no absolute path, no backslash or control character."""
    if not isinstance(rel, str) or not rel or len(rel) > 1024 or rel.startswith("/") or _UNSAFE.search(rel):
        return False
    if not rel.isprintable():  # bidi and other format controls: a path printed in a report must read as it is
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float = 30.0  # seconds for one file, whatever its server does
    manifest_bytes: int = 256 << 20  # a 100,000-business site's manifest is about 45 MB


class Copy:
    """A published copy of the site: :meth:`chunks` streams one file, never more than ``limit`` bytes."""

    where: str

    def chunks(self, rel: str, limit: int) -> Iterator[bytes]:  # pragma: no cover - interface
        raise NotImplementedError

    def read(self, rel: str, limit: int) -> bytes:
        return b"".join(self.chunks(rel, limit))

    def close(self) -> None:
        pass


class FolderCopy(Copy):
    def __init__(self, folder: Path, limits: Limits) -> None:
        self.root, self.limits, self.where = folder.resolve(), limits, str(folder)

    def chunks(self, rel: str, limit: int) -> Iterator[bytes]:
        if not safe_path(rel):
            raise ReadProblem("path is not inside the copy; not read")
        path = self.root / rel
        try:
            if not path.resolve().is_relative_to(self.root):
                raise ReadProblem("a link points outside the copy; not read")
            handle = open(path, "rb")
        except FileNotFoundError:
            raise Missing("missing") from None
        except (IsADirectoryError, NotADirectoryError):
            raise Missing("missing (not a file)") from None
        except OSError as exc:
            raise ReadProblem(f"cannot be read: {exc.strerror}") from None
        with handle:
            total = 0
            while chunk := handle.read(min(_CHUNK, limit + 1 - total)):
                total += len(chunk)
                if total > limit:
                    raise ReadProblem(f"larger than the {limit:,} bytes expected")
                yield chunk

    def extra_files(self, listed: set[str], cap: int = 1000) -> list[str]:
        """Files in the folder the manifest does not list (an injected page, say), at most ``cap``."""
        from .manifest import MANIFEST, SIGNATURE, listed_files

        return [rel for rel in listed_files(self.root) if rel not in listed and rel not in (MANIFEST, SIGNATURE)][:cap]


class HttpCopy(Copy):
    """A copy served over http(s): one keep-alive connection per thread, redirects kept under the base URL."""

    _REDIRECTS = 3

    def __init__(self, url: str, limits: Limits) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url}: not an http(s) URL")
        self.base = url if url.endswith("/") else url + "/"
        self.limits, self.where = limits, self.base
        self._local = threading.local()
        self._all: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def chunks(self, rel: str, limit: int) -> Iterator[bytes]:
        if not safe_path(rel):
            raise ReadProblem("path is not inside the copy; not fetched")
        deadline = time.monotonic() + self.limits.timeout
        url = self.base + quote(rel, safe="/")
        for _ in range(self._REDIRECTS + 1):
            with self._response(url, deadline) as response:
                if response.status in (301, 302, 303, 307, 308):
                    target = urljoin(url, response.getheader("Location") or "")
                    if not target.startswith(self.base):
                        raise ReadProblem(f"redirected outside the copy (to {target[:200]}); not followed")
                    url = target
                    continue
                if response.status == 404 or response.status == 410:
                    raise Missing(f"missing (HTTP {response.status})")
                if response.status != 200:
                    raise ReadProblem(f"HTTP {response.status}")
                declared = response.getheader("Content-Length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise ReadProblem(f"larger than the {limit:,} bytes expected (server says {int(declared):,})")
                total = 0
                while True:
                    if time.monotonic() > deadline:
                        raise ReadProblem(f"took longer than {self.limits.timeout:g} s; gave up")
                    chunk = response.read1(min(_CHUNK, limit + 1 - total)) if limit + 1 > total else b""
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > limit:
                        raise ReadProblem(f"larger than the {limit:,} bytes expected")
                    yield chunk
                return
        raise ReadProblem("too many redirects")

    @contextmanager
    def _response(self, url: str, deadline: float) -> Iterator[http.client.HTTPResponse]:
        parts = urlsplit(url)
        connection = self._connection(parts.scheme, parts.netloc, deadline)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        keep = False
        watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _cut, (connection,))
        watchdog.daemon = True
        watchdog.start()  # a server dripping endless headers never trips a per-recv timeout: cut it off
        try:
            connection.request("GET", path or "/", headers={"Accept-Encoding": "identity", "User-Agent": "badgedir-verify"})
            response = connection.getresponse()
            yield response
            keep = response.isclosed()  # fully read: the connection can take the next request
        except (OSError, http.client.HTTPException) as exc:
            reason = "timed out" if isinstance(exc, TimeoutError) else f"{type(exc).__name__}: {exc}"
            raise ReadProblem(f"could not be fetched: {reason[:200]}") from None
        finally:
            watchdog.cancel()
            if not keep:
                connection.close()  # a half-read body would poison the next request on it

    def _connection(self, scheme: str, netloc: str, deadline: float) -> http.client.HTTPConnection:
        key = (scheme, netloc)
        connection = getattr(self._local, "connections", {}).get(key)
        timeout = max(0.1, min(10.0, deadline - time.monotonic()))
        if connection is None:
            if scheme == "https":
                connection = http.client.HTTPSConnection(netloc, timeout=timeout, context=ssl.create_default_context())
            else:
                connection = http.client.HTTPConnection(netloc, timeout=timeout)
            self._local.__dict__.setdefault("connections", {})[key] = connection
            with self._lock:
                self._all.append(connection)
        connection.timeout = timeout
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        return connection

    def close(self) -> None:
        with self._lock:
            for connection in self._all:
                connection.close()


def _cut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(2)
        except OSError:
            pass


def open_copy(target: str, limits: Limits | None = None) -> Copy:
    """A URL or a folder; raises ``ValueError`` for anything else."""
    limits = limits or Limits()
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", target):
        return HttpCopy(target, limits)
    folder = Path(target)
    if not folder.is_dir():
        raise ValueError(f"{target}: no such folder (or give an http(s) URL)")
    return FolderCopy(folder, limits)

