"""GET /api/v1/indicators: shape, validation, scope, and the same numbers as server.indicators.rollup."""

from __future__ import annotations

import pytest
import requests
import sqlalchemy as sa

from server.auth import user_scope
from server.extensions import db
from server.indicators import rollup
from server.models import User
from testkit import factories


@pytest.fixture
def pushed(device):
    """One weighed child in PSY-A1 and one in PSY-B1 (October 2026), each its first weighing."""
    for username, posyandu, desa in (
        ("kader_a1", "PSY-A1", "6111012001"),
        ("kader_b1", "PSY-B1", "6111022001"),
    ):
        kader = device(username)
        child = factories.person(posyandu, desa_code=desa, birth_date="2025-06-10")
        visit = factories.child_visit(child, visit_date="2026-10-10")
        response = kader.push(
            [kader.mutation("person", child), kader.mutation("child_visit", visit)]
        )
        assert response.status_code == 200
        assert {r["status"] for r in response.json()["results"]} == {"applied"}
    return device


def _get(dev, **params):
    return dev.http.get(f"{dev.base}/indicators", params=params, timeout=30)


def test_kabupaten_row(pushed):
    body = _get(pushed("dinas"), period="2026-10", level="kabupaten").json()
    assert body["period"] == "2026-10" and body["level"] == "kabupaten" and body["parent"] is None
    (row,) = body["rows"]
    assert row["code"] == "6111" and row["name"] == "Kayong Utara"
    assert row["counts"]["S"] == 2 and row["counts"]["D"] == 2 and row["counts"]["B"] == 2
    assert row["indicators"]["ds"] == {"numerator": 2, "denominator": 2}
    assert row["reporting"] == {"numerator": 0, "denominator": 3}
    assert set(row) >= {"indicators", "counts", "extra", "posyandu_strata", "odf_desa"}


def test_drill_down_and_parent(pushed):
    dinas = pushed("dinas")
    rows = _get(dinas, period="2026-10", level="posyandu", parent="6111012001").json()["rows"]
    assert [r["code"] for r in rows] == ["PSY-A2", "PSY-A1"]  # by name: Mawar, Melati
    assert [r["counts"]["D"] for r in rows] == [0, 1]
    rows = _get(dinas, period="2026-10", level="puskesmas", parent="611102").json()["rows"]
    assert [r["code"] for r in rows] == ["PKM-B"]


def test_same_numbers_as_analytics(app, pushed):
    body = _get(pushed("dinas"), period="2026-10", level="desa").json()
    with app.app_context():
        user = db.session.execute(sa.select(User).where(User.username == "dinas")).scalar_one()
        expected = rollup.indicator_rows(
            db.session, user_scope(db.session, user), "2026-10", "desa"
        )
    assert body["rows"] == expected


def test_scope(pushed):
    rows = _get(pushed("pkm_a"), period="2026-10", level="posyandu").json()["rows"]
    assert {r["code"] for r in rows} == {"PSY-A1", "PSY-A2"}
    (kab,) = _get(pushed("pkm_a"), period="2026-10", level="kabupaten").json()["rows"]
    assert kab["counts"]["D"] == 1  # PSY-B1's child is not counted
    assert (
        _get(pushed("pkm_a"), period="2026-10", level="posyandu", parent="PKM-B").json()["rows"]
        == []
    )
    rows = _get(pushed("kec_a"), period="2026-10", level="kecamatan").json()["rows"]
    assert [r["code"] for r in rows] == ["611101"]


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2026-13", "level": "desa"},
        {"period": "oktober", "level": "desa"},
        {"period": "2026-10", "level": "provinsi"},
        {"level": "desa"},
        {"period": "2026-10"},
        {"period": "2026-10", "level": "desa", "parent": "nowhere"},
    ],
)
def test_validation(pushed, params):
    response = _get(pushed("dinas"), **params)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "validation_error"


def test_needs_token(server, world):
    response = requests.get(
        f"{server.url}/api/v1/indicators", params={"period": "2026-10", "level": "desa"}, timeout=30
    )
    assert response.status_code == 401


def test_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/indicators"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"period", "level", "parent"}
    assert "200" in operation["responses"]
