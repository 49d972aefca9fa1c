"""Audit #18, finding 13: a lokmin meeting's ``puskesmas_id`` names a real puskesmas of its kecamatan.

The puskesmas of a meeting becomes the meeting's ``puskesmas_id`` scope key, so a made-up id, a
posyandu, the dinas or the puskesmas of another kecamatan is refused in the one write path (a
device's push, the server's own writes), with the reason on the field.
"""

from __future__ import annotations

import pytest

from testkit import world as world_mod
from testkit.factories import new_id

HLC = iter(range(1_764_000_000_000, 1_764_100_000_000, 10))


def meeting(**over) -> dict:
    return {
        "id": new_id(),
        "kecamatan_code": "611101",
        "kind": "tribulanan_rutin",
        "year": 2026,
        "quarter": 4,
        "meeting_date": "2026-10-10",
        "status": "held",
        **over,
    }


class Device:
    def __init__(self, client, username: str):
        response = client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": world_mod.PASSWORD, "device_name": "t"},
        )
        assert response.status_code == 200, response.text
        self.client, self.seq = client, 0
        self.device_id = response.json["device_id"]
        self.headers = {"Authorization": f"Bearer {response.json['token']}"}

    def push(self, fields: dict, base_version=None) -> dict:
        self.seq += 1
        m = {
            "seq": self.seq,
            "id": fields["id"],
            "kind": "lokmin_meeting",
            "op": "upsert",
            "base_version": base_version,
            "fields": fields,
            "hlc": f"{next(HLC):016d}:00000:{self.device_id}",
        }
        response = self.client.post(
            "/api/v1/sync/push",
            headers=self.headers,
            json={"device_id": self.device_id, "mutations": [m]},
        )
        assert response.status_code == 200, response.text
        return response.json["results"][0]


@pytest.mark.parametrize(
    ("puskesmas_id", "ok"),
    [
        ("PKM-A", True),  # the puskesmas of kecamatan 611101
        (None, True),  # not filled: allowed
        ("PKM-B", False),  # a puskesmas of kecamatan 611102
        ("PKM-ZZ", False),  # no such facility
        ("PSY-A1", False),  # a posyandu
        ("DINKES-6111", False),  # the dinas
    ],
)
def test_a_meetings_puskesmas_must_serve_its_kecamatan(app, world, puskesmas_id, ok):
    device = Device(app.test_client(), "kec_a")
    result = device.push(meeting(puskesmas_id=puskesmas_id))
    if ok:
        assert result["status"] == "applied", result
        return
    assert result["status"] == "rejected", result
    message = result["errors"]["puskesmas_id"][0]
    assert puskesmas_id in message and "611101" in message and "kecamatan" in message


def test_an_existing_meeting_cannot_be_moved_to_another_kecamatans_puskesmas(app, world):
    device = Device(app.test_client(), "kec_a")
    fields = meeting(puskesmas_id="PKM-A")
    assert device.push(fields)["status"] == "applied"
    result = device.push({**fields, "puskesmas_id": "PKM-B"}, base_version=1)
    assert result["status"] == "rejected", result
    assert "puskesmas_id" in result["errors"]


def test_the_servers_own_writes_are_checked_too(app, world):
    from server.extensions import db
    from server.reference import write_records

    with app.app_context():
        report = write_records(db.session, [("lokmin_meeting", meeting(puskesmas_id="PKM-B"))])
        assert len(report.rejected) == 1
        assert "puskesmas_id" in report.rejected[0][2]
        db.session.rollback()
        report = write_records(db.session, [("lokmin_meeting", meeting(puskesmas_id="PKM-A"))])
        assert not report.rejected
        db.session.rollback()


def test_a_puskesmas_serving_a_desa_of_the_kecamatan_counts(app, world):
    """A puskesmas whose wilayah kerja reaches into a kecamatan may hold its lokmin there."""
    from server.extensions import db
    from server.reference import write_records

    with app.app_context():
        pkm_b = dict(next(f for f in world_mod.FACILITIES if f["id"] == "PKM-B"))
        pkm_b["wilayah_kerja"] = ["6111022001", "6111012001"]
        assert not write_records(db.session, [("facility", pkm_b)]).rejected
        report = write_records(db.session, [("lokmin_meeting", meeting(puskesmas_id="PKM-B"))])
        assert not report.rejected, report.rejected
        db.session.rollback()
