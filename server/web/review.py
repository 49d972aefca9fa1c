"""Mutu data, Konflik, Lokmin lintas sektor, Evaluasi mingguan and Pengguna.

Every query is limited to the signed-in user's scope (``g.scope``): records through
``read_filter()``, conflicts through the same filter on their copied scope keys, devices and
posyandu through the scope keys of the user's unit (``can_read``, the Python twin of the filter).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter, defaultdict

import sqlalchemy as sa
from flask import abort, current_app, g, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Conflict, Device, Record, User, utcnow
from server.reference import write_records
from server.scope import FacilityIndex, ScopeKeys, scope_keys
from server.sync.conflicts import ResolveError, conflicts_in_scope, resolve
from server.sync.merge import DELETED
from server.web import (
    bp,
    language,
    login_required,
    messages_review,  # noqa: F401  (registers the review messages)
)
from shared import records
from shared.i18n import t

WIB = dt.timezone(dt.timedelta(hours=7))
SKEW_LIMIT_MS = 5 * 60 * 1000
CLOSED_AGREEMENT = ("done", "cancelled")
CONFLICT_STATUS = {"open": "open", "resolved": "resolved", "all": None}
DOWNLOAD_FORMATS = ("csv", "xlsx")


# -- helpers ---------------------------------------------------------------------------------------
def when(value: dt.datetime | None) -> str:
    """Format a timestamp in WIB (the kabupaten's time), or the 'never' word."""
    if value is None:
        return t("web.review.never", language())
    return value.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB")


def hlc_time(hlc: str | None) -> dt.datetime | None:
    """Return the wall-clock time of a hybrid logical clock stamp."""
    try:
        return dt.datetime.fromtimestamp(int(str(hlc).split(":")[0]) / 1000, dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None


def today() -> dt.date:
    """Return today's date in WIB."""
    return dt.datetime.now(WIB).date()


def days_since(value: dt.datetime | None, now: dt.datetime) -> int | None:
    """Return whole days between ``value`` and ``now`` (None when never)."""
    return None if value is None else max(0, (now - value).days)


def show_value(kind: str, field: str, value, lang: str) -> str:
    """Render one field value for people (choices by label, booleans as Ya/Tidak)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return t("web.review.yes" if value else "web.review.no", lang)
    if isinstance(value, str):
        try:
            return records.choice_label(kind, field, value, lang)
        except records.UnknownKind:
            return value
    if isinstance(value, list):
        return ", ".join(show_value(kind, field, v, lang) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def field_name(kind: str, field: str, lang: str) -> str:
    """Return the label of a field (or 'Dihapus' for the record's deletion)."""
    if field == DELETED:
        return t("web.review.conflicts.deleted_field", lang)
    try:
        return records.field_label(kind, field, lang)
    except records.UnknownKind:
        return field


def unit_keys(user: User, facilities: FacilityIndex) -> ScopeKeys:
    """Return the scope keys of a user's unit, so devices can be filtered like records."""
    if user.role in ("dinas", "admin"):
        return ScopeKeys()
    facility = facilities.get(user.unit)
    if facility is not None and facility.get("kind") in ("posyandu", "puskesmas"):
        keys = scope_keys("facility", facility, facilities)
        return keys if isinstance(keys, ScopeKeys) else ScopeKeys()
    unit = user.unit or ""
    if len(unit) == 10:
        return ScopeKeys(None, unit, unit[:6], facilities.puskesmas_for_desa(unit))
    if len(unit) == 6:
        return ScopeKeys(None, None, unit, None)
    return ScopeKeys()


def posyandu_keys(facility: dict) -> ScopeKeys:
    desa = facility.get("desa_code")
    return ScopeKeys(
        facility["id"],
        desa,
        facility.get("kecamatan_code") or (desa[:6] if desa else None),
        facility.get("parent_id"),
    )


def devices_in_scope(session, facilities: FacilityIndex) -> list[tuple[Device, User]]:
    """Return (device, user) pairs whose user's unit lies in the viewer's scope."""
    rows = session.execute(
        sa.select(Device, User)
        .join(User, Device.user_id == User.id)
        .order_by(User.username, Device.created_at)
    ).all()
    scope = g.scope
    return [
        (d, u)
        for d, u in rows
        if scope.everything or scope.can_read("person", unit_keys(u, facilities))
    ]


def posyandu_in_scope(facilities: FacilityIndex) -> list[dict]:
    """Return the posyandu facilities the viewer may read, by name."""
    scope = g.scope
    return sorted(
        (
            f
            for f in facilities.of_kind("posyandu")
            if scope.everything or scope.can_read("person", posyandu_keys(f))
        ),
        key=lambda f: (f.get("parent_id") or "", f.get("name") or ""),
    )


def posyandu_last_sync(pairs: list[tuple[Device, User]]) -> dict[str, dt.datetime]:
    """Return the latest push or pull of any device of a user attached to each posyandu."""
    last: dict[str, dt.datetime] = {}
    for device, user in pairs:
        stamps = [s for s in (device.last_push_at, device.last_pull_at) if s is not None]
        if stamps and (user.unit not in last or max(stamps) > last[user.unit]):
            last[user.unit] = max(stamps)
    return last


def in_scope(query, model=Record):
    """Add the viewer's read filter to a query."""
    return query.where(g.scope.read_filter(model))


# -- downloads (``?format=csv|xlsx``, ``&table=`` on pages with several tables) ------------------
def bad_request(key: str):
    """Return the 400 error of the summary pages (imported late: summary is a sibling module)."""
    from server.web.summary import BadRequest

    return BadRequest(key)


def download_format() -> str | None:
    """Return the requested download format, None for the page, or raise a 400."""
    fmt = (request.args.get("format") or "").strip()
    if not fmt:
        return None
    if fmt not in DOWNLOAD_FORMATS:
        raise bad_request("web.review.bad_format")
    return fmt


def download_table(tables: tuple[str, ...]) -> str:
    """Return the requested table of a page with several (the first by default), or a 400."""
    name = (request.args.get("table") or tables[0]).strip()
    if name not in tables:
        raise bad_request("web.review.bad_table")
    return name


def download(fmt: str, basename: str, title: str, header: list[str], rows: list[list]):
    """Stream one table of a page: its header row first, then the rows the page shows."""
    from server.web.exports import table_response

    return table_response(fmt, basename, title, [header, *rows])


def labels(*keys: str) -> list[str]:
    """Translate column headers from the catalogue."""
    lang = language()
    return [t(key, lang) for key in keys]


def yes_no(value, lang: str) -> str:
    return t("web.review.yes" if value else "web.review.no", lang)


# -- Konflik ---------------------------------------------------------------------------------------
def conflict_rows(items: list[Conflict], lang: str) -> list[dict]:
    """Describe conflicts for the page: record, field label, both values, who and when."""
    session = db.session
    ids = {c.record_id for c in items}
    recs = {r.id: r for r in session.execute(sa.select(Record).where(Record.id.in_(ids))).scalars()}
    person_ids = {r.person_id for r in recs.values() if r.person_id} - set(recs)
    people = (
        {
            r.id: r
            for r in session.execute(sa.select(Record).where(Record.id.in_(person_ids))).scalars()
        }
        if person_ids
        else {}
    )
    device_ids = {d for c in items for d in (c.winner_device, c.loser_device) if d}
    devices = (
        {
            d.id: (d, u)
            for d, u in session.execute(
                sa.select(Device, User)
                .join(User, Device.user_id == User.id)
                .where(Device.id.in_(device_ids))
            ).all()
        }
        if device_ids
        else {}
    )

    def who(device_id, fallback=None):
        if device_id in devices:
            d, u = devices[device_id]
            return f"{u.name} ({u.username}, {d.name})"
        return fallback or device_id or "—"

    out = []
    for c in items:
        rec = recs.get(c.record_id)
        fields = rec.fields if rec is not None else {}
        title = fields.get("name") or fields.get("action")
        if not title and rec is not None and rec.person_id in people:
            title = people[rec.person_id].fields.get("name")
        keys = ScopeKeys(c.posyandu_id, c.desa_code, c.kecamatan_code, c.puskesmas_id)
        out.append(
            {
                "c": c,
                "kind": records.kind_label(c.kind, lang),
                "title": title or c.record_id[:8],
                "field": field_name(c.kind, c.field, lang),
                "winner": show_value(c.kind, c.field, c.winner_value, lang),
                "loser": show_value(c.kind, c.field, c.loser_value, lang),
                "winner_who": who(c.winner_device),
                "winner_when": when(hlc_time(c.winner_hlc)),
                "loser_who": who(c.loser_device, c.loser_user),
                "loser_when": when(hlc_time(c.loser_hlc)),
                "created": when(c.created_at),
                "resolved_when": when(c.resolved_at),
                "can_resolve": c.status == "open" and g.scope.can_review(keys),
            }
        )
    return out


def render_conflicts(
    status_key: str, error: str | None = None, details=None, notice=None, code: int = 200
):
    lang = language()
    items = conflicts_in_scope(db.session, g.scope, CONFLICT_STATUS[status_key])
    return render_template(
        "web/review/conflicts.html",
        rows=conflict_rows(items, lang),
        status=status_key,
        error=error,
        details=details or {},
        notice=notice,
    ), code


@bp.route("/konflik")
@login_required()
def conflicts():
    """Show the conflict queue in scope (open, resolved or all)."""
    status = request.args.get("status", "open")
    status = status if status in CONFLICT_STATUS else "open"
    fmt = download_format()
    if fmt:
        lang = language()
        rows = conflict_rows(conflicts_in_scope(db.session, g.scope, CONFLICT_STATUS[status]), lang)
        return download(
            fmt,
            f"konflik-{status}",
            t("web.nav.conflicts", lang),
            labels(
                "web.review.conflicts.record",
                "web.review.users.kind",
                "web.review.conflicts.field",
                "web.review.conflicts.winner",
                "web.review.conflicts.winner_by",
                "web.review.conflicts.winner_at",
                "web.review.conflicts.loser",
                "web.review.conflicts.loser_by",
                "web.review.conflicts.loser_at",
                "web.review.conflicts.created",
                "web.review.conflicts.status",
                "web.review.conflicts.resolver",
                "web.review.conflicts.resolved_at",
                "web.review.conflicts.resolution",
            ),
            [conflict_line(r, lang) for r in rows],
        )
    notice = t("web.review.conflicts.done", language()) if request.args.get("ok") else None
    return render_conflicts(status, notice=notice)


def conflict_line(row: dict, lang: str) -> list:
    """Return one conflict of the page as a download row."""
    c, is_open = row["c"], row["c"].status == "open"
    choice = {
        "winner": "web.review.conflicts.keep_winner",
        "loser": "web.review.conflicts.take_loser",
    }.get(c.resolution or "")
    return [
        row["title"],
        row["kind"],
        row["field"],
        row["winner"],
        row["winner_who"],
        row["winner_when"],
        row["loser"],
        row["loser_who"],
        row["loser_when"],
        row["created"],
        t(f"web.review.conflicts.status_{'open' if is_open else 'resolved'}", lang),
        "" if is_open else c.resolved_by,
        "" if is_open else row["resolved_when"],
        t(choice, lang) if choice and not is_open else "",
    ]


@bp.route("/konflik/<int:conflict_id>/selesaikan", methods=["POST"])
@login_required()
def resolve_conflict(conflict_id: int):
    """Resolve a conflict: keep the applied value or apply the other one as a new change."""
    lang = language()
    status = request.form.get("status", "open")
    status = status if status in CONFLICT_STATUS else "open"
    choice = request.form.get("choice")
    if choice not in ("winner", "loser"):
        return render_conflicts(status, t("web.review.conflicts.err_choice", lang), code=400)
    try:
        resolve(
            db.session,
            g.scope,
            conflict_id,
            choice,
            g.web_user.username,
            lang=lang,
            zone=current_app.config["LOCAL_TIMEZONE"],
        )
    except ResolveError as exc:
        db.session.rollback()
        codes = {"not_found": 404, "forbidden": 403, "conflict": 409, "validation_error": 422}
        details = {field_name_for(conflict_id, f, lang): v for f, v in exc.details.items()}
        return render_conflicts(
            status,
            t(f"web.review.conflicts.err_{exc.code}", lang),
            details,
            code=codes.get(exc.code, 400),
        )
    db.session.commit()
    return redirect(url_for("web.conflicts", status=status, ok=1), 303)


def field_name_for(conflict_id: int, field: str, lang: str) -> str:
    conflict = db.session.get(Conflict, conflict_id)
    return field_name(conflict.kind, field, lang) if conflict and field != "_schema" else ""


# -- Lokmin ----------------------------------------------------------------------------------------
def can_write_lokmin(kecamatan_code: str | None) -> bool:
    return g.scope.can_write("lokmin_meeting", ScopeKeys(None, None, kecamatan_code, None))


def writable_kecamatan() -> list[str]:
    if g.scope.role not in ("kecamatan", "puskesmas"):
        return []
    return sorted(k for k in g.scope.kecamatan if can_write_lokmin(k))


def wilayah_names() -> dict[str, str]:
    rows = db.session.execute(
        sa.select(Record.id, Record.fields).where(
            Record.kind == "wilayah", Record.deleted.is_(False)
        )
    ).all()
    return {r.id: r.fields.get("name") or r.id for r in rows}


def is_overdue(fields: dict, on: dt.date) -> bool:
    due = fields.get("due_date")
    return bool(due) and due < on.isoformat() and fields.get("status") not in CLOSED_AGREEMENT


def lokmin_groups() -> tuple[list, int, dt.date]:
    """Return the meetings in scope grouped by (kecamatan, year, quarter), the overdue count
    and today."""
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
    ordered, overdue, on = lokmin_groups()
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
    ordered, _, _ = lokmin_groups()
    names = wilayah_names()

    def label(kind, name, value):
        return records.choice_label(kind, name, value, lang) if value else ""

    def flabel(kind, *fields):
        return [records.field_label(kind, name, lang) for name in fields]

    meetings = [m for _, items in ordered for m in items]
    if table == "meetings":
        header = [
            t("web.review.lokmin.kecamatan", lang),
            *flabel(
                "lokmin_meeting",
                "kecamatan_code",
                "year",
                "quarter",
                "meeting_date",
                "kind",
                "status",
                "venue",
                "chair_name",
                "agenda",
            ),
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
                label("lokmin_meeting", "kind", m["f"].get("kind")),
                label("lokmin_meeting", "status", m["f"].get("status")),
                m["f"].get("venue"),
                m["f"].get("chair_name"),
                m["f"].get("agenda"),
                ", ".join(
                    f"{label('lokmin_agreement', 'sector', sector) or '—'} {n}"
                    for sector, n in m["sectors"]
                ),
                "; ".join(p.get("description") or "" for p in m["f"].get("problems") or []),
                len(m["agreements"]),
            ]
            for m in meetings
        ]
        return download(
            fmt, "lokmin-pertemuan", t("web.review.lokmin.meetings", lang), header, rows
        )
    header = [
        t("web.review.lokmin.kecamatan", lang),
        t("web.review.lokmin.meeting_date", lang),
        *flabel(
            "lokmin_agreement",
            "action",
            "sector",
            "pic_name",
            "pic_role",
            "start_date",
            "due_date",
            "budget_source",
            "status",
            "progress_note",
        ),
        t("web.review.lokmin.overdue", lang),
    ]
    rows = [
        [
            names.get(m["r"].kecamatan_code, m["r"].kecamatan_code),
            m["f"].get("meeting_date"),
            a["f"].get("action"),
            label("lokmin_agreement", "sector", a["f"].get("sector")),
            a["f"].get("pic_name"),
            a["f"].get("pic_role"),
            a["f"].get("start_date"),
            a["f"].get("due_date"),
            label("lokmin_agreement", "budget_source", a["f"].get("budget_source")),
            label("lokmin_agreement", "status", a["f"].get("status")),
            a["f"].get("progress_note"),
            yes_no(a["overdue"], lang),
        ]
        for m in meetings
        for a in m["agreements"]
    ]
    return download(
        fmt, "lokmin-kesepakatan", t("web.review.lokmin.agreements_sheet", lang), header, rows
    )


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
        "quarter": _int("quarter"),
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


# -- Mutu data -------------------------------------------------------------------------------------
@bp.route("/mutu-data")
@login_required()
def quality():
    """Show sync health, stale posyandu, implausible values and clock skew in scope."""
    lang = language()
    try:
        days = min(max(int(request.args.get("days", 14)), 1), 3650)
    except ValueError:
        days = 14
    fmt = download_format()
    table = download_table(QUALITY_TABLES) if fmt else None
    data = quality_data(days)
    if fmt:
        return quality_download(fmt, table, days, data)
    return render_template(
        "web/review/quality.html",
        when=when,
        days=days,
        **data,
        flabel=lambda name: records.field_label("child_visit", name, lang),
    )


QUALITY_TABLES = ("devices", "stale", "implausible", "skew")
MEASURES = ("weight_kg", "length_cm", "head_cm", "muac_cm")


def quality_data(days: int) -> dict:
    """Return the tables of the Mutu data page: device pairs, stale posyandu, implausible
    visits and skewed devices (all in the viewer's scope)."""
    now = utcnow()
    facilities = FacilityIndex.load(db.session)
    pairs = devices_in_scope(db.session, facilities)
    last = posyandu_last_sync(pairs)
    stale = []
    for f in posyandu_in_scope(facilities):
        seen = last.get(f["id"])
        if seen is None or now - seen > dt.timedelta(days=days):
            stale.append(
                {
                    "f": f,
                    "last": when(seen),
                    "days": days_since(seen, now),
                    "puskesmas": (facilities.get(f.get("parent_id")) or {}).get("name"),
                }
            )
    visits = (
        db.session.execute(
            in_scope(
                sa.select(Record).where(
                    Record.kind == "child_visit",
                    Record.deleted.is_(False),
                    sa.cast(Record.fields, sa.Text).like("%implausible_%"),
                )
            )
            .order_by(Record.updated_at.desc())
            .limit(500)
        )
        .scalars()
        .all()
    )
    visits = [
        v
        for v in visits
        if any(str(flag).startswith("implausible_") for flag in v.fields.get("flags") or [])
    ]
    person_ids = {v.person_id for v in visits if v.person_id}
    people = (
        {
            r.id: r.fields
            for r in db.session.execute(
                sa.select(Record).where(Record.id.in_(person_ids))
            ).scalars()
        }
        if person_ids
        else {}
    )
    implausible = [
        {
            "v": v.fields,
            "child": people.get(v.person_id, {}).get("name") or "—",
            "posyandu": (facilities.get(v.posyandu_id) or {}).get("name") or v.posyandu_id,
            "flags": [
                flag for flag in v.fields.get("flags") or [] if str(flag).startswith("implausible_")
            ],
        }
        for v in visits
    ]
    skewed = [
        (d, u)
        for d, u in pairs
        if d.clock_flagged or (d.clock_skew_ms is not None and abs(d.clock_skew_ms) > SKEW_LIMIT_MS)
    ]
    return {"pairs": pairs, "stale": stale, "implausible": implausible, "skewed": skewed}


def quality_download(fmt: str, table: str, days: int, data: dict):
    """Download one table of the Mutu data page."""
    lang = language()
    title = t(f"web.review.sheet.{table}", lang)
    if table == "devices":
        header = labels(
            "web.review.quality.user",
            "web.review.users.username",
            "web.review.users.role",
            "web.review.quality.device",
            "web.review.quality.device_id",
            "web.review.quality.last_push",
            "web.review.quality.last_pull",
            "web.review.users.revoked_col",
        )
        rows = [
            [
                u.name,
                u.username,
                u.role,
                d.name,
                d.id,
                when(d.last_push_at),
                when(d.last_pull_at),
                when(d.revoked_at) if d.revoked_at else "",
            ]
            for d, u in data["pairs"]
        ]
    elif table == "stale":
        header = labels(
            "web.review.users.code",
            "web.review.quality.posyandu",
            "web.review.weekly.puskesmas",
            "web.review.quality.last_sync",
            "web.review.quality.days_since",
        )
        rows = [
            [s["f"]["id"], s["f"].get("name"), s["puskesmas"] or "", s["last"], s["days"]]
            for s in data["stale"]
        ]
        return download(fmt, f"mutu-data-stale-{days}-hari", title, header, rows)
    elif table == "implausible":
        header = [
            *labels(
                "web.review.quality.child",
                "web.review.quality.posyandu",
                "web.review.quality.visit_date",
            ),
            *(records.field_label("child_visit", name, lang) for name in MEASURES),
            t("web.review.quality.flags", lang),
        ]
        rows = [
            [
                i["child"],
                i["posyandu"],
                i["v"].get("visit_date"),
                *(i["v"].get(name) for name in MEASURES),
                ", ".join(i["flags"]),
            ]
            for i in data["implausible"]
        ]
    else:
        header = labels(
            "web.review.quality.user",
            "web.review.users.username",
            "web.review.quality.device",
            "web.review.quality.device_id",
            "web.review.quality.skew_min",
            "web.review.quality.flagged",
        )
        rows = [
            [
                u.name,
                u.username,
                d.name,
                d.id,
                round((d.clock_skew_ms or 0) / 60000, 1),
                yes_no(d.clock_flagged, lang),
            ]
            for d, u in data["skewed"]
        ]
    return download(fmt, f"mutu-data-{table}", title, header, rows)


# -- Evaluasi mingguan -----------------------------------------------------------------------------
def parse_week(value: str | None) -> dt.date | None:
    """Return the Monday of an ISO week ``YYYY-Www``."""
    try:
        year, week = value.upper().split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    except (AttributeError, ValueError):
        return None


def week_code(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _date_field(kind: str, name: str, start: dt.date, end: dt.date):
    column = Record.fields[name].as_string()
    return in_scope(
        sa.select(Record).where(
            Record.kind == kind,
            Record.deleted.is_(False),
            column >= start.isoformat(),
            column <= end.isoformat(),
        )
    )


@bp.route("/evaluasi-mingguan")
@login_required()
def weekly():
    """Show, per puskesmas in scope, the week's sessions, weighings, alerts, deaths and sync lag."""
    error = None
    monday = parse_week(request.args.get("week")) if request.args.get("week") else None
    if request.args.get("week") and monday is None:
        error = t("web.review.weekly.bad_week", language())
    fmt = download_format()
    if fmt and error:
        raise bad_request("web.review.weekly.bad_week")
    if monday is None:
        now = today()
        monday = now - dt.timedelta(days=now.weekday())
    sunday = monday + dt.timedelta(days=6)
    rows, total = weekly_rows(monday, sunday)
    if fmt:
        return weekly_download(fmt, week_code(monday), rows, total)
    return render_template(
        "web/review/weekly.html",
        rows=rows,
        total=total,
        error=error,
        week=week_code(monday),
        start=monday,
        end=sunday,
        prev=week_code(monday - dt.timedelta(days=7)),
        next=week_code(monday + dt.timedelta(days=7)),
    )


WEEKLY_KEYS = ("sessions", "weighed", "pregnancies", "bgm", "two_t", "kek", "deaths")


def weekly_rows(monday: dt.date, sunday: dt.date) -> tuple[list[dict], Counter]:
    """Return the week's figures per puskesmas in scope, and their total."""
    facilities = FacilityIndex.load(db.session)
    posyandu = posyandu_in_scope(facilities)
    units = sorted({f.get("parent_id") for f in posyandu if f.get("parent_id")})
    stats = {u: Counter() for u in units}
    weighed = defaultdict(set)

    def add(row: Record, key: str):
        if row.puskesmas_id in stats:
            stats[row.puskesmas_id][key] += 1

    session = db.session
    for row in session.execute(
        _date_field("posyandu_session", "session_date", monday, sunday)
    ).scalars():
        if row.fields.get("opened"):
            add(row, "sessions")
    for row in session.execute(_date_field("child_visit", "visit_date", monday, sunday)).scalars():
        if row.fields.get("weight_kg") is not None:
            weighed[row.puskesmas_id].add(row.person_id)
        if row.fields.get("bgm"):
            add(row, "bgm")
        if row.fields.get("two_t"):
            add(row, "two_t")
    for row in session.execute(_date_field("pregnancy", "registered_on", monday, sunday)).scalars():
        add(row, "pregnancies")
    for row in session.execute(_date_field("anc_visit", "visit_date", monday, sunday)).scalars():
        if row.fields.get("kek"):
            add(row, "kek")
    for row in session.execute(_date_field("person", "died_on", monday, sunday)).scalars():
        add(row, "deaths")
    for unit, people in weighed.items():
        if unit in stats:
            stats[unit]["weighed"] = len(people)
    now = utcnow()
    last = posyandu_last_sync(devices_in_scope(session, facilities))
    lag = defaultdict(list)
    for f in posyandu:
        seen = last.get(f["id"])
        lag[f.get("parent_id")].append({"f": f, "days": days_since(seen, now), "last": when(seen)})
    rows = [
        {
            "id": u,
            "name": (facilities.get(u) or {}).get("name") or u,
            "s": stats[u],
            "lag": lag.get(u, []),
        }
        for u in units
    ]
    total = sum((r["s"] for r in rows), Counter())
    return rows, total


def weekly_download(fmt: str, week: str, rows: list[dict], total: Counter):
    """Download the week's table (one row per puskesmas, then the total row)."""
    lang = language()

    def lag(p):
        days = p["days"]
        shown = t("web.review.never", lang) if days is None else t("web.review.days", lang, n=days)
        return f"{p['f'].get('name')}: {shown}"

    header = labels(
        "web.review.users.code",
        "web.review.weekly.puskesmas",
        *(f"web.review.weekly.{key}" for key in WEEKLY_KEYS),
        "web.review.weekly.sync_lag",
    )
    lines = [
        [
            r["id"],
            r["name"],
            *(r["s"][key] for key in WEEKLY_KEYS),
            "; ".join(lag(p) for p in r["lag"]),
        ]
        for r in rows
    ]
    lines.append(["", t("web.review.weekly.total", lang), *(total[key] for key in WEEKLY_KEYS), ""])
    return download(fmt, f"evaluasi-mingguan-{week}", week, header, lines)


# -- Pengguna --------------------------------------------------------------------------------------
@bp.route("/pengguna")
@login_required({"admin"})
def users():
    """Show users, facilities and devices (admin)."""
    fmt = download_format()
    table = download_table(("users", "devices", "facilities")) if fmt else None
    data = users_data()
    if fmt:
        return users_download(fmt, table, data)
    notice = t("web.review.users.revoked_done", language()) if request.args.get("ok") else None
    return render_template("web/review/users.html", when=when, notice=notice, **data)


def users_data() -> dict:
    """Return the tables of the Pengguna page: users, unit names, devices, facilities."""
    people = db.session.execute(sa.select(User).order_by(User.role, User.username)).scalars().all()
    facilities = FacilityIndex.load(db.session)
    names = {**wilayah_names(), **{k: v.get("name") for k, v in facilities.facilities.items()}}
    devices = db.session.execute(
        sa.select(Device, User)
        .join(User, Device.user_id == User.id)
        .order_by(User.username, Device.created_at)
    ).all()
    return {
        "people": people,
        "names": names,
        "devices": devices,
        "facilities": sorted(
            facilities.facilities.values(), key=lambda f: (f.get("kind") or "", f.get("id"))
        ),
    }


def users_download(fmt: str, table: str, data: dict):
    """Download one table of the Pengguna page."""
    lang = language()
    names = data["names"]
    if table == "users":
        header = labels(
            "web.review.users.username",
            "web.review.users.name",
            "web.review.users.role",
            "web.review.users.unit",
            "web.review.users.unit_name",
            "web.review.users.active",
        )
        rows = [
            [u.username, u.name, u.role, u.unit, names.get(u.unit) or "", yes_no(u.active, lang)]
            for u in data["people"]
        ]
    elif table == "devices":
        header = labels(
            "web.review.quality.device",
            "web.review.quality.device_id",
            "web.review.quality.user",
            "web.review.users.username",
            "web.review.users.last_seen",
            "web.review.users.revoked_col",
        )
        rows = [
            [
                d.name,
                d.id,
                u.name,
                u.username,
                when(d.last_seen_at),
                when(d.revoked_at) if d.revoked_at else "",
            ]
            for d, u in data["devices"]
        ]
    else:
        header = labels(
            "web.review.users.code",
            "web.review.users.name",
            "web.review.users.kind",
            "web.review.users.parent",
            "web.review.users.parent_code",
        )
        rows = [
            [
                f.get("id"),
                f.get("name"),
                f.get("kind"),
                names.get(f.get("parent_id")) or "",
                f.get("parent_id") or "",
            ]
            for f in data["facilities"]
        ]
    return download(fmt, f"pengguna-{table}", t(f"web.review.sheet.{table}", lang), header, rows)


@bp.route("/pengguna/perangkat/<device_id>/cabut", methods=["POST"])
@login_required({"admin"})
def revoke_device(device_id: str):
    """Revoke a device: its token stops working at once."""
    device = db.session.get(Device, device_id)
    if device is None:
        abort(404)
    device.revoked_at = device.revoked_at or utcnow()
    db.session.commit()
    return redirect(url_for("web.users", ok=1), 303)
