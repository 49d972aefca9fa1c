"""Where a child stands on the immunisation schedule: per antigen-dose, given, due or invalid.

Rules (ages in days from birth; the dose windows are in ``data/schedule.csv``):

- A recorded dose is *valid* when the child was at least ``minimum_age_days`` old, not older
  than ``maximum_age_days`` (if any), the previous dose of the same antigen was validly given
  before it, and at least ``minimum_interval_days`` have passed since that previous dose.
  A valid dose is ``given`` up to ``due_by`` (birth + ``latest_age_days``), ``given_late`` after.
- Invalid reasons, checked in this order: ``previous_dose_missing``; ``before_previous_dose``;
  ``interval_too_short``; ``below_minimum_age``; ``birth_dose_window`` (HB0 outside its < 24 h
  window) or ``above_maximum_age``. An invalid dose does not count: the row stays
  open (status ``invalid``) until a valid dose of it is recorded.
- A dose not (validly) given is ``overdue`` after ``due_by``, else ``not_yet`` before
  ``due_from`` and ``due`` from ``due_from`` to ``due_by``. ``due_from`` is birth + ``recommended_age_days``, moved later
  when the previous dose came late (previous dose + interval): a catch-up dose can be overdue as
  soon as it is allowed. ``allowed_from``/``allowed_until`` bound the days a dose would be valid;
  ``allowed_from`` is None when it cannot be given now (previous dose missing, or its window has
  closed), and ``reason`` then says why.
- Doses are matched to the schedule version in force on the date of birth; recorded doses dated
  after ``on`` are ignored, so a history can be assessed as of any day.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from shared.immunisation.schedule import (
    NATIONAL,
    DoseKey,
    ScheduledDose,
    find,
    load_schedule,
    resolve,
    schedule,
)

GIVEN = "given"
GIVEN_LATE = "given_late"
DUE = "due"
OVERDUE = "overdue"
NOT_YET = "not_yet"
INVALID = "invalid"
STATUSES = (GIVEN, GIVEN_LATE, DUE, OVERDUE, NOT_YET, INVALID)

BELOW_MINIMUM_AGE = "immunisation.reason.below_minimum_age"
ABOVE_MAXIMUM_AGE = "immunisation.reason.above_maximum_age"
BIRTH_DOSE_WINDOW = "immunisation.reason.birth_dose_window"
PREVIOUS_DOSE_MISSING = "immunisation.reason.previous_dose_missing"
BEFORE_PREVIOUS_DOSE = "immunisation.reason.before_previous_dose"
INTERVAL_TOO_SHORT = "immunisation.reason.interval_too_short"
ALREADY_GIVEN = "immunisation.reason.already_given"
NOT_IN_SCHEDULE = "immunisation.reason.not_in_schedule"

# (antigen or record code, dose number or None with a record code, date given)
Given = tuple[str, int | None, date | str]
Verdict = tuple[str | None, dict[str, object]]


@dataclass(frozen=True, slots=True)
class DoseStatus:
    """Where one antigen-dose stands; ``reason`` is an i18n key filled from ``reason_params``."""

    antigen: str
    dose: int
    code: str
    status: str
    reason: str | None
    due_from: date | None
    due_by: date | None
    given_on: date | None = None
    allowed_from: date | None = None
    allowed_until: date | None = None
    reason_params: dict[str, object] = field(default_factory=dict, hash=False)

    def can_be_given(self, on: date) -> bool:
        """Tell whether a dose given on ``on`` would be valid (ignoring doses given since)."""
        if self.allowed_from is None or on < self.allowed_from:
            return False
        return self.allowed_until is None or on <= self.allowed_until


def as_date(value: date | str) -> date:
    """Return ``value`` as a date (ISO ``YYYY-MM-DD`` strings accepted)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def _too_old(row: ScheduledDose) -> str:
    # a dose recommended on the day of birth with an age limit is the HB0 birth-dose window
    return BIRTH_DOSE_WINDOW if row.recommended_age_days == 0 else ABOVE_MAXIMUM_AGE


def _previous(rows: Sequence[ScheduledDose], row: ScheduledDose) -> ScheduledDose | None:
    earlier = [r for r in rows if r.antigen == row.antigen and r.dose < row.dose]
    return max(earlier, key=lambda r: r.dose) if earlier else None


def _recorded(
    rows: Sequence[ScheduledDose], given: Iterable[Given], on: date
) -> dict[DoseKey, list[date]]:
    """Group the doses recorded up to ``on`` by schedule row, earliest first."""
    by_key: dict[DoseKey, list[date]] = {}
    for antigen, dose, when in given:
        day = as_date(when)
        row = resolve(rows, antigen, dose)
        if day <= on and row is not None:
            by_key.setdefault(row.key, []).append(day)
    for days in by_key.values():
        days.sort()
    return by_key


