"""ILP: the life-cycle counts of issue 15 per unit, drillable kabupaten → kecamatan → puskesmas →
desa → posyandu, with an XLSX for people.

Every figure is a (numerator, denominator) pair summed up the hierarchy by
``server.indicators.rollup`` from ``indicator_month`` (the definitions and their sources are the
docstring of ``shared.indicators.ilp``): sasaran served per cluster, immunisation coverage per
antigen-dose, IDL and IBL, UCI desa (counted per desa from the summed IDL; none at posyandu
level), drop-out DPT-HB-Hib 1 → 3, TB suspects referred, PTM screening, lansia SKILAS, KF1, KF
lengkap and vitamin A nifas. The percentage is computed here, for display only.
"""

from __future__ import annotations

from flask import g, render_template, request

from server.extensions import db
from server.indicators import rollup
from server.web import bp, language, login_required
from server.web.format import pct
from server.web.lembar import Column, meta, people_xlsx, ratio_columns, ratio_values
from server.web.params import LEVELS, TOP_LEVEL, BadRequest, check_code, parse_level
from server.web.periode import default_period_arg
from server.web.scoped import area_of
from server.web.sinyal import month_words_filter
from shared.i18n import t
from shared.indicators.ilp import COVERAGE_KEYS, SERVED_KEYS

SOURCE = "Agregat bulanan posyandu (indicator_month), dijumlahkan ke atas; definisi: shared/indicators/ilp.py"
PROGRAMME_KEYS = (
    "idl",
    "ibl",
    "uci_desa",
    "dpt_dropout",
    "tb_suspect_referred",
    "ptm_screening",
    "skilas",
    "kf1",
    "kf_complete",
    "nifas_vitamin_a",
)
UNITS = {
    "served_ibu_hamil_nifas": "kehamilan",
    "uci_desa": "desa",
    "tb_suspect_referred": "terduga TBC",
    "ptm_screening": "orang",
    "skilas": "lansia",
    "served_dewasa": "orang",
    "served_lansia": "lansia",
    "kf1": "ibu nifas",
    "kf_complete": "ibu nifas",
    "nifas_vitamin_a": "ibu nifas",
}


def label(key: str) -> str:
    """Return an ILP indicator's label in the page language."""
    if key == "uci_desa":
        return t("web.ilp.uci_desa", language())
    return t(f"indicators.{key}", language())


def item(row: dict, key: str) -> dict | None:
    """Return a unit's ``{"numerator", "denominator"}`` of ``key`` (None: not counted there)."""
    return row.get("uci_desa") if key == "uci_desa" else row["indicators"].get(key)


def drill(parent: str | None) -> tuple[str, str, str | None, str | None]:
    """Return (level, parent_level, parent, parent_name) from the request (BadRequest if wrong)."""
    top = TOP_LEVEL.get(g.web_user.role, "kabupaten")
    parent = check_code(request.args.get("parent"), required=False)
    parent_level, fields = area_of(parent) if parent else (top, {})
    default = LEVELS[min(LEVELS.index(parent_level) + 1, len(LEVELS) - 1)]
    level = parse_level(request.args.get("level"), default)
    if parent and LEVELS.index(level) <= LEVELS.index(parent_level):
        raise BadRequest("web.summary.bad_level")
    return level, parent_level, parent, fields.get("name")


def ilp_xlsx(rows: list[dict], total: dict | None, level: str, area: str, period: str):
    """Stream the ILP workbook: programme and served counts, then coverage per antigen."""
    lang = language()
    level_name = t(f"web.summary.level.{level}", lang)
    head = [
        Column(t("web.sheet.level", lang), "text", 11),
        Column(t("web.summary.code", lang), "text", 13),
        Column(level_name, "text", 26),
    ]
    tables = []
    for sheet, keys in (("ILP", (*SERVED_KEYS, *PROGRAMME_KEYS)), ("Imunisasi", COVERAGE_KEYS)):
        columns = list(head)
        for key in keys:
            columns += ratio_columns(label(key), UNITS.get(key, "anak"), lang)
        body = [
            [level_name, row["code"], row["name"]]
            + [v for key in keys for v in ratio_values(item(row, key))]
            for row in rows
        ]
        if total is not None:
            body.append(
                [t("web.ilp.total", lang), total["code"], total["name"]]
                + [v for key in keys for v in ratio_values(item(total, key))]
            )
        block = meta(area, month_words_filter(period), lang)
        tables.append((sheet, f"Layanan ILP per {level}", block, columns, body))
    notes = [
        (label(k), f"{label(k)} (satuan: {UNITS.get(k, 'anak')})", SOURCE) for k in PROGRAMME_KEYS
    ]
    notes += [
        (label(k), f"{label(k)} (satuan: {UNITS.get(k, 'anak')})", SOURCE) for k in SERVED_KEYS
    ]
    return people_xlsx(f"ilp-{area}-{period}.xlsx", tables, notes, lang)


@bp.route("/ilp")
@login_required()
def ilp():
    """Show the ILP counts of the units of a level inside a parent, for one month."""
    period = default_period_arg()
    level, parent_level, parent, parent_name = drill(request.args.get("parent"))
    fmt = (request.args.get("format") or "").strip()
    if fmt not in ("", "xlsx"):
        raise BadRequest("web.review.bad_format")
    rows = rollup.indicator_rows(db.session, g.scope, period, level, parent=parent)
    scope_rows = rollup.indicator_rows(db.session, g.scope, period, parent_level, parent=parent)
    total = next((r for r in scope_rows if r["code"] == parent), None) if parent else None
    if total is None and len(scope_rows) == 1:
        total = scope_rows[0]
    area = parent or (total or {}).get("code") or "wilayah"
    if fmt == "xlsx":
        return ilp_xlsx(rows, total, level, area, period)
    next_level = LEVELS[LEVELS.index(level) + 1] if level != "posyandu" else None
    return render_template(
        "web/ilp/ilp.html",
        period=period,
        level=level,
        levels=LEVELS[LEVELS.index(TOP_LEVEL.get(g.web_user.role, "kabupaten")) + 1 :],
        next_level=next_level,
        parent=parent,
        parent_name=parent_name,
        rows=rows,
        total=total,
        served=SERVED_KEYS,
        programme=PROGRAMME_KEYS,
        coverage=COVERAGE_KEYS,
        label=label,
        item=item,
        pct=pct,
    )
