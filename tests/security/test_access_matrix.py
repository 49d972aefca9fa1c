"""Every route of app.url_map x every role (and anonymous): reads and writes outside the caller's scope.

The route table below classifies each (endpoint, method); a route added to the server without a
probe here fails ``test_every_route_has_probes``. Each probe runs for kader, bidan_desa, puskesmas,
kecamatan, dinas, admin and anonymous against a world holding records of every scope. Always
checked: never a 5xx, the status is one the probe allows, no marker word of a scope the caller may
not read appears in the answer (JSON, HTML, CSV or the cells of an XLSX), nothing outside the
caller's scope changed.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from testkit import world as world_mod
from tests.security.conftest import (
    MARKERS,
    READERS,
    ROLE_USERS,
    Seeded,
    forbidden_markers,
    ilp_records,
)

REFERENCE_IDS = {w["id"] for w in world_mod.WILAYAH} | {f["id"] for f in world_mod.FACILITIES}
POSYANDU_OF = {"A1": "PSY-A1", "A2": "PSY-A2", "B1": "PSY-B1"}
NO_SUCH_CONFLICT = 2_000_000_000
DENIED = {401, 403, 404}


def readable_ids(s: Seeded, username: str | None) -> set[str]:
    """Return the seeded (non-reference) records ``username`` may read."""
    ids = set()
    for scope in ("A1", "A2", "B1"):
        if username in READERS[scope]:
            ids |= {s.persons[scope], s.visits[scope], *s.ilp[scope].values()}
    for scope in ("LA", "LB"):
        if username in READERS[scope]:
            ids |= {s.meetings[scope], s.agreements[scope]}
    return ids


def all_seeded_ids(s: Seeded) -> set[str]:
    return readable_ids(s, "dinas")


def readable_posyandu(username: str | None) -> set[str]:
    return {POSYANDU_OF[k] for k in POSYANDU_OF if username in READERS[k]}


def body_text(response) -> str:
    """Return every string of a response (the cells of an XLSX workbook, else the decoded body)."""
    if response.data[:2] == b"PK":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.data), read_only=True)
        return "\n".join(
            str(v)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    return response.data.decode("utf-8", "replace")


# -- probes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    endpoint: str
    method: str
    rule: str
    variant: str
    send: Callable  # (seeded, username) -> response
    allowed: Callable  # (username) -> set of statuses
    check: Callable | None = None  # (seeded, username, response) -> None (asserts)

    @property
    def id(self) -> str:
        return f"{self.method}-{self.rule}-{self.variant}"


def api(method: str, path, **kw):
    """Send an API request with the caller's token (none for anonymous)."""

    def send(s: Seeded, user):
        headers = dict(s.callers[user].headers) if user else {"Accept-Language": "id"}
        target = path(s, user) if callable(path) else path
        extra = {k: (v(s, user) if callable(v) else v) for k, v in kw.items()}
        return s.app.test_client().open(target, method=method, headers=headers, **extra)

    return send


def web(method: str, path, data=None):
    """Send a web request in the caller's session (a valid CSRF token on writes)."""

    def send(s: Seeded, user):
        target = path(s, user) if callable(path) else path
        client = s.web(user)
        if method == "GET":
            return client.get(target)
        form = data(s, user) if callable(data) else dict(data or {})
        form["csrf_token"] = s.csrf(user)
        return client.open(target, method=method, data=form)

    return send


def token_api(user) -> set[int]:
    return {401} if user is None else {200}


def web_page(user) -> set[int]:
    return {302} if user is None else {200}


def readers_only(scope: str, ok: int = 200):
    return lambda user: {302} if user is None else ({ok} if user in READERS[scope] else {404})


def never_applied(s: Seeded, user, response):
    """A push outside scope: answered per mutation as ``rejected`` (or refused whole)."""
    if user is None:
        return
    s.callers[user].sync_seq(response)
    if response.status_code == 200:
        assert [r["status"] for r in response.json["results"]] == ["rejected"], response.json


def ids_subset(key: str, exact: bool = True):
    """The listed record ids are reference records or seeded records the caller may read."""

    def check(s: Seeded, user, response):
        if user is None:
            return
        items = response.json[key]
        got = {(c["id"] if isinstance(c, dict) else c) for c in items}
        allowed = readable_ids(s, user)
        assert got - REFERENCE_IDS <= allowed, got - REFERENCE_IDS - allowed
        if exact:
            assert allowed <= got  # the caller's own records are there: not an empty pass

    return check


def fetch_check(s: Seeded, user, response):
    if user is None:
        return
    found = {c["id"] for c in response.json["changes"]}
    assert found == readable_ids(s, user)
    assert set(response.json["missing"]) == all_seeded_ids(s) - found


def conflicts_check(s: Seeded, user, response):
    if user is None:
        return
    got = {int(c["id"]) for c in response.json["conflicts"]}
    assert got == {s.conflicts[k] for k in ("A1", "B1") if user in READERS[k]}


def indicator_rows_check(s: Seeded, user, response):
    if user is None or response.status_code != 200:
        return
    codes = {row["code"] for row in response.json["rows"]}
    assert codes <= readable_posyandu(user), codes - readable_posyandu(user)


def unchanged(*targets):
    """The records named (scope keys of Seeded dicts) keep their version and are not deleted."""

    def check(s: Seeded, user, response, before=None):
        for attr, scope in targets:
            row = s.record(getattr(s, attr)[scope])
            assert row is not None and row[2] is False, (attr, scope)
            assert not any(w in str(row[0]) for w in ("Hijack", "Zorbxx")), row[0]

    return check


def both(*checks):
    def check(s, user, response):
        for c in checks:
            c(s, user, response)

    return check


def shows(word: str, scope: str):
    """Readers of ``scope`` see ``word`` (the page is not empty by accident)."""

    def check(s, user, response):
        if user is not None and user in READERS[scope] and response.status_code == 200:
            assert word in body_text(response), word

    return check


def conflict_open(scope: str):
    def check(s: Seeded, user, response):
        from server.extensions import db
        from server.models import Conflict

        with s.app.app_context():
            assert db.session.get(Conflict, s.conflicts[scope]).status == "open"

    return check


def device_active(s: Seeded, user, response):
    from server.extensions import db
    from server.models import Device

    with s.app.app_context():
        assert db.session.get(Device, s.devices["kader_b1"]).revoked_at is None


