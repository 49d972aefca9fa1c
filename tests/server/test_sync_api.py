"""The sync protocol over real HTTP: login, push exactly once, merge, pull, scope, bad input."""

from __future__ import annotations

import gzip
import json

import pytest
import requests

from shared.sync.digest import scope_digest
from testkit.factories import child_visit, person


def test_login_returns_token_device_and_scope(device):
    kader = device("kader_a1")
    assert kader.user["role"] == "kader"
    assert kader.user["scope"]["posyandu"] == ["PSY-A1"]
    me = kader.http.get(f"{kader.base}/auth/me", timeout=10).json()
    assert me["device_id"] == kader.device_id


def test_wrong_password_is_refused_in_indonesian(server):
    response = requests.post(
        f"{server.url}/api/v1/auth/login",
        json={"username": "kader_a1", "password": "salah-sekali", "device_name": "x"},
        timeout=10,
    )
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Nama pengguna atau kata sandi salah."


def test_login_is_throttled_after_ten_failures(server):
    url = f"{server.url}/api/v1/auth/login"
    body = {"username": "kader_b1", "password": "tebakan", "device_name": "x"}
    statuses = [requests.post(url, json=body, timeout=10).status_code for _ in range(10)]
    assert statuses == [401] * 10
    right = {**body, "password": "rahasia-123"}
    response = requests.post(url, json=right, timeout=10)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "too_many_attempts"


def test_push_applies_and_server_recomputes_derived_values(device):
    kader = device("kader_a1")
    p = person()
    v = child_visit(p, waz=5.0, growth_status="N")  # derived values sent by a client are ignored
    response = kader.push([kader.mutation("person", p), kader.mutation("child_visit", v)])
    assert response.status_code == 200, response.text
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["applied", "applied"]
    assert body["last_seq"] == 2
    kader.pull_all()
    stored = kader.replica[v["id"]]["fields"]
    assert stored["waz"] != 5.0 and stored["waz"] is not None
    assert stored["growth_status"] == "B"  # first weighing ever
    assert stored["age_days"] == 365


def test_a_push_body_is_parsed_once(device, monkeypatch):
    """The strict reading before the endpoint hands its result to the endpoint's arguments
    (issue #19): webargs' own JSON reading is never reached for a JSON body."""
    import webargs.core

    def second_parse(*_args, **_kwargs):
        raise AssertionError("the body was parsed a second time")

    monkeypatch.setattr(webargs.core, "parse_json", second_parse)
    kader = device("kader_a1")
    p = person()
    response = kader.push([kader.mutation("person", p)])
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied"


def test_replayed_batch_is_not_applied_twice(device):
    kader = device("kader_a1")
    p = person()
    batch = [kader.mutation("person", p), kader.mutation("person", {**p, "name": "Siti A."})]
    first = kader.push(batch).json()
    again = kader.push(batch).json()
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    assert [r["outcome"] for r in again["results"]] == [r["status"] for r in first["results"]]
    assert [r["version"] for r in again["results"]] == [1, 2]
    kader.pull_all()
    assert kader.replica[p["id"]]["version"] == 2


def test_seq_gap_applies_nothing_and_names_the_expected_seq(device):
    kader = device("kader_a1")
    kader.push([kader.mutation("person", person())])
    next(kader.seq)  # skip seq 2
    response = kader.push([kader.mutation("person", person())])
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "seq_gap" and error["details"]["expected_seq"] == 2
    assert len(kader.pull_all()) == 1 + 6 + 5  # one person, facilities and wilayah


def test_a_batch_repeating_a_seq_is_refused_whole(device):
    kader = device("kader_a1")
    first, second, third = (kader.mutation("person", person()) for _ in range(3))
    response = kader.push([first, second, {**third, "seq": second["seq"]}])
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "mutations" in error["details"]
    assert [c for c in kader.pull_all() if c["kind"] == "person"] == []  # nothing applied
    assert kader.push([first, second]).json()["last_seq"] == 2  # the seqs were not consumed


def test_reused_seq_with_other_content_is_refused(device):
    kader = device("kader_a1")
    m = kader.mutation("person", person())
    kader.push([m])
    response = kader.push([{**m, "fields": {**m["fields"], "name": "Lain"}}])
    assert response.status_code == 409 and response.json()["error"]["code"] == "seq_reused"


def test_rejected_mutation_consumes_its_seq_and_does_not_block(device):
    kader = device("kader_a1")
    bad = person(sex="X")
    good = person()
    body = kader.push([kader.mutation("person", bad), kader.mutation("person", good)]).json()
    assert [r["status"] for r in body["results"]] == ["rejected", "applied"]
    assert "sex" in body["results"][0]["errors"]
    assert body["last_seq"] == 2


