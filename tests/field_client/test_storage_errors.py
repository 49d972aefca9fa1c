"""A full disk and a damaged database file (audit #18, finding 14): plain Indonesian, never a
traceback; a refused save writes nothing; a damaged file is left as it is and what can be read
is saved for the puskesmas."""

import json
import stat

import pytest

from field_client import security
from field_client.app import create_app
from field_client.cli import main
from field_client.store import DB_FILENAME, Store

from .conftest import TODAY, TOKEN, make_person

PIN = "246813"


def counts(store):
    return store.count("person"), store.outbox_counts()["pending"], store.get_meta("next_seq")


def test_a_full_disk_refuses_the_save_in_indonesian_and_writes_nothing(local_client, local_app):
    store = local_app.extensions["posyandu"].store
    make_person(local_client)
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here on
    saved, response = 1, None
    for i in range(200):
        response = local_client.post(
            "/api/records/person",
            json={
                "posyandu_id": "PSY-A1",
                "name": f"Anak {i} " + "panjang " * 20,
                "sex": "F",
                "birth_date": "2025-06-10",
                "_different_person": True,  # similar names on purpose: not duplicates
            },
        )
        if response.status_code != 201:
            break
        saved += 1
    assert response.status_code == 507, response.text
    error = response.get_json()["error"]
    assert error["code"] == "full"
    assert "penuh" in error["message"] and "BELUM tersimpan" in error["message"]
    # Nothing half-written: the record, its outbox entry and the seq counter move together.
    assert counts(store) == (saved, saved, saved + 1)
    assert not store._db.in_transaction
    assert local_client.get("/registrasi").status_code == 200  # reading still works
    store._db.execute("PRAGMA max_page_count = 1073741823")  # space freed
    make_person(local_client, name="Sesudah")
    assert counts(store) == (saved + 1, saved + 1, saved + 2)


def launched(app):
    client = app.test_client()
    assert client.get(f"/?launch={TOKEN}").status_code == 302
    return client


def test_a_file_that_is_not_a_database_gives_a_recovery_page_not_a_traceback(data_dir, capsys):
    damaged = data_dir / DB_FILENAME
    garbage = b"Ini bukan basis data Posyandu Sync.\n" * 500
    damaged.write_bytes(garbage)
    app = create_app(data_dir, TOKEN, test_config={"TESTING": True, "TODAY": TODAY})
    assert app.test_client().get("/").status_code == 403  # still needs the launch secret
    client = launched(app)
    page = client.get("/registrasi")
    text = page.get_data(as_text=True)
    assert page.status_code == 503
    assert "Data perangkat tidak dapat dibuka" in text and "tidak mengubah" in text
    assert str(damaged) in text and "Traceback" not in text
    api = client.get("/api/records/person", headers={"X-Launch-Token": TOKEN})
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "store_damaged"
    saved = client.post("/pemulihan/ekspor")  # no PIN can be read from this file
    assert saved.status_code == 200, saved.text
    [export] = data_dir.glob("pemulihan-*.json")
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    content = json.loads(export.read_text())
    assert content["complete"] is False and content["tables"]["records"] == []
    download = client.get("/pemulihan/unduh")
    assert download.status_code == 200 and json.loads(download.data) == content
    download.close()
    assert damaged.read_bytes() == garbage  # left exactly as it was
    # The command line says the same in words, with no traceback.
    assert main(["status", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "rusak" in err and "Traceback" not in err


@pytest.fixture
def damaged_pages(data_dir):
    """A device with 300 people (unsent) and a PIN whose file then lost one page."""
    with Store.open(data_dir) as store:
        security.set_pin(store, PIN)
        store.set_meta(token="secret-device-token", device_id="dev-1")
        for i in range(300):
            store.save("person", f"p{i:03}", {"name": f"Anak {i:03} " + "x" * 100})
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = store._db.execute("PRAGMA page_size").fetchone()[0]
    path = data_dir / DB_FILENAME
    data = bytearray(path.read_bytes())
    page = data.find(b"Anak 150 ") // page_size
    data[page * page_size : (page + 1) * page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))
    return path


def test_damaged_pages_switch_to_recovery_and_export_what_can_be_read_after_the_pin(
    data_dir, damaged_pages
):
    app = create_app(data_dir, TOKEN, test_config={"TESTING": True, "TODAY": TODAY})
    try:
        client = launched(app)
        # Encrypting the old plaintext store at launch reads every page: the damage is found
        # before any PIN is asked, and the plaintext file is left as it was.
        page = client.get("/registrasi")
        assert page.status_code == 503 and "Traceback" not in page.get_data(as_text=True)
        assert "Data perangkat tidak dapat dibuka" in page.get_data(as_text=True)
        assert client.get("/").status_code == 503  # every page now explains
        wrong = client.post("/pemulihan/ekspor", data={"pin": "000000"})
        assert wrong.status_code == 403 and "PIN salah" in wrong.get_data(as_text=True)
        assert list(data_dir.glob("pemulihan-*.json")) == []
        saved = client.post("/pemulihan/ekspor", data={"pin": PIN})
        assert saved.status_code == 200 and "sudah disimpan" in saved.get_data(as_text=True)
        [export] = data_dir.glob("pemulihan-*.json")
        content = json.loads(export.read_text())
        assert content["complete"] is False and content["errors"]
        read = content["tables"]["records"] + content["tables"]["outbox"]
        assert len(read) > 300  # most of it could be read
        assert "secret-device-token" not in export.read_text()
        assert "pin_hash" not in export.read_text()
    finally:
        if "posyandu" in app.extensions:
            app.extensions["posyandu"].close()
