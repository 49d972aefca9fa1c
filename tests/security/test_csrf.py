"""CSRF: every state-changing route of the web blueprint (from app.url_map) refuses a missing or wrong token.

Each write is tried as a user who could otherwise make it (so only the token stops it), with no
token, an empty one, a made-up one, the token of another session, a wrong X-CSRFToken header and a
JSON body. Expected: 400 in Indonesian, nothing written, the session unchanged. The control sends
the right token and must get past the check.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.security.conftest import Seeded, csrf_of

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# endpoint -> (user, path, form, check that nothing happened)
TARGETS = {
    "web.login": (None, lambda s: "/masuk", {"username": "dinas", "password": "rahasia-123"}),
    "web.logout": ("dinas", lambda s: "/keluar", {}),
    "web.resolve_conflict": (
        "pkm_a",
        lambda s: f"/konflik/{s.conflicts['A1']}/selesaikan",
        {"choice": "loser"},
    ),
    "web.reopen_conflict": (  # the conflict is open: a passing request gets 409, nothing changes
        "pkm_a",
        lambda s: f"/konflik/{s.conflicts['A1']}/buka-lagi",
        {},
    ),
    "web.lokmin_new_meeting": (
        "kec_a",
        lambda s: "/lokmin/pertemuan",
        {
            "kecamatan_code": "611101",
            "kind": "tribulanan_rutin",
            "year": "2026",
            "quarter": "4",
            "status": "planned",
            "chair_name": "Camat Csrf",
        },
    ),
    "web.lokmin_new_agreement": (
        "kec_a",
        lambda s: f"/lokmin/pertemuan/{s.meetings['LA']}/kesepakatan",
        {"action": "Csrf", "sector": "pkk", "pic_name": "X", "status": "planned"},
    ),
    "web.lokmin_update_agreement": (
        "kec_a",
        lambda s: f"/lokmin/kesepakatan/{s.agreements['LA']}",
        {"status": "done", "progress_note": "Csrf"},
    ),
    "web.lokmin_edit_meeting": (
        "kec_a",
        lambda s: f"/lokmin/pertemuan/{s.meetings['LA']}/ubah",
        {"kind": "tribulanan_rutin", "year": "2026", "venue": "Csrf"},
    ),
    "web.lokmin_delete_meeting": (
        "kec_a",
        lambda s: f"/lokmin/pertemuan/{s.meetings['LA']}/hapus",
        {},
    ),
    "web.lokmin_upload": (
        "kec_a",
        lambda s: f"/lokmin/pertemuan/{s.meetings['LA']}/lampiran",
        {"label": "notulen"},
    ),
    "web.lokmin_delete_attachment": (
        "kec_a",
        lambda s: "/lokmin/lampiran/00000000-0000-4000-8000-000000000000/hapus",
        {},
    ),
    "web.merge_duplicate": (
        "pkm_a",
        lambda s: "/data-ganda/gabung",
        {"duplicate": "x", "survivor": "y"},
    ),
    "web.odf": ("bidan_a", lambda s: "/odf", {"desa_code": "6111012001", "status": "odf"}),
    "web.change_signal": (
        "dinas",
        lambda s: "/sinyal/00000000-0000-4000-8000-000000000000",
        {"action": "close", "note": "x"},
    ),
    "web.review_death": (
        "pkm_a",
        lambda s: "/kematian/00000000-0000-4000-8000-000000000000/kajian",
        {"notified_on": "2026-01-01"},
    ),
    "web.evaluate_signals": ("dinas", lambda s: "/sinyal/periksa", {"confirm": "1"}),
    "web.verify_step": ("pkm_a", lambda s: "/verifikasi/PSY-A1/2026-10", {"status": "reopened"}),
    "web.import_bundle": ("pkm_a", lambda s: "/bundel/impor", {}),
    "web.reconcile_save": (
        "pkm_a",
        lambda s: "/rekonsiliasi/PSY-A1/2026-10",
        {"s": "1", "k": "1", "d": "1", "n": "1", "weighings": "1"},
    ),
    "web.hari_buka_save": (
        "pkm_a",
        lambda s: "/evaluasi-mingguan/hari-buka/PSY-A1",
        {"tanggal": "10"},
    ),
    "web.sasaran_save": (
        "pkm_a",
        lambda s: "/rekonsiliasi/sasaran/6111012001/2026",
        {"balita": "4", "sumber": "Proyeksi BPS"},
    ),
    "web.sasaran_upload": ("dinas", lambda s: "/rekonsiliasi/sasaran/unggah", {"sumber": "x"}),
    "web.revoke_device": (
        "admin",
        lambda s: f"/pengguna/perangkat/{s.devices['kader_b1']}/cabut",
        {},
    ),
    "web.set_user_email": ("admin", lambda s: "/pengguna/1/email", {"email": "csrf@example.id"}),
    "web.set_own_email": ("pkm_a", lambda s: "/akun/email", {"email": "csrf@example.id"}),
}
# For the control request: a target that passes CSRF without changing the shared world.
CONTROL = {
    "web.login": {"username": "nobody", "password": "x"},  # 401: reached the password check
    "web.resolve_conflict": {"choice": "neither"},  # 400 page with the choice error
    "web.lokmin_new_meeting": {"kecamatan_code": "611101"},  # 422: reached validation
    "web.lokmin_new_agreement": {"action": ""},
    "web.lokmin_update_agreement": {"status": "not-a-status"},
    "web.lokmin_edit_meeting": {"kind": "not-a-kind"},  # 422: reached validation
    "web.lokmin_upload": {"label": "notulen"},  # 422: no file chosen
    "web.verify_step": {"status": "not-a-status"},  # 400 page
    "web.reconcile_save": {"s": "x"},  # 400 page: nothing written
    "web.sasaran_save": {"balita": "x", "sumber": "x"},  # 400 page: nothing written
    "web.sasaran_upload": {"sumber": "x"},  # 400 page (no file): nothing written
    "web.odf": {"desa_code": "6111012001", "status": "odf", "verified_on": "x"},  # 422
    "web.evaluate_signals": {"confirm": "0"},  # 400: nothing evaluated
    "web.import_bundle": {},  # 400: no file chosen
    "web.set_user_email": {"email": "bukan alamat"},  # 400: the address is refused
    "web.set_own_email": {"email": "bukan alamat"},  # 400: the address is refused
}


def web_write_routes(app) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("web.") and rule.methods & WRITE_METHODS
    }


def test_every_web_write_route_is_targeted(seeded):
    routes = web_write_routes(seeded.app)
    assert routes == set(TARGETS), routes ^ set(TARGETS)


def state(s: Seeded) -> tuple:
    from server.extensions import db
    from server.models import Conflict, Device, User

    with s.app.app_context():
        return (
            s.db_counts(),
            db.session.get(Conflict, s.conflicts["A1"]).status,
            db.session.get(Device, s.devices["kader_b1"]).revoked_at,
            s.record(s.agreements["LA"]),
            sorted(tuple(row) for row in db.session.execute(sa.select(User.username, User.email))),
        )


def fresh_session(s: Seeded, user):
    """A new signed-in client (a refused write must leave it signed in)."""
    client = s.app.test_client()
    page = client.get("/masuk")
    if user is not None:
        response = client.post(
            "/masuk",
            data={"username": user, "password": "rahasia-123", "csrf_token": csrf_of(page.text)},
        )
        assert response.status_code == 302
    return client


VARIANTS = [
    "no-token",
    "empty-token",
    "made-up-token",
    "token-of-another-session",
    "wrong-header-token",
    "json-body",
    "token-in-query-string",
]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("endpoint", sorted(TARGETS))
def test_write_without_the_right_token_is_refused(seeded, endpoint, variant):
    user, path, form = TARGETS[endpoint]
    client = fresh_session(seeded, user)
    other = fresh_session(seeded, user)
    own_token = csrf_of(client.get("/masuk").text)
    before = state(seeded)
    data, kwargs = dict(form), {}
    if variant == "empty-token":
        data["csrf_token"] = ""
    elif variant == "made-up-token":
        data["csrf_token"] = "IjAwMDAi.ZzZzZw.made-up-signature"
    elif variant == "token-of-another-session":
        data["csrf_token"] = csrf_of(other.get("/masuk").text)
        assert data["csrf_token"] != own_token
    elif variant == "wrong-header-token":
        kwargs["headers"] = {"X-CSRFToken": own_token[::-1]}
    elif variant == "json-body":
        kwargs["json"], data = form, None
    elif variant == "token-in-query-string":
        kwargs["query_string"] = {"csrf_token": own_token}
    response = client.post(
        path(seeded),
        data=data,
        headers={"Accept-Language": "id", **kwargs.pop("headers", {})},
        **kwargs,
    )
    assert response.status_code == 400, (response.status_code, response.text[:300])
    assert "Formulir ini sudah kedaluwarsa atau tidak sah" in response.text
    assert state(seeded) == before
    if user is not None:  # still signed in: the refused logout did not sign out
        assert client.get("/ringkasan").status_code == 200
    else:
        assert client.get("/ringkasan").status_code == 302  # the refused login did not sign in


@pytest.mark.parametrize("endpoint", sorted(CONTROL))
def test_the_right_token_gets_past_the_check(seeded, endpoint):
    user, path, _ = TARGETS[endpoint]
    client = fresh_session(seeded, user)
    token = csrf_of(client.get("/masuk").text)
    before = state(seeded)
    response = client.post(path(seeded), data={**CONTROL[endpoint], "csrf_token": token})
    assert response.status_code in (400, 401, 422), response.status_code
    assert "Formulir ini sudah kedaluwarsa" not in response.text
    assert state(seeded) == before