def test_unknown_kind_is_rejected_not_a_batch_error(device):
    kader = device("kader_a1")
    body = kader.push([kader.mutation("vaccine_stock", {"id": "x1"})]).json()
    assert body["results"][0]["status"] == "rejected"
    assert "kind" in body["results"][0]["errors"]


def test_write_outside_scope_is_rejected_and_read_outside_scope_returns_nothing(device):
    a1, b1 = device("kader_a1"), device("kader_b1")
    foreign = person("PSY-B1", desa_code="6111022001")
    body = a1.push([a1.mutation("person", foreign)]).json()
    assert body["results"][0]["status"] == "rejected"
    mine = person("PSY-B1", desa_code="6111022001")
    assert b1.push([b1.mutation("person", mine)]).json()["results"][0]["status"] == "applied"
    a1.pull_all()
    assert mine["id"] not in a1.replica
    # Not even by guessing the id:
    fetched = a1.http.post(f"{a1.base}/sync/fetch", json={"ids": [mine["id"]]}, timeout=10).json()
    assert fetched == {"changes": [], "missing": [mine["id"]]}
    # And a kader may not take over another posyandu's record by editing it:
    steal = a1.push([a1.mutation("person", {**mine, "name": "X"}, base_version=1)]).json()
    assert steal["results"][0]["status"] == "rejected"


def test_disjoint_offline_edits_merge(device):
    a, b = device("kader_a1"), device("bidan_a")
    p = person()
    a.push([a.mutation("person", p)])
    ra = a.push(
        [a.mutation("person", {"name": "Siti Baru"}, record_id=p["id"], base_version=1)]
    ).json()
    rb = b.push(
        [b.mutation("person", {"address": "Dusun II"}, record_id=p["id"], base_version=1)]
    ).json()
    assert ra["results"][0]["status"] == "applied"
    assert rb["results"][0]["status"] == "merged"
    a.pull_all()
    fields = a.replica[p["id"]]["fields"]
    assert (fields["name"], fields["address"]) == ("Siti Baru", "Dusun II")


def test_same_field_edits_conflict_winner_applied_loser_queued_and_resolvable(device):
    a, b = device("kader_a1"), device("bidan_a")
    p = person()
    a.push([a.mutation("person", p)])
    a.push([a.mutation("person", {"name": "Nama A"}, record_id=p["id"], base_version=1)])
    b.clock_ms = a.clock_ms + 1000  # b edited later: b wins
    result = b.push(
        [b.mutation("person", {"name": "Nama B"}, record_id=p["id"], base_version=1)]
    ).json()["results"][0]
    assert result["status"] == "conflict" and result["conflicts"] == ["name"]
    reviewer, other = device("pkm_a"), device("pkm_b")
    queue = reviewer.http.get(f"{reviewer.base}/conflicts", timeout=10).json()["conflicts"]
    assert [(c["winner_value"], c["loser_value"]) for c in queue] == [("Nama B", "Nama A")]
    assert other.http.get(f"{other.base}/conflicts", timeout=10).json()["conflicts"] == []
    forbidden = a.http.post(
        f"{a.base}/conflicts/{queue[0]['id']}/resolve", json={"choice": "loser"}, timeout=10
    )
    assert forbidden.status_code == 403
    done = reviewer.http.post(
        f"{reviewer.base}/conflicts/{queue[0]['id']}/resolve", json={"choice": "loser"}, timeout=10
    )
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    a.pull_all()
    assert a.replica[p["id"]]["fields"]["name"] == "Nama A"
    assert a.replica[p["id"]]["version"] == 4
    again = reviewer.http.post(
        f"{reviewer.base}/conflicts/{queue[0]['id']}/resolve", json={"choice": "winner"}, timeout=10
    )
    assert again.status_code == 409


def test_pull_pages_in_order_and_digest_matches_the_replica(device):
    kader = device("kader_a1")
    people = [person(name=f"Anak {i}") for i in range(25)]
    kader.push([kader.mutation("person", p) for p in people])
    seen = kader.pull_all(limit=7)
    assert {p["id"] for p in people} <= {c["id"] for c in seen}
    assert len(seen) == len({c["id"] for c in seen})
    assert kader.digest == scope_digest((c["id"], c["version"]) for c in kader.replica.values())
    assert kader.pull_all() == []  # nothing new


