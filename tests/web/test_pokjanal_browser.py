"""Chromium journeys over the Pokjanal pages of issues 15 and 20: every filter, drill-down link and
form of /peringkat, /kia, /odf, /kematian, /sinyal, /ilp and /paket-rapat is clicked and its effect
checked; no console error and no failed request. Screenshots go to tests/artifacts/web-*.png.

The meeting pack's PDF is the page printed by Chromium with its print CSS (``page.pdf``), read
back with pdftotext (poppler-utils), as the field client's printing tests do.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest

from server.signals.evaluate import month_of
from testkit.factories import new_id, person
from tests.server.test_signal_trends import LAST, dropout_world, ds_world, seed
from tests.web.conftest import browser_sign_in, shot
from tests.web.test_sinyal import world_items

pytestmark = pytest.mark.browser
TODAY = dt.date.today()
PDFTOTEXT = shutil.which("pdftotext")


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


@pytest.fixture
def watched(page):
    """The page, failing the test on a console error or a failed request."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield page
    assert errors == []


def sign_in(page, server, username: str) -> None:
    browser_sign_in(page, server.url, username)
    page.wait_for_url("**/ringkasan")


def text_of(page, selector: str) -> str:
    return re.sub(r"\s+", " ", page.locator(selector).inner_text()).strip()


def test_peringkat_indicator_filter_and_drill_down(app, server, watched):
    page = watched
    seed(app, ds_world())  # D/S in M by hand: Sukadana 5/8, Simpang Hilir 2/2
    sign_in(page, server, "dinas")
    page.goto(f"{server.url}/peringkat")
    page.select_option("#indicator", "ds")
    page.fill("#rank-form input[name=period]", LAST)
    page.click("#rank-form button[type=submit]")
    page.wait_for_url("**indicator=ds**")
    assert text_of(page, "#rank tr[data-code='611101'] td.num >> nth=1") == "5/8"
    assert page.get_attribute("#rank tr[data-code='611101']", "data-colour") == "amber"
    page.select_option("#level", "puskesmas")
    page.click("#rank-form button[type=submit]")
    page.wait_for_url("**level=puskesmas**")
    assert page.locator("#rank tr[data-code='PKM-A']").count() == 1
    page.goto(f"{server.url}/peringkat?indicator=ds&period={LAST}")
    page.click("#rank tr[data-code='611101'] th a")  # drill into Sukadana
    page.wait_for_url("**parent=611101**")
    assert page.locator("#rank tbody tr").count() == 1
    assert text_of(page, "#rank tr[data-code='PKM-A'] td.num >> nth=1") == "5/8"
    page.click("#rank tr[data-code='PKM-A'] th a")  # → desa
    page.click("#rank tr[data-code='6111012001'] th a")  # → posyandu
    page.wait_for_url("**level=posyandu**")
    assert text_of(page, "#rank tr[data-code='PSY-A1'] td.num >> nth=1") == "2/4"
    shot(page, "peringkat-posyandu")
    page.click("#rank tr[data-code='PSY-A1'] th a")  # the posyandu's Ringkasan
    page.wait_for_url("**posyandu=PSY-A1**")


