"""Lokmin meeting form as rows (attendance with a sector picker, agreements, each sector's plan),
edit and delete with an audit trail, the printable report and its XLSX (opened with openpyxl)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import sqlalchemy as sa

from shared.calendar import local_today
from tests.web.conftest import csrf_token

PAGU = "611101"


def meeting_form(token: str, **over) -> dict:
    """The Tribulan II lokmin of the issue: four people, two agreements, two sector plans."""
    data = {
        "csrf_token": token,
        "kecamatan_code": PAGU,
        "kind": "tribulanan_rutin",
        "year": "2026",
        "quarter": "Triwulan II",
        "meeting_date": "2026-05-12",
        "status": "held",
        "venue": "Aula Kecamatan",
        "chair_name": "Camat Pagu",
        "agenda": "Evaluasi D/S dan stunting",
        "problems": "D/S turun di Desa Sutera\nBalita tidak datang",
        "attendance-0-name": "Kapten Inf. Suyanto",
        "attendance-0-position": "Danramil",
        "attendance-0-sector": "koramil",
        "attendance-1-name": "AKP Budi",
        "attendance-1-position": "Kapolsek",
        "attendance-1-sector": "polsek",
        "attendance-2-name": "Drs. Hasan",
        "attendance-2-position": "Camat",
        "attendance-2-sector": "kecamatan",
        "attendance-3-name": "dr. Rina",
        "attendance-3-position": "Kepala Puskesmas",
        "attendance-3-sector": "puskesmas",
        "attendance-3-institution": "Puskesmas Pagu",
        "agreement-0-action": "Babinsa ikut sweeping balita tidak datang",
        "agreement-0-sector": "koramil",
        "agreement-0-pic_name": "Kapten Inf. Suyanto",
        "agreement-0-due_date": "2026-06-30",
        "agreement-0-budget_source": "swadaya",
        "agreement-0-status": "planned",
        "agreement-1-action": "Penyuluhan gizi di tiap desa",
        "agreement-1-sector": "puskesmas",
        "agreement-1-pic_name": "dr. Rina",
        "agreement-1-due_date": "2026-07-31",
        "agreement-1-status": "planned",
        "plan-0-sector": "koramil",
        "plan-0-activity": "Pendampingan posyandu oleh Babinsa",
        "plan-0-target": "12 posyandu",
        "plan-0-month": "2026-07",
        "plan-0-budget_source": "swadaya",
        "plan-1-sector": "puskesmas",
        "plan-1-activity": "PMT pemulihan balita gizi kurang",
        "plan-1-target": "30 balita",
        "plan-1-month": "2026-08",
        "plan-1-budget_source": "bok",
    }
    data.update(over)
    return data


def records_of(app, kind: str, deleted: bool = False):
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        return list(
            db.session.execute(
                sa.select(Record).where(Record.kind == kind, Record.deleted.is_(deleted))
            ).scalars()
        )


def audit_rows(app):
    from server.extensions import db
    from server.web.lokmin.models import LokminAudit

    with app.app_context():
        return list(db.session.execute(sa.select(LokminAudit).order_by(LokminAudit.id)).scalars())


def create_meeting(client, **over) -> str:
    token = csrf_token(client.get("/lokmin").text)
    response = client.post("/lokmin/pertemuan", data=meeting_form(token, **over))
    assert response.status_code == 303, response.text
    return response.headers["Location"].split("/lokmin/pertemuan/")[1].split("?")[0]


def test_one_form_saves_attendance_plans_and_agreements(app, web):
    client = web("kec_a")
    meeting_id = create_meeting(client)
    (meeting,) = records_of(app, "lokmin_meeting")
    assert meeting.id == meeting_id
    assert meeting.fields["quarter"] == 2
    assert [(a["name"], a["sector"]) for a in meeting.fields["attendance"]] == [
        ("Kapten Inf. Suyanto", "koramil"),
        ("AKP Budi", "polsek"),
        ("Drs. Hasan", "kecamatan"),
        ("dr. Rina", "puskesmas"),
    ]
    assert meeting.fields["attendance"][3]["institution"] == "Puskesmas Pagu"
    assert [(p["sector"], p["month"], p["budget_source"]) for p in meeting.fields["plans"]] == [
        ("koramil", "2026-07", "swadaya"),
        ("puskesmas", "2026-08", "bok"),
    ]
    assert [p["description"] for p in meeting.fields["problems"]] == [
        "D/S turun di Desa Sutera",
        "Balita tidak datang",
    ]
    agreements = records_of(app, "lokmin_agreement")
    assert sorted(a.fields["action"] for a in agreements) == [
        "Babinsa ikut sweeping balita tidak datang",
        "Penyuluhan gizi di tiap desa",
    ]
    assert {a.fields["meeting_id"] for a in agreements} == {meeting_id}
    audit = audit_rows(app)
    assert sorted((a.kind, a.action, a.actor) for a in audit) == [
        ("lokmin_agreement", "create", "kec_a"),
        ("lokmin_agreement", "create", "kec_a"),
        ("lokmin_meeting", "create", "kec_a"),
    ]


def test_add_row_posts_back_with_one_more_row_and_saves_nothing(app, web):
    client = web("kec_a")
    token = csrf_token(client.get("/lokmin").text)
    page = client.post("/lokmin/pertemuan", data=meeting_form(token, tambah="attendance"))
    assert page.status_code == 200
    assert 'value="dr. Rina"' in page.text  # what was typed comes back
    assert 'name="attendance-4-name"' in page.text and 'name="attendance-5-name"' not in page.text
    assert 'role="alert"' not in page.text
    assert records_of(app, "lokmin_meeting") == []


def test_bad_rows_come_back_with_indonesian_errors_and_nothing_written(app, web):
    client = web("kec_a")
    token = csrf_token(client.get("/lokmin").text)
    data = meeting_form(token)
    data["attendance-1-sector"] = "bukan-sektor"
    data["agreement-1-due_date"] = "31/31/2026"
    data["plan-1-activity"] = ""
    response = client.post("/lokmin/pertemuan", data=data)
    assert response.status_code == 422
    text = response.text
    assert "Daftar hadir baris ke-2" in text and "Sektor" in text
    assert "Tenggat" in text
    assert "baris ke-2: Kegiatan wajib diisi" in text
    assert 'value="AKP Budi"' in text  # the form as typed
    assert records_of(app, "lokmin_meeting") == [] and records_of(app, "lokmin_agreement") == []
    assert audit_rows(app) == []


def test_edit_changes_rows_and_agreements_and_the_audit_says_what_changed(app, web):
    client = web("kec_a")
    meeting_id = create_meeting(client)
    form_page = client.get(f"/lokmin/pertemuan/{meeting_id}/ubah")
    assert form_page.status_code == 200
    assert 'value="Kapten Inf. Suyanto"' in form_page.text
    agreements = {a.fields["action"]: a.id for a in records_of(app, "lokmin_agreement")}
    sweep = agreements["Babinsa ikut sweeping balita tidak datang"]
    gizi = agreements["Penyuluhan gizi di tiap desa"]
    token = csrf_token(form_page.text)
    data = meeting_form(token, venue="Balai Desa Sutera")
    del data["kecamatan_code"]
    # agreement rows of the edit form: the two stored ones (first changed, second removed), one new
    data.update(
        {
            "agreement-0-id": sweep,
            "agreement-0-due_date": "2026-07-15",
            "agreement-0-progress_note": "Sudah 3 desa",
            "agreement-1-id": gizi,
            "agreement-1-hapus": "1",
            "agreement-2-action": "Kelas ibu balita",
            "agreement-2-sector": "pkk",
            "agreement-2-status": "planned",
        }
    )
    response = client.post(f"/lokmin/pertemuan/{meeting_id}/ubah", data=data)
    assert response.status_code == 303, response.text
    (meeting,) = records_of(app, "lokmin_meeting")
    assert meeting.fields["venue"] == "Balai Desa Sutera"
    live = {a.fields["action"]: a.fields for a in records_of(app, "lokmin_agreement")}
    assert set(live) == {"Babinsa ikut sweeping balita tidak datang", "Kelas ibu balita"}
    assert live["Babinsa ikut sweeping balita tidak datang"]["due_date"] == "2026-07-15"
    assert [a.id for a in records_of(app, "lokmin_agreement", deleted=True)] == [gizi]
    audit = audit_rows(app)[3:]
    changes = {(a.kind, a.action, a.record_id): a.changes for a in audit}
    assert changes[("lokmin_meeting", "update", meeting_id)] == {
        "venue": ["Aula Kecamatan", "Balai Desa Sutera"]
    }
    assert changes[("lokmin_agreement", "update", sweep)] == {
        "due_date": ["2026-06-30", "2026-07-15"],
        "progress_note": [None, "Sudah 3 desa"],
    }
    assert ("lokmin_agreement", "delete", gizi) in changes
    assert all(a.actor == "kec_a" for a in audit)
    report = client.get(f"/lokmin/pertemuan/{meeting_id}").text
    assert "Tenggat: 30/06/2026 → 15/07/2026" in report
    assert "Tempat: Aula Kecamatan → Balai Desa Sutera" in report


def test_delete_meeting_removes_it_and_its_agreements_and_keeps_the_history(app, web):
    client = web("kec_a")
    meeting_id = create_meeting(client)
    token = csrf_token(client.get(f"/lokmin/pertemuan/{meeting_id}/ubah").text)
    response = client.post(f"/lokmin/pertemuan/{meeting_id}/hapus", data={"csrf_token": token})
    assert response.status_code == 303
    assert records_of(app, "lokmin_meeting") == [] and records_of(app, "lokmin_agreement") == []
    assert len(records_of(app, "lokmin_meeting", deleted=True)) == 1
    assert len(records_of(app, "lokmin_agreement", deleted=True)) == 2
    deletes = [(a.kind, a.actor) for a in audit_rows(app) if a.action == "delete"]
    assert sorted(deletes) == [
        ("lokmin_agreement", "kec_a"),
        ("lokmin_agreement", "kec_a"),
        ("lokmin_meeting", "kec_a"),
    ]
    page = client.get("/lokmin?dihapus=1").text
    assert "Pertemuan dihapus." in page
    assert "Pertemuan dihapus" in page and "Kec A (Tim kecamatan) · Pertemuan dihapus" in page
    assert "kec_a" not in page  # who changed it, by name
    assert client.get(f"/lokmin/pertemuan/{meeting_id}").status_code == 404


def test_report_page_shows_plans_beside_agreements_per_sector(app, web):
    client = web("kec_a")
    meeting_id = create_meeting(client)
    text = client.get(f"/lokmin/pertemuan/{meeting_id}").text
    assert "Laporan Lokakarya Mini Lintas Sektor" in text
    assert "12/05/2026" in text and "2026-05-12" not in text
    assert "Triwulan 2 2026" in text
    koramil = text.split('data-sector="koramil"')[1].split('data-sector="')[0]
    assert "Pendampingan posyandu oleh Babinsa" in koramil
    assert "Babinsa ikut sweeping balita tidak datang" in koramil
    assert "07/2026" in koramil and "Swadaya masyarakat" in koramil
    assert "@media print" in text


def test_report_xlsx_opens_with_typed_cells(app, web):
    client = web("kec_a")
    meeting_id = create_meeting(client)
    response = client.get(f"/lokmin/pertemuan/{meeting_id}?format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "Pertemuan",
        "Daftar hadir",
        "Kesepakatan RTL",
        "Rencana sektor",
        "Riwayat",
        "Keterangan",
    ]
    sheet = book["Pertemuan"]
    assert sheet["A1"].value == "Laporan lokakarya mini lintas sektor"
    assert sheet["A2"].value == "Wilayah" and sheet["B3"].value == "Triwulan 2 2026"
    header = [c.value for c in sheet[7]]
    assert header[4] == "Tanggal pertemuan" and header[3] == "Triwulan (1–4)"
    row = [c.value for c in sheet[8]]
    assert row[4] == dt.datetime(2026, 5, 12) and sheet.cell(8, 5).number_format == "DD/MM/YYYY"
    assert row[10] == 4 and row[13] == 2
    assert sheet.freeze_panes == "A8" and sheet.auto_filter.ref.startswith("A7:")
    attendance = book["Daftar hadir"]
    assert attendance.cell(7, 2).value == "Nama"
    names = [attendance.cell(r, 2).value for r in range(8, 12)]
    assert names == ["Kapten Inf. Suyanto", "AKP Budi", "Drs. Hasan", "dr. Rina"]
    assert attendance.cell(8, 4).value == "Koramil"
    agreements = book["Kesepakatan RTL"]
    dues = sorted(agreements.cell(r, 8).value for r in (8, 9))
    assert dues == [dt.datetime(2026, 6, 30), dt.datetime(2026, 7, 31)]
    plans = book["Rencana sektor"]
    assert plans.cell(8, 4).value == dt.datetime(2026, 7, 1)
    assert plans.cell(8, 5).value == "Swadaya masyarakat"


def test_list_xlsx_is_for_people(app, web):
    client = web("kec_a")
    create_meeting(client)
    response = client.get("/lokmin?format=xlsx&table=agreements")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Kesepakatan RTL", "Keterangan"]
    sheet = book["Kesepakatan RTL"]
    assert sheet["A2"].value == "Wilayah" and sheet["A4"].value == "Waktu ekspor"
    header = [c.value for c in sheet[6]]
    assert "Tenggat" in header and "Hari terlambat (hari)" in header
    due = header.index("Tenggat") + 1
    assert isinstance(sheet.cell(7, due).value, dt.datetime)
    late = header.index("Hari terlambat (hari)") + 1
    meetings = client.get("/lokmin?format=xlsx&table=meetings")
    msheet = openpyxl.load_workbook(io.BytesIO(meetings.data))["Pertemuan"]
    assert [c.value for c in msheet[6]][10] == "Jumlah hadir (orang)"
    assert msheet.cell(7, 11).value == 4
    today = local_today()  # the server's today (WIB by default), not the machine's UTC date
    for r in range(7, sheet.max_row + 1):
        value = sheet.cell(r, due).value
        if value is not None and value.date() < today - dt.timedelta(days=1):
            assert (
                sheet.cell(r, late).value == (today - value.date()).days
                or sheet.cell(r, late).value == (today - value.date()).days - 1
            )


@pytest.mark.parametrize("role", ["pkm_a"])
def test_puskesmas_of_the_kecamatan_can_edit_too(app, web, role):
    meeting_id = create_meeting(web("kec_a"))
    client = web(role)
    assert client.get(f"/lokmin/pertemuan/{meeting_id}/ubah").status_code == 200


def test_signed_ticks_are_kept_through_an_edit(app, web):
    client = web("kec_a")
    meeting_id = create_meeting(client, **{"attendance-1-signed": "1"})
    (meeting,) = records_of(app, "lokmin_meeting")
    assert [a["signed"] for a in meeting.fields["attendance"]] == [False, True, False, False]
    form = client.get(f"/lokmin/pertemuan/{meeting_id}/ubah").text
    assert 'name="attendance-1-signed" value="1" checked' in form
    assert 'name="attendance-0-signed" value="1" checked' not in form
    ids = {a.fields["action"]: a.id for a in records_of(app, "lokmin_agreement")}
    data = meeting_form(
        csrf_token(form), **{"attendance-1-signed": "1", "attendance-3-signed": "1"}
    )
    data["agreement-0-id"] = ids[data["agreement-0-action"]]
    data["agreement-1-id"] = ids[data["agreement-1-action"]]
    assert client.post(f"/lokmin/pertemuan/{meeting_id}/ubah", data=data).status_code == 303
    (meeting,) = records_of(app, "lokmin_meeting")
    assert [a["signed"] for a in meeting.fields["attendance"]] == [False, True, False, True]
    assert len(records_of(app, "lokmin_agreement")) == 2  # the same two, not two more
