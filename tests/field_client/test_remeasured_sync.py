"""The "Saya sudah mengukur ulang" confirmation travels with the visit: its ``remeasured`` field
is in the outbox mutation the server receives, not only in the device's local flags."""

from __future__ import annotations

from tests.field_client.conftest import make_person


def visit(local_client, person_id, day, weight, **extra):
    body = {"person_id": person_id, "visit_date": day, "weight_kg": weight, **extra}
    return local_client.post("/api/records/child_visit", json=body)


def outbox_fields(local_app, record_id):
    store = local_app.extensions["posyandu"].store
    return [m.fields for m in store.pending() if m.id == record_id]


def test_a_confirmed_re_measured_visit_sends_remeasured(local_app, local_client):
    child = make_person(local_client, sex="M", birth_date="2025-06-10")
    first = visit(local_client, child["id"], "2026-10-20", 9.7)
    assert first.status_code == 201
    assert all(
        f.get("remeasured") is None for f in outbox_fields(local_app, first.get_json()["id"])
    )
    assert visit(local_client, child["id"], "2026-11-20", 7.2).status_code == 409
    saved = visit(local_client, child["id"], "2026-11-20", 7.2, _confirm=True)
    assert saved.status_code == 201
    sent = outbox_fields(local_app, saved.get_json()["id"])
    assert sent and sent[0]["remeasured"] is True


def test_the_visit_form_has_no_remeasured_input_and_other_forms_no_tick(local_client):
    child = make_person(local_client, sex="M", birth_date="2025-06-10")
    visit_page = local_client.get(f"/balita/{child['id']}/kunjungan").get_data(as_text=True)
    assert 'name="remeasured"' not in visit_page
    assert 'name="_confirm"' in visit_page  # the tick itself, on the visit form
    person_page = local_client.get(f"/orang/{child['id']}?edit=1").get_data(as_text=True)
    assert 'name="_confirm"' not in person_page
