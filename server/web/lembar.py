"""XLSX workbooks for people (the dinas' take-away): headers with units from the translation
catalogue (the page's language, the page's labels), a header block (area, period, time of
export), typed cells, the percentage beside each numerator and denominator, a frozen header, an
autofilter, column widths and a "Keterangan" sheet.

CSV (and JSON) downloads stay machine-readable (codes, numerators and denominators only); only the
XLSX of a page goes through this module.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from server.web import local_zone
from server.web.downloads import XLSX, _download, _file_chunks, safe_cell
from shared import calendar
from shared.i18n import has, t

FORMATS = {
    "int": "#,##0",
    "pct": "0.0%",
    "date": "DD/MM/YYYY",
    "datetime": "DD/MM/YYYY HH:MM",
    "number": "0.0",
    "text": "@",
}
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Column:
    """One column: its header (with the unit), the type of its cells and its width."""

    header: str
    kind: str = "text"  # text, int, number, pct, date
    width: int = 14


def keyed_columns(specs, lang: str) -> list[Column]:
    """Return columns from ``(catalogue key, kind, width)`` triples (a unit: ``key|unit``)."""
    columns = []
    for key, kind, width in specs:
        key, _, unit = key.partition("|")
        label = t(key, lang)
        columns.append(Column(with_unit(label, unit, lang) if unit else label, kind, width))
    return columns


def unit_label(unit: str, lang: str) -> str:
    """Return a unit word ("anak", "ibu hamil") in ``lang`` (the word itself if not catalogued)."""
    key = "web.sheet.unit." + unit.replace(" ", "_")
    return t(key, lang) if has(key) else unit


def with_unit(label: str, unit: str, lang: str) -> str:
    """Return "label (unit)" with the unit in ``lang``."""
    return t("web.sheet.with_unit", lang, label=label, unit=unit_label(unit, lang))


def ratio_columns(label: str, unit: str, lang: str) -> list[Column]:
    """Return the three columns of an indicator: numerator, denominator, percentage."""
    unit = unit_label(unit, lang)
    return [
        Column(t("web.sheet.numerator", lang, label=label, unit=unit), "int", 14),
        Column(t("web.sheet.denominator", lang, label=label, unit=unit), "int", 14),
        Column(t("web.sheet.percent", lang, label=label), "pct", 11),
    ]


def ratio_values(item: dict | None) -> list:
    """Return numerator, denominator and numerator/denominator (None when 0/0)."""
    item = item or {}
    n, d = item.get("numerator", 0) or 0, item.get("denominator", 0) or 0
    return [n, d, (n / d) if d else None]


def meta(area: str, period: str, lang: str) -> list[tuple[str, str]]:
    """Return the usual header block: area, period, time of export."""
    return [
        (t("web.sheet.area", lang), area),
        (t("web.sheet.period", lang), period),
        (t("web.sheet.exported", lang), export_time()),
    ]


def export_time(now: dt.datetime | None = None) -> str:
    """Return the time of export as 'dd/mm/yyyy HH:MM WIB' (the kabupaten's zone)."""
    name = (local_zone() or calendar.DEFAULT_ZONE).upper()
    local = (now or dt.datetime.now(dt.UTC)).astimezone(calendar.zone(name))
    return local.strftime("%d/%m/%Y %H:%M ") + name


def _cell(sheet, value, kind: str):
    if kind == "date" and isinstance(value, str) and value:
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value[:10])
    # Any text is made safe, whatever the column's kind ("belum pernah" in a date column).
    cell = WriteOnlyCell(sheet, value=safe_cell(value) if isinstance(value, str) else value)
    if kind in FORMATS and kind != "text":
        cell.number_format = FORMATS[kind]
    return cell


def _header_block(sheet, title: str, meta: list[tuple[str, str]]) -> None:
    cell = WriteOnlyCell(sheet, value=safe_cell(title))
    cell.font = Font(bold=True, size=13)
    sheet.append([cell])
    for key, value in meta:
        sheet.append(
            [WriteOnlyCell(sheet, value=key), WriteOnlyCell(sheet, value=safe_cell(value))]
        )
    sheet.append([])


def write_table(workbook, name: str, title: str, meta, columns: list[Column], rows) -> None:
    """Add a sheet: header block, then the columns' headers (frozen, filtered), then typed rows."""
    sheet = workbook.create_sheet(name[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[_letter(index)].width = column.width
    header_row = len(meta) + 3  # title, meta lines, a blank line, then the column headers
    sheet.freeze_panes = f"A{header_row + 1}"  # write-only: before the first row is written
    _header_block(sheet, title, meta)
    headers = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        headers.append(cell)
    sheet.append(headers)
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, v, c.kind) for v, c in zip(row, columns, strict=False)])
        count += 1
    last = _letter(len(columns))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(count, 1)}"


def write_notes(workbook, notes: list[tuple[str, str, str]], lang: str) -> None:
    """Add the "Keterangan" sheet: indicator, definition, source."""
    columns = [
        Column(t("web.sheet.indicator", lang), "text", 34),
        Column(t("web.sheet.definition", lang), "text", 70),
        Column(t("web.sheet.source", lang), "text", 50),
    ]
    write_table(workbook, "Keterangan", "Keterangan indikator", [], columns, notes)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def people_xlsx(filename: str, tables: list[tuple], notes: list[tuple[str, str, str]], lang: str):
    """Stream a workbook of ``(sheet, title, meta, columns, rows)`` tables and its Keterangan."""
    workbook = Workbook(write_only=True)
    for name, title, meta, columns, rows in tables:
        write_table(workbook, name, title, meta, columns, rows)
    if notes:
        write_notes(workbook, notes, lang)
    descriptor, path = tempfile.mkstemp(prefix="ekspor-", suffix=".xlsx")
    os.close(descriptor)
    try:
        workbook.save(path)
    except BaseException:
        os.unlink(path)
        raise
    return _download(_file_chunks(path), XLSX, filename, os.path.getsize(path))