def sasaran_only_by_kabupaten(s: Seeded, user, response=None):
    """Only the dinas's and the admin's requests set a target for another puskesmas's desa."""
    from server.extensions import db
    from server.models import SasaranProyeksi

    with s.app.app_context():
        row = db.session.get(SasaranProyeksi, ("6111022001", 2026))
        assert (row is not None) == (user in ("dinas", "admin")), user
        if row is not None:
            db.session.delete(row)
            db.session.commit()


def sasaran_csv(s: Seeded, user) -> dict:
    """A targets CSV naming desa A and the other puskesmas's desa B (refused whole for pkm_a)."""
    text = "kode_desa,tahun,sasaran_balita\n6111012001,2026,3\n6111022001,2026,7\n"
    return {"sumber": "Proyeksi", "berkas": (io.BytesIO(text.encode()), "sasaran.csv")}


def no_sasaran_a(s: Seeded, user, response=None):
    """pkm_a's refused CSV wrote nothing, not even its own desa's line."""
    from server.extensions import db
    from server.models import SasaranProyeksi

    with s.app.app_context():
        row = db.session.get(SasaranProyeksi, ("6111012001", 2026))
        assert (row is not None) == (user in ("dinas", "admin")), user
        if row is not None:
            db.session.delete(row)
            db.session.commit()
    sasaran_only_by_kabupaten(s, user)


def no_paper_count(s: Seeded, user, posyandu: str):
    """Only the admin's request wrote paper counts for another puskesmas's posyandu."""
    from server.extensions import db
    from server.models import PaperCount

    with s.app.app_context():
        row = db.session.get(PaperCount, (posyandu, "2026-10"))
        assert (row is not None) == (user == "admin") or user is None and row is None
        if row is not None and user == "admin":
            db.session.delete(row)
            db.session.commit()


def no_hari_buka(s: Seeded, user, posyandu: str):
    """Only the admin's request stored the hari buka of another puskesmas's posyandu."""
    from server.extensions import db
    from server.models import HariBuka

    with s.app.app_context():
        row = db.session.get(HariBuka, posyandu)
        assert (row is not None) == (user == "admin") or user is None and row is None
        if row is not None and user == "admin":
            db.session.delete(row)
            db.session.commit()


def redirects_to_login(s, user, response):
    if user is None and response.status_code == 302 and response.request.path != "/":
        assert "/masuk" in response.headers["Location"]


def push_of(make):
    """A push of the mutation ``make(seeded, user)`` returns (JSON body)."""

    def body(s: Seeded, user):
        if user is None:  # no token: any well-formed batch
            return {"device_id": s.devices["kader_b1"], "mutations": []}
        caller = s.callers[user]
        return {"device_id": caller.device_id, "mutations": [make(s, user, caller)]}

    return body


def new_person_in(posyandu: str):
    def make(s, user, caller):
        from testkit.factories import person

        return caller.mutation(
            "person", person(posyandu, desa_code="6111022001", name="Anak Zorbxx")
        )

    return make


def hijack(scope: str, op: str = "upsert", fields=None):
    def make(s, user, caller):
        record_id = s.persons[scope]
        version = s.record(record_id)[1]
        return caller.mutation(
            "person",
            fields or {"name": "Hijack", "posyandu_id": "PSY-A1"},
            record_id=record_id,
            op=op,
            base_version=version,
        )

    return make


def new_ilp_record_in_b1(kind: str):
    """A record of an ILP kind in posyandu B1, about B1's persons (made from the seed's shape)."""

    def make(s, user, caller):
        child = {**s.record(s.persons["B1"])[0], "name": "Anak Zorbxx"}
        fields = dict(next(f for k, f in ilp_records(child, "Zorbxx") if k == kind))
        owner = {"postpartum_visit": "mother", "family_planning": "mother", "youth_visit": "youth"}
        if kind in owner:
            fields["person_id"] = s.ilp["B1"][owner[kind]]
        if "pregnancy_id" in fields:
            fields["pregnancy_id"] = s.ilp["B1"]["pregnancy"]
        if "source_id" in fields:
            fields["source_id"] = s.ilp["B1"]["tb_screening"]
        return caller.mutation(kind, fields)

    return make


def hijack_ilp(kind: str, op: str = "upsert"):
    """An edit (or delete) of B1's record of an ILP kind, moving it to PSY-A1."""

    def make(s, user, caller):
        record_id = s.ilp["B1"][kind]
        version = s.record(record_id)[1]
        fields = {} if op == "delete" else {"notes": "Hijack", "posyandu_id": "PSY-A1"}
        return caller.mutation(kind, fields, record_id=record_id, op=op, base_version=version)

    return make


def ilp_unchanged(kind: str):
    def check(s: Seeded, user, response):
        row = s.record(s.ilp["B1"][kind])
        assert row is not None and row[2] is False and row[0]["posyandu_id"] == "PSY-B1", kind
        assert "Hijack" not in str(row[0])

    return check


def lokmin_meeting_in(kec: str):
    def make(s, user, caller):
        return caller.mutation(
            "lokmin_meeting",
            {
                "id": str(uuid.uuid4()),
                "kecamatan_code": kec,
                "kind": "tribulanan_rutin",
                "year": 2026,
                "quarter": 4,
                "status": "planned",
                "chair_name": "Zorbxx",
            },
        )

    return make


def lokmin_update(scope: str):
    def make(s, user, caller):
        return caller.mutation(
            "lokmin_agreement",
            {"status": "done", "progress_note": "Hijack"},
            record_id=s.agreements[scope],
            base_version=1,
        )

    return make


def push_other_device(s: Seeded, user):
    if user is None:
        return {"device_id": s.devices["kader_b1"], "mutations": []}
    caller = s.callers[user]
    from testkit.factories import person

    m = caller.mutation("person", person("PSY-A1", name="Anak Zorbxx"))
    return {"device_id": s.devices["kader_b1"], "mutations": [m]}


def is_self(s: Seeded, user, response):
    if user is not None:
        assert response.json["device_id"] == s.callers[user].device_id
        assert response.json["user"]["name"] == user.replace("_", " ").title()


def still_in_a2(s: Seeded, user, response):
    assert s.record(s.persons["A2"])[0]["posyandu_id"] == "PSY-A2"


def conflict_target(scope: str, skip: set[str]):
    """A conflict id of ``scope``; a missing one for callers who could legitimately resolve it."""
    return lambda s, user: NO_SUCH_CONFLICT if user in skip else s.conflicts[scope]


