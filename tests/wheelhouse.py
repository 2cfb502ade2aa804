"""Wheels of the distributions already installed in the test environment, for offline installs.

The packaging test installs badgedir's wheel *with its dependencies* into a
virtual environment that sees nothing else (no system site packages), so a
dependency missing from ``pyproject.toml`` fails the test instead of being
borrowed from whatever the machine happens to have.  Fetching them again
would need the network; instead each installed distribution is packed back
into a wheel from the files its ``RECORD`` lists, and pip installs from that
folder with ``--no-index`` and resolves the dependencies itself.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import sys_tags
from packaging.utils import canonicalize_name as canonical


def dependency_closure(root: str, extras: frozenset[str] = frozenset()) -> list[metadata.Distribution]:
    """``root`` and every distribution it needs (for this interpreter), installed here."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [(root, extras)]
    while todo:
        name, wanted = todo.pop()
        key = canonical(name)
        if key in seen:
            continue
        dist = metadata.distribution(name)
        seen[key] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in wanted | {""}):
                todo.append((requirement.name, frozenset(requirement.extras)))
    return [seen[k] for k in sorted(seen)]


def pack(dist: metadata.Distribution, folder: Path) -> Path:
    """A wheel of one installed distribution, from the files its RECORD lists inside site-packages.

    Scripts outside site-packages (``../../bin/…``) are left out: pip writes
    console scripts again from ``entry_points.txt``.  RECORD is rewritten with
    the hashes of what was packed.
    """
    info = Path(str(dist._path))  # type: ignore[attr-defined]  # the .dist-info folder
    site = info.parent
    name, version = re.sub(r"[-.]+", "_", dist.metadata["Name"]), dist.version
    tag = _tag(info / "WHEEL")
    wheel = folder / f"{name}-{version}-{tag}.whl"
    record_name = f"{info.name}/RECORD"
    rows: list[tuple[str, str, str]] = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as archive:
        for row in csv.reader((info / "RECORD").read_text().splitlines()):
            rel = row[0]
            if not rel or rel.startswith("..") or rel == record_name or "__pycache__" in rel or rel.endswith(".pyc"):
                continue
            path = site / rel
            if not path.is_file():
                continue
            data = path.read_bytes()
            archive.writestr(rel, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            rows.append((rel, f"sha256={digest}", str(len(data))))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows + [(record_name, "", "")])
        archive.writestr(record_name, out.getvalue())
    return wheel


def _tag(wheel_file: Path) -> str:
    """The distribution's ``Tag:`` that this interpreter installs (a WHEEL file may list ``py2`` first)."""
    listed = [line.split(":", 1)[1].strip() for line in wheel_file.read_text().splitlines() if line.startswith("Tag:")] \
        if wheel_file.is_file() else []
    usable = {str(tag) for tag in sys_tags()}
    return next((tag for tag in listed if tag in usable), "py3-none-any")


def wheelhouse(root: str, folder: Path) -> list[Path]:
    """Wheels of everything ``root`` needs, except ``root`` itself (built from the source separately)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [pack(dist, folder) for dist in dependency_closure(root) if canonical(dist.metadata["Name"]) != canonical(root)]
