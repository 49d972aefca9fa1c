"""Downloads of the review pages (``?format=csv|xlsx``): same rows as the page, same scope."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from testkit.factories import child_visit, new_id, person
from tests.web.test_review import agreement, conflict_ids, make_conflict, meeting, write

TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
WEEK = f"{TODAY.isocalendar()[0]}-W{TODAY.isocalendar()[1]:02d}"


# -- helpers ---------------------------------------------------------------------------------------
def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    if values and sum(v is not None for v in values[0]) == 1 and len(values) > 1:
        # A workbook for people: title, header block and a blank line above the table.
        values = values[next(i for i, row in enumerate(values) if not any(row)) + 1 :]
    rows = [[_text(v) for v in row] for row in values]
    width = max((len(row) for row in rows), default=0)  # empty trailing cells are not stored
    return [row + [""] * (width - len(row)) for row in rows]


def _text(value) -> str:
    """Return a cell as text; dates and times in one spelling (see ``same``)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def table(client, url: str, words: dict[int, dict[str, str]] | None = None) -> list[list[str]]:
    """Download ``url`` as CSV and as XLSX; both must hold the same table; return it (the CSV).

    ``words``: columns where the CSV keeps a code and the XLSX (for people) has its words.
    """
    sep = "&" if "?" in url else "?"
    as_csv = client.get(f"{url}{sep}format=csv")
    as_xlsx = client.get(f"{url}{sep}format=xlsx")
    assert "attachment" in as_csv.headers["Content-Disposition"]
    assert as_xlsx.headers["Content-Disposition"].endswith('.xlsx"')
    rows = read_csv(as_csv)
    spoken = [
        [(words or {}).get(i, {}).get(v, v) if n else v for i, v in enumerate(row)]
        for n, row in enumerate(rows)
    ]
    assert [[same(v) for v in row] for row in read_xlsx(as_xlsx)] == [
        [same(v) for v in row] for row in spoken
    ]
    return rows


def same(value: str) -> str:
    """Compare numbers by value (XLSX reads 75.0 back as 75), dates and times as ISO (the CSV
    writes what the page shows, dd/mm/yyyy [HH:MM WIB]; the workbook has typed cells)."""
    value = re.sub(r" \((WIB|WITA|WIT)\)$", "", value)  # a time column's header names the zone
    if match := re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})( \d{2}:\d{2})?( WIB| WITA| WIT)?", value):
        d, m, y, time, _ = match.groups()
        return f"{y}-{m}-{d}{time or ''}"
    try:
        number = float(value)
    except ValueError:
        return value
    return str(int(number)) if number.is_integer() else str(number)


def section(text: str, start: str, end: str | None = None) -> str:
    part = text.split(f'id="{start}"')[1]
    return part.split(f'id="{end}"')[0] if end else part


def cells(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(row) for row in rows)


# -- Konflik ---------------------------------------------------------------------------------------
def test_conflicts_download_matches_page_and_scope(web, device):
    make_conflict(device)
    client = web("pkm_a")
    page = client.get("/konflik").text
    assert re.search(r'href="/konflik\?format=csv&amp;status=open"', page)
    assert "format=xlsx&amp;status=open" in page and "Unduh:" in page
    rows = table(client, "/konflik")
    assert rows[0][:5] == ["Data", "Jenis", "Isian", "Nilai berlaku", "Nilai berlaku: oleh"]
    assert len(rows) - 1 == len(conflict_ids(page)) == 1
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Isian"] == "Nama" and line["Status"] == "Terbuka"
    assert {line["Nilai berlaku"], line["Nilai lain"]} == {"Nama A", "Nama B"}
    assert "Bidan A" in line["Nilai berlaku: oleh"]
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} WIB", line["Tercatat"]), line["Tercatat"]
    # The status filter is kept: nothing resolved yet.
    assert len(table(client, "/konflik?status=resolved")) == 1
    assert len(table(client, "/konflik?status=all")) == 2
    # pkm_b sees none of PKM-A's conflicts, in either format.
    other = table(web("pkm_b"), "/konflik?status=all")
    assert len(other) == 1 and "Nama A" not in cells(other) and "Nama B" not in cells(other)
    assert len(table(web("dinas"), "/konflik")) == 2
    english = read_csv(client.get("/konflik?format=csv&lang=en"))
    assert english[0][:3] == ["Record", "Type", "Field"]


