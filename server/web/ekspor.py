"""Exports: the e-PPGBM-style workbook and the SIP Format 6 monthly recap of a posyandu.

Rows are read from the database in batches (``yield_per``) and streamed into the workbook
(``downloads.xlsx_response``); the whole table is never held in memory.

NIK in exports: the e-PPGBM workbook is the upload file the puskesmas keys into Sigizi Terpadu, so
it carries the full NIK (child, KK) for roles puskesmas, dinas and admin; for every other role
(kader, bidan desa, kecamatan) the NIK is masked like on the pages (``6111********0001``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, g, request

from server.extensions import db
from server.models import Record
from server.web import bp, language, login_required
from server.web.downloads import xlsx_response
from server.web.format import shown_nik
from server.web.keterangan import vitamin_a_name
from server.web.params import BadRequest, check_code, period_arg
from server.web.scoped import area_condition, area_of, readable, unit_names, unit_row
from shared.calendar import age_on, as_date, month_bounds
from shared.i18n import t
from shared.records import antigens

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


# -- e-PPGBM --------------------------------------------------------------------------------------


def _sex(value: str | None) -> str:
    return {"M": "L", "F": "P"}.get(value or "", "")


def _address(person: dict, names: dict[str, str]) -> str:
    parts = [person.get("address") or ""]
    if person.get("rt") or person.get("rw"):
        parts.append(f"RT {person.get('rt') or '-'}/RW {person.get('rw') or '-'}")
    if person.get("desa_code"):
        parts.append(names.get(person["desa_code"], person["desa_code"]))
    return ", ".join(part for part in parts if part)


def _is_balita(person: dict, first: date, last: date) -> bool:
    """Tell whether a person is 0–59 months old at the month's end and still here in the month."""
    age = age_on(person.get("birth_date"), last)
    if age is None or age > 59:
        return False
    return not any(
        (d := as_date(person.get(k))) is not None and d < first for k in ("died_on", "moved_out_on")
    )


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
        if not _is_balita(person, first, last):
            continue
        yield [
            shown_nik(person.get("no_kk"), role),
            shown_nik(person.get("nik"), role),
            person.get("name"),
            as_date(person.get("birth_date")),
            _sex(person.get("sex")),
            person.get("birth_order"),
            person.get("birth_weight_kg"),
            person.get("birth_length_cm"),
            shown_nik(person.get("mother_nik"), role),
            shown_nik(person.get("father_nik"), role),
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
        as_date(visit.get("visit_date")),
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
    period = period_arg()
    code = check_code(request.args.get("area"))
    level, _ = area_of(code)
    role, names = g.web_user.role, unit_names()
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


def _pregnancies(posyandu_id: str, first: date, last: date) -> set[str]:
    """Return the pregnancies registered by the month's end and not ended before it began."""
    found = set()
    for p in _posyandu_records("pregnancy", posyandu_id):
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
            found.add(p["id"])
    return found


def _anc(posyandu_id: str, first: date, last: date) -> tuple[set, set]:
    """Return the pregnancies examined in the month, and those given iron tablets."""
    examined, iron = set(), set()
    for visit in _posyandu_records("anc_visit", posyandu_id):
        if _in(visit.get("visit_date"), first, last):
            examined.add(visit.get("pregnancy_id"))
            if (visit.get("iron_tablets") or 0) > 0:
                iron.add(visit.get("pregnancy_id"))
    return examined, iron


def _sip6_heading(posyandu: dict, period: str, lang: str) -> list[list]:
    names = unit_names()
    return [
        ["FORMAT 6 SIP", t("web.summary.sip6_title", lang)],
        ["Posyandu", posyandu.get("name"), posyandu["id"]],
        [
            "Desa/Kelurahan",
            names.get(posyandu.get("desa_code") or "", ""),
            posyandu.get("desa_code"),
        ],
        [
            "Kecamatan",
            names.get(posyandu.get("kecamatan_code") or "", ""),
            posyandu.get("kecamatan_code"),
        ],
        ["Bulan", period],
        [],
        ["No", "Uraian", "Jumlah", "Keterangan"],
    ]


def _sip6_mothers(posyandu_id: str, first: date, last: date, unit: dict, none: str) -> list:
    """Rows 1–4: pregnancies, examinations, iron, KEK, breastfeeding, vitamin A, KB."""
    examined, iron = _anc(posyandu_id, first, last)
    kek = unit["indicators"].get("kek") or {}
    return [
        ("1", "Ibu hamil: jumlah", len(_pregnancies(posyandu_id, first, last)), ""),
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
    ]


def _sip6_balita(unit: dict, sessions: list[dict], yes: str, no: str) -> list:
    """Rows 5–11: SKDN, BGM/2T, vitamin A and PMT."""
    counts, extra = unit["counts"], unit["extra"]
    return [
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
            ", ".join(
                f"{vitamin_a_name(k)}: {v}" for k, v in (extra.get("vitamin_a") or {}).items()
            ),
        ),
        (
            "11",
            "Balita dapat PMT penyuluhan",
            None,
            yes if any(s.get("pmt_given") for s in sessions) else no,
        ),
    ]


