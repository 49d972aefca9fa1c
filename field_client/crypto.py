"""Encryption at rest of the device store: SQLCipher under a data key wrapped per kader.

The store (``posyandu-client.sqlite3``, its WAL and journal) is a SQLCipher 4 database under a
random 256-bit data key. The key is never written in the clear once a PIN exists: each kader who
signed in on this laptop has a *slot* in ``keyring.json`` holding the data key encrypted
(AES-256-GCM, the slot's user name as associated data) under a key derived from that kader's PIN
with Argon2id (argon2-cffi; 64 MiB, 3 passes, a random salt per slot). A PIN therefore unlocks
the data by decrypting the key, and a wrong PIN fails the GCM tag: there is no PIN hash to test
guesses against other than that (slow) derivation.

The keyring also holds what the sign-in pages need before any store is open and nothing
secret: the slots' display names, the wrong-PIN counts and waits (updated atomically, see
:meth:`Keyring.update`) and the bound server's address.

Two states keep the key beside the data, as an unprotected device always was:
- ``pending_key``: a device signed in (or not yet) whose kader has not chosen a PIN. The first
  PIN wraps it and removes it.
- a store upgraded from the plaintext format (:func:`open_device_store`): it is encrypted at
  once, its old PIN hash kept as a *legacy* slot; the first unlock with that PIN wraps the key
  and removes both.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

KEYRING_FILE = "keyring.json"
KEY_BYTES = 32
# RFC 9106's second recommended option (64 MiB, t=3, p=1): about 0.26 s per PIN on one core.
KDF = {"alg": "argon2id", "t": 3, "m": 65536, "p": 1}
PLAINTEXT_HEADER = b"SQLite format 3\x00"

# The app's handlers catch ``sqlite3`` errors (a full disk, a damaged file). sqlcipher3 raises
# its own classes with the same names: make each also a subclass of its sqlite3 namesake.
for _name in (
    "InterfaceError",
    "DatabaseError",
    "DataError",
    "OperationalError",
    "IntegrityError",
    "InternalError",
    "ProgrammingError",
    "NotSupportedError",
):
    _theirs, _ours = getattr(sqlcipher, _name), getattr(sqlite3, _name)
    if not issubclass(_theirs, _ours):
        _theirs.__bases__ = (*_theirs.__bases__, _ours)


def new_data_key() -> bytes:
    """Return a fresh random data key."""
    return secrets.token_bytes(KEY_BYTES)


def key_pragma(key: bytes) -> str:
    """Return the PRAGMA that keys a SQLCipher connection with a raw key (no SQLCipher KDF)."""
    if len(key) != KEY_BYTES:
        raise ValueError("data key must be 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(path: str | Path, key: bytes | None, **kwargs: Any) -> sqlite3.Connection:
    """Open ``path`` with SQLCipher, keyed when ``key`` is given; temp files stay in memory."""
    db = sqlcipher.connect(str(path), **kwargs)
    try:
        if key is not None:
            db.execute(key_pragma(key))
        db.execute("PRAGMA temp_store = MEMORY")
    except BaseException:
        db.close()
        raise
    return db


def is_plaintext(path: str | Path) -> bool:
    """Tell whether ``path`` is an ordinary (unencrypted) SQLite database file."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(PLAINTEXT_HEADER)) == PLAINTEXT_HEADER
    except FileNotFoundError:
        return False


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def derive(pin: str, salt: bytes, kdf: dict[str, Any]) -> bytes:
    """Derive the key-encryption key of a slot from its PIN."""
    if kdf.get("alg") != "argon2id":
        raise ValueError(f"unknown KDF {kdf.get('alg')!r}")
    return hash_secret_raw(
        pin.encode("utf-8"), salt, int(kdf["t"]), int(kdf["m"]), int(kdf["p"]), KEY_BYTES, Type.ID
    )


def wrap(username: str, pin: str, data_key: bytes, kdf: dict[str, Any] | None = None) -> dict:
    """Return a new slot holding ``data_key`` under ``pin`` (fresh salt and nonce)."""
    kdf = dict(kdf or KDF)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = AESGCM(derive(pin, salt, kdf)).encrypt(nonce, data_key, _aad(username))
    return {"kdf": kdf, "salt": _b64(salt), "nonce": _b64(nonce), "wrapped": _b64(sealed)}