# -- Mutu data -------------------------------------------------------------------------------------
def test_quality_downloads_match_page_and_scope(app, web, device):
    from server.extensions import db
    from server.models import Device

    kader = device("kader_a1")
    kader.pull_all()
    kader_b = device("kader_b1")
    p = person(birth_date="2025-06-10", name="Anak Ganjil")
    odd = child_visit(p, visit_date=TODAY.isoformat(), weight_kg=1.2, length_cm=75.0)
    kader.push([kader.mutation("person", p), kader.mutation("child_visit", odd)])
    with app.app_context():
        db.session.get(Device, kader_b.device_id).clock_skew_ms = 9 * 60 * 1000
        db.session.get(Device, kader.device_id).clock_skew_ms = 6 * 60 * 1000  # in pkm_a's scope
        db.session.commit()

    client = web("pkm_a")
    page = client.get("/mutu-data?days=30").text
    for name in ("devices", "stale", "implausible", "skew"):
        link = re.search(rf'href="(/mutu-data\?[^"]*format=csv[^"]*table={name}[^"]*)"', page)
        assert link and "days=30" in link.group(1), name
    devices = table(client, "/mutu-data?table=devices")
    assert devices[0] == [
        "Pengguna",
        "Nama pengguna",
        "Peran",
        "Perangkat",
        "ID perangkat",
        "Kirim terakhir",
        "Ambil terakhir",
        "Dicabut",
    ]
    shown = set(re.findall(r'data-device="([^"]+)"', section(page, "devices", "stale")))
    assert {r[4] for r in devices[1:]} == shown and kader.device_id in shown
    assert table(client, "/mutu-data") == devices  # the first table by default
    stale = table(client, "/mutu-data?table=stale&days=30")
    assert stale[0][0] == "Kode"
    assert (
        [r[0] for r in stale[1:]]
        == re.findall(r'data-posyandu="([^"]+)"', section(page, "stale", "implausible"))
        == ["PSY-A2"]
    )
    assert stale[1][3] == "belum pernah" and stale[1][4] == ""
    implausible = table(client, "/mutu-data?table=implausible")
    assert len(implausible) == 2 and implausible[1][0] == "Anak Ganjil"
    flags = implausible[0].index("Tanda")
    assert implausible[1][3] == "1.2" and "di luar batas wajar" in implausible[1][flags]
    assert odd["id"] in section(page, "implausible", "skew")
    dinas = web("dinas")
    skew = table(dinas, "/mutu-data?table=skew")
    assert skew[0][-2:] == ["Selisih (menit)", "Ditandai"]
    shown = re.findall(r'data-device="([^"]+)"', section(dinas.get("/mutu-data").text, "skew"))
    assert [r[3] for r in skew[1:]] == shown and kader_b.device_id in shown
    assert [r[4] for r in skew[1:] if r[3] == kader_b.device_id] == ["9.0"]

    # pkm_b: nothing of PKM-A in any table.
    other = web("pkm_b")
    for name in ("devices", "stale", "implausible", "skew"):
        text = cells(table(other, f"/mutu-data?table={name}"))
        assert kader.device_id not in text and "kader_a1" not in text, name
        assert "PSY-A" not in text and "Anak Ganjil" not in text and "Melati" not in text, name
    assert kader_b.device_id in cells(table(other, "/mutu-data?table=devices"))
    assert client.get("/mutu-data?table=nope&format=csv").status_code == 400


# -- Lokmin ----------------------------------------------------------------------------------------
def test_lokmin_downloads_match_page_and_scope(app, web):
    m_a, m_b = meeting(), meeting("611102", chair_name="Camat B")
    write(
        app,
        [
            ("lokmin_meeting", m_a),
            ("lokmin_meeting", m_b),
            ("lokmin_agreement", agreement(m_a, due_date="2020-01-01")),
            ("lokmin_agreement", agreement(m_b, action="Rencana kecamatan B")),
        ],
    )
    client = web("pkm_a")
    page = client.get("/lokmin").text
    assert "Unduh pertemuan:" in page and "Unduh kesepakatan:" in page
    meetings = table(client, "/lokmin?table=meetings")
    assert meetings[0][0] == "Kecamatan" and "Kehadiran per sektor (orang)" in meetings[0]
    assert len(meetings) - 1 == len(re.findall(r'id="meeting-', page)) == 1
    line = dict(zip(meetings[0], meetings[1], strict=True))
    assert line["Kecamatan"] == "Sukadana" and line["Kode kecamatan"] == "611101"
    assert line["Jumlah kesepakatan (butir)"] == "1" and line["Pimpinan rapat"] == "Camat"
    assert re.fullmatch(r"[^,]+ 2, [^,]+ 1", line["Kehadiran per sektor (orang)"])
    assert "D/S rendah di Sutera" in line["Masalah prioritas"]
    agreements = table(client, "/lokmin?table=agreements")
    assert len(agreements) - 1 == len(re.findall(r'id="agreement-', page)) == 1
    row = dict(zip(agreements[0], agreements[1], strict=True))
    assert row["Melewati tenggat (Ya/Tidak)"] == "Ya" and "Sweeping" in cells(agreements)
    assert "Rencana kecamatan B" not in cells(agreements) and "Camat B" not in cells(meetings)
    assert len(table(web("dinas"), "/lokmin?table=agreements")) == 3


