"""The ILP kinds through the real protocol (push, pull, scope) and into the indicator aggregates.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (the ``app`` fixture's backends). The
aggregate tests push the hand-counted posyandu of tests/shared/test_indicators_ilp.py through the
API and read its numbers back from ``GET /api/v1/indicators``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from shared.records import spec as records_spec
from testkit.factories import new_id, person
from tests.server.test_aggregates import _assert_matches_rebuild, _ok
from tests.shared.test_indicators_ilp import EXPECTED_OCTOBER, fixture

SKILAS_ALL_NO = dict.fromkeys(
    ("cognitive", "mobility", "malnutrition", "vision", "hearing", "depression"), False
)
ILP_KINDS = (
    "youth_visit",
    "postpartum_visit",
    "family_planning",
    "tb_screening",
    "immunization",
    "referral",
)


def as_records(rows, posyandu: str, desa: str) -> list[tuple[str, dict]]:
    """Turn the shared fixture's rows into valid records of one posyandu (fresh UUIDs)."""
    ids = defaultdict(lambda: str(uuid.uuid4()))
    out = []
    for kind, raw in rows:
        fields = {**raw, "id": ids[raw["id"]], "posyandu_id": posyandu}
        for name in ("person_id", "pregnancy_id", "source_id"):
            if name in fields:
                fields[name] = ids[fields[name]]
        if kind == "person":
            fields.update(name=f"Warga {raw['id']}", desa_code=desa)
        elif kind == "referral":
            fields.update(reason="tb_suspect", destination="puskesmas")
        elif kind == "adult_visit" and "skilas" in fields:
            fields["skilas"] = {**SKILAS_ALL_NO, **fields["skilas"]}
        out.append((kind, fields))
    return out, ids


def push_all(dev, records) -> None:
    _ok(dev.push([dev.mutation(kind, fields) for kind, fields in records]))


