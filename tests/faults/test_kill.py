"""SIGKILL the field client during a save and during a sync: nothing committed is lost, nothing is
half-written, the outbox stays consistent, and the next sync converges exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from field_client.store import DB_FILENAME, Store
from field_client.sync import SyncAgent

from .conftest import Device, assert_converged, server_log

ROOT = Path(__file__).resolve().parents[2]


def child(mode: str, data_dir: Path, progress: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.child", mode, str(data_dir), str(progress), *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_until(predicate, timeout: float = 60.0, what: str = "condition") -> None:
    """Poll ``predicate`` until it holds (a deadline, not a sleep as synchronisation)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(30) == -signal.SIGKILL


def check_store_file(data_dir: Path) -> None:
    with sqlite3.connect(data_dir / DB_FILENAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_kill_during_saves_keeps_every_committed_save_and_a_consistent_outbox(tmp_path, proxy, app):
    data_dir, progress = tmp_path / "tab", tmp_path / "saved.txt"
    data_dir.mkdir()
    process = child("save", data_dir, progress)
    wait_until(lambda: len(lines(progress)) >= 40 or process.poll() is not None, what="saves")
    assert process.poll() is None, process.stderr.read().decode()
    kill(process)
    process.stderr.close()
    saved = lines(progress)
    check_store_file(data_dir)
    with Store.open(data_dir) as store:
        records = {r.id: r for r in store.list("person")}
        outbox = store.pending()
        # Every save the child saw commit is there; at most the one in flight is extra.
        assert set(saved) <= set(records)
        assert len(records) - len(saved) in (0, 1)
        assert all(
            r.version is None and r.fields["name"].startswith("Anak ") for r in records.values()
        )
        # One create mutation per record, seqs 1..n without a hole, next_seq after them.
        assert sorted(m.id for m in outbox) == sorted(records)
        assert [m.seq for m in outbox] == list(range(1, len(records) + 1))
        assert all(
            m.op == "upsert" and m.fields["name"] == records[m.id].fields["name"] for m in outbox
        )
        assert store.get_meta("next_seq") == len(records) + 1
    device = Device(data_dir, proxy.url)
    try:
        device.agent.sync()
        assert sorted(r[1] for r in server_log(app, device.device_id)) == sorted(records)
        assert {r[3] for r in server_log(app, device.device_id)} == {"applied"}
        assert_converged(device, app)
    finally:
        device.close()


@pytest.mark.parametrize("phase", ["push", "pull"])
def test_kill_during_a_sync_then_the_next_sync_converges_exactly_once(
    tmp_path, proxy, app, make_device, phase
):
    data_dir, progress = tmp_path / "tab", tmp_path / "sync.txt"
    data_dir.mkdir()
    setup = Device(data_dir, proxy.url)
    device_id = setup.device_id
    if phase == "push":
        ids = [setup.register(f"Anak {i}").id for i in range(300)]  # batches of 200 + 100
    else:
        writer = make_device("writer")
        ids = [writer.register(f"Anak {i}").id for i in range(300)]
        writer.agent.sync()
    setup.close()
    # The server commits the first batch (or serves the first page); its answer is held
    # until the client is dead.
    proxy.arm("hold_response", path=f"/sync/{phase}", skip=0 if phase == "push" else 1)
    process = child("sync", data_dir, progress, "100")
    try:
        assert proxy.held.wait(60), "the sync never reached the proxy"
        kill(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
        proxy.release()
    assert lines(progress) == ["started"]
    check_store_file(data_dir)
    with Store.open(data_dir) as store:
        if phase == "push":
            assert [m.seq for m in store.pending()] == list(range(1, 301))  # answer never seen
            assert len(server_log(app, device_id)) == 200  # but the server has batch 1
        else:
            # The first page (100 records: the registry, then persons) was applied with its
            # cursor; the second never arrived.
            assert len(store.synced_versions()) == 100 and store.get_meta("cursor") is not None
            assert 0 < store.count("person") < 100
        agent = SyncAgent(store)
        agent.sync()
        agent.session.close()
    device = Device.reopen(data_dir)
    try:
        if phase == "push":
            log = server_log(app, device_id)
            assert [(r[0], r[1], r[3]) for r in log] == [
                (i + 1, rid, "applied") for i, rid in enumerate(ids)
            ]
        assert sorted(r.id for r in device.store.list("person")) == sorted(ids)
        assert_converged(device, app)
    finally:
        device.close()
