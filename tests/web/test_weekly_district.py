"""Evaluasi mingguan at district scale (issue #16): denominators from hari buka, "belum pernah"
only for a posyandu that never synced and has no data, drill-down to the posyandu, and the
week read through the indexed ``record.event_date``."""

from __future__ import annotations

import re

from testkit.factories import child_visit, new_id, person

from .test_review import write

WEEK = "2026-W41"  # Monday 05/10/2026 to Sunday 11/10/2026


def session(posyandu: str, day: str, opened: bool = True) -> tuple[str, dict]:
    return (
        "posyandu_session",
        {"id": new_id(), "posyandu_id": posyandu, "session_date": day, "opened": opened},
    )


def cells(page: str, row_attr: str) -> dict[str, int]:
    row = page.split(row_attr)[1].split("</tr>")[0]
    return {k: int(v) for k, v in re.findall(r'data-key="(\w+)">(\d+)<', row)}


def seed(app):
    """A1 opens on the 8th (held this week), A2 on the 7th (scheduled, not held), B1 on the 20th
    (not scheduled) with a child weighed this week; one child registered at each posyandu."""
    a1, a2 = person(birth_date="2025-06-10"), person("PSY-A2", birth_date="2025-05-01")
    b1 = person("PSY-B1", desa_code="6111022001", birth_date="2025-04-01")
    write(
        app,
        [("person", p) for p in (a1, a2, b1)]
        + [
            session("PSY-A1", "2026-09-08"),
            session("PSY-A2", "2026-09-07"),
            session("PSY-B1", "2026-09-20"),
            session("PSY-A1", "2026-10-08"),
            session("PSY-A2", "2026-08-30", opened=False),  # not held: says nothing of hari buka
            ("child_visit", child_visit(a1, visit_date="2026-10-08", weight_kg=9.0, bgm=False)),
            ("child_visit", child_visit(a1, visit_date="2026-10-09", weight_kg=9.1)),
            ("child_visit", child_visit(b1, visit_date="2026-10-06", weight_kg=8.0)),
            ("child_visit", child_visit(b1, visit_date="2026-10-12", weight_kg=8.1)),  # next week
        ],
    )


def test_weekly_denominators_come_from_hari_buka_and_the_sasaran(app, web):
    seed(app)
    page = web("dinas").get(f"/evaluasi-mingguan?week={WEEK}").text
    assert cells(page, 'data-puskesmas="PKM-A"') == {
        "sessions": 1,
        "scheduled": 2,
        "weighed": 1,
        "sasaran": 2,
        "pregnancies": 0,
        "bgm": 0,
        "two_t": 0,
        "kek": 0,
        "deaths": 0,
    }
    b = cells(page, 'data-puskesmas="PKM-B"')
    assert (b["sessions"], b["scheduled"], b["weighed"], b["sasaran"]) == (0, 0, 1, 0)
    assert "Minggu ke-41 tahun 2026 (05/10/2026 s.d. 11/10/2026)" in page


def test_a_posyandu_with_data_but_no_device_is_not_belum_pernah(app, web):
    seed(app)
    page = web("dinas").get(f"/evaluasi-mingguan?week={WEEK}").text
    row_b = page.split('data-puskesmas="PKM-B"')[1].split("</tr>")[0]
    assert re.search(r'data-posyandu="PSY-B1">Posyandu Anggrek: <span class="good">0 hari', row_b)
    assert "belum pernah" not in row_b


def test_a_posyandu_without_data_or_device_is_belum_pernah(app, web):
    write(app, [("person", person())])  # A1 has data; A2 nothing at all
    page = web("dinas").get(f"/evaluasi-mingguan?week={WEEK}").text
    row_a = page.split('data-puskesmas="PKM-A"')[1].split("</tr>")[0]
    assert re.search(r'data-posyandu="PSY-A2">[^<]*: <span class="bad">belum pernah', row_a)
    assert re.search(r'data-posyandu="PSY-A1">[^<]*: <span class="good">0 hari', row_a)


def test_drill_down_lists_the_posyandu_with_their_desa_and_links(app, web):
    seed(app)
    dinas = web("dinas")
    page = dinas.get(f"/evaluasi-mingguan?week={WEEK}").text
    assert f'href="/evaluasi-mingguan?week={WEEK}&amp;puskesmas=PKM-A"' in page
    drill = dinas.get(f"/evaluasi-mingguan?week={WEEK}&puskesmas=PKM-A").text
    table = drill.split('id="weekly-posyandu"')[1]
    assert "Posyandu Melati (Sutera)" in table and "Posyandu Mawar (Sutera)" in table
    assert "Posyandu Anggrek" not in table
    assert "Hari buka: tanggal 8" in table and "Hari buka: tanggal 7" in table
    a1, a2 = cells(table, 'data-posyandu="PSY-A1"'), cells(table, 'data-posyandu="PSY-A2"')
    assert (a1["sessions"], a1["scheduled"], a1["weighed"], a1["sasaran"]) == (1, 1, 1, 1)
    assert (a2["sessions"], a2["scheduled"], a2["weighed"], a2["sasaran"]) == (0, 1, 0, 1)
    link = re.search(r'href="(/ringkasan\?posyandu=PSY-A1&amp;period=2026-10)"', table)
    assert link and dinas.get(link.group(1).replace("&amp;", "&")).status_code == 200
    other = web("pkm_b").get(f"/evaluasi-mingguan?week={WEEK}&puskesmas=PKM-A").text
    assert "PSY-A1" not in other and "Posyandu Melati" not in other  # outside its scope
    bad = dinas.get(f"/evaluasi-mingguan?week={WEEK}&puskesmas=<script>")
    assert bad.status_code == 400


def test_event_date_is_kept_on_every_write_and_indexed(app, world):
    from server.extensions import db
    from server.models import Record

    p = person()
    visit = child_visit(p, visit_date="2026-10-08")
    write(app, [("person", p), ("child_visit", visit)])
    write(app, [("child_visit", {**visit, "visit_date": "2026-10-09"})])
    with app.app_context():
        row = db.session.get(Record, visit["id"])
        assert str(row.event_date) == "2026-10-09"
        assert db.session.get(Record, p["id"]).event_date is None  # alive: no event day
        indexes = {i.name for i in Record.__table__.indexes}
        assert "ix_record_kind_event_date" in indexes
        db.session.rollback()
