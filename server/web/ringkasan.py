"""Ringkasan: a month's figures per unit of a level, or one posyandu with its children.

Every number comes from ``server.indicators.rollup`` (the same numbers as the indicators API);
percentages are computed only at display. ``?format=csv|xlsx`` downloads the table shown.
"""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for

from server.extensions import db
from server.indicators import rollup
from server.scope import FacilityIndex, parent_area
from server.web import bp, language, login_required
from server.web.downloads import table_response
from server.web.format import ddmmyyyy, indicator_labels, pct
from server.web.keterangan import register_filters
from server.web.params import (
    LEVELS,
    TOP_LEVEL,
    BadRequest,
    check_code,
    download_format,
    parse_level,
)
from server.web.periode import default_period_arg, month_state
from server.web.ringkasan_keys import COUNT_COLUMNS, DESA_COLUMNS, TABLE_INDICATORS
from server.web.ringkasan_xlsx import children_xlsx, summary_xlsx
from server.web.scoped import area_of, reference, unit_row
from server.web.tren import default_unit
from shared.calendar import age_on
from shared.i18n import t

register_filters(bp)  # |antigen, |vit_a, |with_level in the templates

NEXT_LEVEL = {
    "kabupaten": "kecamatan",
    "kecamatan": "puskesmas",
    "puskesmas": "desa",
    "desa": "posyandu",
}
CHILD_COLUMNS = (
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
)


# -- figures --------------------------------------------------------------------------------------


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


def kabupaten_name() -> str:
    """Return the name of the kabupaten (the area of a Ringkasan without a parent)."""
    code = default_unit("kabupaten")
    fields = reference("wilayah", code) if code else None
    return (fields or {}).get("name") or t("web.summary.level.kabupaten", language())


def _up_link(parent_level: str | None, code: str | None, period: str):
    """Return the Ringkasan URL one level above the current parent (None at the top)."""
    if parent_level is None:
        return None
    if parent_level == "kabupaten":
        return url_for("web.summary", period=period)
    up = parent_area(parent_level, code, FacilityIndex.load(db.session))
    return url_for("web.summary", period=period, level=parent_level, parent=up) if up else None


# -- downloads ------------------------------------------------------------------------------------


def _table_header(antigen_codes: list[str]) -> list[str]:
    header = ["tingkat", "kode", "nama", "laporan_pembilang", "laporan_penyebut"]
    for key in TABLE_INDICATORS:
        header += [f"{key}_pembilang", f"{key}_penyebut"]
    header += [f"jumlah_{key}" for key in COUNT_COLUMNS]
    header += list(DESA_COLUMNS) + ["desa_odf_pembilang", "desa_odf_penyebut"]
    return header + [f"imunisasi_{code}" for code in antigen_codes]


def table_rows(rows: list[dict], level: str) -> list[list]:
    """Return a downloadable table of unit rows (numerators and denominators, header first)."""
    antigen_codes = sorted(
        {code for row in rows for code in (row.get("extra") or {}).get("immunizations", {})}
    )
    out = [_table_header(antigen_codes)]
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


def with_visit_ages(children: list[dict]) -> list[dict]:
    """Show each child's age on the date of the visit shown (as the device does); a child with
    no visit keeps the age at the end of the month."""
    out = []
    for c in children:
        at_visit = age_on(c.get("birth_date"), c.get("last_visit_date"))
        out.append({**c, "age_months": c["age_months"] if at_visit is None else at_visit})
    return out


def children_table(children: list[dict]) -> list[list]:
    """Return the posyandu's children as a downloadable table (NIK masked)."""
    out = [list(CHILD_COLUMNS)]
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


# -- the page -------------------------------------------------------------------------------------


@bp.route("/favicon.ico")
def favicon():
    """Answer the browser's own request for an icon (every page logged a 404 for it)."""
    return redirect(url_for("web.static", filename="favicon.svg"), code=301)


@bp.route("/ringkasan")
@login_required()
def summary():
    """Show the summary of a month and area, or download its table (``format=csv|xlsx``)."""
    period = default_period_arg()
    fmt = download_format("web.summary.bad_format")
    posyandu_id = check_code(request.args.get("posyandu"), required=False)
    if posyandu_id:
        return posyandu_summary(period, fmt, posyandu_id)
    return level_summary(period, fmt)


def posyandu_summary(period: str, fmt: str | None, posyandu_id: str):
    """One posyandu: its figures and its children (NIK masked), or the children's table."""
    level, parent = area_of(posyandu_id)
    if level != "posyandu":
        raise BadRequest("web.summary.bad_area")
    row = unit_row(period, "posyandu", posyandu_id)
    rows = [row] if row else []
    children = with_visit_ages(rollup.children_status(db.session, g.scope, posyandu_id, period))
    if fmt == "xlsx":  # for people (server/web/ringkasan_xlsx.py); CSV stays machine-readable
        area = f"{(reference('facility', posyandu_id) or {}).get('name')} ({posyandu_id})"
        return children_xlsx(f"anak-{posyandu_id}-{period}", children, area, period, language())
    if fmt:
        return table_response(fmt, f"anak-{posyandu_id}-{period}", "Anak", children_table(children))
    return render_template(
        "web/summary/summary.html",
        period=period,
        level="posyandu",
        rows=rows,
        headline=combine(rows) if rows else None,
        state=month_state(
            period, *((row["reporting"], row["counts"]) if row else (None, None)), posyandu_id
        ),
        parent=parent,
        parent_code=posyandu_id,
        parent_level="posyandu",
        children=children,
        next_level=None,
        labels=indicator_labels(),
        up=_up_link("posyandu", posyandu_id, period),
        pct=pct,
        query={"period": period, "posyandu": posyandu_id},
    )


def level_summary(period: str, fmt: str | None):
    """The units of a level (inside ``?parent=``), with the parent's or their total's headline."""
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
    if fmt == "xlsx":
        area = parent["name"] if parent else kabupaten_name()
        return summary_xlsx(
            f"ringkasan-{level}-{parent_code or 'semua'}-{period}",
            rows,
            level,
            f"{area} ({parent_code})" if parent_code else area,
            period,
            language(),
        )
    if fmt:
        return table_response(
            fmt,
            f"ringkasan-{level}-{parent_code or 'semua'}-{period}",
            t(f"web.summary.level.{level}", language()),
            table_rows(rows, level),
        )
    if parent_code:
        headline = unit_row(period, parent_level, parent_code)
    else:
        headline = combine(rows) if rows else None
    return render_template(
        "web/summary/summary.html",
        period=period,
        level=level,
        rows=rows,
        headline=headline,
        state=month_state(
            period, (headline or {}).get("reporting"), (headline or {}).get("counts")
        ),
        parent=parent,
        parent_code=parent_code,
        parent_level=parent_level,
        children=None,
        next_level=NEXT_LEVEL.get(level),
        labels=indicator_labels(),
        pct=pct,
        up=_up_link(parent_level, parent_code, period),
        query={
            "period": period,
            "level": level,
            **({"parent": parent_code} if parent_code else {}),
        },
    )