OTHER_UNIT_PARAMS = {
    "posyandu_id": "PSY-B1",
    "posyandu": "PSY-B1",
    "kecamatan": "611102",
    "kecamatan_code": "611102",
    "facility": "PKM-B",
    "puskesmas": "PKM-B",
    "desa_code": "6111022001",
    "user": "kader_b1",
    "device_id": "x",
}

PUSH = ("sync.push", "POST", "/api/v1/sync/push")
RESOLVE_API = ("conflicts.resolve_conflict", "POST", "/api/v1/conflicts/<id>/resolve")
REOPEN_API = ("conflicts.reopen_conflict", "POST", "/api/v1/conflicts/<id>/reopen")

# A wrong sign-in: 401, or 429 once this module's many probes from one address are throttled.
REFUSED_LOGIN = {401, 429}

PROBES: list[Probe] = [
    # -- API ----------------------------------------------------------------------------------
    Probe(
        "reviews.post_merge",
        "POST",
        "/api/v1/persons/<person_id>/merge",
        "other-puskesmas-into-unknown",
        api(
            "POST",
            lambda s, u: f"/api/v1/persons/{s.persons['B1']}/merge",
            json={"into": str(uuid.uuid4())},
        ),
        lambda u: {401} if u is None else {403, 404},
    ),
    Probe(
        "reviews.post_review",
        "POST",
        "/api/v1/reviews/<posyandu_id>/<period>",
        "posyandu-of-other-puskesmas",
        api("POST", "/api/v1/reviews/PSY-B1/2026-10", json={"status": "verified"}),
        lambda u: {401} if u is None else {403},
    ),
    Probe(
        "auth.post_login",
        "POST",
        "/api/v1/auth/login",
        "unknown-user",
        api(
            "POST",
            "/api/v1/auth/login",
            json={"username": "nobody_x", "password": "x", "device_name": "d"},
        ),
        lambda u: REFUSED_LOGIN,
    ),
    Probe(
        "auth.post_login",
        "POST",
        "/api/v1/auth/login",
        "other-user-wrong-password",
        api(
            "POST",
            "/api/v1/auth/login",
            json={"username": "kader_b2", "password": "x", "device_name": "d"},
        ),
        lambda u: REFUSED_LOGIN,
    ),
    Probe(
        "auth.get_me",
        "GET",
        "/api/v1/auth/me",
        "self",
        api("GET", "/api/v1/auth/me"),
        token_api,
        is_self,
    ),
    Probe(
        "auth.get_me",
        "GET",
        "/api/v1/auth/me",
        "other-unit-params",
        api("GET", "/api/v1/auth/me", query_string=OTHER_UNIT_PARAMS),
        token_api,
        is_self,
    ),
    Probe(
        "api-docs.openapi_json",
        "GET",
        "/api/v1/openapi.json",
        "public",
        api("GET", "/api/v1/openapi.json"),
        lambda u: {200},
    ),
    Probe(
        "sync.pull",
        "GET",
        "/api/v1/sync/pull",
        "own-scope",
        api("GET", "/api/v1/sync/pull", query_string={"limit": 1000}),
        token_api,
        ids_subset("changes"),
    ),
    Probe(
        "sync.pull",
        "GET",
        "/api/v1/sync/pull",
        "other-unit-params",
        api("GET", "/api/v1/sync/pull", query_string={"limit": 1000, **OTHER_UNIT_PARAMS}),
        lambda u: {401} if u is None else {200, 400, 422},
        ids_subset("changes"),
    ),
    Probe(
        "sync.ids",
        "GET",
        "/api/v1/sync/ids",
        "own-scope",
        api("GET", "/api/v1/sync/ids", query_string={"limit": 5000}),
        token_api,
        ids_subset("records"),
    ),
    Probe(
        "sync.ids",
        "GET",
        "/api/v1/sync/ids",
        "other-unit-params",
        api("GET", "/api/v1/sync/ids", query_string={"limit": 5000, **OTHER_UNIT_PARAMS}),
        lambda u: {401} if u is None else {200, 400, 422},
        ids_subset("records"),
    ),
    Probe(
        "sync.fetch",
        "POST",
        "/api/v1/sync/fetch",
        "record-ids-of-others",
        api("POST", "/api/v1/sync/fetch", json=lambda s, u: {"ids": sorted(all_seeded_ids(s))}),
        token_api,
        fetch_check,
    ),
    Probe(
        *PUSH,
        "new-record-other-posyandu",
        api("POST", "/api/v1/sync/push", json=push_of(new_person_in("PSY-B1"))),
        lambda u: {401} if u is None else {200},
        never_applied,
    ),
    Probe(
        *PUSH,
        "update-record-of-other-posyandu",
        api("POST", "/api/v1/sync/push", json=push_of(hijack("B1"))),
        lambda u: {401} if u is None else {200},
        both(never_applied, unchanged(("persons", "B1"))),
    ),
    Probe(
        *PUSH,
        "delete-record-of-other-posyandu",
        api("POST", "/api/v1/sync/push", json=push_of(hijack("B1", "delete", {}))),
        lambda u: {401} if u is None else {200},
        both(never_applied, unchanged(("persons", "B1"))),
    ),
    Probe(
        *PUSH,
        "move-record-into-other-posyandu",
        api(
            "POST",
            "/api/v1/sync/push",
            json=push_of(hijack("A2", fields={"posyandu_id": "PSY-B1", "desa_code": "6111022001"})),
        ),
        lambda u: {401} if u is None else {200},
        both(never_applied, still_in_a2),
    ),
    Probe(
        *PUSH,
        "lokmin-other-kecamatan",
        api("POST", "/api/v1/sync/push", json=push_of(lokmin_meeting_in("611102"))),
        lambda u: {401} if u is None else {200},
        never_applied,
    ),
    Probe(
        *PUSH,
        "lokmin-agreement-of-other-kecamatan",
        api("POST", "/api/v1/sync/push", json=push_of(lokmin_update("LB"))),
        lambda u: {401} if u is None else {200},
        both(never_applied, unchanged(("agreements", "LB"))),
    ),
    Probe(
        *PUSH,
        "device-id-of-other-user",
        api("POST", "/api/v1/sync/push", json=lambda s, u: push_other_device(s, u)),
        lambda u: {401} if u is None else {403},
        lambda s, u, r: u is None or s.callers[u].sync_seq(r),
    ),
    Probe(
        "conflicts.list_conflicts",
        "GET",
        "/api/v1/conflicts",
        "own-scope",
        api("GET", "/api/v1/conflicts", query_string={"limit": 1000}),
        token_api,
        conflicts_check,
    ),
    Probe(
        "conflicts.list_conflicts",
        "GET",
        "/api/v1/conflicts",
        "other-unit-params",
        api("GET", "/api/v1/conflicts", query_string={"limit": 1000, **OTHER_UNIT_PARAMS}),
        token_api,
        conflicts_check,
    ),
    Probe(
        *RESOLVE_API,
        "conflict-of-other-puskesmas",
        api(
            "POST",
            lambda s, u: f"/api/v1/conflicts/{conflict_target('B1', {'admin'})(s, u)}/resolve",
            json={"choice": "loser"},
        ),
        lambda u: {401} if u is None else {403, 404},
        conflict_open("B1"),
    ),
    Probe(
        *RESOLVE_API,
        "conflict-in-area-not-a-reviewer",
        api(
            "POST",
            lambda s, u: (
                f"/api/v1/conflicts/{conflict_target('A1', {'admin', 'pkm_a'})(s, u)}/resolve"
            ),
            json={"choice": "loser"},
        ),
        lambda u: {401} if u is None else {403, 404},
        conflict_open("A1"),
    ),
    Probe(
        "conflicts.list_conflicts",
        "GET",
        "/api/v1/conflicts",
        "record-ids-of-both-scopes",
        api(
            "GET",
            "/api/v1/conflicts",
            query_string=lambda s, u: {"record_ids": f"{s.persons['B1']},{s.persons['A1']}"},
        ),
        token_api,
        conflicts_check,  # both records asked: the same conflicts as the whole queue, no more
    ),
    Probe(
        *REOPEN_API,
        "conflict-of-other-puskesmas",
        api(
            "POST",
            lambda s, u: f"/api/v1/conflicts/{conflict_target('B1', {'admin'})(s, u)}/reopen",
        ),
        lambda u: {401} if u is None else {403, 404},
        conflict_open("B1"),
    ),
    Probe(
        *REOPEN_API,
        "conflict-in-area-not-a-reviewer",
        api(
            "POST",
            lambda s, u: (
                f"/api/v1/conflicts/{conflict_target('A1', {'admin', 'pkm_a'})(s, u)}/reopen"
            ),
        ),
        lambda u: {401} if u is None else {403, 404},
        conflict_open("A1"),
    ),
]

