"""Review pages (Konflik, Lokmin, Mutu data, Evaluasi mingguan, Pengguna): scope, CSRF, writes."""

from __future__ import annotations

import datetime as dt
import html
import re

import sqlalchemy as sa

from testkit.factories import child_visit, new_id, person
from tests.web.conftest import csrf_token

XSS = "<script>alert(1)</script>"
TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()


# -- helpers ---------------------------------------------------------------------------------------
def make_conflict(device, *, name_a="Nama A", name_b="Nama B"):
    """Two devices edit the same person's name concurrently: bidan_a wins, kader_a1's is queued."""
    a, b = device("kader_a1"), device("bidan_a")
    p = person()
    a.push([a.mutation("person", p)])
    a.push([a.mutation("person", {"name": name_a}, record_id=p["id"], base_version=1)])
    b.clock_ms = a.clock_ms + 1000
    result = b.push(
        [b.mutation("person", {"name": name_b}, record_id=p["id"], base_version=1)]
    ).json()["results"][0]
    assert result["status"] == "conflict"
    return a, b, p


def conflict_ids(text: str) -> list[int]:
    return [int(x) for x in re.findall(r'id="conflict-(\d+)"', text)]


def write(app, items):
    from server.extensions import db
    from server.reference import write_records

    with app.app_context():
        report = write_records(db.session, items)
        assert not report.rejected, report.rejected
        db.session.commit()


def meeting(kec="611101", **over):
    return {
        "id": new_id(),
        "kecamatan_code": kec,
        "kind": "tribulanan_rutin",
        "year": 2026,
        "quarter": 4,
        "meeting_date": "2026-10-10",
        "status": "held",
        "chair_name": "Camat",
        "attendance": [
            {"name": "Pak Danramil", "sector": "koramil"},
            {"name": "Bu PKK", "sector": "pkk"},
            {"name": "Bu Ketua", "sector": "pkk"},
        ],
        "problems": [{"description": "D/S rendah di Sutera"}],
        **over,
    }


def agreement(m, **over):
    return {
        "id": new_id(),
        "meeting_id": m["id"],
        "kecamatan_code": m["kecamatan_code"],
        "action": "Sweeping balita tidak datang",
        "sector": "pkk",
        "pic_name": "Ketua PKK",
        "due_date": "2026-11-01",
        "status": "in_progress",
        **over,
    }


def record(app, record_id):
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        row = db.session.get(Record, record_id)
        return dict(row.fields), row.version


# -- Konflik ---------------------------------------------------------------------------------------
def test_conflict_queue_shows_both_values_and_is_scoped(web, device):
    make_conflict(device)
    page = web("pkm_a").get("/konflik")
    assert page.status_code == 200
    row = page.text.split('id="conflict-')[1].split("</tr>")[0]
    assert "Nama A" in row and "Nama B" in row and "<td>Nama</td>" in row  # field label
    assert "Siti Aminah" not in row or "Nama B" in row  # the record is named by its current name
    assert len(conflict_ids(page.text)) == 1 and 'name="choice" value="loser"' in page.text
    # who: by name and role, never a username or a device id
    assert "Kader A1 (Kader)" in row and "Bidan A (Bidan desa)" in row
    assert "kader_a1" not in page.text and "bidan_a" not in page.text and "test-" not in row
    assert conflict_ids(web("pkm_b").get("/konflik").text) == []
    # The kader sees the conflict on its own posyandu but may not resolve it.
    kader = web("kader_a1").get("/konflik").text
    assert len(conflict_ids(kader)) == 1 and 'value="loser"' not in kader
    assert conflict_ids(web("kader_b1").get("/konflik").text) == []
    assert len(conflict_ids(web("dinas").get("/konflik").text)) == 1


