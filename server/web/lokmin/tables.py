"""The lokmin tables for download: CSV stays machine-readable (ISO dates), XLSX is for people
(``server/web/lembar.py``: the form's labels with units, header block, typed cells, frozen and
filtered header, widths, a Keterangan sheet)."""

from __future__ import annotations

import datetime as dt

from server.web import language
from server.web.downloads import csv_response
from server.web.lembar import Column, keyed_columns, meta, people_xlsx, with_unit
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


def field_columns(kind: str, specs, lang: str) -> list[Column]:
    """Return columns headed by ``kind``'s field labels: ``(field, kind, width)`` triples."""
    return [Column(label(kind, name, lang), cell, width) for name, cell, width in specs]


def meeting_columns(lang: str) -> list[Column]:
    m = "lokmin_meeting"
    return [
        *keyed_columns([("web.summary.level.kecamatan", "text", 20)], lang),
        *field_columns(m, [("kecamatan_code", "text", 12), ("year", "int", 8)], lang),
        Column(label(m, "quarter", lang) + " (1–4)", "int", 10),
        *field_columns(
            m,
            [
                ("meeting_date", "date", 13),
                ("kind", "text", 28),
                ("status", "text", 13),
                ("venue", "text", 20),
                ("chair_name", "text", 20),
                ("agenda", "text", 36),
            ],
            lang,
        ),
        *keyed_columns(
            [
                ("web.sheet.present|orang", "int", 10),
                ("web.review.lokmin.attendance|orang", "text", 36),
                ("records.label.problems", "text", 40),
                ("web.sheet.agreement_count|butir", "int", 12),
                ("web.sheet.agreements_overdue|butir", "int", 13),
            ],
            lang,
        ),
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
    return [
        *keyed_columns([("web.summary.level.kecamatan", "text", 20)], lang),
        *field_columns("lokmin_meeting", [("meeting_date", "date", 13)], lang),
        *field_columns(
            "lokmin_agreement",
            [
                ("action", "text", 40),
                ("sector", "text", 18),
                ("pic_name", "text", 20),
                ("pic_role", "text", 18),
                ("start_date", "date", 13),
                ("due_date", "date", 13),
                ("budget_source", "text", 16),
                ("status", "text", 16),
                ("progress_note", "text", 30),
            ],
            lang,
        ),
        Column(with_unit(t("web.sheet.overdue", lang), yes_no(lang), lang), "text", 12),
        *keyed_columns([("web.sheet.days_late|hari", "int", 10)], lang),
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
    specs = [("web.sheet.number", "int", 5)]
    specs += [
        (f"records.label.attendance.{name}", "text", width)
        for name, width in (("name", 26), ("position", 20), ("sector", 22), ("institution", 24))
    ]
    return keyed_columns(specs, lang)


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
    return keyed_columns(
        [
            ("records.label.plan.sector", "text", 22),
            ("records.label.plan.activity", "text", 40),
            ("records.label.plan.target", "text", 24),
            ("records.label.plan.month", "date", 14),
            ("records.label.plan.budget_source", "text", 18),
        ],
        lang,
    )


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
