"""The checkable record (issue #17): what lets anyone downstream tell a genuine, current copy of
the directory from a stale or altered one.

* :mod:`.minisign` — keys and signatures in minisign's file format, over ``cryptography``'s Ed25519;
* :mod:`.manifest` — ``manifest.json`` (every file's hash, the validity window, a version that only
  grows) and ``status.json``, written over the staging folder just before it is published;
* :mod:`.source` and :mod:`.verify` — ``badgedir verify``: read a copy (a folder or a URL) with
  every read bounded, and list every problem by path;
* :mod:`.changes` and :mod:`.feed` — the tier-change feed (``changes.xml``, ``api/changes.json``).
"""
