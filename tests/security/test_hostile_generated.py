"""Generated hostile values in every field of every kind a kader pushes, on SQLite and PostgreSQL.

The shared generator (tests/security/hostile.py) puts a raw JSON fragment into one field of a
valid record: a lone surrogate, 1e999 / -1e999 / 1e-999, a 400-digit integer, bidi and zero-width
characters, script and formula text, wrong shapes. Expected: never a 5xx; a refused push writes
nothing; a rejected mutation writes no record; an applied one stores no invisible, bidi or
surrogate character (the shared Text field removes them).
"""

from __future__ import annotations

import json
import os
import unicodedata
import uuid

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from shared import records
from tests.security.hostile import BIDI_ZERO_WIDTH, fragments
from tests.security.test_hostile_bodies import assert_clear_error, base_records, push_raw

MARKER = "@@hostile@@"
HIDDEN = frozenset(BIDI_ZERO_WIDTH)
KINDS = [
    "person",
    "child_visit",
    "pregnancy",
    "anc_visit",
    "adult_visit",
    "youth_visit",
    "postpartum_visit",
    "family_planning",
    "tb_screening",
    "immunization",
    "referral",
    "posyandu_session",
    "desa_report",
]


def test_the_generated_kinds_are_the_kinds_a_kader_writes(seeded):
    assert set(KINDS) == set(base_records(seeded))


def clean(value) -> bool:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return not any(ch in HIDDEN or unicodedata.category(ch) == "Cs" for ch in text)


@pytest.mark.parametrize("kind", KINDS)
@settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_hostile_value_in_any_field(seeded, kind, data):
    caller = seeded.callers["kader_a1"]
    base = base_records(seeded)[kind]
    field = data.draw(st.sampled_from([f for f in records.spec(kind).fields if f != "id"]))
    fragment = data.draw(fragments())
    record_id = str(uuid.uuid4())
    mutation = caller.mutation(kind, {**base, "id": record_id, field: MARKER})
    before = seeded.db_counts()
    response = push_raw(seeded, "kader_a1", [mutation], {MARKER: fragment})
    where = (kind, field, fragment[:60])
    assert response.status_code < 500, (where, response.text[:300])
    if response.status_code != 200:
        assert_clear_error(response)
        assert seeded.db_counts() == before, where  # nothing half-written
        return
    result = response.json["results"][0]
    stored = seeded.record(record_id)
    if result["status"] == "rejected":
        assert result["errors"], where
        assert stored is None, where
    else:
        assert result["status"] == "applied", (where, result)
        assert stored is not None and clean(stored[0]), (where, stored[0])
