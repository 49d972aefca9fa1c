"""ODF/STBM: dated verification events, the timeline, progress toward the target, scope."""

from __future__ import annotations

import re

import pytest

from testkit.factories import new_id
from tests.web.conftest import csrf_token


def verification(desa: str, day: str, status: str, **over) -> dict:
    return {"id": new_id(), "desa_code": desa, "verified_on": day, "status": status, **over}


@pytest.fixture
def seeded(app, world):
    from server.extensions import db
    from server.reference import write_records

    items = [
        ("odf_verification", verification("6111012001", "2025-03-01", "odf", team="Tim A")),
        ("odf_verification", verification("6111012001", "2026-02-01", "stbm", decree="SK 12/2026")),
    ]
    with app.app_context():
        report = write_records(db.session, items)
        assert not report.rejected, report.rejected
        db.session.commit()


def status_of(html: str, desa: str) -> str:
    row = re.search(rf'<tr data-code="{desa}">(.*?)</tr>', html, re.S).group(1)
    return re.search(r'data-key="status">(.*?)<', row).group(1)


def test_status_is_the_latest_verification_and_progress_counts_it(web, seeded):
    html = web("dinas").get("/odf").text
    assert status_of(html, "6111012001") == "Desa STBM"
    assert status_of(html, "6111022001") == "Belum ODF"
    assert re.search(r'data-key="done">1<', html) and re.search(r'data-key="all">2<', html)
    assert 'data-key="target">100.0%' in html
    timeline = re.search(r'<tr data-code="6111012001">(.*?)</tr>', html, re.S).group(1)
    assert timeline.index("01/03/2025") < timeline.index("01/02/2026")
    assert "Tim A" in timeline and "SK 12/2026" in timeline


def test_target_is_configurable(app, web, seeded):
    app.config["ODF_TARGET_PCT"] = 80
    assert 'data-key="target">80.0%' in web("dinas").get("/odf").text


def test_puskesmas_b_sees_only_its_desa(web, seeded):
    html = web("pkm_b").get("/odf").text
    assert 'data-code="6111022001"' in html and 'data-code="6111012001"' not in html


def test_bidan_records_a_verification_in_its_desa(web, seeded):
    client = web("bidan_a")
    token = csrf_token(client.get("/odf").text)
    form = {"desa_code": "6111012001", "verified_on": "2026-03-01", "status": "odf"}
    response = client.post("/odf", data={**form, "team": "Tim B", "csrf_token": token})
    assert response.status_code == 303
    html = client.get("/odf").text
    # the newest event decides: ODF on 1 March 2026 after STBM on 1 February 2026
    assert "Tim B" in html and status_of(html, "6111012001") == "ODF (stop BABS)"


def test_bidan_may_not_record_outside_its_desa(web, seeded):
    client = web("bidan_a")
    token = csrf_token(client.get("/odf").text)
    form = {"desa_code": "6111022001", "verified_on": "2026-03-01", "status": "odf"}
    assert client.post("/odf", data={**form, "csrf_token": token}).status_code == 403


def test_kecamatan_may_not_record(web, seeded):
    client = web("kec_a")
    token = csrf_token(client.get("/masuk").text)
    form = {"desa_code": "6111012001", "verified_on": "2026-03-01", "status": "odf"}
    assert client.post("/odf", data={**form, "csrf_token": token}).status_code == 403


def test_future_date_is_refused(web, seeded):
    client = web("dinas")
    token = csrf_token(client.get("/odf").text)
    form = {"desa_code": "6111012001", "verified_on": "2999-01-01", "status": "odf"}
    assert client.post("/odf", data={**form, "csrf_token": token}).status_code == 422
