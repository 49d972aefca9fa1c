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


def test_overdue_filter_shows_only_agreements_past_their_deadline(app, web):
    import datetime as dt

    from tests.web.test_review import TODAY, agreement, meeting, write

    m, calm = meeting(), meeting()
    late = agreement(m, action="Terlambat sekali")
    done = agreement(m, action="Sudah beres", status="done")
    future = agreement(m, action="Nanti saja", due_date=(TODAY + dt.timedelta(days=30)).isoformat())
    write(
        app,
        [
            ("lokmin_meeting", m),
            ("lokmin_meeting", calm),
            ("lokmin_agreement", late),
            ("lokmin_agreement", done),
            ("lokmin_agreement", future),
            ("lokmin_agreement", agreement(calm, action="Tepat waktu", status="done")),
        ],
    )
    client = web("kec_a")
    everything = client.get("/lokmin").text
    assert "Nanti saja" in everything and "Tepat waktu" in everything
    assert "Hanya yang melewati tenggat" in everything
    text = client.get("/lokmin?tenggat=lewat").text
    assert "Terlambat sekali" in text
    assert "Nanti saja" not in text and "Sudah beres" not in text and "Tepat waktu" not in text
    assert "Tampilkan semua" in text
    csv_text = client.get("/lokmin?tenggat=lewat&format=csv&table=agreements").text
    assert "Terlambat sekali" in csv_text and "Nanti saja" not in csv_text