def _judge(
    row: ScheduledDose,
    day: date,
    birth: date,
    previous: ScheduledDose | None,
    valid: dict[DoseKey, date],
) -> Verdict:
    """Return why a dose of ``row`` given on ``day`` is invalid, or ``(None, {})``."""
    # the previous dose first: a dose too soon after it is usually also below the minimum age,
    # and "too soon after DPT-HB-Hib 1" is what the kader can act on
    if previous is not None:
        verdict = _judge_previous(row, day, previous, valid.get(previous.key))
        if verdict[0] is not None:
            return verdict
    age = (day - birth).days
    if age < row.minimum_age_days:
        return BELOW_MINIMUM_AGE, {"minimum_days": row.minimum_age_days, "age_days": age}
    if row.maximum_age_days is not None and age > row.maximum_age_days:
        return _too_old(row), {"maximum_days": row.maximum_age_days, "age_days": age}
    return None, {}


def _judge_previous(
    row: ScheduledDose, day: date, previous: ScheduledDose, previous_day: date | None
) -> Verdict:
    """Return why ``day`` does not follow the previous dose properly, or ``(None, {})``."""
    if previous_day is None:
        return PREVIOUS_DOSE_MISSING, {"previous": previous.code}
    if day < previous_day:
        return BEFORE_PREVIOUS_DOSE, {"previous": previous.code, "previous_on": previous_day}
    gap = (day - previous_day).days
    if gap < row.minimum_interval_days:
        return INTERVAL_TOO_SHORT, {
            "previous": previous.code,
            "interval_days": gap,
            "minimum_interval_days": row.minimum_interval_days,
        }
    return None, {}


def _evaluate(
    rows: Sequence[ScheduledDose], birth: date, recorded: dict[DoseKey, list[date]]
) -> tuple[dict[DoseKey, date], dict[DoseKey, tuple[date, str, dict[str, object]]]]:
    """Return the first valid date of each row, and the last invalid attempt of each row."""
    valid: dict[DoseKey, date] = {}
    failed: dict[DoseKey, tuple[date, str, dict[str, object]]] = {}
    # lower doses first, so a dose is judged after the dose it must follow
    for row in sorted(rows, key=lambda r: r.dose):
        previous = _previous(rows, row)
        for day in recorded.get(row.key, ()):
            reason, params = _judge(row, day, birth, previous, valid)
            if reason is None:
                valid[row.key] = day
                break
            failed[row.key] = (day, reason, params)
    return valid, failed


def valid_dates(
    rows: Sequence[ScheduledDose], birth: date, given: Iterable[Given], on: date = date.max
) -> dict[DoseKey, date]:
    """Return the day each row of ``rows`` was first validly given (doses up to ``on``)."""
    return _evaluate(rows, birth, _recorded(rows, given, on))[0]


def _window(
    row: ScheduledDose, birth: date, previous: ScheduledDose | None, valid: dict[DoseKey, date]
) -> tuple[date, date]:
    """Return ``(due_from, due_by)`` of a row given the doses validly received."""
    due_from = _days(birth, row.recommended_age_days)
    previous_day = valid.get(previous.key) if previous else None
    if previous_day is not None:
        due_from = max(due_from, _days(previous_day, row.minimum_interval_days))
    return due_from, _days(birth, row.latest_age_days)


def _allowed(
    row: ScheduledDose, birth: date, previous: ScheduledDose | None, valid: dict[DoseKey, date]
) -> tuple[date | None, date | None, Verdict]:
    """Return ``(allowed_from, allowed_until, why not)`` of a dose not yet validly given."""
    until = None if row.maximum_age_days is None else _days(birth, row.maximum_age_days)
    earliest = _days(birth, row.minimum_age_days)
    if previous is not None:
        previous_day = valid.get(previous.key)
        if previous_day is None:
            return None, until, (PREVIOUS_DOSE_MISSING, {"previous": previous.code})
        earliest = max(earliest, _days(previous_day, row.minimum_interval_days))
    if until is not None and earliest > until:
        return None, until, (_too_old(row), {"maximum_days": row.maximum_age_days})
    return earliest, until, (None, {})


def _open_status(
    row: ScheduledDose,
    on: date,
    window: tuple[date, date],
    allowed: tuple[date | None, date | None, Verdict],
) -> tuple[str, Verdict]:
    """Return the status of a dose not validly given, and why it cannot be given if so."""
    (due_from, due_by), (allowed_from, until, why_not) = window, allowed
    behind = OVERDUE if on > due_by else NOT_YET
    if allowed_from is None:
        return behind, why_not
    if until is not None and on > until:
        return OVERDUE, (_too_old(row), {"maximum_days": row.maximum_age_days})
    if on > due_by:
        return OVERDUE, (None, {})
    return NOT_YET if on < due_from else DUE, (None, {})


