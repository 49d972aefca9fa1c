"""Ringkasan, Tren and Anak pages: numbers from server.indicators.rollup, scope, NIK masking."""

from __future__ import annotations

import json
import re

import pytest

from testkit.factories import child_visit, person

PERIOD = "2026-06"
NIK_A = "6111015006250001"
NIK_B = "6111010101240002"
NIK_C = "6111025507250003"


def seed(app) -> dict:
    """Write three children (two in PSY-A1, one in PSY-B1) and their visits; return their ids."""
    from server.extensions import db
    from server.reference import write_records

    ani = person("PSY-A1", name="Ani Lestari", sex="F", birth_date="2025-06-10", nik=NIK_A)
    budi = person(
        "PSY-A1",
        name="Budi Santoso",
        sex="M",
        birth_date="2024-01-05",
        nik=NIK_B,
        mother_name="Rina",
    )
    citra = person(
        "PSY-B1",
        desa_code="6111022001",
        name="Citra Dewi",
        sex="F",
        birth_date="2025-07-15",
        nik=NIK_C,
    )
    visits = [
        child_visit(ani, visit_date="2026-05-10", weight_kg=8.0, length_cm=68.0),
        child_visit(
            ani,
            visit_date="2026-06-10",
            weight_kg=8.6,
            length_cm=70.0,
            vitamin_a="red",
            immunizations=["MR1"],
        ),
        child_visit(
            budi, visit_date="2026-05-12", weight_kg=9.1, length_cm=78.0, position="standing"
        ),
        child_visit(
            budi, visit_date="2026-06-12", weight_kg=9.0, length_cm=79.0, position="standing"
        ),
        child_visit(citra, visit_date="2026-06-15", weight_kg=7.5, length_cm=66.0),
    ]
    with app.app_context():
        report = write_records(
            db.session,
            [("person", p) for p in (ani, budi, citra)] + [("child_visit", v) for v in visits],
        )
        assert not report.rejected, report.rejected
        db.session.commit()
    return {"ani": ani["id"], "budi": budi["id"], "citra": citra["id"]}


@pytest.fixture
def kids(app, world):
    return seed(app)


