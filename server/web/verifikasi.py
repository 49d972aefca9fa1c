"""Verifikasi: the posyandu-months of a period, submitted, verified, returned or reopened.

``/verifikasi?period=YYYY-MM`` (the previous month by default) lists each posyandu in scope with
its review; a reviewer verifies, returns with a note or reopens from the row (the step is checked
on the server: ``server/sync/locks.py``). A table per puskesmas counts the months submitted and
verified for the Pokjanal.
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Record
from server.people_names import names_of
from server.scope import FacilityIndex
from server.sync.changes import Rejected
from server.sync.locks import ROLE_STEPS
from server.sync.reviews import set_review
from server.web import bp, language, local_zone, login_required
from server.web.params import BadRequest
from server.web.scoped import posyandu_in_scope, unit_names
from shared.calendar import parse_period, previous_period
from shared.i18n import register
from shared.records.review_kinds import REVIEW_STATUSES, review_id

register(
    {
        "web.nav.verify": {"id": "Verifikasi", "en": "Verification"},
        "web.verify.title": {
            "id": "Verifikasi laporan bulanan posyandu",
            "en": "Verification of the posyandu months",
        },
        "web.verify.period": {"id": "Bulan", "en": "Month"},
        "web.verify.show": {"id": "Tampilkan", "en": "Show"},
        "web.verify.posyandu": {"id": "Posyandu", "en": "Posyandu"},
        "web.verify.desa": {"id": "Desa", "en": "Desa"},
        "web.verify.status": {"id": "Status", "en": "Status"},
        "web.verify.by": {"id": "Oleh", "en": "By"},
        "web.verify.note": {"id": "Catatan", "en": "Note"},
        "web.verify.action": {"id": "Tindakan", "en": "Action"},
        "web.verify.none": {"id": "Belum dikirim", "en": "Not submitted"},
        "web.verify.per_unit": {"id": "Per puskesmas", "en": "Per puskesmas"},
        "web.verify.unit": {"id": "Puskesmas", "en": "Puskesmas"},
        "web.verify.count": {"id": "Posyandu", "en": "Posyandu"},
        "web.verify.submitted": {"id": "Dikirim", "en": "Submitted"},
        "web.verify.verified": {"id": "Diverifikasi", "en": "Verified"},
        "web.verify.do.submitted": {"id": "Kirim", "en": "Submit"},
        "web.verify.do.verified": {"id": "Verifikasi", "en": "Verify"},
        "web.verify.do.returned": {"id": "Kembalikan", "en": "Return"},
        "web.verify.do.reopened": {"id": "Buka kembali", "en": "Reopen"},
        "web.verify.bad_period": {
            "id": "Bulan harus berformat TTTT-BB, misalnya 2026-06.",
            "en": "The month must be written YYYY-MM, for example 2026-06.",
        },
        "web.verify.saved": {"id": "Status laporan disimpan.", "en": "The status was saved."},
        "web.verify.request": {
            "id": "Diminta dibuka kembali: {text}",
            "en": "Reopening asked: {text}",
        },
    }
)


def _period(raw: str | None) -> str:
    """Return the period asked for (the previous month by default); BadRequest when malformed."""
    if not raw:
        return previous_period(zone_name=local_zone())
    try:
        parse_period(raw)
    except ValueError:
        raise BadRequest("web.verify.bad_period") from None
    return raw


def review_rows(period: str, facilities: FacilityIndex) -> list[dict]:
    """Return each posyandu in scope with its review of ``period`` and the steps the user may take."""
    posyandu = posyandu_in_scope(facilities)
    ids = [review_id(f["id"], period) for f in posyandu]
    found = {r.id: r for r in db.session.query(Record).filter(Record.id.in_(ids or [""])).all()}
    role, rows, names = g.web_user.role, [], unit_names()
    people = names_of(db.session, (r.fields.get("by") for r in found.values()), language())
    for f in posyandu:
        row = found.get(review_id(f["id"], period))
        fields = row.fields if row is not None and not row.deleted else {}
        status = fields.get("status")
        rows.append(
            {
                "f": f,
                "desa": names.get(f.get("desa_code")) or f.get("desa_code") or "",
                "unit": f.get("parent_id") or "",
                "status": status,
                "by": people.get(fields.get("by"), ""),
                "note": fields.get("note") or "",
                "request": fields.get("reopen_request") or "",
                "steps": [s for s in REVIEW_STATUSES if role in ROLE_STEPS.get((status, s), ())],
            }
        )
    return rows


def per_unit(rows: list[dict], facilities: FacilityIndex) -> list[dict]:
    """Count per puskesmas the posyandu, and the months submitted (or later) and verified."""
    units: dict[str, dict] = {}
    for r in rows:
        unit = units.setdefault(
            r["unit"],
            {"name": (facilities.get(r["unit"]) or {}).get("name") or r["unit"], "n": 0},
        )
        unit["n"] += 1
        unit["submitted"] = unit.get("submitted", 0) + (r["status"] is not None)
        unit["verified"] = unit.get("verified", 0) + (r["status"] == "verified")
    return [units[k] for k in sorted(units)]


@bp.route("/verifikasi")
@login_required()
def verify():
    """List the posyandu-months of a period in scope with their review and the allowed steps."""
    period = _period(request.args.get("period"))
    facilities = FacilityIndex.load(db.session)
    rows = review_rows(period, facilities)
    return render_template(
        "web/review/verify.html",
        period=period,
        rows=rows,
        units=per_unit(rows, facilities),
        saved=request.args.get("ok"),
    )


@bp.route("/verifikasi/<posyandu_id>/<period>", methods=["POST"])
@login_required()
def verify_step(posyandu_id: str, period: str):
    """Take one review step (verify, return with a note, reopen, submit) on a posyandu-month."""
    period, lang = _period(period), language()
    status = request.form.get("status")
    if status not in REVIEW_STATUSES:
        raise BadRequest("web.verify.bad_period")
    try:
        set_review(
            db.session,
            g.web_user.username,
            g.scope,
            posyandu_id,
            period,
            status,
            (request.form.get("note") or "").strip() or None,
            lang=lang,
            zone=local_zone(),
        )
    except Rejected as refused:
        db.session.rollback()
        message = " ".join(m for messages in refused.errors.values() for m in messages)
        return render_template("web/error.html", status=403, message=message), 403
    db.session.commit()
    return redirect(url_for("web.verify", period=period, ok=1), 303)
