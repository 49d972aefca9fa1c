"""When the device's database cannot be used: say so in plain words, never a traceback.

A full disk refuses the one save (its transaction rolls back; everything saved before stays). A
damaged or foreign database file turns the whole app into a recovery page: it explains, leaves the
file exactly as it is, and saves what can still be read (records, unsent changes, conflicts) to a
JSON file in the data folder, after the PIN when the PIN can still be read.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    current_app,
    g,
    jsonify,
    render_template,
    request,
    send_file,
    session,
)
from werkzeug.security import check_password_hash

from shared.i18n import t

from .store import create_private_file, now_utc_iso

log = logging.getLogger(__name__)

DAMAGE_KEY = "posyandu_damage"
EXPORT_PREFIX = "pemulihan-"
MAX_EXPORT_PIN_FAILURES = 5
# What the export holds: the tables with the kader's work, column by column.
TABLES = {
    "records": ("id", "kind", "version", "deleted", "fields", "derived", "updated_at"),
    "outbox": (
        "seq",
        "record_id",
        "kind",
        "op",
        "base_version",
        "fields",
        "hlc",
        "device_time",
        "state",
        "error",
        "created_at",
    ),
    "conflicts": ("id", "record_id", "kind", "field", "data", "reported_at"),
    "meta": ("key", "value"),
}
JSON_COLUMNS = frozenset({"fields", "derived", "error", "data", "value"})
SECRET_META = frozenset({"token", "pin_hash"})
STATUS = {"full": 507, "busy": 503, "storage": 500}

bp = Blueprint("recovery", __name__)


def problem(exc: sqlite3.Error) -> str:
    """Classify a SQLite error: 'full', 'damaged', 'busy' or 'storage' (any other)."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    text = str(exc).lower()
    if name == "SQLITE_FULL" or "database or disk is full" in text:
        return "full"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or (
        "malformed" in text or "not a database" in text
    ):
        return "damaged"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return "busy"
    return "storage"


def problem_text(exc: sqlite3.Error, path: str | Path, lang: str = "id") -> str:
    """Explain a storage error for the console (launcher, command line)."""
    kind = problem(exc)
    if kind == "damaged":
        return f"{t('client.cli.store_damaged', lang, path=path)} ({exc})"
    return f"{t(f'client.error.{kind}', lang)} ({exc})"


@dataclass
class Damage:
    """A damaged database file: where it is, what SQLite said, and what was read from it."""

    path: Path
    reason: str
    salvaged: dict[str, Any] | None = None
    pin_failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def mark_damaged(app, path: str | Path, exc: BaseException) -> Damage:
    """Put ``app`` in recovery mode for the database file at ``path`` (once)."""
    found = app.extensions.get(DAMAGE_KEY)
    if found is None:
        log.error("the device database %s cannot be read: %s", path, exc)
        found = app.extensions[DAMAGE_KEY] = Damage(Path(path), str(exc))
    return found


def damage() -> Damage | None:
    """Return the current app's damage, or None when its database is fine."""
    return current_app.extensions.get(DAMAGE_KEY)


# -- reading what can be read --------------------------------------------------------------------


def _decode(column: str, value: Any) -> Any:
    if column in JSON_COLUMNS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, bytes):
        return value.hex()
    return value


def _read_table(db: sqlite3.Connection, table: str) -> tuple[list[dict[str, Any]], str | None]:
    """Read a table row by row; stop at the first damaged page (keeping the rows before it)."""
    columns = TABLES[table]
    rows: list[dict[str, Any]] = []
    try:
        for row in db.execute(f"SELECT {', '.join(columns)} FROM {table}"):
            rows.append({c: _decode(c, v) for c, v in zip(columns, row, strict=True)})
    except sqlite3.Error as exc:
        return rows, str(exc)
    return rows, None


def salvage(db_path: str | Path) -> dict[str, Any]:
    """Return what can be read from the database at ``db_path``, never changing that file.

    The file (with its WAL) is copied to a private temporary folder and read there, so even
    SQLite's own WAL recovery cannot touch the original.
    """
    db_path = Path(db_path)
    out: dict[str, Any] = {"source": str(db_path), "read_at": now_utc_iso(), "errors": {}}
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    with tempfile.TemporaryDirectory(prefix="posyandu-recovery-") as folder:
        copy = Path(folder) / db_path.name
        for suffix in ("", "-wal"):  # the database and its WAL (not the SHM index)
            source = Path(f"{db_path}{suffix}")
            if source.exists():
                shutil.copyfile(source, f"{copy}{suffix}")
        try:
            db = sqlite3.connect(copy)
        except sqlite3.Error as exc:
            out["errors"]["open"] = str(exc)
        else:
            try:
                for name in TABLES:
                    tables[name], error = _read_table(db, name)
                    if error:
                        out["errors"][name] = error
            finally:
                db.close()
    out["tables"] = tables
    out["complete"] = not out["errors"]
    return out


