"""Tren: 12-month charts of SKDN and stunting for one area (``?format=csv|xlsx``: the table)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, g, render_template, request, url_for

from server.extensions import db
from server.indicators import rollup
from server.models import Record
from server.web import bp, language, login_required
from server.web.downloads import table_response
from server.web.format import indicator_labels, pct, ratio_pct, script_json
from server.web.keterangan import notes, unit_of
from server.web.lembar import Column, meta, people_xlsx, ratio_columns, ratio_values
from server.web.params import TOP_LEVEL, BadRequest, check_code, parse_level
from server.web.periode import default_period_arg, month_state
from server.web.scoped import area_of, readable
from shared.calendar import format_month
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


def trend_xlsx(filename: str, months: list[dict], name: str, code: str):
    """Stream the Tren workbook for people: % beside numerator and denominator, month state."""
    lang = language()
    labels = indicator_labels()
    columns = [
        Column(t("web.summary.period", lang), "text", 16),
        Column(t("web.sheet.month_state", lang), "text", 22),
    ]
    for key in KEYS:
        columns += ratio_columns(labels[key], unit_of(key), lang)

    def rows():
        for m in months:
            state = m["state"]
            note = (
                f"berjalan ({state['reporting']}/{state['total']} posyandu)"
                if state["running"]
                else "belum ada data"
                if state["empty"]
                else "lengkap"
            )
            line = [format_month(m["period"], lang), note]
            for key in KEYS:
                line += ratio_values(m["indicators"].get(key))
            yield line

    first, last = months[0]["period"], months[-1]["period"]
    area = f"{name} ({code})"
    span = f"{format_month(first, lang)} – {format_month(last, lang)}"
    table = ("Tren", t("web.summary.trend_title", lang, name=name), meta(area, span, lang))
    return people_xlsx(filename, [(*table, columns, rows())], notes(labels, KEYS), lang)


def with_states(months: list[dict], code: str) -> list[dict]:
    """Add each month's state (running, empty, completeness) and whether it is plotted."""
    out = []
    for m in months:
        state = month_state(m["period"], m["indicators"].get("opened"), m["counts"], code)
        out.append({**m, "state": state, "plotted": not (state["running"] or state["empty"])})
    return out


def trend_charts(months: list[dict], names: dict[str, str], lang: str) -> dict:
    """Return the data of the page's three charts (percentages, SKDN counts, stunting).

    A month in progress or without any report is a gap (null), not a fall to 0.
    """

    def value(m: dict, number):
        return number if m["plotted"] else None

    return {
        "periods": [m["period"] for m in months],
        "labels": [format_month(m["period"], lang) for m in months],
        "yLabel": t("web.summary.percent", lang),
        "charts": [
            {
                "canvas": "chart-skdn",
                "type": "line",
                "series": [
                    {
                        "label": names[k],
                        "values": [value(m, ratio_pct(m["indicators"].get(k))) for m in months],
                    }
                    for k in ("ds", "nd", "ks")
                ],
            },
            {
                "canvas": "chart-balok",
                "type": "bar",
                "yLabel": t("web.summary.count", lang),
                "series": [
                    {
                        "label": key,
                        "values": [value(m, m["counts"].get(key, 0)) for m in months],
                    }
                    for key in ("S", "K", "D", "N")
                ],
            },
            {
                "canvas": "chart-stunting",
                "type": "bar",
                "series": [
                    {
                        "label": names["stunting"],
                        "values": [
                            value(m, ratio_pct(m["indicators"].get("stunting"))) for m in months
                        ],
                    }
                ],
            },
        ],
    }


@bp.route("/tren")
@login_required()
def trend():
    """Show 12-month charts of SKDN and stunting for one area (or download the table)."""
    period = default_period_arg()
    fmt = (request.args.get("format") or "").strip()
    code, level, area = trend_area()
    months = with_states(rollup.trend(db.session, g.scope, level, code, period, months=12), code)
    if fmt == "xlsx":
        return trend_xlsx(f"tren-{code}-{period}.xlsx", months, area.get("name") or code, code)
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
        summary_url=summary_url(period, level, code),
    )


def summary_url(period: str, level: str, code: str) -> str:
    """The area's Ringkasan: its units one level down (a posyandu's: its children)."""
    if level == "posyandu":
        return url_for("web.summary", period=period, posyandu=code)
    below = rollup.LEVELS[rollup.LEVELS.index(level) + 1]
    return url_for("web.summary", period=period, level=below, parent=code)
