"""Flag look-alikes of verified businesses.

An impostor rarely copies a name exactly: it adds "Support", swaps a Latin
``I`` for a Greek ``Ι`` or a lowercase ``l``.  A lower-tier business is
flagged when a verified business's name appears in its name (as whole
words), when the two names are equal ignoring case and accents, or when
their UTS #39 confusable *skeletons* are equal.  Skeletons come from
Unicode's confusables data as shipped by the ``confusable_homoglyphs``
package, not from a hand-made table.

Flagged businesses still build; their pages and search results say whose
verified account they are not.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .model import Business
from .slugs import fold

MIN_CONTAINED_LENGTH = 4  # a verified "Bar" must not flag every bar in the country


@lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """Character → its confusable prototype, from Unicode's confusables.txt (via confusable_homoglyphs)."""
    import confusable_homoglyphs

    data = json.loads((Path(confusable_homoglyphs.__file__).parent / "confusables.json").read_text("utf-8"))
    prototypes: dict[str, str] = {}
    for char, homoglyphs in data.items():
        # A source character lists exactly its prototype, which lists it back.
        if len(char) == 1 and len(homoglyphs) == 1:
            target = homoglyphs[0]["c"]
            if any(h["c"] == char for h in data.get(target, ())):
                prototypes[char] = target
    return prototypes


def skeleton(text: str) -> str:
    """UTS #39 skeleton: NFD, each character replaced by its prototype, NFD again."""
    table = _prototypes()
    mapped = "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in re.split(r"[^\w]+", text) if w)


def _forms(name: str) -> tuple[tuple[str, ...], ...]:
    """The word sequences a name is compared by: folded, and folded skeleton."""
    return _words(fold(name)), _words(fold(skeleton(name)))


def find_impostors(businesses: Iterable[Business], verified: list[Business]) -> dict[str, Business]:
    """Map each non-verified business id to the verified business it resembles."""
    exact: dict[tuple[str, ...], Business] = {}
    contained: dict[tuple[str, ...], Business] = {}
    verified_ids = {b.id for b in verified}
    for original in sorted(verified, key=lambda b: b.id):
        for words in _forms(original.name):
            exact.setdefault(words, original)
            if len(" ".join(words)) >= MIN_CONTAINED_LENGTH:
                contained.setdefault(words, original)
    found: dict[str, Business] = {}
    for business in businesses:
        if business.id in verified_ids:
            continue
        match = _match(business, exact, contained)
        if match is not None and match.whatsapp != business.whatsapp:
            found[business.id] = match
    return found


def _match(business: Business, exact: dict, contained: dict) -> Business | None:
    for words in _forms(business.name):
        if words in exact:
            return exact[words]
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                hit = contained.get(words[start:end])
                if hit is not None:
                    return hit
    return None
