"""Exports: the e-PPGBM-style workbook, the SIP Format 6 monthly recap and table downloads.

Everything streams: rows are read from the database in batches (``yield_per``) and written to an
openpyxl write-only workbook in a temporary file (or to CSV line by line), which is then sent in
chunks and removed; the whole table is never held in memory.

NIK in exports: the e-PPGBM workbook is the upload file the puskesmas keys into Sigizi Terpadu, so
it carries the full NIK (child, KK) for roles puskesmas, dinas and admin; for every other role
(kader, bidan desa, kecamatan) the NIK is masked like on the pages (``6111********0001``).
"""

from __future__ import annotations

import calendar
import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Response, abort, g, request, stream_with_context
from openpyxl import Workbook

from server.extensions import db
from server.indicators import rollup
from server.models import Record
from server.web import bp, language, login_required
from server.web.summary import (
    BadRequest,
    area_condition,
    area_of,
    check_code,
    ddmmyyyy,
    last_month,
    parse_period,
    readable,
    shown_nik,
)
from shared.growth.monitoring import age_in_completed_months
from shared.i18n import t
from shared.indicators.skdn import as_date
from shared.records import antigens

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024
BATCH = 500

DATA_DASAR = (
    "no_kk",
    "nik_anak",
    "nama_anak",
    "tanggal_lahir",
    "jenis_kelamin",
    "anak_ke",
    "berat_lahir",
    "panjang_lahir",
    "nik_ibu",
    "nik_ayah",
    "nama_ibu",
    "alamat",
    "posyandu",
    "puskesmas",
)
PEMANTAUAN = (
    "nik_anak",
    "nama_anak",
    "bulan",
    "tanggal_penimbangan",
    "berat_badan",
    "tinggi_badan",
    "lingkar_kepala",
    "lila",
    "status_bb_u",
    "status_tb_u",
    "status_bb_tb",
)


# -- streaming helpers ----------------------------------------------------------------------------

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
            sheet.append([safe_cell(value) for value in row])
    descriptor, path = tempfile.mkstemp(prefix="ekspor-", suffix=".xlsx")
    os.close(descriptor)
    try:
        workbook.save(path)
    except BaseException:
        os.unlink(path)
        raise
    return _download(_file_chunks(path), XLSX, filename, os.path.getsize(path))


def csv_response(filename: str, rows: Iterable[Iterable]) -> Response:
    """Stream rows as UTF-8 CSV (with a BOM so that Excel reads it as UTF-8)."""

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"
        for row in rows:
            writer.writerow(["" if value is None else safe_cell(value) for value in row])
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


# -- e-PPGBM --------------------------------------------------------------------------------------


def month_bounds(period: str) -> tuple[date, date]:
    """Return the first and last day of 'YYYY-MM'."""
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _names() -> dict[str, str]:
    """Return the names of facilities and wilayah (reference records, small)."""
    rows = db.session.execute(
        sa.select(Record.id, Record.fields).where(
            Record.kind.in_(("facility", "wilayah")), Record.deleted.is_(False)
        )
    )
    return {row.id: row.fields.get("name") or row.id for row in rows}


def _sex(value: str | None) -> str:
    return {"M": "L", "F": "P"}.get(value or "", "")


def _address(person: dict, names: dict[str, str]) -> str:
    parts = [person.get("address") or ""]
    if person.get("rt") or person.get("rw"):
        parts.append(f"RT {person.get('rt') or '-'}/RW {person.get('rw') or '-'}")
    if person.get("desa_code"):
        parts.append(names.get(person["desa_code"], person["desa_code"]))
    return ", ".join(part for part in parts if part)


def data_dasar_rows(
    level: str, code: str, period: str, role: str, names: dict[str, str]
) -> Iterator[list]:
    """Yield the "Data Dasar" sheet: one row per balita (0–59 months at the month's end)."""
    first, last = month_bounds(period)
    yield list(DATA_DASAR)
    query = (
        readable(
            sa.select(Record.fields, Record.posyandu_id, Record.puskesmas_id).where(
                Record.kind == "person", area_condition(level, code)
            )
        )
        .order_by(Record.posyandu_id, Record.id)
        .execution_options(yield_per=BATCH)
    )
    for row in db.session.execute(query):
        person = row.fields
        birth = as_date(person.get("birth_date"))
        if birth is None or birth > last or age_in_completed_months(birth, last) > 59:
            continue
        if any(
            (d := as_date(person.get(k))) is not None and d < first
            for k in ("died_on", "moved_out_on")
        ):
            continue
        yield [
            shown_nik(person.get("no_kk"), role),
            shown_nik(person.get("nik"), role),
            person.get("name"),
            ddmmyyyy(person.get("birth_date")),
            _sex(person.get("sex")),
            person.get("birth_order"),
            person.get("birth_weight_kg"),
            person.get("birth_length_cm"),
            "",
            "",
            person.get("mother_name"),
            _address(person, names),
            names.get(row.posyandu_id or "", row.posyandu_id),
            names.get(row.puskesmas_id or "", row.puskesmas_id or ""),
        ]


