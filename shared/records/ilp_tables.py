"""Versioned reference tables of the ILP record kinds, read from ``data/*.csv``.

- ``ilp_clusters.csv``: the life-stage clusters by age in completed months (BRIEF §1.10) and the
  record kinds that count as each cluster's service;
- ``kf_windows.csv``: the kunjungan nifas windows KF1–KF4 in days after delivery (BRIEF §1.7);
- ``tb_symptoms.csv``: the TB screening symptoms, their role in the suspect rule and its numbers.

Each table is versioned by ``valid_from``: the rows in force on a day are those of the latest
``valid_from`` on or before it (the oldest version for earlier days). Every row names its source;
``[K]`` marks what is not verified. Edit the CSV and restart to change a rule.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")
PREGNANCY_CLUSTER = "ibu_hamil_nifas"


def _read(name: str) -> list[dict[str, str]]:
    """Read a CSV of ``data/`` whose leading ``#`` lines are comments."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.lstrip().startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def _in_force(rows: Iterable, on: date | None):
    """Return the rows of the version in force on ``on`` (the newest when None)."""
    rows = tuple(rows)
    versions = sorted({row.valid_from for row in rows})
    usable = [v for v in versions if on is None or v <= on]
    version = usable[-1] if usable else versions[0]
    return tuple(row for row in rows if row.valid_from == version)


def _optional_int(text: str) -> int | None:
    return int(text) if text else None


# -- life-stage clusters ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cluster:
    """One ILP life-stage cluster: ages ``[min_age_months, max_age_months)`` and its services."""

    valid_from: date
    code: str
    min_age_months: int | None
    max_age_months: int | None
    service_kinds: tuple[str, ...]
    source: str

    def holds(self, age_months: int) -> bool:
        """Tell whether a person of ``age_months`` completed months is in this (age) cluster."""
        if self.min_age_months is None and self.max_age_months is None:
            return False
        low = self.min_age_months or 0
        return age_months >= low and (
            self.max_age_months is None or age_months < self.max_age_months
        )


@cache
def _clusters() -> tuple[Cluster, ...]:
    return tuple(
        Cluster(
            date.fromisoformat(row["valid_from"]),
            row["cluster"],
            _optional_int(row["min_age_months"]),
            _optional_int(row["max_age_months"]),
            tuple(kind for kind in row["service_kinds"].split("|") if kind),
            row["source"],
        )
        for row in _read("ilp_clusters.csv")
    )


def clusters(on: date | None = None) -> tuple[Cluster, ...]:
    """Return the clusters in force on ``on``, in table order."""
    return _in_force(_clusters(), on)


def cluster(code: str, on: date | None = None) -> Cluster:
    """Return the cluster ``code`` in force on ``on``; KeyError if there is none."""
    for row in clusters(on):
        if row.code == code:
            return row
    raise KeyError(code)


def age_cluster(age_months: int, on: date | None = None) -> str | None:
    """Return the code of the age cluster of a person aged ``age_months`` on ``on``."""
    for row in clusters(on):
        if row.holds(age_months):
            return row.code
    return None


# -- kunjungan nifas --------------------------------------------------------------------------


@dataclass(frozen=True)
class KfWindow:
    """One kunjungan nifas: days ``first_day``..``last_day`` after delivery (day 0), inclusive."""

    valid_from: date
    visit: str
    first_day: int
    last_day: int
    source: str


@cache
def _kf_windows() -> tuple[KfWindow, ...]:
    rows = tuple(
        KfWindow(
            date.fromisoformat(row["valid_from"]),
            row["visit"],
            int(row["first_day"]),
            int(row["last_day"]),
            row["source"],
        )
        for row in _read("kf_windows.csv")
    )
    for row in rows:
        if not 0 <= row.first_day <= row.last_day:
            raise ValueError(f"kf_windows.csv {row.visit}: days must not decrease")
    return rows


def kf_windows(delivery: date | None = None) -> tuple[KfWindow, ...]:
    """Return the KF windows in force for a delivery on ``delivery``, in day order."""
    return tuple(sorted(_in_force(_kf_windows(), delivery), key=lambda w: w.first_day))


def nifas_days(delivery: date | None = None) -> int:
    """Return the last day of nifas after a delivery on ``delivery`` (42)."""
    return max(window.last_day for window in kf_windows(delivery))


def kf_visit(delivery: date, visit_date: date) -> str | None:
    """Return KF1..KF4 for a postpartum visit on ``visit_date``, or None outside every window."""
    day = (visit_date - delivery).days
    for window in kf_windows(delivery):
        if window.first_day <= day <= window.last_day:
            return window.visit
    return None


# -- TB symptom screening ---------------------------------------------------------------------


@dataclass(frozen=True)
class TbRow:
    """One row of the TB screening table: a symptom and its role, or a parameter and its value."""

    valid_from: date
    code: str
    role: str
    value: int | None
    source: str


@cache
def _tb_rows() -> tuple[TbRow, ...]:
    rows = tuple(
        TbRow(
            date.fromisoformat(row["valid_from"]),
            row["code"],
            row["role"],
            _optional_int(row["value"]),
            row["source"],
        )
        for row in _read("tb_symptoms.csv")
    )
    unknown = {row.role for row in rows} - {"main", "additional", "risk", "param"}
    if unknown:
        raise ValueError(f"tb_symptoms.csv: unknown roles {sorted(unknown)}")
    return rows


def tb_rows(on: date | None = None) -> tuple[TbRow, ...]:
    """Return the TB table rows in force on ``on``."""
    return _in_force(_tb_rows(), on)


@cache
def tb_symptom_codes() -> tuple[str, ...]:
    """Return every symptom or risk code any version knows (the choices of the record field)."""
    codes: list[str] = []
    for row in _tb_rows():
        if row.role != "param" and row.code not in codes:
            codes.append(row.code)
    return tuple(codes)


@dataclass(frozen=True)
class TbAssessment:
    """The outcome of a TB symptom screen."""

    suspect: bool
    referral_needed: bool


def tb_assessment(
    symptoms: Iterable[str], age_years: int | None = None, on: date | None = None
) -> TbAssessment:
    """Apply the rule of ``tb_symptoms.csv`` in force on ``on`` to the symptoms ticked.

    Suspect (terduga TB): any main symptom, or at least ``additional_needed`` additional symptoms,
    or a risk (household contact) with any symptom. Referral: suspect, or a household contact
    younger than ``contact_refer_below_years`` (unknown age: not referred on that ground).
    """
    rows = tb_rows(on)
    roles = {row.code: row.role for row in rows if row.role != "param"}
    params = {row.code: row.value for row in rows if row.role == "param"}
    ticked = set(symptoms)
    main = any(roles.get(code) == "main" for code in ticked)
    additional = sum(roles.get(code) == "additional" for code in ticked)
    risk = any(roles.get(code) == "risk" for code in ticked)
    suspect = (
        main
        or additional >= (params.get("additional_needed") or 2)
        or (risk and (main or additional > 0))
    )
    young_contact = (
        risk
        and age_years is not None
        and age_years < (params.get("contact_refer_below_years") or 0)
    )
    return TbAssessment(suspect=suspect, referral_needed=bool(suspect or young_contact))
