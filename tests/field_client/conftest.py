"""Fixtures for the field client: a store in a temporary data folder."""

import pytest

from field_client.store import Store
from tests.support.journeys import REPORTS, WATCH_FAILED  # noqa: F401  (the journeys' stash)


@pytest.fixture
def data_dir(tmp_path):
    """Return an empty data folder for one device."""
    path = tmp_path / "device"
    path.mkdir()
    return path


@pytest.fixture
def store(data_dir):
    """Open a fresh device store and close it after the test."""
    with Store.open(data_dir) as opened:
        yield opened


TOKEN = "launch-secret-for-tests"
TODAY = "2026-11-24"
POSYANDU = "PSY-A1"


@pytest.fixture
def local_app(data_dir):
    """Build the local app on an empty device store (today fixed for stable reports)."""
    from field_client.app import create_app

    application = create_app(data_dir, TOKEN, test_config={"TESTING": True, "TODAY": TODAY})
    yield application
    application.extensions["posyandu"].close()


@pytest.fixture
def local_client(local_app):
    """Return a test client that sends the launch token (like an automation client)."""
    test_client = local_app.test_client()
    test_client.environ_base["HTTP_X_LAUNCH_TOKEN"] = TOKEN
    return test_client


@pytest.fixture
def browser_client(local_app):
    """Return a test client that has opened the launch URL (cookie) but not unlocked yet."""
    test_client = local_app.test_client()
    response = test_client.get(f"/?launch={TOKEN}")
    assert response.status_code == 302
    return test_client


def make_person(local_client, **fields):
    """Register a person through the API and return the record."""
    data = {
        "posyandu_id": POSYANDU,
        "name": "Ani",
        "sex": "F",
        "birth_date": "2025-06-10",
        "mother_name": "Siti",
        **fields,
    }
    response = local_client.post("/api/records/person", json=data)
    assert response.status_code == 201, response.json
    return response.get_json()


@pytest.fixture
def live_server(backend, tmp_path_factory):
    """Serve the real sync server, with the test registry and users, on loopback.

    ``backend`` (tests/support/server_fixtures.py) runs each test on SQLite, and again on
    PostgreSQL when TEST_DATABASE_URL is set.
    """
    from server import create_app as create_server
    from server.extensions import db
    from testkit import world
    from testkit.servers import database_url, live_server, reset_database, test_config

    tmp = tmp_path_factory.getbasetemp()
    server_app = create_server(
        test_config(database_url(backend, str(tmp)), PASSWORD_HASH_METHOD="pbkdf2:sha256:1000"),
        instance_path=str(tmp / "instance"),
    )
    reset_database(server_app)
    world.build(server_app)
    with live_server(server_app) as running:
        yield running
    with server_app.app_context():
        db.session.remove()
        db.engine.dispose()


class Device:
    """A field client device: its own store and sync agent, signed in to the live server."""

    def __init__(self, data_dir, server_url, username="kader_a1", **agent_kwargs):
        from field_client.store import Store
        from field_client.sync import SyncAgent
        from testkit.world import PASSWORD

        self.store = Store.open(data_dir)
        self.agent = SyncAgent(self.store, **agent_kwargs)
        self.user = self.agent.login(server_url, username, PASSWORD, f"test-{data_dir.name}")

    def service(self):
        """Return the record service over this device's store."""
        from field_client.service import RecordService

        return RecordService(self.store, today=None)

    def close(self):
        """Release the store and the HTTP session."""
        self.agent.session.close()
        self.store.close()


@pytest.fixture
def make_device(tmp_path, live_server):
    """Return a factory of signed-in devices (closed after the test)."""
    devices = []

    def factory(name="tab1", username="kader_a1", **kwargs):
        path = tmp_path / name
        path.mkdir(exist_ok=True)
        device = Device(path, live_server.url, username, **kwargs)
        devices.append(device)
        return device

    yield factory
    for device in devices:
        device.close()