ILP_KINDS = (
    "youth_visit",
    "postpartum_visit",
    "family_planning",
    "tb_screening",
    "immunization",
    "referral",
)
for kind in ILP_KINDS:
    PROBES += [
        Probe(
            *PUSH,
            f"new-{kind}-other-posyandu",
            api("POST", "/api/v1/sync/push", json=push_of(new_ilp_record_in_b1(kind))),
            lambda u: {401} if u is None else {200},
            never_applied,
        ),
        Probe(
            *PUSH,
            f"update-{kind}-of-other-posyandu",
            api("POST", "/api/v1/sync/push", json=push_of(hijack_ilp(kind))),
            lambda u: {401} if u is None else {200},
            both(never_applied, ilp_unchanged(kind)),
        ),
        Probe(
            *PUSH,
            f"delete-{kind}-of-other-posyandu",
            api("POST", "/api/v1/sync/push", json=push_of(hijack_ilp(kind, "delete"))),
            lambda u: {401} if u is None else {200},
            both(never_applied, ilp_unchanged(kind)),
        ),
    ]

for parent in ("PKM-B", "611102", "6111022001", "6111"):
    PROBES.append(
        Probe(
            "indicators.indicators",
            "GET",
            "/api/v1/indicators",
            f"posyandu-under-{parent}",
            api(
                "GET",
                "/api/v1/indicators",
                query_string={"period": "2026-10", "level": "posyandu", "parent": parent},
            ),
            lambda u: {401} if u is None else {200, 403, 404, 422},
            indicator_rows_check,
        )
    )


def indicator_sums_check(s: Seeded, user, response):
    """Sums at any level count only the children the caller may read (one per seeded posyandu)."""
    if user is None:
        return
    total = sum(row["counts"].get("S", 0) for row in response.json["rows"])
    assert total == len(readable_posyandu(user)), (total, readable_posyandu(user))


for level in ("kabupaten", "kecamatan", "puskesmas", "desa", "posyandu"):
    PROBES.append(
        Probe(
            "indicators.indicators",
            "GET",
            "/api/v1/indicators",
            f"sums-at-{level}-level",
            api("GET", "/api/v1/indicators", query_string={"period": "2026-10", "level": level}),
            token_api,
            indicator_sums_check,
        )
    )

FHIR_ROLES = {"pkm_a", "pkm_b", "dinas", "admin"}  # the SATUSEHAT export's roles


def fhir_patients_check(area: str, exact: bool):
    """The export's Patients are persons the caller may read (all of them for the kabupaten)."""

    def check(s: Seeded, user, response):
        if user is None or response.status_code != 200:
            return
        got = {
            i["value"]
            for e in response.json.get("entry", [])
            if e["resource"]["resourceType"] == "Patient"
            for i in e["resource"]["identifier"]
            if i["system"].endswith("/sid/person")
        }
        allowed = {s.persons[k] for k in POSYANDU_OF if user in READERS[k]}
        assert got <= allowed, (area, got - allowed)
        if exact:
            assert got == allowed, (area, allowed - got)

    return check


for area in ("6111", "PKM-B", "611102", "6111022001", "PSY-B1", "PSY-A2"):
    PROBES.append(
        Probe(
            "export.fhir_bundle",
            "GET",
            "/api/v1/export/fhir",
            f"area-{area}",
            api("GET", "/api/v1/export/fhir", query_string={"period": "2026-10", "area": area}),
            lambda u: {401} if u is None else ({200} if u in FHIR_ROLES else {403}),
            fhir_patients_check(area, exact=area == "6111"),
        )
    )


