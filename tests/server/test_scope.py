"""Every role against every kind of record: reads see only the scope, writes outside it are rejected."""

from __future__ import annotations

import itertools
import uuid

import pytest

from testkit import world as world_mod
from testkit.factories import person

HLC = itertools.count(1_764_000_000_000)


class Caller:
    """A signed-in device using the in-process test client."""

    def __init__(self, client, username):
        body = client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": world_mod.PASSWORD, "device_name": "t"},
        ).json
        self.client, self.device_id = client, body["device_id"]
        self.headers = {"Authorization": f"Bearer {body['token']}"}
        self.seq = itertools.count(1)

    def push(self, kind, fields):
        m = {
            "seq": next(self.seq),
            "id": fields["id"],
            "kind": kind,
            "op": "upsert",
            "base_version": None,
            "fields": fields,
            "hlc": f"{next(HLC):016d}:00000:{self.device_id}",
            "device_time": None,
        }
        response = self.client.post(
            "/api/v1/sync/push",
            headers=self.headers,
            json={"device_id": self.device_id, "mutations": [m]},
        )
        assert response.status_code == 200, response.json
        return response.json["results"][0]["status"]

    def visible_ids(self):
        ids, cursor = set(), None
        while True:
            page = self.client.get(
                "/api/v1/sync/pull",
                headers=self.headers,
                query_string={"limit": 1000, **({"cursor": cursor} if cursor else {})},
            ).json
            ids |= {c["id"] for c in page["changes"]}
            cursor = page["cursor"]
            if not page["more"]:
                return ids


@pytest.fixture
def callers(app, world):
    client = app.test_client()
    return {name: Caller(client, name) for name in world_mod.USERS}


PERSON_A1_WRITERS = {"kader_a1", "bidan_a"}
PERSON_A1_READERS = {"kader_a1", "bidan_a", "pkm_a", "kec_a", "dinas", "admin"}


def test_posyandu_records_by_role(callers):
    record = person("PSY-A1")
    assert callers["kader_a1"].push("person", record) == "applied"
    for name, caller in callers.items():
        assert (record["id"] in caller.visible_ids()) == (name in PERSON_A1_READERS), name
        attempt = person("PSY-A1")
        expected = "applied" if name in PERSON_A1_WRITERS else "rejected"
        assert caller.push("person", attempt) == expected, name


def test_desa_report_by_role(callers):
    report = {
        "id": str(uuid.uuid4()),
        "desa_code": "6111022001",
        "period": "2026-10",
        "births_live": 2,
        "odf_status": "belum",
    }
    assert callers["kader_b1"].push("desa_report", report) == "applied"
    readers = {"kader_b1", "pkm_b", "dinas", "admin"}
    for name, caller in callers.items():
        assert (report["id"] in caller.visible_ids()) == (name in readers), name


def test_lokmin_written_only_by_kecamatan_and_puskesmas_of_that_kecamatan(callers):
    def meeting():
        return {
            "id": str(uuid.uuid4()),
            "kecamatan_code": "611101",
            "kind": "tribulanan_rutin",
            "year": 2026,
            "quarter": 3,
            "status": "planned",
        }

    writers = {"kec_a", "pkm_a"}
    for name, caller in callers.items():
        assert caller.push("lokmin_meeting", meeting()) == (
            "applied" if name in writers else "rejected"
        ), name


def test_reference_kinds_are_read_by_all_and_written_only_by_admin(callers):
    facility = {
        "id": "PSY-A3",
        "code": "PSY-A3",
        "name": "Posyandu Baru",
        "kind": "posyandu",
        "parent_id": "PKM-A",
        "desa_code": "6111012001",
        "kecamatan_code": "611101",
    }
    for name, caller in callers.items():
        if name != "admin":
            assert caller.push("facility", dict(facility)) == "rejected", name
    assert callers["admin"].push("facility", dict(facility)) == "applied"
    for name, caller in callers.items():
        assert "PSY-A3" in caller.visible_ids(), name


