"""The device store encrypted at rest (issue #18): SQLCipher under a random data key wrapped per
kader with a key derived from their PIN (field_client/crypto.py).

Each test looks at the files as someone who copied the data folder would: plain ``sqlite3``
cannot read them, and their bytes hold no NIK, no name and no device token.
"""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from field_client import crypto, security
from field_client.app import create_app
from field_client.cli import main
from field_client.store import DB_FILENAME, Store

from .conftest import POSYANDU, TODAY, TOKEN

PIN = "480159"
NIK = "6106014501250007"
NAME = "Sekar Kinasih Larasati"
DEVICE_TOKEN = "device-token-7c41e0b2a9"


def app_on(data_dir):
    return create_app(data_dir, TOKEN, test_config={"TESTING": True, "TODAY": TODAY})


def automation(app):
    client = app.test_client()
    client.environ_base["HTTP_X_LAUNCH_TOKEN"] = TOKEN
    return client


def browser(app):
    client = app.test_client()
    assert client.get(f"/?launch={TOKEN}").status_code == 302
    return client


def register_person(app) -> None:
    response = automation(app).post(
        "/api/records/person",
        json={
            "posyandu_id": POSYANDU,
            "name": NAME,
            "sex": "F",
            "birth_date": "2025-01-05",
            "mother_name": "Ratna Sari",
            "nik": NIK,
        },
    )
    assert response.status_code == 201, response.json


def folder_bytes(data_dir) -> dict[str, bytes]:
    """Every file of the data folder, as bytes."""
    return {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()}


def assert_nothing_readable(data_dir) -> None:
    files = folder_bytes(data_dir)
    assert DB_FILENAME in files
    for name, content in files.items():
        for secret in (NIK, NAME, DEVICE_TOKEN, PIN):
            assert secret.encode() not in content, (name, secret)
            assert secret.encode("utf-16-le") not in content, (name, secret)
    plain = sqlite3.connect(data_dir / DB_FILENAME)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            plain.execute("SELECT * FROM meta").fetchall()
    finally:
        plain.close()


@pytest.fixture
def signed_in(data_dir):
    """A device signed in (token), one person with a NIK registered, and the kader's PIN."""
    app = app_on(data_dir)
    store = app.extensions["posyandu"].store
    store.set_meta(token=DEVICE_TOKEN, device_id="dev-1", username="kader_a1")
    register_person(app)
    security.set_pin(store, PIN)
    yield app
    app.extensions["posyandu"].close()


def test_the_database_and_its_wal_hold_nothing_readable_while_the_app_runs(signed_in, data_dir):
    store = signed_in.extensions["posyandu"].store
    assert store.encrypted
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA temp_store").fetchone()[0] == 2  # temp tables in memory
    wal = data_dir / f"{DB_FILENAME}-wal"
    assert wal.exists() and wal.stat().st_size > 0  # the NIK was written through the WAL
    assert_nothing_readable(data_dir)
    # The key is not in the keyring either: only the slot wrapped under the PIN.
    assert "pending_key" not in store.keyring.read()
    assert stat.S_IMODE(store.keyring.path.stat().st_mode) == 0o600


def test_after_a_restart_the_store_stays_shut_until_a_kader_types_the_pin(signed_in, data_dir):
    signed_in.extensions["posyandu"].close()
    assert_nothing_readable(data_dir)
    again = app_on(data_dir)
    try:
        context = again.extensions["posyandu"]
        assert context.locked
        # Not even an automation client with the launch secret gets data: no key in memory.
        api = automation(again).get("/api/records/person")
        assert api.status_code == 401 and api.get_json()["error"]["code"] == "locked"
        client = browser(again)
        assert client.get("/").location.startswith("/unlock")
        assert client.post("/unlock", data={"pin": "480158"}).status_code == 400
        assert context.locked
        assert client.post("/unlock", data={"pin": PIN}).status_code == 302
        assert not context.locked
        [person] = context.store.list("person")
        assert person.fields["nik"] == NIK and context.store.get_meta("token") == DEVICE_TOKEN
        assert NAME in client.get("/registrasi").get_data(as_text=True)
    finally:
        again.extensions["posyandu"].close()


