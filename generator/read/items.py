"""What reading one content file, or one span of it, yields: :class:`Items`.

Its own module because every format's parser returns one and
:mod:`generator.read.formats` calls those parsers: kept in ``formats`` it
made each parser import the module that imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic


@dataclass(slots=True)
class Items:
    """What one file, or one span of it, holds: each record with the line it starts on.

    ``failed`` marks a span that could not be read as a piece of its file
    (a parse error, or a split that may have fallen inside a quoted value);
    the caller then reads the file again from that span's start to its end in
    one piece, so every error is reported exactly as a whole-file read would.
    ``fatal`` says what that read found voids the whole file, as a YAML parse
    error does: the records other spans read are then dropped too.
    """

    records: list[tuple[object, int]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: bool = False
    fatal: bool = False  # the file cannot be read at all (a YAML parse error, bytes that are not UTF-8): only this counts
