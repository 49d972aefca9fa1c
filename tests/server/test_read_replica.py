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