def test_a_wrong_key_cannot_open_the_store(signed_in, data_dir):
    signed_in.extensions["posyandu"].close()
    with pytest.raises(sqlite3.DatabaseError):
        Store(data_dir / DB_FILENAME, key=crypto.new_data_key())


def plaintext_device(data_dir) -> tuple[list, int]:
    """An install from before encryption: plaintext file, PIN hash in meta, unsent work."""
    with Store.open(data_dir) as store:
        assert not store.encrypted
        store.set_meta(token=DEVICE_TOKEN, device_id="dev-1", username="kader_a1")
        security.set_pin(store, "2468")  # old rule: 4 digits, a werkzeug hash in meta
        person = {"posyandu_id": POSYANDU, "sex": "F", "birth_date": "2025-01-05"}
        store.save("person", "p-1", {**person, "name": NAME, "nik": NIK})
        store.save("person", "p-2", {**person, "name": "Budi"})
        store.save("person", "p-1", {"phone": "081234567890"})
        outbox = [m.to_wire() for m in store.pending()]
        next_seq = store.get_meta("next_seq")
    assert NIK.encode() in (data_dir / DB_FILENAME).read_bytes()  # the old format: readable
    return outbox, next_seq


def test_a_plaintext_store_is_encrypted_on_upgrade_with_its_outbox_intact(data_dir):
    outbox, next_seq = plaintext_device(data_dir)
    assert len(outbox) == 3
    app = app_on(data_dir)
    try:
        context = app.extensions["posyandu"]
        assert not crypto.is_plaintext(data_dir / DB_FILENAME)
        assert (
            not (data_dir / f"{DB_FILENAME}-wal").exists()
            or NIK.encode() not in (data_dir / f"{DB_FILENAME}-wal").read_bytes()
        )
        assert NIK.encode() not in (data_dir / DB_FILENAME).read_bytes()
        client = browser(app)
        assert client.get("/").location.startswith("/unlock")  # the old PIN still guards it
        assert client.post("/unlock", data={"pin": "0000"}).status_code == 400
        assert client.post("/unlock", data={"pin": "2468"}).status_code == 302
        store = context.store
        assert [m.to_wire() for m in store.pending()] == outbox
        assert store.get_meta("next_seq") == next_seq and store.get_meta("pin_hash") is None
        keyring = store.keyring.read()
        assert "pending_key" not in keyring and "legacy_hash" not in keyring["slots"]["kader_a1"]
        assert 'id="pin-weak"' in client.get("/").get_data(as_text=True)  # 4 digits: change it
    finally:
        app.extensions["posyandu"].close()
    assert_nothing_readable(data_dir)
    again = app_on(data_dir)
    try:
        assert again.extensions["posyandu"].locked
        assert browser(again).post("/unlock", data={"pin": "2468"}).status_code == 302
        assert [m.to_wire() for m in again.extensions["posyandu"].store.pending()] == outbox
    finally:
        again.extensions["posyandu"].close()


def test_the_command_line_opens_the_encrypted_store_with_a_pin_file_only(
    signed_in, data_dir, tmp_path, capsys
):
    signed_in.extensions["posyandu"].close()
    pin_file = tmp_path / "pin.txt"
    pin_file.write_text("111111\n")
    assert main(["status", "--data-dir", str(data_dir), "--pin-file", str(pin_file)]) == 1
    assert "PIN salah" in capsys.readouterr().err
    pin_file.write_text(PIN + "\n")
    assert main(["status", "--data-dir", str(data_dir), "--pin-file", str(pin_file)]) == 0
    assert "pending: 1" in capsys.readouterr().out
    # The password (and the PIN) never go on the command line, where other accounts see them.
    with pytest.raises(SystemExit):
        main(["login", "--server", "http://x", "--username", "u", "--password", "rahasia"])
    assert "unrecognized arguments: --password rahasia" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_keyring_is_private_and_changes_atomically(signed_in, data_dir):
    keyring = signed_in.extensions["posyandu"].store.keyring
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for path in data_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".keyring")]
    assert keyring.users() == [{"username": "kader_a1", "name": "kader_a1", "disabled": None}]
