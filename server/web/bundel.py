"""Bundel: sync by file for desa without signal, at the puskesmas (issue #19).

The kader brings the device's bundle ("Simpan ke file" on Sinkronisasi, a ``kiriman-….posyandu``
file); the puskesmas uploads it here and it is applied through the online push path
(:func:`server.sync.bundle.import_device_bundle`: exactly once, as the device's own user, so the
device's scope bounds what it may write). The page shows the applied/merged/conflict/rejected
counts. For each device in the viewer's scope it offers the answer bundle to take back
(:func:`server.sync.bundle.export_device_bundle`): the scope's changes since the device's last
known position and the answers to its mutations, which the kader loads with "Ambil dari file".

A device outside the viewer's scope is refused (upload 403, download 404) before anything is
read or written; the forms carry the CSRF token as every web form does.
"""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from server.extensions import db
from server.models import Device
from server.people_names import name_of
from server.scope import FacilityIndex
from server.sync.bundle import (
    STATUSES,
    BundleRefused,
    export_device_bundle,
    import_device_bundle,
)
from server.web import bp, language, local_zone, login_required
from server.web.format import when
from server.web.scoped import devices_in_scope
from shared.i18n import register, t
from shared.sync import bundle as fmt

BUNDLE_ROLES = {"puskesmas", "dinas", "admin"}

register(
    {
        "web.nav.bundles": {"id": "Kiriman berkas", "en": "File bundles"},
        "web.bundles.title": {
            "id": "Kiriman berkas dari desa tanpa sinyal",
            "en": "File bundles from desa without signal",
        },
        "web.bundles.intro": {
            "id": "Kader menyimpan perubahan ke berkas di Sinkronisasi (\u201cSimpan ke file\u201d). "
            "Unggah berkas itu di sini, lalu unduh jawaban untuk perangkatnya dan serahkan "
            "kembali ke kader (\u201cAmbil dari file\u201d).",
            "en": "The kader saves the changes to a file on Sync (\u201cSimpan ke file\u201d). "
            "Upload that file here, then download the answer for the device and give it back "
            "to the kader (\u201cAmbil dari file\u201d).",
        },
        "web.bundles.upload": {"id": "Unggah kiriman perangkat", "en": "Upload a device bundle"},
        "web.bundles.file": {"id": "Berkas kiriman (.posyandu)", "en": "Bundle file (.posyandu)"},
        "web.bundles.import": {"id": "Impor kiriman", "en": "Import the bundle"},
        "web.bundles.no_file": {
            "id": "Pilih dulu berkas kiriman dari perangkat kader.",
            "en": "Choose the bundle file from the kader's device first.",
        },
        "web.bundles.too_large": {
            "id": "Berkas kiriman terlalu besar. Tidak ada data yang disimpan.",
            "en": "The bundle file is too large. Nothing was saved.",
        },
        "web.bundles.out_of_scope": {
            "id": "Perangkat {device} tidak terdaftar di wilayah Anda. Tidak ada data yang "
            "disimpan.",
            "en": "Device {device} is not registered in your area. Nothing was saved.",
        },
        "web.bundles.imported": {
            "id": "Kiriman perangkat «{device}» milik {who} diimpor: {mutations} perubahan.",
            "en": "The bundle of device «{device}» of {who} was imported: {mutations} changes.",
        },
        "web.bundles.rescued": {
            "id": "Kiriman penyelamatan perangkat «{device}» milik {who} diimpor: {mutations} "
            "perubahan. Izin perangkat itu tetap dicabut.",
            "en": "The rescue bundle of device «{device}» of {who} was imported: {mutations} "
            "changes. The device stays revoked.",
        },
        "web.bundles.rescue": {
            "id": "Kiriman penyelamatan: perangkat sudah dicabut atau penggunanya dinonaktifkan, "
            "dan berkas ini saya terima langsung dari kadernya",
            "en": "Rescue bundle: the device is revoked or its user deactivated, and I received "
            "this file from its kader in person",
        },
        "web.bundles.status.applied": {"id": "Disimpan", "en": "Applied"},
        "web.bundles.status.merged": {"id": "Digabung", "en": "Merged"},
        "web.bundles.status.conflict": {"id": "Bersamaan (konflik)", "en": "Conflict"},
        "web.bundles.status.rejected": {"id": "Ditolak", "en": "Rejected"},
        "web.bundles.status.duplicate": {
            "id": "Sudah pernah diterima",
            "en": "Already received",
        },
        "web.bundles.devices": {
            "id": "Jawaban untuk perangkat di wilayah Anda",
            "en": "Answers for the devices in your area",
        },
        "web.bundles.device": {"id": "Perangkat", "en": "Device"},
        "web.bundles.user": {"id": "Kader", "en": "Kader"},
        "web.bundles.last_seen": {"id": "Terakhir terlihat", "en": "Last seen"},
        "web.bundles.download": {"id": "Unduh jawaban", "en": "Download the answer"},
        "web.bundles.no_devices": {
            "id": "Belum ada perangkat di wilayah Anda.",
            "en": "No devices in your area yet.",
        },
    }
)


