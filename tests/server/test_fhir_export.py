"""GET /api/v1/export/fhir: a valid FHIR R4 Bundle, codes and units, doses counted, scope, errors.

Every Bundle is parsed with ``fhir.resources`` (R4 models under ``fhir.resources.R4B``); the
server itself builds plain dicts. ``docs/fhir-sample-bundle.json`` is the export of the small
world below: ``test_sample_bundle_is_current`` fails when it is stale and rewrites it when
``POSYANDU_WRITE_SAMPLES=1``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import uuid
from collections import Counter
from pathlib import Path

import pytest
import requests
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from server.fhir import bundle as fhir_bundle
from server.fhir import mapping as fhir_mapping
from shared.records.antigens import antigen_codes, antigens

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "fhir-sample-bundle.json"
NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ZSCORE_SYSTEM = "https://posyandu-sync.id/fhir/CodeSystem/anthro-zscore"
# LOINC code -> UCUM unit, as the domain brief's table (6.3) has them.
LOINC_UNITS = {
    "29463-7": "kg",
    "8306-3": "cm",
    "8302-2": "cm",
    "9843-4": "cm",
    "56072-2": "cm",
    "8280-0": "cm",
    "39156-5": "kg/m2",
    "718-7": "g/dL",
    "2339-0": "mg/dL",
    "85354-9": None,  # the blood pressure panel: values in its components (mm[Hg])
}
PERIOD = "2026-10"


def rid(name: str) -> str:
    """A fixed record id, so that the sample bundle is the same on every run."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://posyandu-sync.id/test/{name}"))


def _person(name, posyandu, desa, sex, birth, nik, **extra):
    return {
        "id": rid(name),
        "posyandu_id": posyandu,
        "name": name,
        "sex": sex,
        "birth_date": birth,
        "nik": nik,
        "desa_code": desa,
        "address": "RT 01 RW 02",
        **extra,
    }


def _child_visit(person, name, day, **measured):
    return {
        "id": rid(name),
        "person_id": person["id"],
        "posyandu_id": person["posyandu_id"],
        "visit_date": day,
        **measured,
    }


def world_records() -> dict[str, list[tuple[str, dict]]]:
    """Return, per kader username, the records that kader pushes (in order)."""
    desa_a, desa_b = "6111012001", "6111022001"
    sari = _person("Sari", "PSY-A1", desa_a, "F", "2025-06-10", "6111015006250001")
    budi = _person("Budi", "PSY-A1", desa_a, "M", "2023-03-01", "6111010103230002")
    ani = _person("Ani", "PSY-A1", desa_a, "F", "1995-01-01", "6111014101950003")
    dewi = _person("Dewi", "PSY-A2", desa_a, "F", "2026-06-01", "6111014106260004")
    harun = _person("Harun", "PSY-A2", desa_a, "M", "1960-05-05", "6111010505600005")
    eko = _person("Eko", "PSY-B1", desa_b, "M", "2025-01-15", "6111021501250006")
    pregnancy = {
        "id": rid("Ani-hamil"),
        "person_id": ani["id"],
        "posyandu_id": "PSY-A1",
        "registered_on": "2026-08-01",
        "lmp_date": "2026-06-20",
        "status": "active",
    }
    anc = {
        "id": rid("Ani-anc-okt"),
        "pregnancy_id": pregnancy["id"],
        "person_id": ani["id"],
        "posyandu_id": "PSY-A1",
        "visit_date": "2026-10-05",
        "weight_kg": 58.0,
        "muac_cm": 24.0,
        "systolic_bp": 110,
        "diastolic_bp": 70,
        "hb_g_dl": 11.5,
    }
    adult = {
        "id": rid("Harun-okt"),
        "person_id": harun["id"],
        "posyandu_id": "PSY-A2",
        "visit_date": "2026-10-12",
        "weight_kg": 70.0,
        "height_cm": 165.0,
        "waist_cm": 90.0,
        "systolic_bp": 150,
        "diastolic_bp": 95,
        "blood_glucose_mg_dl": 140,
    }
    return {
        "kader_a1": [
            ("person", sari),
            ("person", budi),
            ("person", ani),
            # September: not in the October export.
            ("child_visit", _child_visit(sari, "Sari-sep", "2026-09-05", weight_kg=8.8,
                                         immunizations=["PCV3"])),
            ("child_visit", _child_visit(sari, "Sari-okt", "2026-10-05", weight_kg=9.0,
                                         length_cm=72.0, position="lying", head_cm=44.5,
                                         muac_cm=14.2, immunizations=["MR1", "IPV2"])),
            ("child_visit", _child_visit(budi, "Budi-okt", "2026-10-05", weight_kg=13.0,
                                         length_cm=92.0, position="standing")),
            ("pregnancy", pregnancy),
            ("anc_visit", anc),
        ],
        "kader_a2": [
            ("person", dewi),
            ("person", harun),
            ("child_visit", _child_visit(dewi, "Dewi-okt", "2026-10-12", weight_kg=5.5,
                                         length_cm=58.0, position="lying",
                                         immunizations=["DPT_HB_HIB1", "OPV2", "PCV1", "RV1"])),
            ("adult_visit", adult),
        ],
        "kader_b1": [
            ("person", eko),
            ("child_visit", _child_visit(eko, "Eko-okt-1", "2026-10-20", weight_kg=10.0,
                                         length_cm=76.0, position="lying", immunizations=["MR1"])),
            ("child_visit", _child_visit(eko, "Eko-okt-2", "2026-10-27", weight_kg=10.1)),
        ],
    }  # fmt: skip


