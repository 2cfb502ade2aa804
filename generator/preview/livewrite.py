"""Change a served site in place, one file at a time, each change atomic.

A full build renders beside the output and swaps folders (:mod:`generator.write`);
a live preview changes a handful of files in the folder it is serving, so
each file is written to a temporary name in its own folder and renamed over
the old one: a browser reading it gets the old page or the new one, never
half of one.  Pages that are removed take their emptied folders with them,
so the folder always looks exactly like a fresh build of the same content.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path

TEMP_PREFIX = ".badgedir-tmp-"


class Served:
    """The folder a preview serves, with counts of what each update changed."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.written = 0
        self.removed = 0
        self.bytes = 0

    def path(self, rel: str) -> Path:
        if rel.startswith("/") or ".." in rel.split("/") or not rel:
            raise ValueError(f"refusing to write outside the served folder: {rel!r}")  # a bug, not content
        return self.root / rel

    def write(self, rel: str, data: bytes) -> None:
        target = self.path(rel)
        temp = target.parent / f"{TEMP_PREFIX}{os.getpid()}-{target.name}"
        try:
            handle = open(temp, "wb")
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = open(temp, "wb")
        with handle:
            handle.write(data)
        os.replace(temp, target)
        self.written += 1
        self.bytes += len(data)

    def adopt(self, source: Path, rel: str) -> None:
        """Move a file rendered elsewhere on the same disk into place."""
        target = self.path(rel)
        try:
            os.replace(source, target)
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        self.written += 1

    def remove(self, rel: str) -> None:
        target = self.path(rel)
        try:
            target.unlink()
        except FileNotFoundError:
            return
        self.removed += 1
        self._prune(target.parent)

    def rename_folder(self, old: str, new: str) -> None:
        """Move a whole folder (an index whose content hash changed); the new name must not exist."""
        target = self.path(new)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(self.path(old), target)
        self._prune(self.path(old).parent)

    def _prune(self, folder: Path) -> None:
        while folder != self.root and folder.is_relative_to(self.root):
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent


def sync(served: Served, before: Mapping[str, bytes], after: Mapping[str, bytes],
         keep: Callable[[str], bool] = lambda path: False) -> None:
    """Make a group of files go from ``before`` to ``after``, moving renamed hash folders whole."""
    moves = _folder_moves(before, after)
    for old, new in moves.items():
        served.rename_folder(old, new)
    moved = {_moved(path, moves): data for path, data in before.items()}
    for path in sorted(moved.keys() - after.keys()):
        if not keep(path):
            served.remove(path)
    for path, data in after.items():
        if moved.get(path) != data:
            served.write(path, data)


def _folder_moves(before: Mapping[str, bytes], after: Mapping[str, bytes]) -> dict[str, str]:
    """search/<old hash>/ → search/<new hash>/ (and lookup/), read from the two manifests."""
    moves = {}
    for root in ("search/", "lookup/"):
        old, new = before.get(f"{root}manifest.json"), after.get(f"{root}manifest.json")
        if old and new:
            old_base, new_base = json.loads(old)["base"], json.loads(new)["base"]
            if old_base != new_base:
                moves[f"{root}{old_base}".rstrip("/")] = f"{root}{new_base}".rstrip("/")
    return moves


def _moved(path: str, moves: Mapping[str, str]) -> str:
    for old, new in moves.items():
        if path.startswith(old + "/"):
            return new + path[len(old):]
    return path