def _row_status(
    row: ScheduledDose,
    birth: date,
    on: date,
    previous: ScheduledDose | None,
    evaluated: tuple[dict[DoseKey, date], dict],
) -> DoseStatus:
    """Return the status of one schedule row for a child on ``on``."""
    valid, failed = evaluated
    window = _window(row, birth, previous, valid)
    base = {"antigen": row.antigen, "dose": row.dose, "code": row.code}
    given_on = valid.get(row.key)
    if given_on is not None:
        status = GIVEN if given_on <= window[1] else GIVEN_LATE
        return DoseStatus(
            **base,
            status=status,
            reason=None,
            due_from=window[0],
            due_by=window[1],
            given_on=given_on,
        )
    allowed = _allowed(row, birth, previous, valid)
    status, (reason, params) = _open_status(row, on, window, allowed)
    attempt = failed.get(row.key)
    if attempt is not None:
        status, reason, params = INVALID, attempt[1], attempt[2]
    return DoseStatus(
        **base,
        status=status,
        reason=reason,
        due_from=window[0],
        due_by=window[1],
        given_on=attempt[0] if attempt else None,
        allowed_from=allowed[0],
        allowed_until=allowed[1],
        reason_params=params,
    )


def _child(birth_date: date | str, on: date | str) -> tuple[date, date]:
    birth, day = as_date(birth_date), as_date(on)
    if day < birth:
        raise ValueError(f"{day} is before the date of birth {birth}")
    return birth, day


def assess(
    birth_date: date | str,
    given: Iterable[Given],
    on: date | str,
    *,
    scopes: Collection[str] = NATIONAL,
) -> list[DoseStatus]:
    """Return the status of every antigen-dose of the child's schedule on ``on``."""
    birth, day = _child(birth_date, on)
    rows = schedule(birth, scopes)
    evaluated = _evaluate(rows, birth, _recorded(rows, given, day))
    return [_row_status(row, birth, day, _previous(rows, row), evaluated) for row in rows]


def due_today(
    birth_date: date | str,
    given: Iterable[Given],
    on: date | str,
    *,
    scopes: Collection[str] = NATIONAL,
) -> list[DoseStatus]:
    """Return the doses not yet validly given that would be valid if given on ``on``."""
    day = as_date(on)
    return [
        status
        for status in assess(birth_date, given, day, scopes=scopes)
        if status.status not in (GIVEN, GIVEN_LATE) and status.can_be_given(day)
    ]


def check_dose(
    birth_date: date | str,
    given: Iterable[Given],
    antigen: str,
    dose: int | None,
    on: date | str,
    *,
    scopes: Collection[str] = NATIONAL,
) -> DoseStatus:
    """Judge a dose proposed for ``on``: ``given``, ``given_late`` or ``invalid`` with a reason."""
    birth, day = _child(birth_date, on)
    rows = schedule(birth, scopes)
    row = resolve(rows, antigen, dose)
    if row is None:
        return _not_in_schedule(antigen, dose)
    valid, _ = _evaluate(rows, birth, _recorded(rows, given, day))
    previous = _previous(rows, row)
    due_from, due_by = _window(row, birth, previous, valid)
    base = {"antigen": row.antigen, "dose": row.dose, "code": row.code}
    dates = {"due_from": due_from, "due_by": due_by}
    if row.key in valid:
        return DoseStatus(
            **base,
            status=INVALID,
            reason=ALREADY_GIVEN,
            **dates,
            given_on=valid[row.key],
            reason_params={"given_on": valid[row.key]},
        )
    reason, params = _judge(row, day, birth, previous, valid)
    status = INVALID if reason else (GIVEN if day <= due_by else GIVEN_LATE)
    return DoseStatus(
        **base, status=status, reason=reason, **dates, given_on=day, reason_params=params
    )


def _not_in_schedule(antigen: str, dose: int | None) -> DoseStatus:
    """Return the refusal of a dose that the child's schedule version or scopes do not hold."""
    known = find(load_schedule(), antigen, dose)
    assert known is not None  # resolve() has raised UnknownDose otherwise
    return DoseStatus(
        antigen=known.antigen,
        dose=known.dose,
        code=known.code,
        status=INVALID,
        reason=NOT_IN_SCHEDULE,
        due_from=None,
        due_by=None,
        reason_params={"code": known.code},
    )