def test_resolve_conflict_as_puskesmas_syncs_back(app, web, device):
    a, _, p = make_conflict(device)
    client = web("pkm_a")
    page = client.get("/konflik")
    (cid,) = conflict_ids(page.text)
    refused = client.post(f"/konflik/{cid}/selesaikan", data={"choice": "loser"})
    assert refused.status_code == 400  # no CSRF token
    other = web("pkm_b")
    token_b = csrf_token(other.get("/konflik").text)
    assert (
        other.post(
            f"/konflik/{cid}/selesaikan", data={"choice": "loser", "csrf_token": token_b}
        ).status_code
        == 404
    )
    done = client.post(
        f"/konflik/{cid}/selesaikan", data={"choice": "loser", "csrf_token": csrf_token(page.text)}
    )
    assert done.status_code == 303
    fields, version = record(app, p["id"])
    assert fields["name"] == "Nama A" and version == 4
    a.pull_all()
    assert a.replica[p["id"]]["fields"]["name"] == "Nama A"
    # Resolved conflicts stay visible under "Selesai"; the open queue is empty.
    assert conflict_ids(client.get("/konflik").text) == []
    resolved = client.get("/konflik?status=resolved").text
    assert (
        conflict_ids(resolved) == [cid]
        and "Diselesaikan oleh Pkm A (Petugas puskesmas)" in resolved
    )
    assert "pkm_a" not in resolved
    again = client.post(
        f"/konflik/{cid}/selesaikan", data={"choice": "winner", "csrf_token": csrf_token(page.text)}
    )
    assert again.status_code == 409 and "sudah diselesaikan" in again.text