def test_clock_far_ahead_is_clamped_and_the_device_flagged(app, callers):
    from server.extensions import db
    from server.models import Device

    kader = callers["kader_a1"]
    record = person("PSY-A1")
    years_ahead = 1_764_000_000_000 + 3 * 365 * 86_400_000
    m = {
        "seq": next(kader.seq),
        "id": record["id"],
        "kind": "person",
        "op": "upsert",
        "base_version": None,
        "fields": record,
        "hlc": f"{years_ahead:016d}:00000:{kader.device_id}",
        "device_time": "2029-11-24T09:00:00+07:00",
    }
    response = kader.client.post(
        "/api/v1/sync/push",
        headers=kader.headers,
        json={"device_id": kader.device_id, "mutations": [m]},
    )
    assert response.json["results"][0]["status"] == "applied"
    with app.app_context():
        device = db.session.get(Device, kader.device_id)
        assert device.clock_flagged is True
        assert device.clock_skew_ms > 2 * 365 * 86_400_000
        from server.models import Record

        stored = db.session.get(Record, record["id"]).field_meta["name"][1]
    assert stored < f"{years_ahead:016d}"  # the stored HLC was pulled back to the server's clock


def test_registry_changes_reach_the_next_request_through_the_facility_cache(app, world, client):
    """The facility index is cached per process; a registry write must show at once."""
    from server.cli import create_user
    from server.extensions import db
    from server.reference import write_records

    kader = Caller(client, "kader_a1")
    assert kader.push("person", person("PSY-A1")) == "applied"  # the cache is warm now
    new_posyandu = {
        "id": "PSY-A3",
        "code": "PSY-A3",
        "name": "Posyandu Kenanga",
        "kind": "posyandu",
        "parent_id": "PKM-A",
        "desa_code": "6111012001",
        "kecamatan_code": "611101",
        "wilayah_kerja": [],
    }
    with app.app_context():
        assert not write_records(db.session, [("facility", new_posyandu)]).rejected
        create_user("kader_a3", "Kader A3", "kader", "PSY-A3", world_mod.PASSWORD)
        db.session.commit()
    newcomer = Caller(client, "kader_a3")
    record = person("PSY-A3")
    assert newcomer.push("person", record) == "applied"
    assert record["id"] in Caller(client, "pkm_a").visible_ids()

    with app.app_context():  # renamed: same count, higher change_seq and version
        assert not write_records(
            db.session, [("facility", {**new_posyandu, "name": "Posyandu Kenanga Baru"})]
        ).rejected
        db.session.commit()
    from server.scope import FacilityIndex

    with app.app_context():
        assert FacilityIndex.load(db.session).get("PSY-A3")["name"] == "Posyandu Kenanga Baru"


# -- hierarchy helpers (no database: the world's registry as a FacilityIndex) ------------------------
def registry():
    from server.scope import FacilityIndex

    return FacilityIndex({f["id"]: f for f in world_mod.FACILITIES})


def user_scope_of(username):
    from server.scope import scope_for

    role, unit = world_mod.USERS[username]
    return scope_for(role, unit, registry())


def test_posyandu_keys_fall_back_to_the_desa_for_the_kecamatan():
    from server.scope import ScopeKeys, scope_keys

    facilities = registry()
    a1 = facilities.get("PSY-A1")
    assert ScopeKeys.of_posyandu(a1) == ScopeKeys("PSY-A1", "6111012001", "611101", "PKM-A")
    bare = {"id": "PSY-X", "kind": "posyandu", "desa_code": "6111022001"}
    assert ScopeKeys.of_posyandu(bare) == ScopeKeys("PSY-X", "6111022001", "611102", None)
    assert ScopeKeys.of_posyandu({"id": "PSY-Y"}) == ScopeKeys("PSY-Y")
    # The records of a posyandu carry the same keys.
    assert scope_keys("person", {"posyandu_id": "PSY-A1"}, facilities) == ScopeKeys.of_posyandu(a1)


def test_keys_of_each_kind_of_unit():
    from server.scope import ScopeKeys, keys_of_unit

    facilities = registry()
    assert keys_of_unit("PSY-B1", facilities) == ScopeKeys(
        "PSY-B1", "6111022001", "611102", "PKM-B"
    )
    assert keys_of_unit("PKM-A", facilities) == ScopeKeys(None, "6111012001", "611101", "PKM-A")
    assert keys_of_unit("6111022001", facilities) == ScopeKeys(
        None, "6111022001", "611102", "PKM-B"
    )
    assert keys_of_unit("611101", facilities) == ScopeKeys(None, None, "611101", None)
    for unknown in ("DINKES-6111", "6111", "", None):
        assert keys_of_unit(unknown, facilities) == ScopeKeys(), unknown
    assert keys_of_unit("PSY-A1", facilities, role="admin") == ScopeKeys()
    assert keys_of_unit("DINKES-6111", facilities, role="dinas") == ScopeKeys()


