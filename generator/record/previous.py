"""``--previous DIR|URL``: the copy this build replaces, trusted only once its signature checks.

Its manifest is checked against the site's public key, and each file read from
it (the feed's state and changes) against the manifest's hash, before anything
in them reaches the new build.  A previous copy that fails any check stops the
build with every reason (a silently ignored one would let a feed lose entries).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from ..diagnostics import BuildFailed, Diagnostic, UsageError
from .changes import Previous, read_changes, read_state
from .feed import CHANGES_JSON, STATE_JSON
from .manifest import PreviousCopy
from .minisign import PublicKey
from .source import Limits, ReadProblem, open_copy
from .verify import read_manifest


@dataclass(frozen=True, slots=True)
class PreviousSite:
    copy: PreviousCopy  # for the version
    feed: Previous | None  # None: the copy has no feed state (made before the feed existed)


def load_previous(target: str, key: PublicKey, limits: Limits | None = None) -> PreviousSite:
    try:
        copy = open_copy(target, limits)
    except ValueError as exc:
        raise UsageError(f"--previous: {exc}") from None
    try:
        problems: list[Diagnostic] = []
        manifest = read_manifest(copy, key, problems)
        if problems or manifest is None:
            raise BuildFailed([Diagnostic(f"--previous {target}/{d.path}", 0, d.message) for d in problems])
        files = {rel: (info["sha256"], info["bytes"]) for rel, info in manifest["files"].items()
                 if isinstance(info, dict) and isinstance(info.get("sha256"), str) and isinstance(info.get("bytes"), int)}
        previous = PreviousCopy(manifest["version"], manifest["as_of"], files)
        values = {}
        for rel in (STATE_JSON, CHANGES_JSON):
            if rel not in files:
                return PreviousSite(previous, None)
            sha, size = files[rel]
            try:
                data = copy.read(rel, size)
            except ReadProblem as exc:
                raise BuildFailed([Diagnostic(f"--previous {target}/{rel}", 0, str(exc))]) from None
            if hashlib.sha256(data).hexdigest() != sha:
                raise BuildFailed([Diagnostic(f"--previous {target}/{rel}", 0, "altered: its sha256 differs from the signed manifest's")])
            try:
                values[rel] = json.loads(data)
            except ValueError:
                values[rel] = None
        state, changes = read_state(values[STATE_JSON]), read_changes(values[CHANGES_JSON])
        if state is None or changes is None:
            raise BuildFailed([Diagnostic(f"--previous {target}/{STATE_JSON if state is None else CHANGES_JSON}", 0,
                                          "signed, but not in the shape this badgedir reads")])
        return PreviousSite(previous, Previous(manifest["as_of"], state, changes))
    finally:
        copy.close()