def test_invalid_chosen_value_is_explained_in_indonesian(app, web, device):
    from server.extensions import db
    from server.models import Conflict

    make_conflict(device)
    with app.app_context():
        conflict = db.session.execute(sa.select(Conflict)).scalar_one()
        conflict.loser_value = "x" * 1000  # longer than a name may be
        db.session.commit()
        cid = conflict.id
    client = web("pkm_a")
    token = csrf_token(client.get("/konflik").text)
    response = client.post(
        f"/konflik/{cid}/selesaikan", data={"choice": "loser", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "Nilai yang dipilih tidak valid" in response.text
    assert conflict_ids(client.get("/konflik").text) == [cid]  # still open


def test_names_are_escaped_on_the_conflict_page(web, device):
    make_conflict(device, name_a=XSS)
    text = web("pkm_a").get("/konflik").text
    assert XSS not in text and html.escape(XSS) in text


# -- Lokmin ----------------------------------------------------------------------------------------
def test_lokmin_lists_meetings_attendance_and_overdue(app, web):
    m = meeting()
    late, done = agreement(m), agreement(m, action="Sudah beres", status="done")
    future = agreement(m, action="Nanti", due_date=(TODAY + dt.timedelta(days=30)).isoformat())
    other = meeting("611102")
    write(
        app,
        [
            ("lokmin_meeting", m),
            ("lokmin_agreement", late),
            ("lokmin_agreement", done),
            ("lokmin_agreement", future),
            ("lokmin_meeting", other),
            ("lokmin_agreement", agreement(other, action="Rahasia B")),
        ],
    )
    text = web("kec_a").get("/lokmin").text
    assert "Sukadana" in text and "Triwulan 4 2026" in text
    assert "PKK 2" in text or re.search(r"PKK[^,<]* 2", text)
    assert "D/S rendah di Sutera" in text
    assert re.search(rf'id="agreement-{late["id"]}" class="overdue"', text)
    assert not re.search(rf'id="agreement-{done["id"]}" class="overdue"', text)
    assert not re.search(rf'id="agreement-{future["id"]}" class="overdue"', text)
    assert "1 kesepakatan melewati tenggat" in text
    assert "Rahasia B" not in text  # other kecamatan
    dinas = web("dinas").get("/lokmin").text
    assert "Rahasia B" in dinas and "Anda hanya dapat melihat" in dinas
    assert 'action="/lokmin/kesepakatan/' not in dinas


def test_kecamatan_creates_meeting_and_agreement_and_updates_status(app, web):
    client = web("kec_a")
    token = csrf_token(client.get("/lokmin").text)
    assert client.post("/lokmin/pertemuan", data={"kind": "tribulanan_rutin"}).status_code == 400
    created = client.post(
        "/lokmin/pertemuan",
        data={
            "csrf_token": token,
            "kecamatan_code": "611101",
            "kind": "tribulanan_rutin",
            "year": "2026",
            "quarter": "4",
            "meeting_date": "2026-10-12",
            "status": "held",
            "venue": "Aula Kecamatan",
            "attendance-0-name": "Pak Camat",
            "attendance-0-sector": "kecamatan",
            "attendance-1-name": "Bu Bidan",
            "attendance-1-sector": "puskesmas",
            "attendance-1-institution": "PKM-A",
            "problems": "Cakupan D/S rendah",
        },
    )
    assert created.status_code == 303, created.text
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        row = db.session.execute(
            sa.select(Record).where(Record.kind == "lokmin_meeting")
        ).scalar_one()
        meeting_id, fields = row.id, row.fields
    assert fields["attendance"][1] == {
        **fields["attendance"][1],
        "name": "Bu Bidan",
        "sector": "puskesmas",
        "institution": "PKM-A",
    }
    assert fields["problems"][0]["description"] == "Cakupan D/S rendah"
    page = client.get("/lokmin").text
    assert "Aula Kecamatan" in page
    assert (
        client.post(
            f"/lokmin/pertemuan/{meeting_id}/kesepakatan", data={"action": "Tanpa token"}
        ).status_code
        == 400
    )
    bad = client.post(
        f"/lokmin/pertemuan/{meeting_id}/kesepakatan",
        data={"csrf_token": token, "action": "", "due_date": "2026-13-45", "status": "planned"},
    )
    assert bad.status_code == 422
    assert "Data belum dapat disimpan" in bad.text and 'data-field="action"' in bad.text
    assert 'data-field="due_date"' in bad.text
    ok = client.post(
        f"/lokmin/pertemuan/{meeting_id}/kesepakatan",
        data={
            "csrf_token": token,
            "action": "Kelas ibu balita",
            "sector": "pkk",
            "pic_name": XSS,
            "due_date": "2026-11-01",
            "status": "planned",
        },
    )
    assert ok.status_code == 303, ok.text
    page = client.get("/lokmin").text
    (aid,) = re.findall(r'id="agreement-([0-9a-f-]{36})"', page)
    assert f'id="agreement-{aid}" class="overdue"' in page
    assert XSS not in page and html.escape(XSS) in page
    assert client.post(f"/lokmin/kesepakatan/{aid}", data={"status": "done"}).status_code == 400
    updated = client.post(
        f"/lokmin/kesepakatan/{aid}",
        data={"csrf_token": token, "status": "done", "progress_note": "Selesai 3 kelas"},
    )
    assert updated.status_code == 303
    fields, version = record(app, aid)
    assert fields["status"] == "done" and fields["progress_note"] == "Selesai 3 kelas"
    assert version == 2 and fields["action"] == "Kelas ibu balita"
    page = client.get("/lokmin").text
    assert f'id="agreement-{aid}" class="overdue"' not in page and "Selesai 3 kelas" in page
    invalid = client.post(
        f"/lokmin/kesepakatan/{aid}", data={"csrf_token": token, "status": "bogus"}
    )
    assert invalid.status_code == 422 and 'data-field="status"' in invalid.text


def test_dinas_and_other_kecamatan_may_not_write_lokmin(app, web):
    m = meeting()
    a = agreement(m)
    write(app, [("lokmin_meeting", m), ("lokmin_agreement", a)])
    dinas = web("dinas")
    token = csrf_token(dinas.get("/lokmin").text)
    assert (
        dinas.post(
            f"/lokmin/kesepakatan/{a['id']}", data={"csrf_token": token, "status": "done"}
        ).status_code
        == 403
    )
    assert (
        dinas.post(
            f"/lokmin/pertemuan/{m['id']}/kesepakatan", data={"csrf_token": token, "action": "x"}
        ).status_code
        == 403
    )
    assert (
        dinas.post(
            "/lokmin/pertemuan",
            data={
                "csrf_token": token,
                "kecamatan_code": "611101",
                "kind": "tribulanan_rutin",
                "year": "2026",
            },
        ).status_code
        == 403
    )
    pkm_b = web("pkm_b")  # reads lokmin of 611102 only: PKM-A's kecamatan is unknown to it
    token = csrf_token(pkm_b.get("/lokmin").text)
    assert (
        pkm_b.post(
            f"/lokmin/kesepakatan/{a['id']}", data={"csrf_token": token, "status": "done"}
        ).status_code
        == 404
    )
    forged = pkm_b.post(
        "/lokmin/pertemuan",
        data={
            "csrf_token": token,
            "kecamatan_code": "611101",
            "kind": "tribulanan_rutin",
            "year": "2026",
            "quarter": "4",
        },
    )
    assert forged.status_code == 403
    assert record(app, a["id"])[0]["status"] == "in_progress"
    # A puskesmas in the kecamatan may update.
    pkm_a = web("pkm_a")
    token = csrf_token(pkm_a.get("/lokmin").text)
    assert (
        pkm_a.post(
            f"/lokmin/kesepakatan/{a['id']}", data={"csrf_token": token, "status": "done"}
        ).status_code
        == 303
    )


# -- Mutu data -------------------------------------------------------------------------------------
def test_quality_page_scope_stale_implausible_and_skew(app, web, device):
    from server.extensions import db
    from server.models import Device, Record

    kader = device("kader_a1")
    kader.pull_all()
    kader_b = device("kader_b1")
    p = person(birth_date="2025-06-10")
    good = child_visit(p, visit_date=TODAY.isoformat(), weight_kg=9.0, length_cm=75.0)
    odd = child_visit(
        p, visit_date=(TODAY - dt.timedelta(days=1)).isoformat(), weight_kg=1.2, length_cm=75.0
    )
    results = kader.push(
        [
            kader.mutation("person", p),
            kader.mutation("child_visit", good),
            kader.mutation("child_visit", odd),
        ]
    ).json()["results"]
    assert all(r["status"] in ("applied", "conflict") for r in results), results
    with app.app_context():
        # a visit stored without the optional measures at all (as an older server or a bulk
        # load keeps it): the page says nothing of them, and does not fail
        stored = db.session.get(Record, odd["id"])
        stored.fields = {k: v for k, v in stored.fields.items() if k not in ("head_cm", "muac_cm")}
        db.session.get(Device, kader_b.device_id).clock_skew_ms = 9 * 60 * 1000
        healthy = db.session.get(Device, kader.device_id)
        healthy.clock_skew_ms, healthy.clock_flagged = 60_000, False  # one minute is fine
        db.session.commit()
    answer = web("pkm_a").get("/mutu-data")
    assert answer.status_code == 200, answer.text[:300]
    text = answer.text
    assert kader.device_id in text and kader_b.device_id not in text
    stale = text.split('id="stale"')[1].split('id="implausible"')[0]
    assert 'data-posyandu="PSY-A2"' in stale and 'data-posyandu="PSY-A1"' not in stale
    assert "belum pernah" in stale
    implausible = text.split('id="implausible"')[1].split('id="skew"')[0]
    assert f'data-visit="{odd["id"]}"' in implausible and good["id"] not in implausible
    # the flag in words for people (its code only in an attribute for scripts and tests)
    assert "di luar batas wajar" in implausible and ">implausible_" not in implausible
    dinas = web("dinas").get("/mutu-data").text
    skew = dinas.split('id="skew"')[1]
    assert kader_b.device_id in skew and kader.device_id not in skew
    assert "9,0" in skew and "9.0" not in skew  # minutes with a decimal comma
    assert "1,2" in implausible and "1.2" not in implausible
    assert "Lingkar kepala" not in implausible and "LiLA" not in implausible
    assert 'data-posyandu="PSY-B1"' in dinas.split('id="stale"')[1].split('id="implausible"')[0]
    b_page = web("pkm_b").get("/mutu-data").text
    assert odd["id"] not in b_page and kader.device_id not in b_page
    kader_page = web("kader_a2").get("/mutu-data").text
    assert kader.device_id not in kader_page and odd["id"] not in kader_page
    assert web("kader_a1").get("/mutu-data?days=abc").status_code == 200


# -- Evaluasi mingguan -----------------------------------------------------------------------------
def test_weekly_counts_per_puskesmas(app, web, device):
    kader = device("kader_a1")  # PSY-A1 syncs; PSY-A2 never
    kader.pull_all()
    day = TODAY.isoformat()
    p1, p2 = person(birth_date="2025-06-10"), person(birth_date="2025-05-01", sex="M")
    dead = person(birth_date="2025-01-01", died_on=day)
    mother = person(birth_date="1998-01-01", name="Ibu Hamil")
    preg = {
        "id": new_id(),
        "person_id": mother["id"],
        "posyandu_id": "PSY-A1",
        "registered_on": day,
    }
    anc = {
        "id": new_id(),
        "pregnancy_id": preg["id"],
        "person_id": mother["id"],
        "posyandu_id": "PSY-A1",
        "visit_date": day,
        "muac_cm": 21.0,
    }
    session = {"id": new_id(), "posyandu_id": "PSY-A1", "session_date": day, "opened": True}
    b_person = person("PSY-B1", desa_code="6111022001")
    write(
        app,
        [("person", x) for x in (p1, p2, dead, mother, b_person)]
        + [
            ("child_visit", child_visit(p1, visit_date=day, weight_kg=9.0, length_cm=74.0)),
            ("child_visit", child_visit(p1, visit_date=day, weight_kg=9.1, length_cm=74.0)),
            ("child_visit", child_visit(p2, visit_date=day, weight_kg=5.5, length_cm=74.0)),
            ("child_visit", child_visit(p1, visit_date="2026-01-10", weight_kg=6.0)),
            ("pregnancy", preg),
            ("anc_visit", anc),
            ("posyandu_session", session),
            ("child_visit", child_visit(b_person, visit_date=day, weight_kg=9.0, length_cm=74.0)),
        ],
    )
    week = f"{TODAY.isocalendar()[0]}-W{TODAY.isocalendar()[1]:02d}"
    text = web("dinas").get(f"/evaluasi-mingguan?week={week}").text

    def cell(unit, key, page=text):
        row = page.split(f'data-puskesmas="{unit}"')[1].split("</tr>")[0]
        return int(re.search(rf'data-key="{key}">(\d+)<', row).group(1))

    assert cell("PKM-A", "sessions") == 1 and cell("PKM-A", "weighed") == 2
    assert cell("PKM-A", "pregnancies") == 1 and cell("PKM-A", "kek") == 1
    assert cell("PKM-A", "deaths") == 1 and cell("PKM-A", "bgm") == 1
    assert cell("PKM-B", "weighed") == 1 and cell("PKM-B", "sessions") == 0
    row_a = text.split('data-puskesmas="PKM-A"')[1].split("</tr>")[0]
    assert re.search(r'data-posyandu="PSY-A1">[^<]*: <span class="good">0 hari', row_a)
    assert re.search(r'data-posyandu="PSY-A2">[^<]*: <span class="bad">belum pernah', row_a)
    scoped = web("pkm_b").get(f"/evaluasi-mingguan?week={week}").text
    assert 'data-puskesmas="PKM-A"' not in scoped and cell("PKM-B", "weighed", scoped) == 1
    other = web("dinas").get("/evaluasi-mingguan?week=2026-W02").text
    assert cell("PKM-A", "weighed", other) == 1 and cell("PKM-A", "sessions", other) == 0
    bad = web("dinas").get("/evaluasi-mingguan?week=minggu-ini")
    assert bad.status_code == 200 and "Format minggu harus" in bad.text


# -- Pengguna --------------------------------------------------------------------------------------
def test_users_page_lists_users_devices_and_revokes(web, device):
    kader = device("kader_a1")
    kader.pull_all()
    client = web("admin")
    page = client.get("/pengguna")
    assert page.status_code == 200
    assert 'data-user="kader_a1"' in page.text and "Posyandu Melati" in page.text
    assert f'data-device="{kader.device_id}"' in page.text
    url = f"/pengguna/perangkat/{kader.device_id}/cabut"
    assert client.post(url).status_code == 400  # no CSRF token
    dinas = web("dinas")
    assert (
        dinas.post(url, data={"csrf_token": csrf_token(dinas.get("/ringkasan").text)}).status_code
        == 403
    )
    assert kader.http.get(f"{kader.base}/sync/pull", timeout=10).status_code == 200
    done = client.post(url, data={"csrf_token": csrf_token(page.text)})
    assert done.status_code == 303
    assert "Dicabut" in client.get("/pengguna").text
    assert kader.http.get(f"{kader.base}/sync/pull", timeout=10).status_code == 401
    assert (
        client.post(
            "/pengguna/perangkat/nope/cabut", data={"csrf_token": csrf_token(page.text)}
        ).status_code
        == 404
    )


def test_review_pages_in_english_have_no_missing_messages(app, web, device):
    make_conflict(device)
    m = meeting()
    write(app, [("lokmin_meeting", m), ("lokmin_agreement", agreement(m))])
    for username, paths in (
        ("pkm_a", ("/konflik", "/lokmin", "/mutu-data", "/evaluasi-mingguan")),
        ("admin", ("/pengguna", "/konflik?status=all")),
    ):
        client = web(username)
        for path in paths:
            sep = "&" if "?" in path else "?"
            response = client.get(f"{path}{sep}lang=en")
            assert response.status_code == 200, path
            assert "web.review." not in response.text and "records." not in response.text, path


def test_meeting_form_errors_are_per_field_in_indonesian(web):
    client = web("pkm_a")
    token = csrf_token(client.get("/lokmin").text)
    response = client.post(
        "/lokmin/pertemuan",
        data={
            "csrf_token": token,
            "kecamatan_code": "611101",
            "kind": "rapat_bebas",
            "year": "tahun",
            "venue": "Aula <b>Puskesmas</b>",
            "attendance-0-name": "Pak Lurah",
            "attendance-0-sector": "bukan_sektor",
        },
    )
    assert response.status_code == 422
    for field in ("kind", "year", "attendance"):
        assert f'data-field="{field}"' in response.text, field
    assert "Aula &lt;b&gt;Puskesmas&lt;/b&gt;" in response.text  # the form keeps what was typed
    assert "Tahun harus berupa bilangan bulat." in response.text
    assert "Daftar hadir baris ke-1: Sektor harus salah satu dari" in response.text


def test_the_quality_page_names_users_without_their_usernames(app, web, device):
    from server.extensions import db
    from server.models import Device

    kader = device("kader_a1")
    with app.app_context():
        db.session.get(Device, kader.device_id).clock_skew_ms = 9 * 60 * 1000
        db.session.commit()
    page = web("pkm_a").get("/mutu-data").text
    devices, skew = page.split('id="devices"')[1], page.split('id="skew"')[1]
    for part in (devices.split("</table>")[0], skew.split("</table>")[0]):
        assert '<td>Kader A1 <span class="meta">(Kader)</span></td>' in part
        assert "(kader_a1" not in part  # the test device is named test-kader_a1: not a username