def _scoped_devices() -> list:
    """Return the (device, user) pairs of the viewer's scope that may still sync."""
    pairs = devices_in_scope(db.session, FacilityIndex.load(db.session))
    return [(d, u) for d, u in pairs if d.revoked_at is None]


def _in_scope(device_id: str) -> bool:
    pairs = devices_in_scope(db.session, FacilityIndex.load(db.session))
    return any(d.id == device_id for d, _ in pairs)


def _page(status: int = 200, **extra):
    return render_template(
        "web/bundel/bundel.html",
        devices=_scoped_devices(),
        when=when,
        statuses=STATUSES,
        **extra,
    ), status


@bp.route("/bundel")
@login_required(BUNDLE_ROLES)
def bundles():
    """Upload a device's bundle; download the answer bundle of a device in scope."""
    return _page()


class _Refusal(Exception):
    """An upload refused before anything was read or written: its status and message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _uploaded() -> bytes:
    """Return the uploaded bundle's bytes (refusing no file or one too large)."""
    try:
        upload = request.files.get("bundle")
    except RequestEntityTooLarge:
        raise _Refusal(413, t("web.bundles.too_large", language())) from None
    if upload is None or not upload.filename:
        raise _Refusal(400, t("web.bundles.no_file", language()))
    return upload.read()


def _device_of(data: bytes, lang: str) -> str:
    """Return the device id a device bundle names, refusing one outside the viewer's scope."""
    try:
        envelope = fmt.open_bundle(data)
    except fmt.BundleInvalid as exc:
        raise _Refusal(400, BundleRefused(exc.code, lang).message) from None
    if envelope.kind != fmt.DEVICE:
        raise _Refusal(400, BundleRefused("wrong_kind", lang).message)
    device_id = str(envelope.payload.get("device_id") or "")[:64]
    if not _in_scope(device_id):
        raise _Refusal(403, t("web.bundles.out_of_scope", lang, device=device_id))
    return device_id


@bp.route("/bundel/impor", methods=["POST"])
@login_required(BUNDLE_ROLES)
def import_bundle():
    """Apply an uploaded device bundle through the push path; show the counts."""
    lang = language()
    try:
        data = _uploaded()
        _device_of(data, lang)
    except _Refusal as refusal:
        return _page(refusal.status, error=refusal.message)
    db.session.rollback()  # the import commits batch by batch, as pushes do
    try:
        report = import_device_bundle(
            db.session,
            data,
            lang=lang,
            zone=local_zone(),
            rescue=request.form.get("rescue") == "1",
        )
    except BundleRefused as refused:
        db.session.rollback()
        message = named_refusal(refused, lang)
        return _page(409 if refused.report else 400, error=message, report=refused.report)
    done = t(
        "web.bundles.rescued" if report.get("rescued") else "web.bundles.imported",
        lang,
        device=getattr(db.session.get(Device, report["device_id"]), "name", ""),
        who=name_of(db.session, report["username"], lang),
        mutations=report["mutations"],
    )
    return _page(done=done, report=report)


def named_refusal(refused: BundleRefused, lang: str) -> str:
    """Say a refusal with the device and its kader by name (the sync layer names them by key)."""
    device = db.session.get(Device, str(refused.params.get("device") or ""))
    if device is None:  # a device the server does not know: its id is all there is
        return refused.message
    params = {**refused.params, "device": f"«{device.name}»"}
    if "username" in params:
        params["username"] = name_of(db.session, params["username"], lang)
    text = t(f"server.bundle.{refused.code}", lang, **params)
    hint = t("server.bundle.rescue_hint", lang)
    return f"{text} {hint}" if refused.message.endswith(hint) else text


@bp.route("/bundel/perangkat/<device_id>")
@login_required(BUNDLE_ROLES)
def export_bundle(device_id: str):
    """Download the answer bundle of a device in the viewer's scope (404 outside it)."""
    if db.session.get(Device, device_id[:64]) is None or not _in_scope(device_id):
        abort(404)
    try:
        data, summary = export_device_bundle(db.session, device_id, lang=language())
    except BundleRefused as refused:
        return _page(409, error=refused.message)
    response = current_app.response_class(data, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{summary["filename"]}"'
    return response


import_bundle.binary_body = True  # signed gzip bytes: requested_json must not ask for UTF-8
