"""The local JSON API and pages, through Flask's test client."""

import json

import pytest

from field_client import security
from field_client.cli import build_parser, main
from field_client.launcher import launch_url, local_server

from .conftest import POSYANDU, TOKEN, make_person


def visit(local_client, person_id, day, weight, **extra):
    return local_client.post(
        "/api/records/child_visit",
        json={"person_id": person_id, "visit_date": day, "weight_kg": weight, **extra},
    )


# -- the launch token --------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"X-Launch-Token": "wrong"}])
def test_requests_without_the_launch_token_are_refused(local_app, headers):
    anonymous = local_app.test_client()
    assert anonymous.get("/api/records/person", headers=headers).status_code == 403
    response = anonymous.post("/api/records/person", json={"name": "X"}, headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "launch_token"
    assert anonymous.get("/", headers=headers).status_code == 403


def test_launch_url_sets_a_strict_http_only_cookie(local_app):
    anonymous = local_app.test_client()
    response = anonymous.get(f"/registrasi?launch={TOKEN}")
    assert response.status_code == 302 and response.location == "/registrasi"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_cookie_alone_does_not_open_the_api_before_the_pin(browser_client):
    response = browser_client.get("/api/records/person")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "locked"


def test_browser_writes_must_be_json(browser_client, local_app):
    store = local_app.extensions["posyandu"].store
    security.set_pin(store, "2468")
    assert browser_client.post("/unlock", data={"pin": "2468"}).status_code == 302
    response = browser_client.post("/api/records/person", data={"name": "X"})
    assert response.status_code == 415


def test_static_assets_need_no_token(local_app):
    response = local_app.test_client().get("/static/app.js")
    assert response.status_code == 200
    response.close()


# -- records -----------------------------------------------------------------------------


def test_created_record_is_saved_and_queued_for_sync(local_client, local_app):
    person = make_person(local_client)
    assert person["fields"]["name"] == "Ani" and person["sync_state"] == "pending"
    assert local_client.get(f"/api/records/person/{person['id']}").get_json()["id"] == person["id"]
    status = local_client.get("/api/sync/status").get_json()
    assert status["pending"] == 1 and status["quarantined"] == 0


def test_invalid_input_gets_422_with_indonesian_messages_per_field(local_client):
    response = local_client.post(
        "/api/records/person",
        json={"posyandu_id": POSYANDU, "sex": "X", "birth_date": "2031-01-01"},
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"] == "Ada isian yang perlu diperbaiki."
    assert "wajib diisi" in error["details"]["name"][0]
    assert set(error["details"]) >= {"name", "sex", "birth_date"}


def test_messages_are_english_when_asked(local_client):
    response = local_client.post("/api/records/person?lang=en", json={"posyandu_id": POSYANDU})
    error = response.get_json()["error"]
    assert error["message"] == "Some entries need correcting."
    assert "required" in error["details"]["name"][0].lower()


def test_body_must_be_a_json_object(local_client):
    response = local_client.post("/api/records/person", json=[1, 2])
    assert response.status_code == 400


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/records/nope"),
        ("post", "/api/records/nope"),
        ("get", "/api/records/person/00000000-0000-4000-8000-000000000000"),
        ("patch", "/api/records/person/00000000-0000-4000-8000-000000000000"),
        ("delete", "/api/records/person/00000000-0000-4000-8000-000000000000"),
    ],
)
def test_unknown_kind_or_record_is_404(local_client, method, path):
    kwargs = {"json": {}} if method in ("post", "patch") else {}
    response = getattr(local_client, method)(path, **kwargs)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_reference_kinds_are_read_only(local_client):
    assert local_client.post("/api/records/facility", json={"id": "X"}).status_code == 405
    assert local_client.get("/api/records/facility").status_code == 200


def test_patch_validates_the_whole_record_and_queues_only_changes(local_client, local_app):
    person = make_person(local_client)
    response = local_client.patch(
        f"/api/records/person/{person['id']}", json={"name": "Ani Lestari"}
    )
    assert response.status_code == 200
    assert response.get_json()["fields"]["name"] == "Ani Lestari"
    last = local_app.extensions["posyandu"].store.pending()[-1]
    assert last.fields == {"name": "Ani Lestari"}
    bad = local_client.patch(f"/api/records/person/{person['id']}", json={"birth_date": "tomorrow"})
    assert bad.status_code == 422 and "birth_date" in bad.get_json()["error"]["details"]


