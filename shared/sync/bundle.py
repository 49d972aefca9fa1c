"""File bundles: sync carried on a USB stick or a phone when a village has no signal.

One file format, both ways: a gzip-compressed JSON envelope

    {"format": "posyandu-sync-bundle", "version": 1, "kind": "device" | "server",
     "payload": "<the payload as JSON text>", "signature": "<hex HMAC-SHA256>"}

A ``device`` bundle carries a device's unsent mutations (``field_client/bundle.py`` writes it,
``server/sync/bundle.py`` applies it through the online push path); a ``server`` bundle carries
the changes of the device's scope since its cursor and the answers to its mutations (the server
writes it, the device applies it as pull pages and push answers). The payload is kept as the
exact text that was signed, so verifying never depends on re-encoding JSON.

**The key.** The server stores only ``sha256(token)`` of a device token (``server.auth.
hash_token``), so it cannot compute an HMAC keyed by the token itself. Both sides therefore derive
the key from that hash: ``HMAC-SHA256(key=sha256(token).hex, "posyandu-sync bundle key v1")``;
the device hashes its own token the same way. A valid signature still proves possession of the
token: the hash is never sent anywhere (no answer, page, log or export of the server contains it)
and cannot be computed without the token (a 256-bit random value; SHA-256 has no known preimage
attack). So only the device holding the token, or the server holding its hash, can sign for that
device. The one difference to an online request: someone who has stolen a copy of the server's
``device`` table could forge bundles (not online requests, which need the token itself); such a
person could already change the database. Revoking the device (or the token expiring) makes its
bundles refused, like its requests. The signed text includes the bundle's kind, so a server's
bundle cannot be passed off as the device's, and each payload names its device.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass
from typing import Any

FORMAT = "posyandu-sync-bundle"
VERSION = 1
DEVICE = "device"
SERVER = "server"
KINDS = (DEVICE, SERVER)
# A bundle inflates to at most this much (a whole kabupaten's scope is far below it); a larger
# one, or a gzip bomb, is refused before it is parsed.
MAX_INFLATED_BYTES = 512 * 1024 * 1024
_KEY_LABEL = b"posyandu-sync bundle key v1"


class BundleInvalid(ValueError):
    """A file that is not a bundle, is damaged, too large, or whose signature does not match.

    ``code`` says which: ``not_bundle``, ``too_large`` or ``signature``.
    """

    def __init__(self, code: str, reason: str = ""):
        super().__init__(reason or code)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Envelope:
    """A bundle as read from its file, not yet verified."""

    kind: str
    text: str
    signature: str
    payload: dict[str, Any]

    def verify(self, token_hash: str) -> None:
        """Raise BundleInvalid("signature") unless the device with ``token_hash`` signed it."""
        expected = sign(token_hash, self.kind, self.text)
        if not hmac.compare_digest(expected, self.signature):
            raise BundleInvalid("signature")


def token_hash(token: str) -> str:
    """Return the hash the server stores of a device token (the same as server.auth.hash_token)."""
    return hashlib.sha256(token.encode()).hexdigest()


def bundle_key(hashed_token: str) -> bytes:
    """Return the HMAC key of a device's bundles, derived from its token hash (see above)."""
    return hmac.new(hashed_token.encode(), _KEY_LABEL, hashlib.sha256).digest()


def sign(hashed_token: str, kind: str, text: str) -> str:
    """Return the hex signature of a payload text of ``kind``."""
    message = f"{FORMAT}/{VERSION}/{kind}\n".encode() + text.encode()
    return hmac.new(bundle_key(hashed_token), message, hashlib.sha256).hexdigest()


def filename(kind: str, device_id: str, created_at: str) -> str:
    """Return a file name for a bundle a person can tell apart: who, which way, when.

    ``kiriman-…`` goes from a device to the server, ``jawaban-…`` comes back to the device.
    """
    stamp = "".join(ch for ch in created_at[:16] if ch.isdigit())
    prefix = "kiriman" if kind == DEVICE else "jawaban"
    return f"{prefix}-{str(device_id)[:8]}-{stamp[:8]}-{stamp[8:12]}.posyandu"


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def pack(kind: str, payload: dict[str, Any], hashed_token: str) -> bytes:
    """Return the bundle file's bytes: the payload signed under the device's key, gzipped."""
    if kind not in KINDS:
        raise ValueError(kind)
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    envelope = {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "payload": text,
        "signature": sign(hashed_token, kind, text),
    }
    raw = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
    return gzip.compress(raw, compresslevel=6, mtime=0)


def _inflate(data: bytes) -> bytes:
    """Inflate gzip data, refusing more than MAX_INFLATED_BYTES (BundleInvalid)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        raw = inflater.decompress(data, MAX_INFLATED_BYTES + 1)
    except zlib.error as exc:
        raise BundleInvalid("not_bundle", str(exc)) from None
    if len(raw) > MAX_INFLATED_BYTES or inflater.unconsumed_tail:
        raise BundleInvalid("too_large")
    if not inflater.eof:
        raise BundleInvalid("not_bundle", "truncated")
    return raw


def open_bundle(data: bytes) -> Envelope:
    """Read a bundle file's bytes into an (unverified) envelope, or raise BundleInvalid."""
    raw = _inflate(bytes(data))
    try:
        envelope = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
            raise ValueError("not a bundle")
        if envelope.get("version") != VERSION or envelope.get("kind") not in KINDS:
            raise ValueError("unknown bundle version or kind")
        text, signature = envelope["payload"], envelope["signature"]
        if (
            not isinstance(text, str)
            or not isinstance(signature, str)
            or "\x00" in text
            or "\\u0000" in text
        ):
            raise ValueError("bad payload")
        payload = json.loads(text, parse_constant=_refuse_constant)
        if not isinstance(payload, dict):
            raise ValueError("bad payload")
    except (ValueError, KeyError, UnicodeDecodeError, RecursionError) as exc:
        raise BundleInvalid("not_bundle", str(exc)) from None
    return Envelope(envelope["kind"], text, signature, payload)
