"""Child processes of the long runs (make bench, make soak): ports, readiness, memory, stopping."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

import requests


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(
    url: str, process: subprocess.Popen, what: str, timeout: float = 90, detail=lambda: ""
) -> None:
    """Wait until ``url`` answers 2xx; fail when ``process`` exits or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}{detail()}")
        try:
            if requests.get(url, timeout=5).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {timeout} s")
        time.sleep(0.1)  # waiting for a child process to listen


def children(pid: int) -> list[int]:
    """Return the pids of ``pid``'s direct children (gunicorn's workers)."""
    try:
        return sorted(int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except OSError:
        return []


def peak_rss_mb(pids: list[int]) -> float:
    """Return the largest VmHWM among ``pids`` (MB)."""
    peak = 0.0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return round(peak, 1)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after a minute."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
