"""``badgedir serve``: a real server in a subprocess, fetched over HTTP while its content is edited."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import THREE_TIERS, as_from_a_terminal, make_content
from generator.diagnostics import Diagnostic
from generator.engine.parallel import default_jobs
from generator.preview.serve import OVERLAY_ID, overlay, safe_path

REPO = Path(__file__).resolve().parent.parent
SHOPS = "businesses/shops.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``badgedir serve`` in a subprocess, its stderr collected as it comes."""

    def __init__(self, content: Path, output: Path | None = None, templates: Path | None = None,
                 extra: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "generator", "serve", "--content", str(content), "--port", str(self.port),
                   "--as-of", "2026-11-25", *extra]
        command += ["--output", str(output)] if output else []
        command += ["--templates", str(templates)] if templates else []
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        preexec_fn=as_from_a_terminal)
        self.stderr: list[str] = []
        self.stdout: list[str] = []
        threading.Thread(target=self._collect, args=(self.process.stderr, self.stderr), daemon=True).start()
        threading.Thread(target=self._collect, args=(self.process.stdout, self.stdout), daemon=True).start()
        self.wait_for(lambda: any("Serving" in line for line in self.stdout), "the server to start")

    @staticmethod
    def _collect(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    def wait_for(self, condition, what: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                raise AssertionError(f"server exited ({self.process.returncode}) waiting for {what}: {''.join(self.stderr)}")
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; stderr: {''.join(self.stderr)}")

    def get(self, path: str) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)  # sent as written: no client-side normalisation of '..'
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                raise
        time.sleep(0.1)  # let the reader threads drain
        return self.process.returncode


@pytest.fixture
def server(tmp_path: Path):
    content = make_content(tmp_path, THREE_TIERS)
    running = Server(content, output=tmp_path / "preview")
    running.content = content  # type: ignore[attr-defined]
    yield running
    running.stop()


def save(path: Path, text: str) -> None:
    """Save as editors do: a temporary file renamed over the old one."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def test_serves_the_site_with_livereload_and_follows_edits(server: Server, tmp_path: Path) -> None:
    status, page = server.get("/")
    assert status == 200 and "Test directory" in page and "livereload.js" in page
    status, page = server.get("/b/cafe-nino/")
    assert status == 200 and "Café Niño" in page
    assert "livereload" not in (tmp_path / "preview" / "index.html").read_text()  # injected when served, not written
    shops = server.content / SHOPS  # type: ignore[attr-defined]
    save(shops, shops.read_text().replace("Café Niño", "Café Niña"))
    server.wait_for(lambda: "Café Niña" in server.get("/b/cafe-nino/")[1], "the edit to be served")
    assert "Café Niña" in server.get("/")[1]
    save(shops, shops.read_text().replace("- id: brisa-soporte", "- id: brisa-support"))
    server.wait_for(lambda: server.get("/b/brisa-support/")[0] == 200, "the new page")
    assert server.get("/b/brisa-soporte/")[0] == 404  # a removed business's page is gone
    assert server.stop() in (0, 130)
    assert "Traceback" not in "".join(server.stderr)


def test_a_content_error_shows_over_the_last_good_site_until_fixed(server: Server) -> None:
    shops = server.content / SHOPS  # type: ignore[attr-defined]
    good = shops.read_text()
    save(shops, good.replace('whatsapp: "611 22 33 44"', 'whatsapp: "not a number"').replace("Café Niño", "Café Roto"))
    server.wait_for(lambda: OVERLAY_ID in server.get("/")[1], "the error overlay")
    status, page = server.get("/b/cafe-nino/")
    assert status == 200 and "Café Niño" in page and f"{SHOPS}:" in page  # last good page, error named with its file
    server.wait_for(lambda: any(line.startswith(f"{SHOPS}:") and "whatsapp" in line for line in server.stderr),
                    "the error in the terminal")
    save(shops, good.replace("Café Niño", "Café Arreglado"))
    server.wait_for(lambda: OVERLAY_ID not in server.get("/")[1], "the overlay to go")
    assert "Café Arreglado" in server.get("/b/cafe-nino/")[1]


TRAVERSALS = [
    "/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/b/../../secret.txt",
    "/b/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt", "/%2e%2e%5csecret.txt", "/.badgedir", "/%2fetc%2fpasswd",
    "//etc/passwd", "/b/%252e%252e/%252e%252e/secret.txt", "/%c0%ae%c0%ae/secret.txt",
]


def test_requests_cannot_leave_the_served_folder(server: Server, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    for path in TRAVERSALS:
        status, body = server.get(path)
        assert status in (400, 403, 404) and "TOP SECRET" not in body and "root:" not in body, path
    assert server.get("/static/site.css")[0] == 200  # while the site's own files are served


def test_ctrl_c_stops_cleanly_and_removes_its_temporary_folder(tmp_path: Path) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    running = Server(content, extra=("--no-cache",))  # without a cache, the preview's folder is temporary
    served = Path(running.stdout[0].split("Serving ", 1)[1].split(" at ", 1)[0])
    assert (served / "index.html").is_file()
    helpers = [pid for pid in processes_with(str(content)) if pid != running.process.pid]
    assert len(helpers) == (1 if default_jobs() > 1 else 0)  # the search index helper, with a second core
    assert running.stop() in (0, 130)
    assert "Traceback" not in "".join(running.stderr)
    assert not served.exists()  # the temporary build folder went with the server
    assert processes_with(str(content)) == []  # no stray process: the helper stopped before the server


def processes_with(argument: str) -> list[int]:
    """The processes whose command line holds ``argument`` (a forked helper has its parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and argument.encode() in (entry / "cmdline").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:  # it ended while we looked
            continue
    return found


def test_a_burst_of_saves_rebuilds_once(server: Server) -> None:
    content = server.content  # type: ignore[attr-defined]
    for n in range(12):  # like a git checkout: many files within a few milliseconds
        (content / "businesses" / f"extra{n:02d}.yaml").write_text(
            f'- id: extra-{n}\n  name: Extra {n}\n  whatsapp: "+34 655 000 {n:03d}"\n', encoding="utf-8")
    server.wait_for(lambda: server.get("/b/extra-11/")[0] == 200, "the new businesses")
    time.sleep(0.5)
    rebuilds = [line for line in server.stderr if line.startswith("badgedir: updated")]
    assert len(rebuilds) == 1, rebuilds


def test_build_does_not_import_livereload_or_write_its_script(tmp_path: Path) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    output = tmp_path / "out"
    code = ("import sys; from generator.cli import main; code = main(['build', '--content', sys.argv[1], '--output', sys.argv[2], "
            "'--as-of', '2026-11-25', '-q']); print(sorted(m for m in sys.modules if m.split('.')[0] in ('livereload', 'tornado')))")
    done = subprocess.run([sys.executable, "-c", code, str(content), str(output)], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert not [p for p in output.rglob("*") if p.is_file() and b"livereload" in p.read_bytes()]


def test_safe_path_keeps_requests_inside_the_root(tmp_path: Path) -> None:
    root = (tmp_path / "site").resolve()
    (root / "b" / "x").mkdir(parents=True)
    (root / "b" / "x" / "index.html").write_text("x")
    (tmp_path / "outside").mkdir()
    (root / "link").symlink_to(tmp_path / "outside")
    assert safe_path(root, "b/x/index.html") == root / "b" / "x" / "index.html"
    assert safe_path(root, "") == root
    for bad in ("../x", "b/../../x", "b\\..\\x", "a\0b", ".badgedir", "b/.hidden", "link", "link/file"):
        assert safe_path(root, bad) is None, bad


def test_overlay_escapes_the_messages() -> None:
    box = overlay((Diagnostic("businesses/a.yaml", 3, "name: '<script>'"),)).decode()
    assert "businesses/a.yaml:3: name: '&lt;script&gt;'" in box.replace("&#x27;", "'") and "<script>" not in box


def test_the_watcher_reports_a_burst_once_and_ignores_editor_scratch_files(tmp_path: Path) -> None:
    from generator.preview.watch import Watcher

    watcher = Watcher([tmp_path], quiet=0.1)
    try:
        assert watcher.wait(timeout=0.2) is False  # nothing happened
        (tmp_path / ".a.yaml.swp").write_text("scratch")
        (tmp_path / "b.yaml~").write_text("backup")
        assert watcher.wait(timeout=0.3) is False  # only scratch files: not a change
        for n in range(10):
            (tmp_path / f"f{n}.yaml").write_text(str(n))
        changed = watcher.wait(timeout=5)
        assert changed == {tmp_path / f"f{n}.yaml" for n in range(10)} or changed is None
        assert watcher.wait(timeout=0.3) is False  # the burst was reported whole, once
    finally:
        watcher.close()
        watcher.release()


def test_the_polling_watcher_notices_changes_where_there_is_no_inotify(tmp_path: Path) -> None:
    from generator.preview.watch import Watcher, _scan

    (tmp_path / "a.yaml").write_text("a")
    watcher = Watcher([tmp_path], quiet=0.05)
    watcher._inotify = None  # as on macOS or Windows
    watcher._stamps = _scan(watcher.folders)
    (tmp_path / "b.yaml").write_text("b")
    assert watcher.wait(timeout=5) is None  # "something changed: look at everything"
    assert watcher.wait(timeout=0.6) is False


def test_a_path_segment_too_long_for_the_disk_is_a_404_with_one_line(server: Server) -> None:
    """Issue #21 item 7: a 300-byte segment made ``is_dir()`` raise: 500 and two tracebacks a request."""
    before = len(server.stderr)
    for path in ("/" + "a" * 300, "/b/" + "%C3%A9" * 200 + "/index.html", "/" + "x" * 5000):
        status, _ = server.get(path)
        assert status == 404, path
    server.wait_for(lambda: len(server.stderr) >= before + 3, "the log lines")
    time.sleep(0.2)
    logged = server.stderr[before:]
    assert len(logged) == 3 and all(line.startswith("badgedir: 404 for /") for line in logged), logged
    assert server.get("/")[0] == 200


def closed_by_server(connection: socket.socket, within: float) -> bool:
    connection.settimeout(within)
    try:
        return connection.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def test_idle_and_slow_connections_are_closed_and_their_number_is_capped(tmp_path: Path) -> None:
    """Issue #21 item 7: 200 idle connections were held for ever; now they time out, and extras are refused."""
    running = Server(make_content(tmp_path, THREE_TIERS), output=tmp_path / "preview",
                     extra=("--idle-timeout", "1.5", "--max-connections", "20"))
    try:
        held = [socket.create_connection(("127.0.0.1", running.port)) for _ in range(40)]
        refused = [c for c in held[20:] if closed_by_server(c, 1.0)]
        assert len(refused) == 20, f"{len(refused)} of the 20 over the cap were refused"
        assert all(closed_by_server(c, 3.0) for c in held[:20]), "idle connections were kept"
        assert running.get("/")[0] == 200  # room again
        slow = socket.create_connection(("127.0.0.1", running.port))
        started = time.monotonic()
        slow.sendall(b"GET / HTTP/1.1\r\n")
        closed = False
        while time.monotonic() - started < 6 and not closed:
            try:
                slow.sendall(b"X-Slow: 1\r\n")  # a header line at a time, never finishing the request
            except OSError:
                closed = True
            closed = closed or closed_by_server(slow, 0.3)
        assert closed and time.monotonic() - started < 4, "a request sent slowly was never cut off"
        assert sum("refusing new ones" in line for line in running.stderr) == 1, running.stderr
        for connection in held:
            connection.close()
    finally:
        running.stop()


def served_folder(running: Server) -> Path:
    return Path(running.stdout[0].split("Serving ", 1)[1].split(" at ", 1)[0])


def test_a_restarted_preview_serves_the_last_one_at_once_and_brings_it_up_to_date(tmp_path: Path) -> None:
    """Issue #16 item 5: the preview's folder lives in the cache; a restart serves it before building."""
    content, cache = make_content(tmp_path, THREE_TIERS), tmp_path / "cache"
    first = Server(content, extra=("--cache", str(cache)))
    folder = served_folder(first)
    assert folder.is_relative_to(cache) and first.get("/b/cafe-nino/")[0] == 200
    assert first.stop() in (0, 130)
    assert (folder / "b/cafe-nino/index.html").is_file()  # kept for the next preview

    second = Server(content, extra=("--cache", str(cache)))
    assert served_folder(second) == folder
    second.wait_for(lambda: any("which is current" in line for line in second.stderr), "the last preview to be current")
    status, page = second.get("/b/cafe-nino/")
    assert status == 200 and "Café Niño" in page and OVERLAY_ID not in page
    second.wait_for(lambda: any("built in" in line for line in second.stderr), "the first build behind it")
    assert second.stop() in (0, 130)

    shops = content / SHOPS
    save(shops, shops.read_text().replace("Café Niño", "Café Niña"))  # edited while no preview ran
    third = Server(content, extra=("--cache", str(cache)))
    try:
        third.wait_for(lambda: any("brought up to date" in line for line in third.stderr), "the notice")
        status, page = third.get("/b/cafe-nino/")
        assert status == 200 and (("Café Niño" in page and "being brought up to date" in page)
                                  or ("Café Niña" in page and OVERLAY_ID not in page)), page[:2000]
        third.wait_for(lambda: "Café Niña" in third.get("/b/cafe-nino/")[1], "the edit, once the build is done")
        third.wait_for(lambda: OVERLAY_ID not in third.get("/b/cafe-nino/")[1], "the notice to go")
        fourth = Server(content, extra=("--cache", str(cache)))  # a second preview of the same content at once
        try:
            assert not served_folder(fourth).is_relative_to(cache)  # takes a temporary folder of its own
            assert "Café Niña" in fourth.get("/b/cafe-nino/")[1]
        finally:
            assert fourth.stop() in (0, 130)
    finally:
        assert third.stop() in (0, 130)
    assert "Traceback" not in "".join(first.stderr + second.stderr + third.stderr)
