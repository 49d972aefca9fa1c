"""The Pokjanal pages on a real streaming replica (pg_basebackup of a primary of our own).

Slow (two clusters are made, about 20 s): the replica's replay is paused, so the page keeps
showing the older data and notes how far behind it is; resumed, the page is current again.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from server import create_app
from testkit import world
from testkit.factories import person
from testkit.servers import live_server, reset_database
from testkit.servers import test_config as server_config
from tests.support.server_fixtures import HttpDevice
from tests.web.conftest import sign_in

pytestmark = pytest.mark.slow

NOTE = "tertinggal"  # "Data di halaman ini tertinggal N menit dari server utama."


@pytest.fixture(scope="module")
def clusters():
    from soak.clusters import Cluster

    if shutil.which("runuser") is None or not Cluster.available():
        pytest.skip("PostgreSQL server binaries not installed")
    # not under pytest's tmp_path: that is root's alone, and the clusters run as postgres
    parent = Path(tempfile.mkdtemp(prefix="posyandu-replica-test-"))
    primary = Cluster.primary(parent)
    try:
        primary.sql("CREATE DATABASE posyandu")
        replica = Cluster.replica_of(primary, parent)
        try:
            yield primary, replica
        finally:
            replica.stop()
    finally:
        primary.stop()
        shutil.rmtree(parent, ignore_errors=True)


def page_when(web, path: str, condition, timeout: float = 30):
    """GET ``path`` until ``condition(text)`` holds (the replica's state changes on its own)."""
    deadline = time.monotonic() + timeout
    while True:
        text = web.get(path).text
        if condition(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.2)


@pytest.fixture
def app(clusters, tmp_path):
    """The server on the primary, reading from the replica; its connections closed after."""
    from server.extensions import db
    from server.sync.replica import read_engine

    primary, replica = clusters
    app = create_app(
        server_config(
            primary.url("posyandu"),
            DATABASE_READ_URL=replica.url("posyandu"),
            REPLICA_LAG_NOTE_SECONDS=1,
            PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
        ),
        instance_path=str(tmp_path / "instance"),
    )
    reset_database(app)
    world.build(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        read_engine(app).dispose()


def test_a_page_on_a_lagging_replica_shows_older_data_and_says_so(clusters, app):
    primary, replica = clusters
    with live_server(app) as server:
        kader = HttpDevice(server.url, "kader_a1")
        child = person("PSY-A1", name="Nama Lama")
        kader.push([kader.mutation("person", child)])
        replica.wait_caught_up(primary)
        replica.sql("SELECT pg_wal_replay_pause()")
        try:
            renamed = kader.push(
                [kader.mutation("person", {**child, "name": "Nama Baru"}, base_version=1)]
            )
            assert renamed.json()["results"][0]["status"] == "applied", renamed.text
            web = sign_in(app.test_client(), "dinas")  # the session exists on the primary only
            path = f"/anak/{child['id']}"
            lagging = page_when(web, path, lambda text: NOTE in text)
            assert "Nama Lama" in lagging and "Nama Baru" not in lagging
            assert "tertinggal 1 menit dari server utama" in lagging
        finally:
            replica.sql("SELECT pg_wal_replay_resume()")
        replica.wait_caught_up(primary)
        current = web.get(path).text
        assert "Nama Baru" in current and NOTE not in current


def test_after_a_saved_form_the_user_reads_the_primary_until_the_replica_has_it(clusters, app):
    from tests.web.conftest import csrf_token

    primary, replica = clusters
    replica.wait_caught_up(primary)
    bidan, dinas = sign_in(app.test_client(), "bidan_a"), sign_in(app.test_client(), "dinas")
    token = csrf_token(bidan.get("/odf").text)
    replica.sql("SELECT pg_wal_replay_pause()")
    try:
        form = {"desa_code": "6111012001", "verified_on": "2026-03-01", "status": "odf"}
        saved = bidan.post("/odf", data={**form, "team": "Tim Baru", "csrf_token": token})
        assert saved.status_code == 303
        mine = bidan.get("/odf").text
        assert "Tim Baru" in mine and NOTE not in mine  # read from the primary
        others = page_when(dinas, "/odf", lambda text: NOTE in text)
        assert "Tim Baru" not in others and NOTE in others  # the paused replica
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")
    replica.wait_caught_up(primary)
    assert "Tim Baru" in dinas.get("/odf").text
