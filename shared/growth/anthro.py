"""Anthropometric z-scores and Permenkes 2/2020 categories for one measurement (BRIEF §2).

``assess()`` follows WHO anthro (``WorldHealthOrganization/anthro``) rule by rule:

- Age is whole days between the two dates; age-based tables are looked up by that day.
  ``age_months`` is completed months, floor(days / 30.4375) (the WHO convention, 30.4375 = 365.25/12).
- Length vs height: age < 731 days uses the length tables, ≥ 731 days the height tables. A child
  under 731 days measured standing gets +0.7 cm, one of 731 days or more measured lying −0.7 cm
  (flag ``position_adjusted``). Without a position the age-appropriate one is assumed.
- A standing position before 9 months (day ≤ 273) cannot be right: it is flagged
  ``standing_under_9_months`` and, as in WHO anthro, treated as unknown, so nothing is added.
- Weight-for-length (45.0–110.0 cm) and weight-for-height (65.0–120.0 cm): L, M and S are
  interpolated linearly between the 0.1 cm rows (low = trunc(lh·10)/10). Outside the table the
  z-score is None and ``out_of_range_wlhz`` is flagged.
- Restricted application beyond ±3 SD only for WAZ, WLHZ, BAZ and ACZ; LHAZ and HCZ are plain LMS.
- BMI = weight / (length or height in m)², with the standardised length/height.
- Oedema: no WAZ, WLHZ or BAZ (None) and the flag ``oedema``; ``bmi`` is still reported.
- Z-scores are rounded to 2 decimals; implausibility flags and categories use the rounded value
  (WAZ < −6 or > +5; LHAZ |z| > 6; WLHZ, BAZ, HCZ, ACZ |z| > 5).

Up to 1826 days (under 60 months) the WHO Child Growth Standards 2006 apply (daily tables; MUAC
from 91 days). Above 1826 days the WHO Growth Reference 2007 applies as in WHO AnthroPlus: L, M
and S interpolated between the monthly rows at the exact age in months (days / 30.4375), for
61–228 months (LHAZ, BAZ) and 61–120 months (WAZ); BAZ gets the Permenkes 5–18-year categories,
WAZ and LHAZ no category (Permenkes defines none for that age); there is no WLHZ, HCZ or ACZ.
Between 1827 days and 61 months neither WHO tool gives a z-score, and neither does this module:
the indices measured there are flagged ``out_of_range_<index>``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from math import isfinite

from shared.growth.categories import category
from shared.growth.errors import GrowthInputError
from shared.growth.lms import sd_value, z_score, z_score_restricted
from shared.growth.tables import Row, table

DAYS_PER_MONTH = 30.4375
FIRST_HEIGHT_DAY = 731
LAST_WHO2006_DAY = 1826
LAST_UNDER_9_MONTHS_DAY = 273  # 273 / 30.4375 = 8.97 months; day 274 is 9.00
FIRST_MUAC_DAY = 91
POSITION_ADJUSTMENT_CM = 0.7
# tenths of a cm, inclusive
WFL_RANGE = (450, 1100)
WFH_RANGE = (650, 1200)
# WHO 2007, in exact months, inclusive
WHO2007_FIRST_MONTH = 61
WHO2007_LAST_MONTH = 228
WHO2007_WEIGHT_LAST_MONTH = 120

# rounded z outside [low, high] is biologically implausible
PLAUSIBLE = {
    "waz": (-6.0, 5.0),
    "lhaz": (-6.0, 6.0),
    "wlhz": (-5.0, 5.0),
    "baz": (-5.0, 5.0),
    "hcz": (-5.0, 5.0),
    "acz": (-5.0, 5.0),
}

SEXES = {"M": 0, "F": 1, "m": 0, "f": 1}
# raw (waz, lhaz, wlhz, baz, hcz, acz)
Scores = tuple[float | None, float | None, float | None, float | None, float | None, float | None]
POSITIONS = ("lying", "standing")
_EPSILON = 1e-9  # absorbs float noise such as 45.3 − 0.7 = 44.599999999999994


@dataclass(frozen=True, slots=True)
class Assessment:
    """The z-scores, Permenkes categories and flags of one measurement."""

    age_days: int
    age_months: int
    waz: float | None
    lhaz: float | None
    wlhz: float | None
    baz: float | None
    hcz: float | None
    acz: float | None
    categories: dict[str, str | None] = field(hash=False)
    flags: tuple[str, ...]
    wlh_table: str | None
    lenhei_cm: float | None
    bmi: float | None

    @property
    def implausible(self) -> bool:
        """Tell whether any z-score is biologically implausible (re-measure before saving)."""
        return any(flag.startswith("implausible_") for flag in self.flags)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict of every field plus ``implausible``."""
        return {
            "age_days": self.age_days,
            "age_months": self.age_months,
            "waz": self.waz,
            "lhaz": self.lhaz,
            "wlhz": self.wlhz,
            "baz": self.baz,
            "hcz": self.hcz,
            "acz": self.acz,
            "categories": dict(self.categories),
            "flags": list(self.flags),
            "wlh_table": self.wlh_table,
            "lenhei_cm": self.lenhei_cm,
            "bmi": self.bmi,
            "implausible": self.implausible,
        }