def test_keys_lie_in_the_areas_above_them():
    from server.scope import ScopeKeys

    keys = ScopeKeys("PSY-A1", "6111012001", "611101", "PKM-A")
    inside = [
        ("kabupaten", "6111"),
        ("kecamatan", "611101"),
        ("puskesmas", "PKM-A"),
        ("desa", "6111012001"),
        ("posyandu", "PSY-A1"),
    ]
    outside = [
        ("kabupaten", "6112"),
        ("kecamatan", "611102"),
        ("puskesmas", "PKM-B"),
        ("desa", "6111022001"),
        ("posyandu", "PSY-A2"),
    ]
    assert all(keys.in_area(level, code) for level, code in inside)
    assert not any(keys.in_area(level, code) for level, code in outside)
    assert not ScopeKeys().in_area("kabupaten", "6111")


AREAS = {
    "kabupaten": "6111",
    "kecamatan A": "611101",
    "kecamatan B": "611102",
    "puskesmas A": "PKM-A",
    "puskesmas B": "PKM-B",
    "desa A": "6111012001",
    "desa B": "6111022001",
    "posyandu A1": "PSY-A1",
    "posyandu A2": "PSY-A2",
    "posyandu B1": "PSY-B1",
}
A_SIDE = {"kecamatan A", "puskesmas A", "desa A", "posyandu A1", "posyandu A2"}
B_SIDE = {"kecamatan B", "puskesmas B", "desa B", "posyandu B1"}
OPEN_AREAS = {
    "kader_a1": {"kabupaten", "kecamatan A", "puskesmas A", "desa A", "posyandu A1"},
    "kader_b1": {"kabupaten", *B_SIDE},
    "bidan_a": {"kabupaten", *A_SIDE},
    "pkm_a": {"kabupaten", *A_SIDE},
    "pkm_b": {"kabupaten", *B_SIDE},
    "kec_a": {"kabupaten", *A_SIDE},
    "dinas": set(AREAS),
    "admin": set(AREAS),
}


@pytest.mark.parametrize("username", sorted(OPEN_AREAS))
def test_areas_open_where_the_user_reads_records(username):
    """An area opens when it holds records the user may read (the kabupaten always)."""
    facilities, scope = registry(), user_scope_of(username)
    opened = {
        name
        for name, code in AREAS.items()
        if scope.can_read_area(name.split()[0], code, facilities)
    }
    assert opened == OPEN_AREAS[username]


def test_an_area_opens_by_its_own_records_without_a_posyandu():
    """A kecamatan with no posyandu yet opens for its lokmin readers; a desa for its report readers."""
    from server.scope import FacilityIndex, scope_for

    facilities = FacilityIndex(
        {f["id"]: f for f in world_mod.FACILITIES if f["id"] not in ("PSY-A1", "PSY-A2")}
    )
    pkm_a = scope_for("puskesmas", "PKM-A", facilities)
    assert pkm_a.can_read_area("kecamatan", "611101", facilities)
    assert pkm_a.can_read_area("desa", "6111012001", facilities)
    assert not pkm_a.can_read_area("puskesmas", "PKM-A", facilities)  # no posyandu to read
    assert not pkm_a.can_read_area("kecamatan", "611102", facilities)


def test_the_parent_of_each_level():
    from server.scope import parent_area

    facilities = registry()
    assert parent_area("kabupaten", "6111", facilities) is None
    assert parent_area("kecamatan", "611102", facilities) == "6111"
    assert parent_area("puskesmas", "PKM-B", facilities) == "611102"
    assert parent_area("desa", "6111012001", facilities) == "PKM-A"
    assert parent_area("posyandu", "PSY-A2", facilities) == "6111012001"
    assert parent_area("desa", "6111099999", facilities) is None  # in no wilayah kerja
    assert parent_area("posyandu", "PSY-X9", facilities) is None
