"""Audit #18, finding 6: a conflict's losing value is a value its field accepts; the queue is JSON.

A field that loses a merge is kept as the losing value of a conflict, read by reviewers and applied
if chosen. Before the fix an incoming field was validated only when it won, so a device could park
a 500 KB "phone number", an object in a text field or a number in a name in the conflict queue
(and on SQLite Infinity, which ``/api/v1/conflicts`` then sent as non-standard JSON). Now every
field of an upsert passes its own field's rules before the merge: a mutation with one that fails
is rejected whole (reasons per field), nothing is applied and no conflict is queued.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from testkit import world as world_mod
from testkit.factories import person

HOSTILE = {
    "phone-500kb": ("phone", "0812" * 125_000),
    "object-in-name": ("name", {"first": "Siti", "$gt": ""}),
    "list-in-address": ("address", ["RT 01", "RW 02"]),
    "number-in-name": ("name", 1e308),
    "huge-notes": ("notes", "x" * 3_000_000),
    "bad-choice": ("sex", "Z" * 1000),
    "nik-letters": ("nik", "61110198765432AB"),
    "unknown-field": ("zorb_unknown", "x"),
}
# A valid value of each field, the newer edit the hostile one clashes with.
NEWER = {
    "phone": "0813 1111 2222",
    "name": "Siti Aminah Putri",
    "address": "RT 03",
    "notes": "catatan",
    "sex": "M",
    "nik": "6111019876543210",
}


class Device:
    def __init__(self, client, username: str):
        response = client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": world_mod.PASSWORD, "device_name": username},
        )
        assert response.status_code == 200, response.text
        self.client, self.seq = client, 0
        self.device_id = response.json["device_id"]
        self.headers = {"Authorization": f"Bearer {response.json['token']}"}

    def push(self, record_id: str, fields: dict, *, hlc_ms: int, base_version=None) -> dict:
        self.seq += 1
        mutation = {
            "seq": self.seq,
            "id": record_id,
            "kind": "person",
            "op": "upsert",
            "base_version": base_version,
            "fields": fields,
            "hlc": f"{hlc_ms:016d}:00000:{self.device_id}",
        }
        response = self.client.post(
            "/api/v1/sync/push",
            headers=self.headers,
            json={"device_id": self.device_id, "mutations": [mutation]},
        )
        assert response.status_code == 200, response.text[:300]
        return response.json["results"][0]


def strict_json(text: str):
    """Parse as standard JSON: NaN and Infinity are not JSON."""

    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def conflict_count(app) -> int:
    from server.extensions import db

    with app.app_context():
        return db.session.execute(sa.text("SELECT count(*) FROM conflict")).scalar()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_losing_value_must_pass_its_fields_rules(app, world, case):
    field, value = HOSTILE[case]
    client = app.test_client()
    kader, bidan = Device(client, "kader_a1"), Device(client, "bidan_a")
    record = person("PSY-A1", phone="0812 3456 7890")
    assert kader.push(record["id"], record, hlc_ms=1_764_000_000_000)["status"] == "applied"
    # The bidan's edit of the same field is the newer one: it wins the clash...
    newer = {field: NEWER.get(field, "x")} if field in NEWER else {"phone": NEWER["phone"]}
    assert (
        bidan.push(record["id"], newer, hlc_ms=1_764_000_100_000, base_version=1)["status"]
        == "applied"
    )
    # ...so the kader's older, concurrent, hostile value would only lose and be queued.
    before = conflict_count(app)
    result = kader.push(record["id"], {field: value}, hlc_ms=1_764_000_050_000, base_version=1)
    assert result["status"] == "rejected", {k: str(v)[:200] for k, v in result.items()}
    assert field in result["errors"], result["errors"]
    assert all(len(sentence) < 1000 for sentence in result["errors"][field])
    assert conflict_count(app) == before
    listed = client.get("/api/v1/conflicts", headers=Device(client, "pkm_a").headers)
    assert listed.status_code == 200
    assert len(listed.data) < 100_000
    strict_json(listed.text)


def test_a_valid_losing_value_is_still_queued_in_its_loaded_form(app, world):
    client = app.test_client()
    kader, bidan = Device(client, "kader_a1"), Device(client, "bidan_a")
    record = person("PSY-A1")
    kader.push(record["id"], record, hlc_ms=1_764_000_000_000)
    bidan.push(
        record["id"], {"name": "Siti Aminah Putri"}, hlc_ms=1_764_000_100_000, base_version=1
    )
    result = kader.push(
        record["id"], {"name": "  Siti A.  "}, hlc_ms=1_764_000_050_000, base_version=1
    )
    assert result["status"] == "conflict", result
    listed = client.get("/api/v1/conflicts", headers=Device(client, "pkm_a").headers)
    (conflict,) = strict_json(listed.text)["conflicts"]
    assert conflict["winner_value"] == "Siti Aminah Putri"
    assert conflict["loser_value"] == "Siti A."  # as the field loads it (stripped)


def test_the_queue_is_standard_json_even_with_an_old_non_finite_row(app, world, backend):
    """A row stored before the fix (SQLite kept Infinity in JSON) is sent as null, not Infinity."""
    if backend == "postgres":
        pytest.skip("PostgreSQL never stored a non-finite number in a JSON column")
    from server.extensions import db
    from server.models import Conflict, utcnow

    client = app.test_client()
    kader = Device(client, "kader_a1")
    record = person("PSY-A1")
    kader.push(record["id"], record, hlc_ms=1_764_000_000_000)
    with app.app_context():
        db.session.add(
            Conflict(
                record_id=record["id"],
                kind="person",
                field="birth_weight_kg",
                winner_value=3.1,
                loser_value=float("inf"),
                winner_hlc="x",
                loser_hlc="y",
                posyandu_id="PSY-A1",
                desa_code="6111012001",
                kecamatan_code="611101",
                puskesmas_id="PKM-A",
                created_at=utcnow(),
                status="open",
            )
        )
        db.session.add(
            Conflict(
                record_id=record["id"],
                kind="person",
                field="_deleted",
                winner_value=True,
                loser_value={"birth_weight_kg": float("nan"), "rows": [float("-inf")]},
                winner_hlc="x",
                loser_hlc="y",
                posyandu_id="PSY-A1",
                desa_code="6111012001",
                kecamatan_code="611101",
                puskesmas_id="PKM-A",
                created_at=utcnow(),
                status="open",
            )
        )
        db.session.commit()
    listed = client.get("/api/v1/conflicts", headers=Device(client, "pkm_a").headers)
    assert listed.status_code == 200
    body = strict_json(listed.text)
    values = [c["loser_value"] for c in body["conflicts"]]
    assert None in values and {"birth_weight_kg": None, "rows": [None]} in values
