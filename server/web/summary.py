"""Ringkasan, Tren and Anak pages (exports in ``exports.py``).

Every number comes from ``server.indicators.rollup`` (the same numbers as the indicators API); percentages
are computed only here, at display, from the numerator and denominator shown next to them. Every
query on ``record`` carries ``g.scope.read_filter()``; a child or area outside it answers 404.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import abort, g, render_template, request
from markupsafe import Markup

from server.extensions import db
from server.indicators import rollup
from server.indicators.rollup import mask_nik
from server.models import Record
from server.web import (
    bp,
    language,
    login_required,
    messages_summary,  # noqa: F401  (registers the web.summary.* messages)
)
from shared.growth import DAYS_PER_MONTH, who_curves
from shared.i18n import t
from shared.indicators import INDICATORS

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
WILAYAH_RE = re.compile(r"^\d{4}(\d{2}(\d{4})?)?$")
FACILITY_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}(-[A-Z0-9]{1,20}){0,4}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LEVELS = ("kabupaten", "kecamatan", "puskesmas", "desa", "posyandu")
TOP_LEVEL = {
    "dinas": "kabupaten",
    "admin": "kabupaten",
    "kecamatan": "kecamatan",
    "puskesmas": "puskesmas",
    "bidan_desa": "desa",
    "kader": "posyandu",
}
FULL_NIK_ROLES = frozenset({"puskesmas", "dinas", "admin"})
LOCAL_OFFSET = timedelta(hours=7)  # WIB


class BadRequest(Exception):
    """A parameter of a page or export is not valid (answered with a 400 page)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


@bp.errorhandler(BadRequest)
def bad_request(exc: BadRequest):
    """Answer a bad parameter with the error page, in the user's language."""
    return render_template("web/error.html", status=400, message=t(exc.key, language())), 400


# -- parameters -----------------------------------------------------------------------------------


def last_month(now: datetime | None = None) -> str:
    """Return the month before the current month in Kayong Utara (WIB), as 'YYYY-MM'."""
    local = (now or datetime.now(UTC)) + LOCAL_OFFSET
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def parse_period(value: str | None, default: str | None = None) -> str:
    """Return a valid 'YYYY-MM' (``default`` when empty), or raise BadRequest."""
    value = (value or "").strip() or default
    if value is None or not PERIOD_RE.match(value) or not 2000 <= int(value[:4]) <= 2100:
        raise BadRequest("web.summary.bad_period")
    return value


def parse_level(value: str | None, default: str) -> str:
    """Return a known level, or raise BadRequest."""
    value = (value or "").strip() or default
    if value not in LEVELS:
        raise BadRequest("web.summary.bad_level")
    return value


def check_code(value: str | None, *, required: bool = True) -> str | None:
    """Return a wilayah code or facility id that matches its pattern, or raise BadRequest."""
    value = (value or "").strip()
    if not value:
        if required:
            raise BadRequest("web.summary.bad_area")
        return None
    if not (WILAYAH_RE.match(value) or FACILITY_RE.match(value)):
        raise BadRequest("web.summary.bad_area")
    return value


def shown_nik(nik: str | None, role: str) -> str:
    """Return the NIK as this role may see it in an export: full for puskesmas/dinas/admin."""
    return (nik or "") if role in FULL_NIK_ROLES else (mask_nik(nik) or "")


# -- the registry, as the user may read it -------------------------------------------------------


def readable(query):
    """Add the user's scope to a query on ``record``."""
    return query.where(g.scope.read_filter(), Record.deleted.is_(False))


def reference(kind: str, code: str) -> dict | None:
    """Return a wilayah or facility record's fields (reference kinds are readable by everyone)."""
    row = db.session.execute(
        readable(sa.select(Record.fields).where(Record.kind == kind, Record.id == code))
    ).first()
    return row.fields if row else None


