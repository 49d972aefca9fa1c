"""Growth monitoring at the posyandu: N/T/O/B per month, KBM, BGM and 2T (BRIEF §1.3).

A machine cannot read "the curve follows the growth line", so this implements the KBM branch of the
Buku KIA rule. Per child and calendar month the *last* weighing of the month counts:

- ``B`` (baru): never weighed before this month;
- ``O``: weighed before, but not in the previous calendar month;
- ``N`` (naik): weighed in the previous month and gain (g) >= KBM for the age in completed months at
  this weighing;
- ``T`` (tidak naik): weighed in the previous month, gain < KBM.

A child with a previous-month weighing whose age at this weighing is 0 completed months has no KBM
(the table starts at 1 month): growth cannot be judged, so the month is ``O`` (``gain_g`` is still
given, ``kbm_g`` is None). The same holds above 60 months.

``2T``: ``T`` this month and ``T`` in the previous month. BGM (below the KMS red line) is WAZ < −3
[K, BRIEF §1.3], configurable; bilateral oedema counts as BGM (weight-based z is not computed then and
counts as < −3, BRIEF §2.2).

This module reads only the KBM CSV; it does not import the z-score code.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

KBM_CSV = Path(__file__).parent / "data" / "kbm_kenaikan_berat_badan_minimal.csv"

STATUSES = ("N", "T", "O", "B")

Weighing = tuple[date, float]
MonthKey = tuple[int, int]


def age_in_completed_months(birth_date: date, on: date) -> int:
    """Return the age in completed months on ``on``: floor(days / 30.4375), the WHO convention."""
    # 30.4375 = 487/16, so integer arithmetic gives the exact floor.
    return ((on - birth_date).days * 16) // 487


@cache
def _read_kbm_csv(path: Path, variant: str) -> tuple[tuple[int, int, int], ...]:
    column = f"kbm_gram_variant_{variant}"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or column not in rows[0]:
        raise ValueError(f"KBM table {path.name} has no column {column!r}")
    return tuple((int(r["umur_bulan_min"]), int(r["umur_bulan_max"]), int(r[column])) for r in rows)


def load_kbm_table(
    variant: str = "A", path: Path | str = KBM_CSV
) -> tuple[tuple[int, int, int], ...]:
    """Read ``(min_month, max_month, grams)`` rows of one KBM variant from the CSV."""
    return _read_kbm_csv(Path(path), variant)


@dataclass(frozen=True)
class GrowthRules:
    """The policy numbers of growth monitoring; editions of the Buku KIA differ (BRIEF §9.1)."""

    kbm_variant: str = "A"
    bgm_waz_below: float = -3.0
    # (min_month, max_month, grams); empty means "load kbm_variant from the shipped CSV".
    kbm_table: tuple[tuple[int, int, int], ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.kbm_table:
            object.__setattr__(self, "kbm_table", load_kbm_table(self.kbm_variant))

    @classmethod
    def load(
        cls, kbm_variant: str = "A", bgm_waz_below: float = -3.0, path: Path | str = KBM_CSV
    ) -> GrowthRules:
        """Build rules from a KBM CSV (the shipped one unless ``path`` is given)."""
        return cls(kbm_variant, bgm_waz_below, load_kbm_table(kbm_variant, path))


DEFAULT_RULES = GrowthRules()


@dataclass(frozen=True)
class MonthGrowth:
    """The growth classification of one child in one calendar month."""

    year: int
    month: int
    weighed_on: date  # the last weighing of the month
    weight_kg: float
    status: str  # 'N' | 'T' | 'O' | 'B'
    gain_g: int | None  # vs the previous month's last weighing; None for O (gap) and B
    kbm_g: int | None
    two_t: bool = False


def kbm_grams(age_months: int, rules: GrowthRules = DEFAULT_RULES) -> int | None:
    """Return the minimum monthly gain (g) at ``age_months``; None where the table has no row."""
    for low, high, grams in rules.kbm_table:
        if low <= age_months <= high:
            return grams
    return None


def is_bgm(waz: float | None, rules: GrowthRules = DEFAULT_RULES, *, oedema: bool = False) -> bool:
    """Tell whether a weighing is below the red line (BGM); bilateral oedema always is."""
    if oedema:
        return True
    return waz is not None and waz < rules.bgm_waz_below


def _previous_month(key: MonthKey) -> MonthKey:
    year, month = key
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _last_of_each_month(weighings: Iterable[Weighing]) -> dict[MonthKey, Weighing]:
    """Keep the last weighing per month; on the same date the later one in the input wins."""
    last: dict[MonthKey, Weighing] = {}
    for weighed_on, weight_kg in weighings:
        key = (weighed_on.year, weighed_on.month)
        kept = last.get(key)
        if kept is None or weighed_on >= kept[0]:
            last[key] = (weighed_on, weight_kg)
    return last


def _classify(
    birth_date: date,
    weighing: Weighing,
    previous: Weighing | None,
    seen_before: bool,
    rules: GrowthRules,
) -> tuple[str, int | None, int | None]:
    """Return (status, gain_g, kbm_g) of a month's last weighing."""
    weighed_on, weight_kg = weighing
    if not seen_before:
        return "B", None, None
    if previous is None:
        return "O", None, None
    gain_g = round((weight_kg - previous[1]) * 1000)
    kbm_g = kbm_grams(age_in_completed_months(birth_date, weighed_on), rules)
    if kbm_g is None:
        return "O", gain_g, None
    return ("N" if gain_g >= kbm_g else "T"), gain_g, kbm_g


def monthly_growth(
    birth_date: date,
    weighings: Iterable[Weighing],
    rules: GrowthRules = DEFAULT_RULES,
    since: MonthKey | None = None,
) -> dict[MonthKey, MonthGrowth]:
    """Classify each month a child was weighed in, keyed by ``(year, month)`` in date order.

    ``since``: only the months from then on are classified and returned (the same values as
    without it). A month reads its own weighing, the month before's (and that month's status,
    for 2T) and whether any earlier month was weighed; the months before the one before ``since``
    are only counted as seen.
    """
    last = _last_of_each_month(weighings)
    result: dict[MonthKey, MonthGrowth] = {}
    first = _previous_month(since) if since is not None else None
    seen = False  # a month before ``first`` was weighed
    for key in sorted(last):
        if first is not None and key < first:
            seen = True
            continue
        weighing = last[key]
        prev_key = _previous_month(key)
        status, gain_g, kbm_g = _classify(
            birth_date, weighing, last.get(prev_key), seen or bool(result), rules
        )
        prev = result.get(prev_key)
        two_t = status == "T" and prev is not None and prev.status == "T"
        result[key] = MonthGrowth(
            key[0], key[1], weighing[0], weighing[1], status, gain_g, kbm_g, two_t
        )
    if first is not None:
        result.pop(first, None)
    return result


def classify_weighing(
    birth_date: date,
    weighed_on: date,
    weight_kg: float,
    history: Iterable[Weighing],
    rules: GrowthRules = DEFAULT_RULES,
) -> MonthGrowth:
    """Classify an unsaved weighing against the child's saved ``history``.

    The new weighing is taken as the last of its month: history entries in the same month are
    replaced by it (whatever their date), and entries of later months are ignored, because only
    earlier months decide N/T/O/B. So a back-dated weighing is judged as itself, not as the later
    weighing already saved for that month.
    """
    key = (weighed_on.year, weighed_on.month)
    earlier = [(d, w) for d, w in history if (d.year, d.month) < key]
    return monthly_growth(birth_date, [*earlier, (weighed_on, weight_kg)], rules)[key]