def chart_data(html: str, block: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{block}">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


# -- Anak -----------------------------------------------------------------------------------------


def test_child_page_shows_visits_statuses_and_chart(web, kids):
    page = web("pkm_a").get(f"/anak/{kids['budi']}")
    assert page.status_code == 200
    html = page.text
    assert "Budi Santoso" in html and "12/06/2026" in html and "12/05/2026" in html
    assert NIK_B in html  # puskesmas users see the full NIK
    assert "Pendek" in html or "Sangat pendek" in html  # Permenkes PB/U category
    assert "vendor/chart.umd.min.js" in html and "cdn" not in html.lower()
    data = chart_data(html, "growth-data")
    assert len(data["weight"]["curves"]) == 7 and len(data["weight"]["points"]) == 2
    assert [p["y"] for p in data["weight"]["points"]] == [9.1, 9.0]
    assert data["length"]["points"][-1]["y"] == 79.0


def test_child_page_masks_nik_for_kader_and_kecamatan(web, kids):
    for user in ("kader_a1", "kec_a"):
        html = web(user).get(f"/anak/{kids['ani']}").text
        assert "Ani Lestari" in html and NIK_A not in html and "6111********0001" in html


def test_child_outside_scope_is_404(web, kids):
    assert web("pkm_a").get(f"/anak/{kids['citra']}").status_code == 404
    assert web("kader_a1").get(f"/anak/{kids['citra']}").status_code == 404
    assert web("kec_a").get(f"/anak/{kids['citra']}").status_code == 404
    assert web("pkm_b").get(f"/anak/{kids['citra']}").status_code == 200
    assert web("dinas").get("/anak/not-a-uuid").status_code == 404
    assert web("dinas").get("/anak/00000000-0000-0000-0000-000000000000").status_code == 404


# -- Ringkasan ------------------------------------------------------------------------------------


def analytics_rows(app, username, period, level, parent=None):
    from server.auth import user_scope
    from server.extensions import db
    from server.indicators import rollup
    from server.models import User

    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
        return rollup.indicator_rows(
            db.session, user_scope(db.session, user), period, level, parent
        )


def unit_cells(html: str) -> dict[str, dict[str, str]]:
    """Return {code: {indicator key: "(n/d)"}} of the units table."""
    out = {}
    for code, body in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', html, re.S):
        out[code] = {
            key: re.search(r"\((\d+/\d+)\)", cell).group(1)
            for key, cell in re.findall(r'data-key="(\w+)">(.*?)</td>', body, re.S)
        }
    return out


def test_default_summary_is_last_month_at_the_users_top_level(web, kids):
    html = web("dinas").get("/ringkasan").text
    assert 'data-code="6111"' in html and "Kayong Utara" in html
    html = web("pkm_a").get("/ringkasan").text
    assert 'data-code="PKM-A"' in html and 'data-code="PKM-B"' not in html


@pytest.mark.parametrize(
    ("level", "parent", "next_level"),
    [
        ("kabupaten", None, "kecamatan"),
        ("kecamatan", "6111", "puskesmas"),
        ("puskesmas", "611101", "desa"),
        ("desa", "PKM-A", "posyandu"),
        ("posyandu", "6111012001", None),
    ],
)
def test_summary_numbers_equal_the_analytics_at_every_level(
    app, web, kids, level, parent, next_level
):
    query = f"/ringkasan?period={PERIOD}&level={level}" + (f"&parent={parent}" if parent else "")
    html = web("dinas").get(query).text
    cells = unit_cells(html)
    rows = analytics_rows(app, "dinas", PERIOD, level, parent)
    assert set(cells) == {row["code"] for row in rows}
    for row in rows:
        for key in (
            "ds",
            "ks",
            "nd",
            "bgm",
            "two_t",
            "stunting",
            "wasting",
            "underweight",
            "vitamin_a",
            "kek",
        ):
            item = row["indicators"][key]
            assert cells[row["code"]][key] == f"{item['numerator']}/{item['denominator']}"
        link = (
            f"level={next_level}&amp;parent={row['code']}"
            if next_level
            else f"posyandu={row['code']}"
        )
        assert link in html
    if parent is None:
        assert 'data-key="reporting"' in html


def test_headline_cards_equal_the_parent_unit(app, web, kids):
    html = web("dinas").get(f"/ringkasan?period={PERIOD}&level=puskesmas&parent=611101").text
    unit = analytics_rows(app, "dinas", PERIOD, "kecamatan", "611101")[0]
    headline = html.split('id="headline"')[1].split("</div>\n\n")[0]
    for key in ("ds", "nd", "ks", "stunting", "underweight"):
        item = unit["indicators"][key]
        card = re.search(rf'data-key="{key}">(.*?)</section>', headline, re.S).group(1)
        assert f"({item['numerator']}/{item['denominator']})" in card, key
    assert unit["indicators"]["ds"] == {"numerator": 2, "denominator": 2}
    assert "Campak-Rubela (MR) 1: <strong>1</strong>" in headline  # the antigen's name


def test_posyandu_children_list_masks_nik_and_links_to_the_child(web, kids):
    html = web("dinas").get(f"/ringkasan?period={PERIOD}&posyandu=PSY-A1").text
    assert "Ani Lestari" in html and "Budi Santoso" in html and "Citra" not in html
    assert NIK_A not in html and NIK_B not in html and "6111********0001" in html
    assert f"/anak/{kids['ani']}" in html
    assert "/ekspor/eppgbm.xlsx?area=PSY-A1" in html and "/ekspor/sip6.xlsx?posyandu=PSY-A1" in html
    response = web("dinas").get(f"/ringkasan?period={PERIOD}&posyandu=PSY-A1&format=csv")
    text = response.get_data(as_text=True)
    assert "Ani Lestari" in text and NIK_A not in text


def test_puskesmas_user_never_sees_the_other_puskesmas(web, kids):
    client = web("pkm_a")
    html = client.get(f"/ringkasan?period={PERIOD}&level=posyandu&parent=6111").text
    assert "PSY-B1" not in html and "Anggrek" not in html and "PSY-A1" in html
    for query in (
        "posyandu=PSY-B1",
        "level=posyandu&parent=6111022001",
        "level=desa&parent=PKM-B",
        "level=puskesmas&parent=611102",
    ):
        assert client.get(f"/ringkasan?period={PERIOD}&{query}").status_code == 404, query
    html = client.get(f"/ringkasan?period={PERIOD}&posyandu=PSY-A1").text
    assert kids["citra"] not in html
    assert client.get(f"/tren?code=PSY-B1&period={PERIOD}").status_code == 404


def test_summary_parameters_are_checked(web, kids):
    client = web("dinas")
    for query in (
        "period=2026-00",
        "period=abc",
        "level=provinsi",
        "level=kecamatan&parent=..%2F",
        "level=kabupaten&parent=611101",
        "format=pdf",
        "posyandu=PSY_A1",
    ):
        assert client.get(f"/ringkasan?{query}").status_code == 400, query
    assert client.get("/ringkasan?level=kecamatan&parent=9999").status_code == 404


# -- Tren -----------------------------------------------------------------------------------------


def test_trend_has_twelve_months_from_the_analytics(app, web, kids):
    from server.auth import user_scope
    from server.extensions import db
    from server.indicators import rollup
    from server.models import User

    html = web("dinas").get(f"/tren?code=611101&period={PERIOD}").text
    data = chart_data(html, "trend-data")
    assert len(data["periods"]) == 12 and data["periods"][-1] == PERIOD
    assert "vendor/chart.umd.min.js" in html
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="dinas")).scalar_one()
        months = rollup.trend(
            db.session, user_scope(db.session, user), "kecamatan", "611101", PERIOD
        )
    ds = [m["indicators"]["ds"] for m in months]
    expected = [
        round(100 * d["numerator"] / d["denominator"], 1) if d["denominator"] else None for d in ds
    ]
    assert data["charts"][0]["series"][0]["values"] == expected
    assert expected[-1] == 100.0
    balok = data["charts"][1]["series"]
    assert [s["label"] for s in balok] == ["S", "K", "D", "N"]
    assert [s["values"][-1] for s in balok] == [months[-1]["counts"][k] for k in "SKDN"]
    assert data["charts"][2]["series"][0]["values"][-1] == round(
        100
        * months[-1]["indicators"]["stunting"]["numerator"]
        / months[-1]["indicators"]["stunting"]["denominator"],
        1,
    )
    stunting = months[-1]["indicators"]["stunting"]
    assert f"({stunting['numerator']}/{stunting['denominator']})" in html
    csv_text = (
        web("dinas").get(f"/tren?code=611101&period={PERIOD}&format=csv").get_data(as_text=True)
    )
    assert csv_text.lstrip("\ufeff").splitlines()[-1].startswith(f"{PERIOD},2,2,")