# -- web pages --------------------------------------------------------------------------------
WEB_GETS = [
    ("web.index", "/", "home", lambda u: {302}, None),
    ("web.login", "/masuk", "page", lambda u: {200}, None),
    ("web.summary", "/ringkasan", "default", web_page, None),
    (
        "web.summary",
        "/ringkasan?posyandu=PSY-B1&period=2026-10",
        "other-posyandu",
        readers_only("B1"),
        shows("Zorbb", "B1"),
    ),
    (
        "web.summary",
        "/ringkasan?posyandu=PSY-A1&period=2026-10",
        "posyandu-a1",
        readers_only("A1"),
        shows("Zorba", "A1"),
    ),
    (
        "web.summary",
        "/ringkasan?level=posyandu&parent=PKM-B&period=2026-10",
        "other-puskesmas",
        lambda u: {302} if u is None else {200, 404},
        None,
    ),
    (
        "web.summary",
        "/ringkasan?level=desa&parent=611102&period=2026-10",
        "other-kecamatan",
        lambda u: {302} if u is None else {200, 404},
        None,
    ),
    (
        "web.summary",
        "/ringkasan?posyandu=PSY-B1&format=csv&period=2026-10",
        "other-posyandu-csv",
        readers_only("B1"),
        None,
    ),
    (
        "web.summary",
        "/ringkasan?level=posyandu&parent=6111&format=xlsx&period=2026-10",
        "kabupaten-xlsx",
        lambda u: {302} if u is None else {200, 404},
        None,
    ),
    ("web.kia", "/kia", "default", web_page, None),
    ("web.deaths", "/kematian", "default", web_page, None),
    ("web.odf", "/odf", "default", web_page, None),
    ("web.signals", "/sinyal", "default", web_page, None),
    ("web.ilp", "/ilp", "default", web_page, None),
    ("web.meeting_pack", "/paket-rapat", "default", web_page, None),
    (
        "web.ilp",
        "/ilp?level=posyandu&parent=PKM-B&format=xlsx",
        "other-puskesmas-xlsx",
        lambda u: {302} if u is None else ({200} if u in READERS["B1"] else {404}),
        None,
    ),
    (
        "web.meeting_pack",
        "/paket-rapat?unit=PKM-B&format=xlsx",
        "other-puskesmas-xlsx",
        lambda u: {302} if u is None else ({200} if u in READERS["B1"] else {404}),
        None,
    ),
    (
        "web.kia",
        "/kia?level=posyandu&parent=PKM-B",
        "other-puskesmas",
        lambda u: {302} if u is None else ({200} if u in READERS["B1"] else {404}),
        None,
    ),
    ("web.trend", "/tren", "default", web_page, None),
    ("web.rank", "/peringkat", "default", web_page, None),
    (
        "web.rank",
        "/peringkat?parent=PKM-B&level=posyandu&indicator=ds",
        "other-puskesmas",
        lambda u: {302} if u is None else ({200} if u in READERS["B1"] else {404}),
        None,
    ),
    (
        "web.rank",
        "/peringkat?parent=611102&indicator=stunting",
        "other-kecamatan",
        lambda u: {302} if u is None else ({200} if u in READERS["B1"] else {404}),
        None,
    ),
    (
        "web.trend",
        "/tren?code=PKM-B",
        "other-puskesmas",
        lambda u: {302} if u is None else ({200} if u in READERS["B1"] else {404}),
        None,
    ),
    (
        "web.trend",
        "/tren?code=611102",
        "other-kecamatan",
        lambda u: {302} if u is None else ({200} if u in READERS["B1"] else {404}),
        None,
    ),
    (
        "web.trend",
        "/tren?code=PSY-B1&format=csv",
        "other-posyandu-csv",
        lambda u: {302} if u is None else ({200} if u in READERS["B1"] else {404}),
        None,
    ),
    (
        "web.child",
        lambda s, u: f"/anak/{s.persons['B1']}",
        "child-of-other-puskesmas",
        readers_only("B1"),
        shows("Zorbb", "B1"),
    ),
    (
        "web.child",
        lambda s, u: f"/anak/{s.persons['A2']}",
        "child-of-other-posyandu",
        readers_only("A2"),
        shows("Zorbab", "A2"),
    ),
    (
        "web.child",
        lambda s, u: f"/anak/{s.visits['A1']}",
        "visit-id-as-child",
        lambda u: {302} if u is None else {404},
        None,
    ),
    (
        "web.export_eppgbm",
        "/ekspor/eppgbm.xlsx?area=PSY-B1&period=2026-10",
        "other-posyandu",
        readers_only("B1"),
        shows("Zorbb", "B1"),
    ),
    (
        "web.export_eppgbm",
        "/ekspor/eppgbm.xlsx?area=611102&period=2026-10",
        "other-kecamatan",
        readers_only("B1"),
        None,
    ),
    (
        "web.export_eppgbm",
        "/ekspor/eppgbm.xlsx?area=PKM-B&period=2026-10",
        "other-puskesmas",
        readers_only("B1"),
        None,
    ),
    (
        "web.export_eppgbm",
        "/ekspor/eppgbm.xlsx?area=6111&period=2026-10",
        "whole-kabupaten",
        web_page,
        shows("Zorba", "A1"),
    ),
    (
        "web.export_sip6",
        "/ekspor/sip6.xlsx?posyandu=PSY-B1&period=2026-10",
        "other-posyandu",
        readers_only("B1"),
        None,
    ),
    ("web.conflicts", "/konflik?status=all", "all", web_page, shows("Zorbac", "A1")),
    ("web.conflicts", "/konflik?status=all&format=csv", "csv", web_page, shows("Zorbbc", "B1")),
    (
        "web.conflicts",
        "/konflik?status=all&format=xlsx&posyandu=PSY-B1&kecamatan=611102",
        "xlsx-other-unit-params",
        web_page,
        shows("Zorbac", "A1"),
    ),
    ("web.lokmin", "/lokmin", "page", web_page, shows("Zorbla", "LA")),
    (
        "web.lokmin",
        "/lokmin?kecamatan=611102&kecamatan_code=611102",
        "other-kecamatan-params",
        web_page,
        shows("Zorbla", "LA"),
    ),
    ("web.lokmin", "/lokmin?format=csv&table=agreements", "csv-agreements", web_page, None),
    ("web.lokmin", "/lokmin?format=xlsx", "xlsx", web_page, None),
    (
        "web.lokmin_meeting",
        lambda s, u: f"/lokmin/pertemuan/{s.meetings['LB']}",
        "meeting-of-other-kecamatan",
        readers_only("LB"),
        shows("Zorblb", "LB"),
    ),
    (
        "web.lokmin_meeting",
        lambda s, u: f"/lokmin/pertemuan/{s.meetings['LA']}?format=xlsx",
        "xlsx",
        readers_only("LA"),
        shows("Zorbla", "LA"),
    ),
    (
        "web.lokmin_attachment",
        "/lokmin/lampiran/00000000-0000-4000-8000-000000000000",
        "unknown-attachment",
        lambda u: {302} if u is None else {404},
        None,
    ),
    ("web.quality", "/mutu-data?days=3650", "page", web_page, None),
    (
        "web.quality",
        "/mutu-data?days=3650&format=csv&posyandu=PSY-B1",
        "csv-other-params",
        web_page,
        None,
    ),
    ("web.weekly", "/evaluasi-mingguan", "page", web_page, None),
    ("web.verify", "/verifikasi?period=2026-10", "page", web_page, None),
    (
        "web.duplicates",
        "/data-ganda",
        "reviewers-only",
        lambda u: {302} if u is None else ({200} if u in ("pkm_a", "dinas", "admin") else {403}),
        None,
    ),
    (
        "web.bundles",
        "/bundel",
        "reviewers-only",
        lambda u: {302} if u is None else ({200} if u in ("pkm_a", "dinas", "admin") else {403}),
        None,
    ),
    (
        "web.reconcile",
        "/rekonsiliasi?period=2026-10",
        "readers-only",
        lambda u: (
            {302} if u is None else ({200} if u in ("pkm_a", "kec_a", "dinas", "admin") else {403})
        ),
        None,
    ),
    (
        "web.verify",
        "/verifikasi?period=2026-10&posyandu=PSY-B1",
        "other-unit-params",
        web_page,
        None,
    ),
    (
        "web.weekly",
        "/evaluasi-mingguan?format=xlsx&puskesmas=PKM-B",
        "xlsx-other-params",
        web_page,
        None,
    ),
    (
        "web.users",
        "/pengguna",
        "admin-only",
        lambda u: {302} if u is None else ({200} if u == "admin" else {403}),
        None,
    ),
    (
        "web.users",
        "/pengguna?format=csv&table=devices",
        "devices-csv",
        lambda u: {302} if u is None else ({200} if u == "admin" else {403}),
        None,
    ),
    ("static", "/static/web/web.css", "public-asset", lambda u: {200}, None),
    ("web.static", "/static/web/charts.js", "public-asset", lambda u: {200}, None),
    ("web.favicon", "/favicon.ico", "public-asset", lambda u: {301}, None),
]
CALLABLE_PATH_RULES = {"web.lokmin_meeting": "/lokmin/pertemuan/<meeting_id>"}
for endpoint, path, variant, allowed, check in WEB_GETS:
    rule = path if isinstance(path, str) else CALLABLE_PATH_RULES.get(endpoint, "/anak/<person_id>")
    PROBES.append(
        Probe(
            endpoint,
            "GET",
            rule.split("?")[0],
            variant,
            web("GET", path),
            allowed,
            both(redirects_to_login, *([check] if check else [])),
        )
    )