def pemantauan_rows(level: str, code: str, period: str, role: str) -> Iterator[list]:
    """Yield "Pemantauan Pertumbuhan": per child, the last measurement of the month."""
    first, last = month_bounds(period)
    child = so.aliased(Record)
    visit_date = Record.fields["visit_date"].as_string()
    query = (
        readable(
            sa.select(Record.fields, child.fields.label("person"))
            .join(
                child,
                sa.and_(
                    child.id == Record.person_id,
                    child.kind == "person",
                    child.deleted.is_(False),
                    g.scope.read_filter(child),
                ),
            )
            .where(
                Record.kind == "child_visit",
                area_condition(level, code),
                visit_date >= first.isoformat(),
                visit_date <= last.isoformat(),
            )
        )
        .order_by(Record.person_id, visit_date, Record.id)
        .execution_options(yield_per=BATCH)
    )
    yield list(PEMANTAUAN)
    pending = None
    for row in db.session.execute(query):
        visit = row.fields
        if all(visit.get(k) is None for k in ("weight_kg", "length_cm", "head_cm", "muac_cm")):
            continue
        if pending is not None and pending[0]["person_id"] != visit["person_id"]:
            yield _pemantauan(*pending, period, role)
        pending = (visit, row.person)
    if pending is not None:
        yield _pemantauan(*pending, period, role)


def _pemantauan(visit: dict, person: dict, period: str, role: str) -> list:
    categories = visit.get("categories") or {}
    return [
        shown_nik(person.get("nik"), role),
        person.get("name"),
        period,
        ddmmyyyy(visit.get("visit_date")),
        visit.get("weight_kg"),
        visit.get("length_cm"),
        visit.get("head_cm"),
        visit.get("muac_cm"),
        categories.get("waz"),
        categories.get("lhaz"),
        categories.get("wlhz"),
    ]


@bp.route("/ekspor/eppgbm.xlsx")
@login_required()
def export_eppgbm():
    """Download the e-PPGBM workbook of an area ("Data Dasar", "Pemantauan Pertumbuhan")."""
    period = parse_period(request.args.get("period"), last_month())
    code = check_code(request.args.get("area"))
    level, _ = area_of(code)
    role, names = g.web_user.role, _names()
    return xlsx_response(
        f"eppgbm-{code}-{period}.xlsx",
        [
            ("Data Dasar", data_dasar_rows(level, code, period, role, names)),
            ("Pemantauan Pertumbuhan", pemantauan_rows(level, code, period, role)),
        ],
    )


# -- SIP Format 6 ---------------------------------------------------------------------------------


def _posyandu_records(kind: str, posyandu_id: str) -> Iterator[dict]:
    query = readable(
        sa.select(Record.fields).where(Record.kind == kind, Record.posyandu_id == posyandu_id)
    ).execution_options(yield_per=BATCH)
    return db.session.execute(query).scalars()


def _in(value, first: date, last: date) -> bool:
    day = as_date(value) if value else None
    return day is not None and first <= day <= last


