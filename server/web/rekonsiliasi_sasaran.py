"""Sasaran proyeksi on /rekonsiliasi (issue #16): the projected balita of each desa and year
beside the balita registered in the app, with the gap.

The sasaran proyeksi is the figure the dinas receives each year (from the BPS population
projection) and hands to the puskesmas; it is not in any synced record. It lives in
``sasaran_proyeksi``, one row per desa and year, with its source and who set it. It is set one
desa at a time (``POST /rekonsiliasi/sasaran/<desa>/<year>``) or loaded from a CSV
(``POST /rekonsiliasi/sasaran/unggah``: columns ``kode_desa,tahun,sasaran_balita``, with the
source named in the form; the file's name and the start of its SHA-256 are kept with the source,
so that each figure names the version of the file it came from). A CSV is taken whole or not at
all: one wrong line refuses it, naming the line, and nothing is written.

The puskesmas sets the desa of its own posyandu, the dinas and the admin any desa of the
kabupaten; the kecamatan reads. The registered balita of a desa are the S of its posyandu
(``indicator_month``: children 0–59 months at the end of the page's month, kept on write).
"""

from __future__ import annotations

import csv
import hashlib
import io

import sqlalchemy as sa
from flask import abort, g, redirect, render_template, request, url_for

from server.extensions import db
from server.models import SasaranProyeksi, utcnow
from server.scope import FacilityIndex, ScopeKeys
from server.web import bp, language, login_required
from server.web.format import people_names
from server.web.scoped import posyandu_in_scope, unit_names
from shared.calendar import format_decimal
from shared.i18n import register, t

SETTERS = {"puskesmas", "dinas", "admin"}
MAX_BALITA = 1_000_000
MAX_BYTES = 1_000_000
MAX_LINES = 20_000
YEARS = range(2000, 2101)
HEADER = ["kode_desa", "tahun", "sasaran_balita"]

register(
    {
        "web.sasaran.title": {
            "id": "Sasaran proyeksi balita per desa — {year}",
            "en": "Projected balita (sasaran proyeksi) per desa — {year}",
        },
        "web.sasaran.desa": {"id": "Desa", "en": "Desa"},
        "web.sasaran.registered": {
            "id": "Balita terdaftar (S, {month})",
            "en": "Balita registered (S, {month})",
        },
        "web.sasaran.target": {"id": "Sasaran proyeksi", "en": "Projected target"},
        "web.sasaran.gap": {
            "id": "Selisih (terdaftar − sasaran; % terdaftar dari sasaran)",
            "en": "Gap (registered − target; registered as % of target)",
        },
        "web.sasaran.source": {"id": "Sumber", "en": "Source"},
        "web.sasaran.none": {"id": "belum diisi", "en": "not set"},
        "web.sasaran.set": {"id": "Isi sasaran", "en": "Set the target"},
        "web.sasaran.balita": {"id": "Sasaran balita", "en": "Balita target"},
        "web.sasaran.upload": {"id": "Unggah CSV sasaran", "en": "Upload a targets CSV"},
        "web.sasaran.file": {"id": "Berkas CSV", "en": "CSV file"},
        "web.sasaran.upload_hint": {
            "id": "Kolom: kode_desa, tahun, sasaran_balita. Satu baris salah: tidak ada yang "
            "disimpan.",
            "en": "Columns: kode_desa, tahun, sasaran_balita. One wrong line: nothing is saved.",
        },
        "web.sasaran.save": {"id": "Simpan", "en": "Save"},
        "web.sasaran.saved": {"id": "Sasaran disimpan.", "en": "The target was saved."},
        "web.sasaran.loaded": {
            "id": "{n} sasaran dari CSV disimpan.",
            "en": "{n} targets from the CSV were saved.",
        },
        "web.sasaran.total": {"id": "Jumlah", "en": "Total"},
        "web.sasaran.bad_balita": {
            "id": "Sasaran balita harus bilangan bulat 0 sampai 1.000.000.",
            "en": "The balita target must be a whole number from 0 to 1,000,000.",
        },
        "web.sasaran.bad_year": {
            "id": "Tahun harus antara 2000 dan 2100.",
            "en": "The year must be from 2000 to 2100.",
        },
        "web.sasaran.bad_source": {
            "id": 'Sumber harus diisi (1 sampai 200 karakter), misalnya "Proyeksi BPS 2026".',
            "en": 'The source is required (1 to 200 characters), e.g. "BPS projection 2026".',
        },
        "web.sasaran.not_yours": {
            "id": "Desa {desa} di luar wilayah kerja Anda.",
            "en": "Desa {desa} is outside your area.",
        },
        "web.sasaran.no_file": {
            "id": "Pilih berkas CSV untuk diunggah.",
            "en": "Choose a CSV file to upload.",
        },
        "web.sasaran.bad_file": {
            "id": "Berkas harus CSV teks (UTF-8), paling besar 1 MB dan 20.000 baris.",
            "en": "The file must be a text CSV (UTF-8), at most 1 MB and 20,000 lines.",
        },
        "web.sasaran.bad_header": {
            "id": "Baris pertama CSV harus: kode_desa,tahun,sasaran_balita.",
            "en": "The CSV's first line must be: kode_desa,tahun,sasaran_balita.",
        },
        "web.sasaran.bad_line": {
            "id": "Baris {line}: {problem} Tidak ada yang disimpan.",
            "en": "Line {line}: {problem} Nothing was saved.",
        },
        "web.sasaran.bad_columns": {
            "id": "harus berisi 3 kolom.",
            "en": "must have 3 columns.",
        },
        "web.sasaran.twice": {
            "id": "desa dan tahun ini sudah ada di baris sebelumnya.",
            "en": "this desa and year already appear on an earlier line.",
        },
        "web.sasaran.empty": {
            "id": "Berkas CSV tidak berisi baris sasaran.",
            "en": "The CSV file has no target lines.",
        },
    }
)


