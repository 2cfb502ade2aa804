"""Stage 1 from the cache: a content file read before is not parsed again.

The key is the file's bytes (with its name, the site's default region and
badgedir's own code, which decide how it is read).  A business file also
reads the logo files it names, so those are its *discovered inputs*, as
Bazel or ninja's depfiles call them: the entry lists each logo it looked for
with what it found, and a hit is taken only when every one is still the same.
"""

from __future__ import annotations

import os
import pickle
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..read import logos
from ..read.reading import read_at_most
from ..read.spans import Span, read_span
from ..read.yamlstrict import MAX_FILE_BYTES
from .keys import digest
from .store import Store

_NONBLOCKING = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def cached_read(store: Store, read: Callable[..., Any], kind: str, path: Path, rel: str, region: str,
                content_dir: Path, span: Span | None = None) -> Any:
    """``read(kind, path, rel, region, content_dir, span)``, or its result from an earlier build.

    A span of a big file (see :mod:`generator.read.spans`) is keyed on its
    own bytes and on where it sits (first line, header, whether it ends the
    file), which is all its reader sees; an edit elsewhere in the file moves
    the spans after it and so misses only those whose bytes or lines changed.
    """
    data = _plain_bytes(path, span)
    if data is None:  # not a plain file, too large, unreadable: the reader says what is wrong
        with logos.noting_lookups() as looked_up:
            result = read(kind, path, rel, region, content_dir, span)
        result.looked_up = tuple(dict.fromkeys(looked_up))
        return result
    where = () if span is None else (span.start == 0, span.first_line, span.last, span.header, span.header_line)
    key = digest("read", kind, rel, region, repr(where), data)
    entry = store.get("read", key)
    if entry is not None:
        depends, result = pickle.loads(entry)
        if all(_logo_state(value, content_dir) == state for value, state in depends):
            return result
    with logos.noting_lookups() as looked_up:
        result = read(kind, path, rel, region, content_dir, span)
    result.looked_up = tuple(dict.fromkeys(looked_up))  # for the readings kept whole (cache/readings.py)
    depends = [(value, _logo_state(value, content_dir)) for value in result.looked_up]
    store.put("read", key, pickle.dumps((depends, result), protocol=pickle.HIGHEST_PROTOCOL))
    return result


def _plain_bytes(path: Path, span: Span | None = None) -> bytes | None:
    """The bytes of a regular file (or of one span of it) that is not a link, opened so that a FIFO cannot block us."""
    try:
        if os.path.islink(path):
            return None
        fd = os.open(path, _NONBLOCKING)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or (span is None and info.st_size > MAX_FILE_BYTES):
                return None
        finally:
            os.close(fd)
        if span is not None:
            return read_span(path, span)
        data = read_at_most(path, MAX_FILE_BYTES)
    except OSError:
        return None
    return data if len(data) <= MAX_FILE_BYTES else None


def _logo_state(value: str, content_dir: Path) -> str:
    """What looking up a logo finds: the refusal message, or the file's bytes."""
    path, message = logos.check_logo_path(value, content_dir)
    if path is None:
        return digest("refused", message)
    try:
        return digest("file", read_at_most(path, logos.MAX_LOGO_BYTES))
    except OSError as exc:
        return digest("unreadable", str(exc))
