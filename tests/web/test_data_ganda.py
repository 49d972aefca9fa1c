"""The /data-ganda page: duplicates in the reviewer's scope, merged from the page."""

from __future__ import annotations

from tests.web.conftest import csrf_token


def add_person(app, **fields) -> str:
    """Write a person through the one write path as the system; return its id."""
    from server.extensions import db
    from server.sync.changes import ChangeSet, Writer
    from testkit.factories import person

    values = person(**fields)
    with app.app_context():
        changes = ChangeSet(db.session, Writer.system())
        changes.server_write("person", values["id"], values)
        changes.commit()
        db.session.commit()
    return values["id"]


def test_puskesmas_sees_and_merges_a_child_registered_twice(app, web):
    first = add_person(app, name="Rizky Ramadhan", sex="M", nik="6111014506250001")
    second = add_person(app, name="Rizki Ramadhan", sex="M", birth_date="2025-06-13")
    other = add_person(
        app, posyandu_id="PSY-B1", desa_code="6111022001", name="Rizky Ramadan", sex="M"
    )
    pkm_a, pkm_b = web("pkm_a"), web("pkm_b")
    page = pkm_a.get("/data-ganda").text
    assert f'data-survivor="{first}" data-duplicate="{second}"' in page
    assert "Jenis kelamin dalam NIK tidak sama" in page  # the NIK says a girl
    assert "data-survivor" not in pkm_b.get("/data-ganda").text  # one person there only
    assert web("kader_a1").get("/data-ganda").status_code == 403
    answer = pkm_a.post(
        "/data-ganda/gabung",
        data={"survivor": first, "duplicate": second, "csrf_token": csrf_token(page)},
    )
    assert answer.status_code == 303
    assert "data-survivor" not in pkm_a.get("/data-ganda").text
    across = web("dinas").get("/data-ganda").text  # the kabupaten: across puskesmas
    assert across.count("data-survivor") == 1 and other in across
