"""Server fixtures (a pytest plugin, see tests/conftest.py): the app on every backend, a registry
world, devices over real HTTP."""

from __future__ import annotations

import gzip
import json
import uuid
from itertools import count

import pytest
import requests

from testkit import world as world_mod
from testkit.servers import BACKENDS, database_url, live_server, reset_database, test_config


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Run the test once per database backend (SQLite, and PostgreSQL when configured)."""
    return request.param


@pytest.fixture
def app(backend, tmp_path_factory):
    """Return the server app on an empty, migrated database."""
    from server import create_app
    from server.extensions import db

    tmp = tmp_path_factory.getbasetemp()
    app = create_app(
        test_config(database_url(backend, str(tmp)), PASSWORD_HASH_METHOD="pbkdf2:sha256:1000"),
        instance_path=str(tmp / "instance"),
    )
    reset_database(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def world(app):
    """Fill the database with the small test registry and users."""
    world_mod.build(app)
    return world_mod


@pytest.fixture
def client(app):
    """Return Flask's test client."""
    return app.test_client()


@pytest.fixture
def server(app, world):
    """Serve the app with its world on loopback."""
    with live_server(app) as running:
        yield running


class HttpDevice:
    """A scripted device speaking the protocol over real HTTP."""

    def __init__(
        self, base_url: str, username: str, password: str = world_mod.PASSWORD, lang: str = "id"
    ):
        self.base = base_url + "/api/v1"
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = lang
        response = self.http.post(
            f"{self.base}/auth/login",
            json={"username": username, "password": password, "device_name": f"test-{username}"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        self.token, self.device_id, self.user = body["token"], body["device_id"], body["user"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        self.seq = count(1)
        self.clock_ms = 1_764_000_000_000
        self.cursor = None
        self.replica: dict[str, dict] = {}

    def hlc(self) -> str:
        self.clock_ms += 1
        return f"{self.clock_ms:016d}:00000:{self.device_id}"

    def mutation(
        self,
        kind: str,
        fields: dict,
        *,
        record_id: str | None = None,
        op: str = "upsert",
        base_version: int | None = None,
    ) -> dict:
        return {
            "seq": next(self.seq),
            "id": record_id or fields.get("id") or str(uuid.uuid4()),
            "kind": kind,
            "op": op,
            "base_version": base_version,
            "fields": fields,
            "hlc": self.hlc(),
            "device_time": "2026-11-24T09:00:00+07:00",
        }

    def push(self, mutations: list[dict], *, compress: bool = False) -> requests.Response:
        body = json.dumps({"device_id": self.device_id, "mutations": mutations}).encode()
        headers = {"Content-Type": "application/json"}
        if compress:
            body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
        return self.http.post(f"{self.base}/sync/push", data=body, headers=headers, timeout=60)

    def pull_all(self, limit: int = 500) -> list[dict]:
        """Pull until no more pages; apply to the replica; return the changes seen."""
        seen = []
        while True:
            params = {"limit": limit, **({"cursor": self.cursor} if self.cursor else {})}
            response = self.http.get(f"{self.base}/sync/pull", params=params, timeout=60)
            assert response.status_code == 200, response.text
            page = response.json()
            if page.get("reset"):
                self.replica.clear()
            for change in page["changes"]:
                seen.append(change)
                if change["deleted"]:
                    self.replica.pop(change["id"], None)
                else:
                    self.replica[change["id"]] = change
            self.cursor = page["cursor"]
            if not page["more"]:
                self.digest = page["digest"]
                return seen


@pytest.fixture
def device(server):
    """Return a factory of signed-in HTTP devices for a username."""
    return lambda username, **kw: HttpDevice(server.url, username, **kw)
