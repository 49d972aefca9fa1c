"""The review pages' tables (Konflik, Mutu data, Evaluasi mingguan, Pengguna) as downloads:
CSV stays machine-readable as before (``downloads.download``); XLSX becomes a workbook for people
(``lembar.people_xlsx``): a header block (area, table, time of export), the page's headers,
typed cells, a frozen and filtered header, widths and a Keterangan sheet.

The pages build their rows for display (``dd/mm/yyyy``, ``dd/mm/yyyy HH:MM WIB``); here such text
becomes a date or a date-time cell (the zone moves into the column header) so that it sorts. Text
that is not a date (``belum pernah``) stays text in its cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from flask import g

from server.web import language
from server.web.downloads import download as csv_or_table
from server.web.lembar import Column, export_time, people_xlsx
from shared.i18n import t

ZONED = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2}) (WIB|WITA|WIT)$")
DAY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
SOURCE = "Server Posyandu Sync: data yang tersinkron dari perangkat kader dan halaman Pokjanal"


def typed(value) -> tuple[object, str, str | None]:
    """Return (cell value, kind, zone) for one display value."""
    if value is None or value == "":
        return None, "empty", None
    if isinstance(value, bool):
        return value, "text", None
    if isinstance(value, int):
        return value, "int", None
    if isinstance(value, float):
        return value, "number", None
    if isinstance(value, dt.datetime):
        return value, "datetime", None
    if isinstance(value, dt.date):
        return value, "date", None
    text = str(value)
    try:
        if match := ZONED.match(text):
            d, m, y, hh, mm, zone = match.groups()
            return dt.datetime(int(y), int(m), int(d), int(hh), int(mm)), "datetime", zone
        if match := DAY.match(text):
            d, m, y = match.groups()
            return dt.date(int(y), int(m), int(d)), "date", None
        if match := ISO_DAY.match(text):
            return dt.date.fromisoformat(text), "date", None
    except ValueError:
        pass
    return text, "text", None


def column_of(header: str, cells: list[tuple]) -> Column:
    """Return a column: the kind most of its non-empty cells have, a width that fits."""
    kinds = Counter(kind for _, kind, _ in cells if kind != "empty")
    kind, count = kinds.most_common(1)[0] if kinds else ("text", 0)
    if kind != "text" and count * 2 < sum(kinds.values()):
        kind = "text"
    zones = {zone for _, k, zone in cells if zone}
    title = f"{header} ({zones.pop()})" if kind == "datetime" and len(zones) == 1 else header
    longest = max([len(str(v)) for v, _, _ in cells[:500] if v is not None] + [0])
    width = 17 if kind == "datetime" else min(50, max(9, longest + 2, min(len(title), 24)))
    return Column(title, kind, width)


def area_label() -> str:
    """The area the table covers: the signed-in user's unit (the page shows its scope)."""
    from server.web.scoped import unit_names

    user = g.get("web_user")
    if user is None:
        return ""
    return f"{unit_names().get(user.unit, user.unit)} ({user.unit})"


def download(fmt: str, basename: str, title: str, header: list[str], rows: list[list]):
    """Download one table of a review page: CSV as before, XLSX as a workbook for people."""
    if fmt != "xlsx":
        return csv_or_table(fmt, basename, title, header, rows)
    converted = [[typed(v) for v in row] for row in rows]
    columns = [
        column_of(h, [row[i] if i < len(row) else (None, "empty", None) for row in converted])
        for i, h in enumerate(header)
    ]
    values = [[cell[0] for cell in row] for row in converted]
    lang = language()
    meta = [
        (t("web.sheet.area", lang), area_label()),
        (t("web.sheet.table", lang), title),
        (t("web.sheet.exported", lang), export_time()),
    ]
    notes = [
        (
            title,
            "Tabel yang sama dengan halaman, dengan filter halaman; waktu dalam zona kabupaten",
            SOURCE,
        )
    ]
    sheet = SHEET_NAME_BAD.sub("-", title)[:31] or "Tabel"
    return people_xlsx(basename + ".xlsx", [(sheet, title, meta, columns, values)], notes, lang)
