"""CSV and XLSX downloads: streamed responses with spreadsheet formula injection neutralised.

Everything streams: rows are written to an openpyxl write-only workbook in a temporary file (or to
CSV line by line), which is then sent in chunks and removed; the whole table is never held in
memory when the rows come from a generator.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from server.web.params import BadRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024

# A text cell starting with one of these is read as a formula by Excel/LibreOffice (CSV and
# XLSX alike: openpyxl writes a string starting with "=" as a formula).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+([.,][0-9]+)?")


def safe_cell(value):
    """Neutralise spreadsheet formula injection: prefix such text with an apostrophe.

    Names come from the field (a person named ``=HYPERLINK(...)`` is data, not a formula).
    Plain signed numbers written as text (``-1,5``) stay as they are.
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def _typed(sheet, value):
    """Return a cell value: a date as a date cell shown DD/MM/YYYY, text made safe."""
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return safe_cell(value)


def _file_chunks(path: str) -> Iterator[bytes]:
    """Yield a file in chunks, then remove it."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def _download(body, mimetype: str, filename: str, length: int | None = None) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    if length is not None:
        response.headers["Content-Length"] = str(length)
    return response


def xlsx_response(filename: str, sheets: Iterable[tuple[str, Iterable[Iterable]]]) -> Response:
    """Write ``(title, rows)`` sheets to a write-only workbook in a temp file and stream it."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([_typed(sheet, value) for value in row])
    descriptor, path = tempfile.mkstemp(prefix="ekspor-", suffix=".xlsx")
    os.close(descriptor)
    try:
        workbook.save(path)
    except BaseException:
        os.unlink(path)
        raise
    return _download(_file_chunks(path), XLSX, filename, os.path.getsize(path))


def _csv_value(value):
    """Return a CSV field: empty for None, ISO dates (machine-readable), text made safe."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_cell(value)


def csv_response(filename: str, rows: Iterable[Iterable]) -> Response:
    """Stream rows as UTF-8 CSV (with a BOM so that Excel reads it as UTF-8)."""

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"
        for row in rows:
            writer.writerow([_csv_value(value) for value in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return _download(stream_with_context(generate()), "text/csv; charset=utf-8", filename)


def table_response(fmt: str, basename: str, title: str, rows: Iterable[Iterable]) -> Response:
    """Download one table (header row first) as CSV or XLSX."""
    if fmt == "csv":
        return csv_response(basename + ".csv", rows)
    if fmt == "xlsx":
        return xlsx_response(basename + ".xlsx", [(title[:31], rows)])
    raise BadRequest("web.summary.bad_format")


def download(fmt: str, basename: str, title: str, header: list[str], rows: list[list]):
    """Stream one table of a page: its header row first, then the rows the page shows."""
    return table_response(fmt, basename, title, [header, *rows])
