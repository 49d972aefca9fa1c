"""Restart the server (SIGKILL, then start again) while a large push is in flight: exactly once."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from field_client.sync import SyncError
from testkit import servers, world
from testkit.faultproxy import FaultProxy

from .conftest import POSYANDU, Device, assert_converged, new_id, server_log, server_records

ROOT = Path(__file__).resolve().parents[2]
SERVER = Path(sys.executable).parent / "posyandu-server"
MUTATIONS = 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """``posyandu-server run`` on a fixed port, started and SIGKILLed at will."""

    def __init__(self, url: str, data_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "POSYANDU_DATA_DIR": str(data_dir),
            "SECRET_KEY": "restart-test-secret",
        }
        self.log = data_dir / "server.log"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [str(SERVER), "run", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{self.url}/api/v1/openapi.json", timeout=5).ok:
                    return
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.05)  # polling for readiness with a deadline

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(30)


@pytest.fixture
def restartable(backend, tmp_path):
    """The app's database prepared in-process, the server itself in a subprocess."""
    from server import create_app
    from server.extensions import db

    url = (
        servers.database_url(backend, str(tmp_path))
        if backend == "postgres"
        else f"sqlite:///{tmp_path}/restart.sqlite3"
    )
    app = create_app(
        servers.test_config(url, PASSWORD_HASH_METHOD="pbkdf2:sha256:1000"),
        instance_path=str(tmp_path / "instance"),
    )
    servers.reset_database(app)
    world.build(app)
    with app.app_context():
        db.engine.dispose()
    server = ServerProcess(url, tmp_path)
    server.start()
    yield app, server
    server.kill()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("kill_point", ["after_commit", "mid_request"])
def test_server_killed_during_a_large_push_then_restarted_applies_everything_once(
    restartable, tmp_path, kill_point
):
    app, server = restartable
    with FaultProxy(server.url) as proxy:
        data_dir = tmp_path / "tab"
        data_dir.mkdir()
        # batches of 200 (a link answering in 6 s never grows them), the third one hit
        device = Device(data_dir, proxy.url, retries=0, monotonic=itertools.count(0, 6).__next__)
        try:
            for i in range(MUTATIONS):
                device.store.save(
                    "person",
                    new_id(i),
                    {
                        "posyandu_id": POSYANDU,
                        "name": f"Anak {i}",
                        "sex": "MF"[i % 2],
                        "birth_date": "2025-06-10",
                        "mother_name": "Siti",
                    },
                )
            # The third batch of 200: either the server commits it and dies before answering,
            # or it dies while the batch is arriving.
            if kill_point == "after_commit":
                proxy.arm("hold_response", path="/sync/push", skip=2, then="drop")
            else:
                proxy.arm("pass", path="/sync/push", skip=2, on_sent=server.kill)
            errors: list[SyncError] = []

            def sync():
                try:
                    device.agent.sync()
                except SyncError as exc:
                    errors.append(exc)

            thread = threading.Thread(target=sync)
            thread.start()
            if kill_point == "after_commit":
                assert proxy.held.wait(60), "the third batch never reached the proxy"
                server.kill()
                proxy.release()
            thread.join(60)
            assert not thread.is_alive()
            assert [e.code for e in errors] == ["offline"]
            assert server.process.poll() == -signal.SIGKILL
            done = len(server_log(app, device.device_id))
            if kill_point == "after_commit":
                assert done == 600  # batches 1-3 committed, the third answer lost
            else:
                assert done in (400, 600)  # killed before or after its commit: either is fine
            assert device.store.outbox_counts()["pending"] == MUTATIONS - 400

            server.start()
            proxy.heal()
            device.agent.sync()
            log = server_log(app, device.device_id)
            assert [(seq, rid, status) for seq, rid, _, status in log] == [
                (i + 1, new_id(i), "applied") for i in range(MUTATIONS)
            ]
            records = server_records(app)
            assert len(records) == MUTATIONS
            assert {v[0] for v in records.values()} == {1}
            assert server.starts == 2
            assert_converged(device, app)
        finally:
            device.close()