def test_trend_defaults_to_the_users_unit(web, kids):
    assert "Puskesmas Sukadana" in web("pkm_a").get("/tren").text
    assert "Kayong Utara" in web("dinas").get("/tren").text
    assert web("dinas").get("/tren?code=PSY-A1&level=desa").status_code == 400


def test_each_role_gets_its_own_top_level(web, kids):
    html = web("kec_a").get(f"/ringkasan?period={PERIOD}").text
    assert 'data-code="611101"' in html and 'data-code="611102"' not in html
    html = web("kec_a").get(f"/ringkasan?period={PERIOD}&level=posyandu&parent=6111").text
    assert 'data-code="PSY-A1"' in html and "PSY-B1" not in html
    html = web("kader_a1").get(f"/ringkasan?period={PERIOD}").text
    assert 'data-code="PSY-A1"' in html and 'data-code="PSY-A2"' not in html
    assert "posyandu=PSY-A1" in html
    html = web("bidan_a").get(f"/ringkasan?period={PERIOD}").text
    assert 'data-code="6111012001"' in html
    html = web("kader_a1").get(f"/ringkasan?period={PERIOD}&posyandu=PSY-A1").text
    assert "Ani Lestari" in html and NIK_A not in html


def test_areas_open_where_the_user_reads_records(web, kids):
    """Scope.can_read_area: an area opens when it holds records the user may read."""
    kader = web("kader_a1")  # PSY-A2 shares the puskesmas and desa, not the records
    for path in (
        f"/ringkasan?period={PERIOD}&posyandu=PSY-A2",
        f"/tren?code=PSY-A2&period={PERIOD}",
        f"/ekspor/eppgbm.xlsx?area=PSY-A2&period={PERIOD}",
    ):
        assert kader.get(path).status_code == 404, path
    for parent in ("6111012001", "611101", "PKM-A"):  # the areas above the kader's posyandu
        query = f"/ringkasan?period={PERIOD}&level=posyandu&parent={parent}"
        html = kader.get(query).text
        assert 'data-code="PSY-A1"' in html and 'data-code="PSY-A2"' not in html, parent
    # A kecamatan user drills down through the puskesmas of the kecamatan (was a 404).
    html = web("kec_a").get(f"/ringkasan?period={PERIOD}&level=desa&parent=PKM-A").text
    assert 'data-code="6111012001"' in html
    assert (
        web("kec_a").get(f"/ringkasan?period={PERIOD}&level=desa&parent=PKM-B").status_code == 404
    )
    # The bidan's "up" link from the desa's posyandu leads to the desa's puskesmas (was a 404).
    bidan = web("bidan_a")
    html = bidan.get(f"/ringkasan?period={PERIOD}&level=posyandu&parent=6111012001").text
    up = re.search(r'href="(/ringkasan\?[^"]*level=desa[^"]*)"', html).group(1)
    assert "parent=PKM-A" in up
    page = bidan.get(up.replace("&amp;", "&"))
    assert page.status_code == 200 and 'data-code="6111012001"' in page.text


