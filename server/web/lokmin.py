"""Lokmin lintas sektor: meetings per kecamatan and quarter, their agreements (RTL) and forms.

Kecamatan and puskesmas users write the lokmin of their kecamatan; everyone else reads what their
scope holds. ``?format=csv|xlsx&table=meetings|agreements`` downloads the page's tables.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict

import sqlalchemy as sa
from flask import abort, g, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Record
from server.reference import write_records
from server.scope import FacilityIndex, ScopeKeys, scope_keys
from server.web import bp, language, login_required
from server.web.downloads import download
from server.web.format import today, yes_no
from server.web.params import download_format, download_table, parse_quarter
from server.web.scoped import in_scope, wilayah_names
from shared import records
from shared.i18n import t

CLOSED_AGREEMENT = ("done", "cancelled")


def can_write_lokmin(kecamatan_code: str | None) -> bool:
    return g.scope.can_write("lokmin_meeting", ScopeKeys(None, None, kecamatan_code, None))


def writable_kecamatan() -> list[str]:
    if g.scope.role not in ("kecamatan", "puskesmas"):
        return []
    return sorted(k for k in g.scope.kecamatan if can_write_lokmin(k))


def is_overdue(fields: dict, on: dt.date) -> bool:
    due = fields.get("due_date")
    return bool(due) and due < on.isoformat() and fields.get("status") not in CLOSED_AGREEMENT


def overdue_only() -> bool:
    """Whether the page is filtered to what is past its deadline (``?tenggat=lewat``)."""
    return (request.args.get("tenggat") or "").strip() == "lewat"


def lokmin_groups(only_overdue: bool = False) -> tuple[list, int, dt.date]:
    """Return the meetings in scope grouped by (kecamatan, year, quarter), the overdue count
    and today; ``only_overdue``: only agreements melewati tenggat and their meetings."""
    rows = (
        db.session.execute(
            in_scope(
                sa.select(Record).where(
                    Record.kind.in_(("lokmin_meeting", "lokmin_agreement")),
                    Record.deleted.is_(False),
                )
            )
        )
        .scalars()
        .all()
    )
    meetings = [r for r in rows if r.kind == "lokmin_meeting"]
    agreements = defaultdict(list)
    on = today()
    for r in rows:
        if r.kind == "lokmin_agreement":
            agreements[r.fields.get("meeting_id")].append(
                {
                    "r": r,
                    "f": r.fields,
                    "overdue": is_overdue(r.fields, on),
                    "writable": can_write_lokmin(r.kecamatan_code),
                }
            )
    if only_overdue:
        agreements = defaultdict(
            list, {k: [a for a in v if a["overdue"]] for k, v in agreements.items()}
        )
        meetings = [m for m in meetings if agreements.get(m.id)]
    for items in agreements.values():
        items.sort(key=lambda a: (a["f"].get("due_date") or "9999", a["f"].get("action") or ""))
    groups = defaultdict(list)
    for m in sorted(meetings, key=lambda m: (m.fields.get("meeting_date") or "",), reverse=True):
        f = m.fields
        sectors = Counter(a.get("sector") for a in f.get("attendance") or [])
        groups[(m.kecamatan_code, f.get("year") or 0, f.get("quarter") or 0)].append(
            {
                "r": m,
                "f": f,
                "agreements": agreements.get(m.id, []),
                "sectors": sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0] or "")),
                "writable": can_write_lokmin(m.kecamatan_code),
            }
        )
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][0] or "", -kv[0][1], -kv[0][2]))
    overdue = sum(a["overdue"] for items in agreements.values() for a in items)
    return ordered, overdue, on


def render_lokmin(
    errors: dict | None = None, form: dict | None = None, code: int = 200, notice: str | None = None
):
    lang = language()
    ordered, overdue, on = lokmin_groups(overdue_only())
    names = wilayah_names()
    choices = {
        key: records.spec(kind).info[name].choices
        for key, kind, name in (
            ("kind", "lokmin_meeting", "kind"),
            ("meeting_status", "lokmin_meeting", "status"),
            ("sector", "lokmin_agreement", "sector"),
            ("agreement_status", "lokmin_agreement", "status"),
            ("budget_source", "lokmin_agreement", "budget_source"),
        )
    }

    def label(kind, name, value):
        return records.choice_label(kind, name, value, lang)

    def flabel(kind, name):
        return records.field_label(kind, name, lang)

    return render_template(
        "web/review/lokmin.html",
        groups=ordered,
        names=names,
        overdue=overdue,
        kecamatan=writable_kecamatan(),
        errors=errors or {},
        form=form or {},
        notice=notice,
        choices=choices,
        label=label,
        flabel=flabel,
        sectors=choices["sector"],
        this_year=on.year,
        only_overdue=overdue_only(),
        this_quarter=(on.month - 1) // 3 + 1,
    ), code


@bp.route("/lokmin")
@login_required()
def lokmin():
    """Show lokmin meetings (per kecamatan and quarter) and their agreements."""
    fmt = download_format()
    if fmt:
        return lokmin_download(fmt, download_table(("meetings", "agreements")))
    notice = t("web.review.saved", language()) if request.args.get("ok") else None
    return render_lokmin(notice=notice)


def lokmin_download(fmt: str, table: str):
    """Download the page's meetings or its agreements (RTL), in the page's order."""
    lang = language()
    ordered, _, _ = lokmin_groups(overdue_only())
    names = wilayah_names()
    meetings = [m for _, items in ordered for m in items]
    if table == "meetings":
        header, rows = meetings_table(meetings, names, lang)
        return download(
            fmt, "lokmin-pertemuan", t("web.review.lokmin.meetings", lang), header, rows
        )
    header, rows = agreements_table(meetings, names, lang)
    return download(
        fmt, "lokmin-kesepakatan", t("web.review.lokmin.agreements_sheet", lang), header, rows
    )


def _choice(kind: str, name: str, value, lang: str) -> str:
    return records.choice_label(kind, name, value, lang) if value else ""


def _field_labels(kind: str, lang: str, *fields: str) -> list[str]:
    return [records.field_label(kind, name, lang) for name in fields]


MEETING_FIELDS = (
    "kecamatan_code",
    "year",
    "quarter",
    "meeting_date",
    "kind",
    "status",
    "venue",
    "chair_name",
    "agenda",
)
AGREEMENT_FIELDS = (
    "action",
    "sector",
    "pic_name",
    "pic_role",
    "start_date",
    "due_date",
    "budget_source",
    "status",
    "progress_note",
)


def meetings_table(meetings: list[dict], names: dict, lang: str) -> tuple[list, list]:
    """Return the header and rows of the meetings table."""
    header = [
        t("web.review.lokmin.kecamatan", lang),
        *_field_labels("lokmin_meeting", lang, *MEETING_FIELDS),
        t("web.review.lokmin.attendance", lang),
        t("web.review.lokmin.problems", lang),
        t("web.review.lokmin.agreements", lang),
    ]
    rows = [
        [
            names.get(m["r"].kecamatan_code, m["r"].kecamatan_code),
            m["r"].kecamatan_code,
            m["f"].get("year"),
            m["f"].get("quarter"),
            m["f"].get("meeting_date"),
            _choice("lokmin_meeting", "kind", m["f"].get("kind"), lang),
            _choice("lokmin_meeting", "status", m["f"].get("status"), lang),
            m["f"].get("venue"),
            m["f"].get("chair_name"),
            m["f"].get("agenda"),
            ", ".join(
                f"{_choice('lokmin_agreement', 'sector', sector, lang) or '—'} {n}"
                for sector, n in m["sectors"]
            ),
            "; ".join(p.get("description") or "" for p in m["f"].get("problems") or []),
            len(m["agreements"]),
        ]
        for m in meetings
    ]
    return header, rows


def agreements_table(meetings: list[dict], names: dict, lang: str) -> tuple[list, list]:
    """Return the header and rows of the agreements (RTL) table."""
    header = [
        t("web.review.lokmin.kecamatan", lang),
        t("web.review.lokmin.meeting_date", lang),
        *_field_labels("lokmin_agreement", lang, *AGREEMENT_FIELDS),
        t("web.review.lokmin.overdue", lang),
    ]
    rows = [
        [
            names.get(m["r"].kecamatan_code, m["r"].kecamatan_code),
            m["f"].get("meeting_date"),
            a["f"].get("action"),
            _choice("lokmin_agreement", "sector", a["f"].get("sector"), lang),
            a["f"].get("pic_name"),
            a["f"].get("pic_role"),
            a["f"].get("start_date"),
            a["f"].get("due_date"),
            _choice("lokmin_agreement", "budget_source", a["f"].get("budget_source"), lang),
            _choice("lokmin_agreement", "status", a["f"].get("status"), lang),
            a["f"].get("progress_note"),
            yes_no(a["overdue"], lang),
        ]
        for m in meetings
        for a in m["agreements"]
    ]
    return header, rows


def _save(kind: str, values: dict, target: str, form: dict):
    """Validate, check scope, write; return a response (redirect, or the page with errors)."""
    lang = language()
    result = records.validate(kind, values, lang=lang)
    if not result.ok:
        return render_lokmin({target: result.errors}, {target: form}, 422)
    keys = scope_keys(kind, result.values, FacilityIndex.load(db.session))
    if isinstance(keys, str) or not g.scope.can_write(kind, keys):
        return render_lokmin(
            {target: {"_schema": [t("web.review.forbidden_write", lang)]}}, {target: form}, 403
        )
    report = write_records(db.session, [(kind, values)], actor=g.web_user.username, lang=lang)
    if report.rejected:
        db.session.rollback()
        return render_lokmin({target: report.rejected[0][2]}, {target: form}, 422)
    db.session.commit()
    return redirect(url_for("web.lokmin", ok=1) + f"#{target}", 303)


def _text(name: str) -> str | None:
    value = (request.form.get(name) or "").strip()
    return value or None


def _int(name: str):
    value = _text(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return value  # validation reports it in Indonesian


@bp.route("/lokmin/pertemuan", methods=["POST"])
@login_required()
def lokmin_new_meeting():
    """Create a lokmin meeting (kecamatan and puskesmas users in their kecamatan)."""
    if not writable_kecamatan():
        abort(403)
    attendance = []
    for line in (request.form.get("attendance") or "").splitlines():
        parts = [p.strip() for p in line.split(";")]
        if parts and parts[0]:
            row = {"name": parts[0], "sector": (parts[1] if len(parts) > 1 else "") or None}
            if len(parts) > 2 and parts[2]:
                row["institution"] = parts[2]
            attendance.append(row)
    problems = [
        {"description": line.strip()}
        for line in (request.form.get("problems") or "").splitlines()
        if line.strip()
    ]
    values = {
        "id": str(uuid.uuid4()),
        "kecamatan_code": _text("kecamatan_code"),
        "kind": _text("kind"),
        "year": _int("year"),
        "quarter": parse_quarter(_text("quarter")),
        "meeting_date": _text("meeting_date"),
        "venue": _text("venue"),
        "chair_name": _text("chair_name"),
        "agenda": _text("agenda"),
        "status": _text("status") or "planned",
        "attendance": attendance,
        "problems": problems,
    }
    if g.scope.role == "puskesmas" and g.scope.puskesmas:
        values["puskesmas_id"] = sorted(g.scope.puskesmas)[0]
    return _save("lokmin_meeting", values, "new-meeting", request.form.to_dict())


def _readable(record_id: str, kind: str) -> Record | None:
    return db.session.execute(
        in_scope(
            sa.select(Record).where(
                Record.id == record_id, Record.kind == kind, Record.deleted.is_(False)
            )
        )
    ).scalar()


@bp.route("/lokmin/pertemuan/<meeting_id>/kesepakatan", methods=["POST"])
@login_required()
def lokmin_new_agreement(meeting_id: str):
    """Add an agreement (RTL) to a meeting."""
    meeting = _readable(meeting_id, "lokmin_meeting")
    if meeting is None:
        abort(404)
    if not can_write_lokmin(meeting.kecamatan_code):
        abort(403)
    values = {
        "id": str(uuid.uuid4()),
        "meeting_id": meeting.id,
        "kecamatan_code": meeting.kecamatan_code,
        "action": _text("action"),
        "sector": _text("sector"),
        "pic_name": _text("pic_name"),
        "pic_role": _text("pic_role"),
        "start_date": _text("start_date"),
        "due_date": _text("due_date"),
        "budget_source": _text("budget_source"),
        "status": _text("status") or "planned",
    }
    return _save("lokmin_agreement", values, f"new-agreement-{meeting.id}", request.form.to_dict())


@bp.route("/lokmin/kesepakatan/<agreement_id>", methods=["POST"])
@login_required()
def lokmin_update_agreement(agreement_id: str):
    """Update an agreement's status and progress note."""
    row = _readable(agreement_id, "lokmin_agreement")
    if row is None:
        abort(404)
    if not can_write_lokmin(row.kecamatan_code):
        abort(403)
    spec = records.spec("lokmin_agreement")
    stored = {k: v for k, v in row.fields.items() if k not in spec.derived_fields}
    values = {**stored, "status": _text("status"), "progress_note": _text("progress_note")}
    return _save("lokmin_agreement", values, f"agreement-{row.id}", request.form.to_dict())
