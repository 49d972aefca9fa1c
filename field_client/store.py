"""The device's SQLite store: records, the outbox of unacknowledged mutations, and settings.

Every change a kader saves is written together with its outbox mutation in ONE transaction, so
killing the client at any moment loses nothing that was saved and never leaves a change unsent.
The store knows nothing of HTTP, Flask or pywebview.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared import records
from shared.jsoncodec import dumps_sorted

DB_FILENAME = "posyandu-client.sqlite3"
# The data folder and every file in it are the signed-in user's alone: health data, the device
# token and the PIN hash must not be readable by other accounts on a shared laptop.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")

log = logging.getLogger(__name__)

# Version 1's event date: the first of these present (as shipped; a later version replaces it).
_V1_EVENT_DATE_FIELDS = (
    "visit_date",
    "session_date",
    "opened_on",
    "meeting_date",
    "report_month",
    "period",
    "date",
    "held_on",
    "registered_on",
)

_EVENT_DATE_SQL = ", ".join(f"json_extract(fields, '$.{name}')" for name in _V1_EVENT_DATE_FIELDS)

# The date that places a record in time: each kind's own event_date_field (shared/records).
EVENT_DATE_FIELDS = records.event_date_fields()
_EVENT_DATE_CASE = "CASE kind {} END".format(
    " ".join(
        f"WHEN '{kind}' THEN json_extract(fields, '$.{name}')"
        for kind, name in EVENT_DATE_FIELDS.items()
    )
)

# Version 1: the store as first shipped. Never edit a shipped version's DDL: add a version.
SCHEMA_V1 = f"""
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    version     INTEGER,                -- server version, NULL until the server first acknowledged it
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    fields      TEXT NOT NULL,          -- JSON: the record as the kader sees it (server + pending)
    derived     TEXT NOT NULL DEFAULT '{{}}',  -- JSON: age, z-scores, categories, N/T (display only)
    updated_at  TEXT NOT NULL,
    person_id   TEXT GENERATED ALWAYS AS (json_extract(fields, '$.person_id')) VIRTUAL,
    pregnancy_id TEXT GENERATED ALWAYS AS (json_extract(fields, '$.pregnancy_id')) VIRTUAL,
    posyandu_id TEXT GENERATED ALWAYS AS (json_extract(fields, '$.posyandu_id')) VIRTUAL,
    event_date  TEXT GENERATED ALWAYS AS (coalesce({_EVENT_DATE_SQL})) VIRTUAL
);
CREATE INDEX IF NOT EXISTS records_kind_date ON records (kind, event_date);
CREATE INDEX IF NOT EXISTS records_kind_person ON records (kind, person_id, event_date);
CREATE INDEX IF NOT EXISTS records_kind_pregnancy ON records (kind, pregnancy_id, event_date);
CREATE INDEX IF NOT EXISTS records_kind_posyandu ON records (kind, posyandu_id, event_date);
CREATE TABLE IF NOT EXISTS outbox (
    seq          INTEGER PRIMARY KEY,   -- per device, monotonic, never reused (meta.next_seq)
    record_id    TEXT NOT NULL REFERENCES records (id),
    kind         TEXT NOT NULL,
    op           TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    base_version INTEGER,
    fields       TEXT NOT NULL,         -- JSON: changed fields only
    hlc          TEXT NOT NULL,
    device_time  TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'quarantined')),
    error        TEXT,                  -- JSON {{field: [messages]}} when quarantined
    created_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_record ON outbox (record_id, seq);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state, seq);
