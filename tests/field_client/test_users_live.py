"""Several kader on one laptop, and what happens when the server takes access away (issue #18).

The real local app against the real sync server on loopback (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set): a second kader of the same posyandu signs in once and unlocks with
their own PIN; a deactivated kader loses their PIN at the next sync; a revoked device or a
deactivated device user first saves its unsent changes to a bundle file, then wipes its replica.
"""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from field_client.app import create_app
from field_client.store import DB_FILENAME
from field_client.sync import SyncError

from .conftest import POSYANDU

PIN, SECOND_PIN = "246813", "975312"
NIK = "6106014501250007"


def launched(app):
    client = app.test_client()
    assert client.get("/?launch=tok").status_code == 302
    return client


def sign_in(server_url, username, password, **extra):
    return {
        "server_url": server_url,
        "username": username,
        "password": password,
        "device_name": "laptop",
        **extra,
    }


def server_command(live_server, command, *args):
    result = CliRunner().invoke(
        command, list(args), obj=ScriptInfo(create_app=lambda: live_server.app)
    )
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def second_kader(live_server):
    """Another kader of the same posyandu as kader_a1, created on the live server."""
    from server.cli import create_user
    from server.extensions import db
    from testkit.world import PASSWORD

    with live_server.app.app_context():
        create_user("kader_a1_dua", "Kader Dua", "kader", POSYANDU, PASSWORD)
        db.session.commit()
    return "kader_a1_dua"


@pytest.fixture
def device(tmp_path, live_server, monkeypatch):
    """The local app signed in as kader_a1 through /setup, PIN chosen, two changes unsent."""
    from testkit.world import PASSWORD

    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # Documents: where the bundle goes
    app = create_app(tmp_path / "device", "tok", test_config={"TESTING": True})
    client = launched(app)
    response = client.post("/setup", data=sign_in(live_server.url, "kader_a1", PASSWORD))
    assert response.status_code == 302 and response.location == "/pin", response.text
    app.extensions["posyandu"].wait_for_sync()
    assert client.post("/pin", data={"pin": PIN, "pin2": PIN}).location == "/"
    for name, born, mother, nik in (
        ("Sekar Belum Terkirim", "2025-06-10", "Siti", NIK),
        ("Laras Belum Terkirim", "2024-02-17", "Ratna", None),
    ):
        fields = {"posyandu_id": POSYANDU, "sex": "F", "birth_date": born, "name": name}
        fields.update(mother_name=mother, **({"nik": nik} if nik else {}))
        response = client.post("/api/records/person", json=fields)
        assert response.status_code == 201, response.json
    yield app, client
    if "posyandu" in app.extensions:
        app.extensions["posyandu"].close()


def test_a_second_kader_signs_in_once_and_unlocks_with_their_own_pin(
    device, second_kader, live_server
):
    from testkit.world import PASSWORD

    app, client = device
    context = app.extensions["posyandu"]
    assert client.get("/setup?add=1").status_code == 200
    response = client.post("/setup", data=sign_in(live_server.url, second_kader, PASSWORD, add="1"))
    assert response.status_code == 302 and response.location == "/pin", response.text
    assert "PIN untuk Kader Dua" in client.get("/pin").text  # whose PIN is being chosen
    assert client.post("/pin", data={"pin": SECOND_PIN, "pin2": SECOND_PIN}).location == "/"
    # The device stays bound to kader_a1's registration: the work of the posyandu is shared.
    assert context.store.get_meta("username") == "kader_a1"
    assert [u["username"] for u in context.keyring.users()] == ["kader_a1", second_kader]
    page = client.get("/registrasi").get_data(as_text=True)
    assert "Kader Dua" in page and "Sekar Belum Terkirim" in page
    # Each unlocks with their own PIN only.
    other = launched(app)
    wrong = other.post("/unlock", data={"user": second_kader, "pin": PIN})
    assert wrong.status_code == 400
    assert other.post("/unlock", data={"user": "kader_a1", "pin": PIN}).status_code == 302
    # A kader of another posyandu cannot join this device.
    refused = client.post("/setup", data=sign_in(live_server.url, "kader_a2", PASSWORD, add="1"))
    assert refused.status_code == 400 and "wilayah lain" in refused.text
    assert len(context.keyring.users()) == 2


