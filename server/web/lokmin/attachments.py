"""Attachments of a lokmin meeting: the minutes or the photo of the signed agreement.

PDF, JPEG or PNG up to 10 MB. The type is sniffed from the bytes (signature and trailer), never
taken from the name or the browser's content type. Files are kept private (0600 in a 0700 folder)
under the data folder (``POSYANDU_ATTACHMENT_DIR``, default ``<instance>/lampiran``) by a random id,
so a hostile name never reaches the file system; the cleaned name is only shown and sent back in
``Content-Disposition``. Reading, uploading and deleting all go through the meeting's scope.
"""

from __future__ import annotations

import hashlib
import uuid

from flask import Response, abort, current_app, redirect, request, url_for

from server.extensions import db
from server.web import bp, language, login_required
from server.web.lokmin.audit import audit
from server.web.lokmin.edit import meeting_or_404
from server.web.lokmin.files import (
    LABELS,
    MAX_BYTES,
    MAX_REQUEST,
    clean_name,
    sniff,
    storage_dir,
    store_file,
)
from server.web.lokmin.models import LokminAttachment
from server.web.lokmin.report import render_report
from server.web.params import UUID_RE
from shared.i18n import t


@bp.before_app_request
def allow_attachment_size() -> None:
    """An upload may be larger than the API's body limit (before the CSRF check reads the form)."""
    if request.endpoint == "web.lokmin_upload" and request.method == "POST":
        request.max_content_length = max(
            MAX_REQUEST, current_app.config.get("MAX_CONTENT_LENGTH") or 0
        )


def upload_error(meeting_id: str, key: str):
    meeting = meeting_or_404(meeting_id)
    return render_report(meeting, upload_error=t(key, language()), code=422)


@bp.route("/lokmin/pertemuan/<meeting_id>/lampiran", methods=["POST"])
@login_required()
def lokmin_upload(meeting_id: str):
    """Attach a PDF, JPEG or PNG (≤ 10 MB) to a meeting the user may write."""
    meeting = meeting_or_404(meeting_id, write=True)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return upload_error(meeting.id, "web.lokmin.attach_missing")
    data = upload.stream.read(MAX_BYTES + 1)
    if not data:
        return upload_error(meeting.id, "web.lokmin.attach_empty")
    if len(data) > MAX_BYTES:
        return upload_error(meeting.id, "web.lokmin.attach_size")
    content_type = sniff(data)
    if content_type is None:
        return upload_error(meeting.id, "web.lokmin.attach_type")
    label = request.form.get("label") if request.form.get("label") in LABELS else "lainnya"
    row = LokminAttachment(
        id=str(uuid.uuid4()),
        meeting_id=meeting.id,
        label=label,
        filename=clean_name(upload.filename, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=request_user(),
        deleted=False,
    )
    store_file(row.id, data)
    db.session.add(row)
    audit(meeting.id, row.id, "attachment", "create", {"filename": [None, row.filename]})
    db.session.commit()
    return redirect(url_for("web.lokmin_meeting", meeting_id=meeting.id, lampiran=1), 303)


# The API's body checks (UTF-8 text, no NUL: server/api/sync.py) do not apply to a file's bytes.
lokmin_upload.binary_body = True


def request_user() -> str:
    from flask import g

    return g.web_user.username


def attachment_or_404(attachment_id: str, write: bool = False) -> LokminAttachment:
    """Return a live attachment whose meeting the user may read (write): else 404 (403)."""
    if not UUID_RE.match(attachment_id or ""):
        abort(404)
    row = db.session.get(LokminAttachment, attachment_id)
    if row is None or row.deleted:
        abort(404)
    meeting_or_404(row.meeting_id, write=write)
    return row


@bp.route("/lokmin/lampiran/<attachment_id>")
@login_required()
def lokmin_attachment(attachment_id: str):
    """Send an attachment (only within the meeting's scope) with its sniffed type."""
    row = attachment_or_404(attachment_id)
    path = storage_dir() / row.id
    if not path.is_file():
        abort(404)
    response = Response(path.read_bytes(), mimetype=row.content_type)
    inline = request.args.get("lihat") == "1"
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{row.filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/lokmin/lampiran/<attachment_id>/hapus", methods=["POST"])
@login_required()
def lokmin_delete_attachment(attachment_id: str):
    """Delete an attachment (the audit trail keeps its name, the file is removed)."""
    row = attachment_or_404(attachment_id, write=True)
    row.deleted = True
    audit(row.meeting_id, row.id, "attachment", "delete", {"filename": [row.filename, None]})
    db.session.commit()
    (storage_dir() / row.id).unlink(missing_ok=True)
    return redirect(url_for("web.lokmin_meeting", meeting_id=row.meeting_id, lampiran=0), 303)