def test_delete_tombstones_the_record_and_queues_a_delete(local_client, local_app):
    person = make_person(local_client)
    assert local_client.delete(f"/api/records/person/{person['id']}").status_code == 204
    assert local_client.get(f"/api/records/person/{person['id']}").status_code == 404
    assert local_app.extensions["posyandu"].store.pending()[-1].op == "delete"


def test_scope_key_is_filled_from_the_kaders_scope(local_client, local_app):
    local_app.extensions["posyandu"].store.set_meta(scope={"posyandu": [POSYANDU]})
    response = local_client.post(
        "/api/records/person", json={"name": "Budi", "sex": "M", "birth_date": "2024-02-02"}
    )
    assert response.status_code == 201
    assert response.get_json()["fields"]["posyandu_id"] == POSYANDU


def test_list_filters_by_person_and_search(local_client):
    ani = make_person(local_client)
    make_person(local_client, name="Budi", sex="M")
    visit(local_client, ani["id"], "2026-10-05", 8.0)
    found = local_client.get("/api/records/person?q=bud").get_json()
    assert [r["fields"]["name"] for r in found["records"]] == ["Budi"]
    visits = local_client.get(f"/api/records/child_visit?person_id={ani['id']}").get_json()
    assert visits["count"] == 1


# -- growth --------------------------------------------------------------------------------