def unwrap(username: str, slot: dict[str, Any], pin: str) -> bytes | None:
    """Return the data key the slot holds, or None when ``pin`` is not its PIN."""
    try:
        kek = derive(pin, _unb64(slot["salt"]), slot["kdf"])
        return AESGCM(kek).decrypt(_unb64(slot["nonce"]), _unb64(slot["wrapped"]), _aad(username))
    except (InvalidTag, KeyError, ValueError):
        return None


def _aad(username: str) -> bytes:
    return f"posyandu-keyslot:{username}".encode()


class Keyring:
    """``keyring.json`` in the data folder: the wrapped data keys and the PIN bookkeeping.

    Every change is a read-modify-write under a lock (a thread lock and, across processes, an
    ``flock`` on ``keyring.lock``) and replaces the file atomically (0600, fsync'd), so
    concurrent PIN attempts are counted one by one.
    """

    _locks: dict[str, threading.RLock] = {}
    _locks_guard = threading.Lock()

    def __init__(self, data_dir: str | Path):
        self.path = Path(data_dir) / KEYRING_FILE
        with self._locks_guard:
            self._lock = self._locks.setdefault(str(self.path.resolve()), threading.RLock())

    def exists(self) -> bool:
        """Tell whether the keyring file exists."""
        return self.path.exists()

    def read(self) -> dict[str, Any]:
        """Return the keyring's content (empty when there is none)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"version": 1, "slots": {}}
        data.setdefault("slots", {})
        return data

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock:
            lock_path = self.path.with_name("keyring.lock")
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                if os.name == "posix":
                    import fcntl

                    fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # releases the flock

    def update(self, change: Callable[[dict[str, Any]], Any]) -> Any:
        """Apply ``change(data)`` (it edits ``data`` in place) atomically; return its result."""
        with self._locked():
            data = self.read()
            before = json.dumps(data, sort_keys=True)
            result = change(data)
            if json.dumps(data, sort_keys=True) != before:
                self._write(data)
            return result

    def _write(self, data: dict[str, Any]) -> None:
        partial = self.path.with_name(f".{KEYRING_FILE}.{os.getpid()}.{threading.get_ident()}")
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, self.path)

    # -- what the pages ask before a store is open ------------------------------------------

    def slots(self) -> dict[str, dict[str, Any]]:
        """Return the slots by user name."""
        return self.read()["slots"]

    def users(self) -> list[dict[str, Any]]:
        """Return who can unlock this device: [{username, name}], in sign-in order."""
        slots = self.slots()
        return [
            {"username": name, "name": slot.get("name") or name, "disabled": slot.get("disabled")}
            for name, slot in sorted(slots.items(), key=lambda kv: kv[1].get("added", 0))
        ]

    def has_pin(self, username: str | None = None) -> bool:
        """Tell whether someone (or ``username``) has a PIN on this device."""
        slots = self.slots()
        return bool(slots) if username is None else username in slots

    def pending_key(self) -> bytes | None:
        """Return the key kept in the clear until the first PIN (None once wrapped)."""
        text = self.read().get("pending_key")
        return bytes.fromhex(text) if text else None

    def set_pending_key(self, key: bytes | None) -> None:
        """Keep (or forget) the unwrapped data key."""

        def change(data: dict[str, Any]) -> None:
            if key is None:
                data.pop("pending_key", None)
            else:
                data["pending_key"] = key.hex()

        self.update(change)

    def add_slot(self, username: str, name: str, pin: str, data_key: bytes, **extra: Any) -> None:
        """Give ``username`` a slot (replacing theirs) and forget any unwrapped key."""
        slot = {**wrap(username, pin, data_key), "name": name, **extra}

        def change(data: dict[str, Any]) -> None:
            old = data["slots"].get(username) or {}
            slot["added"] = old.get("added") or (
                max((s.get("added", 0) for s in data["slots"].values()), default=0) + 1
            )
            data["slots"][username] = slot
            data.pop("pending_key", None)

        self.update(change)

    def remove_slot(self, username: str) -> None:
        """Forget ``username``'s slot (they can no longer unlock this device)."""
        self.update(lambda data: data["slots"].pop(username, None))

    def wipe(self) -> None:
        """Forget every key: the store beside it can no longer be read by anyone."""
        with self._locked(), contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def encrypt_plaintext_store(path: Path, key: bytes) -> None:
    """Rewrite the plaintext SQLite database at ``path`` as SQLCipher under ``key``.

    The encrypted copy is written beside it, fsync'd, and renamed over the original; the old
    WAL, SHM and journal files are removed. A crash before the rename leaves the plaintext
    store as it was (the next open migrates again); after it, the encrypted one.
    """
    target = path.with_name(path.name + ".encrypting")
    for leftover in (target, Path(f"{target}-journal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    db = connect(path, None, isolation_level=None)
    try:
        _export(db, target, key)
    except BaseException:
        db.close()
        target.unlink(missing_ok=True)  # the plaintext store stays as it was
        raise
    db.close()
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(target, path)
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
    if os.name == "posix":
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _export(db: sqlite3.Connection, target: Path, key: bytes) -> None:
    """Copy the open plaintext database into ``target``, encrypted under ``key``."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    db.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(target),))
    db.execute("SELECT sqlcipher_export('encrypted')")
    db.execute(f"PRAGMA encrypted.user_version = {int(version)}")
    db.execute("DETACH DATABASE encrypted")


class KeyringLost(sqlite3.DatabaseError):
    """An encrypted store whose keyring is gone: no PIN can open it."""


def open_device_store(data_dir: str | Path, key: bytes | None = None, **kwargs: Any):
    """Open the device store in ``data_dir`` encrypted, or return None while it is locked.

    - a plaintext store (an install from before encryption) is encrypted first, its outbox and
      records untouched, its PIN kept as a legacy slot (see the module docstring);
    - a store with no PIN yet opens under the pending key;
    - a store with PINs opens only with ``key`` (from :meth:`Keyring` slot unwrapping);
    - no store: a new one under a new key (a keyring without a store is stale and forgotten).
    """
    from .store import DB_FILENAME, Store, secure_data_dir

    folder = secure_data_dir(data_dir)
    path = folder / DB_FILENAME
    keyring = Keyring(folder)
    if is_plaintext(path):
        key = _upgrade_plaintext(path, keyring, kwargs)
    elif not path.exists():
        keyring.wipe()
        key = new_data_key()
        keyring.set_pending_key(key)
    elif key is None:
        key = keyring.pending_key()
        if key is None:
            if keyring.has_pin():
                return None
            # Garbage, or an encrypted store whose keyring is gone: unreadable either way.
            raise KeyringLost("file is not a database (or its keyring.json is missing)")
    store = Store(path, key=key, **kwargs)
    store.keyring = keyring
    server = store.get_meta("server_url")
    if server and keyring.read().get("server_url") != server:
        # known before any PIN is typed: a sign-in after too many wrong PINs must use it
        keyring.update(lambda data: data.update(server_url=server))
    return store


def _upgrade_plaintext(path: Path, keyring: Keyring, kwargs: dict[str, Any]) -> bytes:
    """Encrypt a plaintext store in place; keep its PIN as a legacy slot; return the key."""
    from .store import Store

    with Store(path, **kwargs) as plain:  # brings its schema up to date first
        meta = plain.all_meta()
    key = new_data_key()
    username = str(meta.get("username") or "")
    user = meta.get("user") if isinstance(meta.get("user"), dict) else {}

    def change(data: dict[str, Any]) -> None:
        data["slots"] = {}
        data["pending_key"] = key.hex()  # written before the file is replaced: never lost
        if meta.get("server_url"):
            data["server_url"] = meta["server_url"]
        if meta.get("pin_hash"):
            data["slots"][username] = {
                "legacy_hash": meta["pin_hash"],
                "name": user.get("name") or username,
                "failures": int(meta.get("pin_failures") or 0),
                "locked_until": meta.get("pin_locked_until"),
                "added": 1,
            }

    keyring.update(change)
    encrypt_plaintext_store(path, key)
    with Store(path, key=key, **kwargs) as encrypted:
        encrypted.set_meta(pin_hash=None, pin_failures=None, pin_locked_until=None)
    log.info("device store encrypted (upgraded from plaintext)")
    return key


class StoreLocked(RuntimeError):
    """The store is encrypted and no kader has entered a PIN in this run of the app."""


class LockedStore:
    """Stands in for the store until a PIN opens it: it knows no setting and holds no data.

    Pages drawn before unlocking (sign-in, PIN) read settings through it and get the defaults;
    anything else is refused (the request checks never let a locked request get that far).
    """

    encrypted = True
    keyring = None
    generation = 0

    def get_meta(self, key: str, default: Any = None) -> Any:
        """Return ``default``: nothing is readable while locked."""
        return default

    def all_meta(self) -> dict[str, Any]:
        """Return no settings."""
        return {}

    def outbox_counts(self) -> dict[str, int]:
        """Return no counts (the badge stays empty)."""
        return {}

    def close(self) -> None:
        """Nothing to close."""

    def __getattr__(self, name: str) -> Any:
        raise StoreLocked(name)
