"""File bundles on the device: sync by USB stick or phone where there is no signal.

``export_bundle`` writes the unsent mutations (the outbox, in seq order) with the device's
identity, seq range, HLCs and cursor into one signed, compressed file (format and signature:
``shared/sync/bundle.py``). Nothing leaves the outbox: the mutations stay until the server's
answer comes back, online or in a bundle, so a lost or refused file loses nothing.

``import_bundle`` takes the server's bundle for this device: it checks that the bundle is for this
device and signed with its key, then applies the answers to its mutations as a push answer would
(``Store.apply_push_results``: the outbox drains, refused changes go to quarantine) and the changes
of its scope as pull pages would (``Store.apply_changes``, after ``Store.reset_replica`` when the
server says the device must start afresh; unsent edits stay on top).

For the pages' "Simpan ke file" and "Ambil dari file" buttons: :func:`build_device_bundle` (bytes
for a download) or :func:`export_bundle` (to a path), :func:`import_bundle` (a path or uploaded
bytes), and :func:`bundle_error_text` for a refusal, in the user's language.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from shared.i18n import register, t
from shared.sync import PROTOCOL_VERSION
from shared.sync import bundle as fmt

from .store import Change, Store, now_utc_iso
from .sync import APP_VERSION, default_fields_filter, parse_server_ms

APPLY_PAGE = 500

register(
    {
        "client.bundle.error.not_bundle": {
            "id": "Berkas ini bukan kiriman Posyandu Sync, atau rusak. Tidak ada yang diubah.",
            "en": "This file is not a Posyandu Sync bundle, or it is damaged. Nothing changed.",
        },
        "client.bundle.error.too_large": {
            "id": "Berkas kiriman terlalu besar. Tidak ada yang diubah.",
            "en": "The bundle file is too large. Nothing changed.",
        },
        "client.bundle.error.wrong_kind": {
            "id": "Berkas ini kiriman dari perangkat, bukan jawaban dari server. Serahkan "
            "berkas ini ke petugas puskesmas atau Pokjanal untuk diimpor di server.",
            "en": "This file is a device's bundle, not the server's answer. Give it to the "
            "puskesmas or Pokjanal staff to import on the server.",
        },
        "client.bundle.error.other_device": {
            "id": "Kiriman ini untuk perangkat lain ({device}), bukan perangkat ini. Tidak ada "
            "yang diubah.",
            "en": "This bundle is for another device ({device}), not this one. Nothing changed.",
        },
        "client.bundle.error.signature": {
            "id": "Tanda tangan kiriman tidak cocok: berkas telah diubah, atau bukan dari server "
            "untuk perangkat ini. Tidak ada yang diubah.",
            "en": "The bundle's signature does not match: the file was changed, or it is not "
            "from the server for this device. Nothing changed.",
        },
        "client.bundle.error.not_signed_in": {
            "id": "Perangkat belum masuk ke server, jadi kiriman tidak bisa dibuat atau diperiksa. "
            "Masuk sekali saat ada sinyal. Data tetap aman di perangkat.",
            "en": "This device is not signed in, so bundles cannot be made or checked. Sign in "
            "once while online. Your data is safe on this device.",
        },
        "client.bundle.error.invalid": {
            "id": "Isi kiriman tidak sah. Tidak ada yang diubah.",
            "en": "The bundle's content is not valid. Nothing changed.",
        },
        "client.bundle.error.unreadable": {
            "id": "Berkas kiriman tidak dapat dibaca atau ditulis ({reason}). Data tetap aman di "
            "perangkat.",
            "en": "The bundle file cannot be read or written ({reason}). Your data is safe on "
            "this device.",
        },
    }
)


class BundleError(Exception):
    """A bundle refused or not made; nothing on the device was changed."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params

    def text(self, lang: str = "id") -> str:
        """Return the reason in plain words."""
        return t(f"client.bundle.error.{self.code}", lang, **self.params)


def bundle_error_text(exc: BundleError, lang: str = "id") -> str:
    """Explain a refused bundle to the kader (for the Sinkronisasi page)."""
    return exc.text(lang)


def _signing_key(store: Store) -> tuple[str, str]:
    """Return (device id, token hash) of the signed-in device, or refuse."""
    device_id, token = store.get_meta("device_id"), store.get_meta("token")
    if not device_id or not token:
        raise BundleError("not_signed_in")
    return str(device_id), fmt.token_hash(str(token))


