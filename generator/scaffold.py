"""``badgedir init DIR [--format yaml|csv|jsonl]``: a new directory that builds at once.

Copies the starter content (one business of each tier, with its register row
and verification record) and the default FAQ pages, both shipped inside the
package so a plain ``pip install`` has them.  With ``--format csv`` or
``jsonl`` the businesses, register and verification files are written in
that format instead of YAML (``starter_csv/``, ``starter_jsonl/``: the same
records; a test builds all three and compares the sites), as a start for an
operator who will fill them from a database export.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .diagnostics import UsageError
from .bundled import builtin_dir

STARTER = Path(__file__).parent / "starter"
FORMATS = ("yaml", "csv", "jsonl")
_LISTS = ("businesses", "register", "verifications")


def create_directory(target: Path, fmt: str = "yaml") -> list[Path]:
    if fmt not in FORMATS:
        raise UsageError(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} already exists and is not empty")
    if fmt == "yaml":
        shutil.copytree(STARTER, target, dirs_exist_ok=True)
    else:
        shutil.copytree(STARTER, target, dirs_exist_ok=True, ignore=lambda folder, names: (
            names if Path(folder).name in _LISTS else []))
        shutil.copytree(Path(__file__).parent / f"starter_{fmt}", target, dirs_exist_ok=True)
    shutil.copytree(builtin_dir("faq"), target / "faq", dirs_exist_ok=True)
    return sorted(p for p in target.rglob("*") if p.is_file())


def ignore_cache(folder: Path, cache_dir: str) -> bool:
    """Add the build cache to ``folder/.gitignore`` (the cache lives where badgedir runs); False if it was there."""
    ignore = folder / ".gitignore"
    line = f"{cache_dir}/"
    existing = ignore.read_text("utf-8") if ignore.is_file() else ""
    if line in existing.splitlines():
        return False
    with ignore.open("a", encoding="utf-8") as f:
        f.write(("" if not existing or existing.endswith("\n") else "\n") + line + "\n")
    return True
