"""Rekonsiliasi (issue #16): the paper register's counts beside the app's, per posyandu-month,
entered by the puskesmas, read by the dinas; bad counts refused in Indonesian, nothing written."""

from __future__ import annotations

from testkit.factories import child_visit, person

from .conftest import csrf_token
from .test_review import write

PERIOD = "2026-10"


def seed(app):
    """Two children at PSY-A1, both weighed in October (one twice): app S 2, K 2, D 2, 3 weighings."""
    a, b = person(birth_date="2025-06-10"), person(birth_date="2025-03-01", sex="M")
    write(
        app,
        [("person", a), ("person", b)]
        + [
            ("child_visit", child_visit(a, visit_date="2026-10-08", weight_kg=9.0)),
            ("child_visit", child_visit(a, visit_date="2026-10-20", weight_kg=9.2)),
            ("child_visit", child_visit(b, visit_date="2026-10-08", weight_kg=10.0)),
            ("child_visit", child_visit(b, visit_date="2026-09-08", weight_kg=9.8)),
        ],
    )


def enter(client, posyandu: str, **counts):
    page = client.get(f"/rekonsiliasi?period={PERIOD}").text
    return client.post(
        f"/rekonsiliasi/{posyandu}/{PERIOD}",
        data={**{k: str(v) for k, v in counts.items()}, "csrf_token": csrf_token(page)},
    )


def cell(page: str, posyandu: str, key: str) -> str:
    row = page.split(f'<tr data-posyandu="{posyandu}">')[1].split("</tr>")[0]
    return row.split(f'data-key="{key}">')[1].split("</td>")[0]


def test_paper_counts_sit_beside_the_app_with_the_gap(app, web):
    seed(app)
    pkm = web("pkm_a")
    answer = enter(pkm, "PSY-A1", s=3, k=3, d=2, n=1, weighings=2)
    assert answer.status_code == 303
    page = pkm.get(answer.headers["Location"]).text
    assert "Angka register disimpan." in page
    assert "Rekonsiliasi register kertas dan aplikasi — Oktober 2026" in page
    s = cell(page, "PSY-A1", "s")
    assert "<span data-app>2</span>" in s and "<span data-paper>3</span>" in s
    assert "<span data-gap>-1</span>" in s and "(-33,3 %)" in s
    weighings = cell(page, "PSY-A1", "weighings")
    assert "<span data-app>3</span>" in weighings and "<span data-paper>2</span>" in weighings
    assert "<span data-gap>+1</span>" in weighings and "(50,0 %)" in weighings
    assert "<span data-gap>+0</span>" in cell(page, "PSY-A1", "d")
    assert "belum diisi" in cell(page, "PSY-A2", "s")
    assert "Diisi oleh Pkm A (Petugas puskesmas)" in page
    units = page.split('id="reconcile-units"')[1].split("</table>")[0]
    assert "Puskesmas Sukadana" in units and "3 / 2 / <span data-gap>+1</span>" in units
    trend = page.split('id="reconcile-trend"')[1].split("</table>")[0]
    october = trend.split("Oktober 2026")[1].split("</tr>")[0]
    assert "2 / 2 / <span data-gap>+0</span>" in october  # D app / paper / gap
    assert "September 2026" in trend

    dinas = web("dinas").get(f"/rekonsiliasi?period={PERIOD}").text
    assert "<span data-paper>3</span>" in cell(dinas, "PSY-A1", "s")
    assert "Isi angka register" not in dinas  # the dinas reads, the puskesmas enters


def test_counts_are_entered_only_by_the_posyandu_s_puskesmas(app, web):
    seed(app)
    refused = enter(web("pkm_b"), "PSY-A1", s=3, k=3, d=2, n=1, weighings=2)
    assert refused.status_code == 403 and "di luar wilayah kerja Anda" in refused.text
    assert web("kader_a1").get(f"/rekonsiliasi?period={PERIOD}").status_code == 403
    assert enter(web("pkm_a"), "PSY-X9", s=1, k=1, d=1, n=1, weighings=1).status_code == 404
    page = web("pkm_a").get(f"/rekonsiliasi?period={PERIOD}").text
    assert "belum diisi" in cell(page, "PSY-A1", "s")  # nothing written
    other = web("pkm_b").get(f"/rekonsiliasi?period={PERIOD}").text
    assert 'data-posyandu="PSY-A1"' not in other


def test_bad_counts_get_a_clear_indonesian_error_and_nothing_is_written(app, web):
    seed(app)
    pkm = web("pkm_a")
    for counts, message in (
        ({"s": "tiga", "k": 3, "d": 2, "n": 1, "weighings": 2}, "S harus bilangan bulat"),
        ({"s": 3, "k": 3, "d": 2, "n": 1, "weighings": -2}, "Penimbangan harus bilangan bulat"),
        ({"s": 3, "k": 3, "d": 2, "n": 1, "weighings": 10**7}, "Penimbangan harus bilangan"),
        ({"s": 3, "k": 3, "d": 2, "n": "١", "weighings": 2}, "N harus bilangan bulat"),
        ({"s": 3, "k": 4, "d": 2, "n": 1, "weighings": 2}, "K, D dan N tidak boleh lebih dari S"),
        ({"s": 3, "k": 3, "d": 2, "n": 3, "weighings": 2}, "N tidak boleh lebih dari D"),
    ):
        answer = enter(pkm, "PSY-A1", **counts)
        assert answer.status_code == 400 and message in answer.text, (counts, answer.text[-400:])
    assert pkm.get(f"/rekonsiliasi?period={PERIOD}").text.count("belum diisi") >= 5
    assert pkm.get("/rekonsiliasi?period=2026-13").status_code == 400
