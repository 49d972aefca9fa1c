"""Printing (issue #14, finding 11): the child's card, the monthly report, and their PDFs.

The pages through Flask's test client; the PDF of the print route from headless Chromium
(``page.pdf`` lays the page out with the print CSS) and from the real pywebview window (Qt
offscreen: its "Cetak" saves the page with Qt's ``printToPdf`` into ``~/Documents``); pdftotext
(Debian's poppler-utils) reads both PDFs back.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from field_client import printing
from field_client.service import RecordService
from field_client.store import Store

from . import test_journeys as journeys
from .conftest import POSYANDU, TODAY
from .test_browser import CHROMIUM

app_url, browser_page, kader = journeys.app_url, journeys.browser_page, journeys.kader

ROOT = Path(__file__).resolve().parents[2]
PDFTOTEXT = shutil.which("pdftotext")
NIK = "6111012503250007"


def seed_child(store, today=None):
    """A boy with three monthly weighings (B, N, then T) and two immunisations."""
    service = RecordService(store, today=today or date.fromisoformat(TODAY))
    child = service.create(
        "person",
        {
            "posyandu_id": POSYANDU,
            "name": "Bima Saputra",
            "sex": "M",
            "birth_date": "2025-03-25",
            "mother_name": "Wati",
            "nik": NIK,
            "has_kia_book": True,
            "birth_weight_kg": 3.05,
        },
    )
    for day, kg, extra in (
        ("2026-09-10", 9.1, {"immunizations": ["MR1", "IPV2"]}),
        ("2026-10-12", 9.45, {"length_cm": 76.5, "position": "lying"}),
        ("2026-11-10", 9.45, {"immunizations": ["PCV3"]}),
    ):
        visit = {"person_id": child.id, "visit_date": day, "weight_kg": kg, **extra}
        service.create("child_visit", visit)
    other = service.create(
        "person", {"posyandu_id": POSYANDU, "name": "Citra", "sex": "F", "birth_date": "2026-02-01"}
    )
    return child, other


def text_of(html: str) -> str:
    """Return the visible words of a page: no tags, no scripts, no SVG, spaces collapsed."""
    html = re.sub(r"<(script|svg|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&lt;", "<")


def test_child_card_shows_identity_chart_weighings_and_immunisations(local_app, local_client):
    child, _ = seed_child(local_app.extensions["posyandu"].store)
    response = local_client.get(f"/balita/{child.id}/cetak")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert "Bima Saputra" in text and "Laki-laki" in text and "Wati" in text
    assert "25/03/2025" in text and "Dicetak 24/11/2026" in text
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)  # no ISO dates on paper
    assert "•••• •••• •••• 0007" in text and NIK not in html  # the NIK stays on the device
    assert "3,05 kg" in text
    # the chart is the child page's, with the child's three weighings on it
    assert 'class="growth-chart"' in html and 'data-index="waz" data-points="3"' in html
    rows = re.findall(r'<tr data-visit="[^"]+">(.*?)</tr>', html, flags=re.S)
    assert [text_of(r).split()[:2] for r in rows] == [
        ["10/09/2026", "17"],
        ["12/10/2026", "18"],
        ["10/11/2026", "19"],
    ]
    assert "9,45" in text_of(rows[1]) and "76,5" in text_of(rows[1])
    assert "B Baru pertama kali ditimbang" in text_of(rows[0])
    assert "N Naik" in text_of(rows[1]) and "T Tidak naik" in text_of(rows[2])
    assert "Berat badan normal" in text_of(rows[0])  # the BB/U category in words
    immunised = dict(re.findall(r'data-antigen="(\w+)">(.*?)</tr>', html, flags=re.S))
    assert text_of(immunised["MR1"]).strip().startswith("Campak-Rubela (MR) 1")
    assert "10/09/2026" in immunised["MR1"] and "10/09/2026" in immunised["IPV2"]
    assert "10/11/2026" in immunised["PCV3"] and "—" in immunised["BCG"]
    assert "saat lahir" in text_of(immunised["HB0"])


def test_a_child_pulled_without_birth_measures_has_a_page_and_a_card(local_app, local_client):
    from field_client.store import Change

    store = local_app.extensions["posyandu"].store
    fields = {
        "posyandu_id": POSYANDU,
        "name": "Dari Server",
        "sex": "F",
        "birth_date": "2025-01-02",
    }
    store.apply_changes([Change(id="c-1", kind="person", version=1, deleted=False, fields=fields)])
    for path in ("/balita/c-1", "/balita/c-1/cetak"):
        response = local_client.get(path)
        assert response.status_code == 200, path
        assert "Dari Server" in response.get_data(as_text=True)


def test_child_card_of_an_unknown_child_is_404(local_client):
    assert local_client.get("/balita/no-such-child/cetak").status_code == 404


def _counts_and_percents(html: str) -> tuple[dict, dict]:
    counts = dict(re.findall(r'data-count="(\w+)">.*?<td class="num">(\d+)</td>', html, re.S))
    percents = {
        key: text_of(row).split()[-1]
        for key, row in re.findall(r'<tr data-indicator="(\w+)">(.*?)</tr>', html, re.S)
    }
    return counts, percents


def test_monthly_report_has_the_monthly_pages_skdn_and_the_register(local_app, local_client):
    seed_child(local_app.extensions["posyandu"].store)
    printed = local_client.get("/laporan-bulanan/2026-11/cetak").get_data(as_text=True)
    screen = local_client.get("/laporan-bulanan?bulan=2026-11").get_data(as_text=True)
    counts, percents = _counts_and_percents(printed)
    screen_counts, screen_percents = _counts_and_percents(screen)
    assert counts == screen_counts  # the same numbers as "Laporan bulanan"
    assert counts == {"S": "2", "K": "1", "D": "1", "N": "0", "T": "1", "O": "0", "B": "0"} | {
        "BGM": "0",
        "2T": "0",
    }
    assert set(percents) == {"ds", "ks", "nd", "bgm", "two_t"}
    assert all(percents[key] == screen_percents[key] for key in percents)
    assert percents["ds"] == "50,0" and percents["nd"] == "0,0"  # decimal comma
    text = text_of(printed)
    assert "Laporan bulanan posyandu November 2026" in text
    assert "D = N + T + O + B: 1 = 0 + 1 + 0 + 0" in text
    [row] = re.findall(r'<tr data-person="[^"]+">(.*?)</tr>', printed, flags=re.S)
    assert text_of(row).split() == [
        "1",
        "Bima",
        "Saputra",
        "L",
        "25/03/2025",
        "10/11/2026",
        "9,45",
        "T",
        "Tidak",
        "naik",
        "0",
    ]
    assert "Citra" in text_of(printed.split('id="print-not-weighed"')[1])


def test_monthly_report_of_a_month_that_is_not_one_is_404(local_client):
    for period in ("2026-13", "2026-1", "november", "1999-01"):
        assert local_client.get(f"/laporan-bulanan/{period}/cetak").status_code == 404


def test_the_pages_offer_cetak(local_app, local_client):
    child, _ = seed_child(local_app.extensions["posyandu"].store)
    page = local_client.get(f"/balita/{child.id}").get_data(as_text=True)
    assert f'href="/balita/{child.id}/cetak?cetak=1" id="print-card"' in page
    page = local_client.get("/laporan-bulanan?bulan=2026-10").get_data(as_text=True)
    assert 'href="/laporan-bulanan/2026-10/cetak?cetak=1" id="print-report"' in page


# -- saving the PDF (the window's renderer replaced by a fake) ---------------------------------


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("USERPROFILE", str(folder))
    return folder


def test_without_the_app_window_saving_a_pdf_answers_404(local_client, home):
    response = local_client.post("/api/cetak/pdf", json={"name": "x"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "no_window"


def test_the_pdf_goes_to_documents_under_a_safe_name_never_over_another(
    local_app, local_client, home
):
    printing.set_pdf_renderer(local_app, lambda: b"%PDF-1.4 fake")
    first = local_client.post("/api/cetak/pdf", json={"name": "../../etc/kartu anak Bima"})
    second = local_client.post("/api/cetak/pdf", json={"name": "../../etc/kartu anak Bima"})
    assert first.status_code == second.status_code == 201
    documents = home / "Documents"
    assert first.get_json()["path"] == str(documents / "etc-kartu-anak-Bima.pdf")
    assert second.get_json()["path"] == str(documents / "etc-kartu-anak-Bima-2.pdf")
    assert (documents / "etc-kartu-anak-Bima.pdf").read_bytes() == b"%PDF-1.4 fake"
    assert first.get_json()["message"].startswith("PDF tersimpan di ")


def test_the_pdf_goes_to_the_data_folder_when_documents_cannot_be_written(
    local_app, local_client, home, data_dir
):
    (home / "Documents").write_text("a file, not a folder")
    printing.set_pdf_renderer(local_app, lambda: b"%PDF-1.4 fake")
    response = local_client.post("/api/cetak/pdf", json={"name": "laporan"})
    assert response.status_code == 201
    assert response.get_json()["path"] == str(data_dir / "cetak" / "laporan.pdf")


def test_a_failed_render_says_so(local_app, local_client, home):
    def broken():
        raise TimeoutError

    printing.set_pdf_renderer(local_app, broken)
    response = local_client.post("/api/cetak/pdf", json={"name": "x"})
    assert response.status_code == 500
    assert response.get_json()["error"]["message"] == "PDF gagal dibuat. Coba lagi."
    printing.set_pdf_renderer(local_app, lambda: b"")
    assert local_client.post("/api/cetak/pdf", json={"name": "x"}).status_code == 500


def test_documents_folder_follows_the_desktops_own_name(tmp_path):
    assert printing.documents_folder(tmp_path) == tmp_path / "Documents"
    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / "user-dirs.dirs").write_text(
        '# written by xdg-user-dirs-update\nXDG_DOCUMENTS_DIR="$HOME/Dokumen"\n'
    )
    assert printing.documents_folder(tmp_path) == tmp_path / "Dokumen"


def test_only_the_last_four_digits_of_a_nik_are_printed():
    assert printing.mask_nik("6111012503250007") == "•••• •••• •••• 0007"
    assert printing.mask_nik(None) == printing.mask_nik("12") == ""


# -- real PDFs ---------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    return subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.browser
@pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext is missing (apt-get install poppler-utils)"
)
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium is not at {CHROMIUM}")
def test_chromium_prints_the_card_and_the_report_to_pdf_with_the_print_css(kader, tmp_path):
    app, base, page, watch = kader
    child, _ = seed_child(app.extensions["posyandu"].store, date.today())
    page.goto(f"{base}/balita/{child.id}/cetak")
    card = tmp_path / "kartu.pdf"
    page.pdf(path=str(card), format="A4", print_background=True)
    page.goto(f"{base}/laporan-bulanan/2026-11/cetak")
    report = tmp_path / "laporan.pdf"
    page.pdf(path=str(report), format="A4", print_background=True)
    text = pdf_text(card)
    assert "Bima Saputra" in text and "25/03/2025" in text and "9,45" in text
    assert "Campak-Rubela (MR) 1" in text
    assert "Sinkronisasi" not in text and "Kembali" not in text  # no menu, no buttons on paper
    text = pdf_text(report)
    assert "Laporan bulanan posyandu November 2026" in text and "Bima Saputra" in text
    assert re.search(r"Partisipasi masyarakat \(D/S\)\s+1\s+2\s+50,0", text)


WINDOW_SCRIPT = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from field_client.launcher import run

    child_id, pin = sys.argv[2], sys.argv[3]

    def drive(window, token):
        window.events.loaded.wait(60)
        window.run_js("document.querySelector('input[name=pin]').value = " + json.dumps(pin)
                      + "; document.querySelector('form').submit();")
        for _ in range(100):
            time.sleep(0.2)
            if not window.get_current_url().split("?")[0].endswith("/unlock"):
                break
        base = "/".join(window.get_current_url().split("/")[:3])
        window.load_url(base + "/balita/" + child_id)
        time.sleep(1)
        window.events.loaded.wait(30)
        # the kader presses "Cetak kartu anak", then the print page prints by itself
        window.run_js("document.getElementById('print-card').click()")
        result = ""
        for _ in range(300):
            time.sleep(0.2)
            result = window.run_js(
                "(document.getElementById('print-result') || {}).textContent || ''") or ""
            if "tersimpan" in result:
                break
        print("RESULT", result, flush=True)
        window.destroy()

    sys.exit(run(sys.argv[1], on_window=drive))
""")


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("webview") is None, reason="pywebview is not installed"
)
@pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext is missing (apt-get install poppler-utils)"
)
def test_cetak_in_the_app_window_saves_a_pdf_in_documents(tmp_path):
    from field_client import security

    data, home = tmp_path / "device", tmp_path / "home"
    home.mkdir()
    with Store.open(data) as store:
        store.set_meta(token="t", device_id="d", scope={"posyandu": [POSYANDU], "desa": []})
        security.set_pin(store, "135790")
        child, _ = seed_child(store, date.today())
    env = {
        **os.environ,
        "HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, "-c", WINDOW_SCRIPT, str(data), child.id, "135790"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    [saved] = (home / "Documents").glob("*.pdf")
    assert f"RESULT PDF tersimpan di {saved}" in proc.stdout
    assert saved.name == f"kartu-anak-Bima-Saputra-{date.today().isoformat()}.pdf"
    text = pdf_text(saved)
    assert "Bima Saputra" in text and "Kartu Menuju Sehat" in text
    assert "Sinkronisasi" not in text  # the print CSS: no menu on paper