def test_kia_drill_down_and_back_up(app, server, watched):
    page = watched
    mother = person("PSY-A1", name="Ibu Hamil", sex="F", birth_date="1996-01-01")
    pregnancy = {
        "id": new_id(),
        "person_id": mother["id"],
        "posyandu_id": "PSY-A1",
        "registered_on": ago(30),
        "lmp_date": ago(270),  # HPL in about 10 days: due in the next 30
        "status": "active",
    }
    seed(app, [("person", mother), ("pregnancy", pregnancy)])
    sign_in(page, server, "dinas")
    page.goto(f"{server.url}/kia")
    assert text_of(page, "#kia tr[data-code='611101'] [data-key=bumil]") == "1"
    assert page.locator("#kia tr[data-code='611102']").count() == 0  # no pregnancy there
    page.click("#kia tr[data-code='611101'] a")
    page.wait_for_url("**parent=611101**")
    assert text_of(page, "#kia tr[data-code='PKM-A'] [data-key=due_30]") == "1"
    page.click("#kia tr[data-code='PKM-A'] a")
    page.click("#kia tr[data-code='6111012001'] a")
    page.wait_for_url("**level=posyandu**")
    assert text_of(page, "#kia tr[data-code='PSY-A1'] [data-key=t3]") == "1"
    shot(page, "kia-posyandu")
    page.click("#up")
    page.wait_for_load_state()
    assert "parent=" not in page.url
    assert page.locator("#kia tr[data-code='611101']").count() == 1


def test_odf_verification_form(app, server, watched):
    page = watched
    sign_in(page, server, "dinas")
    page.goto(f"{server.url}/odf")
    assert text_of(page, "#progress [data-key=done]") == "0"
    page.select_option("#odf-form select[name=desa_code]", "6111022001")
    page.fill("#odf-form input[name=verified_on]", ago(2))
    page.select_option("#odf-form select[name=status]", "stbm")
    page.fill("#odf-form input[name=team]", "Tim Verifikasi Kabupaten")
    page.fill("#odf-form input[name=decree]", "SK Bupati 7/2026")
    page.click("#odf-form button[type=submit]")
    page.wait_for_load_state()
    assert text_of(page, "#odf tr[data-code='6111022001'] [data-key=status]") == "Desa STBM"
    timeline = text_of(page, "#odf tr[data-code='6111022001'] .timeline")
    expected_day = (TODAY - dt.timedelta(days=2)).strftime("%d/%m/%Y")
    assert expected_day in timeline and "SK Bupati 7/2026" in timeline
    assert text_of(page, "#progress [data-key=done]") == "1"
    shot(page, "odf-verified")


def test_kematian_notify_then_review(app, server, watched):
    page = watched
    seed(app, world_items())  # one maternal death today in A1
    sign_in(page, server, "dinas")
    page.goto(f"{server.url}/kematian")
    case = page.locator("#cases tbody tr").first
    assert case.locator("td.review").get_attribute("data-status") == "none"
    case.locator("input[name=notified_on]").fill(TODAY.isoformat())
    case.locator("button[type=submit]").click()
    page.wait_for_load_state()
    case = page.locator("#cases tbody tr").first
    assert case.locator("td.review").get_attribute("data-status") == "notified"
    case.locator("input[name=reviewed_on]").fill(TODAY.isoformat())
    case.locator("input[name=follow_up]").fill("AMP: rujukan dipercepat")
    case.locator("button[type=submit]").click()
    page.wait_for_load_state()
    review = page.locator("#cases tbody tr").first.locator("td.review")
    assert review.get_attribute("data-status") == "reviewed"
    assert "AMP: rujukan dipercepat" in review.inner_text()
    shot(page, "kematian-dikaji")


def test_sinyal_new_list_link_and_reopen(app, server, watched):
    page = watched
    seed(app, world_items())
    sign_in(page, server, "pkm_a")
    page.goto(f"{server.url}/sinyal")
    page.click("#evaluate button")
    page.wait_for_selector("#evaluate [role=status]")
    assert page.locator("article[data-rule=gizi_buruk_no_follow_up]").count() == 0  # B1: not hers
    page.locator("#new a", has_text="Kematian ibu").click()
    assert page.url.endswith(
        "#s-" + page.locator("article[data-rule=maternal_death]").get_attribute("id")[2:]
    )
    card = page.locator("article[data-rule=maternal_death]")
    card.locator("form.assign input[name=due_date]").fill(ago(-3))
    card.locator("form.assign button").click()
    page.wait_for_load_state()
    card = page.locator("article[data-rule=maternal_death]")
    assert (TODAY + dt.timedelta(days=3)).strftime("%d/%m/%Y") in card.inner_text()
    card.locator("form.close input[name=note]").fill("AMP selesai")
    card.locator("form.close button").click()
    page.wait_for_load_state()
    card = page.locator("article[data-rule=maternal_death]")
    assert card.get_attribute("data-status") == "closed"
    card.locator("form.reopen button").click()
    page.wait_for_load_state()
    card = page.locator("article[data-rule=maternal_death]")
    assert card.get_attribute("data-status") == "open"
    assert month_of(TODAY) not in card.locator("h3").inner_text()  # the period in words
    shot(page, "sinyal-dibuka-lagi")