def area_of(code: str) -> tuple[str, dict]:
    """Return ``(level, fields)`` of an area code the user may see, or abort with 404.

    An area is in scope when the user sees everything or it is one of (or inside) their units:
    a kabupaten holds all, a kecamatan/desa/puskesmas/posyandu must be in the user's scope sets.
    """
    scope = g.scope
    if WILAYAH_RE.match(code):
        fields = reference("wilayah", code)
        if fields is None:
            abort(404)
        level = fields.get("level")
        if level == "kabupaten" or scope.everything:
            return level, fields
        if level == "kecamatan" and code in scope.kecamatan:
            return level, fields
        if level == "desa" and (
            code in scope.desa or (scope.role == "kecamatan" and code[:6] in scope.kecamatan)
        ):
            return level, fields
        abort(404)
    fields = reference("facility", code)
    if fields is None or fields.get("kind") not in ("puskesmas", "posyandu"):
        abort(404)
    level = fields["kind"]
    if scope.everything:
        return level, fields
    if level == "puskesmas" and code in scope.puskesmas:
        return level, fields
    if level == "posyandu" and (
        code in scope.posyandu
        or fields.get("parent_id") in scope.puskesmas
        or (scope.role == "kecamatan" and fields.get("kecamatan_code") in scope.kecamatan)
    ):
        return level, fields
    abort(404)


def area_condition(level: str, code: str):
    """Return the SQL condition selecting records of an area (combine with ``readable``)."""
    if level == "kabupaten":
        return Record.kecamatan_code.like(code + "%")
    column = {
        "kecamatan": Record.kecamatan_code,
        "desa": Record.desa_code,
        "puskesmas": Record.puskesmas_id,
        "posyandu": Record.posyandu_id,
    }[level]
    return column == code


def ddmmyyyy(value) -> str:
    """Format an ISO date ('YYYY-MM-DD') as DD/MM/YYYY (empty when missing)."""
    text = str(value or "")
    return f"{text[8:10]}/{text[5:7]}/{text[:4]}" if len(text) >= 10 else text


bp.add_app_template_filter(ddmmyyyy, "ddmmyyyy")


# -- analytics ------------------------------------------------------------------------------------


def pct(item: dict | None) -> str:
    """Format ``{"numerator", "denominator"}`` as a percentage with one decimal (display only)."""
    if not item or not item.get("denominator"):
        return "–"
    return (
        f"{100 * item['numerator'] / item['denominator']:.1f}".replace(".", ",") + " %"
        if language() == "id"
        else f"{100 * item['numerator'] / item['denominator']:.1f} %"
    )


def labels() -> dict[str, str]:
    """Return the indicator labels in the page language."""
    lang = language()
    return {key: t(label, lang) for key, label in INDICATORS}


def script_json(data) -> Markup:
    """Serialise data for a ``<script type="application/json">`` block: ``<``, ``>`` and ``&``
    escaped, so that no text in it can close the script element."""
    text = json.dumps(data).replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


# -- Anak -----------------------------------------------------------------------------------------


def child_or_404(person_id: str) -> Record:
    """Return the person record the user may read, or abort with 404."""
    if not UUID_RE.match(person_id or ""):
        abort(404)
    row = db.session.execute(
        readable(sa.select(Record).where(Record.kind == "person", Record.id == person_id))
    ).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


def child_visits(person_id: str) -> list[dict]:
    """Return the child's visits the user may read, oldest first."""
    rows = db.session.execute(
        readable(
            sa.select(Record.fields).where(
                Record.kind == "child_visit", Record.person_id == person_id
            )
        )
    ).scalars()
    return sorted(rows, key=lambda v: (str(v.get("visit_date")), v.get("id", "")))


def growth_chart(index: str, sex: str, visits: list[dict], value_field: str) -> dict:
    """Return chart data: WHO −3..+3 SD curves (by age in months) and the child's points."""
    points = [
        {"x": round(v["age_days"] / DAYS_PER_MONTH, 2), "y": v[value_field]}
        for v in visits
        if v.get("age_days") is not None and v.get(value_field) is not None
    ]
    last_day = max([v.get("age_days") or 0 for v in visits] + [365])
    stop = min(1856, int(last_day + 6 * DAYS_PER_MONTH))
    rows = who_curves(index, sex, 0, stop, DAYS_PER_MONTH / 2)
    curves = [
        [{"x": round(row[0] / DAYS_PER_MONTH, 2), "y": row[i]} for row in rows] for i in range(1, 8)
    ]
    return {"curves": curves, "points": points}


