"""The lokmin tables for download: CSV stays machine-readable (ISO dates), XLSX is for people
(``server/web/lembar.py``: the form's labels with units, header block, typed cells, frozen and
filtered header, widths, a Keterangan sheet)."""

from __future__ import annotations

import datetime as dt

from server.web import language
from server.web.downloads import csv_response
from server.web.lembar import Column, meta, people_xlsx, with_unit
from server.web.scoped import wilayah_names
from shared import records
from shared.calendar import as_date
from shared.i18n import t

NOTES = [
    (
        "Triwulan",
        "Triwulan pertemuan: 1 (Jan–Mar), 2 (Apr–Jun), 3 (Jul–Sep), 4 (Okt–Des)",
        "Formulir lokakarya mini (halaman Lokmin lintas sektor)",
    ),
    (
        "Melewati tenggat",
        "Tenggat sudah lewat dan status kesepakatan bukan Selesai atau Batal",
        "Kesepakatan/RTL lokakarya mini; tanggal hari ini di zona waktu kabupaten",
    ),
    (
        "Hari terlambat (hari)",
        "Jumlah hari sejak tenggat, untuk kesepakatan yang melewati tenggat",
        "Kesepakatan/RTL lokakarya mini",
    ),
    (
        "Rencana kegiatan sektor",
        "Keluaran yang dinyatakan tiap sektor pada pertemuan: kegiatan, sasaran, bulan, "
        "sumber dana",
        "Formulir lokakarya mini",
    ),
]


def choice(kind: str, name: str, value, lang: str) -> str:
    return records.choice_label(kind, name, value, lang) if value else ""


def label(kind: str, name: str, lang: str) -> str:
    return records.field_label(kind, name, lang)


def yes_no(lang: str) -> str:
    return f"{t('web.review.yes', lang)}/{t('web.review.no', lang)}"


def counted(key: str, unit: str, lang: str) -> str:
    return with_unit(t(key, lang), unit, lang)


def meeting_columns(lang: str) -> list[Column]:
    m = "lokmin_meeting"
    return [
        Column(t("web.summary.level.kecamatan", lang), "text", 20),
        Column(label(m, "kecamatan_code", lang), "text", 12),
        Column(label(m, "year", lang), "int", 8),
        Column(label(m, "quarter", lang) + " (1–4)", "int", 10),
        Column(label(m, "meeting_date", lang), "date", 13),
        Column(label(m, "kind", lang), "text", 28),
        Column(label(m, "status", lang), "text", 13),
        Column(label(m, "venue", lang), "text", 20),
        Column(label(m, "chair_name", lang), "text", 20),
        Column(label(m, "agenda", lang), "text", 36),
        Column(counted("web.sheet.present", "orang", lang), "int", 10),
        Column(counted("web.review.lokmin.attendance", "orang", lang), "text", 36),
        Column(label(m, "problems", lang), "text", 40),
        Column(counted("web.sheet.agreement_count", "butir", lang), "int", 12),
        Column(counted("web.sheet.agreements_overdue", "butir", lang), "int", 13),
    ]


def meeting_values(m: dict, names: dict, lang: str) -> list:
    f = m["f"]
    return [
        names.get(m["r"].kecamatan_code, m["r"].kecamatan_code),
        m["r"].kecamatan_code,
        f.get("year"),
        f.get("quarter"),
        as_date(f.get("meeting_date")),
        choice("lokmin_meeting", "kind", f.get("kind"), lang),
        choice("lokmin_meeting", "status", f.get("status"), lang),
        f.get("venue"),
        f.get("chair_name"),
        f.get("agenda"),
        len(f.get("attendance") or []),
        ", ".join(
            f"{choice('lokmin_agreement', 'sector', s, lang) or '—'} {n}" for s, n in m["sectors"]
        ),
        "; ".join(p.get("description") or "" for p in f.get("problems") or []),
        len(m["agreements"]),
        sum(1 for a in m["agreements"] if a["overdue"]),
    ]


