"""Permenkes No. 2 Tahun 2020 nutrition-status categories, read from ``permenkes2_2020_categories.csv``.

Each CSV row is one category with its z-score band: a lower bound (``>=`` inclusive, ``>``
exclusive, empty for none) and an upper bound (``upper_inclusive`` true means ``<=``, false ``<``,
empty for none). A z-score gets the first category whose band contains it.

Categories are judged on the z-score rounded to 2 decimals, the official stored value, so the label
a kader sees always agrees with the number next to it.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib.resources import files

# (name, lower, lower_inclusive, upper, upper_inclusive); None bounds are open
Band = tuple[str, float | None, bool, float | None, bool]

CSV_NAME = "permenkes2_2020_categories.csv"


@cache
def bands() -> dict[str, tuple[Band, ...]]:
    """Return the category bands per Permenkes index code (``BB_U``, ``PB_TB_U``, ...)."""
    text = (files("shared.growth") / "data" / CSV_NAME).read_text(encoding="utf-8")
    by_index: dict[str, list[Band]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        lower = float(row["z_lower"]) if row["z_lower"] else None
        upper = float(row["z_upper"]) if row["z_upper"] else None
        by_index.setdefault(row["index_code"], []).append(
            (
                row["category_id"],
                lower,
                row["z_lower_exclusive_or_inclusive"] == ">=",
                upper,
                row["upper_inclusive"] == "true",
            )
        )
    return {code: tuple(rows) for code, rows in by_index.items()}


def category(index_code: str, z: float | None) -> str | None:
    """Return the Indonesian category name of ``z`` for a Permenkes index, or None without a z."""
    if z is None:
        return None
    for name, lower, lower_inclusive, upper, upper_inclusive in bands()[index_code]:
        if lower is not None and (z < lower if lower_inclusive else z <= lower):
            continue
        if upper is not None and (z > upper if upper_inclusive else z >= upper):
            continue
        return name
    return None
