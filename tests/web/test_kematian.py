"""Kematian: death cases by group, rates by hand at the kabupaten only, reconciliation with reports."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from server.signals.deaths import death_groups, rate
from server.web.kematian import window_rates
from shared.calendar import add_months
from testkit.factories import new_id, person

TODAY = dt.date.today()


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def period(offset: int = 0) -> str:
    year, month = add_months((TODAY.year, TODAY.month), offset)
    return f"{year:04d}-{month:02d}"


def desa_report(desa: str, month: str, **counts) -> dict:
    return {"id": new_id(), "desa_code": desa, "period": month, **counts}


# -- arithmetic -----------------------------------------------------------------------------------


def test_rates_by_hand():
    cases = [
        {"groups": ["maternal"]},
        {"groups": ["neonatal", "infant", "under5"]},
        {"groups": ["infant", "under5"]},
        {"groups": ["under5"]},
    ]
    got = window_rates(cases, [{"births_live": 200}, {"births_live": 100}, {}])
    assert got["live_births"] == 300
    assert got["deaths"] == {"maternal": 1, "neonatal": 1, "infant": 2, "under5": 3}
    # 1 × 100,000 / 300 = 333.33; 2 × 1,000 / 300 = 6.67; 1 × 1,000 / 300 = 3.33
    assert got["rates"] == {"maternal": 333.3, "infant": 6.7, "neonatal": 3.3}


def test_no_rate_without_live_births():
    assert rate(1, 0, "maternal") is None


@pytest.mark.parametrize(
    ("born", "died", "groups"),
    [
        ("2026-01-01", "2026-01-29", ["neonatal", "infant", "under5"]),
        ("2026-01-01", "2026-01-30", ["infant", "under5"]),
        ("2025-01-01", "2025-12-31", ["infant", "under5"]),
        ("2025-01-01", "2026-01-01", ["under5"]),
        ("2021-01-01", "2026-01-01", []),
    ],
)
def test_child_death_groups_nest(born, died, groups):
    assert death_groups({"sex": "M", "birth_date": born, "died_on": died}, []) == groups


@pytest.mark.parametrize(
    ("pregnancy", "maternal"),
    [
        ({"lmp_date": "2026-01-01", "status": "active"}, True),
        ({"lmp_date": "2026-01-01", "status": "delivered", "delivery_date": "2026-05-01"}, True),
        ({"lmp_date": "2025-05-01", "status": "delivered", "delivery_date": "2026-03-01"}, True),
        ({"lmp_date": "2025-05-01", "status": "delivered", "delivery_date": "2026-02-28"}, False),
        ({"lmp_date": "2026-05-01", "status": "active"}, False),
        ({"lmp_date": "2025-01-01", "status": "ended", "outcome": "maternal_death"}, True),
    ],
)
def test_maternal_means_in_pregnancy_or_42_days_after(pregnancy, maternal):
    woman = {"sex": "F", "birth_date": "1995-01-01", "died_on": "2026-04-12"}
    assert ("maternal" in death_groups(woman, [pregnancy])) is maternal


# -- the page -------------------------------------------------------------------------------------


@pytest.fixture
def seeded(app, world):
    from server.extensions import db
    from server.reference import write_records

    today = TODAY.isoformat()
    mother = person("PSY-A1", name="Ibu Wafat", sex="F", birth_date="1994-03-03", died_on=today)
    preg = {
        "id": new_id(),
        "person_id": mother["id"],
        "posyandu_id": "PSY-A1",
        "registered_on": ago(60),
        "lmp_date": ago(100),
        "status": "active",
    }
    neonate = person("PSY-A1", name="Bayi Satu", birth_date=ago(10), died_on=today)
    infant = person("PSY-A2", name="Bayi Dua", birth_date=ago(200), died_on=today)
    child = person(
        "PSY-B1", desa_code="6111022001", name="Anak Tiga", birth_date=ago(1000), died_on=today
    )
    adult = person("PSY-A1", name="Pak Tua", sex="M", birth_date="1950-01-01", died_on=today)
    reports = [
        desa_report(
            "6111012001",
            period(),
            births_live=200,
            deaths_maternal=1,
            deaths_neonatal=1,
            deaths_infant=3,
            deaths_under5=3,
        ),
        desa_report("6111022001", period(), births_live=100, deaths_under5=0),
        desa_report("6111022001", period(-12), births_live=1000, deaths_maternal=2),
    ]
    items = [("person", p) for p in (mother, neonate, infant, child, adult)]
    items += [("pregnancy", preg)] + [("desa_report", r) for r in reports]
    with app.app_context():
        report = write_records(db.session, items)
        assert not report.rejected, report.rejected
        db.session.commit()


def value(html: str, window: str, key: str) -> str:
    card = re.search(rf'data-window="{window}">(.*?)</section>', html, re.S).group(1)
    return re.search(rf'data-key="{key}">(.*?)<', card).group(1)


@pytest.mark.parametrize("window", ["ytd", "rolling"])
def test_dinas_sees_counts_births_and_rates(web, seeded, window):
    html = web("dinas").get("/kematian").text
    expected = {"maternal": "1", "neonatal": "1", "infant": "2", "under5": "3"}
    for key, count in expected.items():
        assert value(html, window, key) == count, key
    assert value(html, window, "live_births") == "300"
    assert (value(html, window, "aki"), value(html, window, "akb")) == ("333.3", "6.7")
    assert value(html, window, "akn") == "3.3"


def test_reconciliation_shows_the_difference(web, seeded):
    html = web("dinas").get("/kematian").text
    row = re.search(r'<tr data-code="6111012001">(.*?)</tr>', html, re.S).group(1)
    diff = dict(re.findall(r'data-key="(\w+)-difference">(-?\d+)<', row))
    assert diff == {"maternal": "0", "neonatal": "0", "infant": "1", "under5": "1"}
    row = re.search(r'<tr data-code="6111022001">(.*?)</tr>', html, re.S).group(1)
    diff = dict(re.findall(r'data-key="(\w+)-difference">(-?\d+)<', row))
    assert diff["under5"] == "-1"


@pytest.mark.parametrize("user", ["kec_a", "pkm_a", "kader_a1"])
def test_rates_only_at_the_kabupaten(web, seeded, user):
    html = web(user).get("/kematian").text
    assert 'data-key="aki"' not in html and 'class="rates"' not in html


def test_names_for_puskesmas_not_for_dinas(web, seeded):
    assert "Bayi Satu" in web("pkm_a").get("/kematian").text
    html = web("dinas").get("/kematian").text
    assert "Bayi Satu" not in html and "Ibu Wafat" not in html
    assert "Pak Tua" not in html


def test_scope_limits_the_cases(web, seeded):
    html = web("pkm_b").get("/kematian").text
    assert value(html, "ytd", "under5") == "1"
    assert value(html, "ytd", "maternal") == "0"


# -- review status --------------------------------------------------------------------------------


def case_id(app, name: str) -> str:
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import Record

    with app.app_context():
        rows = db.session.execute(sa.select(Record).where(Record.kind == "person")).scalars()
        return next(r.id for r in rows if r.fields["name"] == name)


def review_post(client, person_id: str, **form):
    from tests.web.conftest import csrf_token

    token = csrf_token(client.get("/kematian").text)
    return client.post(f"/kematian/{person_id}/kajian", data={**form, "csrf_token": token})


def review_status(html: str, person_id: str) -> str:
    row = re.search(rf'<tr data-id="{person_id}">(.*?)</tr>', html, re.S).group(1)
    return re.search(r'class="review" data-status="(\w+)"', row).group(1)


def test_a_case_is_notified_then_reviewed_with_its_follow_up(app, web, seeded):
    pkm = web("pkm_a")
    baby = case_id(app, "Bayi Satu")
    assert review_status(pkm.get("/kematian").text, baby) == "none"
    assert review_post(pkm, baby, notified_on=TODAY.isoformat()).status_code == 303
    assert review_status(pkm.get("/kematian").text, baby) == "notified"
    response = review_post(pkm, baby, reviewed_on=TODAY.isoformat(), follow_up="Kelas ibu")
    assert response.status_code == 303
    html = web("dinas").get("/kematian").text
    assert review_status(html, baby) == "reviewed" and "Kelas ibu" in html


def test_review_is_scoped(app, web, seeded):
    baby = case_id(app, "Bayi Satu")
    assert review_post(web("pkm_b"), baby, notified_on=TODAY.isoformat()).status_code == 404
    assert review_post(web("kec_a"), baby, notified_on=TODAY.isoformat()).status_code == 403
