"""Configuration from the environment, in one place."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from shared.calendar import DEFAULT_ZONE, zone


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _zone_env(name: str) -> str:
    """Return the zone named in the environment (WIB by default); refuse an unknown one at start."""
    value = (os.environ.get(name) or DEFAULT_ZONE).strip().upper()
    zone(value)  # ValueError names the three zones
    return value


log = logging.getLogger(__name__)

# The data folder holds health data (the SQLite database and its WAL), the secret key and the
# demo passwords: readable by the server's own user only.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private(path: str | Path, mode: int) -> None:
    """Set ``path``'s permission bits to ``mode`` if it exists (a file we cannot change is logged)."""
    try:
        if stat.S_IMODE(os.stat(path, follow_symlinks=False).st_mode) != mode:
            os.chmod(path, mode, follow_symlinks=False)
    except FileNotFoundError:
        pass
    except (NotImplementedError, OSError) as exc:  # not our file, or a system without chmod
        log.warning("cannot restrict the permissions of %s: %s", path, exc)


def private_instance(instance_path: str) -> None:
    """Create the instance folder 0700 and make every file directly in it 0600."""
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    make_private(folder, PRIVATE_DIR_MODE)
    for child in folder.iterdir():
        if child.is_file() and not child.is_symlink():
            make_private(child, PRIVATE_FILE_MODE)


def private_sqlite_files(database_file: str) -> None:
    """Make an SQLite database file and its WAL and shared-memory files 0600.

    SQLite creates the -wal and -shm files with the database file's own permissions, so a
    database made private before WAL mode is switched on keeps them private.
    """
    if database_file:
        for suffix in ("", "-wal", "-shm", "-journal"):
            make_private(database_file + suffix, PRIVATE_FILE_MODE)


def load_secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, else one generated once and kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def from_environment(instance_path: str) -> dict:
    """Build the settings mapping from environment variables and the instance folder."""
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "posyandu.sqlite3")
    )
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Request bodies: at most this many bytes on the wire and after gzip inflation.
        "MAX_CONTENT_LENGTH": _int_env("POSYANDU_MAX_BODY_BYTES", 8 * 1024 * 1024),
        "MAX_INFLATED_BYTES": _int_env("POSYANDU_MAX_INFLATED_BYTES", 16 * 1024 * 1024),
        # Sign-in throttling (server/throttle.py, README "Sign-in throttling").
        "LOGIN_MAX_FAILURES": _int_env("POSYANDU_LOGIN_MAX_FAILURES", 10),
        "LOGIN_WINDOW_SECONDS": _int_env("POSYANDU_LOGIN_WINDOW_SECONDS", 15 * 60),
        "LOGIN_MAX_DELAY_SECONDS": _int_env("POSYANDU_LOGIN_MAX_DELAY_SECONDS", 15 * 60),
        "LOGIN_USER_MAX_DELAY_SECONDS": _int_env("POSYANDU_LOGIN_USER_MAX_DELAY_SECONDS", 60),
        "LOGIN_KNOWN_ADDRESS_DAYS": _int_env("POSYANDU_LOGIN_KNOWN_ADDRESS_DAYS", 30),
        # Password checks at once per process (each a 32 MiB scrypt), and how long one waits.
        "LOGIN_HASH_CONCURRENCY": _int_env("POSYANDU_LOGIN_HASH_CONCURRENCY", 2),
        "LOGIN_HASH_WAIT_SECONDS": _int_env("POSYANDU_LOGIN_HASH_WAIT_SECONDS", 10),
        # Web sessions end after this many hours (and at sign-out, and on a password change).
        "WEB_SESSION_HOURS": _int_env("POSYANDU_WEB_SESSION_HOURS", 12),
        # Proxies in front of the server that set X-Forwarded-For/-Proto/-Host (0: none).
        "BEHIND_PROXY": _int_env("POSYANDU_BEHIND_PROXY", 0),
        "CLOCK_SKEW_LIMIT_MS": _int_env("POSYANDU_CLOCK_SKEW_LIMIT_MS", 5 * 60 * 1000),
        "TOKEN_MAX_AGE_DAYS": _int_env("POSYANDU_TOKEN_MAX_AGE_DAYS", 365),
        # The oldest field-client version allowed to sync ("" = any); older apps get 426.
        "MIN_APP_VERSION": os.environ.get("POSYANDU_MIN_APP_VERSION", "").strip(),
        # Pushes applied at once per process; one more waits PUSH_QUEUE_WAIT_MS for a slot,
        # then gets 503 with Retry-After BUSY_RETRY_AFTER seconds.
        "MAX_CONCURRENT_PUSHES": _int_env("POSYANDU_MAX_CONCURRENT_PUSHES", 8),
        "PUSH_QUEUE_WAIT_MS": _int_env("POSYANDU_PUSH_QUEUE_WAIT_MS", 2000),
        "BUSY_RETRY_AFTER": _int_env("POSYANDU_BUSY_RETRY_AFTER", 5),
        # The kabupaten's zone (WIB, WITA or WIT): "today", "this month" and the times shown.
        "LOCAL_TIMEZONE": _zone_env("POSYANDU_LOCAL_TIMEZONE"),
        # A Pokjanal page read from the replica (DATABASE_READ_URL) notes lag beyond this.
        "REPLICA_LAG_NOTE_SECONDS": _int_env("POSYANDU_REPLICA_LAG_NOTE_SECONDS", 60),
    }


DEFAULTS = {
    "API_TITLE": "Posyandu Sync",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    # hide_parameters: a database error's message (and so the log) never holds the values of the
    # statement (names, NIKs); create_app keeps it even when the options are replaced.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "JSON_SORT_KEYS": False,
    "PROPAGATE_EXCEPTIONS": False,
    # Flask's own defaults hold these keys (SameSite None), so they are set here, not setdefault.
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
}