KADER_POSYANDU = {"kader_a1": "PSY-A1", "kader_a2": "PSY-A2", "kader_b1": "PSY-B1"}


def in_period(kind: str, fields: dict) -> bool:
    return kind.endswith("_visit") and fields["visit_date"].startswith(PERIOD)


def doses_given(posyandu: set[str]) -> int:
    """Count the doses the world gave in the month at these posyandu, from the pushed records."""
    return sum(
        len(fields.get("immunizations") or [])
        for kader, records in world_records().items()
        if KADER_POSYANDU[kader] in posyandu
        for kind, fields in records
        if kind == "child_visit" and in_period(kind, fields)
    )


@pytest.fixture
def seeded(device):
    """Push the world's records through the sync API, as its kaders would."""
    for username, records in world_records().items():
        kader = device(username)
        response = kader.push([kader.mutation(kind, fields) for kind, fields in records])
        assert response.status_code == 200, response.text
        statuses = {r["status"] for r in response.json()["results"]}
        assert statuses == {"applied"}, response.json()["results"]
    return device


def export(dev, **params) -> requests.Response:
    return dev.http.get(f"{dev.base}/export/fhir", params=params, timeout=60)


def bundle_of(dev, **params) -> dict:
    response = export(dev, **params)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/fhir+json")
    return response.json()


def resources(body: dict, resource_type: str | None = None) -> list[dict]:
    return [
        e["resource"]
        for e in body.get("entry", [])
        if resource_type is None or e["resource"]["resourceType"] == resource_type
    ]


def references(value) -> list[str]:
    """Return every ``reference`` string anywhere inside a resource."""
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in references(v)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    return []


def by_url(body: dict) -> dict[str, dict]:
    return {e["fullUrl"]: e["resource"] for e in body["entry"]}


def loinc_of(observation: dict) -> str | None:
    return next((c["code"] for c in observation["code"]["coding"] if c["system"] == LOINC), None)


# -- the bundle -----------------------------------------------------------------------------------


def test_bundle_parses_and_every_reference_resolves(seeded):
    body = bundle_of(seeded("dinas"), period=PERIOD, area="6111")
    assert body["resourceType"] == "Bundle" and body["type"] == "collection"
    parsed = Bundle.model_validate(body)
    assert len(parsed.entry) == len(body["entry"])
    for entry in body["entry"]:  # each resource on its own, for a clear failure
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    urls = [e["fullUrl"] for e in body["entry"]]
    assert len(urls) == len(set(urls))
    assert all(u == f"urn:uuid:{uuid.UUID(u[9:])}" for u in urls)
    assert all(e["fullUrl"].endswith(e["resource"]["id"]) for e in body["entry"])
    dangling = {r for e in body["entry"] for r in references(e["resource"])} - set(urls)
    assert dangling == set()
    counts = Counter(r["resourceType"] for r in resources(body))
    assert counts == {
        "Organization": 3,  # the dinas and both puskesmas
        "Location": 3,
        "Patient": 6,
        "Encounter": 7,  # Eko came twice; Sari's September visit is not in October
        "Immunization": 7,
        "Observation": counts["Observation"],
    }