@bp.route("/anak/<person_id>")
@login_required()
def child(person_id: str):
    """Show one child's visits, statuses and growth chart (404 outside the user's scope)."""
    row = child_or_404(person_id)
    person = row.fields
    visits = child_visits(row.id)
    posyandu = reference("facility", row.posyandu_id or "") or {}
    lang = language()
    chart = {
        "sex": person.get("sex"),
        "labels": {
            "sd": ["−3 SD", "−2 SD", "−1 SD", "Median", "+1 SD", "+2 SD", "+3 SD"],
            "child": t("web.summary.child_point", lang),
            "x": t("web.summary.age_months", lang),
        },
        "weight": growth_chart("waz", person.get("sex") or "M", visits, "weight_kg"),
        "length": growth_chart("lhaz", person.get("sex") or "M", visits, "length_cm"),
    }
    return render_template(
        "web/summary/child.html",
        person=person,
        visits=visits,
        posyandu=posyandu,
        nik=shown_nik(person.get("nik"), g.web_user.role),
        chart_json=script_json(chart),
    )


# -- Ringkasan ------------------------------------------------------------------------------------

NEXT_LEVEL = {
    "kabupaten": "kecamatan",
    "kecamatan": "puskesmas",
    "puskesmas": "desa",
    "desa": "posyandu",
}
TABLE_INDICATORS = (
    "ds",
    "ks",
    "nd",
    "bgm",
    "two_t",
    "stunting",
    "wasting",
    "underweight",
    "vitamin_a",
    "kek",
)
CARD_INDICATORS = (
    "ds",
    "nd",
    "ks",
    "bgm",
    "two_t",
    "stunting",
    "wasting",
    "underweight",
    "kek",
    "vitamin_a",
)
COUNT_COLUMNS = ("S", "K", "D", "N", "T", "O", "B", "BGM", "2T")
DESA_COLUMNS = (
    "births_live",
    "births_still",
    "deaths_maternal",
    "deaths_neonatal",
    "deaths_infant",
    "deaths_under5",
)