def assess(
    sex: str,
    birth_date: date | str,
    measured_on: date | str,
    weight_kg: float | Decimal | None = None,
    length_cm: float | Decimal | None = None,
    position: str | None = None,
    head_cm: float | Decimal | None = None,
    muac_cm: float | Decimal | None = None,
    oedema: bool = False,
) -> Assessment:
    """Compute the z-scores, categories and flags of one child's measurement."""
    sex_index = _sex_index(sex)
    if position is not None and position not in POSITIONS:
        raise GrowthInputError("growth.unknown_position", "position", value=position)
    age = _age_in_days(birth_date, measured_on)
    weight = None if weight_kg is None else _measure(weight_kg, "weight_kg")
    length = None if length_cm is None else _measure(length_cm, "length_cm")
    head = None if head_cm is None else _measure(head_cm, "head_cm")
    muac = None if muac_cm is None else _measure(muac_cm, "muac_cm")

    flags: list[str] = []
    lenhei = None if length is None else _standardised_lenhei(age, length, position, flags)
    bmi = None if weight is None or lenhei is None else weight * 10000.0 / (lenhei * lenhei)
    if oedema:
        flags.append("oedema")
        weight = None
    if age <= LAST_WHO2006_DAY:
        raw = _who2006(sex_index, age, weight, lenhei, bmi, head, muac, flags)
    else:
        raw = _who2007(sex_index, age, weight, lenhei, bmi, head, muac, flags)
    waz, lhaz, wlhz, baz, hcz, acz = (
        _official(name, z, flags) for name, z in zip(PLAUSIBLE, raw, strict=True)
    )
    return Assessment(
        age_days=age,
        age_months=(age * 16) // 487,  # floor(age / 30.4375), exactly
        waz=waz,
        lhaz=lhaz,
        wlhz=wlhz,
        baz=baz,
        hcz=hcz,
        acz=acz,
        categories=_categories(age, waz, lhaz, wlhz, baz),
        flags=tuple(flags),
        wlh_table=_wlh_table(age),
        lenhei_cm=lenhei,
        bmi=None if bmi is None else round(bmi, 2),
    )


def _who2006(
    sex: int,
    age: int,
    weight: float | None,
    lenhei: float | None,
    bmi: float | None,
    head: float | None,
    muac: float | None,
    flags: list[str],
) -> Scores:
    """Return raw (waz, lhaz, wlhz, baz, hcz, acz) from the WHO 2006 daily tables."""
    waz = lhaz = wlhz = baz = hcz = acz = None
    if weight is not None:
        waz = z_score_restricted(weight, *table("wei")[sex][age])
    if lenhei is not None:
        lhaz = z_score(lenhei, *table("len")[sex][age])
        if weight is not None:
            baz = z_score_restricted(bmi, *table("bmi")[sex][age])
            row = lms_at_lenhei(_wlh_table(age), sex, lenhei)
            if row is None:
                flags.append("out_of_range_wlhz")
            else:
                wlhz = z_score_restricted(weight, *row)
    if head is not None:
        hcz = z_score(head, *table("hc")[sex][age])
    if muac is not None:
        if age >= FIRST_MUAC_DAY:
            acz = z_score_restricted(muac, *table("ac")[sex][age])
        else:
            flags.append("out_of_range_acz")
    return waz, lhaz, wlhz, baz, hcz, acz


