"""A device offline for 90 days with 2,000 pending mutations syncs in one go and converges."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

import pytest

from .conftest import POSYANDU, assert_converged, new_id, server_device, server_log

DAY_MS = 86_400_000
DAYS = 90
PERSONS, VISITS, EDITS = 250, 1500, 250


@pytest.mark.slow
def test_ninety_days_offline_with_2000_mutations_syncs_in_one_go(make_device, app):
    rng = random.Random(90)
    start_ms = int(time.time() * 1000) - DAYS * DAY_MS
    clock = {"ms": start_ms}
    device = make_device("offline", clock_ms=lambda: clock["ms"])
    today = date.today()
    plan = ["person"] * PERSONS + ["visit"] * VISITS + ["edit"] * EDITS
    rng.shuffle(plan)
    plan.remove("person")
    plan.insert(0, "person")  # the first day starts with a registration
    persons: list[tuple[str, date]] = []
    for n, what in enumerate(plan):
        day = n * DAYS // len(plan)
        clock["ms"] = start_ms + day * DAY_MS + n  # the device's clock walks through 90 days
        when = today - timedelta(days=DAYS - day)
        if what == "person" or not persons:
            birth = when - timedelta(days=rng.randrange(90, 1400))
            record = device.service.create(
                "person",
                {
                    "id": new_id(len(persons)),
                    "posyandu_id": POSYANDU,
                    "name": f"Anak {len(persons)}",
                    "sex": rng.choice("MF"),
                    "birth_date": birth.isoformat(),
                    "mother_name": "Siti",
                },
            )
            persons.append((record.id, birth))
        elif what == "visit":
            pid, birth = rng.choice(persons)
            months = (when - birth).days / 30.4
            device.service.create(
                "child_visit",
                {
                    "person_id": pid,
                    "visit_date": when.isoformat(),
                    "weight_kg": round(3.3 + months * 0.3 + rng.uniform(-0.4, 0.4), 1),
                },
                confirm=True,
            )
        else:
            pid, _ = rng.choice(persons)
            device.service.update("person", pid, {"address": f"Rumah {n} Sutera"})
    pending = device.store.pending()
    assert len(pending) == 2000
    assert [m.seq for m in pending] == list(range(1, 2001))
    clock["ms"] = int(time.time() * 1000)  # back online today

    report = device.agent.sync()

    assert (report.pushed, report.quarantined, report.digest_ok) == (2000, 0, True)
    log = server_log(app, device.device_id)
    assert [r[0] for r in log] == list(range(1, 2001))
    assert {r[3] for r in log} <= {"applied", "merged"}  # merged: edits of unacked creates
    assert sum(1 for m in pending if m.kind == "child_visit") == sum(
        1 for r in log if r[1] in {m.id for m in pending if m.kind == "child_visit"}
    )
    # 90 days of saved work is not a clock 90 days slow.
    skew, flagged, _ = server_device(app, device.device_id)
    assert abs(skew) < 60_000 and flagged is False
    assert_converged(device, app)
    # Another tablet of the posyandu gets exactly the same records.
    other = make_device("other")
    assert other.agent.sync().digest_ok is True
    assert other.agent.local_digest() == device.agent.local_digest()
    assert other.store.count("person") == PERSONS
    assert other.store.count("child_visit") == device.store.count("child_visit")
    assert {r.id: (r.version, r.fields) for r in other.store.list("child_visit")} == {
        r.id: (r.version, r.fields) for r in device.store.list("child_visit")
    }
