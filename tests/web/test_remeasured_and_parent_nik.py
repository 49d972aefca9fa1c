"""#14 leftovers on the server's pages: a visit the kader re-measured and kept is listed on Mutu
data ("Diukur ulang: Ya"), and the parents' NIK is masked on the child's page like the child's."""

from __future__ import annotations

import datetime as dt

from testkit.factories import child_visit, person

TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
MOTHER_NIK, FATHER_NIK = "6111014107980003", "6111010101950007"


def implausible_section(text: str) -> str:
    return text.split('id="implausible"')[1].split('id="skew"')[0]


def test_a_re_measured_visit_is_listed_on_mutu_data(web, device):
    kader = device("kader_a1")
    p = person(birth_date="2025-06-10")
    day = (TODAY - dt.timedelta(days=2)).isoformat()
    kept = child_visit(p, visit_date=day, weight_kg=7.2, length_cm=75.0, remeasured=True)
    plain = child_visit(p, visit_date=TODAY.isoformat(), weight_kg=9.0, length_cm=75.0)
    results = kader.push(
        [
            kader.mutation("person", p),
            kader.mutation("child_visit", kept),
            kader.mutation("child_visit", plain),
        ]
    ).json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 3, results
    section = implausible_section(web("pkm_a").get("/mutu-data").text)
    row = section.split(f'data-visit="{kept["id"]}"')[1].split("</tr>")[0]
    assert 'data-remeasured="yes"' in row and ">Ya<" in row
    shown_day = (TODAY - dt.timedelta(days=2)).strftime("%d/%m/%Y")
    assert shown_day in row and day not in row  # dd/mm/yyyy, not ISO
    assert plain["id"] not in section
    download = web("pkm_a").get("/mutu-data?format=csv&table=implausible").text
    assert "Diukur ulang" in download
    kept_line = next(line for line in download.splitlines() if "7,2" in line or "7.2" in line)
    assert kept_line.rstrip().endswith("Ya")


def test_a_remeasured_field_must_be_a_boolean(device):
    kader = device("kader_a1")
    p = person(birth_date="2025-06-10")
    bad = child_visit(p, visit_date=TODAY.isoformat(), weight_kg=9.0, remeasured="ya")
    results = kader.push([kader.mutation("person", p), kader.mutation("child_visit", bad)]).json()[
        "results"
    ]
    assert results[1]["status"] == "rejected" and "remeasured" in results[1]["errors"]


def test_the_parents_nik_is_masked_like_the_childs(web, device):
    kader = device("kader_a1")
    p = person(birth_date="2025-06-10", mother_nik=MOTHER_NIK, father_nik=FATHER_NIK)
    assert kader.push([kader.mutation("person", p)]).json()["results"][0]["status"] == "applied"
    for user in ("kader_a1", "bidan_a"):
        text = web(user).get(f"/anak/{p['id']}").text
        assert MOTHER_NIK not in text and FATHER_NIK not in text, user
        assert "6111********0003" in text and "6111********0007" in text, user
        assert "NIK ibu" in text and "NIK ayah" in text
    full = web("pkm_a").get(f"/anak/{p['id']}").text
    assert MOTHER_NIK in full and FATHER_NIK in full
