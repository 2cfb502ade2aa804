"""Key files for the CLI: ``badgedir keygen``, ``--sign-key`` or ``$BADGEDIR_SIGN_KEY``, ``--key``.

A CI secret is text in an environment variable, not a file, so the signing key
can come from ``BADGEDIR_SIGN_KEY`` (the secret key file's text) and its
passphrase from ``BADGEDIR_SIGN_PASSPHRASE``.  Every problem is a
:class:`~generator.diagnostics.UsageError` naming the file and why.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..diagnostics import UsageError
from .minisign import KeyError_, PublicKey, SecretKey, generate, read_public_key, read_secret_key

SIGN_KEY_ENV = "BADGEDIR_SIGN_KEY"
PASSPHRASE_ENV = "BADGEDIR_SIGN_PASSPHRASE"


def keygen(path: Path, passphrase_env: str | None, environ: Mapping[str, str], force: bool = False) -> PublicKey:
    """Write a new secret key (mode 0600, encrypted when a passphrase is given) and ``PATH.pub``."""
    public_path = path.with_name(path.name + ".pub")
    passphrase = None
    if passphrase_env:
        passphrase = environ.get(passphrase_env)
        if not passphrase:
            raise UsageError(f"--passphrase-env: ${passphrase_env} is not set or empty")
    for existing in (path, public_path):
        if existing.exists() and not force:
            raise UsageError(f"{existing} exists: refusing to overwrite a key (--force replaces it)")
    key = generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    if force:
        path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others, not even briefly
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.text(passphrase))
    os.chmod(path, 0o600)  # whatever the umask
    public_path.write_text(key.public.text(), encoding="ascii")
    return key.public


def load_sign_key(path: Path | None, environ: Mapping[str, str]) -> SecretKey | None:
    """``--sign-key FILE``, else ``$BADGEDIR_SIGN_KEY``, else no key (an unsigned manifest)."""
    if path is not None:
        try:
            text, where = path.read_text(encoding="utf-8"), f"--sign-key {path}"
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--sign-key: cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    elif environ.get(SIGN_KEY_ENV):
        text, where = environ[SIGN_KEY_ENV], f"${SIGN_KEY_ENV}"
    else:
        return None
    try:
        return read_secret_key(text, environ.get(PASSPHRASE_ENV) or None)
    except KeyError_ as exc:
        hint = f" (set ${PASSPHRASE_ENV})" if "passphrase" in str(exc) else ""
        raise UsageError(f"{where}: {exc}{hint}") from None


def load_public_key(path: Path, option: str) -> PublicKey:
    try:
        return read_public_key(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{option}: cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    except KeyError_ as exc:
        raise UsageError(f"{option} {path}: {exc}") from None
