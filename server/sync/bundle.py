"""File bundles on the server: import a device's bundle, export one for a device.

The format and its signature are in ``shared/sync/bundle.py``. Importing applies the device's
mutations through :func:`server.sync.push.run_push`, the same path as an online push, in batches
of the client's size: a bundle imported twice, or a bundle and an online sync of the same device
in either order, applies every mutation exactly once (the second time they are ``duplicate``).
Exporting pages through :func:`server.sync.pull.pull` from the cursor the device last showed it
holds (``device.delivered_cursor``) and adds the answers to its mutations from the mutation log.

The Pokjanal upload page (server/web/) calls :func:`import_device_bundle` with the uploaded bytes
(it commits, batch by batch, as pushes do: call it outside any open write) and
:func:`export_device_bundle` for the download (bytes, and a summary with a ``filename``); the
CLI (``posyandu-server bundle``) does the same with files. Both refuse with
:class:`BundleRefused`, whose ``message`` is for people (Indonesian unless ``lang="en"``).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError

from server.auth import user_scope
from server.models import Device, MutationLog, Record, utcnow
from server.scope import Scope
from server.sync import pull as pull_mod
from server.sync.changes import keys_of
from server.sync.push import PushRefused, run_push
from shared.calendar import DEFAULT_ZONE
from shared.i18n import register, t
from shared.sync import CLIENT_BATCH, schemas
from shared.sync import bundle as fmt

EXPORT_PAGE = 2000
STATUSES = ("applied", "merged", "conflict", "rejected", "duplicate")

register(
    {
        "server.bundle.not_bundle": {
            "id": "Berkas ini bukan kiriman Posyandu Sync, atau rusak. Tidak ada data yang disimpan.",
            "en": "This file is not a Posyandu Sync bundle, or it is damaged. Nothing was saved.",
        },
        "server.bundle.too_large": {
            "id": "Berkas kiriman terlalu besar. Tidak ada data yang disimpan.",
            "en": "The bundle file is too large. Nothing was saved.",
        },
        "server.bundle.wrong_kind": {
            "id": "Berkas ini jawaban server untuk perangkat, bukan kiriman dari perangkat. "
            "Impor berkas ini di perangkat kader.",
            "en": "This file is the server's answer for a device, not a device's bundle. Import "
            "it on the kader's device.",
        },
        "server.bundle.unknown_device": {
            "id": "Perangkat {device} tidak terdaftar di server ini. Tidak ada data yang disimpan.",
            "en": "Device {device} is not registered on this server. Nothing was saved.",
        },
        "server.bundle.signature": {
            "id": "Tanda tangan kiriman tidak cocok: berkas telah diubah, atau bukan dari "
            "perangkat {device}. Tidak ada data yang disimpan.",
            "en": "The bundle's signature does not match: the file was changed, or it is not "
            "from device {device}. Nothing was saved.",
        },
        "server.bundle.revoked": {
            "id": "Izin perangkat {device} sudah dicabut, jadi kirimannya ditolak. Data tetap "
            "tersimpan di perangkat: masuk lagi di perangkat itu, lalu kirim ulang.",
            "en": "Device {device} has been revoked, so its bundle is refused. The data stays on "
            "the device: sign in again on it, then send again.",
        },
        "server.bundle.expired": {
            "id": "Izin perangkat {device} sudah habis masa berlakunya, jadi kirimannya ditolak. "
            "Data tetap tersimpan di perangkat: masuk lagi di perangkat itu, lalu kirim ulang.",
            "en": "Device {device}'s sign-in has expired, so its bundle is refused. The data "
            "stays on the device: sign in again on it, then send again.",
        },
        "server.bundle.inactive": {
            "id": "Pengguna {username} sudah dinonaktifkan, jadi kiriman perangkatnya ditolak. "
            "Data tetap tersimpan di perangkat.",
            "en": "User {username} has been deactivated, so the device's bundle is refused. The "
            "data stays on the device.",
        },
        "server.bundle.rescue_hint": {
            "id": "Jika berkas ini kiriman penyelamatan yang disimpan perangkat sebelum datanya "
            "dihapus, centang \u00abKiriman penyelamatan\u00bb (atau --rescue) lalu impor lagi.",
            "en": "If this file is the rescue bundle the device saved before wiping its data, "
            "tick \u00abRescue bundle\u00bb (or --rescue) and import it again.",
        },
        "server.bundle.seq_gap": {
            "id": "Kiriman ini dimulai dari perubahan nomor {got}, sedangkan server menunggu nomor "
            "{expected}. Impor dulu kiriman yang lebih awal dari perangkat ini.",
            "en": "This bundle starts at change number {got}, but the server expects number "
            "{expected}. Import this device's earlier bundle first.",
        },
        "server.bundle.seq_reused": {
            "id": "Nomor perubahan {seq} dari perangkat ini sudah dipakai untuk isi yang lain. "
            "Hubungi admin; perubahan dari nomor itu tidak disimpan.",
            "en": "Change number {seq} of this device was already used for other content. "
            "Contact the admin; the changes from that number on were not saved.",
        },
        "server.bundle.invalid": {
            "id": "Isi kiriman tidak sah ({reason}). Tidak ada data yang disimpan.",
            "en": "The bundle's content is not valid ({reason}). Nothing was saved.",
        },
    }
)


class BundleRefused(Exception):
    """A bundle that cannot be imported or exported; ``message`` says why, for people.

    ``report`` holds what an import had applied before it was refused (earlier batches stay
    applied: importing the same bundle again after fixing the cause does not repeat them).
    """

    def __init__(self, code: str, lang: str = "id", report: dict | None = None, **params):
        self.code = code
        self.params = params
        self.message = t(f"server.bundle.{code}", lang, **params)
        self.report = report
        super().__init__(self.message)


# Why a device may no longer sync online; a rescue import (below) accepts its bundle all the same.
RESCUABLE = ("revoked", "inactive", "expired")


def _usable_device(
    session, device_id: str, lang: str, now: datetime, rescue: bool = False
) -> tuple[Device, str | None]:
    """Return the device and why it may not sync online (None when it may), or refuse.

    A revoked device, a deactivated user or an expired sign-in refuses the bundle, unless the
    importer says it is a rescue: the file a wiped laptop saved before wiping (issue #18), brought
    by its kader. Its signature is still checked against the device's token, and the importer's
    scope (server/web/bundel.py) against the device, so a rescue adds no way in.
    """
    device = session.get(Device, str(device_id)[:64]) if device_id else None
    if device is None:
        raise BundleRefused("unknown_device", lang, device=str(device_id)[:64])
    why = None
    max_age = timedelta(days=current_app.config["TOKEN_MAX_AGE_DAYS"])
    if device.revoked_at is not None:
        why = "revoked"
    elif not device.user.active:
        why = "inactive"
    elif device.created_at + max_age < now:
        why = "expired"
    if why is not None and not rescue:
        raise BundleRefused(why, lang, device=device.id, username=device.user.username)
    return device, why


def _open(data: bytes, kind: str, lang: str) -> fmt.Envelope:
    try:
        envelope = fmt.open_bundle(data)
    except fmt.BundleInvalid as exc:
        raise BundleRefused(exc.code, lang) from None
    if envelope.kind != kind:
        raise BundleRefused("wrong_kind", lang)
    return envelope


def _batches(payload: dict, lang: str) -> list[list[dict]]:
    """Return the bundle's mutations in push batches, each checked as a push body is."""
    mutations = payload.get("mutations")
    if not isinstance(mutations, list):
        raise BundleRefused("invalid", lang, reason="mutations")
    batches = []
    for start in range(0, len(mutations), CLIENT_BATCH):
        body = {
            "device_id": payload["device_id"],
            "mutations": mutations[start : start + CLIENT_BATCH],
        }
        try:
            batches.append(schemas.PushRequestSchema().load(body)["mutations"])
        except ValidationError as exc:
            raise BundleRefused("invalid", lang, reason=str(exc.messages)[:200]) from None
    return batches


def _note_device_state(session, device: Device, payload: dict, acked_before: int) -> None:
    """Take in what the bundle says the device holds: its cursor and its answered seqs.

    The push batches of a bundle each moved ``acked_seq`` to their first seq (as an online push
    does), but the device has had no answer to any of the bundle's mutations yet: it is set back
    to what the device itself says (the seq before its first unsent one).
    """
    cursor = payload.get("cursor")
    scope = user_scope(session, device.user)
    try:
        valid = isinstance(cursor, str) and pull_mod.decode_cursor(cursor)[1] == scope.fingerprint()
    except pull_mod.BadCursor:
        valid = False
    device.delivered_cursor = cursor if valid else None
    first = payload.get("first_seq") or payload.get("next_seq")
    claimed = min(first - 1, device.last_seq) if isinstance(first, int) and first > 0 else 0
    device.acked_seq = max(acked_before, claimed)


def import_device_bundle(
    session,
    data: bytes,
    *,
    lang: str = "id",
    zone: str = DEFAULT_ZONE,
    now: datetime | None = None,
    rescue: bool = False,
) -> dict:
    """Verify a device's bundle and apply its mutations as online pushes; return the counts.

    Refuses (BundleRefused, nothing applied) a file that is not a bundle, a server's bundle, a
    bundle whose signature does not match its device's token, or one of a revoked or expired
    device or a deactivated user. Each batch is committed as an online push is.
    """
    envelope = _open(data, fmt.DEVICE, lang)
    payload = envelope.payload
    try:
        device, why = _usable_device(
            session, payload.get("device_id"), lang, now or utcnow(), rescue
        )
    except BundleRefused as refused:
        if refused.code in RESCUABLE:
            refused.message = f"{refused.message} {t('server.bundle.rescue_hint', lang)}"
        raise
    try:
        envelope.verify(device.token_hash)
    except fmt.BundleInvalid:
        raise BundleRefused("signature", lang, device=device.id) from None
    counts: Counter = Counter()
    report = {"device_id": device.id, "username": device.user.username, "rescued": why}
    acked_before = device.acked_seq or 0
    for batch in _batches(payload, lang):
        try:
            answer = run_push(
                session, device, device.user, batch, lang=lang, zone=zone, note_clock=False
            )
        except PushRefused as refused:
            raise _refusal(refused, lang, {**report, **_tally(counts)}) from None
        counts.update(result["status"] for result in answer["results"])
    _note_device_state(session, device, payload, acked_before)
    session.commit()
    return {
        **report,
        "bundle_id": payload.get("bundle_id"),
        "mutations": sum(counts.values()),
        **_tally(counts),
        "last_seq": device.last_seq,
    }


def _tally(counts: Counter) -> dict:
    return {status: counts.get(status, 0) for status in STATUSES}


def _refusal(refused: PushRefused, lang: str, report: dict) -> BundleRefused:
    details = refused.details
    if refused.code == "seq_gap":
        return BundleRefused(
            "seq_gap", lang, report, got=details["got_seq"], expected=details["expected_seq"]
        )
    if refused.code == "seq_reused":
        return BundleRefused("seq_reused", lang, report, seq=details["seq"])
    return BundleRefused("invalid", lang, report, reason=str(details)[:200])


def _changes_since(session, scope: Scope, cursor: str | None) -> tuple[list, str, bool]:
    """Return the scope's changes after ``cursor`` (all of them when it cannot be continued),
    the cursor after them and whether the device must start afresh (``reset``)."""
    reset, changes = cursor is None, []
    while True:
        try:
            page = pull_mod.pull(session, scope, cursor, EXPORT_PAGE, digest=False)
        except pull_mod.BadCursor:
            page = {"reset": True}
        if page["reset"]:
            if reset:
                raise AssertionError("a pull from the start answered reset")
            reset, cursor, changes = True, None, []
            continue
        changes += [
            {
                "id": row.id,
                "kind": row.kind,
                "version": int(row.version),
                "deleted": bool(row.deleted),
                "fields": _fields(row.fields_json),
            }
            for row in page["changes"]
        ]
        cursor = page["cursor"]
        if not page["more"]:
            return changes, cursor, reset


def _fields(text) -> dict:
    return json.loads(text) if isinstance(text, str) else dict(text or {})


def acknowledgements(session, device: Device, scope: Scope) -> list[dict]:
    """Return the answers to the device's mutations it may not have had (seq above acked_seq).

    Each carries the record's current state when the device may read it, as a ``duplicate``
    answer online does: the device's copy may lack others' fields or hold a losing value.
    """
    logs = (
        session.execute(
            sa.select(MutationLog)
            .where(MutationLog.device_id == device.id, MutationLog.seq > (device.acked_seq or 0))
            .order_by(MutationLog.seq)
        )
        .scalars()
        .all()
    )
    wanted = list({log.record_id for log in logs if log.status != "rejected"})
    current = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(sa.select(Record).where(Record.id.in_(wanted[start : start + 500])))
        for row in rows.scalars():
            if scope.can_read(row.kind, keys_of(row)):
                current[row.id] = {
                    "version": row.version,
                    "deleted": row.deleted,
                    "fields": row.fields,
                }
    return [_answer(log, current.get(log.record_id)) for log in logs]


def _answer(log: MutationLog, current: dict | None) -> dict:
    answer = {
        "seq": log.seq,
        "id": log.record_id,
        "status": log.status,
        "version": log.result_version,
    }
    if log.errors:
        answer["errors"] = log.errors
    if log.conflicts:
        answer["conflicts"] = log.conflicts
    if current is not None and log.status != "rejected":
        answer["current"] = current
    return answer


def export_device_bundle(
    session, device_id: str, *, lang: str = "id", now: datetime | None = None
) -> tuple[bytes, dict]:
    """Return a bundle for a device (its scope's changes since its cursor, the answers to its
    mutations) and a summary (with ``filename`` for a download); refuse (BundleRefused) an unknown, revoked or expired device or a
    deactivated user. Nothing is marked delivered: the device's next bundle or pull says what it
    holds, so a bundle lost on the way loses nothing."""
    now = now or utcnow()
    device, _ = _usable_device(session, device_id, lang, now)
    scope = user_scope(session, device.user)
    since = device.delivered_cursor
    changes, cursor, reset = _changes_since(session, scope, since)
    answers = acknowledgements(session, device, scope)
    payload = {
        "bundle_id": f"server-{device.id}-{now.strftime('%Y%m%dT%H%M%S%fZ')}",
        "device_id": device.id,
        "username": device.user.username,
        "created_at": now.isoformat(timespec="seconds"),
        "server_time": now.isoformat(timespec="milliseconds"),
        "since_cursor": None if reset else since,
        "cursor": cursor,
        "reset": reset,
        "changes": changes,
        "acks": answers,
        "last_seq": device.last_seq,
    }
    summary = {k: payload[k] for k in ("device_id", "username", "reset", "last_seq")}
    summary.update(
        changes=len(changes),
        acks=len(answers),
        filename=fmt.filename(fmt.SERVER, device.id, payload["created_at"]),
    )
    return fmt.pack(fmt.SERVER, payload, device.token_hash), summary