def test_patients_carry_nik_name_gender_birth_date(seeded):
    body = bundle_of(seeded("dinas"), period=PERIOD, area="6111")
    people = {f["id"]: f for r in world_records().values() for k, f in r if k == "person"}
    patients = resources(body, "Patient")
    assert len(patients) == len(people)
    for patient in patients:
        (nik,) = [i["value"] for i in patient["identifier"] if i["system"] == NIK_SYSTEM]
        person = next(p for p in people.values() if p["nik"] == nik)
        assert patient["name"][0]["text"] == person["name"]
        assert patient["gender"] == {"M": "male", "F": "female"}[person["sex"]]
        assert patient["birthDate"] == person["birth_date"]


def test_observations_loinc_codes_units_and_local_offset(seeded):
    body = bundle_of(seeded("dinas"), period=PERIOD, area="6111")
    observations = resources(body, "Observation")
    measured = [o for o in observations if loinc_of(o)]
    for observation in measured:
        code = loinc_of(observation)
        assert code in LOINC_UNITS, code
        assert observation["status"] == "final"
        assert observation["effectiveDateTime"].endswith("T00:00:00+07:00")
        if LOINC_UNITS[code] is None:
            units = {c["valueQuantity"]["code"] for c in observation["component"]}
            assert units == {"mm[Hg]"}
            continue
        quantity = observation["valueQuantity"]
        assert (quantity["system"], quantity["code"], quantity["unit"]) == (
            UCUM,
            LOINC_UNITS[code],
            LOINC_UNITS[code],
        )
    codes = Counter(loinc_of(o) for o in measured)
    # weights: Sari, Budi, Dewi, Eko x2, Ani (ANC), Harun; lying: Sari, Dewi, Eko; standing:
    # Budi and Harun's height.
    assert codes["29463-7"] == 7
    assert codes["8306-3"] == 3 and codes["8302-2"] == 2
    assert codes["9843-4"] == 1 and codes["56072-2"] == 2
    assert codes["85354-9"] == 2 and codes["718-7"] == 1 and codes["8280-0"] == 1


def test_zscores_follow_the_stored_values_with_the_who_method(seeded, app):
    body = bundle_of(seeded("dinas"), period=PERIOD, area="6111")
    zscores = [
        o
        for o in resources(body, "Observation")
        if o["code"]["coding"][0]["system"] == ZSCORE_SYSTEM
    ]
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        sari = db.session.get(Record, rid("Sari-okt")).fields
    encounter = next(
        e["fullUrl"]
        for e in body["entry"]
        if e["resource"]["resourceType"] == "Encounter"
        and e["resource"]["identifier"][0]["value"] == rid("Sari-okt")
    )
    of_sari = {
        o["code"]["coding"][0]["code"]: o
        for o in zscores
        if o["encounter"]["reference"] == encounter
    }
    expected = {"weight-for-age": "waz", "length-height-for-age": "lhaz", "head-circumference-for-age": "hcz", "arm-circumference-for-age": "acz"}  # fmt: skip
    for code, key in expected.items():
        assert of_sari[code]["valueQuantity"]["value"] == sari[key]
    urls = by_url(body)
    for observation in zscores:
        assert "WHO Child Growth Standards 2006" in observation["method"]["coding"][0]["display"]
        assert observation["valueQuantity"]["code"] == "{SD}"
        assert all(
            urls[r["reference"]]["resourceType"] == "Observation"
            for r in observation["derivedFrom"]
        )
    waz = of_sari["weight-for-age"]
    assert waz["interpretation"][0]["text"] == sari["categories"]["waz"]


def test_immunizations_equal_the_doses_given(seeded):
    body = bundle_of(seeded("dinas"), period=PERIOD, area="6111")
    doses = resources(body, "Immunization")
    assert len(doses) == doses_given({"PSY-A1", "PSY-A2", "PSY-B1"}) == 2 + 4 + 1
    table = {a["code"]: a["name"] for a in antigens()}
    urls = by_url(body)
    given = Counter()
    for dose in doses:
        (coding,) = dose["vaccineCode"]["coding"]
        assert coding["display"] == table[coding["code"]]  # Indonesian, from antigens.csv
        assert dose["status"] == "completed"
        assert dose["occurrenceDateTime"].endswith("+07:00")
        assert urls[dose["patient"]["reference"]]["resourceType"] == "Patient"
        assert urls[dose["encounter"]["reference"]]["resourceType"] == "Encounter"
        given[coding["code"]] += 1
    assert given == {"MR1": 2, "IPV2": 1, "DPT_HB_HIB1": 1, "OPV2": 1, "PCV1": 1, "RV1": 1}


