"""Exports: e-PPGBM workbook, SIP Format 6, table downloads; read back with openpyxl and csv."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tests.web.test_summary import NIK_A, NIK_B, NIK_C, PERIOD, seed


@pytest.fixture
def kids(app, world):
    return seed(app)


def workbook(response):
    assert response.status_code == 200, response.text
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.get_data()), read_only=True)


def sheet_rows(book, title):
    return [list(row) for row in book[title].iter_rows(values_only=True)]


def indicator_row(app, username, period, level, code, parent=None):
    from server.auth import user_scope
    from server.extensions import db
    from server.indicators import rollup
    from server.models import User

    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
        rows = rollup.indicator_rows(
            db.session, user_scope(db.session, user), period, level, parent
        )
    return next(row for row in rows if row["code"] == code)


def test_eppgbm_workbook_for_a_posyandu(web, kids):
    book = workbook(web("pkm_a").get(f"/ekspor/eppgbm.xlsx?area=PSY-A1&period={PERIOD}"))
    assert book.sheetnames == ["Data Dasar", "Pemantauan Pertumbuhan"]
    dasar = sheet_rows(book, "Data Dasar")
    assert dasar[0][:5] == ["no_kk", "nik_anak", "nama_anak", "tanggal_lahir", "jenis_kelamin"]
    by_name = {row[2]: row for row in dasar[1:]}
    assert set(by_name) == {"Ani Lestari", "Budi Santoso"}
    assert by_name["Ani Lestari"][1] == NIK_A  # full NIK for the puskesmas
    assert (
        by_name["Ani Lestari"][3] == dt.datetime(2025, 6, 10) and by_name["Ani Lestari"][4] == "P"
    )
    assert by_name["Budi Santoso"][12] == "Posyandu Melati"
    assert by_name["Budi Santoso"][13] == "Puskesmas Sukadana"
    growth = sheet_rows(book, "Pemantauan Pertumbuhan")
    assert growth[0] == [
        "nik_anak",
        "nama_anak",
        "bulan",
        "tanggal_penimbangan",
        "berat_badan",
        "tinggi_badan",
        "lingkar_kepala",
        "lila",
        "status_bb_u",
        "status_tb_u",
        "status_bb_tb",
    ]
    rows = {row[1]: row for row in growth[1:]}
    assert set(rows) == {"Ani Lestari", "Budi Santoso"}
    assert rows["Budi Santoso"][2:6] == [PERIOD, dt.datetime(2026, 6, 12), 9.0, 79.0]
    assert rows["Budi Santoso"][9] in ("Pendek", "Sangat pendek")


def test_eppgbm_kabupaten_for_a_puskesmas_user_holds_only_its_children(web, kids):
    book = workbook(web("pkm_a").get(f"/ekspor/eppgbm.xlsx?area=6111&period={PERIOD}"))
    names = {row[2] for row in sheet_rows(book, "Data Dasar")[1:]}
    assert names == {"Ani Lestari", "Budi Santoso"}  # never PSY-B1's Citra
    assert NIK_C not in str(sheet_rows(book, "Pemantauan Pertumbuhan"))
    dinas = workbook(web("dinas").get(f"/ekspor/eppgbm.xlsx?area=6111&period={PERIOD}"))
    assert {row[2] for row in sheet_rows(dinas, "Data Dasar")[1:]} == {
        "Ani Lestari",
        "Budi Santoso",
        "Citra Dewi",
    }


@pytest.mark.parametrize("user", ["kader_a1", "kec_a"])
def test_eppgbm_masks_nik_for_kader_and_kecamatan(web, kids, user):
    book = workbook(web(user).get(f"/ekspor/eppgbm.xlsx?area=PSY-A1&period={PERIOD}"))
    text = str(sheet_rows(book, "Data Dasar")) + str(sheet_rows(book, "Pemantauan Pertumbuhan"))
    assert NIK_A not in text and NIK_B not in text and "6111********0001" in text


def test_export_parameters_are_checked(web, kids):
    client = web("pkm_a")
    for query in (
        "area=PSY-A1&period=2026-13",
        "area=PSY-A1&period=x",
        "area=../etc&period=2026-06",
        "area=&period=2026-06",
        "area=psy-a1&period=2026-06",
    ):
        assert client.get(f"/ekspor/eppgbm.xlsx?{query}").status_code == 400, query
    for query in ("area=PSY-B1", "area=PKM-B", "area=611102", "area=6111022001", "area=PSY-X9"):
        assert client.get(f"/ekspor/eppgbm.xlsx?{query}&period={PERIOD}").status_code == 404, query
    assert client.get(f"/ekspor/sip6.xlsx?posyandu=PSY-B1&period={PERIOD}").status_code == 404
    assert client.get(f"/ekspor/sip6.xlsx?posyandu=6111&period={PERIOD}").status_code == 400
    assert client.get("/ekspor/sip6.xlsx?posyandu=PSY-A1&period=26-06").status_code == 400
    assert web("kec_a").get(f"/ekspor/eppgbm.xlsx?area=PSY-B1&period={PERIOD}").status_code == 404


def test_sip6_numbers_equal_the_analytics(app, web, kids):
    book = workbook(web("pkm_a").get(f"/ekspor/sip6.xlsx?posyandu=PSY-A1&period={PERIOD}"))
    rows = sheet_rows(book, "Format 6")
    assert rows[0][0] == "FORMAT 6 SIP" and rows[1][1] == "Posyandu Melati"
    values = {row[1]: row[2] for row in rows if len(row) > 2 and row[1]}
    unit = indicator_row(app, "pkm_a", PERIOD, "posyandu", "PSY-A1", "PSY-A1")
    counts = unit["counts"]
    assert counts["S"] == 2 and counts["D"] == 2
    assert values["S: jumlah balita"] == counts["S"]
    assert values["K: balita punya KMS/Buku KIA"] == counts["K"]
    assert values["D: balita ditimbang"] == counts["D"]
    assert values["N: balita naik berat badan"] == counts["N"]
    assert values["BGM: bawah garis merah"] == counts["BGM"]
    assert values["Balita dapat vitamin A"] == unit["extra"]["vitamin_a_given"] == 1
    assert values["Campak-Rubela (MR) 1"] == unit["extra"]["immunizations"]["MR1"] == 1


def test_summary_table_downloads_as_csv_and_xlsx(app, web, kids):
    client = web("dinas")
    response = client.get(f"/ringkasan?period={PERIOD}&level=posyandu&parent=6111&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    by_code = {row[header.index("kode")]: row for row in body}
    assert set(by_code) == {"PSY-A1", "PSY-A2", "PSY-B1"}
    unit = indicator_row(app, "dinas", PERIOD, "posyandu", "PSY-A1", "6111")
    assert by_code["PSY-A1"][header.index("ds_pembilang")] == str(
        unit["indicators"]["ds"]["numerator"]
    )
    assert by_code["PSY-A1"][header.index("ds_penyebut")] == str(
        unit["indicators"]["ds"]["denominator"]
    )
    book = workbook(
        client.get(f"/ringkasan?period={PERIOD}&level=posyandu&parent=6111&format=xlsx")
    )
    sheet = [list(r) for r in book[book.sheetnames[0]].iter_rows(values_only=True)]
    start = [row[0] if row else None for row in sheet].index(
        "Tingkat"
    )  # header block for people comes first
    assert len(sheet) == start + 4  # three posyandu (tests/web/test_people_xlsx.py: the rest)
    pkm = client = web("pkm_a")
    text = pkm.get(f"/ringkasan?period={PERIOD}&level=posyandu&parent=6111&format=csv").text
    assert "PSY-B1" not in text and "PSY-A1" in text
    assert pkm.get(f"/ringkasan?period={PERIOD}&level=posyandu&format=pdf").status_code == 400


def test_exports_stream_and_leave_no_temp_file(web, kids, monkeypatch, tmp_path):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    client = web("dinas")
    response = client.get(f"/ekspor/eppgbm.xlsx?area=6111&period={PERIOD}")
    assert response.is_streamed
    body = response.get_data()
    assert int(response.headers["Content-Length"]) == len(body)
    response.close()
    assert not list(tmp_path.glob("ekspor-*"))
    csv_response = client.get(f"/ringkasan?period={PERIOD}&level=desa&format=csv")
    assert csv_response.is_streamed and csv_response.status_code == 200


def test_summary_in_english(web, kids):
    html = web("dinas").get(f"/ringkasan?period={PERIOD}&lang=en").text
    assert "Headline indicators" in html and "Community participation (D/S)" in html
    html = web("dinas").get("/ringkasan?period=2026-99&lang=en").text
    assert "Invalid month" in html


def test_eppgbm_export_of_many_children_streams_every_row(app, web, world):
    import uuid

    from server.extensions import db
    from server.models import Record

    scope = {
        "posyandu_id": "PSY-A2",
        "desa_code": "6111012001",
        "kecamatan_code": "611101",
        "puskesmas_id": "PKM-A",
    }
    with app.app_context():
        rows = []
        for i in range(1500):
            pid = str(uuid.uuid4())
            rows.append(
                Record(
                    id=pid,
                    kind="person",
                    version=1,
                    deleted=False,
                    field_meta={},
                    fields={
                        "id": pid,
                        "posyandu_id": "PSY-A2",
                        "name": f"Anak {i:04d}",
                        "sex": "MF"[i % 2],
                        "birth_date": "2025-01-15",
                        "nik": f"611101{i:010d}",
                    },
                    **scope,
                )
            )
            vid = str(uuid.uuid4())
            rows.append(
                Record(
                    id=vid,
                    kind="child_visit",
                    version=1,
                    deleted=False,
                    field_meta={},
                    person_id=pid,
                    fields={
                        "id": vid,
                        "person_id": pid,
                        "posyandu_id": "PSY-A2",
                        "visit_date": "2026-06-05",
                        "weight_kg": 9.5,
                        "categories": {"waz": "Berat badan normal"},
                    },
                    **scope,
                )
            )
        db.session.add_all(rows)
        db.session.commit()
    response = web("kec_a").get(f"/ekspor/eppgbm.xlsx?area=PSY-A2&period={PERIOD}")
    assert response.is_streamed
    book = workbook(response)
    dasar = sheet_rows(book, "Data Dasar")
    growth = sheet_rows(book, "Pemantauan Pertumbuhan")
    assert len(dasar) == 1501 and len(growth) == 1501
    assert all(
        row[1].startswith("6111") and "*" in row[1] for row in dasar[1:]
    )  # kecamatan: masked
    assert growth[1][3] == dt.datetime(2026, 6, 5) and growth[1][8] == "Berat badan normal"


def test_sip6_counts_children_given_ors_not_packets(app, web, kids):
    """Row 14a counts children with diarrhoea given ORS; the packets are a row of their own."""
    import uuid

    from server.extensions import db
    from server.reference import write_records

    session = {
        "id": str(uuid.uuid4()),
        "posyandu_id": "PSY-A1",
        "session_date": f"{PERIOD}-12",
        "opened": True,
        "diarrhoea_cases": 2,
        "diarrhoea_oralit": 1,
        "oralit_given": 6,
    }
    with app.app_context():
        assert not write_records(db.session, [("posyandu_session", session)]).rejected
        too_many = {**session, "id": str(uuid.uuid4()), "diarrhoea_oralit": 3}
        [(_, _, errors)] = write_records(db.session, [("posyandu_session", too_many)]).rejected
        assert "tidak boleh lebih dari kasus diare" in errors["diarrhoea_oralit"][0]
        db.session.commit()
    rows = sheet_rows(
        workbook(web("pkm_a").get(f"/ekspor/sip6.xlsx?posyandu=PSY-A1&period={PERIOD}")),
        "Format 6",
    )
    values = {row[0]: row[2] for row in rows if len(row) > 2 and row[0]}
    assert (values["14"], values["14a"], values["14b"]) == (2, 1, 6)