def web_write(user_ok=None):
    """Anonymous callers are sent to sign in; signed-in callers are refused."""
    return lambda u: {302} if u is None else {403, 404}


PROBES += [
    Probe(
        "web.login",
        "POST",
        "/masuk",
        "wrong-password",
        web("POST", "/masuk", {"username": "kader_b1", "password": "salah"}),
        lambda u: REFUSED_LOGIN,
    ),
    Probe(
        "web.logout",
        "POST",
        "/keluar",
        "own-session",
        lambda s, u: s.app.test_client().post(
            "/keluar",
            data={
                "csrf_token": __import__("tests.security.conftest", fromlist=["csrf_of"]).csrf_of(
                    s.app.test_client().get("/masuk").text
                )
            },
        ),
        lambda u: {302, 400},
    ),
    Probe(
        "web.resolve_conflict",
        "POST",
        "/konflik/<id>/selesaikan",
        "conflict-of-other-puskesmas",
        web(
            "POST",
            lambda s, u: f"/konflik/{conflict_target('B1', {'admin'})(s, u)}/selesaikan",
            {"choice": "loser"},
        ),
        web_write(),
        conflict_open("B1"),
    ),
    Probe(
        "web.resolve_conflict",
        "POST",
        "/konflik/<id>/selesaikan",
        "in-area-not-a-reviewer",
        web(
            "POST",
            lambda s, u: f"/konflik/{conflict_target('A1', {'admin', 'pkm_a'})(s, u)}/selesaikan",
            {"choice": "loser"},
        ),
        web_write(),
        conflict_open("A1"),
    ),
    Probe(
        "web.reopen_conflict",
        "POST",
        "/konflik/<id>/buka-lagi",
        "conflict-of-other-puskesmas",
        web(
            "POST",
            lambda s, u: f"/konflik/{conflict_target('B1', {'admin'})(s, u)}/buka-lagi",
            {},
        ),
        web_write(),
        conflict_open("B1"),
    ),
    Probe(
        "web.reopen_conflict",
        "POST",
        "/konflik/<id>/buka-lagi",
        "in-area-not-a-reviewer",
        web(
            "POST",
            lambda s, u: f"/konflik/{conflict_target('A1', {'admin', 'pkm_a'})(s, u)}/buka-lagi",
            {},
        ),
        web_write(),
        conflict_open("A1"),
    ),
    Probe(
        "web.odf",
        "POST",
        "/odf",
        "desa-of-other-kecamatan",
        web("POST", "/odf", {"desa_code": "6111022001", "verified_on": "x", "status": "odf"}),
        lambda u: {302} if u is None else ({422} if u in {"dinas", "admin"} else {403}),
    ),
    Probe(
        "web.change_signal",
        "POST",
        "/sinyal/<signal_id>",
        "unknown-signal",
        web(
            "POST",
            "/sinyal/00000000-0000-4000-8000-000000000000",
            {"action": "close", "note": "Hijack"},
        ),
        lambda u: {302} if u is None else {404},
    ),
    Probe(
        "web.evaluate_signals",
        "POST",
        "/sinyal/periksa",
        "without-confirmation",
        web("POST", "/sinyal/periksa", {}),
        lambda u: {302} if u is None else {400},
    ),
    Probe(
        "web.review_death",
        "POST",
        "/kematian/<person_id>/kajian",
        "person-not-dead-or-unknown",
        web(
            "POST",
            "/kematian/00000000-0000-4000-8000-000000000000/kajian",
            {"notified_on": "2026-01-01", "follow_up": "Hijack"},
        ),
        lambda u: {302} if u is None else {404},
    ),
    Probe(
        "web.lokmin_new_meeting",
        "POST",
        "/lokmin/pertemuan",
        "other-kecamatan",
        web(
            "POST",
            "/lokmin/pertemuan",
            {
                "kecamatan_code": "611102",
                "kind": "tribulanan_rutin",
                "year": "2026",
                "quarter": "4",
                "status": "planned",
                "chair_name": "Zorbxx",
            },
        ),
        lambda u: {302} if u is None else {403, 422},
    ),
    Probe(
        "web.lokmin_new_agreement",
        "POST",
        "/lokmin/pertemuan/<meeting_id>/kesepakatan",
        "meeting-of-other-kecamatan",
        web(
            "POST",
            lambda s, u: f"/lokmin/pertemuan/{s.meetings['LB']}/kesepakatan",
            {"action": "Zorbxx", "sector": "pkk", "pic_name": "X", "status": "planned"},
        ),
        web_write(),
    ),
    Probe(
        "web.lokmin_update_agreement",
        "POST",
        "/lokmin/kesepakatan/<agreement_id>",
        "agreement-of-other-kecamatan",
        web(
            "POST",
            lambda s, u: f"/lokmin/kesepakatan/{s.agreements['LB']}",
            {"status": "done", "progress_note": "Hijack"},
        ),
        web_write(),
        unchanged(("agreements", "LB")),
    ),
    Probe(
        "web.lokmin_edit_meeting",
        "GET",
        "/lokmin/pertemuan/<meeting_id>/ubah",
        "meeting-of-other-kecamatan",
        web("GET", lambda s, u: f"/lokmin/pertemuan/{s.meetings['LB']}/ubah"),
        web_write(),
    ),
    Probe(
        "web.lokmin_edit_meeting",
        "POST",
        "/lokmin/pertemuan/<meeting_id>/ubah",
        "meeting-of-other-kecamatan",
        web(
            "POST",
            lambda s, u: f"/lokmin/pertemuan/{s.meetings['LB']}/ubah",
            {"kind": "tribulanan_rutin", "year": "2026", "venue": "Hijack", "chair_name": "Zorbxx"},
        ),
        web_write(),
        unchanged(("meetings", "LB")),
    ),
    Probe(
        "web.lokmin_delete_meeting",
        "POST",
        "/lokmin/pertemuan/<meeting_id>/hapus",
        "meeting-of-other-kecamatan",
        web("POST", lambda s, u: f"/lokmin/pertemuan/{s.meetings['LB']}/hapus", {}),
        web_write(),
        unchanged(("meetings", "LB"), ("agreements", "LB")),
    ),
    Probe(
        "web.lokmin_upload",
        "POST",
        "/lokmin/pertemuan/<meeting_id>/lampiran",
        "meeting-of-other-kecamatan",
        web(
            "POST", lambda s, u: f"/lokmin/pertemuan/{s.meetings['LB']}/lampiran", {"label": "foto"}
        ),
        web_write(),
    ),
    Probe(
        "web.lokmin_delete_attachment",
        "POST",
        "/lokmin/lampiran/<attachment_id>/hapus",
        "unknown-attachment",
        web("POST", "/lokmin/lampiran/00000000-0000-4000-8000-000000000000/hapus", {}),
        web_write(),
    ),
    Probe(
        "web.merge_duplicate",
        "POST",
        "/data-ganda/gabung",
        "other-puskesmas-into-unknown",
        web(
            "POST",
            "/data-ganda/gabung",
            lambda s, u: {"duplicate": s.persons["B1"], "survivor": str(uuid.uuid4())},
        ),
        web_write(),
    ),
    Probe(
        "web.verify_step",
        "POST",
        "/verifikasi/<posyandu_id>/<period>",
        "posyandu-of-other-puskesmas",
        web("POST", "/verifikasi/PSY-B1/2026-10", {"status": "reopened"}),
        lambda u: {302} if u is None else ({303} if u == "admin" else {403}),
    ),
    Probe(
        "web.reconcile_save",
        "POST",
        "/rekonsiliasi/<posyandu_id>/<period>",
        "posyandu-of-other-puskesmas",
        web(
            "POST",
            "/rekonsiliasi/PSY-B1/2026-10",
            {"s": "9", "k": "9", "d": "9", "n": "9", "weighings": "9"},
        ),
        lambda u: {302} if u is None else ({303} if u == "admin" else {403}),
        lambda s, u, response: no_paper_count(s, u, "PSY-B1"),
    ),
    Probe(
        "web.hari_buka_save",
        "POST",
        "/evaluasi-mingguan/hari-buka/<posyandu_id>",
        "posyandu-of-other-puskesmas",
        web("POST", "/evaluasi-mingguan/hari-buka/PSY-B1", {"tanggal": "9"}),
        lambda u: {302} if u is None else ({303} if u == "admin" else {403}),
        lambda s, u, response: no_hari_buka(s, u, "PSY-B1"),
    ),
    Probe(
        "web.sasaran_save",
        "POST",
        "/rekonsiliasi/sasaran/<desa_code>/<year>",
        "desa-of-other-puskesmas",
        web("POST", "/rekonsiliasi/sasaran/6111022001/2026", {"balita": "9", "sumber": "x"}),
        lambda u: {302} if u is None else ({303} if u in ("dinas", "admin") else {403}),
        sasaran_only_by_kabupaten,
    ),
    Probe(
        "web.sasaran_upload",
        "POST",
        "/rekonsiliasi/sasaran/unggah",
        "csv-naming-a-desa-of-other-puskesmas",
        web("POST", "/rekonsiliasi/sasaran/unggah", sasaran_csv),
        lambda u: {302} if u is None else ({303} if u in ("dinas", "admin") else {403}),
        no_sasaran_a,
    ),
    Probe(
        "web.revoke_device",
        "POST",
        "/pengguna/perangkat/<device_id>/cabut",
        "device-of-other-user",
        web(
            "POST",
            lambda s, u: (
                "/pengguna/perangkat/"
                f"{'no-such-device' if u == 'admin' else s.devices['kader_b1']}/cabut"
            ),
        ),
        web_write(),
        device_active,
    ),
]


