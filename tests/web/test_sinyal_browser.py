"""Chromium: a kader device pushes a maternal death; the dinas sees the signal, assigns, closes it."""

from __future__ import annotations

import datetime as dt

from testkit.factories import new_id, person
from tests.web.conftest import browser_sign_in, shot

TODAY = dt.date.today()


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def test_maternal_death_pushed_by_a_kader_is_followed_up_by_the_dinas(server, device, page):
    kader = device("kader_a1")
    mother = person("PSY-A1", name="Ibu Wafat", sex="F", birth_date="1994-03-03", died_on=ago(0))
    pregnancy = {
        "id": new_id(),
        "person_id": mother["id"],
        "posyandu_id": "PSY-A1",
        "registered_on": ago(60),
        "lmp_date": ago(100),
        "status": "active",
    }
    response = kader.push(
        [kader.mutation("person", mother), kader.mutation("pregnancy", pregnancy)]
    )
    assert response.status_code == 200, response.text
    assert all(r["status"] == "applied" for r in response.json()["results"]), response.text

    browser_sign_in(page, server.url, "dinas")
    page.wait_for_url("**/ringkasan")
    page.goto(f"{server.url}/sinyal")  # the page evaluates the rules first
    card = page.locator("article[data-rule=maternal_death]")
    assert card.count() == 1
    assert "Kematian ibu" in page.locator("#new").inner_text()
    assert "meninggal" in card.locator(".evidence").inner_text()
    shot(page, "sinyal-baru")

    card.locator("form.assign input[name=assignee]").fill("Bidan Sutera")
    card.locator("form.assign button").click()
    page.wait_for_load_state()
    card = page.locator("article[data-rule=maternal_death]")
    assert card.locator(".assignee").inner_text() == "Bidan Sutera"

    card.locator("form.close input[name=note]").fill("AMP dilaksanakan, RTL disepakati")
    card.locator("form.close button").click()
    page.wait_for_load_state()
    card = page.locator("article[data-rule=maternal_death]")
    assert card.get_attribute("data-status") == "closed"
    assert "AMP dilaksanakan" in card.inner_text()
    shot(page, "sinyal-ditutup")

    page.goto(f"{server.url}/kematian")
    assert page.locator("[data-window=ytd] [data-key=maternal]").inner_text() == "1"
    shot(page, "kematian")
    page.goto(f"{server.url}/kia")
    shot(page, "kia")
    page.goto(f"{server.url}/odf")
    shot(page, "odf")
