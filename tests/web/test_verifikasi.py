"""The /verifikasi page: each posyandu-month with its review, the steps a role may take, counts."""

from __future__ import annotations

import re

from tests.web.conftest import csrf_token


def step(client, posyandu: str, period: str, status: str, note: str = ""):
    """Post one review step from the page; return the response."""
    token = csrf_token(client.get(f"/verifikasi?period={period}").text)
    return client.post(
        f"/verifikasi/{posyandu}/{period}",
        data={"status": status, "note": note, "csrf_token": token},
    )


def counts(html: str) -> list[tuple[str, str]]:
    """Return the (submitted, verified) counts of the per-puskesmas table."""
    return re.findall(
        r'data-key="submitted">(\d+)</td><td class="num" data-key="verified">(\d+)', html
    )


def test_bidan_verifies_and_the_pokjanal_counts_it(web):
    bidan, dinas = web("bidan_a"), web("dinas")
    assert step(bidan, "PSY-A1", "2026-06", "submitted").status_code == 303
    page = bidan.get("/verifikasi?period=2026-06").text
    assert 'data-posyandu="PSY-A1" data-status="submitted"' in page
    row = page.split('data-posyandu="PSY-A1"')[1].split("</tr>")[0]
    assert "<td>Sutera</td>" in row and "6111012001" not in row  # the desa by its name
    assert "<td>Bidan A (Bidan desa)</td>" in row and "bidan_a" not in row  # the reviewer by name
    assert counts(dinas.get("/verifikasi?period=2026-06").text) == [("1", "0"), ("0", "0")]
    returned = step(bidan, "PSY-A1", "2026-06", "returned", "Data BB belum lengkap")
    assert returned.status_code == 303
    assert "Data BB belum lengkap" in bidan.get("/verifikasi?period=2026-06").text
    step(bidan, "PSY-A1", "2026-06", "submitted")
    assert step(bidan, "PSY-A1", "2026-06", "verified").status_code == 303
    assert counts(dinas.get("/verifikasi?period=2026-06").text) == [("1", "1"), ("0", "0")]


def test_a_step_outside_the_role_is_refused(web):
    kader, pkm_b = web("kader_a1"), web("pkm_b")
    assert step(kader, "PSY-A1", "2026-06", "submitted").status_code == 303
    refused = step(kader, "PSY-A1", "2026-06", "verified")
    assert refused.status_code == 403 and "Peran Anda" in refused.text
    assert step(pkm_b, "PSY-A1", "2026-06", "verified").status_code == 403
    assert "PSY-A1" not in pkm_b.get("/verifikasi?period=2026-06").text


def test_a_bad_period_is_a_400(web):
    assert web("dinas").get("/verifikasi?period=2026-13").status_code == 400
