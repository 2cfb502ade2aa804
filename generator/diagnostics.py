"""Errors are data: every stage collects diagnostics instead of raising.

Content written by hand has many mistakes at once; an operator wants to see
them all in one run (as MkDocs reports every config error), each located as
``path:line: message`` so an editor can jump to it.  Exceptions are kept for
bugs and for the few conditions that stop a build as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .pickling import pickled_by_fields

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem found in the content, located by file and line.

    ``path`` is relative to the content folder (or a template name), so the
    message reads the same on every machine and in every test.
    """

    path: str
    line: int
    message: str
    level: Level = "error"

    def __str__(self) -> str:
        """``path:line: message`` on one line, the path and message passed through :func:`shown`."""
        where = f"{shown(self.path)}:{self.line}" if self.line else shown(self.path)
        prefix = "warning: " if self.level == "warning" else ""
        return f"{where}: {prefix}{shown(self.message)}"


def shown(text: object) -> str:
    """``text`` safe to print on one line: anything unprintable a business or a file name holds
    (terminal escapes, line breaks that would fake another diagnostic, bidi controls) as ``\\uXXXX``,
    and the bytes of a file name that are not UTF-8 (kept by Python as lone surrogates) as ``\\xNN``."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF
                   else f"\\u{ord(c):04x}" for c in text)


def ContentError(path: str, line: int, message: str) -> Diagnostic:  # noqa: N802 - reads like a type
    """An error in the content: the build must not publish."""
    return Diagnostic(path, line, message, "error")


def ContentWarning(path: str, line: int, message: str) -> Diagnostic:  # noqa: N802
    """Something the operator should look at; fatal only with ``--strict``."""
    return Diagnostic(path, line, message, "warning")


pickled_by_fields(Diagnostic)


def errors_in(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.level == "error"]


class BuildFailed(Exception):
    """The content or templates are not fit to publish; carries every reason."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class UsageError(Exception):
    """The command line itself is wrong (exit status 2)."""
