"""Load the reference tables a push needs when a server process starts, not on its first push.

The WHO growth standards, the immunisation schedule and rules, and the ILP parameters are read
from their files on first use and kept for the life of the process. Under gunicorn each worker
is its own process, so without this the first push a worker took paid for the loading (about
50 ms: the kader's first sync after a restart, and issue #19's incremental push whenever it
landed on a worker that had only served pulls).
"""

from __future__ import annotations

from server.indicators.posyandu_month import PosyanduData
from shared import records
from shared.derive import derive_child_visits

_CHILD = {
    "id": "warmup-child",
    "posyandu_id": "warmup",
    "name": "Warmup",
    "sex": "F",
    "birth_date": "2025-01-15",
}
_VISIT = {
    "id": "warmup-visit",
    "person_id": "warmup-child",
    "posyandu_id": "warmup",
    "visit_date": "2025-07-15",
    "weight_kg": 7.5,
    "length_cm": 66.0,
    "position": "lying",
    "immunizations": ["DPT_HB_HIB1"],
}


def warm_reference_tables() -> None:
    """Compute one child's growth, one month's indicators and one visit's validation (each
    cached table is loaded once per process; later calls cost microseconds)."""
    derived = derive_child_visits(_CHILD, [_VISIT])
    visit = {**_VISIT, **derived[_VISIT["id"]]}
    PosyanduData([("person", _CHILD), ("child_visit", visit)]).compute((2025, 7))
    records.validate("child_visit", _VISIT, context={"person": _CHILD})