def test_encounters_locations_and_organizations_link_up(seeded):
    body = bundle_of(seeded("dinas"), period=PERIOD, area="6111")
    urls = by_url(body)
    for encounter in resources(body, "Encounter"):
        assert encounter["status"] == "finished" and encounter["class"]["code"] == "AMB"
        assert encounter["period"]["start"].endswith("T00:00:00+07:00")
        posyandu = urls[encounter["location"][0]["location"]["reference"]]
        provider = urls[encounter["serviceProvider"]["reference"]]
        assert posyandu["resourceType"] == "Location"
        assert urls[posyandu["managingOrganization"]["reference"]] is provider
        assert provider["identifier"][0]["value"] in ("PKM-A", "PKM-B")
        dinas = urls[provider["partOf"]["reference"]]
        assert dinas["identifier"][0]["value"] == "DINKES-6111"


# -- scope, roles, parameters ---------------------------------------------------------------------


def niks(body: dict) -> set[str]:
    return {
        i["value"]
        for p in resources(body, "Patient")
        for i in p["identifier"]
        if i["system"] == NIK_SYSTEM
    }


def world_niks(*posyandu: str) -> set[str]:
    return {
        f["nik"]
        for r in world_records().values()
        for k, f in r
        if k == "person" and f["posyandu_id"] in posyandu
    }


def test_puskesmas_gets_only_its_own_posyandu(seeded):
    pkm_a = seeded("pkm_a")
    body = bundle_of(pkm_a, period=PERIOD, area="6111")  # names the whole kabupaten
    assert niks(body) == world_niks("PSY-A1", "PSY-A2")
    assert len(resources(body, "Immunization")) == doses_given({"PSY-A1", "PSY-A2"})
    locations = {r["identifier"][0]["value"] for r in resources(body, "Location")}
    assert locations == {"PSY-A1", "PSY-A2"}
    assert "Zorb" not in json.dumps(body) and "Eko" not in json.dumps(body)
    assert resources(bundle_of(pkm_a, period=PERIOD, area="PKM-B")) == []
    assert resources(bundle_of(pkm_a, period=PERIOD, area="6111022001")) == []
    assert niks(bundle_of(pkm_a, period=PERIOD)) == world_niks("PSY-A1", "PSY-A2")
    assert niks(bundle_of(seeded("dinas"), period=PERIOD, area="PSY-A2")) == world_niks("PSY-A2")
    assert niks(bundle_of(seeded("admin"), period=PERIOD, area="611102")) == world_niks("PSY-B1")


@pytest.mark.parametrize("username", ["kader_a1", "bidan_a", "kec_a"])
def test_other_roles_are_refused(seeded, username):
    response = export(seeded(username), period=PERIOD, area="6111")
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"
    assert "puskesmas" in response.json()["error"]["message"]


def test_needs_token(server, world):
    response = requests.get(
        f"{server.url}/api/v1/export/fhir", params={"period": PERIOD, "area": "6111"}, timeout=30
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("params", "field", "word"),
    [
        ({"period": "2026-13", "area": "6111"}, "period", "Periode"),
        ({"period": "oktober", "area": "6111"}, "period", "Periode"),
        ({"period": "1999-12", "area": "6111"}, "period", "Periode"),
        ({"area": "6111"}, "period", "Periode"),
        ({"period": PERIOD, "area": "nowhere"}, "area", "Wilayah"),
        ({"period": PERIOD, "area": "9999"}, "area", "Wilayah"),
        ({"period": PERIOD, "area": "61"}, "area", "Wilayah"),
        ({"period": PERIOD, "area": "DINKES-6111"}, "area", "Wilayah"),
        ({"period": PERIOD, "area": "PSY-ZZ"}, "area", "Wilayah"),
    ],
)
def test_bad_period_or_area_is_a_400_in_indonesian(seeded, params, field, word):
    response = export(seeded("dinas"), **params)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "bad_request" and field in error["details"]
    assert error["message"].startswith(word)


