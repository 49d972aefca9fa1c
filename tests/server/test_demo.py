"""The synthetic Kayong Utara of ``server.demo``: deterministic, valid, complete and plausible."""

from collections import Counter, defaultdict
from datetime import date

import pytest

from server import demo
from shared import records
from shared.derive import derive_child_visits
from shared.growth import assess
from shared.records import antigens

TODAY = demo.DEFAULT_TODAY
SMALL = 0.05
ROLES = ("kader", "bidan_desa", "puskesmas", "kecamatan", "dinas", "admin")
# field -> kind of the record it points to, for the synthetic (non-reference) records
ILP_PERSON_KINDS = ("youth_visit", "family_planning", "tb_screening", "referral", "immunization")
RECORD_REFS = {"person_id": "person", "pregnancy_id": "pregnancy", "meeting_id": "lokmin_meeting"}


@pytest.fixture(scope="module")
def small():
    """Return a small kabupaten: every desa and facility, a couple of children per posyandu."""
    return demo.generate(3, scale=SMALL)


@pytest.fixture(scope="module")
def medium():
    """Return a kabupaten with enough children for prevalence figures."""
    return demo.generate(5, scale=0.3)


def of_kind(data, kind):
    """Return the fields of every record of ``kind``."""
    return [fields for k, fields in data.records if k == kind]


def by_id(data, kind):
    """Return the records of ``kind`` by id."""
    return {fields["id"]: fields for fields in of_kind(data, kind)}


def context_for(kind, fields, persons, pregnancies):
    """Return the validation context a record of ``kind`` needs (its person, its pregnancy)."""
    if kind in ("child_visit", "adult_visit", "pregnancy", *ILP_PERSON_KINDS):
        return {"person": persons[fields["person_id"]]}
    if kind in ("anc_visit", "postpartum_visit"):
        return {
            "person": persons[fields["person_id"]],
            "pregnancy": pregnancies[fields["pregnancy_id"]],
        }
    return None


def invalid_records(data, today=TODAY):
    """Return (kind, id, errors) of every record that does not pass records.validate."""
    persons, pregnancies = by_id(data, "person"), by_id(data, "pregnancy")
    failures = []
    everything = (
        [("wilayah", w) for w in data.wilayah]
        + [("facility", f) for f in data.facilities]
        + data.records
    )
    for kind, fields in everything:
        context = context_for(kind, fields, persons, pregnancies)
        result = records.validate(kind, fields, context=context, today=today)
        if not result.ok:
            failures.append((kind, fields["id"], result.errors))
    return failures


def children(data):
    """Return the balita and ex-balita (the only persons with a mother's name)."""
    return [p for p in of_kind(data, "person") if "mother_name" in p]


def children_visits(data):
    """Return {person: [child visits]} in date order."""
    visits = defaultdict(list)
    for visit in of_kind(data, "child_visit"):
        visits[visit["person_id"]].append(visit)
    return visits


def test_same_seed_gives_identical_data():
    assert demo.generate(11, scale=SMALL) == demo.generate(11, scale=SMALL)


def test_different_seed_gives_different_data():
    first, second = demo.generate(11, scale=SMALL), demo.generate(12, scale=SMALL)
    assert first.records != second.records
    assert not set(by_id(first, "person")) & set(by_id(second, "person"))


def test_every_record_validates(small):
    assert invalid_records(small) == []


def test_every_record_validates_with_another_today_and_window():
    data = demo.generate(4, today=date(2025, 3, 15), months=3, scale=SMALL)
    assert invalid_records(data, today=date(2025, 3, 15)) == []
    visit_months = {v["visit_date"][:7] for v in of_kind(data, "child_visit")}
    assert visit_months == {"2024-12", "2025-01", "2025-02"}
    assert {r["period"] for r in of_kind(data, "desa_report")} == visit_months


def test_ids_are_uuid4_and_unique(small):
    ids = [fields["id"] for _, fields in small.records]
    assert len(ids) == len(set(ids))
    assert all(ident[14] == "4" for ident in ids)


def test_wilayah_is_kayong_utara_with_6_kecamatan_and_43_desa(small):
    levels = Counter(w["level"] for w in small.wilayah)
    assert levels == {"provinsi": 1, "kabupaten": 1, "kecamatan": 6, "desa": 43}
    codes = {w["code"] for w in small.wilayah}
    assert {"61", "6111", "611101", "6111012001", "6111062003"} <= codes
    assert all(w["id"] == w["code"] and "." not in w["code"] for w in small.wilayah)
    assert all(w["parent_code"] in codes for w in small.wilayah if w["level"] != "provinsi")


def test_puskesmas_wilayah_kerja_partition_all_43_desa(small):
    puskesmas = [f for f in small.facilities if f["kind"] == "puskesmas"]
    desa = {w["code"] for w in small.wilayah if w["level"] == "desa"}
    assert len(puskesmas) == 11
    covered = [code for f in puskesmas for code in f["wilayah_kerja"]]
    assert sorted(covered) == sorted(desa)
    for facility in puskesmas:
        assert facility["desa_code"] in facility["wilayah_kerja"]
        assert all(
            code.startswith(facility["kecamatan_code"]) for code in facility["wilayah_kerja"]
        )
        assert facility["parent_id"] == "DINKES-6111"


