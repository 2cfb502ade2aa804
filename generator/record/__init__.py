"""The checkable record (issue #17): what lets anyone downstream tell a genuine, current copy of
the directory from a stale or altered one.

* :mod:`.minisign` — keys and signatures in minisign's file format, over ``cryptography``'s Ed25519;
* :mod:`.manifest` — ``manifest.json`` (every file's hash, the validity window, a version that only
  grows) and ``status.json``, written over the staging folder just before it is published;
* :mod:`.source` and :mod:`.verify` — ``badgedir verify``: read a copy (a folder or a URL) with
  every read bounded, and list every problem by path;
* :mod:`.changes` and :mod:`.feed` — the tier-change feed (``changes.xml``, ``api/changes.json``).
"""


def published_only(rel: str) -> bool:
    """Files only a published build writes (the manifest, signature, key and feed); the live preview,
    which is no published copy, leaves them out (it does write ``status.json``)."""
    return rel in ("manifest.json", "manifest.json.minisig", "minisign.pub", "api/changes.json",
                   "api/feed-state.json") or rel == "changes.xml" or rel.endswith("/changes.xml")
