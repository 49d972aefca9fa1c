"""Tren: 12-month charts of SKDN and stunting for one area (``?format=csv|xlsx``: the table)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, g, render_template, request

from server.extensions import db
from server.indicators import rollup
from server.models import Record
from server.web import bp, language, login_required
from server.web.downloads import table_response
from server.web.format import indicator_labels, pct, ratio_pct, script_json
from server.web.params import TOP_LEVEL, BadRequest, check_code, parse_level, period_arg
from server.web.scoped import area_of, readable
from shared.i18n import t

KEYS = ("ds", "nd", "ks", "stunting")


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


def trend_area() -> tuple[str, str, dict]:
    """Return ``(code, level, fields)`` of ``?code=`` (the user's own unit by default)."""
    code = check_code(request.args.get("code"), required=False)
    if code is None:
        level = parse_level(request.args.get("level"), TOP_LEVEL.get(g.web_user.role, "kabupaten"))
        code = default_unit(level)
        if code is None:
            abort(404)
    level, area = area_of(code)
    if request.args.get("level") and parse_level(request.args.get("level"), level) != level:
        raise BadRequest("web.summary.bad_level")
    return code, level, area


def trend_table(months: list[dict]) -> list[list]:
    """Return the months as a table: numerators and denominators (header first)."""
    rows = [["bulan"] + [f"{k}_{part}" for k in KEYS for part in ("pembilang", "penyebut")]]
    rows += [
        [m["period"]]
        + [
            m["indicators"].get(k, {}).get(part, 0)
            for k in KEYS
            for part in ("numerator", "denominator")
        ]
        for m in months
    ]
    return rows


def trend_charts(months: list[dict], names: dict[str, str], lang: str) -> dict:
    """Return the data of the page's three charts (percentages, SKDN counts, stunting)."""
    return {
        "periods": [m["period"] for m in months],
        "yLabel": t("web.summary.percent", lang),
        "charts": [
            {
                "canvas": "chart-skdn",
                "type": "line",
                "series": [
                    {
                        "label": names[k],
                        "values": [ratio_pct(m["indicators"].get(k)) for m in months],
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
                        "values": [ratio_pct(m["indicators"].get("stunting")) for m in months],
                    }
                ],
            },
        ],
    }


@bp.route("/tren")
@login_required()
def trend():
    """Show 12-month charts of SKDN and stunting for one area (or download the table)."""
    period = period_arg()
    fmt = (request.args.get("format") or "").strip()
    code, level, area = trend_area()
    months = rollup.trend(db.session, g.scope, level, code, period, months=12)
    if fmt:
        return table_response(fmt, f"tren-{code}-{period}", "Tren", trend_table(months))
    names = indicator_labels()
    return render_template(
        "web/summary/trend.html",
        period=period,
        level=level,
        code=code,
        area=area,
        months=months,
        keys=KEYS,
        labels=names,
        pct=pct,
        chart_json=script_json(trend_charts(months, names, language())),
        query={"period": period, "code": code},
    )
