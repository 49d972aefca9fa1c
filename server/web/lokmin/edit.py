"""Creating, editing and deleting lokmin meetings and their agreements from the web pages.

The meeting form holds the meeting, its attendance, each sector's plan and its agreements as rows;
"Tambah baris" posts the form back with one more blank row (no script needed) and saves nothing.
Every write goes through ``audit.write_all`` (the ChangeSet as the user, and the audit trail).
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import abort, g, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Record
from server.web import bp, language, login_required
from server.web.lokmin import rows as form_rows
from server.web.lokmin.audit import Write, stored_fields, write_all
from server.web.lokmin.pages import (
    can_write_lokmin,
    form_context,
    render_lokmin,
    writable_kecamatan,
)
from server.web.params import UUID_RE
from server.web.scoped import in_scope
from shared import records
from shared.i18n import t


def readable_record(record_id: str, kind: str) -> Record | None:
    """Return a live record of ``kind`` the user may read, or None."""
    if not UUID_RE.match(record_id or ""):
        return None
    return db.session.execute(
        in_scope(
            sa.select(Record).where(
                Record.id == record_id, Record.kind == kind, Record.deleted.is_(False)
            )
        )
    ).scalar()


def meeting_or_404(meeting_id: str, write: bool = False) -> Record:
    """Return the meeting the user may read (and write, when ``write``): else 404 or 403."""
    meeting = readable_record(meeting_id, "lokmin_meeting")
    if meeting is None:
        abort(404)
    if write and not can_write_lokmin(meeting.kecamatan_code):
        abort(403)
    return meeting


def meeting_agreements(meeting: Record) -> list[Record]:
    """Return the meeting's live agreements, oldest first."""
    rows = db.session.execute(
        in_scope(
            sa.select(Record).where(
                Record.kind == "lokmin_agreement",
                Record.deleted.is_(False),
                Record.kecamatan_code == meeting.kecamatan_code,
                Record.fields["meeting_id"].as_string() == meeting.id,
            )
        )
    ).scalars()
    return sorted(rows, key=lambda r: (r.created_at, r.id))


def collect(model: dict, meeting: Record | None, kecamatan: str | None):
    """Validate the form model; return (writes, errors keyed by field or ``agreement-<n>``)."""
    lang = language()
    meeting_id = meeting.id if meeting is not None else str(uuid.uuid4())
    stored = stored_fields(meeting) if meeting is not None else {"id": meeting_id}
    values = form_rows.meeting_values(model, stored)
    values["kecamatan_code"] = meeting.kecamatan_code if meeting is not None else kecamatan
    if meeting is None and g.scope.role == "puskesmas" and g.scope.puskesmas:
        values["puskesmas_id"] = sorted(g.scope.puskesmas)[0]
    result = records.validate("lokmin_meeting", values, lang=lang)
    errors = dict(result.errors)
    writes = [Write("lokmin_meeting", meeting_id, meeting_id, values)]
    existing = {a.id: a for a in meeting_agreements(meeting)} if meeting is not None else {}
    for index, row in enumerate(model["agreement"]):
        if not form_rows.filled("agreement", row):
            continue
        target = f"agreement-{index}"
        stored_row = existing.get(row.get("id") or "")
        if row.get("id") and stored_row is None:
            errors[target] = {"_schema": [t("web.lokmin.not_found_row", lang)]}
            continue
        if stored_row is not None and row.get("hapus"):
            writes.append(Write("lokmin_agreement", stored_row.id, meeting_id, None))
            continue
        base = stored_fields(stored_row) if stored_row is not None else {"id": str(uuid.uuid4())}
        agreement = form_rows.agreement_values(row, base)
        agreement.update(meeting_id=meeting_id, kecamatan_code=values["kecamatan_code"])
        checked = records.validate("lokmin_agreement", agreement, lang=lang)
        if not checked.ok:
            errors[target] = checked.errors
        writes.append(Write("lokmin_agreement", agreement["id"], meeting_id, agreement))
    return writes, errors


def save_meeting(model: dict, meeting: Record | None, render):
    """Save the posted meeting form (or show it again with its errors); ``render`` shows it."""
    lang = language()
    kecamatan = (model["fields"].get("kecamatan_code") or "").strip() or None
    if meeting is None and kecamatan not in writable_kecamatan():
        return render({"_schema": [t("web.review.forbidden_write", lang)]}, 403)
    writes, errors = collect(model, meeting, kecamatan)
    if errors:
        return render(errors, 422)
    outcome = write_all(writes)
    if not outcome.ok:
        return render(outcome.errors, 422)
    return redirect(url_for("web.lokmin_meeting", meeting_id=writes[0].record_id, ok=1), 303)


