"""The running client of a data folder, so it can be opened again without its launch URL.

The launcher writes ``instance.json`` (port and launch token) into the data folder, readable by
the computer account alone (0600, in a 0700 folder), and removes it when it stops. Whoever can
read it can already read the device database beside it, so the token keeps protecting the app
from what it is for: web pages in the kader's browser and other accounts on the computer.
``posyandu-client open``, or starting the client again, reads it, checks that the app on that
port answers to that token, and opens the launch URL (a fresh launch cookie, same PIN rules).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import requests

from .security import LAUNCH_HEADER

INSTANCE_FILE = "instance.json"
LOOPBACK = "127.0.0.1"


def instance_path(data_dir: str | Path) -> Path:
    """Return where the running client of ``data_dir`` is described."""
    return Path(data_dir) / INSTANCE_FILE


def write_instance(data_dir: str | Path, port: int, token: str) -> Path:
    """Describe the running client (port, token, process) in a file only this account reads."""
    path = instance_path(data_dir)
    partial = path.with_name(f".{INSTANCE_FILE}.{os.getpid()}")
    payload = json.dumps({"port": int(port), "token": token, "pid": os.getpid()})
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    # Created 0600 from the start: there is no moment when another account could read it.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(payload)
    os.replace(partial, path)
    return path


def read_instance(data_dir: str | Path) -> dict[str, Any] | None:
    """Return the described client ({port, token, pid}), or None when there is none."""
    try:
        data = json.loads(instance_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("port"), int):
        return None
    return data if isinstance(data.get("token"), str) and data["token"] else None


def remove_instance(data_dir: str | Path, token: str) -> None:
    """Remove the description when it is still this client's (a newer one may have replaced it)."""
    found = read_instance(data_dir)
    if found is not None and found["token"] == token:
        with contextlib.suppress(FileNotFoundError):
            instance_path(data_dir).unlink()


def running_url(data_dir: str | Path, timeout: float = 3.0) -> str | None:
    """Return the launch URL of the client running on ``data_dir``, or None.

    The app on the port must answer the token: a port now used by another program, or a file
    left by a client that was killed, gives None.
    """
    found = read_instance(data_dir)
    if found is None:
        return None
    base = f"http://{LOOPBACK}:{found['port']}"
    with requests.Session() as http:
        http.trust_env = False  # loopback: never through a proxy the environment names
        try:
            answer = http.get(
                f"{base}/api/sync/status", headers={LAUNCH_HEADER: found["token"]}, timeout=timeout
            )
        except requests.RequestException:
            return None
    if answer.status_code != 200:
        return None
    return f"{base}/?launch={found['token']}"
