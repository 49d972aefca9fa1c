"""Several kader on one laptop: every change records its kader, and the server's mutation log
names each (issue #18). The real local app (encrypted store, PINs, browser sessions) against the
real sync server on loopback (SQLite, and PostgreSQL when TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa

from field_client.store import SCHEMA_VERSION, Store, acting_as

from . import test_users_live as users
from .conftest import POSYANDU
from .test_bundle_client import EARLIER_VERSIONS, old_store
from .test_users_live import PIN, SECOND_PIN, launched, sign_in

# the several-kader tests' fixtures: a signed-in device with two unsent changes; a second kader
laptop = users.device
other_kader = users.second_kader

NAMES = ("Sekar Belum Terkirim", "Laras Belum Terkirim")  # saved by kader_a1 (the fixture)


def add_second_kader(client, live_server, username):
    from testkit.world import PASSWORD

    response = client.post("/setup", data=sign_in(live_server.url, username, PASSWORD, add="1"))
    assert response.status_code == 302 and response.location == "/pin", response.text
    assert client.post("/pin", data={"pin": SECOND_PIN, "pin2": SECOND_PIN}).location == "/"


def save_person(client, name):
    fields = {"posyandu_id": POSYANDU, "sex": "M", "birth_date": "2025-01-05", "name": name}
    response = client.post("/api/records/person", json={**fields, "mother_name": "Wati"})
    assert response.status_code == 201, response.json
    return response.json["id"]


def authors_on_server(live_server) -> dict[str, str | None]:
    """Return {person name: the username mutation_log names as the author} on the server."""
    from server.extensions import db
    from server.models import MutationLog, Record, User

    with live_server.app.app_context():
        rows = db.session.execute(
            sa.select(Record.fields, User.username)
            .join(MutationLog, MutationLog.record_id == Record.id)
            .outerjoin(User, User.id == MutationLog.author_user_id)
            .where(Record.kind == "person", MutationLog.status == "applied")
        ).all()
    return {fields["name"]: username for fields, username in rows}


def test_two_kader_each_save_a_change_and_the_server_names_each(laptop, other_kader, live_server):
    app, client = laptop
    context = app.extensions["posyandu"]
    add_second_kader(client, live_server, other_kader)  # this browser is now Kader Dua's
    dua = save_person(client, "Bima dari Kader Dua")
    other = launched(app)  # kader_a1 in another browser session, with their own PIN
    assert other.post("/unlock", data={"user": "kader_a1", "pin": PIN}).status_code == 302
    satu = save_person(other, "Dimas dari Kader Satu")
    authors = {m.id: m.author for m in context.store.pending()}
    assert authors[dua] == other_kader and authors[satu] == "kader_a1"
    context.agent.sync()
    assert context.store.outbox_counts().get("pending", 0) == 0
    assert authors_on_server(live_server) == {
        NAMES[0]: "kader_a1",
        NAMES[1]: "kader_a1",
        "Dimas dari Kader Satu": "kader_a1",
        "Bima dari Kader Dua": other_kader,
    }


def test_a_change_by_a_kader_deactivated_before_the_sync_is_quarantined_not_lost(
    laptop, other_kader, live_server
):
    from server.extensions import db
    from server.models import Record, User

    app, client = laptop
    context = app.extensions["posyandu"]
    add_second_kader(client, live_server, other_kader)
    dua = save_person(client, "Bima dari Kader Dua")
    with live_server.app.app_context():
        db.session.execute(sa.update(User).where(User.username == other_kader).values(active=False))
        db.session.commit()
    context.agent.sync()
    [held] = context.store.quarantined()
    assert held.id == dua and held.author == other_kader
    [message] = held.errors["author"]
    assert other_kader in message and "tidak aktif" in message
    assert context.store.get("person", dua).fields["name"] == "Bima dari Kader Dua"
    # The Sinkronisasi page says why, in words: no raw field key.
    page = client.get("/sinkronisasi").get_data(as_text=True)
    card = page.split(f'data-seq="{held.seq}"')[1].split("</article>")[0]
    assert "Dicatat oleh" in card and "tidak aktif" in card and "records.label" not in card
    with live_server.app.app_context():
        assert db.session.get(Record, dua) is None
    # kader_a1's own changes went through in the same sync.
    assert authors_on_server(live_server) == {NAMES[0]: "kader_a1", NAMES[1]: "kader_a1"}


def test_a_schema_5_store_keeps_its_full_outbox_and_pushes_it_without_authors(tmp_path):
    """The upgrade from schema 5: old mutations have no author (the push omits the field, and
    the server names the device's user, as before); new ones carry the kader's."""
    assert SCHEMA_VERSION == 6
    path = tmp_path / "v5.sqlite3"
    old_store(path, EARLIER_VERSIONS[5], 5)
    with Store(path) as store:
        pending = store.pending()
        assert len(pending) == 297 and all(m.author is None for m in pending)
        assert all("author" not in m.to_wire() for m in pending)
        with acting_as("kader_a1_dua"):
            _, seq = store.save("person", "rec-new", {"posyandu_id": POSYANDU, "name": "Baru"})
        [new] = store.pending(from_seq=seq)
        assert new.to_wire()["author"] == "kader_a1_dua"
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM outbox WHERE author IS NULL").fetchone()[0] == 300
    db.close()


def test_a_bundle_carries_each_change_s_kader_and_the_import_names_them(
    laptop, other_kader, live_server, tmp_path
):
    """The file path (no signal): the bundle's mutations carry their authors, and the puskesmas's
    import checks and logs them as an online push does."""
    from field_client.bundle import export_bundle
    from server.extensions import db
    from server.sync.bundle import import_device_bundle

    app, client = laptop
    context = app.extensions["posyandu"]
    add_second_kader(client, live_server, other_kader)
    save_person(client, "Bima dari Kader Dua")
    path = tmp_path / "kirim.posyandu"
    export_bundle(context.store, path)
    from .test_users_live import device_bundle_mutations

    carried = {m["fields"]["name"]: m.get("author") for m in device_bundle_mutations(path)}
    assert carried == {
        NAMES[0]: "kader_a1",
        NAMES[1]: "kader_a1",
        "Bima dari Kader Dua": other_kader,
    }
    with live_server.app.app_context():
        import_device_bundle(db.session, path.read_bytes())
    assert authors_on_server(live_server) == {
        NAMES[0]: "kader_a1",
        NAMES[1]: "kader_a1",
        "Bima dari Kader Dua": other_kader,
    }


def test_against_a_server_from_before_authors_the_device_pushes_as_before(
    laptop, live_server, monkeypatch
):
    """A server without the ``author`` field refuses it as unknown (strict push schema): the
    device then sends its outbox without authors, and nothing is quarantined or lost."""
    from shared.sync import schemas

    monkeypatch.delitem(schemas.MutationSchema._declared_fields, "author")
    app, _ = laptop
    context = app.extensions["posyandu"]
    assert [m.author for m in context.store.pending()] == ["kader_a1", "kader_a1"]
    context.agent.sync()
    assert context.store.outbox_counts().get("pending", 0) == 0
    assert context.store.quarantined() == []
    assert authors_on_server(live_server) == {NAMES[0]: None, NAMES[1]: None}
    assert context.agent.send_authors is False