class Refused(Exception):
    """A target that cannot be saved: the message (in the user's language) and the status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def names() -> dict[str, str]:
    """Return ``unit_names()``, read once per request (Rekonsiliasi needs them three times)."""
    if "unit_names" not in g:
        g.unit_names = unit_names()
    return g.unit_names


def settable_desa() -> dict[str, str]:
    """Return the desa (code → name) the user may set targets for: for the puskesmas the desa of
    its own posyandu, for the dinas and the admin every desa with a posyandu in scope."""
    if g.web_user.role not in SETTERS:
        return {}
    known, everywhere = names(), g.web_user.role in ("dinas", "admin")
    out = {}
    for f in posyandu_in_scope(FacilityIndex.load(db.session)):
        desa = f.get("desa_code")
        # the puskesmas: the same rule as its paper counts (rekonsiliasi._may_edit)
        if desa and (everywhere or g.scope.can_review(ScopeKeys.of_posyandu(f))):
            out[desa] = known.get(desa) or desa
    return out


def sasaran_rows(year: int, rows: list[dict]) -> dict:
    """Return the desa of the page's posyandu rows with their registered balita (summed S), the
    target of ``year`` and the gap, and the totals over the desa with a target."""
    desa: dict[str, dict] = {}
    for r in rows:
        code = r["f"].get("desa_code")
        if not code:
            continue
        entry = desa.setdefault(code, {"code": code, "name": r["desa"] or code, "registered": 0})
        entry["registered"] += r["app"]["s"]
    codes = list(desa) or [""]
    query = sa.select(SasaranProyeksi).where(
        SasaranProyeksi.year == year, SasaranProyeksi.desa_code.in_(codes)
    )
    targets = {s.desa_code: s for s in db.session.execute(query).scalars()}
    may = settable_desa()
    who = people_names({t.entered_by for t in targets.values()})  # names, not usernames
    total = {"registered": 0, "target": 0, "n": 0}
    for code, entry in desa.items():
        target = targets.get(code)
        entry["target"] = target.balita if target else None
        entry["source"] = target.source if target else ""
        entry["by"] = who.get(target.entered_by, "") if target else ""
        entry["gap"] = target_gap(entry["registered"], entry["target"])
        entry["editable"] = code in may
        if target:
            total["registered"] += entry["registered"]
            total["target"] += target.balita
            total["n"] += 1
    total["gap"] = target_gap(total["registered"], total["target"]) if total["n"] else None
    ordered = sorted(desa.values(), key=lambda e: (e["name"], e["code"]))
    return {"desa": ordered, "total": total, "year": year, "may_upload": bool(may)}


def target_gap(registered: int, target: int | None) -> dict:
    """Return registered minus target, and registered as a percent of the target."""
    if target is None:
        return {"n": None, "pct": ""}
    pct = format_decimal(registered * 100 / target, 1) if target else ""
    return {"n": registered - target, "pct": pct}


def _balita(raw: str | None, lang: str) -> int:
    raw = (raw or "").strip().replace(".", "")  # "1.250" as people write it
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 7 or int(raw) > MAX_BALITA:
        raise Refused(400, t("web.sasaran.bad_balita", lang))
    return int(raw)


def _year(raw, lang: str) -> int:
    raw = str(raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) not in YEARS:
        raise Refused(400, t("web.sasaran.bad_year", lang))
    return int(raw)


def _source(raw: str | None, lang: str) -> str:
    source = " ".join((raw or "").split())
    if not source or len(source) > 200:
        raise Refused(400, t("web.sasaran.bad_source", lang))
    return source


def _save(values: list[tuple[str, int, int]], source: str) -> None:
    """Write the targets (desa, year, balita) with their source, in the request's transaction."""
    for desa, year, balita in values:
        row = db.session.get(SasaranProyeksi, (desa, year))
        if row is None:
            row = SasaranProyeksi(desa_code=desa, year=year)
            db.session.add(row)
        row.balita, row.source = balita, source
        row.entered_by, row.entered_at = g.web_user.username, utcnow()
    db.session.commit()


