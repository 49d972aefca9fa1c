"""Fault fixtures: the real server on loopback behind the fault proxy, and real field devices."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from testkit.faultproxy import FaultProxy
from testkit.world import PASSWORD

POSYANDU = "PSY-A1"


@pytest.fixture
def proxy(server):
    """Relay to the live server with faults on demand."""
    with FaultProxy(server.url) as running:
        yield running


class Device:
    """A field device (real Store, RecordService and SyncAgent) signed in through the proxy."""

    def __init__(
        self, data_dir, url, username="kader_a1", *, clock_ms=None, retries=None, **agent_kwargs
    ):
        from field_client.service import RecordService
        from field_client.store import Store
        from field_client.sync import SyncAgent, make_session

        self.dir = data_dir
        self.store = Store.open(data_dir, **({"clock_ms": clock_ms} if clock_ms else {}))
        if retries is not None:
            agent_kwargs["session"] = make_session(retries=retries, backoff=0)
        self.agent = SyncAgent(
            self.store, **({"clock_ms": clock_ms} if clock_ms else {}), **agent_kwargs
        )
        self.user = self.agent.login(url, username, PASSWORD, f"faults-{data_dir.name}")
        self.device_id = self.store.get_meta("device_id")
        self.service = RecordService(self.store, today=None)

    @classmethod
    def reopen(cls, data_dir):
        """Open a device's data folder again, signed in as it was (no new login)."""
        from field_client.service import RecordService
        from field_client.store import Store
        from field_client.sync import SyncAgent

        device = cls.__new__(cls)
        device.dir, device.store = data_dir, Store.open(data_dir)
        device.agent = SyncAgent(device.store)
        device.device_id = device.store.get_meta("device_id")
        device.service = RecordService(device.store, today=None)
        return device

    def register(self, name="Ani", **fields):
        return self.service.create(
            "person",
            {
                "posyandu_id": POSYANDU,
                "name": name,
                "sex": "F",
                "birth_date": "2025-06-10",
                "mother_name": "Siti",
                **fields,
            },
        )

    def close(self):
        self.agent.session.close()
        self.store.close()


@pytest.fixture
def make_device(tmp_path, proxy):
    """Return a factory of devices signed in through the proxy (closed after the test)."""
    devices = []

    def factory(name="tab1", username="kader_a1", **kwargs):
        path = tmp_path / name
        path.mkdir(exist_ok=True)
        device = Device(path, kwargs.pop("url", proxy.url), username, **kwargs)
        devices.append(device)
        return device

    yield factory
    for device in devices:
        device.close()


def server_log(app, device_id: str) -> list:
    """Return (seq, record_id, op, status) of every mutation the server logged for a device."""
    from server.extensions import db
    from server.models import MutationLog

    with app.app_context():
        rows = db.session.execute(
            sa.select(MutationLog.seq, MutationLog.record_id, MutationLog.op, MutationLog.status)
            .where(MutationLog.device_id == device_id)
            .order_by(MutationLog.seq)
        ).all()
        db.session.rollback()
    return [tuple(r) for r in rows]


def server_records(app, kind: str = "person") -> dict:
    """Return {id: (version, deleted, fields)} of the server's records of a kind."""
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        rows = {
            r.id: (r.version, r.deleted, dict(r.fields))
            for r in db.session.execute(sa.select(Record).where(Record.kind == kind)).scalars()
        }
        db.session.rollback()
    return rows


def server_device(app, device_id: str):
    """Return (clock_skew_ms, clock_flagged, last_seq) of a device row."""
    from server.extensions import db
    from server.models import Device as DeviceRow

    with app.app_context():
        row = db.session.get(DeviceRow, device_id)
        out = (row.clock_skew_ms, row.clock_flagged, row.last_seq)
        db.session.rollback()
    return out


def new_id(i: int) -> str:
    """Return a stable UUID for test record ``i``."""
    return str(uuid.UUID(int=0x1000_0000_0000_4000_8000_0000_0000_0000 + i))


def assert_converged(device, app) -> None:
    """The device's outbox is empty and its replica equals the server (digest and fields)."""
    report = device.agent.sync()
    assert device.store.outbox_counts() == {"pending": 0, "quarantined": 0}
    assert report.digest_ok is True
    server = server_records(app)
    local = {r.id: (r.version, False, r.fields) for r in device.store.list("person")}
    assert {
        k: (v, d, {f: x for f, x in fs.items() if f != "id"})
        for k, (v, d, fs) in server.items()
        if not d
    } == {k: (v, d, {f: x for f, x in fs.items() if f != "id"}) for k, (v, d, fs) in local.items()}