def test_growth_preview_shows_zscores_categories_and_growth_against_last_month(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-11-24")
    assert visit(local_client, child["id"], "2026-10-20", 9.0).status_code == 201
    response = local_client.post(
        "/api/growth/preview",
        json={
            "person_id": child["id"],
            "visit_date": "2026-11-20",
            "weight_kg": 9.1,
            "length_cm": 74.0,
            "position": "lying",
        },
    )
    assert response.status_code == 200
    preview = response.get_json()
    assert preview["age_months"] == 11
    assert preview["waz"] is not None and preview["lhaz"] is not None
    assert preview["categories"]["waz"]
    assert preview["growth"]["status"] == "T" and preview["growth"]["gain_g"] == 100
    assert preview["growth"]["kbm_g"] == 200
    assert [a["code"] for a in preview["alerts"]] == ["t"]


def test_growth_preview_reports_bad_input_per_field(local_client):
    child = make_person(local_client)
    response = local_client.post(
        "/api/growth/preview",
        json={"person_id": child["id"], "visit_date": "2020-01-01", "weight_kg": 8},
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]


def test_second_month_without_gain_raises_the_2t_alert(local_client):
    child = make_person(local_client, sex="F", birth_date="2025-06-10")
    for day, kg in (("2026-08-10", 8.0), ("2026-09-10", 8.0), ("2026-10-10", 8.0)):
        assert visit(local_client, child["id"], day, kg).status_code == 201
    preview = local_client.post(
        "/api/growth/preview",
        json={"person_id": child["id"], "visit_date": "2026-11-10", "weight_kg": 8.0},
    ).get_json()
    assert preview["growth"]["two_t"] is True
    assert "two_t" in [a["code"] for a in preview["alerts"]]


def test_bgm_alert_below_minus_three_sd(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-11-24")
    preview = local_client.post(
        "/api/growth/preview",
        json={"person_id": child["id"], "visit_date": "2026-11-20", "weight_kg": 6.5},
    ).get_json()
    assert preview["waz"] < -3 and preview["bgm"] is True
    assert "bgm" in [a["code"] for a in preview["alerts"]]


def test_implausible_measurement_needs_explicit_confirmation(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-11-24")
    refused = visit(local_client, child["id"], "2026-11-20", 30.0)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "implausible" and "weight_kg" in error["details"]
    accepted = visit(local_client, child["id"], "2026-11-20", 30.0, _confirm=True)
    assert accepted.status_code == 201
    assert accepted.get_json()["derived"]["implausible"] is True


def test_saved_visit_keeps_derived_values_locally_but_never_sends_them(local_client, local_app):
    child = make_person(local_client, sex="M", birth_date="2025-11-24")
    saved = visit(local_client, child["id"], "2026-11-20", 9.0).get_json()
    assert saved["derived"]["waz"] is not None
    mutation = local_app.extensions["posyandu"].store.pending()[-1]
    assert "waz" not in mutation.fields and mutation.fields["weight_kg"] == 9.0


def test_anc_visit_derives_kek_below_23_5_cm(local_client):
    mother = make_person(local_client, name="Siti", birth_date="1995-01-01", mother_name=None)
    pregnancy = local_client.post(
        "/api/records/pregnancy", json={"person_id": mother["id"], "registered_on": "2026-10-01"}
    ).get_json()
    response = local_client.post(
        "/api/records/anc_visit/derive",
        json={"pregnancy_id": pregnancy["id"], "person_id": mother["id"], "muac_cm": 22.0},
    )
    assert response.get_json()["derived"]["kek"] is True


def test_adult_visit_derives_imt_and_skilas_referral(local_client):
    elder = make_person(local_client, name="Pak Umar", sex="M", birth_date="1950-01-01")
    saved = local_client.post(
        "/api/records/adult_visit",
        json={
            "person_id": elder["id"],
            "visit_date": "2026-11-20",
            "weight_kg": 60.0,
            "height_cm": 160.0,
            "skilas": {
                "cognitive": False,
                "mobility": True,
                "malnutrition": False,
                "vision": False,
                "hearing": False,
                "depression": False,
            },
        },
    )
    assert saved.status_code == 201, saved.get_json()
    derived = saved.get_json()["derived"]
    assert derived["bmi"] == 23.4 and derived["bmi_category"] == "normal"
    assert derived["refer"] is True and derived["skilas_positive"] == ["mobility"]


# -- duplicates ---------------------------------------------------------------------------------


def test_duplicate_warning_for_same_nik(local_client):
    make_person(local_client, nik="6406010101250001")
    found = local_client.get("/api/persons/duplicates?nik=6406010101250001&name=Lain").get_json()
    assert found["count"] == 1


def test_duplicate_warning_for_same_name_birth_date_and_mother(local_client):
    make_person(local_client)
    same = local_client.get(
        "/api/persons/duplicates?name=ani&birth_date=2025-06-10&mother_name=SITI"
    ).get_json()
    other_mother = local_client.get(
        "/api/persons/duplicates?name=Ani&birth_date=2025-06-10&mother_name=Rina"
    ).get_json()
    assert same["count"] == 1 and other_mother["count"] == 0


# -- quarantine ------------------------------------------------------------------------------


def test_quarantined_record_is_fixed_and_resent_with_a_new_seq(local_client, local_app):
    store = local_app.extensions["posyandu"].store
    person = make_person(local_client)
    store.apply_push_results(
        [{"seq": 1, "status": "rejected", "errors": {"name": ["Nama ditolak server."]}}]
    )
    listed = local_client.get("/api/sync/outbox").get_json()
    assert listed["quarantined"][0]["errors"] == {"name": ["Nama ditolak server."]}
    response = local_client.post(
        "/api/sync/quarantine/1/resend", json={"fields": {"name": "Ani S"}}
    )
    assert response.status_code == 200 and response.get_json()["seq"] == 2
    assert store.quarantined() == [] and store.pending()[0].fields["name"] == "Ani S"
    assert (
        local_client.get(f"/api/records/person/{person['id']}").get_json()["fields"]["name"]
        == "Ani S"
    )


def test_resend_of_still_invalid_fields_is_refused(local_client, local_app):
    make_person(local_client)
    local_app.extensions["posyandu"].store.apply_push_results(
        [{"seq": 1, "status": "rejected", "errors": {}}]
    )
    response = local_client.post("/api/sync/quarantine/1/resend", json={"fields": {"sex": "Q"}})
    assert response.status_code == 422


# -- sync status ---------------------------------------------------------------------------------


def test_sync_status_has_the_documented_fields(local_client):
    status = local_client.get("/api/sync/status").get_json()
    assert {
        "pending",
        "quarantined",
        "last_sync_at",
        "last_error",
        "in_progress",
        "progress",
        "clock_offset_seconds",
    } <= set(status)


def test_sync_without_sign_in_records_a_plain_error(local_client, local_app):
    assert local_client.post("/api/sync", json={}).status_code == 202
    local_app.extensions["posyandu"].wait_for_sync()
    status = local_client.get("/api/sync/status").get_json()
    assert status["last_error"]["code"] == "not_signed_in" and not status["in_progress"]


# -- pages -------------------------------------------------------------------------------------


def test_every_page_renders(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-11-24")
    visit(local_client, child["id"], "2026-11-20", 9.0, length_cm=74.0, position="lying")
    mother = make_person(local_client, name="Siti", birth_date="1995-01-01")
    pregnancy = local_client.post(
        "/api/records/pregnancy", json={"person_id": mother["id"], "registered_on": "2026-10-01"}
    ).get_json()
    session = local_client.post(
        "/api/records/posyandu_session",
        json={
            "posyandu_id": POSYANDU,
            "session_date": "2026-11-20",
            "opened": True,
            "kader_registered": 5,
            "kader_present": 4,
            "program_tambahan": ["bkb"],
        },
    )
    assert session.status_code == 201, session.get_json()
    report = local_client.post(
        "/api/records/desa_report",
        json={
            "desa_code": "6111012001",
            "period": "2026-11",
            "births_live": 2,
            "odf_status": "odf",
        },
    )
    assert report.status_code == 201, report.get_json()
    for path in [
        "/",
        "/registrasi",
        "/registrasi?q=an&tahap=balita",
        f"/balita/{child['id']}",
        f"/balita/{child['id']}/kunjungan",
        f"/orang/{mother['id']}",
        f"/kehamilan/{pregnancy['id']}",
        f"/dewasa/{mother['id']}/kunjungan",
        "/hari-buka",
        f"/hari-buka?id={session.get_json()['id']}",
        "/laporan-bulanan",
        "/laporan-bulanan?bulan=2026-10",
        "/laporan-desa",
        f"/laporan-desa?id={report.get_json()['id']}",
        "/sinkronisasi",
        "/cari",
        "/cari?q=an",
    ]:
        response = local_client.get(path)
        assert response.status_code == 200, path
        assert b"Beranda" in response.data


def test_child_page_draws_the_growth_chart_with_the_childs_points(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-11-24")
    visit(local_client, child["id"], "2026-10-20", 9.0)
    visit(local_client, child["id"], "2026-11-20", 9.4)
    page = local_client.get(f"/balita/{child['id']}").get_data(as_text=True)
    assert 'data-index="waz" data-points="2"' in page
    assert page.count('class="child-point"') == 2
    assert "sd-3" in page and "sd+3" in page


def test_monthly_report_counts_skdn_live(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-11-24", has_kia_book=True)
    make_person(local_client, name="Budi", sex="M", birth_date="2024-01-01")
    visit(local_client, child["id"], "2026-10-20", 9.0)
    visit(local_client, child["id"], "2026-11-20", 9.4)
    page = local_client.get("/laporan-bulanan?bulan=2026-11").get_data(as_text=True)

    def count(key):
        row = page.split(f'data-count="{key}"')[1]
        return int(row.split('class="num">')[1].split("<")[0])

    assert (count("S"), count("K"), count("D"), count("N")) == (2, 1, 1, 1)


def test_home_lists_children_measured_this_month_up_to_today_and_the_others_as_due(
    local_client, local_app
):
    store = local_app.extensions["posyandu"].store
    children = {
        name: make_person(local_client, name=name, birth_date="2025-06-10")["id"]
        for name in ("Ani", "Budi", "Citra", "Dewi")
    }
    assert visit(local_client, children["Ani"], "2026-11-02", 9.0).status_code == 201
    assert visit(local_client, children["Budi"], "2026-10-20", 8.8).status_code == 201
    # a visit dated after today (device clock was wrong) does not count as measured yet
    store.save(
        "child_visit",
        "later",
        {
            "person_id": children["Citra"],
            "posyandu_id": POSYANDU,
            "visit_date": "2026-11-28",
            "weight_kg": 9.1,
        },
    )
    make_person(local_client, name="Eko", birth_date="2019-01-01")  # not a balita
    page = local_client.get("/").get_data(as_text=True)
    due = page.split('id="due-list"')[1].split("</ul>")[0]
    measured = page.split('id="measured-list"')[1].split("</ul>")[0]
    assert "Ani" in measured and all(n not in measured for n in ("Budi", "Citra", "Dewi"))
    assert all(n in due for n in ("Budi", "Citra", "Dewi")) and "Ani" not in due
    assert "Eko" not in due and "Eko" not in measured  # a sasaran of today, not a balita


def test_pages_switch_to_english(local_client):
    assert local_client.get("/bahasa/en").status_code == 302
    assert b"Home" in local_client.get("/").data


def test_unknown_person_page_is_404(local_client):
    assert local_client.get("/balita/00000000-0000-4000-8000-000000000000").status_code == 404


# -- PIN -------------------------------------------------------------------------------------


def test_first_run_goes_to_sign_in(browser_client):
    response = browser_client.get("/")
    assert response.status_code == 302 and response.location == "/setup"
    assert browser_client.get("/setup").status_code == 200


def test_pin_is_set_after_sign_in_and_unlocks_later(local_app, browser_client):
    store = local_app.extensions["posyandu"].store
    store.set_meta(token="device-token", device_id="dev-1")
    assert browser_client.get("/").location == "/pin"
    assert browser_client.post("/pin", data={"pin": "12", "pin2": "12"}).status_code == 400
    assert browser_client.post("/pin", data={"pin": "1357", "pin2": "1357"}).status_code == 400
    assert browser_client.post("/pin", data={"pin": "135792", "pin2": "135793"}).status_code == 400
    assert browser_client.post("/pin", data={"pin": "135792", "pin2": "135792"}).status_code == 302
    assert browser_client.get("/").status_code == 200
    keyring_text = store.keyring.path.read_text()  # the PIN wraps the data key (crypto.py)
    assert '"wrapped"' in keyring_text and "135792" not in keyring_text

    later = local_app.test_client()
    later.get(f"/?launch={TOKEN}")
    assert later.get("/registrasi").location.startswith("/unlock")
    assert later.post("/unlock", data={"pin": "000000"}).status_code == 400
    response = later.post("/unlock", data={"pin": "135792", "next": "/registrasi"})
    assert response.status_code == 302 and response.location == "/registrasi"
    assert later.get("/registrasi").status_code == 200


def test_unlock_never_redirects_to_another_site(local_app, browser_client):
    security.set_pin(local_app.extensions["posyandu"].store, "1357")
    response = browser_client.post("/unlock", data={"pin": "1357", "next": "//evil.example/"})
    assert response.location == "/"


def test_repeated_wrong_pins_lock_for_a_while(local_app):
    store = local_app.extensions["posyandu"].store
    security.set_pin(store, "1357")
    outcomes = [security.check_pin(store, "0000", now=1000.0) for _ in range(5)]
    assert outcomes[-1] == "locked"
    assert security.check_pin(store, "1357", now=1001.0) == "locked"
    assert security.check_pin(store, "1357", now=1000.0 + 31) == "ok"


# -- command line and launcher --------------------------------------------------------------------


def test_local_server_binds_loopback_only(local_app):
    server = local_server(local_app, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
        assert launch_url(server, "abc") == f"http://127.0.0.1:{server.server_port}/?launch=abc"
    finally:
        server.server_close()


def test_command_line_options(tmp_path):
    args = build_parser().parse_args(["--data-dir", str(tmp_path), "--browser", "--port", "8123"])
    assert (args.data_dir, args.browser, args.port, args.command) == (tmp_path, True, 8123, None)
    args = build_parser().parse_args(
        ["login", "--server", "http://x", "--username", "u", "--data-dir", str(tmp_path)]
    )
    assert args.command == "login" and args.data_dir == tmp_path


def test_status_json_reports_pending_changes(data_dir, capsys):
    from field_client.store import Store

    with Store.open(data_dir) as store:
        store.save("person", "p1", {"name": "Ani"})
    assert main(["--data-dir", str(data_dir), "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["pending"] == 1 and status["signed_in"] is False


def test_sync_command_fails_plainly_when_not_signed_in(data_dir, capsys):
    assert main(["sync", "--data-dir", str(data_dir)]) == 1
    assert "belum masuk" in capsys.readouterr().err


def test_monthly_report_window_gives_the_same_counts_as_the_whole_history(local_client, local_app):
    from field_client.service import RecordService
    from shared.indicators import month_indicators

    weights = {
        "2026-03-10": 8.0,
        "2026-05-10": 8.1,
        "2026-08-10": 8.5,
        "2026-09-10": 8.5,
        "2026-10-10": 8.5,
        "2026-11-10": 8.9,
    }
    for n, skip in enumerate(("2026-08-10", "2026-10-10", None, "2026-09-10")):
        child = make_person(local_client, name=f"Anak {n}", birth_date="2025-09-01")
        for day, kg in weights.items():
            if day != skip and not (n == 2 and day < "2026-09-01"):
                assert visit(local_client, child["id"], day, kg + n / 10).status_code == 201
    store = local_app.extensions["posyandu"].store
    service = RecordService(store)
    everything = month_indicators(
        store.rows("person"), store.rows("child_visit", derived_keys=("waz",)), 2026, 11
    )
    for month in (9, 10, 11):
        windowed = service.month_report(2026, month)["indicators"]
        full = month_indicators(
            store.rows("person"), store.rows("child_visit", derived_keys=("waz",)), 2026, month
        )
        assert windowed.counts == full.counts
    assert everything.counts["D"] == 4


def test_registry_offers_a_posyandu_choice_when_the_scope_has_several(local_client, local_app):
    local_app.extensions["posyandu"].store.set_meta(scope={"posyandu": ["PSY-A1", "PSY-A2"]})
    page = local_client.get("/registrasi/baru").get_data(as_text=True)
    assert '<select id="person-form-posyandu_id"' in page and "PSY-A2" in page


def test_every_client_text_used_exists_in_both_languages():
    import importlib
    import re
    from pathlib import Path

    from shared import i18n

    root = Path(__file__).resolve().parents[2] / "field_client"
    # messages are registered by the module that uses them: import every module first, so the
    # check does not depend on which tests ran before
    for path in root.glob("*.py"):
        if path.stem not in {"__init__", "__main__"}:
            importlib.import_module(f"field_client.{path.stem}")
    used = set()
    for path in [*root.glob("*.py"), *root.glob("templates/*.html"), *root.glob("static/*.js")]:
        used |= set(
            re.findall(r"""["'](client\.[a-z_]+(?:\.[a-z_0-9]+)*)(?![.\w])""", path.read_text())
        )
    missing = sorted(k for k in used if not i18n.has(k))
    assert len(used) > 100
    assert missing == []
    assert [k for k, _ in i18n.incomplete() if k.startswith("client.")] == []


def test_sync_page_lists_a_rejected_change_with_its_reason_and_a_fix_form(local_client, local_app):
    make_person(local_client)
    local_app.extensions["posyandu"].store.apply_push_results(
        [{"seq": 1, "status": "rejected", "errors": {"name": ["Nama ditolak server."]}}]
    )
    page = local_client.get("/sinkronisasi").get_data(as_text=True)
    assert "Nama ditolak server." in page
    assert 'data-resend-seq="1"' in page and 'data-discard-seq="1"' in page


def test_registry_filters_pregnant_women(local_client):
    mother = make_person(local_client, name="Siti Hamil", birth_date="1995-01-01")
    make_person(local_client, name="Rina", birth_date="1996-01-01")
    local_client.post(
        "/api/records/pregnancy", json={"person_id": mother["id"], "registered_on": "2026-10-01"}
    )
    page = local_client.get("/registrasi?tahap=hamil").get_data(as_text=True)
    assert "Siti Hamil" in page and "Rina" not in page


def test_a_lone_surrogate_or_an_infinite_number_is_refused_in_words_and_nothing_is_saved(
    local_client, local_app
):
    """The hostile generator found a 500: a lone surrogate as a record id reached the store."""
    store = local_app.extensions["posyandu"].store
    before = len(store.list("person"))
    for raw, words in (
        ('{"id": "\\ud800", "name": "Ani", "posyandu_id": "PSY-A1"}', "karakter yang tidak sah"),
        ('{"name": "Ani\\udfff", "posyandu_id": "PSY-A1"}', "karakter yang tidak sah"),
        ('{"name": "Ani", "posyandu_id": "PSY-A1", "weight_kg": 1e999}', "Angka tidak wajar"),
        ('{"name": "Ani", "posyandu_id": "PSY-A1", "rt": ' + "9" * 400 + "}", "Angka tidak wajar"),
    ):
        answer = local_client.post("/api/records/person", data=raw, content_type="application/json")
        assert answer.status_code == 422, (raw, answer.get_data(as_text=True))
        assert words in answer.get_json()["error"]["details"]["_schema"][0]
    assert len(store.list("person")) == before
