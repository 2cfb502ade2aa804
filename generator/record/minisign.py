"""Keys and signatures in minisign's format, so consumers check a copy with a stock tool.

A directory's manifest is signed so that anyone can check it with ``minisign -V``
(packaged by Debian, Homebrew, Scoop…) without trusting badgedir's own code.
The format (https://jedisct1.github.io/minisign/), in the lines the files hold:

* public key: ``"Ed" ‖ key id (8) ‖ Ed25519 public key (32)``, base64, under an untrusted comment;
* secret key: ``"Ed" ‖ kdf "Sc" or "\\0\\0" ‖ "B2" ‖ salt (32) ‖ opslimit (8, LE) ‖ memlimit (8, LE)
  ‖ [key id (8) ‖ seed+public key (64) ‖ BLAKE2b-256 checksum (32)]``, the bracketed part XORed
  with scrypt(passphrase, salt) when the key is encrypted;
* signature: ``"ED" ‖ key id ‖ Ed25519(BLAKE2b-512(file))``, then the trusted comment and an
  Ed25519 signature over ``signature ‖ trusted comment``, which is what makes the comment trusted.

The signing itself is ``cryptography``'s Ed25519 (no hand-written crypto here:
this module only lays bytes out).  Errors are :class:`KeyError_` values with a
message for a person; callers turn them into diagnostics or usage errors.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

# scrypt limits written into an encrypted key, in libsodium's terms (minisign reads them back from
# the file).  minisign's own are 2^25 / 1 GiB; these give scrypt N=2^17, r=8, p=2 (128 MiB, under a
# second) because a CI runner decrypts the key on every build, and still above OWASP's minimum.
OPSLIMIT = 1 << 23
MEMLIMIT = 1 << 27
_MAX_MEMLIMIT = 1 << 31  # a key file asking for more is refused rather than allowed to exhaust memory
_SECRET_BYTES = 158
_KEYNUM_SK = 104


class KeyError_(ValueError):  # noqa: N801 - KeyError is the builtin's
    """A key or signature that cannot be read or does not check; the message says which and why."""


@dataclass(frozen=True, slots=True)
class PublicKey:
    key_id: bytes  # 8 bytes
    key: bytes  # 32 bytes

    @property
    def id_hex(self) -> str:
        """The key id as minisign prints it: the 8 bytes as a little-endian number in hex."""
        return f"{int.from_bytes(self.key_id, 'little'):016X}"

    def base64(self) -> str:
        return base64.b64encode(b"Ed" + self.key_id + self.key).decode("ascii")

    def text(self) -> str:
        """The ``.pub`` file: ``minisign -V -p FILE`` reads it."""
        return f"untrusted comment: minisign public key {self.id_hex}\n{self.base64()}\n"


@dataclass(frozen=True, slots=True)
class SecretKey:
    key_id: bytes
    seed: bytes  # the 32-byte Ed25519 private key

    @property
    def public(self) -> PublicKey:
        raw = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return PublicKey(self.key_id, raw)

    def text(self, passphrase: str | None = None) -> str:
        """The secret key file, encrypted with ``passphrase`` as minisign does, or not encrypted."""
        secret = self.seed + self.public.key
        checksum = hashlib.blake2b(b"Ed" + self.key_id + secret, digest_size=32).digest()
        keynum = self.key_id + secret + checksum
        if passphrase is None:
            head = b"Ed\0\0B2" + bytes(32) + bytes(16)
            comment = "minisign secret key (not encrypted)"
        else:
            salt = secrets.token_bytes(32)
            keynum = _xor(keynum, _stream(passphrase, salt, OPSLIMIT, MEMLIMIT))
            head = b"EdScB2" + salt + OPSLIMIT.to_bytes(8, "little") + MEMLIMIT.to_bytes(8, "little")
            comment = "minisign encrypted secret key"
        return f"untrusted comment: {comment}\n{base64.b64encode(head + keynum).decode('ascii')}\n"

    def sign(self, data: bytes, trusted_comment: str,
             untrusted_comment: str = "signature from badgedir secret key") -> str:
        """A ``.minisig`` for ``data`` (prehashed, minisign's default since 0.10)."""
        if "\n" in trusted_comment or "\r" in trusted_comment:
            raise KeyError_("a trusted comment is one line")
        private = Ed25519PrivateKey.from_private_bytes(self.seed)
        signature = private.sign(hashlib.blake2b(data, digest_size=64).digest())
        comment = trusted_comment.encode("utf-8")
        global_signature = private.sign(signature + comment)
        return (f"untrusted comment: {untrusted_comment}\n"
                f"{base64.b64encode(b'ED' + self.key_id + signature).decode('ascii')}\n"
                f"trusted comment: {trusted_comment}\n"
                f"{base64.b64encode(global_signature).decode('ascii')}\n")


def generate() -> SecretKey:
    return SecretKey(secrets.token_bytes(8), secrets.token_bytes(32))


def read_public_key(text: str) -> PublicKey:
    """A ``.pub`` file's text, or the bare base64 line ``minisign -P`` takes."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if not lines:
        raise KeyError_("empty public key")
    line = lines[1] if lines[0].startswith("untrusted comment:") and len(lines) > 1 else lines[0]
    raw = _b64(line, "public key")
    if len(raw) != 42 or raw[:2] != b"Ed":
        raise KeyError_("not a minisign Ed25519 public key")
    return PublicKey(raw[2:10], raw[10:])


def read_secret_key(text: str, passphrase: str | None = None) -> SecretKey:
    """A secret key file's text; ``passphrase`` is needed when it is encrypted."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) < 2 or not lines[0].startswith("untrusted comment:"):
        raise KeyError_("not a minisign secret key file (two lines: an untrusted comment, then the key)")
    raw = _b64(lines[1], "secret key")
    if len(raw) != _SECRET_BYTES or raw[:2] != b"Ed" or raw[4:6] != b"B2":
        raise KeyError_("not a minisign Ed25519 secret key")
    kdf, salt = raw[2:4], raw[6:38]
    opslimit, memlimit = int.from_bytes(raw[38:46], "little"), int.from_bytes(raw[46:54], "little")
    keynum = raw[54:]
    if kdf == b"Sc":
        if passphrase is None:
            raise KeyError_("the secret key is encrypted: give its passphrase")
        keynum = _xor(keynum, _stream(passphrase, salt, opslimit, memlimit))
    elif kdf != b"\0\0":
        raise KeyError_("the secret key uses an unknown key derivation")
    key_id, secret, checksum = keynum[:8], keynum[8:72], keynum[72:]
    expected = hashlib.blake2b(b"Ed" + key_id + secret, digest_size=32).digest()
    # minisign leaves the checksum of an unencrypted key (-W) as zeros and never reads it
    if kdf == b"Sc" or checksum != bytes(32):
        if not secrets.compare_digest(checksum, expected):
            raise KeyError_("wrong passphrase for the secret key" if kdf == b"Sc" else "the secret key is corrupt")
    key = SecretKey(key_id, secret[:32])
    if key.public.key != secret[32:]:
        raise KeyError_("the secret key is corrupt (its public half does not match)")
    return key


@dataclass(frozen=True, slots=True)
class Checked:
    """A signature that checked: what its trusted comment says."""

    trusted_comment: str


def verify(public: PublicKey, data: bytes, signature_text: str) -> Checked:
    """Check a ``.minisig`` for ``data`` as ``minisign -V`` does; raises :class:`KeyError_` saying why not."""
    lines = signature_text.splitlines()
    if len(lines) < 4 or not lines[0].startswith("untrusted comment:") or not lines[2].startswith("trusted comment: "):
        raise KeyError_("not a minisign signature file")
    raw = _b64(lines[1].strip(), "signature")
    if len(raw) != 74 or raw[:2] not in (b"Ed", b"ED"):
        raise KeyError_("not a minisign Ed25519 signature")
    if raw[2:10] != public.key_id:
        other = f"{int.from_bytes(raw[2:10], 'little'):016X}"
        raise KeyError_(f"signed by another key (key id {other}, expected {public.id_hex})")
    message = hashlib.blake2b(data, digest_size=64).digest() if raw[:2] == b"ED" else data
    key = Ed25519PublicKey.from_public_bytes(public.key)
    try:
        key.verify(raw[10:], message)
    except InvalidSignature:
        raise KeyError_("the signature does not match the file: it was altered after signing") from None
    comment = lines[2][len("trusted comment: "):]
    try:
        key.verify(_b64(lines[3].strip(), "trusted comment signature"), raw[10:] + comment.encode("utf-8"))
    except InvalidSignature:
        raise KeyError_("the trusted comment was altered after signing") from None
    return Checked(comment)


def signed_comment(public: PublicKey, signature_text: str) -> str | None:
    """The trusted comment, if its own signature by ``public`` holds (even when the file's does not):
    it says what the signed manifest said, so an edited field can be named."""
    lines = signature_text.splitlines()
    try:
        raw = _b64(lines[1].strip(), "signature")
        comment = lines[2].removeprefix("trusted comment: ")
        if raw[2:10] != public.key_id or len(raw) != 74:
            return None
        Ed25519PublicKey.from_public_bytes(public.key).verify(_b64(lines[3].strip(), "comment"), raw[10:] + comment.encode("utf-8"))
    except (IndexError, KeyError_, InvalidSignature):
        return None
    return comment


def _stream(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    """libsodium's ``crypto_pwhash_scryptsalsa208sha256`` keystream for the 104 secret bytes."""
    if memlimit > _MAX_MEMLIMIT:
        raise KeyError_(f"the secret key asks for {memlimit >> 20} MiB to decrypt; at most {_MAX_MEMLIMIT >> 20} allowed")
    n_log2, r, p = _scrypt_params(opslimit, memlimit)
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=1 << n_log2, r=r, p=p,
                          maxmem=129 * r * (1 << n_log2) + (1 << 20), dklen=_KEYNUM_SK)


def _scrypt_params(opslimit: int, memlimit: int) -> tuple[int, int, int]:
    """libsodium's ``pickparams``: how it turns the two limits a key file stores into scrypt's N, r, p."""
    opslimit = max(opslimit, 32768)
    r = 8
    if opslimit < memlimit // 32:
        p, max_n = 1, opslimit // (r * 4)
    else:
        max_n = memlimit // (r * 128)
    n_log2 = 1
    while n_log2 < 63 and (1 << n_log2) <= max_n // 2:
        n_log2 += 1
    if not opslimit < memlimit // 32:
        p = min((opslimit // 4) // (1 << n_log2), 0x3FFFFFFF) // r
    return n_log2, r, max(p, 1)


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream))


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise KeyError_(f"the {what} is not valid base64") from None
