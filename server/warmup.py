"""Ready a server process when it starts: its reference tables loaded, its start-up objects out of
the garbage collector's way.

The WHO growth standards, the immunisation schedule and rules, and the ILP parameters are read
from their files on first use and kept for the life of the process. Under gunicorn each worker
is its own process, so without this the first push a worker took paid for the loading (about
50 ms: the kader's first sync after a restart, and issue #19's incremental push whenever it
landed on a worker that had only served pulls).

Then the objects made so far (modules, the app, those tables: about 130,000) are frozen out of the
cyclic garbage collector (``gc.freeze``): a full collection scanned them all, 50 ms, at some
random push. Not in tests (``TESTING``, or POSYANDU_GC_FREEZE=0): a test process makes many apps,
and a frozen one is never collected.
"""

from __future__ import annotations

import gc
import os

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


def ready_process(app) -> None:
    """Load the reference tables, then freeze what exists out of the collector's scans."""
    warm_reference_tables()
    if app.config.get("TESTING") or os.environ.get("POSYANDU_GC_FREEZE", "1") == "0":
        return
    gc.collect()  # what is garbage now goes now, not frozen with the rest
    gc.freeze()
