"""Is the person being registered already on this device?

A candidate is a live person who

- has the same 16-digit NIK, or
- was born within ``BIRTH_WINDOW_DAYS`` of the given birth date, has a similar name (rapidfuzz
  token-sort ratio of the normalised names >= ``NAME_MIN``: "Anggraini" and "Angraini" score 94)
  and, when both mothers' names are known, a similar mother's name (>= ``MOTHER_MIN``), or
- was born the same day to a similar mother while one of the two is still registered by a
  placeholder name ("Bayi Ny. Siti", BRIEF §1.6), i.e. the baby has since been named.

Only persons born in the window or with the NIK are read (both indexed in SQLite), so the check
costs milliseconds on a device holding thousands of persons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from rapidfuzz import fuzz

from .formats import as_date
from .names import normalise_name

BIRTH_WINDOW_DAYS = 7  # a day typed as 12 for 21 is 9 days off; a week catches slips of a few days
NAME_MIN = 85
MOTHER_MIN = 80
PLACEHOLDER_WORDS = ("bayi", "by")
MAX_CANDIDATES = 5


@dataclass(frozen=True)
class Candidate:
    """A live person who may be the one being registered, and why."""

    id: str
    fields: dict[str, Any]
    score: float
    reasons: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Probe:
    """The identity being registered, normalised once."""

    id: str | None
    nik: str | None
    name: str
    birth: date | None
    mother: str

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Probe:
        """Read the identity fields of a registration."""
        nik = str(data.get("nik") or "").strip()
        return cls(
            id=str(data["id"]) if data.get("id") else None,
            nik=nik if len(nik) == 16 and nik.isdigit() else None,
            name=normalise_name(data.get("name")),
            birth=as_date(data.get("birth_date")),
            mother=normalise_name(data.get("mother_name")),
        )


def find_candidates(store: Any, data: Mapping[str, Any]) -> list[Candidate]:
    """Return the likely duplicates of ``data`` among the store's live persons, best first."""
    probe = Probe.of(data)
    window = timedelta(days=BIRTH_WINDOW_DAYS)
    persons = store.persons_near(
        birth_from=(probe.birth - window).isoformat() if probe.birth else None,
        birth_to=(probe.birth + window).isoformat() if probe.birth else None,
        nik=probe.nik,
    )
    found = []
    for person in persons:
        if person["id"] == probe.id:
            continue
        candidate = match(probe, person)
        if candidate is not None:
            found.append(candidate)
    found.sort(key=lambda c: (-("nik" in c.reasons), -c.score, str(c.fields.get("name", ""))))
    return found[:MAX_CANDIDATES]


def match(probe: Probe, person: Mapping[str, Any]) -> Candidate | None:
    """Return ``person`` as a candidate for ``probe``, or None when they look different."""
    fields = {k: v for k, v in person.items() if k != "id"}
    reasons: list[str] = []
    if probe.nik and person.get("nik") == probe.nik:
        reasons.append("nik")
    name = normalise_name(person.get("name"))
    mother = normalise_name(person.get("mother_name"))
    birth = as_date(person.get("birth_date"))
    score = fuzz.token_sort_ratio(probe.name, name) if probe.name and name else 0.0
    mothers_known = bool(probe.mother and mother)
    mother_score = fuzz.token_sort_ratio(probe.mother, mother) if mothers_known else 0.0
    near = (
        probe.birth is not None
        and birth is not None
        and abs((birth - probe.birth).days) <= BIRTH_WINDOW_DAYS
    )
    if near and score >= NAME_MIN and (not mothers_known or mother_score >= MOTHER_MIN):
        reasons += ["name", "birth_date"] + (["mother_name"] if mothers_known else [])
    elif (
        near
        and birth == probe.birth
        and mothers_known
        and mother_score >= NAME_MIN
        and (_placeholder(name) or _placeholder(probe.name))
    ):
        reasons += ["birth_date", "mother_name"]
    if not reasons:
        return None
    return Candidate(
        str(person["id"]), fields, 100.0 if "nik" in reasons else score, tuple(reasons)
    )


def _placeholder(name: str) -> bool:
    """Tell whether a name is a newborn's placeholder ("bayi ny siti", "by siti")."""
    return name.split(" ", 1)[0] in PLACEHOLDER_WORDS
