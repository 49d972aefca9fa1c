"""Peringkat: per indicator, the units of a level ranked worst first, coloured from the threshold
table (``server/web/data/thresholds.csv``: better lower/higher, green and amber limits, source),
with the change since last month and a 6-month sparkline (inline SVG, no script, no CDN).

Every number comes from ``server.indicators.rollup`` (numerators and denominators summed); the
percentage, the change and the colour are computed here for display only.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from flask import abort, g, render_template, request
from markupsafe import Markup

from server.extensions import db
from server.indicators import rollup
from server.web import bp, login_required
from server.web.format import indicator_labels
from server.web.params import LEVELS, TOP_LEVEL, BadRequest, check_code, parse_level
from server.web.periode import default_period_arg
from server.web.scoped import area_of
from shared.calendar import add_months, parse_period, period_of

THRESHOLDS_CSV = Path(__file__).with_name("data") / "thresholds.csv"
SPARK_MONTHS = 6
COLOURS = {"green": "baik", "amber": "waspada", "red": "buruk", "none": "tanpa data"}


@cache
def thresholds() -> dict[str, dict]:
    """Read the threshold table once: ``{indicator: {better, green, amber, source}}``."""
    with THRESHOLDS_CSV.open(encoding="utf-8", newline="") as handle:
        return {
            row["indicator"]: {
                "better": row["better"],
                "green": float(row["green"]),
                "amber": float(row["amber"]),
                "source": row["source"],
            }
            for row in csv.DictReader(handle)
        }


def percent(item: dict | None) -> float | None:
    """Return numerator/denominator × 100 (None when the denominator is 0)."""
    if not item or not item.get("denominator"):
        return None
    return 100 * item["numerator"] / item["denominator"]


def colour(key: str, value: float | None) -> str:
    """Return green, amber, red (or none) of a percentage under the indicator's thresholds."""
    limit = thresholds().get(key)
    if value is None or limit is None:
        return "none"
    if limit["better"] == "lower":
        return "green" if value < limit["green"] else "amber" if value < limit["amber"] else "red"
    return "green" if value >= limit["green"] else "amber" if value >= limit["amber"] else "red"


def sparkline(values: list[float | None], label: str) -> Markup:
    """Return an inline SVG polyline of percentages (gaps left out), with a text alternative."""
    width, height = 90, 24
    step = width / max(len(values) - 1, 1)
    known = [v for v in values if v is not None]
    top = max(known + [1.0])
    xy = [
        (i * step, height - 2 - (v / top) * (height - 4))
        for i, v in enumerate(values)
        if v is not None
    ]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="currentColor"/>' for x, y in xy)
    text = ", ".join("–" if v is None else f"{v:.1f}".replace(".", ",") for v in values)
    return Markup(
        f'<svg class="spark" width="{width}" height="{height}" role="img" '
        f'aria-label="{Markup.escape(label)}: {text}"><polyline fill="none" stroke="currentColor" '
        f'stroke-width="1.5" points="{points}"/>{dots}</svg>'
    )


def ranking(key: str, level: str, parent: str | None, period: str) -> list[dict]:
    """Return the units ranked worst first: value, colour, change, sparkline values."""
    months = [period_of(add_months(parse_period(period), -i)) for i in range(SPARK_MONTHS)][::-1]
    try:
        units = rollup.ratio_series(db.session, g.scope, key, level, months, parent=parent)
    except rollup.UnknownParent:
        abort(404)
    out = []
    for unit in units:
        series = [percent(unit["items"][m]) for m in months]
        now, before = series[-1], series[-2]
        out.append(
            {
                "code": unit["code"],
                "name": unit["name"],
                "item": unit["items"][period],
                "value": now,
                "colour": colour(key, now),
                "change": None if now is None or before is None else now - before,
                "series": series,
            }
        )
    lower = thresholds().get(key, {}).get("better") == "lower"
    known = sorted(
        (r for r in out if r["value"] is not None), key=lambda r: r["value"], reverse=lower
    )
    return known + sorted((r for r in out if r["value"] is None), key=lambda r: r["name"])


@bp.route("/peringkat")
@login_required()
def rank():
    """Show the ranking of the units of a level for one indicator."""
    period = default_period_arg()
    key = (request.args.get("indicator") or "stunting").strip()
    if key not in thresholds():
        raise BadRequest("web.rank.bad_indicator")
    top = TOP_LEVEL.get(g.web_user.role, "kabupaten")
    parent = check_code(request.args.get("parent"), required=False)
    parent_level, fields = area_of(parent) if parent else (top, {})
    default_level = LEVELS[min(LEVELS.index(parent_level) + 1, len(LEVELS) - 1)]
    level = parse_level(request.args.get("level"), default_level)
    if parent and LEVELS.index(level) <= LEVELS.index(parent_level):
        raise BadRequest("web.summary.bad_level")
    parent_name = fields.get("name")
    labels = {**indicator_labels(), "reporting": "Kelengkapan laporan (posyandu buka)"}
    rows = ranking(key, level, parent, period)
    return render_template(
        "web/summary/rank.html",
        period=period,
        key=key,
        level=level,
        levels=LEVELS[1:],
        parent=parent,
        parent_name=parent_name,
        rows=rows,
        labels=labels,
        keys=list(thresholds()),
        limit=thresholds()[key],
        colours=COLOURS,
        sparkline=sparkline,
    )
