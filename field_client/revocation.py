"""When the server refuses this device or one of its kader: save the unsent work, then wipe.

The server answers 401 with ``reason: revoked`` when the device was revoked or its user
deactivated (server/auth.py ``verify_token``). Then, at that sync:

1. the unsent changes are written to a signed device bundle (field_client/bundle.py, the file the
   puskesmas imports with ``posyandu-server bundle import``) in the kader's Documents folder (the
   folder above the data folder when Documents cannot be written);
2. the replica is wiped: the keyring (every wrapped key) is removed first, so that from that
   moment nobody can decrypt the store, then the database and its WAL/SHM files;
3. a short notice (``revoked.json``: when, how many changes, where the file is; no health data)
   is left for the sign-in page, which explains it in Indonesian.

Another kader of this laptop (their own token, kept in the store at their sign-in) whose account
is deactivated loses their PIN slot at the next successful sync: they can no longer unlock.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any

import requests

from shared.i18n import register

from .store import DB_FILENAME, SQLITE_SIDE_FILES, now_utc_iso
from .sync import SyncAgent, SyncError

log = logging.getLogger(__name__)
NOTICE_FILE = "revoked.json"

register(
    {
        "client.revoked.title": {"id": "Akses perangkat dicabut", "en": "Device access revoked"},
        "client.revoked.text": {
            "id": "Server puskesmas mencabut perangkat ini atau menonaktifkan akun {username}, "
            "jadi data di perangkat ini sudah dihapus.",
            "en": "The puskesmas server revoked this device or deactivated account {username}, "
            "so the data on this device has been erased.",
        },
        "client.revoked.saved": {
            "id": "{n} perubahan yang belum terkirim disimpan lebih dulu ke file {path}. "
            "Serahkan file itu ke petugas puskesmas agar dimasukkan ke server.",
            "en": "{n} unsent changes were first saved to the file {path}. Give that file to "
            "the puskesmas staff so they can import it into the server.",
        },
        "client.revoked.nothing": {
            "id": "Tidak ada perubahan yang belum terkirim; tidak ada yang hilang.",
            "en": "There were no unsent changes; nothing was lost.",
        },
        "client.revoked.again": {
            "id": "Untuk memakai perangkat ini lagi, masuk dengan akun yang aktif.",
            "en": "To use this device again, sign in with an active account.",
        },
    }
)


def is_revoked(exc: SyncError) -> bool:
    """Tell whether a sync failure says the device or its user lost access for good."""
    return exc.code == "unauthorized" and (exc.details or {}).get("reason") == "revoked"


def notice_path(data_dir: str | Path) -> Path:
    """Return where the notice of a wipe is kept."""
    return Path(data_dir) / NOTICE_FILE


def read_notice(data_dir: str | Path) -> dict[str, Any] | None:
    """Return the notice of the last wipe, if any."""
    try:
        return json.loads(notice_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def save_unsent(store, folders: list[Path]) -> tuple[Path | None, int]:
    """Write the unsent changes as a device bundle into the first writable folder; return
    (path, count). Nothing unsent: (None, 0). No folder writable: OSError (nothing is wiped)."""
    from .bundle import build_device_bundle

    count = store.outbox_counts()["pending"]
    if not count:
        return None, 0
    data, summary = build_device_bundle(store)
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / summary["filename"]
            _write_private(path, data)
            return path, count
        except OSError as exc:
            log.warning("cannot save the unsent changes in %s: %s", folder, exc)
    raise OSError("no folder could hold the unsent changes")


def wipe_replica(data_dir: str | Path, keyring) -> None:
    """Erase the replica: the keys first (the store is unreadable from then on), then files."""
    keyring.wipe()
    path = Path(data_dir) / DB_FILENAME
    for suffix in ("", *SQLITE_SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def revoke_and_wipe(context, folders: list[Path] | None = None) -> dict[str, Any]:
    """Save the unsent changes, wipe the replica, leave the notice, and give the context a
    fresh empty store (a new sign-in may follow). Return the notice."""
    from . import crypto
    from .printing import documents_folder

    data_dir = Path(context.data_dir)
    store = context.store
    folders = folders or [documents_folder(), data_dir.parent]
    path, count = save_unsent(store, folders)  # raises before anything is wiped
    notice = {
        "at": now_utc_iso(),
        "username": store.get_meta("username") or "",
        "count": count,
        "bundle": str(path) if path else None,
    }
    if context.autosync is not None:
        context.autosync._stop.set()  # noqa: SLF001  (this may run in its own thread)
        context.autosync._wake.set()  # noqa: SLF001
        context.autosync = None
    with store._lock:  # noqa: SLF001  (no other request writes while the files go)
        store.close()
        wipe_replica(data_dir, context.keyring)
    notice_path(data_dir).unlink(missing_ok=True)
    _write_private(notice_path(data_dir), json.dumps(notice).encode())
    context.unlock_id = secrets.token_hex(16)  # every unlocked browser session ends here
    fresh = crypto.open_device_store(data_dir)
    context.store = fresh
    context.agent = DeviceAgent(fresh, context=context, lang=fresh.get_meta("lang") or "id")
    log.warning("device access revoked: %s unsent changes saved to %s; replica wiped", count, path)
    return notice


def check_other_kader(context) -> list[str]:
    """Ask the server about every other kader of this laptop; remove the slots of those it
    refuses for good. Return who lost access."""
    from .auth import _Settings

    store = context.store
    tokens = dict(store.get_meta("kader_tokens") or {})
    server = store.get_meta("server_url")
    removed = []
    for username, entry in list(tokens.items()):
        agent = SyncAgent(_Settings(server_url=server, token=entry.get("token")))  # type: ignore[arg-type]
        try:
            agent._request("GET", "/auth/me", session=requests.Session())  # noqa: SLF001
        except SyncError as exc:
            if is_revoked(exc):
                context.keyring.remove_slot(username)
                tokens.pop(username)
                removed.append(username)
        finally:
            agent.session.close()
    if removed:
        store.set_meta(kader_tokens=tokens or None)
        log.warning("kader no longer allowed on this device: %s", ", ".join(removed))
    return removed


class DeviceAgent(SyncAgent):
    """The app's sync agent: after each sync, the device's access is checked (see module)."""

    def __init__(self, store, *, context=None, **kwargs: Any):
        super().__init__(store, **kwargs)
        self.context = context
        self._wipe_lock = threading.Lock()

    def sync(self, progress=None):
        """Sync; on a revocation save the unsent work and wipe, else check the other kader."""
        try:
            report = super().sync(progress)
        except SyncError as exc:
            if self.context is not None and is_revoked(exc) and self.context.store is self.store:
                with self._wipe_lock:
                    revoke_and_wipe(self.context)
            raise
        if self.context is not None and self.store.get_meta("kader_tokens"):
            check_other_kader(self.context)
        return report