def _summary(salvaged: dict[str, Any]) -> dict[str, int]:
    tables = salvaged["tables"]
    return {"records": len(tables["records"]), "pending": len(tables["outbox"])}


def _pin_hash(salvaged: dict[str, Any]) -> str | None:
    for row in salvaged["tables"]["meta"]:
        if row.get("key") == "pin_hash" and isinstance(row.get("value"), str):
            return row["value"]
    return None


def _exported(salvaged: dict[str, Any]) -> dict[str, Any]:
    """Return the salvage without the secrets (device token, PIN hash)."""
    tables = dict(salvaged["tables"])
    tables["meta"] = [r for r in tables["meta"] if r.get("key") not in SECRET_META]
    return {**salvaged, "tables": tables}


def _salvaged(found: Damage) -> dict[str, Any]:
    with found.lock:
        if found.salvaged is None:
            found.salvaged = salvage(found.path)
        return found.salvaged


# -- the recovery page ------------------------------------------------------------------------------


def recovery_response(status: int = 503, **extra: Any):
    """Answer with the recovery page (or, for the API, a JSON error)."""
    found = damage()
    lang = g.get("lang", "id")
    if request.path.startswith("/api/"):
        message = t("client.error.store_damaged", lang)
        body = {"error": {"code": "store_damaged", "message": message, "details": {}}}
        return jsonify(body), status
    salvaged = _salvaged(found)
    page = render_template(
        "recovery.html",
        path=str(found.path),
        summary=_summary(salvaged),
        needs_pin=_pin_hash(salvaged) is not None,
        **extra,
    )
    return page, status


def divert_when_damaged():
    """While the database is damaged, every page is the recovery page (static files excepted)."""
    if damage() is None or request.endpoint == "static":
        return None
    if (request.endpoint or "").startswith("recovery."):
        return None
    return recovery_response()


@bp.get("/pemulihan")
def page():
    """Explain what happened and what the kader can do."""
    if damage() is None:
        return render_template("blocked.html", message=t("client.recovery.not_needed", g.lang))
    return recovery_response(200)


def _pin_refused(found: Damage, salvaged: dict[str, Any]) -> str | None:
    """Check the PIN when one can be read; return the error key, or None to go on."""
    pin_hash = _pin_hash(salvaged)
    if pin_hash is None:
        return None  # the PIN cannot be read: the launch secret is all there is
    with found.lock:
        if found.pin_failures >= MAX_EXPORT_PIN_FAILURES:
            return "client.recovery.pin_locked"
        found.pin_failures += 1  # counted before the check, as for unlocking
    if not check_password_hash(pin_hash, request.form.get("pin", "")):
        return "client.recovery.pin_wrong"
    with found.lock:
        found.pin_failures = 0
    return None


@bp.post("/pemulihan/ekspor")
def export():
    """Save what can be read to a private JSON file in the data folder."""
    found = damage()
    if found is None:
        return render_template("blocked.html", message=t("client.recovery.not_needed", g.lang))
    salvaged = _salvaged(found)
    refused = _pin_refused(found, salvaged)
    if refused:
        return recovery_response(403, error=t(refused, g.lang))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = found.path.parent / f"{EXPORT_PREFIX}{stamp}.json"
    create_private_file(target)
    target.write_text(json.dumps(_exported(salvaged), ensure_ascii=False, indent=1))
    session["recovery_export"] = target.name
    return recovery_response(200, saved=str(target))


@bp.get("/pemulihan/unduh")
def download():
    """Download the file saved by the export (only in the session that saved it)."""
    found, name = damage(), str(session.get("recovery_export") or "")
    if found is None or not name.startswith(EXPORT_PREFIX) or "/" in name or "\\" in name:
        return recovery_response(403) if found else ("", 404)
    return send_file(found.path.parent / name, as_attachment=True, download_name=name)
