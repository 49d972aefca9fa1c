"""What encryption at rest costs the field client: the same device, plain SQLite and SQLCipher.

For each mode a device store is filled as an initial pull leaves it: the records of one large
posyandu applied as pulled pages of 500 changes (one transaction each, with their derived
values, ``Store.apply_changes`` as the sync agent calls it). The network and the server are left
out: this is the device's share of an initial pull, the part encryption changes. Then the app is
served over that store (werkzeug on 127.0.0.1, requests with the launch-token header, as
bench/client_bench.py does) and Beranda and saving a child visit are timed.

``encrypted``: the store as the app opens it (``crypto.open_device_store``: SQLCipher 4, raw
256-bit key, WAL). ``plain``: the same Store class without a key on Python's own sqlite3 (the app
before encryption). ``unkeyed``: the SQLCipher build's SQLite without a key (the SQLite versions
differ, so encryption's own cost is encrypted / unkeyed). The app is pointed at the plain and
unkeyed stores by replacing ``open_device_store`` in this process only.

Sizes: 65,006 records (6,150 people, 58,220 visits, their pregnancies and opening days);
``--quick``: about 2,300. Run: ``python -m bench.crypto_bench [--quick]``.
"""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import requests

from bench.client_bench import _apply_as_pulled, _timed, generate

MODES = ("plain", "unkeyed", "encrypted")


def _open(data_dir: Path, mode: str):
    """Open the store of ``mode``: 'encrypted' as the app does; 'plain' with Python's own
    sqlite3 (what the app used before); 'unkeyed' with the SQLCipher build's SQLite but no
    key (so encrypted vs unkeyed is the cost of encryption alone, same SQLite version)."""
    import sqlite3
    import types

    from field_client import crypto
    from field_client import store as store_module
    from field_client.store import DB_FILENAME, Store, secure_data_dir

    if mode == "encrypted":
        return crypto.open_device_store(data_dir)
    if mode == "unkeyed":
        shim = types.SimpleNamespace(
            **{k: getattr(sqlite3, k) for k in dir(sqlite3) if not k.startswith("__")}
        )
        shim.connect, shim.Row = crypto.sqlcipher.connect, crypto.sqlcipher.Row
        store_module.sqlite3 = shim
    try:
        store = Store(secure_data_dir(data_dir) / DB_FILENAME)
    finally:
        store_module.sqlite3 = sqlite3
    store.keyring = crypto.Keyring(data_dir)
    return store


def fill(data_dir: Path, data: dict[str, list], today: date, mode: str) -> dict[str, Any]:
    """Apply ``data`` as pulled pages; return the time and the record count."""
    store = _open(data_dir, mode)
    try:
        started = time.perf_counter()
        written = _apply_as_pulled(store, data, today)
        seconds = time.perf_counter() - started
        store.set_meta(token="bench-token", device_id="bench-device", username="bench.kader")
    finally:
        store.close()
    total = sum(written.values())
    return {
        "initial_pull_records": total,
        "initial_pull_seconds": round(seconds, 2),
        "initial_pull_records_per_s": round(total / seconds),
    }


def _children(data: dict[str, list], today: date, n: int) -> list[str]:
    limit = date(today.year - 5, today.month, min(today.day, 28)).isoformat()
    return [
        p["id"]
        for p in data["person"]
        if p["name"].startswith("Anak") and limit < p["birth_date"] < today.isoformat()
    ][:n]


