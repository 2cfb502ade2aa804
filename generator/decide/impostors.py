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

from ..model import Business
from ..read.slugs import fold, without_marks

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


@lru_cache(maxsize=1)
def _prototype_table() -> dict[int, str]:
    return {ord(char): target for char, target in _prototypes().items()}


def skeleton(text: str) -> str:
    """UTS #39 skeleton: NFD, each character replaced by its prototype, NFD again."""
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).translate(_prototype_table()))


_SEPARATOR = re.compile(r"[\W_]+")


def _words(text: str) -> tuple[str, ...]:
    """Words split at anything but a letter or digit, with spaced-out letters ("I B E R I A") joined."""
    words: list[str] = []
    single: list[str] = []
    for word in _SEPARATOR.split(text) + [""]:
        if len(word) == 1:
            single.append(word)
            continue
        words += ["".join(single)] if len(single) > 1 else single
        single = []
        if word:
            words.append(word)
    return tuple(words)


def _forms(name: str) -> tuple[tuple[str, ...], ...]:
    """The word sequences a name is compared by.

    Folded (case and accents ignored, digits apart: "Iberia24"); the folded
    skeleton; the skeleton of the name as written and of its capitals, keeping
    case, so that ``IBERlA`` with a small ``l`` meets ``Iberia`` (whose
    capitals read ``IBERIA``); and the first two squashed into one word, so
    ``Iber ia`` meets ``Iberia``.
    """
    name = _CAMEL.sub(" ", unicodedata.normalize("NFKC", name))  # "IberiaSupport" is two words
    shape = skeleton(name)
    forms = [_words(fold(_DIGITS.sub(" ", name))), _words(fold(shape)),
             _words(without_marks(shape)), _words(without_marks(skeleton(name.upper())))]
    forms += [("".join(words),) for words in forms[:2] if len(words) > 1]
    return tuple(dict.fromkeys(forms))


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_DIGITS = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


class Resemblance:
    """The verified names, indexed once; a live preview checks each edited business against them."""

    def __init__(self, verified: list[Business]) -> None:
        self.exact: dict[tuple[str, ...], Business] = {}
        self.contained: dict[tuple[str, ...], Business] = {}
        self.verified_ids = {b.id for b in verified}
        self.verified = tuple(verified)
        for original in sorted(verified, key=lambda b: b.id):
            for words in _forms(original.name):
                self.exact.setdefault(words, original)
                if len(" ".join(words)) >= MIN_CONTAINED_LENGTH:
                    self.contained.setdefault(words, original)
        self.first_words = {words[0] for words in self.contained}  # where a contained name can start

    def find(self, businesses: Iterable[Business]) -> dict[str, Business]:
        found: dict[str, Business] = {}
        for business in businesses:
            if business.id in self.verified_ids:
                continue
            match = self._match(business)
            if match is not None and match.whatsapp != business.whatsapp:
                found[business.id] = match
        return found

    def _match(self, business: Business) -> Business | None:
        for words in _forms(business.name):
            if words in self.exact:
                return self.exact[words]
            for start in range(len(words)):
                if words[start] not in self.first_words:
                    continue
                for end in range(start + 1, len(words) + 1):
                    hit = self.contained.get(words[start:end])
                    if hit is not None:
                        return hit
        return None