def indicators(dev, level: str, period: str = "2026-10", **params) -> dict:
    response = dev.http.get(
        f"{dev.base}/indicators",
        params={"period": period, "level": level, **params},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return {row["code"]: row for row in response.json()["rows"]}


def pairs(row: dict, keys) -> dict:
    return {
        k: (row["indicators"][k]["numerator"], row["indicators"][k]["denominator"]) for k in keys
    }


# -- push and pull ------------------------------------------------------------------------------


def test_every_ilp_kind_is_pushed_pulled_and_derived_by_the_server(device):
    kader, bidan, other = device("kader_a1"), device("bidan_a"), device("kader_b1")
    records, ids = as_records(fixture(), "PSY-A1", "6111012001")
    assert {kind for kind, _ in records} >= set(ILP_KINDS)
    # Derived values a client sends are dropped: the server computes its own.
    for kind, fields in records:
        if kind == "immunization":
            fields.update(status="given", dose=9, reason=None)
        if kind == "tb_screening":
            fields.update(suspect=False, referral_needed=False)
    push_all(kader, records)
    bidan.pull_all()
    for kind, fields in records:
        stored = bidan.replica[fields["id"]]
        assert stored["kind"] == kind
        derived = records_spec(kind).derived_fields
        sent = {k: v for k, v in fields.items() if k not in derived}
        assert {k: stored["fields"][k] for k in sent} == sent
        assert derived <= set(stored["fields"])  # every derived value is there
    fields = {f["id"]: bidan.replica[f["id"]]["fields"] for _, f in records}
    kf = sorted(
        fields[f["id"]]["kf"]
        for kind, f in records
        if kind == "postpartum_visit" and f["person_id"] == ids["O"]
    )
    assert kf == ["KF1", "KF2", "KF3", "KF4"]
    assert fields[ids["tb-H"]]["suspect"] is True and fields[ids["tb-L"]]["suspect"] is True
    tb_c = next(f for k, f in records if k == "tb_screening" and f["person_id"] == ids["C"])
    assert fields[tb_c["id"]] == {**fields[tb_c["id"]], "suspect": False, "referral_needed": True}
    doses = [f for k, f in records if k == "immunization"]
    opv2_d = next(f for f in doses if f["person_id"] == ids["D"])
    assert fields[opv2_d["id"]]["reason"] == "immunisation.reason.previous_dose_missing"  # no OPV1
    assert {fields[f["id"]]["status"] for f in doses if f is not opv2_d} == {"given"}
    assert {fields[f["id"]]["dose"] for f in doses if f["antigen"] == "MR2"} == {2}
    youth = next(f for k, f in records if k == "youth_visit")
    assert fields[youth["id"]]["age_months"] == 175 and fields[youth["id"]]["bmi"] is None
    other.pull_all()
    assert not set(other.replica) & set(fields)  # another posyandu sees none of them


def test_dose_entered_before_its_previous_dose_is_corrected_when_that_arrives(device):
    kader, bidan = device("kader_a1"), device("bidan_a")
    child = person(birth_date="2025-06-10")
    dose2 = {
        "id": new_id(),
        "person_id": child["id"],
        "posyandu_id": "PSY-A1",
        "antigen": "DPT_HB_HIB2",
        "given_on": "2025-09-10",
    }
    _ok(kader.push([kader.mutation("person", child), kader.mutation("immunization", dose2)]))
    bidan.pull_all()
    stored = bidan.replica[dose2["id"]]
    assert stored["fields"]["status"] == "invalid"
    assert stored["fields"]["reason"] == "immunisation.reason.previous_dose_missing"
    # Dose 1 from the Buku KIA, entered afterwards on another device:
    dose1 = {**dose2, "id": new_id(), "antigen": "DPT_HB_HIB1", "given_on": "2025-08-10"}
    _ok(bidan.push([bidan.mutation("immunization", dose1)]))
    kader.pull_all()
    assert kader.replica[dose2["id"]]["version"] == 2  # a server-side change devices pull
    assert kader.replica[dose2["id"]]["fields"]["status"] == "given"
    assert kader.replica[dose1["id"]]["fields"]["status"] == "given"
    # Deleting dose 1 makes dose 2 invalid again.
    _ok(
        kader.push(
            [kader.mutation("immunization", {}, record_id=dose1["id"], op="delete", base_version=1)]
        )
    )
    bidan.pull_all()
    assert bidan.replica[dose2["id"]]["fields"]["status"] == "invalid"


def test_person_and_pregnancy_changes_recompute_the_ilp_values(device):
    kader = device("kader_a1")
    girl = person(birth_date="2012-01-20")
    visit = {
        "id": new_id(),
        "person_id": girl["id"],
        "posyandu_id": "PSY-A1",
        "visit_date": "2026-10-07",
        "hb_g_dl": 11.7,
    }
    mother = person(birth_date="1995-04-02")
    pregnancy = {
        "id": new_id(),
        "person_id": mother["id"],
        "posyandu_id": "PSY-A1",
        "registered_on": "2026-03-01",
        "status": "delivered",
        "delivery_date": "2026-10-01",
    }
    nifas = {
        "id": new_id(),
        "pregnancy_id": pregnancy["id"],
        "person_id": mother["id"],
        "posyandu_id": "PSY-A1",
        "visit_date": "2026-10-05",
    }
    mutations = [("person", girl), ("youth_visit", visit), ("person", mother)]
    mutations += [("pregnancy", pregnancy), ("postpartum_visit", nifas)]
    _ok(kader.push([kader.mutation(kind, fields) for kind, fields in mutations]))
    kader.pull_all()
    assert kader.replica[visit["id"]]["fields"]["anaemia"] is True  # girl of 14: Hb < 12
    assert kader.replica[nifas["id"]]["fields"]["kf"] == "KF2"  # day 4
    # The girl was born in 2008 (18 in October 2026 would be refused): now 17, threshold 12.
    _ok(kader.push([kader.mutation("person", {"birth_date": "2009-01-20"}, record_id=girl["id"])]))
    # The delivery was on 3 October: day 2, KF1.
    _ok(
        kader.push(
            [
                kader.mutation(
                    "pregnancy", {"delivery_date": "2026-10-03"}, record_id=pregnancy["id"]
                )
            ]
        )
    )
    kader.pull_all()
    assert kader.replica[visit["id"]]["fields"]["age_months"] == 212
    assert kader.replica[nifas["id"]]["fields"]["kf"] == "KF1"


def _rejected(dev, kind, fields) -> dict:
    body = dev.push([dev.mutation(kind, fields)]).json()
    result = body["results"][0]
    assert result["status"] == "rejected", result
    return result["errors"]


def test_server_applies_the_rules_that_need_the_related_records(device):
    kader = device("kader_a1")
    boy, mother = person(sex="M", birth_date="2012-01-20"), person(birth_date="1995-04-02")
    toddler = person(birth_date="2024-06-01")
    pregnancy = {
        "id": new_id(),
        "person_id": mother["id"],
        "posyandu_id": "PSY-A1",
        "registered_on": "2026-03-01",
    }
    _ok(
        kader.push(
            [kader.mutation("person", p) for p in (boy, mother, toddler)]
            + [kader.mutation("pregnancy", pregnancy)]
        )
    )
    base = {"posyandu_id": "PSY-A1", "id": new_id()}
    visit = {**base, "person_id": boy["id"], "visit_date": "2026-10-07"}
    assert set(_rejected(kader, "youth_visit", {**visit, "ttd_given": True})) == {"ttd_given"}
    young = {**base, "person_id": toddler["id"], "visit_date": "2026-10-07", "weight_kg": 12.0}
    assert set(_rejected(kader, "youth_visit", young)) == {"visit_date"}
    nifas = {
        **base,
        "person_id": mother["id"],
        "pregnancy_id": pregnancy["id"],
        "visit_date": "2026-10-07",
    }
    errors = _rejected(kader, "postpartum_visit", nifas)
    assert errors == {
        "pregnancy_id": [
            "Tanggal persalinan belum dicatat pada kehamilan ini; catat persalinan dahulu."
        ]
    }
    kb = {**visit, "status": "pus", "method": "iud"}
    assert set(_rejected(kader, "family_planning", kb)) == {"method"}
    dose = {**base, "person_id": toddler["id"], "antigen": "BCG", "given_on": "2024-05-01"}
    assert set(_rejected(kader, "immunization", dose)) == {"given_on"}
    ghost = {**base, "person_id": new_id(), "visit_date": "2026-10-07"}
    assert set(_rejected(kader, "tb_screening", ghost)) == {"person_id"}


# -- aggregates ---------------------------------------------------------------------------------


def test_ilp_indicators_by_api_equal_the_count_by_hand(app, device):
    a1, b1, dinas = device("kader_a1"), device("kader_b1"), device("dinas")
    push_all(a1, as_records(fixture(), "PSY-A1", "6111012001")[0])
    # Posyandu B1 holds only child A (IDL met): desa 6111022001 is UCI, Sutera (IDL 1/2) is not.
    only_a = [(k, f) for k, f in fixture() if f["id"] == "A" or f.get("person_id") == "A"]
    push_all(b1, as_records(only_a, "PSY-B1", "6111022001")[0])
    posyandu = indicators(dinas, "posyandu")
    assert pairs(posyandu["PSY-A1"], EXPECTED_OCTOBER) == EXPECTED_OCTOBER
    b = pairs(posyandu["PSY-B1"], ("idl", "served_balita", "imm_MR1", "dpt_dropout"))
    assert b == {"idl": (1, 1), "served_balita": (1, 1), "imm_MR1": (1, 1), "dpt_dropout": (0, 1)}
    assert posyandu["PSY-A2"]["indicators"]["idl"] == {"numerator": 0, "denominator": 0}
    assert posyandu["PSY-A1"]["uci_desa"] is None
    kab = indicators(dinas, "kabupaten")["6111"]
    assert pairs(kab, ("idl", "served_balita", "kf1")) == {
        "idl": (2, 3),
        "served_balita": (4, 5),
        "kf1": (1, 2),
    }
    assert kab["uci_desa"] == {"numerator": 1, "denominator": 2}
    assert indicators(dinas, "desa")["6111012001"]["uci_desa"] == {"numerator": 0, "denominator": 1}
    assert kab["extra"]["immunizations"] == {"DPT_HB_HIB1": 1, "OPV2": 1}
    # A kader reads only its own posyandu's numbers.
    assert set(indicators(b1, "posyandu")) == {"PSY-B1"}
    _assert_matches_rebuild(app)


def test_ilp_aggregates_follow_edits_and_deletes(app, device):
    a1, dinas = device("kader_a1"), device("dinas")
    records, ids = as_records(fixture(), "PSY-A1", "6111012001")
    push_all(a1, records)
    by_id = {f["id"]: (k, f) for k, f in records}

    def find(kind, who, **match):
        return next(
            f
            for k, f in records
            if k == kind
            and f.get("person_id") == ids[who]
            and all(f.get(n) == v for n, v in match.items())
        )

    def now(*keys, period="2026-10"):
        return pairs(indicators(dinas, "posyandu", period)["PSY-A1"], keys)

    mr1 = find("immunization", "A", antigen="MR1")
    _ok(a1.push([a1.mutation("immunization", {}, record_id=mr1["id"], op="delete")]))
    assert now("idl", "imm_MR1") == {"idl": (0, 2), "imm_MR1": (0, 2)}
    # B's old visit loses its antigen list: the DPT drop-out loses B.
    visit_b = find("child_visit", "B")
    _ok(
        a1.push(
            [
                a1.mutation(
                    "child_visit", {"immunizations": [], "weight_kg": 9.0}, record_id=visit_b["id"]
                )
            ]
        )
    )
    assert now("dpt_dropout", "imm_DPT_HB_HIB1") == {
        "dpt_dropout": (0, 1),
        "imm_DPT_HB_HIB1": (1, 2),
    }
    # H's referral is cancelled; L's is taken up.
    referral_h, referral_l = find("referral", "H"), find("referral", "L")
    _ok(
        a1.push(
            [
                a1.mutation("referral", {"status": "cancelled"}, record_id=referral_h["id"]),
                a1.mutation("referral", {"status": "referred"}, record_id=referral_l["id"]),
            ]
        )
    )
    assert now("tb_suspect_referred") == {"tb_suspect_referred": (1, 2)}
    # P2's delivery moves to 25 September: its nifas now ends in November.
    p2 = by_id[ids["P2"]][1]
    _ok(a1.push([a1.mutation("pregnancy", {"delivery_date": "2026-09-25"}, record_id=p2["id"])]))
    assert now("kf1", "kf_complete") == {"kf1": (0, 1), "kf_complete": (0, 1)}
    # November: P3 (KF1 on day 1) and P2, whose visits are now on days 6 and 25 (no KF1).
    assert now("kf1", period="2026-11") == {"kf1": (1, 2)}
    # L moves away at the end of September: no longer a lansia of October.
    _ok(a1.push([a1.mutation("person", {"moved_out_on": "2026-09-30"}, record_id=ids["L"])]))
    assert now("served_lansia", "skilas", "ptm_screening") == {
        "served_lansia": (0, 1),
        "skilas": (0, 1),
        "ptm_screening": (1, 9),
    }
    # An adult visit with blood pressure for M in December 2025 counts for twelve months.
    m_visit = {
        "id": new_id(),
        "person_id": ids["M"],
        "posyandu_id": "PSY-A1",
        "visit_date": "2025-12-01",
        "systolic_bp": 130,
        "diastolic_bp": 85,
    }
    _ok(a1.push([a1.mutation("adult_visit", m_visit)]))
    assert now("ptm_screening") == {"ptm_screening": (2, 9)}
    assert now("ptm_screening", period="2026-11") == {"ptm_screening": (2, 9)}
    # December: M's visit has left the window, and H (born 2008-11-30) is now 18.
    assert now("ptm_screening", period="2026-12") == {"ptm_screening": (1, 10)}
    _assert_matches_rebuild(app)


def test_months_a_record_counts_in():
    from server.indicators.posyandu_month import dirty_months

    now = (2026, 12)

    def months(kind, **fields):
        found = dirty_months(kind, fields, now)
        return None if found is None else sorted(found)

    assert months("child_visit", visit_date="2026-10-05") == [(2026, 10), (2026, 11)]
    assert months("child_visit", visit_date="2026-10-05", immunizations=["BCG"]) == [
        (2026, 10),
        (2026, 11),
        (2026, 12),
    ]
    assert months("immunization", given_on="2026-11-30") == [(2026, 11), (2026, 12)]
    assert months("pregnancy", registered_on="2026-11-01", delivery_date="2026-10-20") == [
        (2026, 10),
        (2026, 11),
        (2026, 12),
    ]
    assert months("pregnancy") == []
    assert months("adult_visit", visit_date="2026-01-15") == [(2026, m) for m in range(1, 13)]
    assert months("adult_visit", visit_date="2025-11-15") == [(2025, 11), (2025, 12)] + [
        (2026, m) for m in range(1, 11)
    ]
    assert months("postpartum_visit", visit_date="2026-11-02") == [(2026, 11), (2026, 12)]
    for kind in ("youth_visit", "tb_screening", "family_planning", "anc_visit"):
        assert months(kind, visit_date="2026-10-05") == [(2026, 10)], kind
    assert months("person") is None and months("referral", referral_date="2026-10-05") is None