def test_a_kader_deactivated_on_the_server_loses_offline_access_at_the_next_sync(
    device, second_kader, live_server
):
    from server.cli import update_user_command
    from testkit.world import PASSWORD

    app, client = device
    context = app.extensions["posyandu"]
    client.post("/setup", data=sign_in(live_server.url, second_kader, PASSWORD, add="1"))
    assert client.post("/pin", data={"pin": SECOND_PIN, "pin2": SECOND_PIN}).location == "/"
    context.agent.sync()
    assert len(context.keyring.users()) == 2  # still active: nothing changes
    server_command(live_server, update_user_command, second_kader, "--inactive")
    context.agent.sync()
    assert [u["username"] for u in context.keyring.users()] == ["kader_a1"]
    page = launched(app).post("/unlock", data={"user": second_kader, "pin": SECOND_PIN})
    assert page.status_code != 302 and "Kader Dua" not in page.text
    # kader_a1 still works, with all the data.
    assert launched(app).post("/unlock", data={"user": "kader_a1", "pin": PIN}).status_code == 302


def device_bundle_mutations(path) -> list[dict]:
    from shared.sync import bundle as fmt

    envelope = fmt.open_bundle(path.read_bytes())
    assert envelope.kind == fmt.DEVICE
    return envelope.payload["mutations"]


def assert_wiped(data_dir):
    import json

    keyring = json.loads((data_dir / "keyring.json").read_text())  # a fresh device's, empty
    assert keyring["slots"] == {}
    for name in (DB_FILENAME, f"{DB_FILENAME}-wal", f"{DB_FILENAME}-shm"):
        path = data_dir / name
        if path.exists():  # the fresh, empty store of a device waiting for a new sign-in
            assert NIK.encode() not in path.read_bytes()


def test_a_revoked_device_saves_its_unsent_changes_to_a_bundle_then_wipes(
    device, live_server, tmp_path
):
    from server.cli import revoke_device_command

    app, client = device
    context = app.extensions["posyandu"]
    data_dir = context.data_dir
    server_command(live_server, revoke_device_command, context.store.get_meta("device_id"))
    with pytest.raises(SyncError) as refused:
        context.agent.sync()
    assert refused.value.details.get("reason") == "revoked"
    [bundle] = (tmp_path / "home" / "Documents").iterdir()
    mutations = device_bundle_mutations(bundle)
    assert sorted(m["fields"]["name"] for m in mutations) == [
        "Laras Belum Terkirim",
        "Sekar Belum Terkirim",
    ]
    assert_wiped(data_dir)
    assert context.store.list("person") == [] and not context.store.get_meta("token")
    # The kader is told, in Indonesian, what happened and where the file is.
    page = client.get("/", follow_redirects=True)
    assert 'id="revoked-notice"' in page.text
    assert "2 perubahan yang belum terkirim disimpan" in page.text and str(bundle) in page.text
    # Plain sqlite3 finds nothing either: the old key is gone with the keyring.
    plain = sqlite3.connect(data_dir / DB_FILENAME)
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT * FROM records").fetchall()
    plain.close()


def test_a_deactivated_device_user_is_wiped_and_the_puskesmas_imports_the_bundle(
    device, live_server, tmp_path
):
    """The whole path: deactivated, saved, wiped; reactivated at the puskesmas, the bundle is
    imported and the two changes are on the server."""
    from server.cli import update_user_command
    from server.extensions import db
    from server.models import Record
    from server.sync.bundle import import_device_bundle

    app, client = device
    context = app.extensions["posyandu"]
    server_command(live_server, update_user_command, "kader_a1", "--inactive")
    with pytest.raises(SyncError):
        context.agent.sync()
    [bundle] = (tmp_path / "home" / "Documents").iterdir()
    assert_wiped(context.data_dir)
    page = client.get("/setup").text
    assert "menonaktifkan akun kader_a1" in page
    server_command(live_server, update_user_command, "kader_a1", "--active")
    with live_server.app.app_context():
        outcome = import_device_bundle(db.session, bundle.read_bytes())
        names = {
            r.fields.get("name")
            for r in db.session.query(Record).filter(Record.kind == "person").all()
        }
    assert outcome, outcome
    assert {"Sekar Belum Terkirim", "Laras Belum Terkirim"} <= names
