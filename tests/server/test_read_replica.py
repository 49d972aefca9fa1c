"""Pulls read from the replica named by DATABASE_READ_URL, and from the primary when it is down
(issue #19, "beyond one machine").

The replica here is a snapshot of the primary's SQLite file (what a streaming replica is at an
instant, lag included): a pull must show the snapshot, not the primary, until the snapshot is
refreshed, while pushes still land on the primary. A replica that does not answer (nothing listens
on its port) falls back to the primary.
"""

from __future__ import annotations

import sqlite3

import pytest

from server import create_app
from testkit import world
from testkit.factories import person
from testkit.servers import live_server, reset_database
from testkit.servers import test_config as server_config
from tests.support.server_fixtures import HttpDevice


def names(device) -> set[str]:
    device.cursor = None
    return {c["fields"]["name"] for c in device.pull_all() if c["kind"] == "person"}


@pytest.fixture
def primary_and_replica(tmp_path):
    primary, replica = tmp_path / "primary.db", tmp_path / "replica.db"
    app = create_app(
        server_config(
            f"sqlite:///{primary}",
            DATABASE_READ_URL=f"sqlite:///{replica}",
            PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
        ),
        instance_path=str(tmp_path / "instance"),
    )
    reset_database(app)
    world.build(app)
    with live_server(app) as running:
        yield running, primary, replica


def replicate(primary, replica) -> None:
    """The replica catches up: a consistent copy of the primary as it now stands (WAL included)."""
    source, target = sqlite3.connect(primary), sqlite3.connect(replica)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def test_pulls_read_the_replica_and_pushes_the_primary(primary_and_replica):
    server, primary, replica = primary_and_replica
    kader = HttpDevice(server.url, "kader_a1")
    first = kader.push([kader.mutation("person", person("PSY-A1", name="Sebelum"))])
    assert first.status_code == 200, first.text
    replicate(primary, replica)
    second = kader.push([kader.mutation("person", person("PSY-A1", name="Sesudah"))])
    assert second.json()["results"][0]["status"] == "applied"
    reader = HttpDevice(server.url, "pkm_a")
    assert names(reader) == {"Sebelum"}  # the replica lags: the newer record is not there yet
    replicate(primary, replica)
    assert names(reader) == {"Sebelum", "Sesudah"}
    assert reader.digest  # the digest of the replica's snapshot matched its pages


def test_a_replica_that_does_not_answer_falls_back_to_the_primary(tmp_path):
    app = create_app(
        server_config(
            f"sqlite:///{tmp_path / 'primary.db'}",
            DATABASE_READ_URL="postgresql+psycopg://postgres@127.0.0.1:1/replica",
            PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
        ),
        instance_path=str(tmp_path / "instance"),
    )
    reset_database(app)
    world.build(app)
    with live_server(app) as server:
        kader = HttpDevice(server.url, "kader_a1")
        kader.push([kader.mutation("person", person("PSY-A1", name="Tetap Ada"))])
        assert names(HttpDevice(server.url, "pkm_a")) == {"Tetap Ada"}


# -- the Pokjanal pages (GET on the replica, the session check and every write on the primary) ----


def test_pokjanal_pages_read_the_replica(primary_and_replica):
    from tests.web.conftest import sign_in

    server, primary, replica = primary_and_replica
    kader = HttpDevice(server.url, "kader_a1")
    child = person("PSY-A1", name="Nama Lama")
    kader.push([kader.mutation("person", child)])
    replicate(primary, replica)
    renamed = kader.push([kader.mutation("person", {**child, "name": "Nama Baru"}, base_version=1)])
    assert renamed.json()["results"][0]["status"] == "applied", renamed.text
    # signed in after the snapshot: the web session exists on the primary only
    web = sign_in(server.app.test_client(), "dinas")
    page = web.get(f"/anak/{child['id']}")
    assert page.status_code == 200
    assert "Nama Lama" in page.text and "Nama Baru" not in page.text
    replicate(primary, replica)
    assert "Nama Baru" in web.get(f"/anak/{child['id']}").text


def test_a_write_inside_a_routed_request_goes_to_the_primary(primary_and_replica):
    import sqlalchemy as sa
    from flask import g

    from server.extensions import db
    from server.models import SyncCounter
    from server.sync.replica import read_engine

    server, primary, replica = primary_and_replica
    replicate(primary, replica)
    app = server.app
    with app.test_request_context("/ringkasan"):
        before = db.session.get(SyncCounter, 1).value
        db.session.rollback()
        g.read_engine = read_engine(app)
        db.session.execute(sa.update(SyncCounter).values(value=before + 7))
        db.session.commit()
        on_replica = db.session.execute(sa.select(SyncCounter.value)).scalar()
        g.read_engine = None
        on_primary = db.session.execute(sa.select(SyncCounter.value)).scalar()
    assert (on_replica, on_primary) == (before, before + 7)


def test_pokjanal_pages_fall_back_to_the_primary_and_say_so_once(tmp_path, caplog):
    from tests.web.conftest import sign_in

    app = create_app(
        server_config(
            f"sqlite:///{tmp_path / 'primary.db'}",
            DATABASE_READ_URL="postgresql+psycopg://postgres@127.0.0.1:1/replica",
            PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
        ),
        instance_path=str(tmp_path / "instance"),
    )
    reset_database(app)
    world.build(app)
    app.logger.addHandler(caplog.handler)  # the app's logger does not reach the root's
    with live_server(app) as server:
        kader = HttpDevice(server.url, "kader_a1")
        child = person("PSY-A1", name="Tetap Terbaca")
        kader.push([kader.mutation("person", child)])
        web = sign_in(app.test_client(), "dinas")
        for _ in range(2):
            page = web.get(f"/anak/{child['id']}")
            assert page.status_code == 200 and "Tetap Terbaca" in page.text
    warnings = [r for r in caplog.records if "read replica unreachable" in r.getMessage()]
    assert len(warnings) == 1  # then the primary for DOWN_SECONDS, without a connect attempt each
