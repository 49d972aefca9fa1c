"""Ringkasan as an XLSX for people: the page's labels with units, % beside each numerator and
denominator, immunisations under antigen names, a header block and a Keterangan sheet.

The CSV of the same page keeps the machine-readable layout of ``ringkasan.table_rows``.
"""

from __future__ import annotations

from server.web.format import indicator_labels
from server.web.keterangan import antigen_name, notes, unit_of
from server.web.lembar import (
    Column,
    keyed_columns,
    meta,
    people_xlsx,
    ratio_columns,
    ratio_values,
    with_unit,
)
from server.web.ringkasan_keys import COUNT_COLUMNS, DESA_COLUMNS, TABLE_INDICATORS
from shared.i18n import t


def summary_columns(level: str, antigen_codes: list[str], lang: str) -> list[Column]:
    """Return the columns of the Ringkasan workbook."""
    labels = indicator_labels()
    columns = [
        Column(t("web.sheet.level", lang), "text", 11),
        Column(t("web.summary.code", lang), "text", 13),
        Column(t(f"web.summary.level.{level}", lang), "text", 26),
    ]
    columns += ratio_columns(t("web.summary.reporting", lang), "posyandu", lang)
    for key in TABLE_INDICATORS:
        columns += ratio_columns(labels[key], unit_of(key), lang)
    columns += [
        Column(with_unit(t(f"indicators.count.{key}", lang), "anak", lang), "int", 14)
        for key in COUNT_COLUMNS
    ]
    columns += [
        Column(with_unit(t(f"web.summary.{key}", lang), "jiwa", lang), "int", 13)
        for key in DESA_COLUMNS
    ]
    columns += ratio_columns(t("web.summary.odf", lang), "desa", lang)
    columns += [
        Column(
            with_unit(t("web.sheet.immunisation", lang, antigen=antigen_name(c)), "anak", lang),
            "int",
            14,
        )
        for c in antigen_codes
    ]
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
    labels = {
        **indicator_labels(),
        "reporting": t("web.summary.reporting", lang),
        "odf": t("web.summary.odf", lang),
    }
    keys = ("reporting", *TABLE_INDICATORS, "odf")
    return people_xlsx(basename + ".xlsx", [table], notes(labels, keys), lang)


# -- one posyandu's children ----------------------------------------------------------------------


def children_columns(lang: str) -> list[Column]:
    """Return the columns of a posyandu's children workbook (the page's table, with units)."""
    return keyed_columns(
        [
            ("web.summary.name", "text", 24),
            ("web.summary.nik|disamarkan", "text", 19),
            ("web.summary.sex", "text", 12),
            ("web.summary.birth_date", "date", 13),
            ("web.summary.age_months", "int", 12),
            ("web.summary.latest", "date", 14),
            ("web.summary.weight", "number", 10),
            ("web.summary.length", "number", 11),
            ("web.summary.waz|kategori", "text", 20),
            ("web.summary.lhaz|kategori", "text", 20),
            ("web.summary.wlhz|kategori", "text", 22),
            ("web.summary.growth", "text", 24),
            ("web.sheet.bgm", "text", 11),
            ("web.sheet.two_t", "text", 11),
        ],
        lang,
    )


def child_values(c: dict, lang: str) -> list:
    """Return one child's row (typed: dates as dates, numbers as numbers, words not codes)."""
    cat = c.get("categories") or {}
    status = c.get("growth_status")
    sex = c.get("sex")
    yes, no = t("web.review.yes", lang), t("web.review.no", lang)
    return [
        c.get("name"),
        c.get("nik") or "",
        t(f"web.summary.sex.{sex}", lang) if sex in ("M", "F") else (sex or ""),
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


def child_notes(lang: str) -> list[tuple[str, str, str]]:
    """Return the Keterangan of the children workbook, each named by its column's header."""
    columns = children_columns(lang)
    nik, age, growth = columns[1].header, columns[4].header, columns[11].header
    categories = ", ".join(t(f"web.summary.{k}", lang) for k in ("waz", "lhaz", "wlhz"))
    return [
        (
            age,
            "Umur dalam bulan penuh pada tanggal kunjungan terakhir bulan ini (atau akhir bulan "
            "bila belum ditimbang), seperti di perangkat kader",
            "Data sasaran dan kunjungan anak di posyandu",
        ),
        (
            categories,
            "Kategori status gizi menurut Permenkes 2/2020 dari z-skor WHO 2006 pengukuran "
            "terakhir",
            "Kunjungan anak di posyandu (penimbangan, pengukuran)",
        ),
        (
            growth,
            "N: naik; T: tidak naik; O: bulan lalu tidak ditimbang; B: baru pertama kali ditimbang",
            "Kenaikan berat badan menurut KBM (Permenkes 2/2020)",
        ),
        (
            nik,
            "NIK ditampilkan sebagian untuk melindungi data pribadi; NIK lengkap ada di ekspor "
            "e-PPGBM",
            "Data sasaran",
        ),
    ]


def children_xlsx(basename: str, children: list[dict], area: str, period: str, lang: str):
    """Stream a posyandu's children of a month as a workbook for people."""
    table = (
        "Anak",
        "Daftar balita dan hasil penimbangan terakhir",
        meta(area, period, lang),
        children_columns(lang),
        (child_values(c, lang) for c in children),
    )
    return people_xlsx(basename + ".xlsx", [table], child_notes(lang), lang)
