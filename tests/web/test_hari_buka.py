"""The stored hari buka (issue #16): set by the puskesmas for its own posyandu on Evaluasi
mingguan, it replaces the inference from sessions in the week's denominators and in
Rekonsiliasi's weekly placement; bad input, another puskesmas's posyandu and readers are
refused with nothing stored."""

from __future__ import annotations

import pytest

from .conftest import csrf_token
from .test_rekonsiliasi import PERIOD
from .test_rekonsiliasi import seed as seed_children
from .test_rekonsiliasi_weekly import enter, weeks
from .test_weekly_district import WEEK, cells, seed


def set_day(client, posyandu: str, day: str, week: str = WEEK):
    page = client.get(f"/evaluasi-mingguan?week={week}").text
    data = {"tanggal": day, "week": week, "csrf_token": csrf_token(page)}
    return client.post(f"/evaluasi-mingguan/hari-buka/{posyandu}", data=data)


def stored(app) -> dict[str, int]:
    from server.extensions import db
    from server.web.hari_buka import HariBuka

    with app.app_context():
        found = {r.posyandu_id: r.day for r in db.session.query(HariBuka)}
        db.session.rollback()
    return found


def test_a_stored_hari_buka_replaces_the_inferred_one_in_the_denominators(app, web):
    seed(app)  # B1's latest session on the 20th: inferred, not scheduled in W41 (05–11/10)
    dinas, pkm_b = web("dinas"), web("pkm_b")
    before = cells(dinas.get(f"/evaluasi-mingguan?week={WEEK}").text, 'data-puskesmas="PKM-B"')
    assert (before["scheduled"], before["sasaran"]) == (0, 0)

    answer = set_day(pkm_b, "PSY-B1", "6")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(
        f"?puskesmas=PKM-B&saved=1&week={WEEK}#weekly-posyandu"
    )
    assert stored(app) == {"PSY-B1": 6}
    page = dinas.get(f"/evaluasi-mingguan?week={WEEK}").text
    after = cells(page, 'data-puskesmas="PKM-B"')
    assert (after["scheduled"], after["sasaran"]) == (1, 1)
    # A1 and A2 are still inferred from their sessions, and the page says so
    assert 'data-inferred="2"' in page
    drill = pkm_b.get(f"/evaluasi-mingguan?week={WEEK}&puskesmas=PKM-B&saved=1").text
    assert "Hari buka disimpan." in drill
    table = drill.split('id="weekly-posyandu"')[1]
    row = table.split('data-posyandu="PSY-B1"')[1].split("</tr>")[0]
    assert "Hari buka: tanggal 6 setiap bulan" in row and 'data-hari-buka="stored"' in row
    a_drill = dinas.get(f"/evaluasi-mingguan?week={WEEK}&puskesmas=PKM-A").text
    assert "Hari buka: tanggal 8 (perkiraan dari sesi terakhir)" in a_drill
    assert "Atur hari buka" not in a_drill  # the dinas reads

    assert set_day(pkm_b, "PSY-B1", "").status_code == 303  # emptied: inferred again
    assert stored(app) == {}
    again = cells(dinas.get(f"/evaluasi-mingguan?week={WEEK}").text, 'data-puskesmas="PKM-B"')
    assert (again["scheduled"], again["sasaran"]) == (0, 0)


def test_the_31st_is_the_last_day_of_a_shorter_month(app, web):
    seed(app)
    assert set_day(web("pkm_b"), "PSY-B1", "31").status_code == 303
    # September 2026 has 30 days: Wednesday 30/09 lies in W40 (28/09–04/10), not in W39
    w40 = web("dinas").get("/evaluasi-mingguan?week=2026-W40&puskesmas=PKM-B").text
    w39 = web("dinas").get("/evaluasi-mingguan?week=2026-W39&puskesmas=PKM-B").text
    for page, scheduled in ((w40, 1), (w39, 0)):
        table = page.split('id="weekly-posyandu"')[1]
        assert cells(table, 'data-posyandu="PSY-B1"')["scheduled"] == scheduled


@pytest.mark.parametrize("day", ["0", "32", "abc", "1.5", "٣", "-1", "100"])
def test_a_bad_day_is_refused_and_nothing_is_stored(app, web, day):
    seed(app)
    answer = set_day(web("pkm_b"), "PSY-B1", day)
    assert answer.status_code == 400
    assert "harus bilangan bulat 1 sampai 31" in answer.text
    assert stored(app) == {}


def test_only_the_posyandu_s_puskesmas_or_the_admin_sets_it(app, web):
    seed(app)
    outside = set_day(web("pkm_a"), "PSY-B1", "6")
    assert outside.status_code == 403 and "di luar wilayah kerja Anda" in outside.text
    assert set_day(web("dinas"), "PSY-B1", "6").status_code == 403  # reads only
    assert set_day(web("pkm_b"), "PSY-NONE", "6").status_code == 404
    assert stored(app) == {}
    assert set_day(web("admin"), "PSY-B1", "9").status_code == 303
    assert stored(app) == {"PSY-B1": 9}


def test_rekonsiliasi_places_the_paper_count_in_the_week_of_the_stored_day(app, web):
    seed_children(app)  # PSY-A1 weighed twice on 08/10 (week 41) and once on 20/10 (week 43)
    pkm = web("pkm_a")
    enter(pkm, "PSY-A1", PERIOD, 3)
    page = pkm.get(f"/rekonsiliasi?period={PERIOD}").text
    assert weeks(page)["Minggu 41: 05/10/2026 – 11/10/2026"] == "1 2 / 3 / -1 (-33,3 %)"
    assert 'data-inferred="1"' in page
    assert set_day(pkm, "PSY-A1", "20").status_code == 303
    page = pkm.get(f"/rekonsiliasi?period={PERIOD}").text
    shown = weeks(page)
    assert shown["Minggu 43: 19/10/2026 – 25/10/2026"] == "1 1 / 3 / -2 (-66,7 %)"
    assert shown["Minggu 41: 05/10/2026 – 11/10/2026"] == "0 —"
    assert 'id="reconcile-inferred"' not in page
