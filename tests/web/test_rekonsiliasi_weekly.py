"""Rekonsiliasi by week (issue #16): each posyandu-month's paper weighings sit in the week of its
hari buka (its opened session in the app, else the day it weighed most) beside the app's weighings
of that posyandu in that week; a posyandu-month with nothing in the app is counted apart."""

from __future__ import annotations

import re

from .conftest import csrf_token
from .test_rekonsiliasi import PERIOD, seed
from .test_review import write
from .test_weekly_district import session


def enter(client, posyandu: str, period: str, weighings: int):
    page = client.get(f"/rekonsiliasi?period={period}").text
    counts = {"s": "9", "k": "9", "d": "9", "n": "0", "weighings": str(weighings)}
    answer = client.post(
        f"/rekonsiliasi/{posyandu}/{period}", data={**counts, "csrf_token": csrf_token(page)}
    )
    assert answer.status_code == 303, answer.text[-300:]


def weeks(page: str) -> dict[str, str]:
    table = page.split('id="reconcile-weekly"')[1].split("</table>")[0]
    rows = re.findall(r"<tr data-week=\"\d+\"><td>([^<]+)</td>(.*?)</tr>", table, re.S)
    return {
        label: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cells)).strip() for label, cells in rows
    }


def test_paper_weighings_sit_in_the_week_of_the_hari_buka(app, web):
    # PSY-A1: weighings on 08/10 (2) and 20/10 (1) and 08/09 (1), no session record;
    # PSY-A2: an opened session on 15/10 and no weighing at all in the app
    seed(app)
    write(app, [session("PSY-A2", "2026-10-15")])
    pkm = web("pkm_a")
    enter(pkm, "PSY-A1", PERIOD, 3)
    enter(pkm, "PSY-A2", PERIOD, 5)
    enter(pkm, "PSY-A1", "2026-09", 1)
    enter(pkm, "PSY-A2", "2026-09", 4)  # no session, no weighing in September: no week
    page = pkm.get(f"/rekonsiliasi?period={PERIOD}").text
    shown = weeks(page)
    # the weeks that touch October 2026, Monday to Sunday, in dd/mm/yyyy
    assert list(shown) == [
        "Minggu 40: 28/09/2026 – 04/10/2026",
        "Minggu 41: 05/10/2026 – 11/10/2026",
        "Minggu 42: 12/10/2026 – 18/10/2026",
        "Minggu 43: 19/10/2026 – 25/10/2026",
        "Minggu 44: 26/10/2026 – 01/11/2026",
    ]
    # A1's October: busiest day 08/10 (2 weighings) → week 41; the app's 20/10 weighing is not
    # in that week: app 2 beside paper 3
    assert shown["Minggu 41: 05/10/2026 – 11/10/2026"] == "1 2 / 3 / -1 (-33,3 %)"
    # A2's October: its session on 15/10 → week 42; nothing entered in the app: app 0, paper 5
    assert shown["Minggu 42: 12/10/2026 – 18/10/2026"] == "1 0 / 5 / -5 (-100,0 %)"
    assert shown["Minggu 43: 19/10/2026 – 25/10/2026"] == "0 —"
    assert 'id="reconcile-unplaced"' not in page
    # September's page: A1's 08/09 → week 37, app 1 beside paper 1; A2 has no week
    september = pkm.get("/rekonsiliasi?period=2026-09").text
    shown = weeks(september)
    assert list(shown)[0] == "Minggu 36: 31/08/2026 – 06/09/2026" and len(shown) == 5
    assert shown["Minggu 37: 07/09/2026 – 13/09/2026"] == "1 1 / 1 / +0 (0,0 %)"
    unplaced = september.split('id="reconcile-unplaced"')[1].split("</p>")[0]
    assert "1 posyandu-bulan, 4 penimbangan di kertas" in unplaced


def test_the_weekly_trend_keeps_to_the_viewer_s_posyandu(app, web):
    seed(app)
    enter(web("pkm_a"), "PSY-A1", PERIOD, 3)
    other = weeks(web("pkm_b").get(f"/rekonsiliasi?period={PERIOD}").text)
    assert other and all(cells == "0 —" for cells in other.values())
    dinas = weeks(web("dinas").get(f"/rekonsiliasi?period={PERIOD}").text)
    assert dinas["Minggu 41: 05/10/2026 – 11/10/2026"] == "1 2 / 3 / -1 (-33,3 %)"
