"""What one preview build or update did: :class:`Update`, for the terminal and the browser overlay."""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class Update:
    """What one build or update did, for the terminal and the browser overlay."""

    ok: bool
    full: bool
    errors: tuple[Diagnostic, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    pages: int = 0  # pages rendered
    written: int = 0  # files written (pages included)
    removed: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.ok:
            count = len(self.errors)
            return f"{count} error{'s' if count != 1 else ''}; still serving the last good site"
        kind = "built" if self.full else "updated"
        return (f"{kind} in {self.seconds * 1000:.0f} ms: {self.pages} pages rendered, "
                f"{self.written} files written, {self.removed} removed")