def _who2007(
    sex: int,
    age: int,
    weight: float | None,
    lenhei: float | None,
    bmi: float | None,
    head: float | None,
    muac: float | None,
    flags: list[str],
) -> Scores:
    """Return raw (waz, lhaz, wlhz, baz, hcz, acz) from the WHO 2007 monthly tables."""
    months = age / DAYS_PER_MONTH
    in_range = WHO2007_FIRST_MONTH <= months <= WHO2007_LAST_MONTH
    waz = lhaz = baz = None
    if weight is not None:
        if WHO2007_FIRST_MONTH <= months <= WHO2007_WEIGHT_LAST_MONTH:
            waz = z_score_restricted(weight, *_lms_at_month("wfa2007", sex, months))
        else:
            flags.append("out_of_range_waz")
    if lenhei is not None:
        if in_range:
            lhaz = z_score(lenhei, *_lms_at_month("hfa2007", sex, months))
        else:
            flags.append("out_of_range_lhaz")
        if weight is not None:
            flags.append("out_of_range_wlhz")
            if in_range:
                baz = z_score_restricted(bmi, *_lms_at_month("bfa2007", sex, months))
            else:
                flags.append("out_of_range_baz")
    if head is not None:
        flags.append("out_of_range_hcz")
    if muac is not None:
        flags.append("out_of_range_acz")
    return waz, lhaz, None, baz, None, None


def lms_at_lenhei(wlh_table: str, sex: int, lenhei: float) -> Row | None:
    """Return L, M, S at ``lenhei`` cm, interpolated between 0.1 cm rows; None outside the table."""
    name, (low, high) = ("wfl", WFL_RANGE) if wlh_table == "length" else ("wfh", WFH_RANGE)
    tenths = lenhei * 10.0
    index = int(tenths + _EPSILON)
    fraction = tenths - index
    if index < low or index > high or (index == high and fraction > _EPSILON):
        return None
    rows = table(name)[sex]
    row = rows[index]
    if fraction <= _EPSILON:
        return row
    return _interpolate(row, rows[index + 1], fraction)


def _lms_at_month(name: str, sex: int, months: float) -> Row:
    """Return L, M, S of a monthly table at an exact age in months, interpolated like AnthroPlus."""
    rows = table(name)[sex]
    index = int(months)
    fraction = months - index
    if fraction == 0:
        return rows[index]
    return _interpolate(rows[index], rows[index + 1], fraction)


def _interpolate(low: Row, high: Row, fraction: float) -> Row:
    return (
        low[0] + fraction * (high[0] - low[0]),
        low[1] + fraction * (high[1] - low[1]),
        low[2] + fraction * (high[2] - low[2]),
    )


def _official(name: str, z: float | None, flags: list[str]) -> float | None:
    """Round ``z`` to 2 decimals and flag it when implausible."""
    if z is None:
        return None
    rounded = round(z, 2) + 0.0  # + 0.0 turns −0.0 into 0.0
    low, high = PLAUSIBLE[name]
    if rounded < low or rounded > high:
        flags.append("implausible_" + name)
    return rounded


def _categories(
    age: int, waz: float | None, lhaz: float | None, wlhz: float | None, baz: float | None
) -> dict[str, str | None]:
    if age <= LAST_WHO2006_DAY:
        return {
            "waz": category("BB_U", waz),
            "lhaz": category("PB_TB_U", lhaz),
            "wlhz": category("BB_PB_TB", wlhz),
            "baz": category("IMT_U_0_60", baz),
        }
    return {"waz": None, "lhaz": None, "wlhz": None, "baz": category("IMT_U_5_18", baz)}