def sip6_rows(posyandu: dict, period: str, unit: dict) -> Iterator[list]:
    """Yield the SIP Format 6 recap of one posyandu and month (BRIEF §1.4)."""
    lang = language()
    first, last = month_bounds(period)
    names = _names()
    none = t("web.summary.not_recorded", lang)
    yes, no = t("web.summary.yes", lang), t("web.summary.no", lang)
    pregnancies = {}
    for p in _posyandu_records("pregnancy", posyandu["id"]):
        registered = as_date(p.get("registered_on"))
        ended = as_date(p.get("delivery_date"))
        if (
            registered
            and registered <= last
            and (
                p.get("status", "active") == "active"
                and ended is None
                or (ended is not None and ended >= first)
            )
        ):
            pregnancies[p["id"]] = p
    examined, iron = set(), set()
    for visit in _posyandu_records("anc_visit", posyandu["id"]):
        if _in(visit.get("visit_date"), first, last):
            examined.add(visit.get("pregnancy_id"))
            if (visit.get("iron_tablets") or 0) > 0:
                iron.add(visit.get("pregnancy_id"))
    sessions = [
        s
        for s in _posyandu_records("posyandu_session", posyandu["id"])
        if _in(s.get("session_date"), first, last)
    ]
    counts, extra, indicators = unit["counts"], unit["extra"], unit["indicators"]
    immunizations = extra.get("immunizations") or {}
    kek = indicators.get("kek") or {}

    yield ["FORMAT 6 SIP", t("web.summary.sip6_title", lang)]
    yield ["Posyandu", posyandu.get("name"), posyandu["id"]]
    yield [
        "Desa/Kelurahan",
        names.get(posyandu.get("desa_code") or "", ""),
        posyandu.get("desa_code"),
    ]
    yield [
        "Kecamatan",
        names.get(posyandu.get("kecamatan_code") or "", ""),
        posyandu.get("kecamatan_code"),
    ]
    yield ["Bulan", period]
    yield []
    yield ["No", "Uraian", "Jumlah", "Keterangan"]
    rows = [
        ("1", "Ibu hamil: jumlah", len(pregnancies), ""),
        ("1a", "Ibu hamil: diperiksa", len(examined), ""),
        ("1b", "Ibu hamil: dapat tablet tambah darah (besi)", len(iron), ""),
        (
            "1c",
            "Ibu hamil KEK (LiLA < 23,5 cm) / diukur",
            kek.get("numerator", 0),
            f"dari {kek.get('denominator', 0)} diukur",
        ),
        ("2", "Ibu menyusui", None, none),
        ("3", "Ibu nifas dapat vitamin A", None, none),
        ("4", "Peserta KB dilayani", sum(s.get("kb_served") or 0 for s in sessions), ""),
        ("5", "S: jumlah balita", counts.get("S", 0), ""),
        ("6", "K: balita punya KMS/Buku KIA", counts.get("K", 0), ""),
        ("7", "D: balita ditimbang", counts.get("D", 0), ""),
        ("8", "N: balita naik berat badan", counts.get("N", 0), ""),
        ("8a", "T: tidak naik", counts.get("T", 0), ""),
        ("8b", "O: bulan lalu tidak ditimbang", counts.get("O", 0), ""),
        ("8c", "B: baru pertama kali ditimbang", counts.get("B", 0), ""),
        ("9", "BGM: bawah garis merah", counts.get("BGM", 0), ""),
        ("9a", "2T: tidak naik 2 kali berturut-turut", counts.get("2T", 0), ""),
        (
            "10",
            "Balita dapat vitamin A",
            extra.get("vitamin_a_given", 0),
            ", ".join(f"{k}: {v}" for k, v in (extra.get("vitamin_a") or {}).items()),
        ),
        (
            "11",
            "Balita dapat PMT penyuluhan",
            None,
            yes if any(s.get("pmt_given") for s in sessions) else no,
        ),
    ]
    yield from (list(row) for row in rows)
    yield ["12", "Bayi/balita diimunisasi menurut antigen", None, ""]
    for antigen in antigens():
        yield ["", antigen["name"], immunizations.get(antigen["code"], 0), antigen["code"]]
    for code in sorted(set(immunizations) - {a["code"] for a in antigens()}):
        yield ["", code, immunizations[code], code]
    yield ["13", "WUS dan ibu hamil dapat imunisasi TT I–V", None, none]
    yield ["14", "Balita diare", sum(s.get("diarrhoea_cases") or 0 for s in sessions), ""]
    yield ["14a", "Diare dapat oralit", sum(s.get("oralit_given") or 0 for s in sessions), ""]
    yield [
        "15",
        "Posyandu buka bulan ini",
        None,
        yes if any(s.get("opened") for s in sessions) else no,
    ]


@bp.route("/ekspor/sip6.xlsx")
@login_required()
def export_sip6():
    """Download the SIP Format 6 monthly recap of one posyandu."""
    period = parse_period(request.args.get("period"), last_month())
    code = check_code(request.args.get("posyandu"))
    level, posyandu = area_of(code)
    if level != "posyandu":
        raise BadRequest("web.summary.bad_area")
    units = [
        row
        for row in rollup.indicator_rows(db.session, g.scope, period, "posyandu", parent=code)
        if row["code"] == code
    ]
    if not units:
        abort(404)
    return xlsx_response(
        f"sip-format6-{code}-{period}.xlsx", [("Format 6", sip6_rows(posyandu, period, units[0]))]
    )
