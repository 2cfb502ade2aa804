"""Progress on a terminal, and the one-line summary every build ends with.

Progress goes to stderr and only when it is a terminal (so logs and CI stay
clean); the summary is always printed, because it is what people read.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

from ..options import BuildResult, Progress
from ..diagnostics import shown


class TerminalProgress(Progress):
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.name, self.total, self.done = "", 0, 0
        self.last_draw = 0.0

    @classmethod
    def for_stream(cls, stream: TextIO, quiet: bool) -> Progress:
        return cls(stream) if not quiet and stream.isatty() else Progress()

    def stage(self, name: str, total: int = 0) -> None:
        if self.name:
            self.stream.write("\n")
        self.name, self.total, self.done = name, total, 0
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._draw(force=self.done >= self.total)

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        if self.total:
            width = 30
            filled = int(width * min(self.done, self.total) / self.total)
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r{self.name:<24} [{bar}] {self.done}/{self.total}")
        else:
            self.stream.write(f"\r{self.name}…")
        self.stream.flush()

    def __del__(self) -> None:
        if self.name:
            self.stream.write("\n")


def summary_line(result: BuildResult, output: Path) -> str:
    tiers = ", ".join(f"{n} {tier}" for tier, n in result.tier_counts.items())
    megabytes = result.bytes / 1_000_000
    changed = f"{result.files - result.kept} written, {result.kept} kept, {result.removed} removed"
    return (f"Built {shown(output)}: {result.pages} pages, {result.files} files ({megabytes:.1f} MB; {changed}); "
            f"businesses: {tiers}; {len(result.warnings)} warnings; {result.seconds:.2f} s")
