"""Audit #18, finding 11: the server's data folder is 0700 and its files 0600.

The SQLite database and its WAL hold every record (names, NIKs, dates of birth); the folder also
holds the secret key and the demo passwords. Whatever the umask, after ``init`` or any app start
the folder is 0700 and the database, WAL, shared-memory file, secret key and demo-users file are
0600, also for an existing installation made before.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask(monkeypatch):
    """The usual umask 022 (files 0644, folders 0755), restored afterwards."""
    old = os.umask(0o022)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    yield
    os.umask(old)


def write_something(app) -> None:
    from server.cli import upgrade_database
    from server.extensions import db

    with app.app_context():
        upgrade_database()
        db.session.execute(sa.text("UPDATE sync_counter SET value = value + 1"))
        db.session.commit()


def assert_private(folder: Path, *names: str) -> None:
    assert mode(folder) == 0o700, oct(mode(folder))
    for name in names:
        path = folder / name
        assert path.exists(), name
        assert mode(path) == 0o600, (name, oct(mode(path)))


def test_a_new_data_folder_and_its_files_are_private(tmp_path, loose_umask):
    from server import create_app
    from server.extensions import db

    folder = tmp_path / "data"
    app = create_app({"TESTING": True}, instance_path=str(folder))
    try:
        write_something(app)
        # A connection holds the WAL open: -wal and -shm exist.
        with app.app_context(), db.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            assert_private(
                folder,
                "posyandu.sqlite3",
                "posyandu.sqlite3-wal",
                "posyandu.sqlite3-shm",
                "secret_key",
            )
    finally:
        with app.app_context():
            db.engine.dispose()


def test_an_existing_loose_installation_is_tightened_on_start(tmp_path, loose_umask):
    from server import create_app
    from server.extensions import db

    folder = tmp_path / "data"
    app = create_app({"TESTING": True}, instance_path=str(folder))
    write_something(app)
    with app.app_context():
        db.engine.dispose()
    # As an older version left it: everything readable by everyone.
    (folder / "demo-users.txt").write_text("pengguna demo:\n  admin  admin  x\n")
    for path in folder.iterdir():
        path.chmod(0o644)
    folder.chmod(0o755)
    app = create_app({"TESTING": True}, instance_path=str(folder))
    try:
        assert_private(folder, "posyandu.sqlite3", "secret_key", "demo-users.txt")
        write_something(app)
        assert_private(folder, "posyandu.sqlite3")
    finally:
        with app.app_context():
            db.engine.dispose()


def test_init_command_leaves_a_private_folder(tmp_path, loose_umask, monkeypatch):
    from server.cli import cli

    folder = tmp_path / "instance"
    monkeypatch.setenv("POSYANDU_DATA_DIR", str(folder))
    result = CliRunner().invoke(cli, ["init"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert_private(folder, "posyandu.sqlite3", "secret_key")
    for name in os.listdir(folder):
        assert mode(folder / name) == 0o600, name


def test_a_database_file_outside_the_folder_is_private_too(tmp_path, loose_umask):
    from server import create_app
    from server.extensions import db

    elsewhere = tmp_path / "db" / "server.sqlite3"
    elsewhere.parent.mkdir()
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{elsewhere}", "SECRET_KEY": "x"},
        instance_path=str(tmp_path / "data"),
    )
    try:
        write_something(app)
        assert mode(elsewhere) == 0o600
        for suffix in ("-wal", "-shm"):
            sibling = Path(str(elsewhere) + suffix)
            if sibling.exists():
                assert mode(sibling) == 0o600, suffix
    finally:
        with app.app_context():
            db.engine.dispose()
