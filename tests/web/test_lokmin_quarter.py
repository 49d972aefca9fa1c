"""Lokmin: "II", "2", "kedua", "Triwulan II" all mean the second quarter."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.web.conftest import csrf_token


@pytest.mark.parametrize(
    "text",
    ["II", "2", "kedua", "Triwulan II", "triwulan ke-2", "TW 2", "Q2", "ke-2", " ii ", "Dua"],
)
def test_second_quarter_spellings(text):
    from server.web.params import parse_quarter

    assert parse_quarter(text) == 2


def test_other_quarters_and_nonsense():
    from server.web.params import parse_quarter

    assert [parse_quarter(v) for v in ("I", "pertama", "III", "Triwulan IV", "4")] == [
        1,
        1,
        3,
        4,
        4,
    ]
    assert parse_quarter("") is None and parse_quarter(None) is None
    assert (
        parse_quarter("V") == "V" and parse_quarter("kelima") == "kelima"
    )  # the validator says no


def test_meeting_form_accepts_triwulan_ii(app, web):
    from server.extensions import db
    from server.models import Record

    client = web("kec_a")
    token = csrf_token(client.get("/lokmin").text)
    created = client.post(
        "/lokmin/pertemuan",
        data={
            "csrf_token": token,
            "kecamatan_code": "611101",
            "kind": "tribulanan_rutin",
            "year": "2026",
            "quarter": "Triwulan II",
            "meeting_date": "2026-05-12",
            "status": "held",
        },
    )
    assert created.status_code == 303, created.text
    with app.app_context():
        row = db.session.execute(
            sa.select(Record).where(Record.kind == "lokmin_meeting")
        ).scalar_one()
        assert row.fields["quarter"] == 2
    refused = client.post(
        "/lokmin/pertemuan",
        data={
            "csrf_token": token,
            "kecamatan_code": "611101",
            "kind": "tribulanan_rutin",
            "year": "2026",
            "quarter": "kelima",
            "meeting_date": "2026-05-12",
        },
    )
    assert refused.status_code == 422  # the form again, with the error on the field
