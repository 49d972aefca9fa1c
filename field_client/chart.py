"""KMS-style growth charts as SVG, drawn locally from the WHO curves in ``shared.growth``."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from html import escape

from shared.growth import DAYS_PER_MONTH, who_curves
from shared.i18n import t

from .formats import format_number

WIDTH, HEIGHT = 680, 420
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 28, 40
MAX_DAYS = 1856  # 60 months, the end of the WHO 2006 tables
# Bands between SD lines, KMS colours: (lower SD index, upper SD index, fill).
BANDS = (
    (0, 1, "#fde68a"),
    (1, 2, "#d9f99d"),
    (2, 4, "#bbf7d0"),
    (4, 5, "#d9f99d"),
    (5, 6, "#fde68a"),
)
LINES = {
    0: ("#dc2626", 2.0),
    1: ("#ea580c", 1.2),
    2: ("#65a30d", 0.6),
    3: ("#15803d", 1.6),
    4: ("#65a30d", 0.6),
    5: ("#ea580c", 1.2),
    6: ("#b45309", 1.0),
}
UNITS = {"waz": "kg", "lhaz": "cm"}


FIRST_PAGE_DAYS = 731  # the KMS's first page: 0–24 months


@lru_cache(maxsize=16)
def _curves(index: str, sex: str, until: int) -> tuple[tuple[float, ...], ...]:
    return tuple(who_curves(index, sex, 0, until, 7 if until <= FIRST_PAGE_DAYS else 14))


def chart_span(age_days: int | None) -> int:
    """Return the days the chart spans: 0–24 months for a baduta, else 0–60 months."""
    return FIRST_PAGE_DAYS if age_days is not None and age_days <= FIRST_PAGE_DAYS else MAX_DAYS


def growth_chart(
    index: str,
    sex: str,
    points: Iterable[tuple[float | None, float | None]],
    lang: str = "id",
    until: int = MAX_DAYS,
) -> str:
    """Return an SVG chart of ``index`` ('waz' weight or 'lhaz' length/height for age).

    ``points`` are the child's (age in days, value) measurements; missing values are skipped.
    ``until`` is the last day of age shown (see :func:`chart_span`).
    """
    rows = _curves(index, sex, until)
    pts = sorted(
        (float(d), float(v))
        for d, v in points
        if d is not None and v is not None and 0 <= float(d) <= until
    )
    low = min([r[1] for r in rows] + [v for _, v in pts])
    high = max([r[7] for r in rows] + [v for _, v in pts])
    low, high = max(0.0, low * 0.95), high * 1.03
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(days: float) -> float:
        return LEFT + days / until * plot_w

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    title = t(f"client.chart.{index}", lang)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="growth-chart" role="img" aria-label="{escape(title)}" '
        f'data-index="{index}" data-points="{len(pts)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fff"/>',
    ]
    for lo, hi, fill in BANDS:
        upper = " ".join(f"{x(r[0]):.1f},{y(r[1 + hi]):.1f}" for r in rows)
        lower = " ".join(f"{x(r[0]):.1f},{y(r[1 + lo]):.1f}" for r in reversed(rows))
        parts.append(f'<polygon points="{upper} {lower}" fill="{fill}" stroke="none"/>')
    for sd, (colour, width) in LINES.items():
        line = " ".join(f"{x(r[0]):.1f},{y(r[1 + sd]):.1f}" for r in rows)
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{colour}" '
            f'stroke-width="{width}" class="sd sd{sd - 3:+d}"/>'
        )
    parts += _axes(low, high, x, y, index, lang, round(until / DAYS_PER_MONTH))
    parts += _child_points(pts, x, y, index, lang)
    parts.append("</svg>")
    return "".join(parts)


def _child_points(pts: list[tuple[float, float]], x, y, index: str, lang: str) -> list[str]:
    """Return the child's line and points (each with its age and value as a tooltip)."""
    if not pts:
        return []
    path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in pts)
    out = [
        f'<polyline points="{path}" fill="none" stroke="#1e3a8a" '
        f'stroke-width="2" class="child-line"/>'
    ]
    for d, v in pts:
        out.append(
            f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="4" fill="#1e3a8a" '
            f'class="child-point"><title>{d / DAYS_PER_MONTH:.0f} '
            f"{escape(t('client.chart.months', lang))}: {format_number(v, lang=lang)} "
            f"{UNITS.get(index, '')}</title></circle>"
        )
    return out


def _axes(low: float, high: float, x, y, index: str, lang: str, months: int) -> list[str]:
    """Return the grid, ticks and axis labels."""
    out = []
    for month in range(0, months + 1, 2 if months <= 24 else 6):
        px = x(month * DAYS_PER_MONTH)
        out.append(
            f'<line x1="{px:.1f}" y1="{y(high):.1f}" x2="{px:.1f}" y2="{y(low):.1f}" '
            f'stroke="#9ca3af" stroke-width="0.4"/>'
        )
        out.append(
            f'<text x="{px:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" '
            f'text-anchor="middle">{month}</text>'
        )
    step = 2 if index == "waz" and high < 30 else 10 if index == "lhaz" else 5
    value = (int(low) // step + 1) * step
    while value < high:
        py = y(value)
        out.append(
            f'<line x1="{LEFT}" y1="{py:.1f}" x2="{WIDTH - RIGHT}" y2="{py:.1f}" '
            f'stroke="#9ca3af" stroke-width="0.4"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{py + 4:.1f}" font-size="11" text-anchor="end">{value}</text>'
        )
        value += step
    out.append(
        f'<text x="{LEFT + (WIDTH - LEFT - RIGHT) / 2:.0f}" y="{HEIGHT - 6}" '
        f'font-size="12" text-anchor="middle">'
        f"{escape(t('client.chart.age_axis', lang))}</text>"
    )
    out.append(f'<text x="14" y="{TOP - 10}" font-size="12">{UNITS.get(index, "")}</text>')
    return out