def _wlh_table(age: int) -> str | None:
    """Name the weight-for-length/height table for an age: length below 731 days, height from it."""
    if age > LAST_WHO2006_DAY:
        return None
    return "length" if age < FIRST_HEIGHT_DAY else "height"


def _standardised_lenhei(age: int, length: float, position: str | None, flags: list[str]) -> float:
    """Return the length (age < 731 d) or height (≥ 731 d) the tables expect, ±0.7 cm."""
    if position == "standing" and age <= LAST_UNDER_9_MONTHS_DAY:
        flags.append("standing_under_9_months")
        return length
    if age < FIRST_HEIGHT_DAY:
        if position == "standing":
            flags.append("position_adjusted")
            return round(length + POSITION_ADJUSTMENT_CM, 6)
    elif position == "lying":
        flags.append("position_adjusted")
        return round(length - POSITION_ADJUSTMENT_CM, 6)
    return length


def _sex_index(sex: object) -> int:
    """Return 0 for a boy, 1 for a girl."""
    try:
        return SEXES[sex]  # type: ignore[index]
    except (KeyError, TypeError):
        raise GrowthInputError("growth.unknown_sex", "sex", value=sex) from None


def _age_in_days(birth_date: object, measured_on: object) -> int:
    born = _as_date(birth_date, "birth_date")
    on = _as_date(measured_on, "measured_on")
    age = (on - born).days
    if age < 0:
        raise GrowthInputError(
            "growth.date_before_birth",
            "measured_on",
            birth_date=born.isoformat(),
            measured_on=on.isoformat(),
        )
    return age


def _as_date(value: object, field_name: str) -> date:
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise GrowthInputError("growth.bad_date", field_name, value=value)


def _measure(value: object, field_name: str) -> float:
    """Return ``value`` as a positive finite float, or raise GrowthInputError."""
    if type(value) is float or type(value) is int:
        number = float(value)
    elif isinstance(value, Decimal | numbers.Real) and not isinstance(value, bool):
        try:
            number = float(value)
        except ValueError:  # Decimal('sNaN')
            number = float("nan")
    else:
        raise GrowthInputError("growth.not_a_number", field_name, value=value)
    if not isfinite(number):
        raise GrowthInputError("growth.not_a_number", field_name, value=value)
    if number <= 0:
        raise GrowthInputError("growth.not_positive", field_name, value=value)
    return number


CURVE_TABLES = {"waz": "wei", "lhaz": "len", "baz": "bmi", "hcz": "hc", "acz": "ac"}


def who_curves(
    index: str, sex: str, start: float, stop: float, step: float, wlh_table: str = "length"
) -> list[tuple[float, ...]]:
    """Return chart rows ``(x, SD−3, SD−2, SD−1, median, SD+1, SD+2, SD+3)`` from ``start`` to ``stop``.

    ``x`` is the age in days for age-based indices ('waz', 'lhaz', 'baz', 'hcz', 'acz') and the
    length/height in cm for 'wlhz' (``wlh_table`` 'length' or 'height'). ``stop`` is included when
    the steps reach it; points outside the WHO 2006 table are left out. Values have 4 decimals.
    """
    sex_index = _sex_index(sex)
    if step <= 0:
        raise ValueError("step must be positive")
    if index == "wlhz":
        if wlh_table not in ("length", "height"):
            raise ValueError(f"unknown weight-for-length/height table {wlh_table!r}")

        def lms(x: float) -> Row | None:
            return lms_at_lenhei(wlh_table, sex_index, x)
    elif index in CURVE_TABLES:
        rows = table(CURVE_TABLES[index])[sex_index]

        def lms(x: float) -> Row | None:
            day = round(x)
            return rows[day] if 0 <= day < len(rows) else None
    else:
        raise ValueError(f"unknown growth index {index!r}")
    curves = []
    count = int((stop - start) / step + _EPSILON) + 1
    for i in range(max(count, 0)):
        x = round(start + i * step, 6)
        row = lms(x)
        if row is not None:
            curves.append((x, *(round(sd_value(k, *row), 4) for k in (-3, -2, -1, 0, 1, 2, 3))))
    return curves