def build_device_bundle(store: Store) -> tuple[bytes, dict[str, Any]]:
    """Return the bytes of a bundle of this device's unsent mutations, and its summary (with
    ``filename``, a name to offer for the download); the bundle is listed in ``store.bundles()``.

    The outbox is left as it is: the mutations leave it only when the server's answer comes.
    """
    device_id, hashed = _signing_key(store)
    meta = store.all_meta()
    pending = store.pending()
    user = meta.get("user") if isinstance(meta.get("user"), dict) else {}
    summary = {
        "bundle_id": str(uuid.uuid4()),
        "device_id": device_id,
        "username": meta.get("username"),
        "created_at": now_utc_iso(),
        "count": len(pending),
        "first_seq": pending[0].seq if pending else None,
        "last_seq": pending[-1].seq if pending else None,
    }
    payload = {
        **summary,
        "user": {k: user.get(k) for k in ("id", "name", "role") if k in user},
        "server_url": meta.get("server_url"),
        "app_version": APP_VERSION,
        "protocol_version": PROTOCOL_VERSION,
        "next_seq": meta.get("next_seq"),
        "hlc_first": pending[0].hlc if pending else None,
        "hlc_last": pending[-1].hlc if pending else None,
        "hlc_clock": meta.get("hlc_last"),
        "cursor": meta.get("cursor"),
        "mutations": [m.to_wire() for m in pending],
    }
    data = fmt.pack(fmt.DEVICE, payload, hashed)
    summary.update(
        bytes=len(data), filename=fmt.filename(fmt.DEVICE, device_id, summary["created_at"])
    )
    store.record_bundle(summary["bundle_id"], "export", summary["created_at"], summary)
    return data, summary


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, readable by this user only."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def export_bundle(store: Store, path: str | Path) -> dict[str, Any]:
    """Write this device's bundle to ``path``; return its summary (count, seq range, bytes)."""
    data, summary = build_device_bundle(store)
    try:
        _write_private(Path(path), data)
    except OSError as exc:
        raise BundleError("unreadable", reason=exc.strerror or str(exc)) from None
    return summary


def read_server_bundle(store: Store, data: bytes) -> dict[str, Any]:
    """Return the payload of the server's bundle for this device, verified; or refuse."""
    try:
        envelope = fmt.open_bundle(data)
    except fmt.BundleInvalid as exc:
        raise BundleError(exc.code) from None
    if envelope.kind != fmt.SERVER:
        raise BundleError("wrong_kind")
    device_id, hashed = _signing_key(store)
    if str(envelope.payload.get("device_id")) != device_id:
        raise BundleError("other_device", device=str(envelope.payload.get("device_id"))[:64])
    try:
        envelope.verify(hashed)
    except fmt.BundleInvalid:
        raise BundleError("signature") from None
    payload = envelope.payload
    if not isinstance(payload.get("changes"), list) or not isinstance(payload.get("acks"), list):
        raise BundleError("invalid")
    return payload


def _changes(payload: dict[str, Any]) -> list[Change]:
    try:
        return [Change.from_wire(c) for c in payload["changes"]]
    except (KeyError, TypeError, ValueError):
        raise BundleError("invalid") from None


def _acks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    acks = [a for a in payload["acks"] if isinstance(a, dict)]
    if any(not isinstance(a.get("seq"), int) for a in acks):
        raise BundleError("invalid")
    return acks


def apply_server_bundle(
    store: Store,
    data: bytes,
    *,
    derived_fields: Callable[[str], Iterable[str]] = default_fields_filter,
) -> dict[str, Any]:
    """Verify and apply the server's bundle for this device; return what it did.

    Answers first, then the changes (as a sync pushes, then pulls). The cursor moves only when
    the bundle starts where this device's cursor stands (or starts afresh): otherwise its
    changes are applied (older versions are skipped) and the next pull carries on from the
    device's own cursor.
    """
    payload = read_server_bundle(store, data)
    changes, acks = _changes(payload), _acks(payload)
    server_ms = parse_server_ms(payload.get("server_time"))
    if server_ms is not None:
        store.observe_server_time(server_ms)
    tally = store.apply_push_results(acks, derived_fields=derived_fields)
    reset = payload.get("reset") is True
    if reset:
        store.reset_replica()
    advance = reset or payload.get("since_cursor") == store.get_meta("cursor")
    pulled = 0
    for start in range(0, len(changes), APPLY_PAGE):
        pulled += store.apply_changes(
            changes[start : start + APPLY_PAGE], derived_fields=derived_fields
        )
    if advance and isinstance(payload.get("cursor"), str):
        store.set_meta(cursor=payload["cursor"])
    report = {
        "bundle_id": payload.get("bundle_id"),
        "device_id": payload.get("device_id"),
        "acked": tally["acked"],
        "quarantined": tally["quarantined"],
        "conflicts": tally["conflicts"],
        "pulled": pulled,
        "reset": reset,
        "cursor_advanced": bool(advance),
        "pending_left": store.outbox_counts()["pending"],
    }
    store.record_bundle(
        str(payload.get("bundle_id") or uuid.uuid4()),
        "import",
        str(payload.get("created_at") or now_utc_iso()),
        report,
    )
    return report


def import_bundle(
    store: Store,
    source: str | Path | bytes,
    *,
    derived_fields: Callable[[str], Iterable[str]] = default_fields_filter,
) -> dict[str, Any]:
    """Import the server's bundle from a file path or from uploaded bytes (see above)."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise BundleError("unreadable", reason=exc.strerror or str(exc)) from None
    return apply_server_bundle(store, data, derived_fields=derived_fields)
