"""Concurrent pushes and pulls: no committed change is ever skipped by a reader's cursor."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from testkit.factories import person
from tests.server.conftest import HttpDevice

WRITERS = ("kader_a1", "kader_a2", "bidan_a", "kader_b1")
BATCHES, BATCH_SIZE = 8, 15


@pytest.mark.slow
def test_union_of_pulled_changes_equals_what_was_committed(app, server):
    from server.extensions import db
    from server.models import Record

    writers = [HttpDevice(server.url, name) for name in WRITERS]
    readers = [HttpDevice(server.url, "dinas") for _ in range(2)]
    errors: list[BaseException] = []
    done = threading.Event()

    def write(device: HttpDevice) -> None:
        try:
            posyandu = device.user["scope"]["posyandu"][0]
            desa = "6111022001" if posyandu == "PSY-B1" else "6111012001"
            for _ in range(BATCHES):
                batch = [
                    device.mutation("person", person(posyandu, desa_code=desa))
                    for _ in range(BATCH_SIZE)
                ]
                response = device.push(batch)
                assert response.status_code == 200, response.text
                assert {r["status"] for r in response.json()["results"]} == {"applied"}
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    def read(device: HttpDevice) -> None:
        try:
            while not done.is_set():
                device.pull_all(limit=20)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    pullers = [threading.Thread(target=read, args=(r,)) for r in readers]
    for thread in pullers + threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    done.set()
    for thread in pullers:
        thread.join(timeout=300)
    assert errors == []
    with app.app_context():
        committed = dict(db.session.execute(sa.select(Record.id, Record.version)).all())
    assert len([k for k in committed]) >= len(WRITERS) * BATCHES * BATCH_SIZE
    for reader in readers:
        reader.pull_all(limit=50)  # one last pass after every writer finished
        assert {k: v["version"] for k, v in reader.replica.items()} == committed


@pytest.mark.slow
def test_concurrent_edits_of_one_record_by_two_devices_lose_nothing(app, server):
    """Two devices hammer different fields of one record at once: both last values survive."""
    from server.extensions import db
    from server.models import Record

    a, b = HttpDevice(server.url, "kader_a1"), HttpDevice(server.url, "bidan_a")
    record = person("PSY-A1")
    assert a.push([a.mutation("person", record)]).json()["results"][0]["status"] == "applied"
    rounds, errors = 25, []

    def edit(device: HttpDevice, field: str) -> None:
        try:
            for i in range(rounds):
                response = device.push(
                    [
                        device.mutation(
                            "person",
                            {field: f"{field} {i}"},
                            record_id=record["id"],
                            base_version=1,
                        )
                    ]
                )
                assert response.status_code == 200, response.text
                assert response.json()["results"][0]["status"] in ("applied", "merged")
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=edit, args=(a, "address")),
        threading.Thread(target=edit, args=(b, "mother_name")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    with app.app_context():
        stored = db.session.get(Record, record["id"])
        assert stored.fields["address"] == f"address {rounds - 1}"
        assert stored.fields["mother_name"] == f"mother_name {rounds - 1}"
        assert stored.version == 1 + 2 * rounds  # every edit counted once
