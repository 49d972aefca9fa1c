"""ODF/STBM: each desa's status as dated verification events, its timeline, and the kabupaten's
progress toward a configurable target (``ODF_TARGET_PCT``, 100 by default; BRIEF §5.1, §5.2 #7).

A desa's status on a day is the status of its latest verification on or before that day; a desa
without one is *belum*. Progress: desa whose status is ODF or STBM ÷ the desa the viewer may see.
Verifications are recorded by the bidan desa, the puskesmas and the dinas for desa in their scope.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

import sqlalchemy as sa
from flask import current_app, g, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Record
from server.reference import write_records
from server.scope import FacilityIndex, scope_keys
from server.sync.changes import Writer
from server.web import bp, language, local_zone, login_required
from server.web.scoped import readable
from shared import records
from shared.calendar import local_today
from shared.i18n import t

WRITER_ROLES = frozenset({"bidan_desa", "puskesmas", "dinas", "admin"})
DONE = ("odf", "stbm")


def target_pct() -> float:
    """Return the kabupaten's ODF target (percent of desa)."""
    return float(current_app.config.get("ODF_TARGET_PCT", 100))


def visible_desa() -> list[dict]:
    """Return the desa the viewer may see, by name."""
    facilities = FacilityIndex.load(db.session)
    rows = db.session.execute(
        sa.select(Record.fields).where(Record.kind == "wilayah", Record.deleted.is_(False))
    ).scalars()
    return sorted(
        (
            w
            for w in rows
            if w.get("level") == "desa" and g.scope.can_read_area("desa", w["code"], facilities)
        ),
        key=lambda w: (w.get("name") or "", w["code"]),
    )


def timelines() -> dict[str, list[dict]]:
    """Return the readable verification events of each desa, oldest first."""
    rows = db.session.execute(
        readable(sa.select(Record.fields).where(Record.kind == "odf_verification"))
    ).scalars()
    out: dict[str, list[dict]] = defaultdict(list)
    for fields in sorted(rows, key=lambda f: (f["verified_on"], f["id"])):
        out[fields["desa_code"]].append(fields)
    return out


def progress(desa: list[dict], events: dict[str, list[dict]], today) -> dict:
    """Return each desa's current status and the count of desa that are ODF or STBM."""
    status = {}
    for w in desa:
        past = [e for e in events.get(w["code"], []) if e["verified_on"] <= today.isoformat()]
        status[w["code"]] = past[-1]["status"] if past else "belum"
    done = sum(1 for s in status.values() if s in DONE)
    return {"status": status, "numerator": done, "denominator": len(desa)}


def form_values() -> dict:
    """Return a verification event from the form (validation says what is wrong)."""
    values = {"id": str(uuid.uuid4())}
    for name in ("desa_code", "verified_on", "status", "team", "decree", "notes"):
        value = (request.form.get(name) or "").strip()
        if value:
            values[name] = value
    return values


def save_verification(values: dict):
    """Write a verification through the one write path, as the user, inside their scope.

    Return None when written, else the errors (``_schema`` when the user may not write there).
    """
    lang = language()
    desa = values.get("desa_code") or ""
    keys = scope_keys("odf_verification", {"desa_code": desa}, FacilityIndex.load(db.session))
    if g.web_user.role not in WRITER_ROLES or not g.scope.can_read("odf_verification", keys):
        return {"_schema": [t("web.review.forbidden_write", lang)]}
    result = records.validate("odf_verification", values, lang=lang)
    if not result.ok:
        return result.errors
    writer = Writer(g.web_user.username, g.scope, g.scope.can_read)
    report = write_records(db.session, [("odf_verification", values)], writer=writer, lang=lang)
    if report.rejected:
        db.session.rollback()
        return report.rejected[0][2]
    db.session.commit()
    return None


@bp.route("/odf", methods=["GET", "POST"])
@login_required()
def odf():
    """Show the desa's ODF/STBM status and timelines; record a verification (POST)."""
    errors, status = None, 200
    if request.method == "POST":
        errors = save_verification(form_values())
        if errors is None:
            return redirect(url_for("web.odf", ok=1), 303)
        status = 403 if "_schema" in errors else 422
    today = local_today(local_zone())
    desa = visible_desa()
    events = timelines()
    figures = progress(desa, events, today)
    return render_template(
        "web/kia/odf.html",
        desa=desa,
        events=events,
        figures=figures,
        target=target_pct(),
        done_pct=round(100 * figures["numerator"] / figures["denominator"], 1)
        if figures["denominator"]
        else None,
        can_write=g.web_user.role in WRITER_ROLES,
        errors=errors,
        today=today,
    ), status
