"""The read stage of the last build, kept whole: a warm build reads only the files whose bytes changed.

Each content file's reading is a piece of work of its own (:mod:`~generator.cache.reads`), but
looking up 100,000 of them one by one costs a store read and an unpickling each: 11.5 s on two
cores at 100,000 businesses, for a build where one file in a hundred changed.  The ledger of
inputs (:mod:`~generator.cache.inputs`) already says which files changed, so the readings of the
last build are also kept together, each beside the hash of the bytes it was read from.  A file
whose hash in this build's ledger is the one it had then takes its reading from there; the others
are read as before (from their own entries when an earlier build saw the same bytes).

What else a reading depends on: badgedir's code (the store's folder) and the default region
(site.yaml's, which decides how every number is read) are the key of the whole set; the logo files
a business file names are discovered inputs of its reading, kept with it with what the ledger held
along each path (each folder, the file), and a reading is taken only while that is unchanged.

The set is kept as a base and a delta: a build that re-read a few files stores only those, and the
base is written again when the delta has grown past a tenth of it, so a daily build does not pay
for pickling 100,000 readings to change a thousand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .inputs import Ledger
from .keys import digest
from .store import Store

REBASE_FRACTION = 0.1  # a delta past this share of the base is folded into a new base
Reading = tuple[str, Any, tuple]  # (the SHA-256 of the bytes read, what reading them yielded, its logo paths
# with what the ledger held along each)


@dataclass
class Readings:
    """The readings this build may reuse, and those it makes, by content-relative path."""

    store: Store
    key: str  # of the content folder: one set per folder
    context: str  # the region and the other inputs: a set made under another is not used
    ledger: Ledger
    old: dict[str, Reading] = field(default_factory=dict)
    base_name: str = ""
    base_size: int = 0
    delta: dict[str, Reading | None] = field(default_factory=dict)  # what the stored delta already holds
    made: dict[str, Reading] = field(default_factory=dict)  # read by this build

    @classmethod
    def open(cls, store: Store, ledger: Ledger | None, content_dir: Path, region: str) -> "Readings | None":
        """The set for ``content_dir``, or None without a ledger (no cache, or a build that keeps no memo)."""
        if ledger is None:
            return None
        readings = cls(store, digest("readings", str(content_dir.absolute())), digest(region), ledger)
        head = store.get_value("readings", readings.key)
        if isinstance(head, tuple) and len(head) == 4 and head[0] == readings.context:
            _, readings.base_name, readings.base_size, delta_name = head
            base = store.get_value("readings-base", readings.base_name)
            delta = store.get_value("readings-delta", delta_name) if delta_name else {}
            if isinstance(base, dict) and isinstance(delta, dict):
                readings.old = {rel: reading for rel, reading in {**base, **delta}.items() if reading is not None}
                readings.delta = delta
        return readings

    def reuse(self, rel: str) -> Any | None:
        """The reading of ``rel`` from the last build, if its bytes, and what its logo paths find, are the
        ones read then."""
        known = self.old.get(rel)
        entry = self.ledger.files.get(f"content/{rel}")
        if known is None or entry is None or known[0] != entry[1]:
            return None
        result, logos = known[1], known[2]
        if any(self._found(value) != found for value, found in logos):
            return None
        return result

    def _found(self, value: str) -> tuple[str | None, ...]:
        """What the ledger holds along a logo path as written (each folder, then the file or a folder by its
        name): a reading that looked it up holds while this does.  A path the reader refuses for its
        spelling (``..``, ``\\``) is refused whatever is on disk, and finds nothing here either."""
        parts = PurePosixPath(value).parts  # as the reader resolves it: "a//b" is a/b
        files = self.ledger.files
        found = [files.get("content/" + "/".join(parts[:n]) + "/", (None, None))[1] for n in range(1, len(parts))]
        name = "content/" + "/".join(parts)
        return (*found, files.get(name, (None, None))[1], files.get(name + "/", (None, None))[1])

    def signature(self, rel: str) -> tuple[int, ...] | None:
        """The stat the ledger recorded for ``rel``: what a reading reused was read under."""
        entry = self.ledger.files.get(f"content/{rel}")
        return entry[0] if entry is not None else None

    def made_reading(self, rel: str, result: Any) -> None:
        entry = self.ledger.files.get(f"content/{rel}")
        logos = tuple((value, self._found(value)) for value in getattr(result, "looked_up", ()))
        if entry is not None and not entry[1].startswith("unsettled:") and \
                not any(part is not None and part.startswith("unsettled:") for _, found in logos for part in found):
            self.made[rel] = (entry[1], result, logos)

    def save(self, present: list[str]) -> None:
        """Keep this build's readings of the files ``present`` for the next build, as a delta when small."""
        wanted = set(present)
        removed = {rel: None for rel in self.old if rel not in wanted}
        if not self.made and not removed and self.old:
            return  # the stored set is this build's already
        delta = {**self.delta, **self.made, **removed}  # None: a file no longer there
        if self.old and len(delta) <= max(1, self.base_size) * REBASE_FRACTION:
            delta_name = digest("delta", self.base_name, sorted((r, v[0] if v else None) for r, v in delta.items()))
            self.store.put_value("readings-delta", delta_name, delta)
            head = (self.context, self.base_name, self.base_size, delta_name)
        else:
            base = {rel: reading for rel, reading in {**self.old, **self.made}.items() if rel in wanted}
            name = digest("base", sorted((r, v[0]) for r, v in base.items()))
            self.store.put_value("readings-base", name, base)
            head = (self.context, name, len(base), "")
        self.store.put_value("readings", self.key, head)