def agreement_columns(lang: str) -> list[Column]:
    a = "lokmin_agreement"
    return [
        Column(t("web.summary.level.kecamatan", lang), "text", 20),
        Column(label("lokmin_meeting", "meeting_date", lang), "date", 13),
        Column(label(a, "action", lang), "text", 40),
        Column(label(a, "sector", lang), "text", 18),
        Column(label(a, "pic_name", lang), "text", 20),
        Column(label(a, "pic_role", lang), "text", 18),
        Column(label(a, "start_date", lang), "date", 13),
        Column(label(a, "due_date", lang), "date", 13),
        Column(label(a, "budget_source", lang), "text", 16),
        Column(label(a, "status", lang), "text", 16),
        Column(label(a, "progress_note", lang), "text", 30),
        Column(with_unit(t("web.sheet.overdue", lang), yes_no(lang), lang), "text", 12),
        Column(counted("web.sheet.days_late", "hari", lang), "int", 10),
    ]


def agreement_values(m: dict, a: dict, names: dict, lang: str, on: dt.date) -> list:
    f = a["f"]
    due = as_date(f.get("due_date"))
    return [
        names.get(m["r"].kecamatan_code, m["r"].kecamatan_code),
        as_date(m["f"].get("meeting_date")),
        f.get("action"),
        choice("lokmin_agreement", "sector", f.get("sector"), lang),
        f.get("pic_name"),
        f.get("pic_role"),
        as_date(f.get("start_date")),
        due,
        choice("lokmin_agreement", "budget_source", f.get("budget_source"), lang),
        choice("lokmin_agreement", "status", f.get("status"), lang),
        f.get("progress_note"),
        t("web.review.yes" if a["overdue"] else "web.review.no", lang),
        (on - due).days if a["overdue"] and due else None,
    ]


def attendance_columns(lang: str) -> list[Column]:
    return [
        Column(t("web.sheet.number", lang), "int", 5),
        Column(t("records.label.attendance.name", lang), "text", 26),
        Column(t("records.label.attendance.position", lang), "text", 20),
        Column(t("records.label.attendance.sector", lang), "text", 22),
        Column(t("records.label.attendance.institution", lang), "text", 24),
    ]


def attendance_values(meeting: dict, lang: str) -> list[list]:
    return [
        [
            n,
            row.get("name"),
            row.get("position"),
            choice("lokmin_agreement", "sector", row.get("sector"), lang),
            row.get("institution"),
        ]
        for n, row in enumerate(meeting.get("attendance") or [], start=1)
    ]


def plan_columns(lang: str) -> list[Column]:
    return [
        Column(t(f"records.label.plan.{name}", lang), kind, width)
        for name, kind, width in (
            ("sector", "text", 22),
            ("activity", "text", 40),
            ("target", "text", 24),
            ("month", "date", 14),
            ("budget_source", "text", 18),
        )
    ]


def plan_values(meeting: dict, lang: str) -> list[list]:
    return [
        [
            choice("lokmin_agreement", "sector", row.get("sector"), lang),
            row.get("activity"),
            row.get("target"),
            as_date(row["month"] + "-01") if row.get("month") else None,
            choice("lokmin_agreement", "budget_source", row.get("budget_source"), lang),
        ]
        for row in meeting.get("plans") or []
    ]


def area_label(names: dict) -> str:
    from flask import g

    codes = sorted(g.scope.kecamatan) if getattr(g.scope, "kecamatan", None) else []
    if g.scope.role in ("dinas", "admin") or not codes:
        return "Seluruh wilayah yang dapat Anda lihat"
    return ", ".join(f"Kecamatan {names.get(c, c)}" for c in codes)


def lokmin_download(fmt: str, table: str, ordered: list, on: dt.date, only_overdue: bool):
    """Download the page's meetings or agreements (RTL), in the page's order and filter."""
    lang = language()
    names = wilayah_names()
    meetings = [m for _, items in ordered for m in items]
    if table == "meetings":
        basename, sheet = "lokmin-pertemuan", "Pertemuan"
        title = "Pertemuan lokakarya mini lintas sektor"
        columns = meeting_columns(lang)
        rows = [meeting_values(m, names, lang) for m in meetings]
    else:
        basename, sheet = "lokmin-kesepakatan", "Kesepakatan RTL"
        title = "Kesepakatan (rencana tindak lanjut) lokakarya mini"
        columns = agreement_columns(lang)
        rows = [agreement_values(m, a, names, lang, on) for m in meetings for a in m["agreements"]]
    if fmt == "csv":
        return csv_response(basename + ".csv", [[c.header for c in columns], *rows])
    span = t("web.lokmin.filter_overdue" if only_overdue else "web.sheet.all_quarters", lang)
    block = meta(area_label(names), span, lang)
    return people_xlsx(basename + ".xlsx", [(sheet, title, block, columns, rows)], NOTES, lang)