def _sip6_immunisation(unit: dict) -> Iterator[list]:
    """Row 12: immunisations by antigen (the schedule's, then any other code recorded)."""
    immunizations = unit["extra"].get("immunizations") or {}
    yield ["12", "Bayi/balita diimunisasi menurut antigen", None, ""]
    for antigen in antigens():
        yield ["", antigen["name"], immunizations.get(antigen["code"], 0), antigen["code"]]
    for code in sorted(set(immunizations) - {a["code"] for a in antigens()}):
        yield ["", code, immunizations[code], code]


def sip6_rows(posyandu: dict, period: str, unit: dict) -> Iterator[list]:
    """Yield the SIP Format 6 recap of one posyandu and month (BRIEF §1.4)."""
    lang = language()
    first, last = month_bounds(period)
    none = t("web.summary.not_recorded", lang)
    yes, no = t("web.summary.yes", lang), t("web.summary.no", lang)
    sessions = [
        s
        for s in _posyandu_records("posyandu_session", posyandu["id"])
        if _in(s.get("session_date"), first, last)
    ]
    yield from _sip6_heading(posyandu, period, lang)
    mothers = _sip6_mothers(posyandu["id"], first, last, unit, none)
    kb = ("4", "Peserta KB dilayani", sum(s.get("kb_served") or 0 for s in sessions), "")
    yield from (list(row) for row in [*mothers, kb, *_sip6_balita(unit, sessions, yes, no)])
    yield from _sip6_immunisation(unit)
    yield ["13", "WUS dan ibu hamil dapat imunisasi TT I–V", None, none]
    yield ["14", "Balita diare", sum(s.get("diarrhoea_cases") or 0 for s in sessions), ""]
    yield _sip6_oralit(sessions, none)
    yield [
        "14b",
        "Oralit dibagikan (bungkus)",
        sum(s.get("oralit_given") or 0 for s in sessions),
        "",
    ]
    opened = any(s.get("opened") for s in sessions)
    yield ["15", "Posyandu buka bulan ini", None, yes if opened else no]


@bp.route("/ekspor/sip6.xlsx")
@login_required()
def export_sip6():
    """Download the SIP Format 6 monthly recap of one posyandu."""
    period = period_arg()
    code = check_code(request.args.get("posyandu"))
    level, posyandu = area_of(code)
    if level != "posyandu":
        raise BadRequest("web.summary.bad_area")
    unit = unit_row(period, "posyandu", code)
    if unit is None:
        abort(404)
    return xlsx_response(
        f"sip-format6-{code}-{period}.xlsx", [("Format 6", sip6_rows(posyandu, period, unit))]
    )


def _sip6_oralit(sessions: list[dict], none: str) -> list:
    """Return row 14a: children with diarrhoea given ORS (children, not the packets handed out)."""
    recorded = [s["diarrhoea_oralit"] for s in sessions if s.get("diarrhoea_oralit") is not None]
    if not recorded:
        return ["14a", "Balita diare dapat oralit", None, none]
    return ["14a", "Balita diare dapat oralit", sum(recorded), ""]