def b1_device_bundle(s: Seeded, user) -> dict:
    """A bundle of kader_b1's device (signed with its token); it carries a hijacking person for
    callers who must be refused, nothing for dinas and admin (in scope: it would be applied)."""
    from shared.sync import bundle as fmt

    caller = s.callers["kader_b1"]
    mutations = []
    if user not in ("dinas", "admin"):
        record = {
            "id": str(uuid.uuid4()),
            "posyandu_id": "PSY-B1",
            "name": "Hijack Bundel",
            "sex": "F",
            "birth_date": "2025-01-01",
        }
        mutation = {
            "seq": caller.peek_seq(),  # not taken from the caller: the server never consumes it
            "id": record["id"],
            "kind": "person",
            "op": "upsert",
            "base_version": None,
            "fields": record,
            "hlc": f"{1_764_000_000_000:016d}:00000:{caller.device_id}",
            "device_time": "2026-11-24T09:00:00+07:00",
        }
        mutations = [mutation]
    payload = {
        "device_id": caller.device_id,
        "bundle_id": str(uuid.uuid4()),
        "mutations": mutations,
    }
    data = fmt.pack(fmt.DEVICE, payload, fmt.token_hash(caller.token))
    return {"bundle": (io.BytesIO(data), "kiriman.posyandu")}


