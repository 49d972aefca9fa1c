"""Re-binding the field client to a server, against the real sync server (audit #18, finding 1).

A device that has a PIN can be signed in again only from a session unlocked with that PIN, and
never to another server or account while changes are unsent; the same server and account only
renews the token. After too many wrong PINs, signing in again with the device's own account is
how the kader chooses a new PIN; the data stays.
"""

import socket

import pytest

from field_client import security

from .conftest import POSYANDU

PIN = "246813"


@pytest.fixture
def device_app(tmp_path, live_server):
    """The local app on a fresh device, signed in through /setup, PIN chosen; one person synced
    and one unsent."""
    from field_client.app import create_app
    from testkit.world import PASSWORD

    app = create_app(tmp_path / "device", "tok", test_config={"TESTING": True})
    client = launched(app)
    assert client.get("/").location == "/setup"
    response = client.post("/setup", data=sign_in(live_server.url, "kader_a1", PASSWORD))
    assert response.status_code == 302 and response.location == "/pin", response.text
    app.extensions["posyandu"].wait_for_sync()
    assert client.post("/pin", data={"pin": PIN, "pin2": PIN}).location == "/"
    person = {
        "posyandu_id": POSYANDU,
        "name": "Belum Terkirim",
        "sex": "F",
        "birth_date": "2025-06-10",
        "mother_name": "Siti",
    }
    assert (
        client.post("/api/records/person", json={**person, "name": "Terkirim"}).status_code == 201
    )
    app.extensions["posyandu"].agent.sync()  # one record on the server, held in the replica
    assert client.post("/api/records/person", json=person).status_code == 201
    yield app
    app.extensions["posyandu"].close()


def launched(app):
    client = app.test_client()
    assert client.get("/?launch=tok").status_code == 302
    return client


def sign_in(server_url, username, password):
    return {
        "server_url": server_url,
        "username": username,
        "password": password,
        "device_name": "laptop",
    }


def state(app):
    store = app.extensions["posyandu"].store
    meta = store.all_meta()
    return {
        "server_url": meta["server_url"],
        "username": meta["username"],
        "token": meta["token"],
        # A sign-in registers a new device on the server, whose seqs restart at 1: compare ids.
        "pending": [(m.id, m.fields.get("name")) for m in store.pending()],
        "people": sorted(r.id for r in store.list("person")),
    }


def closed_port_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_locked_device_is_not_re_bound_and_unsent_changes_stay_with_their_server(
    device_app, live_server
):
    from testkit.world import PASSWORD

    before = state(device_app)
    assert len(before["pending"]) == 1 and len(before["people"]) > 1
    # Someone at the laptop without the PIN, with real credentials of another kader.
    stranger = launched(device_app)
    for target, user in ((live_server.url, "kader_b1"), (closed_port_url(), "kader_a1")):
        response = stranger.post("/setup", data=sign_in(target, user, PASSWORD))
        assert response.status_code == 403, (target, user, response.status_code)
    assert state(device_app) == before
    # The kader, unlocked: not to another account or server while a change is unsent.
    kader = launched(device_app)
    assert kader.post("/unlock", data={"pin": PIN}).status_code == 302
    response = kader.post("/setup", data=sign_in(live_server.url, "kader_b1", PASSWORD))
    assert response.status_code == 400 and "belum terkirim" in response.text
    assert state(device_app) == before
    # The same server and account: a new token, nothing else changes; then the change is sent.
    response = kader.post("/setup", data=sign_in(live_server.url, "kader_a1", PASSWORD))
    assert response.status_code == 302 and response.location == "/"
    after = state(device_app)
    assert after["token"] != before["token"]
    assert {**after, "token": None} == {**before, "token": None}
    context = device_app.extensions["posyandu"]
    context.agent.sync()
    assert context.store.pending() == []


def test_after_ten_wrong_pins_only_the_devices_own_account_sets_a_new_pin(device_app, live_server):
    from testkit.world import PASSWORD

    store = device_app.extensions["posyandu"].store
    before = state(device_app)
    store.keyring.update(  # ten wrong PINs were typed (counted in the device keyring)
        lambda data: data["slots"]["kader_a1"].update(failures=security.MAX_PIN_FAILURES)
    )
    client = launched(device_app)
    assert client.post("/unlock", data={"pin": PIN}).status_code == 403
    response = client.post("/setup", data=sign_in(live_server.url, "kader_b1", PASSWORD))
    assert response.status_code == 400 and "kader_a1" in response.text
    assert (
        client.post(
            "/setup", data=sign_in(live_server.url, "kader_a1", "wrong-password")
        ).status_code
        == 400
    )
    assert state(device_app) == before
    response = client.post("/setup", data=sign_in(live_server.url, "kader_a1", PASSWORD))
    assert response.status_code == 302 and response.location == "/pin"
    assert client.post("/pin", data={"pin": "864213", "pin2": "864213"}).location == "/"
    assert client.get("/registrasi").status_code == 200
    assert {**state(device_app), "token": None} == {**before, "token": None}
