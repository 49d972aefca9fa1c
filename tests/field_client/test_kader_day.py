"""Issue #14: the kader's day as a new user lives it (delete and undo, duplicates, plausibility,
formats, registration). Each test pins one finding of the walk-through."""

import re

import pytest

from field_client.store import SCHEMA_VERSION, Change

from .conftest import POSYANDU, make_person

DESA = "6111012001"


def visit(local_client, person_id, day, weight=None, **extra):
    body = {"person_id": person_id, "visit_date": day, **extra}
    if weight is not None:
        body["weight_kg"] = weight
    return local_client.post("/api/records/child_visit", json=body)


def visible_text(html: str) -> str:
    """Return a page's text without tags, scripts (the message catalogue) and attributes."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def pull(store, *records):
    """Put server records (wilayah, facility...) into the store as a pull does."""
    store.apply_changes([Change(r["id"], kind, 1, False, r) for kind, r in records])


def desa(code=DESA, name="Sukadana"):
    return (
        "wilayah",
        {
            "id": code,
            "code": code,
            "name": name,
            "level": "desa",
            "parent_code": code[:6],
            "kind": "desa",
        },
    )


@pytest.fixture
def store(local_app):
    return local_app.extensions["posyandu"].store


# -- 1. Hapus with a way back (Urungkan) ---------------------------------------------------


def test_undo_restores_a_deleted_visit_with_all_its_fields_and_syncs_both(local_client, store):
    child = make_person(local_client, sex="M", birth_date="2025-11-24")
    saved = visit(
        local_client,
        child["id"],
        "2026-11-20",
        9.0,
        length_cm=74.0,
        position="lying",
        vitamin_a="blue",
        notes="batuk",
    ).get_json()
    url = f"/api/records/child_visit/{saved['id']}"
    assert local_client.delete(url).status_code == 204
    assert local_client.get(url).status_code == 404
    restored = local_client.post(f"{url}/restore", json={})
    assert restored.status_code == 200, restored.get_json()
    assert restored.get_json()["fields"] == saved["fields"]
    assert local_client.get(url).get_json()["fields"] == saved["fields"]
    ops = [(m.op, m.id) for m in store.pending() if m.id == saved["id"]]
    assert ops == [("upsert", saved["id"]), ("delete", saved["id"]), ("upsert", saved["id"])]
    undo = store.pending()[-1]
    assert undo.fields == {k: v for k, v in saved["fields"].items() if k != "id"}


DELETABLE = ["person", "child_visit", "pregnancy", "anc_visit", "adult_visit", "desa_report"]


@pytest.mark.parametrize("kind", [*DELETABLE, "posyandu_session"])
def test_every_kind_a_kader_deletes_can_be_restored(local_client, kind):
    made = _one_of_each(local_client)
    record = made[kind]
    url = f"/api/records/{kind}/{record['id']}"
    assert local_client.delete(url).status_code == 204
    assert local_client.post(f"{url}/restore", json={}).status_code == 200
    assert local_client.get(url).get_json()["fields"] == record["fields"]


def _one_of_each(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-11-24")
    mother = make_person(local_client, name="Siti Aminah", birth_date="1995-01-01", mother_name="")
    elder = make_person(local_client, name="Pak Umar", sex="M", birth_date="1950-01-01")
    pregnancy = local_client.post(
        "/api/records/pregnancy", json={"person_id": mother["id"], "registered_on": "2026-10-01"}
    ).get_json()

    def post(kind, body):
        response = local_client.post(f"/api/records/{kind}", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return {
        "person": child,
        "child_visit": visit(local_client, child["id"], "2026-11-20", 9.0).get_json(),
        "pregnancy": pregnancy,
        "anc_visit": post(
            "anc_visit",
            {
                "pregnancy_id": pregnancy["id"],
                "person_id": mother["id"],
                "visit_date": "2026-11-20",
                "muac_cm": 24.0,
            },
        ),
        "adult_visit": post(
            "adult_visit",
            {"person_id": elder["id"], "visit_date": "2026-11-20", "weight_kg": 60.0},
        ),
        "desa_report": post("desa_report", {"desa_code": DESA, "period": "2026-11"}),
        "posyandu_session": post(
            "posyandu_session",
            {"posyandu_id": POSYANDU, "session_date": "2026-11-20", "opened": True},
        ),
    }


def test_undo_after_the_delete_was_acknowledged_sends_every_field_against_its_version(store):
    fields = {"posyandu_id": POSYANDU, "name": "Ani", "sex": "F", "birth_date": "2025-01-10"}
    store.save("person", "r1", fields)
    store.apply_push_results([{"seq": 1, "status": "applied", "version": 3}])
    store.delete("person", "r1")
    store.apply_push_results([{"seq": 2, "status": "applied", "version": 4}])
    record, seq = store.restore("person", "r1")
    [undo] = store.pending()
    assert (undo.seq, undo.op, undo.base_version, undo.fields) == (seq, "upsert", 4, fields)
    assert record.fields == fields and not record.deleted


def test_page_after_a_delete_names_what_went_and_offers_urungkan(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-11-24", name="Bima")
    saved = visit(local_client, child["id"], "2026-11-20", 9.0).get_json()
    form_page = local_client.get(f"/balita/{child['id']}/kunjungan?visit={saved['id']}")
    confirm = visible_text(form_page.get_data(as_text=True))
    assert "Hapus kunjungan Bima tanggal 20/11/2026?" in " ".join(confirm.split())
    local_client.delete(f"/api/records/child_visit/{saved['id']}")
    page = local_client.get(
        f"/balita/{child['id']}?done=deleted&undo=child_visit:{saved['id']}"
    ).get_data(as_text=True)
    assert 'id="undo-banner"' in page and "Urungkan" in page
    assert "kunjungan Bima tanggal 20/11/2026" in " ".join(visible_text(page).split())


@pytest.mark.parametrize(
    "kind,page,asks,back",
    [
        ("person", "/orang/{mother}", "Hapus Siti Aminah (lahir 01/01/1995)?", "/registrasi"),
        (
            "child_visit",
            "/balita/{child}/kunjungan?visit={id}",
            "Hapus kunjungan Ani tanggal 20/11/2026?",
            "/balita/{child}",
        ),
        (
            "adult_visit",
            "/dewasa/{elder}/kunjungan?visit={id}",
            "Hapus kunjungan Pak Umar tanggal 20/11/2026?",
            "/orang/{elder}",
        ),
        (
            "anc_visit",
            "/kehamilan/{pregnancy}?visit={id}",
            "Hapus pemeriksaan kehamilan Siti Aminah tanggal 20/11/2026?",
            "/kehamilan/{pregnancy}",
        ),
        (
            "pregnancy",
            "/kehamilan/{id}",
            "Hapus kehamilan Siti Aminah (terdaftar 01/10/2026)?",
            "/orang/{mother}",
        ),
        (
            "desa_report",
            "/laporan-desa?id={id}",
            "Hapus laporan desa Sukadana bulan November 2026?",
            "/laporan-desa",
        ),
        (
            "posyandu_session",
            "/hari-buka?id={id}",
            "Hapus hari buka tanggal 20/11/2026?",
            "/hari-buka",
        ),
    ],
)
def test_every_delete_asks_naming_the_record_and_the_page_after_offers_urungkan(
    local_client, store, kind, page, asks, back
):
    pull(store, desa())
    made = _one_of_each(local_client)
    ids = {
        "id": made[kind]["id"],
        "child": made["person"]["id"],
        "mother": made["pregnancy"]["fields"]["person_id"],
        "elder": made["adult_visit"]["fields"]["person_id"],
        "pregnancy": made["pregnancy"]["id"],
    }
    if kind == "person":
        ids["id"] = ids["mother"]
    html = local_client.get(page.format(**ids)).get_data(as_text=True)
    box = html.split(f'data-delete-kind="{kind}" data-delete-id="{ids["id"]}"')[1]
    assert asks in " ".join(visible_text(box.split("</div>")[0]).split())
    assert local_client.delete(f"/api/records/{kind}/{ids['id']}").status_code == 204
    after = local_client.get(f"{back.format(**ids)}?done=deleted&undo={kind}:{ids['id']}")
    banner = after.get_data(as_text=True).split('id="undo-banner"')[1].split("</div>")[0]
    assert asks.removeprefix("Hapus ").removesuffix("?") in " ".join(visible_text(banner).split())
    assert f'data-restore-id="{ids["id"]}"' in banner


@pytest.mark.parametrize(
    "done,text",
    [
        ("saved", "Data tersimpan."),
        ("resent", "Perubahan diperbaiki dan akan dikirim ulang."),
        ("discarded", "Perubahan dibatalkan"),
    ],
)
def test_the_page_after_an_action_says_it_was_done(local_client, done, text):
    page = local_client.get(f"/sinkronisasi?done={done}").get_data(as_text=True)
    assert text in page.split('id="done-banner"')[1].split("</div>")[0]


def test_restoring_a_live_or_unknown_record_is_answered_plainly(local_client):
    child = make_person(local_client)
    url = f"/api/records/person/{child['id']}/restore"
    assert local_client.post(url, json={}).status_code == 200  # already live: nothing to undo
    missing = local_client.post(
        "/api/records/person/00000000-0000-4000-8000-000000000000/restore", json={}
    )
    assert missing.status_code == 404
    assert missing.get_json()["error"]["message"] == "Data tidak ditemukan."


def test_delete_and_urungkan_reach_the_server_and_the_other_devices(make_device, live_server):
    from .test_sync_live import register, server_record

    first, second = make_device("tab1"), make_device("tab2")
    child = register(first, name="Bima")
    saved = first.service().create(
        "child_visit",
        {
            "person_id": child.id,
            "visit_date": "2025-12-10",
            "weight_kg": 7.5,
            "length_cm": 66.0,
            "position": "lying",
            "vitamin_a": "blue",
            "notes": "batuk",
        },
    )
    first.agent.sync()
    second.agent.sync()
    first.service().delete("child_visit", saved.id)
    first.agent.sync()
    second.agent.sync()
    assert second.store.get("child_visit", saved.id) is None
    assert server_record(live_server, first, saved.id)["deleted"] is True  # the tombstone
    first.service().restore("child_visit", saved.id)
    first.agent.sync()
    second.agent.sync()
    assert second.store.get("child_visit", saved.id).fields == saved.fields
    on_server = server_record(live_server, first, saved.id)
    assert on_server["deleted"] is False
    assert {k: on_server["fields"][k] for k in saved.fields} == saved.fields


def test_a_delete_undone_before_any_sync_still_arrives_whole(make_device, live_server):
    from .test_sync_live import register, server_record

    device = make_device()
    child = register(device, name="Citra")
    device.service().delete("person", child.id)
    device.service().restore("person", child.id)
    device.agent.sync()
    assert device.store.pending() == [] and device.store.quarantined() == []
    on_server = server_record(live_server, device, child.id)
    assert on_server["deleted"] is False
    assert {k: on_server["fields"].get(k) for k in child.fields} == child.fields


# -- 2. duplicates stopped before they exist -----------------------------------------------


def test_invisible_and_bidi_characters_are_stripped_from_names(local_client):
    person = make_person(
        local_client,
        name="\u200bAni\u200d \u202eLestari\u2069\ufeff",
        mother_name="Si\u2060ti\u2066",
    )
    assert person["fields"]["name"] == "Ani Lestari"
    assert person["fields"]["mother_name"] == "Siti"


def test_similar_name_and_close_birth_date_with_the_same_mother_is_a_candidate(local_client):
    make_person(local_client, name="Putri Anggraini", birth_date="2025-06-10", mother_name="Siti")
    found = local_client.get(
        "/api/persons/duplicates",
        query_string={
            "name": "putri  angraini",
            "birth_date": "2025-06-12",
            "mother_name": "SITI",
        },
    ).get_json()
    assert found["count"] == 1
    far = local_client.get(
        "/api/persons/duplicates",
        query_string={"name": "Putri Angraini", "birth_date": "2025-09-12", "mother_name": "Siti"},
    ).get_json()
    assert far["count"] == 0


def test_registering_a_likely_duplicate_answers_409_until_the_kader_chooses(local_client):
    first = make_person(local_client, name="Putri Anggraini", nik="6406010101250001")
    visit(local_client, first["id"], "2026-10-05", 8.0)
    body = {
        "posyandu_id": POSYANDU,
        "name": "Putri Angraini",
        "sex": "F",
        "birth_date": "2025-06-11",
        "mother_name": "Siti",
    }
    refused = local_client.post("/api/records/person", json=body)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "possible_duplicate"
    [candidate] = error["candidates"]
    assert candidate["id"] == first["id"] and candidate["name"] == "Putri Anggraini"
    assert candidate["birth_date_text"] == "10/06/2025" and candidate["mother_name"] == "Siti"
    assert candidate["last_visit_text"] == "05/10/2026"
    assert candidate["url"] == f"/orang/{first['id']}"
    assert local_client.get("/api/records/person").get_json()["count"] == 1
    kept = local_client.post("/api/records/person", json={**body, "_different_person": True})
    assert kept.status_code == 201
    same_nik = local_client.post(
        "/api/records/person",
        json={**body, "name": "Lain", "birth_date": "2020-01-01", "nik": "6406010101250001"},
    )
    assert same_nik.status_code == 409


SYLLABLES = ("ba", "di", "ku", "ra", "si", "to", "we", "yu", "ne", "lo")


def test_duplicate_search_finds_the_misspelt_twin_among_5000_persons(local_app, store):
    from field_client.service import RecordService

    def name(n):
        return "".join(SYLLABLES[int(d)] for d in f"{n:04d}").capitalize()

    people = [
        Change(
            f"00000000-0000-4000-8000-{n:012d}",
            "person",
            1,
            False,
            {
                "posyandu_id": POSYANDU,
                "name": name(n),
                "sex": "F",
                "birth_date": f"20{10 + n % 15}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "mother_name": f"Ibu {name(n)}",
            },
        )
        for n in range(5000)
    ]
    store.apply_changes(people)
    service = RecordService(store)
    assert name(4999) == "Silololo"
    probe = {"name": "Silolollo", "birth_date": "2014-08-14", "mother_name": "ibu silololo"}
    found = service.find_duplicates(probe)
    # speed at this size: `make bench` (bench/client_bench.py, the duplicates API read)
    assert [c.id for c in found] == ["00000000-0000-4000-8000-000000004999"]


def test_a_version_1_store_gains_the_person_indexes_and_the_flags_table(data_dir):
    import sqlite3

    from field_client.store import DB_FILENAME, SCHEMA_V1, Store

    db = sqlite3.connect(data_dir / DB_FILENAME)  # a store as version 1 of the app made it
    db.executescript(SCHEMA_V1)
    db.execute("PRAGMA user_version = 1")
    db.commit()
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert not {"records_person_birth", "records_person_nik", "record_flags"} & names
    with Store.open(data_dir) as reopened:
        names = {r[0] for r in reopened._db.execute("SELECT name FROM sqlite_master")}
        version = reopened._db.execute("PRAGMA user_version").fetchone()[0]
    assert {"records_person_birth", "records_person_nik", "record_flags"} <= names
    assert version == SCHEMA_VERSION  # migrated on to the current schema (3 adds bundles)


# -- 5. growth plausibility against the child's own history ------------------------------


def test_a_quarter_of_the_weight_lost_in_a_month_needs_remeasuring(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-06-10")
    assert visit(local_client, child["id"], "2026-10-20", 9.7).status_code == 201
    refused = visit(local_client, child["id"], "2026-11-20", 7.2)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "needs_remeasure"
    assert (
        "9,7" in error["details"]["weight_kg"][0]
        and "20/10/2026" in error["details"]["weight_kg"][0]
    )
    saved = visit(local_client, child["id"], "2026-11-20", 7.2, _confirm=True)
    assert saved.status_code == 201
    flags = local_client.get("/api/flags").get_json()["flags"]
    assert [(f["record_id"], f["code"]) for f in flags] == [(saved.get_json()["id"], "remeasured")]
    assert flags[0]["details"]["reasons"][0]["rule"] == "weight_loss"


def test_a_child_measured_3_8_cm_shorter_needs_remeasuring(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-06-10")
    assert (
        visit(local_client, child["id"], "2026-10-20", 9.0, length_cm=78.0, position="lying")
    ).status_code == 201
    refused = visit(local_client, child["id"], "2026-11-20", 9.2, length_cm=74.2, position="lying")
    assert refused.status_code == 409
    assert "3,8" in refused.get_json()["error"]["details"]["length_cm"][0]


def test_length_within_measurement_error_or_a_position_change_is_accepted(local_client):
    child = make_person(local_client, sex="M", birth_date="2024-06-10")
    assert visit(
        local_client, child["id"], "2026-09-20", 11.0, length_cm=88.0, position="lying"
    ).status_code == (201)
    # 1 cm less: measurement error. Standing 87.5 is 88.2 lying (BRIEF §2.2, +0.7 cm).
    assert visit(
        local_client, child["id"], "2026-10-20", 11.1, length_cm=87.0, position="lying"
    ).status_code == (201)
    assert visit(
        local_client, child["id"], "2026-11-20", 11.2, length_cm=87.5, position="standing"
    ).status_code == (201)


def test_weight_lost_slowly_or_a_small_loss_is_accepted(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-06-10")
    assert visit(local_client, child["id"], "2026-10-20", 9.7).status_code == 201
    assert visit(local_client, child["id"], "2026-11-20", 9.0).status_code == 201  # -7 %


def test_preview_warns_about_the_history_before_saving(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-06-10")
    visit(local_client, child["id"], "2026-10-20", 9.7)
    preview = local_client.post(
        "/api/growth/preview",
        json={"person_id": child["id"], "visit_date": "2026-11-20", "weight_kg": 7.2},
    ).get_json()
    assert preview["needs_remeasure"] is True
    assert "history" in [a["code"] for a in preview["alerts"]]


def test_a_hard_limit_value_shows_no_zscore_and_no_confirmation(local_client):
    child = make_person(local_client, sex="F", birth_date="2025-06-10")
    response = local_client.post(
        "/api/growth/preview",
        json={"person_id": child["id"], "visit_date": "2026-11-20", "weight_kg": 95},
    )
    assert response.status_code == 200
    preview = response.get_json()
    assert preview["hard_limit"] is True
    assert preview.get("waz") is None and not preview.get("implausible")
    assert "40" in preview["errors"]["weight_kg"][0]


def test_editing_a_confirmed_visit_does_not_ask_again_unless_the_value_changes(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-06-10")
    visit(local_client, child["id"], "2026-10-20", 9.7)
    saved = visit(local_client, child["id"], "2026-11-20", 7.2, _confirm=True).get_json()
    url = f"/api/records/child_visit/{saved['id']}"
    assert local_client.patch(url, json={"notes": "diare"}).status_code == 200
    assert local_client.patch(url, json={"weight_kg": 7.0}).status_code == 409
    fixed = local_client.patch(url, json={"weight_kg": 9.9})
    assert fixed.status_code == 200
    assert local_client.get("/api/flags").get_json()["flags"] == []


def test_the_monthly_report_lists_the_values_confirmed_after_re_measuring(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-06-10", name="Bima")
    visit(local_client, child["id"], "2026-10-20", 9.7)
    visit(local_client, child["id"], "2026-11-20", 7.2, _confirm=True)
    page = local_client.get("/laporan-bulanan?bulan=2026-11").get_data(as_text=True)
    listed = " ".join(visible_text(page.split('id="remeasured"')[1].split("</table>")[0]).split())
    assert "20/11/2026 Bima Berat badan turun dari 9,7 kg (20/10/2026)" in listed
    october = local_client.get("/laporan-bulanan?bulan=2026-10").get_data(as_text=True)
    assert 'id="remeasured"' not in october


def test_plausibility_rules_are_a_table_with_a_source_for_every_rule():
    from field_client.plausibility import load_rules

    rules = load_rules()
    assert {r.code for r in rules} >= {"length_decrease", "weight_loss"}
    assert all(r.source.strip() for r in rules)


# -- 6. no raw message keys --------------------------------------------------------------


def test_every_preview_word_the_script_builds_is_shipped_to_the_page(local_client):
    import json

    elder = make_person(local_client, name="Pak Umar", sex="M", birth_date="1950-01-01")
    page = local_client.get(f"/dewasa/{elder['id']}/kunjungan").get_data(as_text=True)
    shipped = json.loads(page.split('id="messages">')[1].split("</script>")[0])
    prefixes = re.findall(r'data-prefix="([^"]+)"', page)
    assert prefixes
    from shared.derive import BMI_CATEGORIES

    for prefix in prefixes:
        for _, category in BMI_CATEGORIES:
            assert prefix + category in shipped, prefix + category


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_page_shows_a_raw_client_key(local_client, lang):
    made = _one_of_each(local_client)
    child = made["person"]["id"]
    pages = [
        "/",
        "/registrasi",
        "/registrasi/baru",
        f"/balita/{child}",
        f"/balita/{child}/kunjungan",
        f"/balita/{child}/kunjungan?visit={made['child_visit']['id']}",
        f"/orang/{made['pregnancy']['fields']['person_id']}",
        f"/kehamilan/{made['pregnancy']['id']}",
        f"/dewasa/{made['adult_visit']['fields']['person_id']}/kunjungan",
        "/hari-buka",
        "/laporan-bulanan",
        "/laporan-desa",
        "/sinkronisasi",
        f"/balita/{child}?done=deleted&undo=child_visit:{made['child_visit']['id']}",
    ]
    for path in pages:
        sep = "&" if "?" in path else "?"
        response = local_client.get(f"{path}{sep}lang={lang}")
        assert response.status_code == 200, path
        text = visible_text(response.get_data(as_text=True))
        assert not re.search(r"\b(client|records)\.[a-z_]+\.", text), path


# -- 7. formats ----------------------------------------------------------------------------


def test_dates_and_decimals_are_written_the_indonesian_way(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-11-24", name="Bima")
    visit(local_client, child["id"], "2026-11-20", 9.0, length_cm=74.0, position="lying")
    text = " ".join(visible_text(local_client.get(f"/balita/{child['id']}").get_data(True)).split())
    assert "20/11/2026" in text and "24/11/2025" in text
    assert "9,0" in text and "74,0" in text
    assert "2026-11-20" not in text and "2025-11-24" not in text
    assert not re.search(r"\d\.\d", text), re.findall(r"\S*\d\.\d\S*", text)


def test_visit_form_shows_its_values_with_a_decimal_comma_and_a_dd_mm_yyyy_date(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-11-24")
    saved = visit(local_client, child["id"], "2026-11-20", 9.5).get_json()
    page = local_client.get(f"/balita/{child['id']}/kunjungan?visit={saved['id']}").get_data(True)
    assert 'value="9,5"' in page and 'value="20/11/2026"' in page


def test_sync_page_shows_the_last_sync_in_local_time_with_the_zone(local_client, store):
    store.set_meta(
        last_sync_at="2026-11-24T03:05:00+00:00", scope={"posyandu": [POSYANDU], "desa": [DESA]}
    )
    text = " ".join(visible_text(local_client.get("/sinkronisasi").get_data(True)).split())
    assert "24/11/2026 10.05 WIB" in text
    assert "T03:05" not in text
    status = local_client.get("/api/sync/status").get_json()
    assert status["last_sync_text"] == "24/11/2026 10.05 WIB"


@pytest.mark.parametrize(
    "desa_code,zone,clock",
    [("5171011001", "WITA", "11.05"), ("9171011001", "WIT", "12.05"), (DESA, "WIB", "10.05")],
)
def test_the_zone_follows_the_province_of_the_devices_desa(local_app, desa_code, zone, clock):
    from field_client.formats import format_instant

    local_app.extensions["posyandu"].store.set_meta(scope={"desa": [desa_code]})
    with local_app.test_request_context():
        text = format_instant("2026-11-24T03:05:00+00:00", local_app.extensions["posyandu"].store)
    assert text == f"24/11/2026 {clock} {zone}"


def test_monthly_report_percentages_use_a_decimal_comma(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-11-24", has_kia_book=True)
    make_person(local_client, name="Budi", sex="M", birth_date="2024-01-01")
    make_person(local_client, name="Candra", sex="M", birth_date="2024-03-01")
    visit(local_client, child["id"], "2026-11-20", 9.4)
    text = visible_text(local_client.get("/laporan-bulanan?bulan=2026-11").get_data(True))
    assert "33,3" in text and "33.3" not in text


def test_beranda_due_and_weighed_add_up_to_s_and_weighed_is_d(local_client):
    turning_five = make_person(local_client, name="Lima", birth_date="2021-11-26")
    weighed = make_person(local_client, name="Timbang", birth_date="2025-06-10")
    vitamin_only = make_person(local_client, name="Vitamin", birth_date="2025-03-10")
    make_person(local_client, name="Belum", birth_date="2024-03-10")
    assert visit(local_client, weighed["id"], "2026-11-20", 8.0).status_code == 201
    assert visit(local_client, vitamin_only["id"], "2026-11-20", vitamin_a="red").status_code == 201
    page = local_client.get("/").get_data(as_text=True)

    def count(key):
        return int(page.split(f'data-count="{key}"')[1].split('class="num">')[1].split("<")[0])

    due = page.split('id="due-list"')[1].split("</ul>")[0].count("<li><a")
    measured = page.split('id="measured-list"')[1].split("</ul>")[0].count("<li><a")
    assert (count("S"), count("D")) == (3, 1)
    assert due + measured == count("S") and measured == count("D")
    assert turning_five["id"] not in page.split('id="due-list"')[1].split("</ul>")[0]


# -- 8. registration -----------------------------------------------------------------------


def test_registration_has_its_own_page_one_click_from_beranda(local_client):
    home = local_client.get("/").get_data(as_text=True)
    assert 'href="/registrasi/baru"' in home
    page = local_client.get("/registrasi/baru")
    assert page.status_code == 200
    assert 'id="person-form"' in page.get_data(as_text=True)
    assert 'id="person-form"' not in local_client.get("/registrasi").get_data(as_text=True)


def test_registration_asks_identity_fields_and_leaves_move_out_and_death_out(local_client):
    page = local_client.get("/registrasi/baru").get_data(as_text=True)
    for name in ("nik", "no_kk", "mother_nik", "father_nik", "birth_weight_kg", "desa_code"):
        assert f'name="{name}"' in page, name
    for name in ("moved_out_on", "died_on", "death_cause"):
        assert f'name="{name}"' not in page, name


def test_desa_is_picked_from_the_desa_records_the_device_pulled(local_client, store):
    pull(store, desa(), desa("6111012002", "Sutera"))
    page = local_client.get("/registrasi/baru").get_data(as_text=True)
    select = page.split('id="person-form-desa_code"')[1].split("</select>")[0]
    assert page.split('id="person-form-desa_code"')[0].rstrip().endswith("<select")
    assert f'value="{DESA}"' in select and "Sukadana" in select and "Sutera" in select


def test_person_kind_takes_the_parents_nik(local_client):
    person = make_person(local_client, mother_nik="6406010101900001", father_nik="6406010101880002")
    assert person["fields"]["mother_nik"] == "6406010101900001"
    bad = local_client.post(
        "/api/records/person",
        json={
            "posyandu_id": POSYANDU,
            "name": "Y",
            "sex": "F",
            "birth_date": "2025-01-01",
            "father_nik": "12",
        },
    )
    assert bad.status_code == 422 and "father_nik" in bad.get_json()["error"]["details"]


def test_low_birth_weight_is_flagged_bblr(local_client):
    small = make_person(local_client, name="Kecil", birth_weight_kg=2.3)
    assert small["derived"]["bblr"] is True
    normal = make_person(local_client, name="Besar", birth_weight_kg=3.1, mother_name="Rina")
    assert normal["derived"]["bblr"] is False
    page = local_client.get(f"/balita/{small['id']}").get_data(as_text=True)
    assert 'data-flag="bblr"' in page and "BBLR" in visible_text(page)


def test_pindah_and_meninggal_are_actions_on_the_person_page(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-11-24")
    page = local_client.get(f"/balita/{child['id']}").get_data(as_text=True)
    assert 'id="move-out-form"' in page and 'id="death-form"' in page
    edit = page.split('id="person-form"')[1].split("</form>")[0]
    assert 'name="moved_out_on"' not in edit and 'name="died_on"' not in edit
    adult = make_person(local_client, name="Pak Umar", sex="M", birth_date="1950-01-01")
    page = local_client.get(f"/orang/{adult['id']}").get_data(as_text=True)
    assert 'id="move-out-form"' in page and 'id="death-form"' in page


def test_editing_a_person_of_another_desa_keeps_that_desa(local_client, store):
    pull(store, desa())
    person = make_person(local_client, desa_code="6111012009")
    page = local_client.get(f"/orang/{person['id']}?edit=1").get_data(as_text=True)
    select = page.split('id="person-form-desa_code"')[1].split("</select>")[0]
    assert '<option value="6111012009" selected>' in select
