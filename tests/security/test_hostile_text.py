"""Audit #18, finding 4: text and numbers no database can store, and what the log may hold.

A lone UTF-16 surrogate (``"\\ud800"``) in any string of an API body (unauthenticated sign-in
included) is a clear 422, not a 500 from the database driver; a number literal that Python reads
as infinity (``1e999``) is refused like NaN (PostgreSQL cannot store it even in the mutation log);
an integer literal of hundreds of digits is refused, never a 500. A database error's message, and
so the server log, never holds the statement's values (names, NIKs).
"""

from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa

from testkit import world as world_mod
from testkit.factories import person

LONE = "\\ud800"  # a JSON escape: the body text holds backslash, u, d, 8, 0, 0


def counts(app) -> tuple[int, int, int]:
    from server.extensions import db

    with app.app_context():
        return tuple(
            db.session.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("record", "mutation_log", "device")
        )


def raw_post(client, path, text, **headers):
    return client.post(
        path, data=text.encode(), headers={"Content-Type": "application/json", **headers}
    )


def login_text(username="kader_a1", password=world_mod.PASSWORD, device_name="hp"):
    """A login body; values are JSON fragments (already quoted)."""
    return f'{{"username": {username}, "password": {password}, "device_name": {device_name}}}'


@pytest.mark.parametrize(
    "field",
    ["username", "device_name", "password", "key"],
)
def test_lone_surrogate_in_sign_in_is_a_clear_422(app, world, field):
    values = {
        "username": '"kader_a1"',
        "password": json.dumps(world_mod.PASSWORD),
        "device_name": '"hp"',
    }
    if field == "key":
        text = login_text(**values)[:-1] + f', "{LONE}": 1}}'
    else:
        values[field] = f'"x{LONE}"'
        text = login_text(**values)
    before = counts(app)
    for lang, words in (("id", "surrogate UTF-16"), ("en", "lone UTF-16 surrogate")):
        response = raw_post(
            app.test_client(), "/api/v1/auth/login", text, **{"Accept-Language": lang}
        )
        assert response.status_code == 422, response.text
        assert response.json["error"]["code"] == "validation_error"
        assert words in response.json["error"]["message"]
    assert counts(app) == before


def test_right_password_with_a_lone_surrogate_in_the_device_name_opens_nothing(app, world):
    text = login_text('"kader_a1"', json.dumps(world_mod.PASSWORD), f'"HP {LONE}"')
    response = raw_post(app.test_client(), "/api/v1/auth/login", text)
    assert response.status_code == 422, response.text
    assert counts(app)[2] == 0


def test_escaped_surrogate_pairs_are_ordinary_text(app, world):
    """An emoji sent as an escaped pair (Python's json.dumps default) is a character: accepted."""
    text = login_text('"kader_a1"', json.dumps(world_mod.PASSWORD), '"HP \\ud83d\\ude00"')
    response = raw_post(app.test_client(), "/api/v1/auth/login", text)
    assert response.status_code == 200, response.text


def signed_in(app):
    response = app.test_client().post(
        "/api/v1/auth/login",
        json={"username": "kader_a1", "password": world_mod.PASSWORD, "device_name": "hp"},
    )
    assert response.status_code == 200, response.text
    return response.json["device_id"], {"Authorization": f"Bearer {response.json['token']}"}


def push_text(device_id: str, fields: dict, *, seq="1", base_version="null", hlc=None) -> str:
    record = person("PSY-A1", **fields)
    mutation = {
        "seq": "@@seq@@",
        "id": record["id"],
        "kind": "person",
        "op": "upsert",
        "base_version": "@@base@@",
        "fields": record,
        "hlc": hlc or f"{1_764_000_000_000:016d}:00000:{device_id}",
        "device_time": "2026-11-24T09:00:00+07:00",
    }
    text = json.dumps({"device_id": device_id, "mutations": [mutation]})
    return text.replace('"@@seq@@"', seq).replace('"@@base@@"', base_version)