def test_a_visits_age_is_the_age_on_its_visit_date(app, web, kids):
    """Ani (born 10/06/2025) was weighed on 10/06/2026: 11 completed months that day, 12 at the
    month's end. The child table and the Anak page show the age at the visit, like the device."""
    from server.extensions import db
    from server.reference import write_records

    dinas = web("dinas")
    html = dinas.get(f"/ringkasan?period={PERIOD}&posyandu=PSY-A1").text
    row = re.search(rf'<a href="/anak/{kids["ani"]}">.*?</tr>', html, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', row)[0] == "11"
    text = dinas.get(f"/ringkasan?period={PERIOD}&posyandu=PSY-A1&format=csv").text
    line = next(line for line in text.splitlines() if "Ani Lestari" in line)
    assert line.split(",")[5] == "11"
    html = dinas.get(f"/anak/{kids['ani']}").text
    ages = re.findall(r'<td class="num">(\d+|–)</td>', html.split('id="visits"')[1])
    assert ages[:2] == ["10", "11"]  # 10/05/2026 and 10/06/2026
    # A child with no visit yet: the age at the end of the month.
    newborn = person("PSY-A1", name="Dedi Baru", sex="M", birth_date="2026-04-01")
    with app.app_context():
        assert not write_records(db.session, [("person", newborn)]).rejected
        db.session.commit()
    html = dinas.get(f"/ringkasan?period={PERIOD}&posyandu=PSY-A1").text
    row = re.search(rf'<a href="/anak/{newborn["id"]}">.*?</tr>', html, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', row)[0] == "2"  # 30/06/2026: 90 days
