"""One meeting's page and printable report: the meeting, attendance, each sector's plan beside
its agreements, attachments and the change history; ``?format=xlsx`` downloads it as a workbook
for the next quarter's follow-up (print CSS gives the PDF: the browser's "Simpan sebagai PDF")."""

from __future__ import annotations

from collections import defaultdict

from flask import render_template, request

from server.web import bp, language, login_required
from server.web.lembar import Column, export_time, keyed_columns, meta, people_xlsx
from server.web.lokmin import tables
from server.web.lokmin.audit import history
from server.web.lokmin.edit import meeting_or_404
from server.web.lokmin.files import LABELS, meeting_attachments
from server.web.lokmin.pages import form_context, lokmin_groups
from server.web.params import BadRequest
from server.web.scoped import wilayah_names
from shared import records
from shared.calendar import format_date
from shared.i18n import t


def meeting_view(meeting) -> dict:
    """Return the meeting item (with its agreements) as the list page builds it."""
    ordered, _, on = lokmin_groups(False, meeting.id)
    items = [m for _, group in ordered for m in group if m["r"].id == meeting.id]
    return (
        items[0] if items else {"r": meeting, "f": meeting.fields, "agreements": [], "sectors": []}
    )


def by_sector(item: dict) -> list[tuple[str, list, list]]:
    """Return (sector, plan rows, agreements) per sector that has either, in the sectors' order."""
    plans, agreements = defaultdict(list), defaultdict(list)
    for row in item["f"].get("plans") or []:
        plans[row.get("sector")].append(row)
    for a in item["agreements"]:
        agreements[a["f"].get("sector")].append(a)
    order = list(records.spec("lokmin_agreement").info["sector"].choices) + [None]
    return [
        (s, plans.get(s, []), agreements.get(s, [])) for s in order if s in plans or s in agreements
    ]


def render_report(meeting, upload_error: str | None = None, code: int = 200):
    lang = language()
    item = meeting_view(meeting)
    notice = None
    if request.args.get("ok"):
        notice = t("web.review.saved", lang)
    elif request.args.get("lampiran") == "1":
        notice = t("web.lokmin.attach_saved", lang)
    elif request.args.get("lampiran") == "0":
        notice = t("web.lokmin.attach_deleted", lang)
    return render_template(
        "web/review/lokmin_report.html",
        m=item,
        sectors=by_sector(item),
        attachments=meeting_attachments(meeting.id),
        attach_labels=LABELS,
        history=history(meeting.id),
        notice=notice,
        upload_error=upload_error,
        printed_at=export_time(),
        agreement_count=len(item["agreements"]),
        **form_context(),
    ), code


@bp.route("/lokmin/pertemuan/<meeting_id>")
@login_required()
def lokmin_meeting(meeting_id: str):
    """Show one meeting's report (printable), or download it (``?format=xlsx``)."""
    meeting = meeting_or_404(meeting_id)
    fmt = request.args.get("format")
    if fmt is None:
        return render_report(meeting)
    if fmt != "xlsx":
        raise BadRequest("web.review.bad_format")
    return report_xlsx(meeting_view(meeting))


def report_meta(item: dict, names: dict, lang: str) -> list[tuple[str, str]]:
    f = item["f"]
    kec = names.get(item["r"].kecamatan_code, item["r"].kecamatan_code)
    year, quarter = f.get("year"), f.get("quarter")
    span = (
        t("web.review.lokmin.quarter", lang, q=quarter, year=year)
        if quarter
        else t("web.review.lokmin.no_quarter", lang, year=year)
    )
    area, period, exported = meta(f"Kecamatan {kec}", span, lang)
    met = format_date(f.get("meeting_date")) or "—"
    return [area, period, (tables.label("lokmin_meeting", "meeting_date", lang), met), exported]


def history_columns(lang: str) -> list[Column]:
    return keyed_columns(
        [
            ("web.lokmin.history.when", "text", 20),
            ("web.lokmin.history.who", "text", 14),
            ("web.lokmin.history.what", "text", 14),
            ("web.sheet.action", "text", 10),
            ("web.lokmin.history.changes", "text", 80),
        ],
        lang,
    )


def report_xlsx(item: dict):
    """The meeting's workbook: meeting, attendance, agreements, plans, history, Keterangan."""
    lang = language()
    names = wilayah_names()
    f = item["f"]
    block = report_meta(item, names, lang)
    on = lokmin_groups(False, item["r"].id)[2]
    agreements = [tables.agreement_values(item, a, names, lang, on) for a in item["agreements"]]
    changes = [
        [h["when"], h["who"], h["what"], h["action"], "; ".join(h["changes"])]
        for h in history(item["r"].id)
    ]
    sheets = [
        (
            "Pertemuan",
            "Laporan lokakarya mini lintas sektor",
            block,
            tables.meeting_columns(lang),
            [tables.meeting_values(item, names, lang)],
        ),
        (
            "Daftar hadir",
            "Daftar hadir",
            block,
            tables.attendance_columns(lang),
            tables.attendance_values(f, lang),
        ),
        (
            "Kesepakatan RTL",
            "Kesepakatan (rencana tindak lanjut)",
            block,
            tables.agreement_columns(lang),
            agreements,
        ),
        (
            "Rencana sektor",
            "Rencana kegiatan tiap sektor",
            block,
            tables.plan_columns(lang),
            tables.plan_values(f, lang),
        ),
        ("Riwayat", "Riwayat perubahan", block, history_columns(lang), changes),
    ]
    name = f"lokmin-{item['r'].kecamatan_code}-{f.get('year')}-tw{f.get('quarter') or 0}.xlsx"
    return people_xlsx(name, sheets, tables.NOTES, lang)