def test_ilp_filters_drill_down_and_xlsx(app, server, watched, tmp_path):
    page = watched
    seed(app, dropout_world())  # drop-out in M by hand: Sukadana 1/4, Simpang Hilir 2/2
    sign_in(page, server, "dinas")
    page.goto(f"{server.url}/ilp")
    page.fill("#period", LAST)
    page.select_option("#level", "kecamatan")
    page.click("#ilp-form button[type=submit]")
    page.wait_for_url(f"**period={LAST}**")
    assert (
        text_of(page, "#ilp-programme tr[data-code='611101'] [data-key=dpt_dropout]")
        == "25,0 % (1/4)"
    )
    assert text_of(page, "#ilp-programme tfoot [data-key=dpt_dropout]") == "50,0 % (3/6)"
    shot(page, "ilp-kabupaten")
    page.click("#ilp-programme tr[data-code='611101'] a.drill")
    page.click("#ilp-programme tr[data-code='PKM-A'] a.drill")
    page.click("#ilp-programme tr[data-code='6111012001'] a.drill")
    page.wait_for_url("**level=posyandu**")
    assert text_of(page, "#ilp-coverage tr[data-code='PSY-A1'] [data-key=imm_DPT_HB_HIB3]") == (
        "75,0 % (3/4)"
    )
    with page.expect_download() as download:
        page.click("#download")
    path = tmp_path / "ilp.xlsx"
    download.value.save_as(path)
    from openpyxl import load_workbook

    rows = list(load_workbook(path)["Imunisasi"].iter_rows(values_only=True))
    assert any(r and r[1] == "PSY-A1" for r in rows)
    page.click("#up")
    page.wait_for_load_state()
    assert "parent=" not in page.url


@pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext is missing (apt-get install poppler-utils)"
)
def test_paket_rapat_controls_and_its_pdf(app, server, watched, tmp_path):
    page = watched
    seed(app, world_items())
    from server.extensions import db
    from server.signals import evaluate

    with app.app_context():
        evaluate(db.session, TODAY)
        db.session.commit()
    sign_in(page, server, "dinas")
    page.click("nav a[href='/paket-rapat']")
    page.wait_for_url("**/paket-rapat")
    page.fill("#period", month_of(TODAY))
    page.select_option("#span", "year")
    page.click("#pack-form button[type=submit]")
    page.wait_for_url("**span=year**")
    assert f"Tahun {TODAY.year}" in text_of(page, "#pack-period")
    assert text_of(page, "#signals tr[data-rule=maternal_death] [data-key=raised]") == "1"
    page.evaluate("window.print = () => { window.printed = true; }")
    page.click("#print")
    assert page.evaluate("window.printed") is True
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename.startswith("paket-rapat-6111-")
    shot(page, "paket-rapat")
    pdf = tmp_path / "paket.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Paket rapat kesehatan: Kayong Utara" in text
    assert f"Tahun {TODAY.year}" in text and "Kematian ibu" in text
    assert re.search(r"Ibu\s+0\s+0\s+1", text)  # the maternal death, not notified yet
    assert "Unduh XLSX" not in text and "Keluar" not in text  # no controls, no menu on paper
    (tmp_path / "paket.txt").write_text(text)
