"""The WHO LMS tables, read once and kept as compact per-sex lists.

Every table becomes ``(boys, girls)``, two lists of ``(L, M, S)`` tuples indexed by

- age in days for the WHO 2006 daily tables (0–1826 d; arm circumference from 91 d),
- age in completed months for the WHO 2007 monthly tables (60–229 mo; weight 60–121 mo),
- length/height in tenths of a centimetre for weight-for-length (450–1100) and weight-for-height
  (650–1200),

with ``None`` where the table has no row, so a lookup is one list index and no arithmetic on keys.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

Row = tuple[float, float, float]
Table = tuple[list[Row | None], list[Row | None]]

# index name -> (file, key is a length in cm rather than an age)
FILES = {
    "wei": ("who_weianthro.txt", False),
    "len": ("who_lenanthro.txt", False),
    "bmi": ("who_bmianthro.txt", False),
    "hc": ("who_hcanthro.txt", False),
    "ac": ("who_acanthro.txt", False),
    "wfl": ("who_wflanthro.txt", True),
    "wfh": ("who_wfhanthro.txt", True),
    "wfa2007": ("who2007_wfawho2007.txt", False),
    "hfa2007": ("who2007_hfawho2007.txt", False),
    "bfa2007": ("who2007_bfawho2007.txt", False),
}


def read_table(filename: str, key_in_cm: bool) -> Table:
    """Read one tab-separated WHO file (``sex key l m s [loh]``) into per-sex lists."""
    text = (files("shared.growth") / "data" / filename).read_text(encoding="utf-8")
    rows: tuple[dict[int, Row], dict[int, Row]] = ({}, {})
    for line in text.splitlines()[1:]:
        if not line.strip():
            continue
        sex, key, L, M, S = line.split("\t")[:5]
        # lengths are written with one decimal ("45", "45.1"); tenths make them exact integers
        index = round(float(key) * 10) if key_in_cm else int(key)
        rows[int(sex) - 1][index] = (float(L), float(M), float(S))
    return tuple(_as_list(by_key) for by_key in rows)  # type: ignore[return-value]


def _as_list(by_key: dict[int, Row]) -> list[Row | None]:
    table: list[Row | None] = [None] * (max(by_key) + 1)
    for index, row in by_key.items():
        table[index] = row
    return table


@cache
def table(name: str) -> Table:
    """Return the named table (see ``FILES``), reading it on first use."""
    filename, key_in_cm = FILES[name]
    return read_table(filename, key_in_cm)
