"""Paket rapat: the quarterly or annual summary of a unit for the kabupaten's health meeting.

``/paket-rapat?unit=CODE&period=YYYY-MM&span=quarter|year`` covers the months of the period's
quarter (or year) up to the period month, for one unit the user may see (the kabupaten by
default), and shows, as the issue lists:

1. the main indicators with their monthly trend and the change over the span
   (``rollup.trend``: sums of ``indicator_month``);
2. the units one level down furthest from target in the last month (the thresholds of
   ``/peringkat``, ``server/web/data/thresholds.csv``: the gap to the green limit, red and amber
   only);
3. the deaths of the span (``kematian.death_cases``) with their review status, without names;
4. ODF/STBM progress: desa ODF or STBM at the start and the end of the span, against the target;
5. signals raised and closed in the span per rule, open and overdue at its end;
6. the lokmin agreements of the unit's kecamatan by status, and the overdue ones.

The page is laid out for paper (print CSS, A4): the browser's "Cetak → Simpan sebagai PDF" is
the PDF. ``&format=xlsx`` downloads the same tables as a workbook for people. Everything is cut
to the user's scope.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import sqlalchemy as sa
from flask import g, render_template, request

from server.extensions import db
from server.indicators import rollup
from server.models import Record
from server.web import bp, language, local_zone, login_required
from server.web.kematian import death_cases, reviews
from server.web.lembar import Column, meta, people_xlsx, ratio_columns, ratio_values
from server.web.lokmin.pages import CLOSED_AGREEMENT
from server.web.odf import DONE as ODF_DONE
from server.web.odf import target_pct, timelines, visible_desa
from server.web.params import LEVELS, TOP_LEVEL, BadRequest, check_code, parse_period
from server.web.peringkat import colour, percent, thresholds
from server.web.periode import default_period_arg
from server.web.scoped import area_of, in_scope, readable
from server.web.sinyal import month_words_filter as month_words
from shared import records
from shared.calendar import add_months, local_today, month_bounds, period_of
from shared.i18n import t

TREND_KEYS = (
    "ds",
    "nd",
    "stunting",
    "wasting",
    "underweight",
    "bgm",
    "kek",
    "vitamin_a",
    "idl",
    "dpt_dropout",
    "ptm_screening",
    "skilas",
    "kf_complete",
)
WORST = 5
GROUPS = ("maternal", "neonatal", "infant", "under5")
SPANS = ("quarter", "year")
ROMAN = ("I", "II", "III", "IV")


def span_months(period: str, span: str) -> list[str]:
    """Return the months of the period's quarter (or year) up to the period, oldest first."""
    year, month = int(period[:4]), int(period[5:])
    first = 1 if span == "year" else 3 * ((month - 1) // 3) + 1
    return [period_of(add_months((year, first), i)) for i in range(month - first + 1)]


def span_title(period: str, span: str, months: list[str]) -> str:
    """Return 'Triwulan IV 2026 (Oktober 2026 – November 2026)' or 'Tahun 2026 (…)'."""
    year, month = period[:4], int(period[5:])
    head = f"Tahun {year}" if span == "year" else f"Triwulan {ROMAN[(month - 1) // 3]} {year}"
    return f"{head} ({month_words(months[0])} – {month_words(months[-1])})"


def the_unit() -> tuple[str, str, str]:
    """Return (level, code, name) of ``?unit=`` (the user's top unit by default), or 404."""
    code = check_code(request.args.get("unit"), required=False)
    if code:
        level, fields = area_of(code)
        return level, code, fields.get("name") or code
    level = TOP_LEVEL.get(g.web_user.role, "kabupaten")
    registry = rollup._Registry(db.session, g.scope)  # the readable posyandu and unit names
    if level == "kabupaten":
        return level, registry.kabupaten, registry.names.get(registry.kabupaten, "")
    code = g.web_user.unit
    return level, code, registry.names.get(code, code)


def trends(level: str, code: str, months: list[str]) -> list[dict]:
    """Return per indicator its monthly items and the change (points) from the first month."""
    series = rollup.trend(db.session, g.scope, level, code, months[-1], len(months))
    out = []
    for key in TREND_KEYS:
        items = [m["indicators"].get(key) or {} for m in series]
        values = [percent(i) for i in items]
        known = [v for v in values if v is not None]  # from the first month with data
        change = known[-1] - known[0] if len(known) > 1 and values[-1] is not None else None
        out.append({"key": key, "items": items, "values": values, "change": change})
    return out


def furthest(level: str, code: str, period: str) -> tuple[str | None, list[dict]]:
    """Return the level below and its units furthest from target (red and amber) per indicator."""
    if level == "posyandu":
        return None, []
    below = LEVELS[LEVELS.index(level) + 1]
    rows = rollup.indicator_rows(db.session, g.scope, period, below, parent=code)
    out = []
    for key, limit in thresholds().items():
        if key == "reporting":
            continue
        found = []
        for row in rows:
            item = row["indicators"].get(key)
            value = percent(item)
            light = colour(key, value)
            if light in ("red", "amber"):
                gap = (
                    value - limit["green"] if limit["better"] == "lower" else limit["green"] - value
                )
                found.append({"key": key, "row": row, "item": item, "value": value})
                found[-1].update(
                    colour=light, gap=gap, target=limit["green"], better=limit["better"]
                )
        out += sorted(found, key=lambda f: (-f["gap"], f["row"]["name"]))[:WORST]
    return below, out


def members(code: str) -> tuple[set[str], set[str], set[str]]:
    """Return the readable posyandu ids, desa codes and kecamatan codes inside a unit."""
    registry = rollup._Registry(db.session, g.scope)
    inside = registry.inside(code)
    return (
        {p["id"] for p in inside},
        {p["desa"] for p in inside if p["desa"]},
        {p["kecamatan"] for p in inside if p["kecamatan"]},
    )


def deaths(first: dt.date, last: dt.date, posyandu: set[str]) -> dict:
    """Return the span's death cases of the unit (no names) and counts by group and status."""
    done = reviews()
    cases = []
    for case in death_cases(first, last):
        if case["posyandu"] not in posyandu:
            continue
        review = done.get(case["id"]) or {}
        status = "reviewed" if review.get("reviewed_on") else "notified" if review else "none"
        cases.append({**case, "status": status, "review": review})
    counts = {g_: Counter(c["status"] for c in cases if g_ in c["groups"]) for g_ in GROUPS}
    return {"cases": cases, "counts": counts}


def odf_progress(first: dt.date, last: dt.date, desa_codes: set[str]) -> dict:
    """Return desa ODF/STBM at the start and the end of the span, the target and the events."""
    desa = [w for w in visible_desa() if w["code"] in desa_codes]
    events = timelines()
    out = {"target": target_pct(), "denominator": len(desa), "events": []}
    for name, day in (("start", first - dt.timedelta(days=1)), ("end", last)):
        done = 0
        for w in desa:
            past = [e for e in events.get(w["code"], []) if e["verified_on"] <= day.isoformat()]
            done += bool(past) and past[-1]["status"] in ODF_DONE
        out[name] = done
    names = {w["code"]: w.get("name") for w in desa}
    for code in sorted(names):
        for e in events.get(code, []):
            if first.isoformat() <= e["verified_on"] <= last.isoformat():
                out["events"].append({**e, "desa_name": names[code]})
    return out


def signal_counts(first: dt.date, last: dt.date, posyandu: set[str], today: dt.date) -> list:
    """Return per rule: raised in the span, closed in the span, open now, overdue now."""
    rows = db.session.execute(
        readable(sa.select(Record.fields).where(Record.kind == "signal"))
    ).scalars()
    table: dict[str, Counter] = defaultdict(Counter)
    lo, hi, now = first.isoformat(), last.isoformat(), today.isoformat()
    for s in rows:
        if s["posyandu_id"] not in posyandu:
            continue
        counts = table[s["rule"]]
        counts["raised"] += lo <= s["raised_on"] <= hi
        counts["closed"] += s.get("status") == "closed" and lo <= (s.get("closed_on") or "") <= hi
        counts["open"] += s.get("status") == "open"
        counts["overdue"] += s.get("status") == "open" and (s.get("due_date") or "9999") < now
    return sorted(table.items())


def lokmin_status(kecamatan: set[str], today: dt.date) -> dict:
    """Return the unit's lokmin agreements by status, and those past their due date."""
    rows = db.session.execute(
        in_scope(
            sa.select(Record).where(Record.kind == "lokmin_agreement", Record.deleted.is_(False))
        )
    ).scalars()
    agreements = [r.fields for r in rows if r.kecamatan_code in kecamatan]
    overdue = [
        a
        for a in agreements
        if (a.get("due_date") or "9999") < today.isoformat()
        and a.get("status") not in CLOSED_AGREEMENT
    ]
    return {
        "by_status": Counter(a.get("status") or "planned" for a in agreements),
        "total": len(agreements),
        "overdue": sorted(overdue, key=lambda a: (a.get("due_date") or "", a.get("action") or "")),
    }


def pack_data() -> dict:
    """Gather every item of the pack for the request's unit, period and span."""
    span = (request.args.get("span") or "quarter").strip()
    if span not in SPANS:
        raise BadRequest("web.pack.bad_span")
    period = parse_period(request.args.get("period"), default_period_arg())
    level, code, name = the_unit()
    months = span_months(period, span)
    first, last = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    today = local_today(local_zone())
    posyandu, desa, kecamatan = members(code)
    below, worst = furthest(level, code, period)
    return {
        "period": period,
        "span": span,
        "level": level,
        "code": code,
        "name": name,
        "months": months,
        "title": span_title(period, span, months),
        "trends": trends(level, code, months),
        "below": below,
        "worst": worst,
        "deaths": deaths(first, last, posyandu),
        "odf": odf_progress(first, last, desa),
        "signals": signal_counts(first, last, posyandu, today),
        "lokmin": lokmin_status(kecamatan, today),
        "today": today,
    }


@bp.route("/paket-rapat")
@login_required()
def meeting_pack():
    """Show (or download as XLSX) the meeting pack of a unit for a quarter or a year."""
    fmt = (request.args.get("format") or "").strip()
    if fmt not in ("", "xlsx"):
        raise BadRequest("web.review.bad_format")
    data = pack_data()
    if fmt == "xlsx":
        return pack_xlsx(data)
    return render_template("web/paket/paket.html", **data, label=label, spans=SPANS)


def label(key: str) -> str:
    """Return an indicator's label (Indonesian)."""
    return t(f"indicators.{key}", "id")


# -- the workbook ---------------------------------------------------------------------------------


def _indicator_table(data: dict, lang: str) -> tuple:
    columns = [
        Column(t("web.sheet.indicator", lang), "text", 40),
        Column(t("web.summary.period", lang), "text", 16),
    ]
    columns += ratio_columns(t("web.sheet.value", lang), "lihat Keterangan", lang)
    rows = [
        [label(tr["key"]), month_words(month), *ratio_values(item)]
        for tr in data["trends"]
        for month, item in zip(data["months"], tr["items"], strict=True)
    ]
    return ("Indikator", "Indikator utama per bulan", columns, rows)


def _worst_table(data: dict, lang: str) -> tuple:
    below = data["below"]
    columns = [
        Column(t("web.sheet.indicator", lang), "text", 34),
        Column(t(f"web.summary.level.{below}" if below else "web.sheet.unit", lang), "text", 28),
    ]
    columns += ratio_columns(t("web.sheet.value", lang), "lihat Keterangan", lang)
    columns += [
        Column(t("web.sheet.percent", lang, label=t("web.pack.target", lang)), "number", 12),
        Column(t("web.pack.gap", lang), "number", 14),
    ]
    rows = [
        [label(w["key"]), w["row"]["name"], *ratio_values(w["item"]), w["target"], w["gap"]]
        for w in data["worst"]
    ]
    return ("Jauh dari target", "Unit terjauh dari target (bulan terakhir)", columns, rows)


def _death_table(data: dict, lang: str) -> tuple:
    columns = [
        Column(records.field_label("person", "died_on", lang), "date", 14),
        Column(t("web.deaths.age_days", lang), "int", 10),
        Column(t("web.deaths.groups", lang), "text", 24),
        Column(t("web.summary.level.posyandu", lang), "text", 18),
        Column(t("web.sheet.death_cause", lang), "text", 30),
        Column(t("web.sheet.review_status", lang), "text", 24),
        Column(records.field_label("death_review", "reviewed_on", lang), "date", 14),
        Column(records.field_label("death_review", "follow_up", lang), "text", 40),
    ]
    rows = [
        [
            dt.date.fromisoformat(c["died_on"]),
            c["age_days"],
            ", ".join(t(f"web.deaths.group.{group}", lang) for group in c["groups"]),
            c["posyandu"],
            c.get("death_cause") or "",
            t(f"web.pack.status.{c['status']}", lang),
            dt.date.fromisoformat(c["review"]["reviewed_on"])
            if c["review"].get("reviewed_on")
            else None,
            c["review"].get("follow_up") or "",
        ]
        for c in data["deaths"]["cases"]
    ]
    return ("Kematian", "Kasus kematian dan status kajiannya", columns, rows)


def _odf_table(data: dict, lang: str) -> tuple:
    odf = data["odf"]
    share = (lambda n: n / odf["denominator"]) if odf["denominator"] else (lambda n: None)
    rows = [
        [t("web.pack.start", lang), odf["start"], odf["denominator"], share(odf["start"])],
        [t("web.pack.end", lang), odf["end"], odf["denominator"], share(odf["end"])],
        [
            t("web.sheet.percent", lang, label=t("web.pack.target", lang)),
            None,
            None,
            odf["target"] / 100,
        ],
    ]
    columns = [
        Column(t("web.sheet.when", lang), "text", 18),
        *ratio_columns(t("web.summary.odf", lang), "desa", lang),
    ]
    return ("ODF", "Kemajuan desa ODF/STBM", columns, rows)


def _signal_table(data: dict, lang: str) -> tuple:
    columns = [Column(records.field_label("signal", "rule", lang), "text", 34)]
    columns += [
        Column(t(f"web.pack.{key}", lang), "int", 12)
        for key in ("raised", "closed", "open_now", "overdue_now")
    ]
    rows = [
        [t(f"web.signals.rule.{rule}", lang), c["raised"], c["closed"], c["open"], c["overdue"]]
        for rule, c in data["signals"]
    ]
    return ("Sinyal", "Sinyal dalam periode", columns, rows)


def _lokmin_table(data: dict, lang: str) -> tuple:
    lokmin = data["lokmin"]
    columns = [
        Column(records.field_label("lokmin_agreement", "status", lang), "text", 26),
        Column(t("web.sheet.agreements", lang), "int", 12),
    ]
    rows = [
        [t(f"records.choice.agreement_status.{k}", lang), n]
        for k, n in sorted(lokmin["by_status"].items())
    ]
    rows.append([t("web.pack.overdue_agreements", lang), len(lokmin["overdue"])])
    return ("Lokmin", "Status kesepakatan lokmin", columns, rows)


def pack_xlsx(data: dict):
    """Stream the meeting pack as a workbook for people (one sheet per item)."""
    lang = language()
    block = meta(data["name"], data["title"], lang)
    items = (_indicator_table, _worst_table, _death_table, _odf_table, _signal_table, _lokmin_table)
    tables = [
        (sheet, title, block, columns, rows)
        for sheet, title, columns, rows in (item(data, lang) for item in items)
    ]
    notes = [
        (label(k), label(k), "Agregat bulanan posyandu (indicator_month), dijumlahkan ke atas")
        for k in TREND_KEYS
    ]
    return people_xlsx(f"paket-rapat-{data['code']}-{data['period']}.xlsx", tables, notes, lang)
