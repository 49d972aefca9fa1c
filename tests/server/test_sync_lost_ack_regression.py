"""Regression: an edit made while the device's own earlier edit of the field was unanswered.

Found by the stateful property test (tests/server/test_sync_properties.py). Device d0 writes the
name "Fitri", d1 writes "Eko" (both offline, new record), d0 then writes "Citra" (its clock went
back 228 ms). d1 pushes and loses the acknowledgement; d0 pushes both its edits (Fitri wins the
clash with Eko, Citra follows as d0's own later edit); d1 pulls the record (Citra, version 3) but
still shows its own unanswered "Eko" on top, and the kader changes the name to "Ani". d1 resends
Eko with Ani, Ani's base_version is 3, so before the fix the server took Ani as having seen
Citra and overwrote it: Citra was neither the final value nor in the conflict queue.
"""

from __future__ import annotations

import sqlalchemy as sa

from server.sync.merge import merge
from tests.server.test_sync_properties import RECORD_IDS, SyncMachine

RECORD = RECORD_IDS[0]
T0 = 1_764_000_000_000


def test_an_edit_over_an_unanswered_own_edit_conflicts_with_what_it_never_saw(app):
    from server.extensions import db
    from server.models import Conflict, Record

    SyncMachine.app = app
    machine = SyncMachine()
    machine.setup()
    d0, d1, _ = machine.devices
    machine.edit_name(0, 0, "Fitri", 0)
    machine.pull(0)
    machine.edit_name(1, 0, "Eko", -100)
    machine.edit_name(0, 0, "Citra", -228)
    d1.push(lose_ack=True, deliver_twice=False, size=1)
    d0.push(lose_ack=False, deliver_twice=False, size=2)
    d1.pull()
    assert d1.replica[RECORD]["fields"]["name"] == "Citra"
    assert d1.local[RECORD]["name"] == "Eko"  # its own unanswered edit is what the kader sees
    machine.edit_name(1, 0, "Ani", 0)
    d1.push(lose_ack=False, deliver_twice=False, size=50)  # resends Eko, then Ani (base 3)

    with app.app_context():
        record = db.session.get(Record, RECORD)
        conflicts = db.session.execute(sa.select(Conflict).order_by(Conflict.id)).scalars().all()
        pairs = [(c.field, c.winner_value, c.loser_value) for c in conflicts]
    # Ani's HLC (T0 - 100) is newer than Citra's (T0 - 228): Ani stands, Citra is in the queue.
    assert record.fields["name"] == "Ani"
    assert ("name", "Fitri", "Eko") in pairs
    assert ("name", "Ani", "Citra") in pairs
    machine.teardown()  # the property test's own end checks: converged, nothing silently lost


def test_merge_takes_a_field_base_from_the_unanswered_own_edit():
    meta = {"name": [3, f"{T0:016d}:00000:d0", "d0"], "address": [1, f"{T0:016d}:00000:d1", "d1"]}
    values = {"name": "Citra", "address": "Dusun I"}
    later = f"{T0 + 5:016d}:00000:d1"
    # Without field bases, base_version 3 covers d0's change at version 3: applied, no conflict.
    plain = merge(
        values,
        meta,
        3,
        False,
        op="upsert",
        base_version=3,
        changes={"name": "Ani"},
        hlc=later,
        device="d1",
    )
    assert (plain.status, plain.conflicts) == ("applied", [])
    # d1's own edit of the name landed at version 1: the change at version 3 was never seen.
    based = merge(
        values,
        meta,
        3,
        False,
        op="upsert",
        base_version=3,
        changes={"name": "Ani"},
        hlc=later,
        device="d1",
        field_bases={"name": 1},
    )
    assert based.status == "conflict"
    assert [(c.field, c.winner_value, c.loser_value) for c in based.conflicts] == [
        ("name", "Ani", "Citra")
    ]
    assert based.values["name"] == "Ani"
    # A field the device's own pending edit does not cover keeps base_version.
    other = merge(
        values,
        meta,
        3,
        False,
        op="upsert",
        base_version=3,
        changes={"address": "Dusun II"},
        hlc=later,
        device="d1",
        field_bases={"name": 1},
    )
    assert (other.status, other.conflicts) == ("applied", [])


def test_a_field_base_never_hides_a_concurrent_edit_the_base_version_would_show():
    """The device's earlier edit of the name lost its clash with d0's edit (version 6) and the
    record moved on to version 7; the device's next edit still rests on what it had pulled
    (version 5): d0's name is concurrent with it and the clash is queued (the fault campaign found
    'Joko' lost to 'Ani' with no conflict when the field base 7 was taken as it stood)."""
    meta = {"name": [6, f"{T0:016d}:00000:d0", "d0"], "address": [7, f"{T0:016d}:00000:d0", "d0"]}
    values = {"name": "Joko", "address": "Dusun II"}
    outcome = merge(
        values,
        meta,
        7,
        False,
        op="upsert",
        base_version=5,
        changes={"name": "Ani"},
        hlc=f"{T0 + 5:016d}:00000:d1",
        device="d1",
        field_bases={"name": 7},
    )
    assert outcome.status == "conflict"
    assert [(c.field, c.winner_value, c.loser_value) for c in outcome.conflicts] == [
        ("name", "Ani", "Joko")
    ]