@bp.route("/lokmin/pertemuan", methods=["POST"])
@login_required()
def lokmin_new_meeting():
    """Create a lokmin meeting with its attendance, plans and agreements (kecamatan, puskesmas)."""
    if not writable_kecamatan():
        abort(403)
    model = form_rows.model_from_form(request.form)

    def render(errors, code):
        return render_lokmin({"new-meeting": errors} if errors else {}, {}, code, model=model)

    if form_rows.added_group():
        return render({}, 200)
    return save_meeting(model, None, render)


def render_edit(meeting: Record, model: dict, errors: dict | None = None, code: int = 200):
    """Show the meeting's edit form (rows as typed, one blank row more of each group)."""
    return render_template(
        "web/review/lokmin_edit.html",
        meeting=meeting,
        model=form_rows.with_blank_rows(model, form_rows.added_group()),
        errors={"edit": errors or {}},
        agreement_count=len(meeting_agreements(meeting)),
        **form_context(),
    ), code


@bp.route("/lokmin/pertemuan/<meeting_id>/ubah", methods=["GET", "POST"])
@login_required()
def lokmin_edit_meeting(meeting_id: str):
    """Edit a meeting, its rows and its agreements (add, change, remove) in one form."""
    meeting = meeting_or_404(meeting_id, write=True)
    if request.method == "GET":
        agreements = [stored_fields(a) for a in meeting_agreements(meeting)]
        return render_edit(meeting, form_rows.model_from_records(meeting.fields, agreements))
    model = form_rows.model_from_form(request.form)
    if form_rows.added_group():
        return render_edit(meeting, model)
    return save_meeting(
        model, meeting, lambda errors, code: render_edit(meeting, model, errors, code)
    )


@bp.route("/lokmin/pertemuan/<meeting_id>/hapus", methods=["POST"])
@login_required()
def lokmin_delete_meeting(meeting_id: str):
    """Delete a meeting and its agreements (the audit trail keeps what they were)."""
    meeting = meeting_or_404(meeting_id, write=True)
    writes = [
        Write("lokmin_agreement", a.id, meeting.id, None) for a in meeting_agreements(meeting)
    ]
    writes.append(Write("lokmin_meeting", meeting.id, meeting.id, None))
    outcome = write_all(writes)
    if not outcome.ok:
        abort(403)
    return redirect(url_for("web.lokmin", dihapus=1), 303)


# -- the list page's own agreement forms (add one, update status and note) -----------------------


def _save_one(kind: str, values: dict, meeting_id: str, target: str):
    lang = language()
    result = records.validate(kind, values, lang=lang)
    if not result.ok:
        return render_lokmin({target: result.errors}, {target: request.form.to_dict()}, 422)
    outcome = write_all([Write(kind, values["id"], meeting_id, values)])
    if not outcome.ok:
        return render_lokmin({target: outcome.errors}, {target: request.form.to_dict()}, 422)
    return redirect(url_for("web.lokmin", ok=1) + f"#{target}", 303)


def _text(name: str) -> str | None:
    return form_rows.clean(request.form.get(name))


@bp.route("/lokmin/pertemuan/<meeting_id>/kesepakatan", methods=["POST"])
@login_required()
def lokmin_new_agreement(meeting_id: str):
    """Add an agreement (RTL) to a meeting."""
    meeting = meeting_or_404(meeting_id, write=True)
    values = form_rows.agreement_values(
        {name: request.form.get(name) for name in form_rows.GROUPS["agreement"]},
        {"id": str(uuid.uuid4()), "meeting_id": meeting.id},
    )
    values["kecamatan_code"] = meeting.kecamatan_code
    return _save_one("lokmin_agreement", values, meeting.id, f"new-agreement-{meeting.id}")


@bp.route("/lokmin/kesepakatan/<agreement_id>", methods=["POST"])
@login_required()
def lokmin_update_agreement(agreement_id: str):
    """Update an agreement's status and progress note."""
    row = readable_record(agreement_id, "lokmin_agreement")
    if row is None:
        abort(404)
    if not can_write_lokmin(row.kecamatan_code):
        abort(403)
    values = {
        **stored_fields(row),
        "status": _text("status"),
        "progress_note": _text("progress_note"),
    }
    return _save_one(
        "lokmin_agreement", values, row.fields.get("meeting_id"), f"agreement-{row.id}"
    )
