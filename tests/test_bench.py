"""The benchmark: the relay counts exactly, and the quick run writes sane figures for both systems.

Timings are read, never asserted; sizes, counts and bytes are.
"""

import json
import shutil
import socket
import threading

import pytest

from bench.__main__ import BENCH, OUT, main
from bench.relay import Relay


def _echo_server():
    """A loopback server answering each received chunk with twice its length in bytes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                while data := conn.recv(65536):
                    conn.sendall(b"y" * (2 * len(data)))

    threading.Thread(target=serve, daemon=True).start()
    return listener


def _exchange(port: int, payloads: list[bytes]) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        for payload in payloads:
            conn.sendall(payload)
            expected, got = 2 * len(payload), 0
            while got < expected:
                chunk = conn.recv(65536)
                assert chunk, "relay closed the connection early"
                got += len(chunk)


def test_relay_counts_bytes_connections_and_requests():
    listener = _echo_server()
    try:
        with Relay(listener.getsockname()[1]) as relay:
            before = relay.snapshot()
            _exchange(relay.port, [b"a" * 100, b"b" * 5000])
            _exchange(relay.port, [b"c" * 7])
            counted = relay.snapshot() - before
    finally:
        listener.close()
    assert counted.up == 100 + 5000 + 7
    assert counted.down == 2 * (100 + 5000 + 7)
    assert counted.connections == 2
    assert counted.requests == 3


@pytest.mark.slow
def test_quick_bench_runs_and_writes_its_figures():
    committed = [BENCH / "results.json", BENCH.parent / "docs" / "benchmarks.md"]
    before = [p.stat().st_mtime_ns if p.exists() else None for p in committed]
    assert main(["--quick"]) == 0
    results = json.loads((OUT / "results-quick.json").read_text())
    assert results["quick"] is True and results["machine"]
    assert results["growth"]["assess_calls_per_second"] > 0
    assert results["client"]["pages_under_200_ms"] in (True, False)
    assert results["district_sqlite"]["ringkasan_kabupaten_ms"] > 0
    assert results["district_sqlite"]["evaluasi_mingguan_kabupaten_ms"] > 0

    sync = results["sync"]
    n = sync["data"]["scope_records"]
    sides = ["ours"]
    if shutil.which("node") and shutil.which("npm"):
        sides.append("theirs")  # on a machine with node the PouchDB side must have run
    else:
        assert "node" in sync["theirs_skipped"]
    for side in sides:
        figures = sync[side]
        for phase in ("push", "initial"):
            assert figures[phase]["records"] == n
            assert figures[phase]["seconds"] > 0
            assert figures[phase]["requests"] >= 1
            # every record crossed the wire: at least a few bytes each, not absurdly many
            assert 10 < figures[phase]["bytes_per_record"] < 5000, (side, phase)
        for phase in ("incremental_push", "incremental_pull"):
            assert figures[phase]["records"] == sync["data"]["month_records"] == 80
            assert figures[phase]["bytes"] > 80 * 10
            # two samples in a quick run (five in a full one), the median one reported
            samples = figures[phase]["samples_seconds"]
            assert len(samples) == 2 and all(v > 0 for v in samples)
            assert figures[phase]["seconds"] == min(samples)
        for enc in ("gzip", "identity"):
            for phase in ("push", "pull"):
                assert figures["wire"][enc][phase]["bytes_per_record"] > 10
        # without compression a pull carries more bytes than with it
        assert (
            figures["wire"]["identity"]["pull"]["bytes"] > figures["wire"]["gzip"]["pull"]["bytes"]
        )
        assert [p["records"] for p in figures["sweep"]] == sync["data"]["sweep_records"]
        assert figures["server_peak_rss_mb"] > 10
    assert sync["ours"]["initial"]["digest_ok"] is True

    report = (OUT / "benchmarks-quick.md").read_text()
    assert "## Sync: ours and PouchDB, side by side" in report
    assert results["machine"] in report
    assert ("**skipped**" in report) == ("theirs" not in sides)
    assert "Incremental push, ours: 2 samples" in report
    png = (OUT / "benchmarks-sync-quick.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    # a smoke run leaves the full run's committed figures alone
    assert [p.stat().st_mtime_ns if p.exists() else None for p in committed] == before


def test_a_partial_run_merges_its_figures_into_the_results_written_before(tmp_path, monkeypatch):
    import bench.__main__ as bench_main

    committed = json.loads((BENCH / "results.json").read_text())
    (tmp_path / "results.json").write_text(json.dumps(committed))
    growth = {**committed["growth"], "assess_calls_per_second": 12345.0}
    spawned = []

    def fake_spawn(name, quick):
        spawned.append(name)
        return dict(growth)

    for name, value in (("BENCH", tmp_path), ("DOCS", tmp_path / "docs"), ("OUT", tmp_path)):
        monkeypatch.setattr(bench_main, name, value)
    monkeypatch.setattr(bench_main, "_spawn", fake_spawn)
    assert main(["--only", "growth"]) == 0
    assert spawned == ["growth"]
    merged = json.loads((tmp_path / "results.json").read_text())
    assert merged["growth"]["assess_calls_per_second"] == 12345.0
    for name in ("sync", "client", "district_sqlite", "district_postgresql"):
        assert merged[name] == committed[name], name  # the other benches' figures are kept
        assert merged["runs"][name] == committed["runs"][name]
    assert merged["runs"]["growth"] != committed["runs"]["growth"]
    assert merged["runs"]["growth"].startswith(merged["date"][:10])
    assert "total_seconds" not in merged
    page = (tmp_path / "docs" / "benchmarks.md").read_text()
    assert "merged: growth " + merged["runs"]["growth"] in page
    assert "12,345 calls/s" in page  # the new figure
    assert "## Field client" in page  # the kept figures are still on the page


def test_a_partial_run_after_a_whole_run_dates_the_older_benches_by_that_run():
    import bench.__main__ as bench_main

    whole = {"machine": "m", "date": "2026-11-01T10:20:30Z", "total_seconds": 99.0}
    whole |= {"growth": {"a": 1}, "client": {"b": 2}}
    merged = bench_main.merge(whole, {"client": {"b": 3}}, quick=False, seconds=None)
    assert merged["growth"] == {"a": 1} and merged["client"] == {"b": 3}
    assert merged["runs"]["growth"] == "2026-11-01T10:20Z"
    assert merged["runs"]["client"] != "2026-11-01T10:20Z"
    assert list(merged["runs"]) == ["growth", "client"] and "total_seconds" not in merged
    alone = bench_main.merge(whole, {"client": {"b": 3}}, quick=False, seconds=5.0)
    assert "growth" not in alone and alone["total_seconds"] == 5.0  # a whole run stands alone