def _add(total: dict, item: dict) -> None:
    """Add the numbers of ``item`` into ``total`` (nested dicts of numbers)."""
    for key, value in item.items():
        if isinstance(value, dict):
            _add(total.setdefault(key, {}), value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            total[key] = total.get(key, 0) + value
        elif value is None:
            total.setdefault(key, None)


def combine(rows: list[dict]) -> dict:
    """Return the sum of several units' rows (numerators and denominators summed, never %)."""
    if len(rows) == 1:
        return rows[0]
    total: dict = {
        "indicators": {},
        "counts": {},
        "extra": {},
        "reporting": {},
        "posyandu_strata": {},
        "odf_desa": None,
    }
    for row in rows:
        for key in ("indicators", "counts", "extra", "reporting", "posyandu_strata"):
            _add(total[key], row.get(key) or {})
        if row.get("odf_desa"):
            total["odf_desa"] = total["odf_desa"] or {}
            _add(total["odf_desa"], row["odf_desa"])
    return total


def _up_link(parent_level: str | None, parent: dict | None, code: str | None, period: str):
    """Return the Ringkasan URL one level above the current parent (None at the top)."""
    from flask import url_for

    from server.scope import FacilityIndex

    if parent_level in (None, "kabupaten"):
        return None if parent_level is None else url_for("web.summary", period=period)
    if parent_level == "kecamatan":
        return url_for("web.summary", period=period, level="kecamatan", parent=code[:4])
    if parent_level == "puskesmas":
        up = parent.get("kecamatan_code")
        return url_for("web.summary", period=period, level="puskesmas", parent=up) if up else None
    if parent_level == "desa":
        up = FacilityIndex.load(db.session).puskesmas_for_desa(code)
        return url_for("web.summary", period=period, level="desa", parent=up) if up else None
    return url_for("web.summary", period=period, level="posyandu", parent=parent.get("desa_code"))


def table_rows(rows: list[dict], level: str) -> list[list]:
    """Return a downloadable table of unit rows (numerators and denominators, header first)."""
    antigen_codes = sorted(
        {code for row in rows for code in (row.get("extra") or {}).get("immunizations", {})}
    )
    header = ["tingkat", "kode", "nama", "laporan_pembilang", "laporan_penyebut"]
    for key in TABLE_INDICATORS:
        header += [f"{key}_pembilang", f"{key}_penyebut"]
    header += [f"jumlah_{key}" for key in COUNT_COLUMNS]
    header += list(DESA_COLUMNS) + ["desa_odf_pembilang", "desa_odf_penyebut"]
    header += [f"imunisasi_{code}" for code in antigen_codes]
    out = [header]
    for row in rows:
        extra, odf = row.get("extra") or {}, row.get("odf_desa") or {}
        line = [
            level,
            row["code"],
            row["name"],
            row["reporting"]["numerator"],
            row["reporting"]["denominator"],
        ]
        for key in TABLE_INDICATORS:
            item = row["indicators"].get(key) or {}
            line += [item.get("numerator", 0), item.get("denominator", 0)]
        line += [row["counts"].get(key, 0) for key in COUNT_COLUMNS]
        line += [extra.get(key) for key in DESA_COLUMNS]
        line += [odf.get("numerator"), odf.get("denominator")]
        line += [(extra.get("immunizations") or {}).get(code, 0) for code in antigen_codes]
        out.append(line)
    return out


def children_table(children: list[dict]) -> list[list]:
    """Return the posyandu's children as a downloadable table (NIK masked)."""
    out = [
        [
            "id",
            "nama",
            "nik",
            "jenis_kelamin",
            "tanggal_lahir",
            "umur_bulan",
            "tanggal_kunjungan_terakhir",
            "berat_badan",
            "tinggi_badan",
            "status_bb_u",
            "status_tb_u",
            "status_bb_tb",
            "naik_tidak",
            "bgm",
            "2t",
        ]
    ]
    for c in children:
        cat = c.get("categories") or {}
        out.append(
            [
                c["id"],
                c.get("name"),
                c.get("nik") or "",
                c.get("sex"),
                ddmmyyyy(c.get("birth_date")),
                c.get("age_months"),
                ddmmyyyy(c.get("last_visit_date")),
                c.get("weight_kg"),
                c.get("length_cm"),
                cat.get("waz"),
                cat.get("lhaz"),
                cat.get("wlhz"),
                c.get("growth_status"),
                int(bool(c.get("bgm"))),
                int(bool(c.get("two_t"))),
            ]
        )
    return out


@bp.route("/ringkasan")
@login_required()
def summary():
    """Show the summary of a month and area, or download its table (``format=csv|xlsx``)."""
    from server.web.exports import table_response

    period = parse_period(request.args.get("period"), last_month())
    fmt = (request.args.get("format") or "").strip()
    if fmt and fmt not in ("csv", "xlsx"):
        raise BadRequest("web.summary.bad_format")
    posyandu_id = check_code(request.args.get("posyandu"), required=False)
    if posyandu_id:  # one posyandu: its figures and its children
        level, parent = area_of(posyandu_id)
        if level != "posyandu":
            raise BadRequest("web.summary.bad_area")
        rows = [
            r
            for r in rollup.indicator_rows(
                db.session, g.scope, period, "posyandu", parent=posyandu_id
            )
            if r["code"] == posyandu_id
        ]
        children = rollup.children_status(db.session, g.scope, posyandu_id, period)  # NIK masked
        if fmt:
            return table_response(
                fmt, f"anak-{posyandu_id}-{period}", "Anak", children_table(children)
            )
        return render_template(
            "web/summary/summary.html",
            period=period,
            level="posyandu",
            rows=rows,
            headline=combine(rows) if rows else None,
            parent=parent,
            parent_code=posyandu_id,
            parent_level="posyandu",
            children=children,
            next_level=None,
            labels=labels(),
            up=_up_link("posyandu", parent, posyandu_id, period),
            pct=pct,
            query={"period": period, "posyandu": posyandu_id},
        )
    level = parse_level(request.args.get("level"), TOP_LEVEL.get(g.web_user.role, "kabupaten"))
    parent_code = check_code(request.args.get("parent"), required=False)
    parent, parent_level = None, None
    if parent_code:
        parent_level, parent = area_of(parent_code)
        if LEVELS.index(level) <= LEVELS.index(parent_level):
            raise BadRequest("web.summary.bad_level")
    try:
        rows = rollup.indicator_rows(db.session, g.scope, period, level, parent=parent_code)
    except rollup.UnknownParent:
        abort(404)
    if fmt:
        return table_response(
            fmt,
            f"ringkasan-{level}-{parent_code or 'semua'}-{period}",
            t(f"web.summary.level.{level}", language()),
            table_rows(rows, level),
        )
    headline = None
    if parent_code:
        headline = next(
            (
                r
                for r in rollup.indicator_rows(
                    db.session, g.scope, period, parent_level, parent=parent_code
                )
                if r["code"] == parent_code
            ),
            None,
        )
    elif rows:
        headline = combine(rows)
    return render_template(
        "web/summary/summary.html",
        period=period,
        level=level,
        rows=rows,
        headline=headline,
        parent=parent,
        parent_code=parent_code,
        parent_level=parent_level,
        children=None,
        next_level=NEXT_LEVEL.get(level),
        labels=labels(),
        pct=pct,
        up=_up_link(parent_level, parent, parent_code, period),
        query={
            "period": period,
            "level": level,
            **({"parent": parent_code} if parent_code else {}),
        },
    )


# -- Tren -----------------------------------------------------------------------------------------


def default_unit(level: str) -> str | None:
    """Return the user's own unit at their top level (the kabupaten for dinas and admin)."""
    scope = g.scope
    if level == "kabupaten":
        row = db.session.execute(
            readable(
                sa.select(Record.id).where(
                    Record.kind == "wilayah", Record.fields["level"].as_string() == "kabupaten"
                )
            ).order_by(Record.id)
        ).first()
        return row.id if row else None
    units = {
        "kecamatan": scope.kecamatan,
        "puskesmas": scope.puskesmas,
        "desa": scope.desa,
        "posyandu": scope.posyandu,
    }[level]
    return sorted(units)[0] if units else None


def _ratio_pct(item: dict | None) -> float | None:
    if not item or not item.get("denominator"):
        return None
    return round(100 * item["numerator"] / item["denominator"], 1)


@bp.route("/tren")
@login_required()
def trend():
    """Show 12-month charts of SKDN and stunting for one area (or download the table)."""
    from server.web.exports import table_response

    period = parse_period(request.args.get("period"), last_month())
    fmt = (request.args.get("format") or "").strip()
    code = check_code(request.args.get("code"), required=False)
    if code is None:
        level = parse_level(request.args.get("level"), TOP_LEVEL.get(g.web_user.role, "kabupaten"))
        code = default_unit(level)
        if code is None:
            abort(404)
    level, area = area_of(code)
    if request.args.get("level") and parse_level(request.args.get("level"), level) != level:
        raise BadRequest("web.summary.bad_level")
    months = rollup.trend(db.session, g.scope, level, code, period, months=12)
    lang = language()
    names = labels()
    keys = ("ds", "nd", "ks", "stunting")
    if fmt:
        rows = [["bulan"] + [f"{k}_{part}" for k in keys for part in ("pembilang", "penyebut")]]
        rows += [
            [m["period"]]
            + [
                m["indicators"].get(k, {}).get(part, 0)
                for k in keys
                for part in ("numerator", "denominator")
            ]
            for m in months
        ]
        return table_response(fmt, f"tren-{code}-{period}", "Tren", rows)
    periods = [m["period"] for m in months]
    data = {
        "periods": periods,
        "yLabel": t("web.summary.percent", lang),
        "charts": [
            {
                "canvas": "chart-skdn",
                "type": "line",
                "series": [
                    {
                        "label": names[k],
                        "values": [_ratio_pct(m["indicators"].get(k)) for m in months],
                    }
                    for k in ("ds", "nd", "ks")
                ],
            },
            {
                "canvas": "chart-balok",
                "type": "bar",
                "yLabel": t("web.summary.count", lang),
                "series": [
                    {"label": key, "values": [m["counts"].get(key, 0) for m in months]}
                    for key in ("S", "K", "D", "N")
                ],
            },
            {
                "canvas": "chart-stunting",
                "type": "bar",
                "series": [
                    {
                        "label": names["stunting"],
                        "values": [_ratio_pct(m["indicators"].get("stunting")) for m in months],
                    }
                ],
            },
        ],
    }
    return render_template(
        "web/summary/trend.html",
        period=period,
        level=level,
        code=code,
        area=area,
        months=months,
        keys=keys,
        labels=names,
        pct=pct,
        chart_json=script_json(data),
        query={"period": period, "code": code},
    )


from server.web import exports  # noqa: E402,F401  (the export routes)