def test_every_desa_has_2_to_4_posyandu_under_its_puskesmas(small):
    posyandu = [f for f in small.facilities if f["kind"] == "posyandu"]
    per_desa = Counter(f["desa_code"] for f in posyandu)
    assert len(per_desa) == 43
    assert all(2 <= count <= 4 for count in per_desa.values())
    catchment = {
        code: f["id"]
        for f in small.facilities
        if f["kind"] == "puskesmas"
        for code in f["wilayah_kerja"]
    }
    for facility in posyandu:
        assert facility["parent_id"] == catchment[facility["desa_code"]]
        assert facility["id"].startswith(f"PSY-{facility['desa_code']}-")
        assert facility["name"].startswith("Posyandu ")


def test_one_user_per_role_with_a_real_unit(small):
    assert sorted(u["role"] for u in small.users) == sorted(ROLES)
    facilities = {f["id"]: f for f in small.facilities}
    units = {u["role"]: u["unit"] for u in small.users}
    assert facilities[units["kader"]]["kind"] == "posyandu"
    assert facilities[units["puskesmas"]]["kind"] == "puskesmas"
    assert units["bidan_desa"] == facilities[units["kader"]]["desa_code"]
    assert units["kecamatan"] == units["bidan_desa"][:6]
    assert units["dinas"] == units["admin"] == "DINKES-6111"
    assert all(u["username"] and "password" not in u for u in small.users)  # the CLI makes them
    assert len({u["username"] for u in small.users}) == len(ROLES)


def test_records_come_in_dependency_order(small):
    seen = {kind: set() for kind in records.KINDS}
    for kind, fields in small.records:
        for field, target in RECORD_REFS.items():
            if field in fields:
                assert fields[field] in seen[target], (kind, field, fields[field])
        seen[kind].add(fields["id"])


def test_records_point_at_existing_facilities_and_desa(small):
    facilities = {f["id"] for f in small.facilities}
    desa = {w["code"] for w in small.wilayah if w["level"] == "desa"}
    for _, fields in small.records:
        for field in ("posyandu_id", "puskesmas_id"):
            assert field not in fields or fields[field] in facilities
        assert "desa_code" not in fields or fields["desa_code"] in desa


def test_stunting_prevalence_is_plausible_and_some_children_are_bgm(medium):
    persons = by_id(medium, "person")
    stunted = measured = bgm = 0
    for person_id, visits in children_visits(medium).items():
        child = persons[person_id]
        if (TODAY - date.fromisoformat(child["birth_date"])).days > 1826:
            continue
        last = visits[-1]
        bgm += (
            assess(
                child["sex"], child["birth_date"], last["visit_date"], weight_kg=last["weight_kg"]
            ).waz
            < -3
        )
        lengths = [v for v in visits if "length_cm" in v]
        if lengths:
            v = lengths[-1]
            result = assess(
                child["sex"],
                child["birth_date"],
                v["visit_date"],
                length_cm=v["length_cm"],
                position=v["position"],
            )
            measured += 1
            stunted += result.lhaz < -2
    assert measured > 500
    assert 0.10 <= stunted / measured <= 0.40
    assert bgm >= 3


def test_some_children_falter_not_gaining_twice_in_a_row(medium):
    persons = by_id(medium, "person")
    statuses, two_t = Counter(), 0
    for person_id, visits in children_visits(medium).items():
        for derived in derive_child_visits(persons[person_id], visits).values():
            statuses[derived["growth_status"]] += 1
            two_t += derived["two_t"]
    assert statuses["N"] > statuses["T"] > 0
    assert two_t > 0


def test_visits_stop_at_death_or_moving_out_and_stay_under_five(small):
    persons = by_id(small, "person")
    for person_id, visits in children_visits(small).items():
        child = persons[person_id]
        stop = child.get("died_on") or child.get("moved_out_on") or "9999-12-31"
        birth = date.fromisoformat(child["birth_date"])
        for visit in visits:
            assert visit["visit_date"] < stop
            assert (date.fromisoformat(visit["visit_date"]) - birth).days <= 1826


def test_position_vitamin_a_and_immunisations_follow_age_and_month(medium):
    persons = by_id(medium, "person")
    due = {a["code"]: a["age_months"] for a in antigens()}
    for person_id, visits in children_visits(medium).items():
        birth = date.fromisoformat(persons[person_id]["birth_date"])
        for visit in visits:
            day = date.fromisoformat(visit["visit_date"])
            age_days, months = (day - birth).days, ((day - birth).days * 16) // 487
            if "position" in visit:
                assert visit["position"] == ("lying" if age_days < 731 else "standing")
            vitamin_a = visit.get("vitamin_a", "none")
            assert vitamin_a == "none" or day.month in (2, 8)
            assert vitamin_a != "blue" or 6 <= months < 12
            assert vitamin_a != "red" or months >= 12
            assert all(due[code] <= months for code in visit.get("immunizations", []))


