"""Memory of a real server process under a burst of failing sign-ins (audit #18, finding 8).

Starts the server (werkzeug, threaded, SQLite, scrypt as in production) in a subprocess on
loopback, sends ``--attempts`` concurrent sign-ins with wrong passwords (each a different unknown
username, so a per-username throttle never stops them), and reports the process's resident
memory before and at its peak (``VmHWM``) from /proc. Run from the repository root:

    .venv/bin/python bench/login_memory.py [--attempts 64] [--max-failures 1000]

``--max-failures`` sets POSYANDU_LOGIN_MAX_FAILURES for the server (a high value takes the
address throttle out of the way, to measure the bound on concurrent password hashing alone).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
SERVE = """
import sys
from werkzeug.serving import run_simple
from server import create_app
from server.cli import upgrade_database
app = create_app()
with app.app_context():
    upgrade_database()
run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=True)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mb(pid: int) -> dict[str, float]:
    """Return the process's current (VmRSS) and peak (VmHWM) resident memory in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def wait_ready(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/api/v1/openapi.json", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def burst(url: str, attempts: int) -> Counter:
    def attempt(i: int) -> int:
        with requests.Session() as http:
            return http.post(
                url + "/api/v1/auth/login",
                json={"username": f"nobody{i}", "password": "salah-salah", "device_name": "m"},
                timeout=120,
            ).status_code

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        return Counter(pool.map(attempt, range(attempts)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=64)
    parser.add_argument("--max-failures", type=int, default=None)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "POSYANDU_DATA_DIR": data, "PYTHONPATH": str(ROOT)}
        env.pop("DATABASE_URL", None)
        if args.max_failures is not None:
            env["POSYANDU_LOGIN_MAX_FAILURES"] = str(args.max_failures)
        server = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_ready(url, time.monotonic() + 60)
            burst(url, 2)  # warm up: first requests load the app's lazy parts
            before = memory_mb(server.pid)
            started = time.monotonic()
            statuses = burst(url, args.attempts)
            seconds = round(time.monotonic() - started, 1)
            after = memory_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        json.dumps(
            {
                "attempts": args.attempts,
                "max_failures": args.max_failures,
                "rss_before_mb": before["VmRSS"],
                "peak_rss_mb": after["VmHWM"],
                "rss_after_mb": after["VmRSS"],
                "statuses": dict(sorted(statuses.items())),
                "seconds": seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
