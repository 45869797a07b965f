"""Ed25519 signatures of the manifest, in minisign's format, with the `cryptography` library.

The signing key is a CI secret (`KAITEI_SIGNING_KEY`: a PEM private key, or the base64 of the
32-byte seed); it never enters the repository. The build publishes the public key beside the
manifest (`manifest.pub`) and the signature (`manifest.json.minisig`), so both
`minisign -Vm manifest.json -p manifest.pub` and `kaitei verify` check it. Ed25519 signatures
are deterministic and the trusted comment holds only the build's as-of date, so two builds
with one key stay byte-identical.

A signature proves origin only against a key obtained some other way than from the site
being checked: `kaitei verify --public-key` takes that copy.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
from dataclasses import dataclass

from .diagnostics import Diagnostic, KaiteiError

KEY_ENV = "KAITEI_SIGNING_KEY"
PREHASHED = b"ED"  # minisign's algorithm id: Ed25519 over the BLAKE2b-512 of the file
KEY_ALGORITHM = b"Ed"


def _cryptography_missing() -> KaiteiError:
    return KaiteiError(
        [
            Diagnostic(
                KEY_ENV,
                1,
                1,
                "signing and checking signatures need the 'cryptography' package",
                "pip install cryptography (it is among kaitei's dependencies)",
                code="signing-unavailable",
            )
        ]
    )


@dataclass(frozen=True, slots=True)
class PublicKey:
    key_id: bytes  # 8 bytes
    raw: bytes  # 32 bytes

    def text(self) -> bytes:
        """The key in minisign's public key format."""
        number = int.from_bytes(self.key_id, "little")
        data = base64.b64encode(KEY_ALGORITHM + self.key_id + self.raw).decode("ascii")
        return f"untrusted comment: minisign public key {number:016X}\n{data}\n".encode("ascii")


def parse_public_key(text: str) -> PublicKey:
    """A minisign public key (the file, or its base64 line alone); ValueError if it is not one."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = next((x for x in lines if not x.startswith("untrusted comment:")), "")
    try:
        data = base64.b64decode(line, validate=True)
    except binascii.Error as error:
        raise ValueError("not a minisign public key (bad base64)") from error
    if len(data) != 42 or data[:2] != KEY_ALGORITHM:
        raise ValueError("not a minisign Ed25519 public key")
    return PublicKey(data[2:10], data[10:])


class Signer:
    def __init__(self, secret: str) -> None:
        try:
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        except ImportError as error:
            raise _cryptography_missing() from error
        secret = secret.strip()
        try:
            if secret.startswith("-----BEGIN"):
                key = serialization.load_pem_private_key(secret.encode("ascii"), password=None)
                if not isinstance(key, Ed25519PrivateKey):
                    raise ValueError("not an Ed25519 key")
            else:
                key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(secret, validate=True))
        except (ValueError, TypeError, binascii.Error) as error:
            raise KaiteiError(
                [
                    Diagnostic(
                        KEY_ENV,
                        1,
                        1,
                        f"{KEY_ENV} is not an Ed25519 private key",
                        "set it to a PEM private key (openssl genpkey -algorithm ed25519) or "
                        "to the base64 of a 32-byte seed",
                        code="signing-key-bad",
                    )
                ]
            ) from error
        self._key = key
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        # minisign draws key ids at random; deriving it from the key keeps builds identical.
        self.public = PublicKey(hashlib.blake2b(raw, digest_size=8).digest(), raw)

    def sign(self, data: bytes, as_of: dt.date, name: str) -> bytes:
        """A minisign signature file for `data` (named `name` in the trusted comment)."""
        signature = self._key.sign(hashlib.blake2b(data).digest())
        midnight = dt.datetime.combine(as_of, dt.time(0), dt.UTC)
        trusted = f"timestamp:{int(midnight.timestamp())}\tfile:{name}\thashed".encode()
        global_signature = self._key.sign(signature + trusted)
        lines = [
            b"untrusted comment: signature from kaitei (minisign format)",
            base64.b64encode(PREHASHED + self.public.key_id + signature),
            b"trusted comment: " + trusted,
            base64.b64encode(global_signature),
        ]
        return b"\n".join(lines) + b"\n"


def signer_from_env(environ: dict[str, str] | None = None) -> Signer | None:
    env = os.environ if environ is None else environ
    secret = env.get(KEY_ENV, "")
    return Signer(secret) if secret.strip() else None


def check_signature(data: bytes, signature_file: bytes, key: PublicKey) -> str | None:
    """None when `signature_file` is a valid signature of `data` by `key`, else why not."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError as error:
        raise _cryptography_missing() from error
    lines = signature_file.decode("utf-8", "replace").splitlines()
    if len(lines) < 4 or not lines[2].startswith("trusted comment: "):
        return "is not a minisign signature file"
    try:
        blob = base64.b64decode(lines[1], validate=True)
        global_signature = base64.b64decode(lines[3], validate=True)
    except binascii.Error:
        return "is not a minisign signature file (bad base64)"
    if len(blob) != 74 or blob[:2] not in (PREHASHED, KEY_ALGORITHM):
        return "is not an Ed25519 minisign signature"
    if blob[2:10] != key.key_id:
        return "was made with another key than the public key given"
    signature = blob[10:]
    message = hashlib.blake2b(data).digest() if blob[:2] == PREHASHED else data
    public = Ed25519PublicKey.from_public_bytes(key.raw)
    trusted = lines[2][len("trusted comment: ") :].encode("utf-8")
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return "does not match the manifest: the manifest was changed after it was signed"
    try:
        public.verify(global_signature, signature + trusted)
    except InvalidSignature:
        return "has a trusted comment that was changed after signing"
    return None