def b1_untouched(s: Seeded, user, response):
    if user not in ("dinas", "admin"):
        assert "Hijack" not in str(s.db_counts())


PROBES += [
    Probe(
        "web.export_bundle",
        "GET",
        "/bundel/perangkat/<device_id>",
        "device-of-other-puskesmas",
        web("GET", lambda s, u: f"/bundel/perangkat/{s.devices['kader_b1']}"),
        lambda u: (
            {302}
            if u is None
            else ({200} if u in ("dinas", "admin") else ({404} if u == "pkm_a" else {403}))
        ),
    ),
    Probe(
        "web.import_bundle",
        "POST",
        "/bundel/impor",
        "device-of-other-puskesmas",
        web("POST", "/bundel/impor", b1_device_bundle),
        lambda u: {302} if u is None else ({200} if u in ("dinas", "admin") else {403}),
        b1_untouched,
    ),
]


def user_ids(s: Seeded) -> dict[str, int]:
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import User

    with s.app.app_context():
        return {name: id_ for name, id_ in db.session.execute(sa.select(User.username, User.id))}


def emails(s: Seeded) -> dict[str, str | None]:
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import User

    with s.app.app_context():
        return {name: a for name, a in db.session.execute(sa.select(User.username, User.email))}


def only_own_email(s: Seeded, user, response):
    """Akun saya wrote the caller's own address, whatever user the form named."""
    stored = emails(s)
    assert stored["kader_b1"] is None or user == "kader_b1", stored
    if user is not None:
        assert stored[user] == f"{user}@example.id"


def own_account(s: Seeded, user, response):
    """Akun saya shows the caller's own username, and no other user's address."""
    if user is not None:
        assert f"<dd>{user}</dd>" in response.text
        others = {a for name, a in emails(s).items() if a and name != user}
        assert not {a for a in others if a in response.text}


def b1_email_untouched(s: Seeded, user, response):
    assert emails(s)["kader_b1"] is None or user == "kader_b1"


PROBES += [
    Probe(
        "web.account",
        "GET",
        "/akun",
        "own-account",
        web("GET", "/akun"),
        web_page,
        own_account,
    ),
    Probe(
        "web.set_user_email",
        "POST",
        "/pengguna/<int:user_id>/email",
        "address-of-another-user",
        web(
            "POST",
            lambda s, u: f"/pengguna/{999_999 if u == 'admin' else user_ids(s)['kader_b1']}/email",
            {"email": "ambil-alih@example.id"},
        ),
        web_write(),
        b1_email_untouched,
    ),
    Probe(
        "web.set_own_email",
        "POST",
        "/akun/email",
        "names-another-user",
        web(
            "POST",
            "/akun/email",
            lambda s, u: {"email": f"{u}@example.id", "user_id": user_ids(s)["kader_b1"]},
        ),
        lambda u: {302} if u is None else {303},
        only_own_email,
    ),
]


def test_every_route_has_probes(seeded):
    """A route without a probe (a new endpoint) fails here until it is classified above."""
    routes = {
        (rule.endpoint, method)
        for rule in seeded.app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    probed = {(p.endpoint, p.method) for p in PROBES}
    assert routes - probed == set(), f"routes without a security probe: {routes - probed}"
    assert probed - routes == set(), f"probes of routes that no longer exist: {probed - routes}"


def test_every_web_and_api_route_counts(seeded):
    """The table covers the API under /api/v1 and the web pages, exports included."""
    rules = {rule.rule for rule in seeded.app.url_map.iter_rules()}
    assert {"/api/v1/sync/push", "/ekspor/eppgbm.xlsx", "/ringkasan"} <= rules
    assert len(PROBES) * len(ROLE_USERS) >= 7 * len(rules)


CASES = [
    pytest.param(role, user, probe, id=f"{role}-{probe.id}")
    for probe in PROBES
    for role, user in ROLE_USERS.items()
]


@pytest.mark.parametrize(("role", "user", "probe"), CASES)
def test_route_role(seeded, role, user, probe):
    response = probe.send(seeded, user)
    try:
        check_response(seeded, user, probe, response)
    finally:
        response.close()  # static files and downloads stream from an open file


def check_response(seeded, user, probe, response):
    assert response.status_code < 500, response.text[:500]
    assert response.status_code in probe.allowed(user), (response.status_code, response.text[:300])
    text = body_text(response)
    leaked = {m for m in forbidden_markers(user) if m in text}
    assert not leaked, f"{user} received data outside their scope: {leaked}"
    assert "Zorbxx" not in str(seeded.db_counts()) and "Hijack" not in text
    if probe.check:
        probe.check(seeded, user, response)


def test_nothing_outside_scope_was_written(seeded):
    """After every probe ran (this test runs last in the module): no marker of an attack stored."""
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import Record

    with seeded.app.app_context():
        texts = [str(f) for f in db.session.execute(sa.select(Record.fields)).scalars()]
    assert not [t for t in texts if "Zorbxx" in t or "Hijack" in t]
    for scope, words in MARKERS.items():
        assert any(words[0] in t for t in texts), scope  # seeded data still there