def _back(ok: str, n: int | None = None):
    period = request.form.get("period") or ""
    args = {"period": period} if len(period) == 7 else {}
    return redirect(url_for("web.reconcile", sasaran=ok, n=n, **args) + "#sasaran", 303)


def _refused(refused: Refused):
    page = render_template("web/error.html", status=refused.status, message=refused.message)
    return page, refused.status


@bp.route("/rekonsiliasi/sasaran/<desa_code>/<year>", methods=["POST"])
@login_required(SETTERS)
def sasaran_save(desa_code: str, year: str):
    """Set one desa's balita target for a year (its puskesmas, the dinas or the admin)."""
    lang = language()
    if desa_code not in unit_names():
        abort(404)
    try:
        number = _year(year, lang)
        if desa_code not in settable_desa():
            raise Refused(403, t("web.sasaran.not_yours", lang, desa=desa_code))
        balita = _balita(request.form.get("balita"), lang)
        source = _source(request.form.get("sumber"), lang)
    except Refused as refused:
        return _refused(refused)
    _save([(desa_code, number, balita)], source)
    return _back("1")


def parse_csv(data: bytes, allowed: dict[str, str], lang: str) -> list[tuple[str, int, int]]:
    """Return the (desa, year, balita) lines of a targets CSV, or raise Refused naming the first
    wrong line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(400, t("web.sasaran.bad_file", lang)) from None
    lines = list(csv.reader(io.StringIO(text)))
    if len(lines) > MAX_LINES + 1 or "\x00" in text:
        raise Refused(400, t("web.sasaran.bad_file", lang))
    if not lines or [c.strip().lower() for c in lines[0]] != HEADER:
        raise Refused(400, t("web.sasaran.bad_header", lang))
    out, seen = [], set()
    for number, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        try:
            if len(cells) != 3:
                raise Refused(400, t("web.sasaran.bad_columns", lang))
            desa = cells[0].strip()
            if desa not in allowed:
                raise Refused(403, t("web.sasaran.not_yours", lang, desa=desa[:20]))
            year, balita = _year(cells[1], lang), _balita(cells[2], lang)
            if (desa, year) in seen:
                raise Refused(400, t("web.sasaran.twice", lang))
        except Refused as wrong:
            message = t("web.sasaran.bad_line", lang, line=number, problem=wrong.message)
            raise Refused(wrong.status, message) from None
        seen.add((desa, year))
        out.append((desa, year, balita))
    if not out:
        raise Refused(400, t("web.sasaran.empty", lang))
    return out


@bp.route("/rekonsiliasi/sasaran/unggah", methods=["POST"])
@login_required(SETTERS)
def sasaran_upload():
    """Load targets from a CSV, whole or not at all, with the source named in the form."""
    lang = language()
    upload = request.files.get("berkas")
    try:
        source = _source(request.form.get("sumber"), lang)
        if upload is None or not upload.filename:
            raise Refused(400, t("web.sasaran.no_file", lang))
        data = upload.stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise Refused(400, t("web.sasaran.bad_file", lang))
        values = parse_csv(data, settable_desa(), lang)
    except Refused as refused:
        return _refused(refused)
    name = "".join(c for c in upload.filename if c.isprintable())[-60:]
    version = hashlib.sha256(data).hexdigest()[:12]
    _save(values, f"{source} · {name} · sha256 {version}"[:300])
    return _back("csv", len(values))