CREATE TABLE IF NOT EXISTS conflicts (
    id          TEXT PRIMARY KEY,
    record_id   TEXT NOT NULL,
    kind        TEXT,
    field       TEXT,
    data        TEXT NOT NULL,          -- JSON as the server reported it
    reported_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conflicts_record ON conflicts (record_id);
"""

# Version 2: the duplicate check's indexes and the kader's local record flags.
SCHEMA_V2 = """
-- the duplicate check finds persons by birth date window or NIK without a full scan
CREATE INDEX IF NOT EXISTS records_person_birth ON records (json_extract(fields, '$.birth_date'))
    WHERE kind = 'person';
CREATE INDEX IF NOT EXISTS records_person_nik ON records (json_extract(fields, '$.nik'))
    WHERE kind = 'person';
-- what the kader confirmed about a record (a re-measured implausible value), local only
CREATE TABLE IF NOT EXISTS record_flags (
    record_id   TEXT NOT NULL,          -- no foreign key: a replica reset must not trip on it
    code        TEXT NOT NULL,
    details     TEXT NOT NULL,          -- JSON: the reasons shown when the kader confirmed
    created_at  TEXT NOT NULL,
    PRIMARY KEY (record_id, code)
);
"""

# Version 3: the file bundles this device wrote or imported (field_client/bundle.py).
SCHEMA_V3 = """
CREATE TABLE IF NOT EXISTS bundles (
    id          TEXT PRIMARY KEY,
    direction   TEXT NOT NULL CHECK (direction IN ('export', 'import')),
    created_at  TEXT NOT NULL,          -- when the bundle was written (by whichever side)
    recorded_at TEXT NOT NULL,          -- when this device wrote or imported it
    summary     TEXT NOT NULL           -- JSON: seq range, counts
);
CREATE INDEX IF NOT EXISTS bundles_recorded ON bundles (recorded_at);
"""

# Version 4: Beranda's work lists (field_client/worklists.py) without scanning every visit: who was
# served on a day (a covering index), and the few child visits with an antigen list and adult
# visits with SKILAS (partial indexes; rows_having writes its WHERE exactly as these do).
SCHEMA_V4 = """
CREATE INDEX IF NOT EXISTS records_kind_date_person ON records (kind, event_date, person_id);
CREATE INDEX IF NOT EXISTS records_child_antigens ON records (person_id)
    WHERE kind = 'child_visit' AND deleted = 0
    AND coalesce(json_extract(fields, '$.immunizations'), '[]') != '[]';
CREATE INDEX IF NOT EXISTS records_adult_skilas ON records (person_id)
    WHERE kind = 'adult_visit' AND deleted = 0
    AND coalesce(json_extract(fields, '$.skilas'), '[]') != '[]';
"""

# Version 5: event_date from each kind's own date field (immunization given_on and referral
# referral_date were missing, so doses and referrals had no place in time on the device).
SCHEMA_V5 = f"""
DROP INDEX IF EXISTS records_kind_date_person;
DROP INDEX IF EXISTS records_kind_date;
DROP INDEX IF EXISTS records_kind_person;
DROP INDEX IF EXISTS records_kind_pregnancy;
DROP INDEX IF EXISTS records_kind_posyandu;
ALTER TABLE records DROP COLUMN event_date;
ALTER TABLE records ADD COLUMN event_date TEXT GENERATED ALWAYS AS ({_EVENT_DATE_CASE}) VIRTUAL;
CREATE INDEX IF NOT EXISTS records_kind_date ON records (kind, event_date);
CREATE INDEX IF NOT EXISTS records_kind_person ON records (kind, person_id, event_date);
CREATE INDEX IF NOT EXISTS records_kind_pregnancy ON records (kind, pregnancy_id, event_date);
CREATE INDEX IF NOT EXISTS records_kind_posyandu ON records (kind, posyandu_id, event_date);
CREATE INDEX IF NOT EXISTS records_kind_date_person ON records (kind, event_date, person_id);
"""

# Version 6: who made each unsent change (several kader share one laptop, issue #18): the
# username of the kader who unlocked the session that saved it; NULL in rows written before
# (the push then omits it and the server names the device's own user, as before).
SCHEMA_V6 = """
ALTER TABLE outbox ADD COLUMN author TEXT;
"""

# MIGRATIONS[n] takes a store from schema version n to n + 1 (``PRAGMA user_version``), each in
# the opening transaction: a store of any earlier version is brought up to date step by step,
# its records and outbox untouched (tests/field_client/test_bundle_client.py opens each one).
MIGRATIONS = (SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5, SCHEMA_V6)
SCHEMA_VERSION = len(MIGRATIONS)

# Who is making the store's local writes in this thread or request: set by the local app from
# the unlocked browser session (field_client/api.py), or by ``acting_as`` (CLI, tests). When
# unset, writes are the device's own account's (meta ``username``).
_author: ContextVar[str | None] = ContextVar("posyandu_author", default=None)


def set_author(username: str | None) -> Token:
    """Name who makes the following local writes in this context; return the reset token."""
    return _author.set(username or None)


def reset_author(token: Token) -> None:
    """Undo :func:`set_author`."""
    _author.reset(token)


@contextmanager
def acting_as(username: str | None) -> Iterator[None]:
    """Make the writes inside the block ``username``'s."""
    token = set_author(username)
    try:
        yield
    finally:
        reset_author(token)


ACKED_STATUSES = frozenset({"applied", "merged", "conflict", "duplicate"})


class StoreError(Exception):
    """A store operation that cannot be done (unknown record, wrong kind, deleted record)."""


class RecordNotFound(StoreError):
    """No live record with that id and kind."""


class StoreTooNew(StoreError):
    """The data file was written by a newer app (a higher schema version): left untouched."""


@dataclass(frozen=True)
class Record:
    """One local record as pages see it."""

    id: str
    kind: str
    version: int | None
    deleted: bool
    fields: dict[str, Any]
    derived: dict[str, Any]
    updated_at: str
    sync_state: str = "synced"  # synced | pending | quarantined

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of the local API."""
        return {
            "id": self.id,
            "kind": self.kind,
            "version": self.version,
            "deleted": self.deleted,
            "updated_at": self.updated_at,
            "sync_state": self.sync_state,
            "fields": self.fields,
            "derived": self.derived,
        }


@dataclass(frozen=True)
class Mutation:
    """One outbox entry, in the shape of the push protocol plus local bookkeeping."""

    seq: int
    id: str
    kind: str
    op: str
    base_version: int | None
    fields: dict[str, Any]
    hlc: str
    device_time: str
    state: str = "pending"
    errors: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    author: str | None = None  # the kader who saved it (None: written before schema 6)

    def to_wire(self) -> dict[str, Any]:
        """Return the mutation as the server's push endpoint expects it (``author`` only when
        known: protocol v1 addition, a server without it never sees the field)."""
        wire = {
            "seq": self.seq,
            "id": self.id,
            "kind": self.kind,
            "op": self.op,
            "base_version": self.base_version,
            "fields": self.fields,
            "hlc": self.hlc,
            "device_time": self.device_time,
        }
        if self.author:
            wire["author"] = self.author
        return wire

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape used by the local API (sync page)."""
        return {
            **self.to_wire(),
            "state": self.state,
            "errors": self.errors,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class Change:
    """One record as the server sends it in a pull or fetch page."""

    id: str
    kind: str
    version: int
    deleted: bool
    fields: dict[str, Any]

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Change:
        """Build a change from the server's JSON."""
        # Positional: a pull builds one per record (keywords cost a third more).
        return cls(
            str(data["id"]),
            str(data["kind"]),
            int(data["version"]),
            bool(data.get("deleted", False)),
            dict(data.get("fields") or {}),
        )


def now_utc_iso() -> str:
    """Return the current instant in UTC, ISO 8601 with offset."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def local_device_time() -> str:
    """Return the device's wall clock with its UTC offset (what the kader's clock said)."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    """Yield ``items`` in slices of ``size`` (SQLite's bound-parameter limit, with room)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


# WAL pages between automatic checkpoints: SQLite's default, and during a long download (about
# 16 MB of WAL; Store.long_download).
DEFAULT_WAL_PAGES = 1000
LONG_DOWNLOAD_WAL_PAGES = 4000


def _dumps(value: Any) -> str:
    """Return the stored JSON of ``value`` (compact, sorted keys): orjson where it writes the
    same text as the standard library (two encodings a pulled record, issue #19)."""
    return dumps_sorted(value)


def _loads(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)


def _chmod(path: Path, mode: int) -> None:
    """Set ``path``'s mode (POSIX only: on Windows the user's profile folder is private)."""
    if os.name != "posix":
        return
    try:
        if (os.stat(path, follow_symlinks=False).st_mode & 0o777) != mode:
            os.chmod(path, mode, follow_symlinks=False)
    except FileNotFoundError:
        pass
    except (OSError, NotImplementedError) as exc:  # another owner, a read-only mount
        log.warning("cannot make %s private: %s", path, exc)


def secure_data_dir(folder: str | Path) -> Path:
    """Create the data folder 0700 and make it and every file in it private (0700 / 0600).

    Runs on every open, so installs made before this rule are tightened too.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    _chmod(folder, PRIVATE_DIR_MODE)
    for entry in folder.iterdir():
        if entry.is_file() and not entry.is_symlink():
            _chmod(entry, PRIVATE_FILE_MODE)
    return folder


def create_private_file(path: str | Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (then only tighten its mode)."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    _chmod(Path(path), PRIVATE_FILE_MODE)


def secure_database_files(path: str | Path) -> None:
    """Make the database file and its WAL, SHM and journal files 0600."""
    for suffix in ("", *SQLITE_SIDE_FILES):
        _chmod(Path(f"{path}{suffix}"), PRIVATE_FILE_MODE)


# A derive hook recomputes a record's display-only derived values: derive(kind, fields) -> dict.
DeriveHook = Callable[[str, dict[str, Any]], dict[str, Any]]


class Store:
    """The local replica plus outbox, in one SQLite file (WAL, synchronous=FULL)."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock_ms: Callable[[], int] | None = None,
        key: bytes | None = None,
    ):
        """Open the store at ``path``; with ``key``, as SQLCipher under that data key
        (``field_client/crypto.py``: :func:`~field_client.crypto.open_device_store` is how the
        app opens it). Without, an ordinary SQLite file (tests, benches, the upgrade path)."""
        self.path = Path(path)
        self.encrypted = key is not None
        self.keyring: Any = None  # the device's crypto.Keyring when opened by open_device_store
        self.data_key = key
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        # SQLite gives the WAL and SHM files the database file's mode: create that one 0600.
        create_private_file(self.path)
        secure_database_files(self.path)
        self._clock_ms = clock_ms or (lambda: int(time.time() * 1000))
        self._lock = threading.RLock()
        self.generation = 0  # bumped by every commit of this connection (see cached)
        self._cache: dict[Any, tuple[tuple[int, int], Any]] = {}
        if key is None:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=5.0
            )
            self._db.row_factory = sqlite3.Row
        else:
            from . import crypto

            self._db = crypto.connect(
                self.path, key, isolation_level=None, check_same_thread=False, timeout=5.0
            )
            self._db.row_factory = crypto.sqlcipher.Row
        # cache_size: 32 MB of page cache (the default 2 MB holds a tenth of a 2,000-person
        # device, so every report re-read its pages from the OS); costs memory only when used.
        try:
            for pragma in (
                "journal_mode=WAL",
                "synchronous=FULL",
                "foreign_keys=ON",
                "busy_timeout=5000",
                "cache_size=-32000",
            ):
                self._db.execute(f"PRAGMA {pragma}")
            self._migrate()
        except BaseException:  # a damaged or foreign file: do not leak the connection
            self._db.close()
            raise
        secure_database_files(self.path)  # the WAL and SHM files exist now

    @classmethod
    def open(cls, data_dir: str | Path, **kwargs: Any) -> Store:
        """Open (creating if needed) the store in ``data_dir``, made private to this user."""
        return cls(secure_data_dir(data_dir) / DB_FILENAME, **kwargs)

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        with self.transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreTooNew(
                    f"store schema version {version} is newer than this app's {SCHEMA_VERSION}"
                )
            for step in range(version, SCHEMA_VERSION):
                # executescript would commit mid-transaction: run the statements one by one
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        db.execute(statement)
            if version < SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if self._meta(db, "device_uuid") is None:
                self._set_meta(db, "device_uuid", str(uuid.uuid4()))
            if self._meta(db, "next_seq") is None:
                self._set_meta(db, "next_seq", 1)

    # -- transactions and settings ---------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[_Tx]:
        """Run a block in one write transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on error).

        A COMMIT that fails (a full disk) rolls back too: nothing is half-written and the
        connection is ready for the next transaction.
        """
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield _Tx(self._db)
                self._db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
            finally:
                self.generation += 1

    @contextmanager
    def long_download(self, wal_pages: int = LONG_DOWNLOAD_WAL_PAGES) -> Iterator[None]:
        """Checkpoint the WAL less often while a download commits page after page.

        Each page's commit (synchronous=FULL, unchanged) dirties the same index pages again;
        SQLite's default checkpoint every 1,000 WAL pages wrote them back to the database file
        about once a commit (issue #19: checkpoints were a fifth of an initial pull's writes
        on the device). Afterwards the default comes back and a passive checkpoint runs.
        """
        with self._lock:
            self._db.execute(f"PRAGMA wal_autocheckpoint = {int(wal_pages)}")
        try:
            yield
        finally:
            with self._lock:
                self._db.execute(f"PRAGMA wal_autocheckpoint = {DEFAULT_WAL_PAGES}")
                try:
                    self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:  # the next automatic checkpoint does it
                    log.exception("checkpoint after a download failed")

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Return ``compute()``, reused until the next write to the store.

        A value is tied to this connection's commit count and SQLite's ``data_version`` (which
        moves when another connection, e.g. the CLI's sync, commits), so it is never stale.
        Callers must treat the value as read-only.
        """
        with self._lock:
            version = (self.generation, self._db.execute("PRAGMA data_version").fetchone()[0])
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                return hit[1]
            value = compute()
            if len(self._cache) >= 16:
                self._cache.clear()
            self._cache[key] = (version, value)
            return value

    def _rollback(self) -> None:
        """Roll back the open transaction, if SQLite has not already done so."""
        if not self._db.in_transaction:
            return
        try:
            self._db.execute("ROLLBACK")
        except sqlite3.Error:  # keep the original error; the next BEGIN says if this mattered
            log.exception("rollback failed")

    @staticmethod
    def _meta(db: Any, key: str, default: Any = None) -> Any:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    @staticmethod
    def _set_meta(db: Any, key: str, value: Any) -> None:
        if value is None:
            db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                "DO UPDATE SET value = excluded.value",
                (key, _dumps(value)),
            )

    def get_meta(self, key: str, default: Any = None) -> Any:
        """Return one setting (JSON value) or ``default``."""
        with self._lock:
            return self._meta(self._db, key, default)

    def set_meta(self, **values: Any) -> None:
        """Set settings in one transaction; ``None`` removes a key."""
        with self.transaction() as db:
            for key, value in values.items():
                self._set_meta(db, key, value)

    def update_meta(
        self, keys: Iterable[str], change: Callable[[dict[str, Any]], tuple[dict[str, Any], Any]]
    ) -> Any:
        """Read settings and write new ones in ONE write transaction; return ``change``'s result.

        ``change(values)`` gets ``{key: value}`` of ``keys`` and returns ``(updates, result)``.
        Writers (threads or processes) are serialised, so read-check-write cannot race.
        """
        with self.transaction() as db:
            updates, result = change({key: self._meta(db, key) for key in keys})
            for key, value in updates.items():
                self._set_meta(db, key, value)
            return result

    def all_meta(self) -> dict[str, Any]:
        """Return every setting."""
        with self._lock:
            return {
                row[0]: json.loads(row[1])
                for row in self._db.execute("SELECT key, value FROM meta")
            }

    # -- the hybrid logical clock ---------------------------------------------------------

    def _clock(self, db: Any) -> Any:
        from shared.sync import hlc

        node = self._meta(db, "device_id")
        if not hlc.is_valid_node(node):
            node = self._meta(db, "device_uuid")
        last = self._meta(db, "hlc_last")
        if last is not None:
            last = hlc.parse(last)._replace(node=node)
        return hlc.Clock(node, self._clock_ms, last=last)

    def _next_hlc(self, db: Any) -> str:
        clock = self._clock(db)
        stamp = str(clock.now())
        self._set_meta(db, "hlc_last", stamp)
        return stamp

    def observe_server_time(self, server_ms: int) -> None:
        """Take the server's clock into the HLC so it never falls behind (persisted)."""
        with self.transaction() as db:
            self._observe_server_time(db, server_ms)

    def _observe_server_time(self, db: Any, server_ms: int) -> None:
        clock = self._clock(db)
        clock.observe_ms(server_ms)
        self._set_meta(db, "hlc_last", str(clock.now()))

    # -- reading records -----------------------------------------------------------------

    def _record(self, db: Any, row: sqlite3.Row) -> Record:
        states = {
            r[0]
            for r in db.execute(
                "SELECT DISTINCT state FROM outbox WHERE record_id = ?", (row["id"],)
            )
        }
        state = "quarantined" if "quarantined" in states else "pending" if states else "synced"
        return Record(
            id=row["id"],
            kind=row["kind"],
            version=row["version"],
            deleted=bool(row["deleted"]),
            fields=json.loads(row["fields"]),
            derived=json.loads(row["derived"]),
            updated_at=row["updated_at"],
            sync_state=state,
        )

    def get(
        self, kind: str | None, record_id: str, *, include_deleted: bool = False
    ) -> Record | None:
        """Return the record ``record_id`` (of ``kind`` if given), or None."""
        with self._lock:
            row = self._db.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
            if row is None or (kind is not None and row["kind"] != kind):
                return None
            if row["deleted"] and not include_deleted:
                return None
            return self._record(self._db, row)

    def list(
        self,
        kind: str,
        *,
        person_id: str | None = None,
        pregnancy_id: str | None = None,
        posyandu_id: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        search: str | None = None,
        include_deleted: bool = False,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[Record]:
        """Return records of one kind, filtered by the indexed columns and a text search."""
        sql = ["SELECT * FROM records WHERE kind = ?"]
        args: list[Any] = [kind]
        for column, value in (
            ("person_id", person_id),
            ("pregnancy_id", pregnancy_id),
            ("posyandu_id", posyandu_id),
        ):
            if value is not None:
                sql.append(f"AND {column} = ?")
                args.append(value)
        if date_from is not None:
            sql.append("AND event_date >= ?")
            args.append(date_from)
        if date_to is not None:
            sql.append("AND event_date <= ?")
            args.append(date_to)
        if not include_deleted:
            sql.append("AND deleted = 0")
        if search:
            # The text matches literally: % and _ are escaped (a search for "%" is not "all").
            sql.append(
                "AND (lower(json_extract(fields, '$.name')) LIKE ? ESCAPE '\\' "
                "OR json_extract(fields, '$.nik') LIKE ? ESCAPE '\\' "
                "OR lower(json_extract(fields, '$.mother_name')) LIKE ? ESCAPE '\\')"
            )
            text = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = f"%{text.lower()}%"
            args += [like, f"{text}%", like]
        order = "DESC" if newest_first else "ASC"
        sql.append(f"ORDER BY event_date {order}, json_extract(fields, '$.name'), id")
        if limit is not None:
            sql.append("LIMIT ?")
            args.append(int(limit))
        with self._lock:
            rows = self._db.execute(" ".join(sql), args).fetchall()
            return self._records(self._db, rows)

    def _records(self, db: Any, rows: list[sqlite3.Row]) -> list[Record]:
        states: dict[str, set[str]] = {}
        if rows:
            # A few rows (a child's visits): look up just their outbox entries, not the whole
            # outbox, which holds thousands after weeks offline.
            ids = [row["id"] for row in rows] if len(rows) <= 500 else None
            where = f"WHERE record_id IN ({','.join('?' * len(ids))}) " if ids else ""
            for rid, state in db.execute(
                f"SELECT record_id, state FROM outbox {where}GROUP BY record_id, state", ids or ()
            ):
                states.setdefault(rid, set()).add(state)
        out = []
        for row in rows:
            s = states.get(row["id"], set())
            state = "quarantined" if "quarantined" in s else "pending" if s else "synced"
            out.append(
                Record(
                    id=row["id"],
                    kind=row["kind"],
                    version=row["version"],
                    deleted=bool(row["deleted"]),
                    fields=json.loads(row["fields"]),
                    derived=json.loads(row["derived"]),
                    updated_at=row["updated_at"],
                    sync_state=state,
                )
            )
        return out

    def rows(
        self,
        kind: str,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        derived_keys: Iterable[str] = (),
    ) -> list[dict[str, Any]]:
        """Return live records of a kind as plain dicts (fields, id and some derived values).

        The fast path for reports: no sync state, only the derived values asked for.
        """
        keys = list(derived_keys)
        extra = "".join(f", json_extract(derived, '$.{key}')" for key in keys)
        sql = f"SELECT id, fields{extra} FROM records WHERE kind = ? AND deleted = 0"
        args: list[Any] = [kind]
        if date_from is not None:
            sql += " AND event_date >= ?"
            args.append(date_from)
        if date_to is not None:
            sql += " AND event_date <= ?"
            args.append(date_to)
        with self._lock:
            found = self._db.execute(sql, args).fetchall()
        return [
            {**json.loads(row[1]), **dict(zip(keys, row[2:], strict=True)), "id": row[0]}
            for row in found
        ]

    # (kind, field) -> the WHERE of a partial index of SCHEMA_V4, which rows_having must repeat
    # literally for SQLite to use the index.
    HAVING_INDEXED = {
        ("child_visit", "immunizations"): "records_child_antigens",
        ("adult_visit", "skilas"): "records_adult_skilas",
    }

    def rows_having(self, kind: str, having: str) -> list[dict[str, Any]]:
        """Return live records of a kind whose field ``having`` is set and not an empty list
        (child visits with an antigen list, adult visits with SKILAS), as plain dicts.

        Only the pairs of ``HAVING_INDEXED``: each reads a partial index, not every visit."""
        index = self.HAVING_INDEXED.get((kind, having))
        if index is None:
            raise StoreError(f"no index for {kind} records having {having}")
        # INDEXED BY: without statistics the planner would rather scan the kind's date index
        sql = (
            f"SELECT id, fields FROM records INDEXED BY {index} "
            f"WHERE kind = '{kind}' AND deleted = 0 "
            f"AND coalesce(json_extract(fields, '$.{having}'), '[]') != '[]'"
        )
        with self._lock:
            found = self._db.execute(sql).fetchall()
        return [{**json.loads(row[1]), "id": row[0]} for row in found]

    def persons_on(self, kind: str, day: str) -> set[str]:
        """Return the persons with a live record of ``kind`` on ``day`` (its own date field:
        ``event_date`` since store schema 5)."""
        with self._lock:
            found = self._db.execute(
                "SELECT DISTINCT person_id FROM records "
                "WHERE kind = ? AND event_date = ? AND deleted = 0",
                (kind, day),
            ).fetchall()
        return {row[0] for row in found if row[0] is not None}

    def last_before(
        self,
        kind: str,
        before: str,
        *,
        having: str,
        derived_keys: Iterable[str] = (),
        person_ids: Iterable[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Return, per person, the latest live record of a kind dated before ``before`` that has
        the field ``having`` (e.g. each child's last weighing before a report window).
        ``person_ids``, when given, limits it to those persons."""
        keys = list(derived_keys)
        extra = "".join(f", json_extract(r.derived, '$.{key}')" for key in keys)
        # Per person (the distinct person_ids, read from the records_kind_person index), seek
        # that person's newest matching record in the same index: a few rows per child instead
        # of decoding every older visit. NULL person_ids form one group, as GROUP BY would.
        persons = (
            "(SELECT DISTINCT person_id AS pid FROM records WHERE kind = ?1)"
            if person_ids is None
            else "(SELECT DISTINCT value AS pid FROM json_each(?4))"
        )
        args: tuple[Any, ...] = (kind, before, f"$.{having}")
        if person_ids is not None:
            args += (json.dumps(sorted(person_ids)),)
        sql = (
            f"SELECT r.id, r.fields{extra} FROM {persons} AS p "
            f"JOIN records AS r ON r.id = (SELECT v.id FROM records AS v WHERE v.kind = ?1 "
            f"AND v.person_id IS p.pid AND v.event_date < ?2 AND v.deleted = 0 "
            f"AND json_extract(v.fields, ?3) IS NOT NULL "
            f"ORDER BY v.event_date DESC LIMIT 1) ORDER BY p.pid"
        )
        with self._lock:
            found = self._db.execute(sql, args).fetchall()
        return [
            {**json.loads(row[1]), **dict(zip(keys, row[2:], strict=True)), "id": row[0]}
            for row in found
        ]

    def rows_of(
        self,
        kind: str,
        person_ids: Iterable[str],
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        derived_keys: Iterable[str] = (),
    ) -> list[dict[str, Any]]:
        """Return ``rows`` of a kind limited to some persons (a person's own row for
        ``person``), each person's in date order (then as stored), from the person index."""
        keys = list(derived_keys)
        extra = "".join(f", json_extract(derived, '$.{key}')" for key in keys)
        column = "id" if kind == "person" else "person_id"
        sql = (
            f"SELECT id, fields{extra} FROM records WHERE kind = ? AND deleted = 0 "
            f"AND {column} IN (SELECT value FROM json_each(?))"
        )
        args: list[Any] = [kind, json.dumps(sorted(person_ids))]
        if date_from is not None:
            sql += " AND event_date >= ?"
            args.append(date_from)
        if date_to is not None:
            sql += " AND event_date <= ?"
            args.append(date_to)
        with self._lock:
            found = self._db.execute(sql + " ORDER BY event_date, rowid", args).fetchall()
        return [
            {**json.loads(row[1]), **dict(zip(keys, row[2:], strict=True)), "id": row[0]}
            for row in found
        ]

    # Temporary (this connection only) triggers note the person every write to a record
    # touches, for reports kept up to date person by person (field_client/month_report.py).
    _TOUCH_SQL = (
        "CREATE TEMP TABLE IF NOT EXISTS touched_persons (id TEXT)",
        *(
            f"CREATE TEMP TRIGGER IF NOT EXISTS touched_{event.split()[0].lower()} "
            f"AFTER {event} ON main.records BEGIN {body} END"
            for event, body in (
                ("INSERT", "INSERT INTO touched_persons VALUES (coalesce(NEW.person_id, NEW.id));"),
                (
                    "UPDATE",
                    "INSERT INTO touched_persons VALUES (coalesce(OLD.person_id, OLD.id)), "
                    "(coalesce(NEW.person_id, NEW.id));",
                ),
                ("DELETE", "INSERT INTO touched_persons VALUES (coalesce(OLD.person_id, OLD.id));"),
            )
        ),
    )

    def take_touched_persons(self) -> set[str] | None:
        """Return the persons (a record's ``person_id``, else its id) whose records were
        written since the last call, and forget them; None on the first call or when another
        connection has written (then anything may have changed)."""
        with self._lock:
            version = self._db.execute("PRAGMA data_version").fetchone()[0]
            if getattr(self, "_touch_version", None) != version:
                for statement in self._TOUCH_SQL:
                    self._db.execute(statement)
                self._db.execute("DELETE FROM touched_persons")
                self._touch_version = version
                return None
            found = {row[0] for row in self._db.execute("SELECT DISTINCT id FROM touched_persons")}
            self._db.execute("DELETE FROM touched_persons")
            return found

    def count(self, kind: str) -> int:
        """Count live records of one kind."""
        with self._lock:
            return self._db.execute(
                "SELECT count(*) FROM records WHERE kind = ? AND deleted = 0", (kind,)
            ).fetchone()[0]

    # -- local writes: record + outbox mutation in one transaction ----------------------------

    def save(
        self,
        kind: str,
        record_id: str,
        fields: Mapping[str, Any],
        derived: Mapping[str, Any] | None = None,
        *,
        flags: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> tuple[Record, int | None]:
        """Create or update a record and enqueue the mutation of its changed fields, atomically.

        ``flags`` ({code: details}), when given, replace the record's local flags in the same
        transaction. Returns the saved record and the seq of the enqueued mutation (None when
        nothing changed).
        """
        fields = {k: v for k, v in fields.items() if k != "id"}
        with self.transaction() as db:
            row = db.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
            if row is not None and row["kind"] != kind:
                raise StoreError(f"record {record_id} is a {row['kind']}, not a {kind}")
            if row is not None and row["deleted"]:
                raise RecordNotFound(record_id)
            old = {} if row is None else json.loads(row["fields"])
            changed = {k: v for k, v in fields.items() if k not in old or old[k] != v}
            merged = {**old, **fields}
            new_derived = (
                dict(derived)
                if derived is not None
                else ({} if row is None else json.loads(row["derived"]))
            )
            stamp = now_utc_iso()
            if row is None:
                db.execute(
                    "INSERT INTO records (id, kind, version, deleted, fields, derived, "
                    "updated_at) VALUES (?, ?, NULL, 0, ?, ?, ?)",
                    (record_id, kind, _dumps(merged), _dumps(new_derived), stamp),
                )
            else:
                db.execute(
                    "UPDATE records SET fields = ?, derived = ?, updated_at = ? WHERE id = ?",
                    (_dumps(merged), _dumps(new_derived), stamp, record_id),
                )
            seq = None
            if changed or row is None:
                seq = self._enqueue(
                    db, record_id, kind, "upsert", None if row is None else row["version"], changed
                )
            if flags is not None:
                self._set_flags(db, record_id, flags)
            return self._record(
                db, db.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
            ), seq

    def delete(self, kind: str, record_id: str) -> int:
        """Tombstone a record and enqueue its delete mutation, atomically; return the seq."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT * FROM records WHERE id = ? AND kind = ? AND deleted = 0", (record_id, kind)
            ).fetchone()
            if row is None:
                raise RecordNotFound(record_id)
            db.execute(
                "UPDATE records SET deleted = 1, updated_at = ? WHERE id = ?",
                (now_utc_iso(), record_id),
            )
            return self._enqueue(db, record_id, kind, "delete", row["version"], {})

    def restore(self, kind: str, record_id: str) -> tuple[Record, int | None]:
        """Bring a deleted record back (the kader's "Urungkan"), atomically with its mutation.

        The upsert carries every field, so the server's copy becomes exactly what was deleted
        even if the delete already reached it. A live record is returned as it is (seq None).
        """
        with self.transaction() as db:
            row = db.execute(
                "SELECT * FROM records WHERE id = ? AND kind = ?", (record_id, kind)
            ).fetchone()
            if row is None:
                raise RecordNotFound(record_id)
            seq = None
            if row["deleted"]:
                db.execute(
                    "UPDATE records SET deleted = 0, updated_at = ? WHERE id = ?",
                    (now_utc_iso(), record_id),
                )
                fields = {k: v for k, v in json.loads(row["fields"]).items() if k != "id"}
                seq = self._enqueue(db, record_id, kind, "upsert", row["version"], fields)
            return self._record(
                db, db.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
            ), seq

    def _enqueue(
        self,
        db: Any,
        record_id: str,
        kind: str,
        op: str,
        base_version: int | None,
        fields: Mapping[str, Any],
    ) -> int:
        seq = int(self._meta(db, "next_seq", 1))
        db.execute(
            "INSERT INTO outbox (seq, record_id, kind, op, base_version, fields, hlc, "
            "device_time, state, created_at, author) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
            (
                seq,
                record_id,
                kind,
                op,
                base_version,
                _dumps(dict(fields)),
                self._next_hlc(db),
                self._device_time(),
                now_utc_iso(),
                _author.get() or self._meta(db, "username", None),
            ),
        )
        self._set_meta(db, "next_seq", seq + 1)
        return seq

    def _device_time(self) -> str:
        """Return what the device's clock says now (the server measures the skew from it)."""
        try:
            moment = datetime.fromtimestamp(self._clock_ms() / 1000, UTC).astimezone()
        except (OverflowError, OSError, ValueError):  # a clock outside the calendar
            return local_device_time()
        return moment.isoformat(timespec="seconds")

    @staticmethod
    def _set_flags(db: Any, record_id: str, flags: Mapping[str, Mapping[str, Any]]) -> None:
        db.execute("DELETE FROM record_flags WHERE record_id = ?", (record_id,))
        for code, details in flags.items():
            db.execute(
                "INSERT INTO record_flags (record_id, code, details, created_at) "
                "VALUES (?, ?, ?, ?)",
                (record_id, code, _dumps(dict(details)), now_utc_iso()),
            )

    def flags(self, record_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Return the local flags of live records (all, or of ``record_ids``), newest first."""
        sql = (
            "SELECT f.record_id, f.code, f.details, f.created_at, r.kind, r.person_id, "
            "r.event_date FROM record_flags AS f JOIN records AS r ON r.id = f.record_id "
            "WHERE r.deleted = 0"
        )
        args: list[Any] = []
        if record_ids is not None:
            ids = list(record_ids)
            sql += f" AND f.record_id IN ({','.join('?' * len(ids))})"
            args = ids
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY f.created_at DESC, f.record_id", args)
            return [
                {
                    "record_id": r[0],
                    "code": r[1],
                    "details": json.loads(r[2]),
                    "created_at": r[3],
                    "kind": r[4],
                    "person_id": r[5],
                    "date": r[6],
                }
                for r in rows.fetchall()
            ]

    def persons_near(
        self, *, birth_from: str | None, birth_to: str | None, nik: str | None
    ) -> list[dict[str, Any]]:
        """Return live persons born in [birth_from, birth_to] or with that NIK (both indexed)."""
        # One indexed search per criterion (the planner would otherwise walk every person).
        parts, args = [], []
        live = "SELECT id, fields FROM records INDEXED BY {} WHERE kind = 'person' AND deleted = 0"
        if birth_from and birth_to:
            parts.append(
                live.format("records_person_birth")
                + " AND json_extract(fields, '$.birth_date') BETWEEN ? AND ?"
            )
            args += [birth_from, birth_to]
        if nik:
            parts.append(
                live.format("records_person_nik") + " AND json_extract(fields, '$.nik') = ?"
            )
            args.append(nik)
        if not parts:
            return []
        with self._lock:
            rows = self._db.execute(" UNION ".join(parts), args).fetchall()
        return [{**json.loads(row[1]), "id": row[0]} for row in rows]

    def last_visit(self, person_id: str) -> str | None:
        """Return the date of a person's latest visit of any kind (None when none)."""
        with self._lock:
            found = [
                self._db.execute(
                    "SELECT max(event_date) FROM records WHERE kind = ? AND person_id = ? "
                    "AND deleted = 0",
                    (kind, person_id),
                ).fetchone()[0]
                for kind in ("child_visit", "anc_visit", "adult_visit")
            ]
        found = [day for day in found if day]
        return max(found) if found else None

    def set_derived(self, record_id: str, derived: Mapping[str, Any]) -> None:
        """Replace a record's display-only derived values (no mutation: never sent)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE records SET derived = ? WHERE id = ?", (_dumps(dict(derived)), record_id)
            )

    # -- the outbox ------------------------------------------------------------------------

    @staticmethod
    def _mutation(row: sqlite3.Row) -> Mutation:
        return Mutation(
            seq=row["seq"],
            id=row["record_id"],
            kind=row["kind"],
            op=row["op"],
            base_version=row["base_version"],
            fields=json.loads(row["fields"]),
            hlc=row["hlc"],
            device_time=row["device_time"],
            state=row["state"],
            errors=_loads(row["error"], {}),
            created_at=row["created_at"],
            author=row["author"],
        )

    def pending(self, limit: int | None = None, *, from_seq: int = 0) -> list[Mutation]:
        """Return pending mutations in seq order (the next push batch)."""
        sql = "SELECT * FROM outbox WHERE state = 'pending' AND seq >= ? ORDER BY seq"
        args: list[Any] = [from_seq]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with self._lock:
            return [self._mutation(r) for r in self._db.execute(sql, args)]

    def quarantined(self) -> list[Mutation]:
        """Return mutations the server rejected, oldest first."""
        with self._lock:
            return [
                self._mutation(r)
                for r in self._db.execute(
                    "SELECT * FROM outbox WHERE state = 'quarantined' ORDER BY seq"
                )
            ]

    def outbox_counts(self) -> dict[str, int]:
        """Count outbox entries by state."""
        with self._lock:
            counts = dict(
                self._db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
            )
        return {"pending": counts.get("pending", 0), "quarantined": counts.get("quarantined", 0)}

    def apply_push_results(
        self,
        results: Iterable[Mapping[str, Any]],
        *,
        derived_fields: Callable[[str], Iterable[str]] = lambda kind: (),
    ) -> dict[str, int]:
        """Record the server's answer to a push batch in one transaction.

        Acknowledged mutations leave the outbox. After ``applied`` the record takes the server
        version (nobody else changed it). After ``merged``, ``conflict`` or ``duplicate`` the
        server sends the record's ``current`` state, which replaces the local copy (other pending
        edits stay on top); without it the version is NOT advanced, because the device has not
        seen the other authors' fields and its next base_version must not claim it has.
        Rejected mutations move to quarantine with their per-field errors, never blocking.
        """
        tally = {"acked": 0, "quarantined": 0, "conflicts": 0}
        with self.transaction() as db:
            for result in results:
                seq = int(result["seq"])
                row = db.execute("SELECT * FROM outbox WHERE seq = ?", (seq,)).fetchone()
                if row is None:
                    continue
                status = result.get("status")
                if status == "duplicate" and result.get("outcome") == "rejected":
                    status = "rejected"  # a replay of a refused mutation: still refused
                if status == "rejected":
                    db.execute(
                        "UPDATE outbox SET state = 'quarantined', error = ? WHERE seq = ?",
                        (_dumps(result.get("errors") or {}), seq),
                    )
                    tally["quarantined"] += 1
                    continue
                if status not in ACKED_STATUSES:
                    continue
                db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
                self._acknowledge(db, row, result, derived_fields)
                tally["conflicts"] += self._note_push_conflicts(db, row, result)
                tally["acked"] += 1
        return tally

    def _acknowledge(self, db, row, result: Mapping[str, Any], derived_fields) -> None:
        """Bring the local record to what the server acknowledged (its current state or version)."""
        current = result.get("current")
        if isinstance(current, Mapping) and current.get("version") is not None:
            change = Change(
                id=row["record_id"],
                kind=row["kind"],
                version=int(current["version"]),
                deleted=bool(current.get("deleted")),
                fields=dict(current.get("fields") or {}),
            )
            self._apply_change(db, change, derived_fields, None, True)
        elif result.get("status") == "applied" and result.get("version") is not None:
            db.execute(
                "UPDATE records SET version = max(coalesce(version, 0), ?) WHERE id = ?",
                (int(result["version"]), row["record_id"]),
            )

    def _note_push_conflicts(self, db, row, result: Mapping[str, Any]) -> int:
        """Keep the conflicts a push answer names; return how many."""
        count = 0
        for conflict in result.get("conflicts") or ():
            if not isinstance(conflict, Mapping):  # the server names the fields only
                conflict = {
                    "id": f"push:{row['record_id']}:{conflict}",
                    "field": str(conflict),
                    "seq": row["seq"],
                    "loser_value": json.loads(row["fields"]).get(conflict),
                }
            self._add_conflict(db, row["record_id"], row["kind"], conflict)
            count += 1
        return count

    def drop_acknowledged(self, below_seq: int) -> int:
        """Drop pending mutations the server says it already has (seq < ``below_seq``)."""
        with self.transaction() as db:
            return db.execute(
                "DELETE FROM outbox WHERE state = 'pending' AND seq < ?", (below_seq,)
            ).rowcount

    def renumber_pending(self, first_seq: int) -> int:
        """Renumber pending mutations from ``first_seq`` (the server lost seqs we no longer hold,
        or the device was registered anew and starts at 1).

        Only seqs the server has never seen are given out again, so no (device, seq) pair the
        server knows is reused. Quarantined entries in the way move after them (their seq is
        only a local name: a resend takes a new one). Returns the new next seq.
        """
        with self.transaction() as db:
            rows = db.execute(
                "SELECT seq FROM outbox WHERE seq >= ? OR state = 'pending' "
                "ORDER BY state = 'quarantined', seq",
                (first_seq,),
            ).fetchall()
            top = max(
                int(self._meta(db, "next_seq", 1)),
                1 + (db.execute("SELECT max(seq) FROM outbox").fetchone()[0] or 0),
            )
            # Move out of the way first so the primary key never collides mid-way.
            for i, row in enumerate(rows):
                db.execute("UPDATE outbox SET seq = ? WHERE seq = ?", (top + i, row["seq"]))
            for i in range(len(rows)):
                db.execute("UPDATE outbox SET seq = ? WHERE seq = ?", (first_seq + i, top + i))
            next_seq = 1 + (db.execute("SELECT max(seq) FROM outbox").fetchone()[0] or 0)
            next_seq = max(next_seq, first_seq)
            self._set_meta(db, "next_seq", next_seq)
            return next_seq

    def resend_quarantined(
        self, seq: int, corrected: Mapping[str, Any], derived: Mapping[str, Any] | None = None
    ) -> int:
        """Replace a quarantined mutation by a new pending one (new seq) with fixed fields."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT * FROM outbox WHERE seq = ? AND state = 'quarantined'", (seq,)
            ).fetchone()
            if row is None:
                raise StoreError(f"no quarantined mutation {seq}")
            record = db.execute(
                "SELECT * FROM records WHERE id = ?", (row["record_id"],)
            ).fetchone()
            fields = {
                **json.loads(row["fields"]),
                **{k: v for k, v in corrected.items() if k != "id"},
            }
            if row["op"] == "upsert":
                merged = {**json.loads(record["fields"]), **fields}
                db.execute(
                    "UPDATE records SET fields = ?, derived = coalesce(?, derived), "
                    "updated_at = ? WHERE id = ?",
                    (
                        _dumps(merged),
                        None if derived is None else _dumps(dict(derived)),
                        now_utc_iso(),
                        row["record_id"],
                    ),
                )
            db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
            return self._enqueue(
                db,
                row["record_id"],
                row["kind"],
                row["op"],
                record["version"],
                fields if row["op"] == "upsert" else {},
            )

    def discard_quarantined(self, seq: int) -> None:
        """Give up a rejected mutation; the record returns to the server's state at next sync."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT * FROM outbox WHERE seq = ? AND state = 'quarantined'", (seq,)
            ).fetchone()
            if row is None:
                raise StoreError(f"no quarantined mutation {seq}")
            db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
            rid = row["record_id"]
            left = db.execute("SELECT count(*) FROM outbox WHERE record_id = ?", (rid,)).fetchone()[
                0
            ]
            version = db.execute("SELECT version FROM records WHERE id = ?", (rid,)).fetchone()[0]
            if left == 0 and version is None:
                db.execute("DELETE FROM records WHERE id = ?", (rid,))
            elif left == 0:
                refetch = set(self._meta(db, "refetch", []))
                refetch.add(rid)
                self._set_meta(db, "refetch", sorted(refetch))

    # -- conflicts the server reported ---------------------------------------------------------

    def _add_conflict(
        self, db: Any, record_id: str, kind: str | None, conflict: Mapping[str, Any]
    ) -> None:
        cid = str(
            conflict.get("id")
            or f"{record_id}:{conflict.get('field')}:"
            f"{conflict.get('loser_hlc') or conflict.get('hlc') or ''}"
        )
        db.execute(
            "INSERT INTO conflicts (id, record_id, kind, field, data, reported_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data",
            (
                cid,
                str(conflict.get("record_id") or record_id),
                conflict.get("kind") or kind,
                conflict.get("field"),
                _dumps(dict(conflict)),
                now_utc_iso(),
            ),
        )

    def add_conflicts(self, conflicts: Iterable[Mapping[str, Any]]) -> None:
        """Remember conflicts listed by the server's conflict queue.

        They replace the bare notices a push answer gave for the same record and field.
        """
        with self.transaction() as db:
            for conflict in conflicts:
                record_id = str(conflict.get("record_id"))
                db.execute(
                    "DELETE FROM conflicts WHERE id = ?",
                    (f"push:{record_id}:{conflict.get('field')}",),
                )
                self._add_conflict(db, record_id, conflict.get("kind"), conflict)

    def conflicts(self, status: str | None = None) -> list[dict[str, Any]]:
        """Return the reported conflicts (only ``open`` or ``resolved`` ones when asked), newest
        first. A conflict a push answer named has no status yet: it is open."""
        with self._lock:
            rows = [
                {
                    **json.loads(r["data"]),
                    "id": r["id"],
                    "record_id": r["record_id"],
                    "kind": r["kind"],
                    "field": r["field"],
                    "reported_at": r["reported_at"],
                }
                for r in self._db.execute("SELECT * FROM conflicts ORDER BY reported_at DESC, id")
            ]
        for row in rows:
            row["status"] = row.get("status") or "open"
        return [row for row in rows if status is None or row["status"] == status]

    # -- applying what the server sends -------------------------------------------------------

    @staticmethod
    def _pending_overlays(
        db: Any, record_ids: Iterable[str]
    ) -> dict[str, tuple[dict[str, Any], str | None]]:
        """Return, per record with unacknowledged mutations, their fields merged in seq order
        and the last op."""
        overlays: dict[str, tuple[dict[str, Any], str | None]] = {}
        for chunk in _chunks(list(dict.fromkeys(record_ids))):
            marks = ",".join("?" * len(chunk))
            for row in db.execute(
                f"SELECT record_id, op, fields FROM outbox WHERE record_id IN ({marks}) "
                "ORDER BY seq",
                chunk,
            ):
                fields, _ = overlays.get(row["record_id"], ({}, None))
                fields.update(json.loads(row["fields"]))
                overlays[row["record_id"]] = (fields, row["op"])
        return overlays

    @staticmethod
    def _versions(db: Any, record_ids: Iterable[str]) -> dict[str, int | None]:
        """Return the stored version of every record among ``record_ids`` held here."""
        found: dict[str, int | None] = {}
        for chunk in _chunks(list(dict.fromkeys(record_ids))):
            marks = ",".join("?" * len(chunk))
            for row in db.execute(f"SELECT id, version FROM records WHERE id IN ({marks})", chunk):
                found[row[0]] = row[1]
        return found

    def _apply_change(
        self,
        db: Any,
        change: Change,
        derived_fields: Callable[[str], Iterable[str]],
        derive: DeriveHook | None,
        force: bool = False,
    ) -> bool:
        return bool(self._apply_page(db, [change], derived_fields, derive, force))

    def _apply_page(
        self,
        db: Any,
        changes: list[Change],
        derived_fields: Callable[[str], Iterable[str]],
        derive: DeriveHook | None,
        force: bool = False,
    ) -> int:
        """Apply changes in order with two reads and one executemany for the page, not three
        statements a record (issue #19: the device's writes were half of an initial pull)."""
        ids = [c.id for c in changes]
        versions, overlays = self._versions(db, ids), self._pending_overlays(db, ids)
        stamp, rows, applied, names_of = now_utc_iso(), {}, 0, {}
        for change in changes:
            held = versions.get(change.id)
            if not force and held is not None and change.version < held:
                continue
            applied += 1
            if change.kind not in names_of:
                names_of[change.kind] = {*derived_fields(change.kind)}
            derived_names = names_of[change.kind]
            fields, derived = {}, {}
            for k, v in change.fields.items():
                if k in derived_names:
                    derived[k] = v
                elif k != "id":
                    fields[k] = v
            overlay, last_op = overlays.get(change.id, ({}, None))
            deleted = change.deleted
            if last_op is not None:
                fields = {**fields, **overlay}
                deleted = last_op == "delete"
            if derive is not None and (overlay or not derived):
                try:
                    derived = derive(change.kind, fields)
                except Exception:  # a display helper must never stop a sync
                    derived = derived or {}
            versions[change.id] = change.version
            # One row per id (the last change wins, as one statement after another would).
            rows.pop(change.id, None)
            rows[change.id] = (
                change.id,
                change.kind,
                change.version,
                int(deleted),
                _dumps(fields),
                _dumps(derived),
                stamp,
            )
        db.executemany(
            "INSERT INTO records (id, kind, version, deleted, fields, derived, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "kind = excluded.kind, version = excluded.version, deleted = excluded.deleted, "
            "fields = excluded.fields, derived = excluded.derived, "
            "updated_at = excluded.updated_at",
            list(rows.values()),
        )
        return applied

    def apply_changes(
        self,
        changes: Iterable[Change],
        *,
        cursor: Any = ...,
        derived_fields: Callable[[str], Iterable[str]] = lambda kind: (),
        derive: DeriveHook | None = None,
        force: bool = False,
        server_ms: int | None = None,
        **meta: Any,
    ) -> int:
        """Apply a page of server changes in one transaction, with the cursor that follows it.

        A record with unacknowledged local mutations keeps its pending fields on top of the new
        server version. An older version than the local one is skipped unless ``force`` (a
        repair, where the server is the reference). ``server_ms``: the server clock the page
        came with, taken into the HLC in the same transaction. Returns how many changes were
        applied.
        """
        with self.transaction() as db:
            applied = self._apply_page(db, list(changes), derived_fields, derive, force)
            if cursor is not ...:
                self._set_meta(db, "cursor", cursor)
            if server_ms is not None:
                try:
                    self._observe_server_time(db, server_ms)
                except (ValueError, TypeError, OverflowError):  # advisory: never lose the page
                    log.exception("could not update the HLC")
            for key, value in meta.items():
                self._set_meta(db, key, value)
        return applied

    def forget_records(self, ids: Iterable[str]) -> int:
        """Remove server records gone from the scope (never ones with local mutations)."""
        removed = 0
        with self.transaction() as db:
            for rid in ids:
                removed += db.execute(
                    "DELETE FROM records WHERE id = ? AND version IS NOT NULL AND id NOT IN "
                    "(SELECT record_id FROM outbox)",
                    (rid,),
                ).rowcount
        return removed

    def reset_replica(self) -> int:
        """Drop the local replica except records with unsent mutations, and the cursor."""
        with self.transaction() as db:
            removed = db.execute(
                "DELETE FROM records WHERE id NOT IN (SELECT record_id FROM outbox)"
            ).rowcount
            self._set_meta(db, "cursor", None)
            self._set_meta(db, "refetch", None)
        return removed

    def ids_with_outbox(self) -> set[str]:
        """Return the ids of records with unacknowledged (pending or quarantined) mutations."""
        with self._lock:
            return {r[0] for r in self._db.execute("SELECT DISTINCT record_id FROM outbox")}

    # -- file bundles ------------------------------------------------------------------------

    def record_bundle(
        self, bundle_id: str, direction: str, created_at: str, summary: Mapping[str, Any]
    ) -> None:
        """Remember a bundle this device wrote (``export``) or imported (``import``)."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO bundles (id, direction, created_at, recorded_at, summary) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "recorded_at = excluded.recorded_at, summary = excluded.summary",
                (bundle_id, direction, created_at, now_utc_iso(), _dumps(dict(summary))),
            )

    def bundles(self, limit: int = 20) -> list[dict[str, Any]]:
        """Return the latest bundles written or imported here, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM bundles ORDER BY recorded_at DESC, rowid DESC LIMIT ?", (limit,)
            ).fetchall()
        return [
            {
                "id": r["id"],
                "direction": r["direction"],
                "created_at": r["created_at"],
                "recorded_at": r["recorded_at"],
                **json.loads(r["summary"]),
            }
            for r in rows
        ]

    def synced_versions(self) -> dict[str, int]:
        """Return {id: version} of live records the server knows (the digest's input)."""
        with self._lock:
            return dict(
                self._db.execute(
                    "SELECT id, version FROM records WHERE deleted = 0 AND version IS NOT NULL"
                ).fetchall()
            )


class _Tx:
    """The connection inside a transaction (so callers cannot commit by accident)."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def execute(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Cursor:
        """Run one statement."""
        return self._db.execute(sql, tuple(args))

    def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> sqlite3.Cursor:
        """Run one statement for each row of parameters."""
        return self._db.executemany(sql, rows)
