"""The lokmin page: meetings per kecamatan and quarter, their agreements (RTL), the "melewati
tenggat" filter, the new-meeting form and the recent change history."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import sqlalchemy as sa
from flask import g, render_template, request

from server.extensions import db
from server.models import Record
from server.scope import ScopeKeys
from server.web import bp, language, login_required
from server.web.format import today
from server.web.lokmin import rows as form_rows
from server.web.lokmin.audit import history
from server.web.lokmin.tables import lokmin_download
from server.web.params import download_format, download_table
from server.web.scoped import in_scope, wilayah_names
from shared import records
from shared.i18n import t

CLOSED_AGREEMENT = ("done", "cancelled")
CHOICES = (
    ("kind", "lokmin_meeting", "kind"),
    ("meeting_status", "lokmin_meeting", "status"),
    ("sector", "lokmin_agreement", "sector"),
    ("agreement_status", "lokmin_agreement", "status"),
    ("budget_source", "lokmin_agreement", "budget_source"),
)


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


def lokmin_rows(meeting_id: str | None = None) -> list[Record]:
    """Return the meetings and agreements in scope (of one meeting when ``meeting_id``)."""
    query = sa.select(Record).where(
        Record.kind.in_(("lokmin_meeting", "lokmin_agreement")), Record.deleted.is_(False)
    )
    if meeting_id is not None:
        query = query.where(
            sa.or_(
                Record.id == meeting_id,
                Record.fields["meeting_id"].as_string() == meeting_id,
            )
        )
    return list(db.session.execute(in_scope(query)).scalars())


def agreement_item(r: Record, on: dt.date) -> dict:
    return {
        "r": r,
        "f": r.fields,
        "overdue": is_overdue(r.fields, on),
        "writable": can_write_lokmin(r.kecamatan_code),
    }


def meeting_item(m: Record, agreements: list[dict]) -> dict:
    f = m.fields
    sectors = Counter(a.get("sector") for a in f.get("attendance") or [])
    return {
        "r": m,
        "f": f,
        "agreements": agreements,
        "sectors": sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0] or "")),
        "writable": can_write_lokmin(m.kecamatan_code),
    }


def lokmin_groups(only_overdue: bool = False, meeting_id: str | None = None):
    """Return the meetings in scope grouped by (kecamatan, year, quarter), the overdue count
    and today; ``only_overdue``: only agreements melewati tenggat and their meetings."""
    rows = lokmin_rows(meeting_id)
    on = today()
    meetings = [r for r in rows if r.kind == "lokmin_meeting"]
    agreements = defaultdict(list)
    for r in rows:
        if r.kind == "lokmin_agreement":
            agreements[r.fields.get("meeting_id")].append(agreement_item(r, on))
    if only_overdue:
        agreements = defaultdict(
            list, {k: [a for a in v if a["overdue"]] for k, v in agreements.items()}
        )
        meetings = [m for m in meetings if agreements.get(m.id)]
    for items in agreements.values():
        items.sort(key=lambda a: (a["f"].get("due_date") or "9999", a["f"].get("action") or ""))
    groups = defaultdict(list)
    for m in sorted(meetings, key=lambda m: m.fields.get("meeting_date") or "", reverse=True):
        f = m.fields
        groups[(m.kecamatan_code, f.get("year") or 0, f.get("quarter") or 0)].append(
            meeting_item(m, agreements.get(m.id, []))
        )
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][0] or "", -kv[0][1], -kv[0][2]))
    overdue = sum(a["overdue"] for items in agreements.values() for a in items)
    return ordered, overdue, on


def form_context() -> dict:
    """Return what the meeting form needs: choices, labels and this quarter."""
    lang = language()
    on = today()
    return {
        "choices": {key: records.spec(kind).info[name].choices for key, kind, name in CHOICES},
        "label": lambda kind, name, value: records.choice_label(kind, name, value, lang),
        "flabel": lambda kind, name: records.field_label(kind, name, lang),
        "this_year": on.year,
        "this_quarter": (on.month - 1) // 3 + 1,
        "kecamatan": writable_kecamatan(),
        "names": wilayah_names(),
    }


def render_lokmin(
    errors: dict | None = None,
    form: dict | None = None,
    code: int = 200,
    notice: str | None = None,
    model: dict | None = None,
):
    """Render the lokmin page; ``model`` is the new-meeting form as typed (opened when given)."""
    ordered, overdue, _ = lokmin_groups(overdue_only())
    fresh = model is None
    model = form_rows.with_blank_rows(
        model or {"fields": {}, "attendance": [], "agreement": [], "plan": []},
        form_rows.added_group() if not fresh else None,
        new=True,
    )
    return render_template(
        "web/review/lokmin.html",
        groups=ordered,
        overdue=overdue,
        errors=errors or {},
        form=form or {},
        notice=notice,
        only_overdue=overdue_only(),
        model=model,
        open_form=not fresh,
        recent=history(limit=15),
        **form_context(),
    ), code


@bp.route("/lokmin")
@login_required()
def lokmin():
    """Show lokmin meetings (per kecamatan and quarter) and their agreements."""
    fmt = download_format()
    if fmt:
        table = download_table(("meetings", "agreements"))
        ordered, _, on = lokmin_groups(overdue_only())
        return lokmin_download(fmt, table, ordered, on, overdue_only())
    lang = language()
    notice = None
    if request.args.get("ok"):
        notice = t("web.review.saved", lang)
    elif request.args.get("dihapus"):
        notice = t("web.lokmin.deleted", lang)
    return render_lokmin(notice=notice)