def test_same_data_same_bundle_and_gzip(seeded):
    dinas = seeded("dinas")
    response = export(dinas, period=PERIOD, area="6111")  # requests asks for gzip
    assert response.headers["Content-Encoding"] == "gzip"
    assert 'filename="satusehat-6111-2026-10.json"' in response.headers["Content-Disposition"]
    raw = dinas.http.get(
        f"{dinas.base}/export/fhir",
        params={"period": PERIOD, "area": "6111"},
        headers={"Accept-Encoding": "identity"},
        timeout=60,
    )
    assert "Content-Encoding" not in raw.headers
    first, second = response.json(), raw.json()
    assert first["entry"] == second["entry"] and first["id"] == second["id"]


def test_written_entry_by_entry(app, seeded, monkeypatch):
    monkeypatch.setattr(fhir_bundle, "CHUNK_BYTES", 2000)
    chunks = list(sample_chunks(app))
    assert len(chunks) > 5
    body = json.loads(b"".join(chunks))
    assert len(body["entry"]) > 30
    assert json.loads(gzip.decompress(b"".join(fhir_bundle.gzipped(iter(chunks))))) == body


def test_empty_export_is_a_valid_bundle(seeded):
    body = bundle_of(seeded("dinas"), period="2026-03", area="6111")
    assert "entry" not in body or all(
        r["resourceType"] in ("Organization", "Location") for r in resources(body)
    )
    Bundle.model_validate(body)


# -- the mapping and the sample -------------------------------------------------------------------


def test_mapping_covers_every_antigen_with_sources():
    current = fhir_mapping.mapping_for(dt.date(2026, 10, 1))
    assert current.valid_from <= dt.date(2026, 10, 1)
    for code in antigen_codes():
        entry = current["antigens"][code]
        assert entry["display"] and entry["dose"] >= 1 and entry["source"], code
    for section in ("systems", "measurements", "zscores", "growth_references", "antigens"):
        assert all(entry.get("source") for entry in current[section].values()), section
    assert current.measurement("weight_kg")["loinc"] == "29463-7"
    assert current.measurement("length_cm.lying")["loinc"] == "8306-3"
    assert current.measurement("length_cm.standing")["loinc"] == "8302-2"
    assert current.measurement("head_cm")["loinc"] == "9843-4"
    assert current.measurement("muac_cm")["loinc"] == "56072-2"


def test_mapping_in_force_is_chosen_by_valid_from(monkeypatch):
    old = fhir_mapping.Mapping("2025-01", dt.date(2025, 1, 1), {})
    new = fhir_mapping.Mapping("2026-07", dt.date(2026, 7, 1), {})
    monkeypatch.setattr(fhir_mapping, "versions", lambda: (old, new))
    assert fhir_mapping.mapping_for(dt.date(2026, 6, 1)) is old
    assert fhir_mapping.mapping_for(dt.date(2026, 7, 1)) is new
    assert fhir_mapping.mapping_for(dt.date(2024, 1, 1)) is old  # before any: the oldest


SAMPLE_NOW = dt.datetime(2026, 11, 5, 2, 0, tzinfo=dt.UTC)


def sample_chunks(app):
    """Yield the dinas' export of the world for October, stamped at a fixed time."""
    import sqlalchemy as sa

    from server.auth import user_scope
    from server.extensions import db
    from server.models import User
    from server.scope import FacilityIndex
    from shared.calendar import zone

    with app.app_context():
        user = db.session.execute(sa.select(User).where(User.username == "dinas")).scalar_one()
        facilities = FacilityIndex.load(db.session)
        area = fhir_bundle.resolve_area(db.session, "6111", facilities)
        export = fhir_bundle.Export.plan(
            PERIOD, area, user_scope(db.session, user, facilities), facilities, zone("WIB")
        )
        yield from fhir_bundle.bundle_text(db.session, export, now=SAMPLE_NOW)


def test_sample_bundle_is_current(app, seeded):
    body = json.loads(b"".join(sample_chunks(app)))
    Bundle.model_validate(body)
    if os.environ.get("POSYANDU_WRITE_SAMPLES") == "1" or not SAMPLE.exists():
        SAMPLE.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    stored = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert stored == body, (
        "docs/fhir-sample-bundle.json is stale: rerun with POSYANDU_WRITE_SAMPLES=1"
    )


def test_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/export/fhir"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"period", "area"}
    assert "application/fhir+json" in operation["responses"]["200"]["content"]