def test_some_children_die_or_move_out_most_have_kia_book_and_nik(medium):
    kids = children(medium)
    assert any("died_on" in p for p in kids)
    assert any("moved_out_on" in p for p in kids)
    kia = sum(1 for p in kids if p["has_kia_book"]) / len(kids)
    with_nik = [p["nik"] for p in kids if "nik" in p]
    assert 0.75 <= kia <= 0.95
    assert 0.6 <= len(with_nik) / len(kids) <= 0.8
    assert all(len(nik) == 16 and nik.startswith("6111") for nik in with_nik)


def test_pregnancies_have_mothers_of_18_to_42_and_some_kek(medium):
    persons = by_id(medium, "person")
    for pregnancy in of_kind(medium, "pregnancy"):
        mother = persons[pregnancy["person_id"]]
        age = (
            date.fromisoformat(pregnancy["lmp_date"]) - date.fromisoformat(mother["birth_date"])
        ).days / 365.25
        assert mother["sex"] == "F" and 18 <= age < 43
    muac = [v["muac_cm"] for v in of_kind(medium, "anc_visit")]
    assert 0 < sum(1 for m in muac if m < 23.5) < len(muac) / 2


def test_sessions_desa_reports_and_odf_progress(small):
    sessions = of_kind(small, "posyandu_session")
    assert len(sessions) == 12 * sum(1 for f in small.facilities if f["kind"] == "posyandu")
    assert 0.8 < sum(s["opened"] for s in sessions) / len(sessions) < 1
    reports = defaultdict(list)
    for report in of_kind(small, "desa_report"):
        reports[report["desa_code"]].append(report["odf_status"])
    assert len(reports) == 43 and all(len(r) == 12 for r in reports.values())
    assert any(r[0] == "belum" and r[-1] == "odf" for r in reports.values())


def test_each_kecamatan_has_lokmin_with_agreements_some_overdue(small):
    meetings = of_kind(small, "lokmin_meeting")
    per_kecamatan = Counter(m["kecamatan_code"] for m in meetings)
    assert len(per_kecamatan) == 6 and all(1 <= n <= 2 for n in per_kecamatan.values())
    agreements = Counter(a["meeting_id"] for a in of_kind(small, "lokmin_agreement"))
    assert all(3 <= agreements[m["id"]] <= 5 for m in meetings)
    overdue = [
        a
        for a in of_kind(small, "lokmin_agreement")
        if a["due_date"] < TODAY.isoformat() and a["status"] != "done"
    ]
    assert overdue


def test_scale_shrinks_people_but_keeps_every_desa_and_facility(small):
    larger = demo.generate(3, scale=0.2)
    assert small.wilayah == larger.wilayah and small.facilities == larger.facilities
    assert len(of_kind(small, "person")) < len(of_kind(larger, "person")) / 2
    assert {p["posyandu_id"] for p in of_kind(small, "person")} == {
        f["id"] for f in small.facilities if f["kind"] == "posyandu"
    }


def test_full_scale_has_the_size_of_a_kabupaten():
    data = demo.generate()
    posyandu = sum(1 for f in data.facilities if f["kind"] == "posyandu")
    balita = [
        p for p in children(data) if (TODAY - date.fromisoformat(p["birth_date"])).days <= 1826
    ]
    assert 110 <= posyandu <= 150
    assert 3500 <= len(balita) <= 5500
    assert 30_000 <= len(of_kind(data, "child_visit")) <= 50_000


def test_ilp_kinds_are_in_the_demo_validated_against_their_person(small):
    """Issue #15: remaja, nifas, KB, TB, referrals and doses, each checked with its person (age,
    sex) and pregnancy (delivery date) by ``invalid_records`` above."""
    kinds = {kind for kind, _ in small.records}
    assert set(ILP_PERSON_KINDS) | {"postpartum_visit"} <= kinds
    persons, pregnancies = by_id(small, "person"), by_id(small, "pregnancy")
    for visit in of_kind(small, "youth_visit"):
        birth = date.fromisoformat(persons[visit["person_id"]]["birth_date"])
        age_days = (date.fromisoformat(visit["visit_date"]) - birth).days
        assert 5 * 365 < age_days < 18 * 365
    for visit in of_kind(small, "postpartum_visit"):
        delivery = date.fromisoformat(pregnancies[visit["pregnancy_id"]]["delivery_date"])
        assert (date.fromisoformat(visit["visit_date"]) - delivery).days in (1, 5, 15, 35)
    ids = {fields["id"] for _, fields in small.records}
    referrals = of_kind(small, "referral")
    assert referrals and all(r["source_id"] in ids for r in referrals)
    suspects = [s for s in of_kind(small, "tb_screening") if "cough_2_weeks" in s["symptoms"]]
    assert {s["id"] for s in suspects} <= {r["source_id"] for r in referrals}
