"""/kia reuses its computed pregnancies until the next write, and never shows stale figures."""

from __future__ import annotations

import datetime as dt
import re

from testkit.factories import new_id, person

TODAY = dt.date.today()


def bumil(html: str, code: str) -> str | None:
    row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', html, re.S)
    return re.search(r'data-key="bumil">(\d+)<', row.group(1)).group(1) if row else None


def pregnancy_items(posyandu: str, desa: str) -> list[tuple[str, dict]]:
    mother = person(posyandu, desa_code=desa, name="Ibu", sex="F", birth_date="1996-01-01")
    pregnancy = {
        "id": new_id(),
        "person_id": mother["id"],
        "posyandu_id": posyandu,
        "registered_on": (TODAY - dt.timedelta(days=20)).isoformat(),
        "lmp_date": (TODAY - dt.timedelta(days=90)).isoformat(),
        "status": "active",
    }
    return [("person", mother), ("pregnancy", pregnancy)]


def write(app, items):
    from server.extensions import db
    from server.reference import write_records

    with app.app_context():
        assert not write_records(db.session, items).rejected
        db.session.commit()


def test_a_write_shows_at_once_and_scopes_do_not_share(app, world, web):
    write(app, pregnancy_items("PSY-A1", "6111012001"))
    dinas, pkm_b = web("dinas"), web("pkm_b")
    assert bumil(dinas.get("/kia").text, "611101") == "1"
    assert bumil(dinas.get("/kia").text, "611101") == "1"  # reused
    assert 'data-code="6111012001"' not in pkm_b.get("/kia").text  # not the dinas' result
    write(app, pregnancy_items("PSY-A1", "6111012001") + pregnancy_items("PSY-B1", "6111022001"))
    html = dinas.get("/kia").text
    assert bumil(html, "611101") == "2" and bumil(html, "611102") == "1"
    assert bumil(pkm_b.get("/kia").text, "6111022001") == "1"
