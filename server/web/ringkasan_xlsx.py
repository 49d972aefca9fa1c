"""Ringkasan as an XLSX for people: Indonesian headers with units, % beside each numerator and
denominator, immunisations under antigen names, a header block and a Keterangan sheet.

The CSV of the same page keeps the machine-readable layout of ``ringkasan.table_rows``.
"""

from __future__ import annotations

from server.web.format import indicator_labels
from server.web.keterangan import antigen_name, notes, unit_of
from server.web.lembar import Column, export_time, people_xlsx, ratio_columns, ratio_values
from server.web.ringkasan_keys import COUNT_COLUMNS, DESA_COLUMNS, TABLE_INDICATORS
from shared.i18n import t


def meta(area: str, period: str, lang: str = "id") -> list[tuple[str, str]]:
    """Return the header block: area, period, time of export."""
    return [
        ("Wilayah", area),
        ("Periode", period),
        ("Waktu ekspor", export_time()),
    ]


def summary_columns(level: str, antigen_codes: list[str], lang: str) -> list[Column]:
    """Return the columns of the Ringkasan workbook."""
    labels = indicator_labels()
    columns = [
        Column("Tingkat", "text", 11),
        Column("Kode", "text", 13),
        Column(t(f"web.summary.level.{level}", lang), "text", 26),
    ]
    columns += ratio_columns("Posyandu melapor", "posyandu")
    for key in TABLE_INDICATORS:
        columns += ratio_columns(labels[key], unit_of(key))
    columns += [
        Column(t(f"indicators.count.{key}", lang) + " (anak)", "int", 14) for key in COUNT_COLUMNS
    ]
    columns += [
        Column(t(f"web.summary.{key}", lang) + " (jiwa)", "int", 13) for key in DESA_COLUMNS
    ]
    columns += ratio_columns("Desa ODF/STBM", "desa")
    columns += [Column(f"Imunisasi {antigen_name(c)} (anak)", "int", 14) for c in antigen_codes]
    return columns


def summary_values(row: dict, level: str, antigen_codes: list[str], lang: str) -> list:
    """Return one unit's row of the Ringkasan workbook (typed values)."""
    extra = row.get("extra") or {}
    values = [t(f"web.summary.level.{level}", lang), row["code"], row["name"]]
    values += ratio_values(row.get("reporting"))
    for key in TABLE_INDICATORS:
        values += ratio_values(row["indicators"].get(key))
    values += [row["counts"].get(key, 0) for key in COUNT_COLUMNS]
    values += [extra.get(key) for key in DESA_COLUMNS]
    values += ratio_values(row.get("odf_desa")) if row.get("odf_desa") else [None] * 3
    immunizations = extra.get("immunizations") or {}
    return values + [immunizations.get(code, 0) for code in antigen_codes]


def summary_xlsx(basename: str, rows: list[dict], level: str, area: str, period: str, lang: str):
    """Stream the Ringkasan workbook of ``rows`` (units of ``level``) with its Keterangan."""
    codes = sorted({c for row in rows for c in (row.get("extra") or {}).get("immunizations", {})})
    columns = summary_columns(level, codes, lang)
    title = f"Ringkasan indikator posyandu per {t(f'web.summary.level.{level}', lang).lower()}"
    table = (
        "Ringkasan",
        title,
        meta(area, period, lang),
        columns,
        (summary_values(row, level, codes, lang) for row in rows),
    )
    labels = {**indicator_labels(), "reporting": "Posyandu melapor", "odf": "Desa ODF/STBM"}
    keys = ("reporting", *TABLE_INDICATORS, "odf")
    return people_xlsx(basename + ".xlsx", [table], notes(labels, keys))


# -- one posyandu's children ----------------------------------------------------------------------

SEXES = {"M": "Laki-laki", "F": "Perempuan"}


def children_columns() -> list[Column]:
    """Return the columns of a posyandu's children workbook (the page's table, with units)."""
    return [
        Column("Nama anak", "text", 24),
        Column("NIK (disamarkan)", "text", 19),
        Column("Jenis kelamin", "text", 12),
        Column("Tanggal lahir", "date", 13),
        Column("Umur pada kunjungan (bulan)", "int", 12),
        Column("Tanggal kunjungan terakhir", "date", 14),
        Column("Berat badan (kg)", "number", 10),
        Column("Panjang/tinggi badan (cm)", "number", 11),
        Column("BB/U (kategori)", "text", 20),
        Column("PB/U atau TB/U (kategori)", "text", 20),
        Column("BB/PB atau BB/TB (kategori)", "text", 22),
        Column("Naik/tidak naik (N/T/O/B)", "text", 24),
        Column("Di bawah garis merah (BGM)", "text", 11),
        Column("Tidak naik 2 kali (2T)", "text", 11),
    ]


def child_values(c: dict, lang: str) -> list:
    """Return one child's row (typed: dates as dates, numbers as numbers, words not codes)."""
    cat = c.get("categories") or {}
    status = c.get("growth_status")
    yes, no = t("web.review.yes", lang), t("web.review.no", lang)
    return [
        c.get("name"),
        c.get("nik") or "",
        SEXES.get(c.get("sex"), c.get("sex") or ""),
        c.get("birth_date"),
        c.get("age_months"),
        c.get("last_visit_date"),
        c.get("weight_kg"),
        c.get("length_cm"),
        cat.get("waz"),
        cat.get("lhaz"),
        cat.get("wlhz"),
        t(f"indicators.count.{status}", lang) if status else None,
        yes if c.get("bgm") else no,
        yes if c.get("two_t") else no,
    ]


CHILD_NOTES = [
    (
        "Umur pada kunjungan (bulan)",
        "Umur dalam bulan penuh pada tanggal kunjungan terakhir bulan ini (atau akhir bulan bila "
        "belum ditimbang), seperti di perangkat kader",
        "Data sasaran dan kunjungan anak di posyandu",
    ),
    (
        "BB/U, PB/U atau TB/U, BB/PB atau BB/TB",
        "Kategori status gizi menurut Permenkes 2/2020 dari z-skor WHO 2006 pengukuran terakhir",
        "Kunjungan anak di posyandu (penimbangan, pengukuran)",
    ),
    (
        "Naik/tidak naik (N/T/O/B)",
        "N: naik; T: tidak naik; O: bulan lalu tidak ditimbang; B: baru pertama kali ditimbang",
        "Kenaikan berat badan menurut KBM (Permenkes 2/2020)",
    ),
    (
        "NIK (disamarkan)",
        "NIK ditampilkan sebagian untuk melindungi data pribadi; NIK lengkap ada di ekspor e-PPGBM",
        "Data sasaran",
    ),
]


def children_xlsx(basename: str, children: list[dict], area: str, period: str, lang: str):
    """Stream a posyandu's children of a month as a workbook for people."""
    table = (
        "Anak",
        "Daftar balita dan hasil penimbangan terakhir",
        meta(area, period, lang),
        children_columns(),
        (child_values(c, lang) for c in children),
    )
    return people_xlsx(basename + ".xlsx", [table], CHILD_NOTES)