def test_scope_change_resets_the_pull(app, device):
    from server.extensions import db
    from server.models import User

    kader = device("kader_a1")
    kader.pull_all()
    with app.app_context():
        user = db.session.query(User).filter_by(username="kader_a1").one()
        user.unit = "PSY-A2"
        db.session.commit()
    response = kader.http.get(
        f"{kader.base}/sync/pull", params={"cursor": kader.cursor}, timeout=10
    ).json()
    assert response["reset"] is True


def test_pull_leaves_the_digest_off_when_asked(device):
    kader = device("kader_a1")
    kader.push([kader.mutation("person", person())])
    url = f"{kader.base}/sync/pull"
    with_digest = kader.http.get(url, params={"limit": 500}, timeout=10).json()
    without = kader.http.get(url, params={"limit": 500, "digest": "0"}, timeout=10).json()
    assert with_digest["more"] is False and len(with_digest["digest"]) > 8
    assert without["more"] is False and without.get("digest") is None
    assert without["changes"] == with_digest["changes"]
    refused = kader.http.get(url, params={"digest": "maybe"}, timeout=10)
    assert refused.status_code == 422 and "digest" in refused.text


def test_ids_and_fetch_repair(device):
    kader = device("kader_a1")
    people = [person() for _ in range(3)]
    kader.push([kader.mutation("person", p) for p in people])
    listed = kader.http.get(f"{kader.base}/sync/ids", params={"limit": 2}, timeout=10).json()
    assert listed["more"] is True and len(listed["records"]) == 2
    fetched = kader.http.post(
        f"{kader.base}/sync/fetch", json={"ids": [people[0]["id"], "nope"]}, timeout=10
    ).json()
    assert [c["id"] for c in fetched["changes"]] == [people[0]["id"]]
    assert fetched["missing"] == ["nope"]


def test_gzip_push_is_inflated(device):
    kader = device("kader_a1")
    response = kader.push([kader.mutation("person", person())], compress=True)
    assert response.status_code == 200 and response.json()["results"][0]["status"] == "applied"