# -- Evaluasi mingguan -----------------------------------------------------------------------------
def test_weekly_download_matches_page_and_scope(app, web):
    day = TODAY.isoformat()
    p1, b_person = person(birth_date="2025-06-10"), person("PSY-B1", desa_code="6111022001")
    write(
        app,
        [
            ("person", p1),
            ("person", b_person),
            ("child_visit", child_visit(p1, visit_date=day, weight_kg=9.0, length_cm=74.0)),
            ("child_visit", child_visit(b_person, visit_date=day, weight_kg=9.0)),
            (
                "posyandu_session",
                {"id": new_id(), "posyandu_id": "PSY-A1", "session_date": day, "opened": True},
            ),
        ],
    )
    client = web("dinas")
    page = client.get(f"/evaluasi-mingguan?week={WEEK}").text
    assert f"format=csv&amp;week={WEEK}" in page
    rows = table(client, f"/evaluasi-mingguan?week={WEEK}")
    assert rows[0][:3] == ["Kode", "Puskesmas", "Posyandu buka"]
    by_unit = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_unit) == {"PKM-A", "PKM-B", ""}
    for unit in ("PKM-A", "PKM-B"):
        row = page.split(f'data-puskesmas="{unit}"')[1].split("</tr>")[0]
        for key, column in (("sessions", "Posyandu buka"), ("weighed", "Anak ditimbang")):
            shown = re.search(rf'data-key="{key}">(\d+)<', row).group(1)
            assert by_unit[unit][column] == shown, (unit, key)
    assert by_unit["PKM-A"]["Posyandu buka"] == "1" and by_unit[""]["Anak ditimbang"] == "2"
    assert "Posyandu Mawar: belum pernah" in by_unit["PKM-A"][rows[0][-1]]
    response = client.get(f"/evaluasi-mingguan?week={WEEK}&format=csv")
    assert f"evaluasi-mingguan-{WEEK}.csv" in response.headers["Content-Disposition"]
    scoped = table(web("pkm_b"), f"/evaluasi-mingguan?week={WEEK}")
    assert [r[0] for r in scoped[1:]] == ["PKM-B", ""] and "PSY-A" not in cells(scoped)
    assert "Melati" not in cells(scoped)
    old = table(client, "/evaluasi-mingguan?week=2026-W02")
    assert old[-1][2:9] == ["0"] * 7
    bad = client.get("/evaluasi-mingguan?week=minggu-ini&format=csv")
    assert bad.status_code == 400 and "Format minggu harus" in bad.text


# -- Pengguna --------------------------------------------------------------------------------------
def test_users_downloads_for_admin_only(web, device):
    kader = device("kader_a1")
    admin = web("admin")
    page = admin.get("/pengguna").text
    roles = {"kader": "Kader", "bidan_desa": "Bidan desa", "puskesmas": "Petugas puskesmas"}
    roles |= {"kecamatan": "Tim kecamatan", "dinas": "Dinas kesehatan", "admin": "Administrator"}
    users = table(admin, "/pengguna?table=users", {2: roles})
    assert users[0] == ["Nama pengguna", "Nama", "Peran", "Unit", "Nama unit", "Aktif"]
    assert [r[0] for r in users[1:]] == re.findall(r'data-user="([^"]+)"', page)
    assert ["kader_a1", "Kader A1", "kader", "PSY-A1", "Posyandu Melati", "Ya"] in users
    devices = table(admin, "/pengguna?table=devices")
    assert (
        [r[1] for r in devices[1:]]
        == re.findall(r'data-device="([^"]+)"', section(page, "devices", "facilities"))
        == [kader.device_id]
    )
    kinds = {"dinkes": "Dinas kesehatan", "puskesmas": "Puskesmas", "posyandu": "Posyandu"}
    kinds |= {"pustu": "Puskesmas pembantu (pustu)", "poskesdes": "Poskesdes"}
    facilities = table(admin, "/pengguna?table=facilities", {2: kinds})
    assert ["PSY-A1", "Posyandu Melati", "posyandu", "Puskesmas Sukadana", "PKM-A"] in facilities
    for username in ("dinas", "pkm_a", "kader_a1"):
        for fmt in ("csv", "xlsx"):
            assert web(username).get(f"/pengguna?table=users&format={fmt}").status_code == 403


# -- bad parameters --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/konflik", "/mutu-data", "/lokmin", "/evaluasi-mingguan", "/pengguna"]
)
def test_bad_format_is_a_400_page_in_indonesian(web, path):
    client = web("admin")
    for fmt in ("pdf", "CSV", "xls"):
        response = client.get(f"{path}?format={fmt}")
        assert response.status_code == 400, (path, fmt)
        assert "Format unduhan harus csv atau xlsx." in response.text
        assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert client.get(f"{path}?format=").status_code == 200  # empty: the page itself