@pytest.mark.parametrize(
    ("where", "literal", "status"),
    [
        ("name", f'"Anak {LONE}"', 422),
        ("name", '"\\udfff Anak"', 422),
        ("notes", "1e999", 400),
        ("notes", "-1e999", 400),
        ("notes", "1" + "0" * 400 + ".5", 400),  # a float literal beyond 1.8e308
        ("notes", "1" + "0" * 400, 422),  # a 400-digit integer
        ("notes", "-" + "9" * 400, 422),
        ("seq", "1" + "0" * 400, 422),
        ("base_version", "1" + "0" * 400, 422),
    ],
    ids=lambda v: v[:12] if isinstance(v, str) else str(v),
)
def test_push_with_unstorable_text_or_numbers_is_refused_whole(app, world, where, literal, status):
    device_id, auth = signed_in(app)
    before = counts(app)
    if where in ("seq", "base_version"):
        text = push_text(device_id, {}, **{where: literal})
    else:
        text = push_text(device_id, {where: f"@@{where}@@"}).replace(f'"@@{where}@@"', literal)
    response = raw_post(app.test_client(), "/api/v1/sync/push", text, **auth)
    assert response.status_code == status, response.text[:300]
    assert response.json["error"]["message"]
    assert counts(app) == before


def test_a_tiny_number_literal_reads_as_zero_and_is_judged_by_the_field(app, world):
    """``1e-999`` is 0.0, a finite number: the body is fine, the field judges it."""
    device_id, auth = signed_in(app)
    text = push_text(device_id, {"notes": "@@notes@@"}).replace('"@@notes@@"', "1e-999")
    response = raw_post(app.test_client(), "/api/v1/sync/push", text, **auth)
    assert response.status_code == 200, response.text[:300]
    assert response.json["results"][0]["status"] == "rejected"  # notes must be text


def test_lone_surrogate_in_a_key_or_the_hlc_of_a_push_is_422(app, world):
    device_id, auth = signed_in(app)
    for text in (
        push_text(device_id, {}).replace('"address"', f'"addr{LONE}ess"', 1),
        push_text(device_id, {}, hlc=f"{1_764_000_000_000:016d}:00000:{device_id}{LONE}"),
    ):
        response = raw_post(app.test_client(), "/api/v1/sync/push", text, **auth)
        assert response.status_code == 422, response.text[:300]


# -- the log holds no SQL parameters ------------------------------------------------------------

PLANTED_NIK = "6111019876543210"
PLANTED_NAME = "Siti Zorbplant"


def _fail_record_inserts(app) -> None:
    """Make every insert into ``record`` fail inside the database (a trigger)."""
    from server.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "CREATE OR REPLACE FUNCTION audit_boom() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'boom'; END $$ LANGUAGE plpgsql"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER audit_boom BEFORE INSERT ON record "
                "FOR EACH ROW EXECUTE FUNCTION audit_boom()"
            )
        else:
            conn.exec_driver_sql(
                "CREATE TRIGGER audit_boom BEFORE INSERT ON record "
                "BEGIN SELECT RAISE(ABORT, 'boom'); END"
            )


def _drop_trigger(app) -> None:
    from server.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_boom ON record")
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_boom")


def test_database_errors_never_log_names_or_niks(app, world, caplog):
    device_id, auth = signed_in(app)
    _fail_record_inserts(app)
    try:
        caplog.set_level(logging.DEBUG)
        client = app.test_client()
        record = person("PSY-A1", name=PLANTED_NAME, nik=PLANTED_NIK)
        mutation = {
            "seq": 1,
            "id": record["id"],
            "kind": "person",
            "op": "upsert",
            "base_version": None,
            "fields": record,
            "hlc": f"{1_764_000_000_000:016d}:00000:{device_id}",
        }
        response = client.post(
            "/api/v1/sync/push",
            headers=auth,
            json={"device_id": device_id, "mutations": [mutation]},
        )
        assert response.status_code == 500, response.text[:300]
        assert "boom" in caplog.text  # the error itself was logged...
        assert PLANTED_NIK not in caplog.text  # ...without the statement's values
        assert PLANTED_NAME not in caplog.text
        assert PLANTED_NIK not in response.text and PLANTED_NAME not in response.text
    finally:
        _drop_trigger(app)


def test_the_engine_hides_parameters_even_when_the_options_are_replaced(tmp_path):
    from server import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3",
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
        },
        instance_path=str(tmp_path / "instance"),
    )
    from server.extensions import db

    with app.app_context():
        assert db.engine.hide_parameters is True
        with pytest.raises(sa.exc.OperationalError) as failed, db.engine.connect() as conn:
            conn.execute(sa.text("SELECT * FROM no_such_table WHERE x = :v"), {"v": PLANTED_NIK})
        assert PLANTED_NIK not in str(failed.value)
        db.engine.dispose()