def test_gzip_bomb_is_refused_with_413(device):
    kader = device("kader_a1")
    bomb = gzip.compress(b"[" + b" " * (64 * 1024 * 1024) + b"]")
    response = kader.http.post(
        f"{kader.base}/sync/push",
        data=bomb,
        timeout=30,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize(
    "body, status",
    [
        (b"{not json", 400),
        (b"\xff\xfe\x00garbage", 400),
        (json.dumps({"device_id": "x", "mutations": "no"}).encode(), 422),
    ],
)
def test_malformed_bodies_get_clear_errors(device, body, status):
    kader = device("kader_a1")
    response = kader.http.post(
        f"{kader.base}/sync/push",
        data=body,
        timeout=10,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == status
    assert response.json()["error"]["message"]


def test_oversized_seq_is_a_validation_error(device):
    kader = device("kader_a1")
    m = kader.mutation("person", person())
    m["seq"] = 2**64
    response = kader.push([m])
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_revoked_device_is_refused(app, device):
    from server.extensions import db
    from server.models import Device, utcnow

    kader = device("kader_a1")
    with app.app_context():
        db.session.get(Device, kader.device_id).revoked_at = utcnow()
        db.session.commit()
    response = kader.http.get(f"{kader.base}/sync/pull", timeout=10)
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


def test_openapi_document_lists_the_protocol(server):
    spec = requests.get(f"{server.url}/api/v1/openapi.json", timeout=10).json()
    for path in (
        "/api/v1/auth/login",
        "/api/v1/sync/push",
        "/api/v1/sync/pull",
        "/api/v1/sync/ids",
        "/api/v1/conflicts",
    ):
        assert path in spec["paths"]


def test_unknown_path_answers_json_404(server):
    response = requests.get(f"{server.url}/api/v1/nothing-here", timeout=10)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_nul_characters_are_refused_clearly(device):
    kader = device("kader_a1")
    response = kader.http.post(
        f"{kader.base}/auth/login",
        timeout=10,
        json={"username": "kader\u0000a1", "password": "x", "device_name": "d"},
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]["message"]
    response = kader.http.get(f"{kader.base}/sync/ids", params={"after": "a\x00"}, timeout=10)
    assert response.status_code == 400


def test_huge_conflict_id_is_not_found(device):
    reviewer = device("pkm_a")
    response = reviewer.http.post(
        f"{reviewer.base}/conflicts/2202519752983/resolve", json={"choice": "loser"}, timeout=10
    )
    assert response.status_code == 404


def test_last_seen_is_written_at_most_once_a_minute(app, device):
    from datetime import timedelta

    from server.extensions import db
    from server.models import Device

    kader = device("kader_a1")

    def seen():
        with app.app_context():
            return db.session.get(Device, kader.device_id).last_seen_at

    kader.http.get(f"{kader.base}/auth/me", timeout=10)
    first = seen()
    assert first is not None
    kader.http.get(f"{kader.base}/auth/me", timeout=10)
    assert seen() == first  # within the minute: no write
    with app.app_context():
        db.session.get(Device, kader.device_id).last_seen_at = first - timedelta(minutes=2)
        db.session.commit()
    kader.http.get(f"{kader.base}/auth/me", timeout=10)
    assert seen() > first - timedelta(seconds=1)


def test_stored_assessments_are_reused_only_while_their_inputs_stand(device):
    """After each later push the server's visits equal a derivation of the whole history from
    scratch: a new visit, a late visit in an earlier month, and a new birth date."""
    from shared.derive import derive_child_visits

    kader = device("kader_a1")
    p = person(birth_date="2025-01-10", sex="M")
    visits = [
        child_visit(p, visit_date=f"2026-0{m}-10", weight_kg=8.0 + m * 0.3, length_cm=70.0 + m)
        for m in (1, 2, 4)
    ]
    kader.push([kader.mutation("person", p)] + [kader.mutation("child_visit", v) for v in visits])

    def check(person_fields, inputs):
        kader.pull_all()
        fresh = derive_child_visits(person_fields, inputs)
        for v in inputs:
            stored = kader.replica[v["id"]]["fields"]
            assert {k: stored.get(k) for k in fresh[v["id"]]} == fresh[v["id"]], v["visit_date"]

    check(p, visits)
    late = child_visit(p, visit_date="2026-03-10", weight_kg=8.1, length_cm=73.0)  # a T in March
    kader.push([kader.mutation("child_visit", late)])
    visits.insert(2, late)
    check(p, visits)
    april = kader.replica[visits[3]["id"]]
    assert april["fields"]["growth_status"] == "N"  # 8.1 -> 9.2 kg
    older = {**p, "birth_date": "2024-07-10"}  # six months older: every z-score moves
    before = {v["id"]: kader.replica[v["id"]]["fields"]["waz"] for v in visits}
    kader.push([kader.mutation("person", older, base_version=1)])
    check(older, visits)
    assert all(kader.replica[v["id"]]["fields"]["waz"] != before[v["id"]] for v in visits)


def test_a_new_record_sent_unnormalised_is_stored_as_its_fields_load_it(device):
    """A new record is validated once only when nothing in it needs normalising (issue #19);
    an upper-case reference and padded text still go the per-field way and land clean."""
    kader = device("kader_a1")
    p = person(name="  Siti Aminah  ")
    v = child_visit(p, person_id=p["id"].upper(), weight_kg=9)
    body = kader.push([kader.mutation("person", p), kader.mutation("child_visit", v)]).json()
    assert [r["status"] for r in body["results"]] == ["applied", "applied"], body
    kader.pull_all()
    assert kader.replica[p["id"]]["fields"]["name"] == "Siti Aminah"
    stored = kader.replica[v["id"]]["fields"]
    assert stored["person_id"] == p["id"] and stored["weight_kg"] == 9.0


def test_a_new_record_with_a_bad_field_is_refused_for_that_field_first(device):
    """The per-field errors come first, as before the single validation: a bad sex with a
    missing name answers the sex (in Indonesian), not the record's own rules."""
    kader = device("kader_a1")
    bad = {k: v for k, v in person(sex="X").items() if k != "name"}
    result = kader.push([kader.mutation("person", bad)]).json()["results"][0]
    assert result["status"] == "rejected"
    assert list(result["errors"]) == ["sex"]
    assert "Jenis kelamin" in result["errors"]["sex"][0]


def test_a_conflict_names_the_logged_mutation_that_made_it(app, device):
    """Mutation-log rows are inserted in bulk (issue #19); a conflict still points at the row
    of the mutation that caused it."""
    from server.extensions import db
    from server.models import Conflict, MutationLog

    a, b = device("kader_a1"), device("bidan_a")
    p = person()
    a.push([a.mutation("person", p)])
    a.push([a.mutation("person", {"name": "Nama A"}, record_id=p["id"], base_version=1)])
    b.clock_ms = a.clock_ms + 1000
    b.push([b.mutation("person", person())])
    late = b.mutation("person", {"name": "Nama B"}, record_id=p["id"], base_version=1)
    assert b.push([late]).json()["results"][0]["status"] == "conflict"
    with app.app_context():
        conflict = db.session.query(Conflict).filter_by(record_id=p["id"]).one()
        log = db.session.get(MutationLog, conflict.mutation_id)
        assert (log.device_id, log.seq, log.status) == (b.device_id, late["seq"], "conflict")
