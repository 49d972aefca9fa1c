"""Sync throughput of the real server on loopback, and its memory.

One kader device pushes a puskesmas' worth of balita (persons, then twelve monthly visits each) in
batches of 200; a fresh puskesmas device then pulls the whole scope; the server runs as its own
process (``posyandu-server run``) on a SQLite file (or BENCH_DATABASE_URL) so its peak RSS is its own.

Run: ``python -m bench.sync_bench [--quick]``.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
KADER, KADER_PASSWORD = "bench.kader", "bench-password-1"
PKM, PKM_PASSWORD = "bench.puskesmas", "bench-password-2"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(data_dir: str, env: dict) -> None:
    """Load the Kayong Utara registry and the two bench users through the real CLI."""
    from server.demo import generate

    demo = generate(1, scale=0.01)
    facilities = Path(data_dir) / "facilities.json"
    facilities.write_text(json.dumps(demo.facilities))
    script = f"""
import json
from server import create_app
from server.cli import create_user, upgrade_database, default_wilayah_csv
from server.registry import write_records, wilayah_from_csv
from server.extensions import db
app = create_app()
with app.app_context():
    upgrade_database()
    write_records(db.session, [("wilayah", w) for w in wilayah_from_csv(default_wilayah_csv())])
    write_records(db.session, [("facility", f) for f in json.load(open({str(facilities)!r}))])
    create_user({KADER!r}, "Bench kader", "kader", "PSY-6111012001-01", {KADER_PASSWORD!r})
    create_user({PKM!r}, "Bench puskesmas", "puskesmas", "PKM-SUKADANA", {PKM_PASSWORD!r})
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=ROOT)


def _records(persons: int, visits_each: int, seed: int = 7):
    """Yield (kind, fields) for synthetic balita and their monthly weighings."""
    rng = random.Random(seed)
    start = date(2025, 11, 1)
    for _ in range(persons):
        pid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        birth = start - timedelta(days=rng.randrange(30, 1400))
        yield "person", {"id": pid, "posyandu_id": "PSY-6111012001-01", "name": "Anak Bench",
                         "sex": rng.choice("MF"), "birth_date": birth.isoformat(),
                         "desa_code": "6111012001", "has_kia_book": True,
                         "mother_name": "Ibu Bench"}
        weight = 3.3 + (start - birth).days / 365 * 2.2
        for month in range(visits_each):
            day = start + timedelta(days=30 * month)
            age = (day - birth).days
            if age > 1800:
                break
            weight += rng.uniform(0.05, 0.35)
            yield "child_visit", {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "person_id": pid,
                "posyandu_id": "PSY-6111012001-01", "visit_date": day.isoformat(),
                "weight_kg": round(min(weight, 30.0), 1),
                "length_cm": round(min(50 + age / 30.4 * 1.4, 118.0), 1),
                "position": "lying" if age < 731 else "standing"}


def _login(base: str, username: str, password: str) -> tuple[requests.Session, str]:
    http = requests.Session()
    body = http.post(f"{base}/auth/login", json={"username": username, "password": password,
                                                  "device_name": "bench"}, timeout=60).json()
    http.headers["Authorization"] = f"Bearer {body['token']}"
    return http, body["device_id"]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(quick: bool = False) -> dict:
    """Measure push, pull and initial replication; return the figures."""
    persons, visits_each = (300, 12) if quick else (5000, 12)
    with tempfile.TemporaryDirectory(prefix="posyandu-bench-") as data_dir:
        env = {**os.environ, "POSYANDU_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT)}
        if os.environ.get("BENCH_DATABASE_URL"):
            env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
        _prepare(data_dir, env)
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "server.cli", "run", "--port", str(port),
                                   "--host", "127.0.0.1", "--without-threads"], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}/api/v1"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    requests.get(f"{base}/openapi.json", timeout=2)
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)  # waiting for a child process to listen, not synchronising tests
            http, device_id = _login(base, KADER, KADER_PASSWORD)
            items = list(_records(persons, visits_each))
            mutations = [{"seq": i + 1, "id": f["id"], "kind": k, "op": "upsert",
                          "base_version": None, "fields": f,
                          "hlc": f"{1_764_000_000_000 + i:016d}:00000:{device_id}",
                          "device_time": None} for i, (k, f) in enumerate(items)]
            raw_bytes = gz_bytes = 0
            t0 = time.perf_counter()
            for start in range(0, len(mutations), 200):
                body = json.dumps({"device_id": device_id,
                                   "mutations": mutations[start:start + 200]}).encode()
                packed = gzip.compress(body, 6)
                raw_bytes += len(body)
                gz_bytes += len(packed)
                response = http.post(f"{base}/sync/push", data=packed, timeout=300, headers={
                    "Content-Encoding": "gzip", "Content-Type": "application/json"})
                response.raise_for_status()
            push_seconds = time.perf_counter() - t0

            pull_http, _ = _login(base, PKM, PKM_PASSWORD)
            pull_http.headers["Accept-Encoding"] = "gzip"
            pulled, cursor, wire = 0, None, 0
            t0 = time.perf_counter()
            while True:
                params = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
                response = pull_http.get(f"{base}/sync/pull", params=params, timeout=300,
                                         stream=True)
                raw = response.raw.read(decode_content=False)
                wire += len(raw)
                page = json.loads(gzip.decompress(raw) if response.headers.get(
                    "Content-Encoding") == "gzip" else raw)
                pulled += len(page["changes"])
                cursor = page["cursor"]
                if not page["more"]:
                    break
            pull_seconds = time.perf_counter() - t0
            peak = _peak_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(30)
    n = len(mutations)
    return {
        "sync_data": f"{persons} persons + {n - persons} child visits (one posyandu), SQLite"
                     if not os.environ.get("BENCH_DATABASE_URL") else "PostgreSQL",
        "push_mutations": n,
        "push_seconds": round(push_seconds, 2),
        "push_mutations_per_second": round(n / push_seconds, 1),
        "push_bytes_per_mutation_json": round(raw_bytes / n, 1),
        "push_bytes_per_mutation_gzip": round(gz_bytes / n, 1),
        "initial_pull_changes": pulled,
        "initial_pull_seconds": round(pull_seconds, 2),
        "pull_changes_per_second": round(pulled / pull_seconds, 1),
        "pull_bytes_per_change_gzip": round(wire / max(pulled, 1), 1),
        "server_peak_rss_mb": round(peak, 1),
    }


if __name__ == "__main__":  # pragma: no cover
    for key, value in run("--quick" in sys.argv).items():
        print(f"{key:32} {value}")
