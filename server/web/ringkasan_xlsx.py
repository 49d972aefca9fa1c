"""Ringkasan as an XLSX for people: Indonesian headers with units, % beside each numerator and
denominator, immunisations under antigen names, a header block and a Keterangan sheet.

The CSV of the same page keeps the machine-readable layout of ``ringkasan.table_rows``.
"""

from __future__ import annotations

from server.web.format import indicator_labels
from server.web.keterangan import antigen_name, notes, unit_of
from server.web.lembar import Column, export_time, people_xlsx, ratio_columns, ratio_values
from shared.i18n import t

INDICATORS = (
    "ds",
    "ks",
    "nd",
    "bgm",
    "two_t",
    "stunting",
    "wasting",
    "underweight",
    "vitamin_a",
    "kek",
)
COUNTS = ("S", "K", "D", "N", "T", "O", "B", "BGM", "2T")
DESA = (
    "births_live",
    "births_still",
    "deaths_maternal",
    "deaths_neonatal",
    "deaths_infant",
    "deaths_under5",
)


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
    for key in INDICATORS:
        columns += ratio_columns(labels[key], unit_of(key))
    columns += [Column(t(f"indicators.count.{key}", lang) + " (anak)", "int", 14) for key in COUNTS]
    columns += [Column(t(f"web.summary.{key}", lang) + " (jiwa)", "int", 13) for key in DESA]
    columns += ratio_columns("Desa ODF/STBM", "desa")
    columns += [Column(f"Imunisasi {antigen_name(c)} (anak)", "int", 14) for c in antigen_codes]
    return columns


def summary_values(row: dict, level: str, antigen_codes: list[str], lang: str) -> list:
    """Return one unit's row of the Ringkasan workbook (typed values)."""
    extra = row.get("extra") or {}
    values = [t(f"web.summary.level.{level}", lang), row["code"], row["name"]]
    values += ratio_values(row.get("reporting"))
    for key in INDICATORS:
        values += ratio_values(row["indicators"].get(key))
    values += [row["counts"].get(key, 0) for key in COUNTS]
    values += [extra.get(key) for key in DESA]
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
    keys = ("reporting", *INDICATORS, "odf")
    return people_xlsx(basename + ".xlsx", [table], notes(labels, keys))
