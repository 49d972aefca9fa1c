"""KIA page: trimester, K1/K4/K6, alerts, due soon and PF counted independently; names by role."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from testkit.factories import new_id, person

TODAY = dt.date.today()


def day(offset: int) -> str:
    """Return the ISO date ``offset`` days from today."""
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def pregnancy(mother: dict, **over) -> dict:
    fields = {
        "id": new_id(),
        "person_id": mother["id"],
        "posyandu_id": mother["posyandu_id"],
        "registered_on": day(-20),
        "status": "active",
    }
    return {**fields, **over}


def anc(preg: dict, offset: int, **over) -> dict:
    fields = {
        "id": new_id(),
        "pregnancy_id": preg["id"],
        "person_id": preg["person_id"],
        "posyandu_id": preg["posyandu_id"],
        "visit_date": day(offset),
    }
    return {**fields, **over}


def mothers() -> list[dict]:
    return [
        person("PSY-A1", name=f"Ibu A1-{i}", sex="F", birth_date="1995-01-01") for i in range(4)
    ] + [
        person("PSY-B1", desa_code="6111022001", name="Ibu Bravo", sex="F", birth_date="1996-01-01")
    ]


def world_records() -> tuple[list[tuple[str, dict]], dict]:
    """Five pregnancies; return the records and the expected figures counted by hand."""
    m = mothers()
    # A1-0: trimester 1 (HPHT 40 days ago), 1 ANC with KEK (LiLA 22)
    p0 = pregnancy(m[0], lmp_date=day(-40))
    # A1-1: trimester 3 (HPHT 260 days ago: due in 20 days), 4 ANC, the last hypertensive
    p1 = pregnancy(m[1], lmp_date=day(-260), registered_on=day(-30))
    # A1-2: trimester 2 (HPHT 150 days ago), 6 ANC, anaemia (Hb 10)
    p2 = pregnancy(m[2], lmp_date=day(-150), registered_on=day(-25))
    # A1-3: delivered at a facility 5 days ago (not a bumil any more), 2 ANC
    p3 = pregnancy(
        m[3],
        lmp_date=day(-280),
        registered_on=day(-26),
        status="delivered",
        delivery_date=day(-5),
        delivery_place="facility",
        delivery_attendant="nakes",
        outcome="live_birth",
    )
    # B1: active, no HPHT, no ANC
    p4 = pregnancy(m[4])
    visits = [anc(p0, -10, muac_cm=22.0)]
    visits += [anc(p1, -24 + i, systolic_bp=120, diastolic_bp=80) for i in range(3)]
    visits += [anc(p1, -2, systolic_bp=150, diastolic_bp=95)]
    visits += [anc(p2, -20 + i, hb_g_dl=10.0 if i == 5 else 12.0) for i in range(6)]
    visits += [anc(p3, -20 + i) for i in range(2)]
    items = [("person", x) for x in m] + [("pregnancy", p) for p in (p0, p1, p2, p3, p4)]
    items += [("anc_visit", v) for v in visits]
    # registrations all fall in this year only when today is late enough in the year
    same_year = (TODAY - dt.timedelta(days=30)).year == TODAY.year
    expected_total = {
        "bumil": 4,
        "t1": 1,
        "t2": 1,
        "t3": 1,
        "t0": 1,
        "sasaran": 5 if same_year else None,
        "k1": "4/5",
        "k4": "2/5",
        "k6": "1/5",
        "kek": 1,
        "anaemia": 1,
        "hypertension": 1,
        "high_risk": 3,
        "due_30": 1,
        "deliveries": 1 if (TODAY - dt.timedelta(days=5)).year == TODAY.year else 0,
        "pf": "1/1",
    }
    return items, {"total": expected_total, "pregnancies": (p0, p1, p2, p3, p4), "mothers": m}


@pytest.fixture
def seeded(app, world):
    from server.extensions import db
    from server.reference import write_records

    items, expected = world_records()
    with app.app_context():
        report = write_records(db.session, items)
        assert not report.rejected, report.rejected
        db.session.commit()
    return expected


def cell(html: str, code: str, key: str) -> str:
    """Return the text of one cell of the KIA table (row ``code``, column ``key``)."""
    row = re.search(rf'<tr data-code="{re.escape(code)}">(.*?)</tr>', html, re.S).group(1)
    text = re.search(rf'data-key="{key}">(.*?)</td>', row, re.S).group(1)
    return re.sub(r"<[^>]+>", "", text).strip()


def test_kabupaten_totals_match_a_hand_count(web, seeded):
    html = web("dinas").get("/kia").text
    for key, value in seeded["total"].items():
        if value is None:
            continue
        got = cell(html, "total", key)
        if isinstance(value, str):
            assert f"({value})" in got, (key, got)
        else:
            assert got == str(value), (key, got)


def test_units_split_by_kecamatan(web, seeded):
    html = web("dinas").get("/kia").text
    assert cell(html, "611101", "bumil") == "3"
    assert cell(html, "611102", "bumil") == "1"
    assert cell(html, "611102", "t0") == "1"


def test_drill_down_to_posyandu(web, seeded):
    html = web("dinas").get("/kia?level=posyandu&parent=611101").text
    assert cell(html, "PSY-A1", "kek") == "1"
    assert 'data-code="PSY-B1"' not in html


@pytest.mark.parametrize("user", ["dinas", "kec_a"])
def test_no_names_for_roles_without_persons(web, seeded, user):
    html = web(user).get("/kia").text
    assert "Ibu A1" not in html and "Ibu Bravo" not in html


def test_puskesmas_sees_its_high_risk_and_due_names(web, seeded):
    html = web("pkm_a").get("/kia").text
    high = re.search(r'id="list-high_risk">(.*?)</table>', html, re.S).group(1)
    assert {"Ibu A1-0", "Ibu A1-1", "Ibu A1-2"} == set(re.findall(r"Ibu [A-Za-z0-9-]+", high))
    due = re.search(r'id="list-due">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r"Ibu [A-Za-z0-9-]+", due) == ["Ibu A1-1"]
    assert "Ibu Bravo" not in html


def test_kader_sees_only_its_posyandu(web, seeded):
    html = web("kader_b1").get("/kia").text
    assert cell(html, "total", "bumil") == "1"
    assert "Ibu A1" not in html


def test_other_area_is_404(web, seeded):
    assert web("pkm_a").get("/kia?level=posyandu&parent=PKM-B").status_code == 404


def test_kabupaten_as_row_level_is_400(web, seeded):
    assert web("dinas").get("/kia?level=kabupaten").status_code == 400