def serve(data_dir: Path, data: dict[str, list], today: date, mode: str, repeat: int):
    """Serve the app over the store and time Beranda and saving a child visit."""
    from field_client import app as app_module
    from field_client import crypto
    from field_client.launcher import local_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    real_open = crypto.open_device_store
    if mode != "encrypted":
        app_module.crypto.open_device_store = lambda folder, key=None: _open(Path(folder), mode)
    try:
        app = app_module.create_app(data_dir, "bench-launch-token")
    finally:
        app_module.crypto.open_device_store = real_open
    assert app.extensions["posyandu"].store.encrypted == (mode == "encrypted")
    server = local_server(app, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    session = requests.Session()
    session.headers["X-Launch-Token"] = "bench-launch-token"
    try:
        _timed(session, "GET", base + "/")  # warm
        home, saves = [], []
        # Each save is followed by Beranda, which must then be computed afresh (its month
        # report is reused only until the next write).
        for child in _children(data, today, repeat + 1):
            visit = {
                "person_id": child,
                "visit_date": today.isoformat(),
                "weight_kg": 9.5,
                "_confirm": True,
            }
            saves.append(_timed(session, "POST", base + "/api/records/child_visit", json=visit))
            home.append(_timed(session, "GET", base + "/"))
        home = home[1:]
    finally:
        session.close()
        server.shutdown()
        server.server_close()
        app.extensions["posyandu"].close()
    return {
        "beranda_after_a_save_median_ms": round(statistics.median(home), 1),
        "save_child_visit_median_ms": round(statistics.median(saves[1:]), 1),
        "save_child_visit_max_ms": round(max(saves[1:]), 1),
    }


def run(quick: bool = False) -> dict[str, Any]:
    """Measure both modes on the same generated data; return the figures and the ratios."""
    people, visits = (200, 2_000) if quick else (6_150, 58_220)
    repeat = 5 if quick else 15
    today = date.today()
    data = generate(people, visits, today)
    import sqlite3

    from field_client import crypto

    results: dict[str, Any] = {
        "records": sum(len(v) for v in data.values()),
        "sqlite_versions": {
            "plain": sqlite3.sqlite_version,
            "sqlcipher": crypto.sqlcipher.sqlite_version,
        },
    }
    tmp = Path(tempfile.mkdtemp(prefix="posyandu-crypto-bench-"))
    try:
        # Warm up (imports, growth tables, the app's first request) so neither mode pays it.
        small = generate(20, 100, today)
        for mode in MODES:
            fill(tmp / f"warm-{mode}", small, today, mode)
            serve(tmp / f"warm-{mode}", small, today, mode, 2)
        for mode in MODES:
            folder = tmp / mode
            figures = fill(folder, data, today, mode)
            figures.update(serve(folder, data, today, mode, repeat))
            figures["file_mb"] = round(
                sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 1e6, 1
            )
            results[mode] = figures
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["load_average"] = round(os.getloadavg()[0], 2)
    for key in (
        "initial_pull_seconds",
        "beranda_after_a_save_median_ms",
        "save_child_visit_median_ms",
    ):
        base, encrypted = results["unkeyed"][key], results["encrypted"][key]
        results[f"{key}_ratio"] = round(encrypted / base, 2) if base else None
    return results


def report_lines(crypto: dict[str, Any]) -> list[str]:
    """Return the markdown section of docs/benchmarks.md for this bench."""
    if "plain" not in crypto or "encrypted" not in crypto:
        return []
    rows = [
        ("Initial pull, device share (s)", "initial_pull_seconds"),
        ("Initial pull (records/s)", "initial_pull_records_per_s"),
        ("Beranda after a save, median (ms)", "beranda_after_a_save_median_ms"),
        ("Save a child visit, median (ms)", "save_child_visit_median_ms"),
        ("Save a child visit, max (ms)", "save_child_visit_max_ms"),
        ("Data folder (MB)", "file_mb"),
    ]
    lines = [
        "",
        "## Encryption at rest on the device (SQLCipher)",
        "",
        f"{crypto['records']:,} records applied as pulled pages of 500 (the device's share of an "
        "initial pull: no network, no server), then Beranda and saving a visit over HTTP "
        "(`bench/crypto_bench.py`). Same data, same code; only the store's key differs.",
        "",
        "Python's sqlite3 is SQLite "
        f"{crypto.get('sqlite_versions', {}).get('plain', '?')}; the SQLCipher build is "
        f"{crypto.get('sqlite_versions', {}).get('sqlcipher', '?')}: *unkeyed* is that build "
        "without a key, so the ratio (encrypted / unkeyed) is the cost of encryption alone.",
        "",
        "| | Python sqlite3 | SQLCipher build, no key | SQLCipher, encrypted | ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, key in rows:
        plain, base = crypto["plain"].get(key), crypto.get("unkeyed", {}).get(key)
        encrypted = crypto["encrypted"].get(key)
        ratio = f"{encrypted / base:.2f}" if base else ""
        lines.append(f"| {label} | {plain} | {base} | {encrypted} | {ratio} |")
    return [*lines, ""]


if __name__ == "__main__":
    for key, value in run(quick="--quick" in sys.argv[1:]).items():
        print(f"crypto  {key:40} {value}", flush=True)
