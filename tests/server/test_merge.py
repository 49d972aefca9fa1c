"""Field-level merge: what applies, what merges, what conflicts, and who wins."""

from server.sync.merge import DELETED, merge

A = "0001764000000100:00000:dev-a"
B = "0001764000000200:00000:dev-b"  # later than A
B_TIE = "0001764000000100:00000:dev-b"  # same instant as A, node breaks the tie


def stored(**fields):
    """A record at version 3 whose fields last changed at version 1, except 'weight_kg' at 3."""
    meta = {name: [1, A, "dev-a"] for name in fields}
    meta["weight_kg"] = [3, B, "dev-b"]
    return fields, meta


def test_mutation_on_current_version_applies():
    values, meta = stored(name="Ani", weight_kg=9.0)
    out = merge(
        values,
        meta,
        3,
        False,
        op="upsert",
        base_version=3,
        changes={"name": "Ana"},
        hlc=A,
        device="dev-a",
    )
    assert out.status == "applied"
    assert out.values["name"] == "Ana" and out.meta["name"] == [4, A, "dev-a"]


def test_disjoint_concurrent_edit_merges():
    values, meta = stored(name="Ani", weight_kg=9.0)
    out = merge(
        values,
        meta,
        3,
        False,
        op="upsert",
        base_version=1,
        changes={"name": "Ana"},
        hlc=A,
        device="dev-a",
    )
    assert out.status == "merged"
    assert out.values == {"name": "Ana", "weight_kg": 9.0}
    assert out.conflicts == []


def test_same_field_concurrent_edit_conflicts_and_higher_hlc_wins():
    values, meta = stored(name="Ani", weight_kg=9.0)
    late = "0001764000000300:00000:dev-a"
    out = merge(
        values,
        meta,
        3,
        False,
        op="upsert",
        base_version=1,
        changes={"weight_kg": 9.4},
        hlc=late,
        device="dev-a",
    )
    assert out.status == "conflict"
    assert out.values["weight_kg"] == 9.4
    (c,) = out.conflicts
    assert (c.field, c.winner_value, c.loser_value, c.loser_device) == (
        "weight_kg",
        9.4,
        9.0,
        "dev-b",
    )


def test_same_field_conflict_with_older_hlc_keeps_stored_value_and_queues_the_loser():
    values, meta = stored(name="Ani", weight_kg=9.0)
    out = merge(
        values,
        meta,
        3,
        False,
        op="upsert",
        base_version=1,
        changes={"weight_kg": 9.4},
        hlc=A,
        device="dev-a",
    )
    assert out.status == "conflict" and out.values["weight_kg"] == 9.0
    assert out.conflicts[0].loser_value == 9.4 and not out.conflicts[0].incoming_won


def test_equal_instants_break_ties_by_device_id():
    values = {"weight_kg": 9.0}
    meta = {"weight_kg": [2, B_TIE, "dev-b"]}
    out = merge(
        values,
        meta,
        2,
        False,
        op="upsert",
        base_version=1,
        changes={"weight_kg": 9.4},
        hlc=A,
        device="dev-a",
    )
    assert out.values["weight_kg"] == 9.0  # "dev-b" > "dev-a"


def test_concurrent_edit_to_the_same_value_is_not_a_conflict():
    values, meta = stored(name="Ani", weight_kg=9.0)
    out = merge(
        values,
        meta,
        3,
        False,
        op="upsert",
        base_version=1,
        changes={"weight_kg": 9.0},
        hlc=A,
        device="dev-a",
    )
    assert out.status == "merged" and out.conflicts == []


def test_delete_against_a_later_concurrent_edit_loses_and_is_queued():
    values, meta = stored(name="Ani", weight_kg=9.0)
    out = merge(
        values, meta, 3, False, op="delete", base_version=1, changes={}, hlc=A, device="dev-a"
    )
    assert out.status == "conflict" and out.deleted is False
    (c,) = out.conflicts
    assert c.field == DELETED and c.loser_value is True and c.winner_value == {"weight_kg": 9.0}


def test_delete_without_concurrent_edits_applies():
    values, meta = stored(name="Ani", weight_kg=9.0)
    out = merge(
        values, meta, 3, False, op="delete", base_version=3, changes={}, hlc=A, device="dev-a"
    )
    assert out.status == "applied" and out.deleted is True and out.meta[DELETED][0] == 4


def test_edit_of_a_concurrently_deleted_record_with_older_hlc_stays_deleted():
    values = {"name": "Ani"}
    meta = {"name": [1, A, "dev-a"], DELETED: [2, B, "dev-b"]}
    out = merge(
        values,
        meta,
        2,
        True,
        op="upsert",
        base_version=1,
        changes={"name": "Ana"},
        hlc=A,
        device="dev-a",
    )
    assert out.deleted is True and out.status == "conflict"
    assert out.conflicts[0].loser_value == {"name": "Ana"}


def test_a_devices_own_earlier_edit_is_not_concurrent_with_its_next_one():
    values = {"weight_kg": 9.4}
    meta = {"weight_kg": [2, A, "dev-a"]}
    out = merge(
        values,
        meta,
        2,
        False,
        op="upsert",
        base_version=1,
        changes={"weight_kg": 9.6},
        hlc="0001764000000500:00000:dev-a",
        device="dev-a",
    )
    assert out.status == "merged" and out.conflicts == [] and out.values["weight_kg"] == 9.6
