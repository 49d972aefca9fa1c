"""Mutu data: sync health of devices, stale posyandu, implausible values and clock skew in scope.

The implausible table also lists the visits whose value the kader re-measured and kept ("Saya
sudah mengukur ulang": the visit's ``remeasured`` field), with a "Diukur ulang" column.

``?format=csv|xlsx&table=devices|stale|implausible|skew`` downloads one of the page's tables.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app, render_template

from server.extensions import db
from server.models import Device, Record, User, implausible_flags, utcnow
from server.scope import FacilityIndex
from server.web import bp, language, login_required
from server.web.format import column_labels, days_since, when, yes_no
from server.web.lembar_tabel import download  # XLSX for people, CSV as before
from server.web.params import days_arg, download_format, download_table
from server.web.scoped import devices_in_scope, in_scope, posyandu_in_scope, posyandu_last_sync
from shared import records
from shared.i18n import t

QUALITY_TABLES = ("devices", "stale", "implausible", "skew")
MEASURES = ("weight_kg", "length_cm", "head_cm", "muac_cm")
IMPLAUSIBLE_LIMIT = 500


@bp.route("/mutu-data")
@login_required()
def quality():
    """Show sync health, stale posyandu, implausible values and clock skew in scope."""
    lang = language()
    days = days_arg()
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


# -- the tables -----------------------------------------------------------------------------------


def quality_data(days: int) -> dict:
    """Return the tables of the Mutu data page: device pairs, stale posyandu, implausible
    visits and skewed devices (all in the viewer's scope)."""
    facilities = FacilityIndex.load(db.session)
    pairs = devices_in_scope(db.session, facilities)
    skewed = [
        (d, u)
        for d, u in pairs
        if d.clock_flagged
        or (
            d.clock_skew_ms is not None
            and abs(d.clock_skew_ms) > current_app.config["CLOCK_SKEW_LIMIT_MS"]
        )
    ]
    return {
        "pairs": pairs,
        "stale": stale_posyandu(facilities, pairs, days),
        "implausible": implausible_visits(facilities),
        "skewed": skewed,
    }


def stale_posyandu(
    facilities: FacilityIndex, pairs: list[tuple[Device, User]], days: int
) -> list[dict]:
    """Return the posyandu in scope with no device sync in ``days`` days (or never)."""
    now = utcnow()
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
    return stale


def implausible_visits(facilities: FacilityIndex) -> list[dict]:
    """Return the latest visits in scope flagged implausible (or re-measured and kept), with
    child and posyandu names.

    They are found by the indexed ``record.quality_flag`` (kept by the model on every write,
    migration 0011), not by filtering every visit's JSON: a district has about a million visits.
    """
    visits = (
        db.session.execute(
            in_scope(
                sa.select(Record).where(
                    Record.kind == "child_visit",
                    Record.quality_flag.is_(True),
                    Record.deleted.is_(False),
                )
            )
            .order_by(Record.updated_at.desc())
            .limit(IMPLAUSIBLE_LIMIT)
        )
        .scalars()
        .all()
    )
    person_ids = {v.person_id for v in visits if v.person_id}
    people = {}
    if person_ids:
        rows = db.session.execute(sa.select(Record).where(Record.id.in_(person_ids))).scalars()
        people = {r.id: r.fields for r in rows}
    return [
        {
            "v": v.fields,
            "child": people.get(v.person_id, {}).get("name") or "—",
            "posyandu": (facilities.get(v.posyandu_id) or {}).get("name") or v.posyandu_id,
            "flags": implausible_flags(v.fields),
            "flag_words": ", ".join(
                t(f"web.review.quality.flag.{flag}", language())
                for flag in implausible_flags(v.fields)
            ),
            "remeasured": v.fields.get("remeasured") is True,
        }
        for v in visits
    ]


# -- downloads ------------------------------------------------------------------------------------


def quality_download(fmt: str, table: str, days: int, data: dict):
    """Download one table of the Mutu data page."""
    title = t(f"web.review.sheet.{table}", language())
    header, rows = TABLES[table](data)
    basename = f"mutu-data-stale-{days}-hari" if table == "stale" else f"mutu-data-{table}"
    return download(fmt, basename, title, header, rows)


def devices_table(data: dict) -> tuple[list, list]:
    header = column_labels(
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
    return header, rows


def stale_table(data: dict) -> tuple[list, list]:
    header = column_labels(
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
    return header, rows


def implausible_table(data: dict) -> tuple[list, list]:
    lang = language()
    header = [
        *column_labels(
            "web.review.quality.child",
            "web.review.quality.posyandu",
            "web.review.quality.visit_date",
        ),
        *(records.field_label("child_visit", name, lang) for name in MEASURES),
        t("web.review.quality.flags", lang),
        t("web.review.quality.remeasured", lang),
    ]
    rows = [
        [
            i["child"],
            i["posyandu"],
            i["v"].get("visit_date"),
            *(i["v"].get(name) for name in MEASURES),
            i["flag_words"],
            yes_no(i["remeasured"], lang),
        ]
        for i in data["implausible"]
    ]
    return header, rows


def skew_table(data: dict) -> tuple[list, list]:
    lang = language()
    header = column_labels(
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
    return header, rows


TABLES = {
    "devices": devices_table,
    "stale": stale_table,
    "implausible": implausible_table,
    "skew": skew_table,
}
