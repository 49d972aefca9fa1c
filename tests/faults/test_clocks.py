"""Devices whose clocks are years ahead or behind: the outcome does not depend on the sync order,
no future HLC is stored, and the skew is reported (device row, Mutu data page, client status)."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa

from shared.sync import hlc as hlc_mod
from testkit.world import PASSWORD

from .conftest import server_device, server_records

YEAR_MS = 365 * 86_400_000


def real_ms() -> int:
    return int(time.time() * 1000)


def ahead_ms() -> int:
    return real_ms() + 3 * YEAR_MS


def behind_ms() -> int:
    return real_ms() - 5 * YEAR_MS


def sign_in(client, username):
    page = client.get("/masuk")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.text
    return client


def open_conflicts(app, record_id):
    from server.extensions import db
    from server.models import Conflict

    with app.app_context():
        rows = [
            (c.field, c.winner_value, c.loser_value)
            for c in db.session.execute(
                sa.select(Conflict).where(Conflict.record_id == record_id)
            ).scalars()
        ]
        db.session.rollback()
    return sorted(rows)


def field_hlc_ms(app, record_id, name):
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        meta = db.session.get(Record, record_id).field_meta[name]
        db.session.rollback()
    return hlc_mod.parse(meta[1]).ms


@pytest.mark.parametrize("order", ["ahead_first", "behind_first"])
def test_skewed_clocks_give_one_outcome_whatever_the_sync_order(make_device, app, order):
    ahead = make_device("ahead", clock_ms=ahead_ms)
    behind = make_device("behind", clock_ms=behind_ms)
    ani = ahead.register("Ani")
    ahead.agent.sync()
    behind.agent.sync()
    # Both edit offline: the same field (name) and one field each.
    ahead.service.update("person", ani.id, {"name": "Ani Maju", "address": "RT 01 Sutera"})
    behind.service.update("person", ani.id, {"name": "Ani Mundur", "phone": "081234567890"})
    first, second = (ahead, behind) if order == "ahead_first" else (behind, ahead)
    first.agent.sync()
    second.agent.sync()
    first.agent.sync()

    # The +3-year HLC is clamped to the server's clock when it arrives, which is after the
    # -5-year device last heard the server's time: the ahead edit wins in both orders.
    version, deleted, fields = server_records(app)[ani.id]
    assert (fields["name"], fields["address"], fields["phone"], deleted) == (
        "Ani Maju",
        "RT 01 Sutera",
        "081234567890",
        False,
    )
    assert version == 3
    assert open_conflicts(app, ani.id) == [("name", "Ani Maju", "Ani Mundur")]
    assert field_hlc_ms(app, ani.id, "name") <= real_ms()  # no future HLC was stored
    for device in (ahead, behind):
        record = device.store.get("person", ani.id)
        assert (record.version, record.fields["name"], record.fields["phone"]) == (
            3,
            "Ani Maju",
            "081234567890",
        )
        assert device.agent.sync().digest_ok is True


def test_clock_skew_is_reported_on_the_device_row_the_quality_page_and_the_client(make_device, app):
    ahead = make_device("ahead", clock_ms=ahead_ms)
    behind = make_device("behind", clock_ms=behind_ms)
    on_time = make_device("on-time")
    for device in (ahead, behind, on_time):
        device.register(f"Anak {device.dir.name}")
        device.agent.sync()
    skew_ahead, flagged_ahead, _ = server_device(app, ahead.device_id)
    skew_behind, flagged_behind, _ = server_device(app, behind.device_id)
    skew_ok, flagged_ok, _ = server_device(app, on_time.device_id)
    day = 86_400_000
    assert abs(skew_ahead - 3 * YEAR_MS) < day and flagged_ahead is True
    assert abs(skew_behind + 5 * YEAR_MS) < day and flagged_behind is False
    assert abs(skew_ok) < 60_000 and flagged_ok is False

    page = sign_in(app.test_client(), "pkm_a").get("/mutu-data")
    assert page.status_code == 200
    skewed = page.text.split('id="skew"')[1]
    assert ahead.device_id in skewed and behind.device_id in skewed
    assert on_time.device_id not in skewed

    # The device itself shows its offset from the server (Sinkronisasi page, status --json).
    assert abs(ahead.agent.status()["clock_offset_seconds"] + 3 * YEAR_MS / 1000) < 86_400
    assert abs(behind.agent.status()["clock_offset_seconds"] - 5 * YEAR_MS / 1000) < 86_400


def test_work_saved_offline_days_ago_is_not_reported_as_a_slow_clock(device, app):
    """A client without X-Device-Time (protocol v1 before it): a mutation saved a week ago says
    nothing about the clock, so the server records no offset rather than "a week slow"."""
    old_client = device("kader_a1")
    mutation = old_client.mutation(
        "person", {"posyandu_id": "PSY-A1", "name": "Ani", "sex": "F", "birth_date": "2025-06-10"}
    )
    mutation["device_time"] = "2026-11-17T09:00:00+07:00"
    response = old_client.push([mutation])
    assert response.status_code == 200, response.text
    assert server_device(app, old_client.device_id) == (None, False, 1)
    # The same client with a clock an hour ahead is still measured from its device_time.
    ahead = old_client.mutation(
        "person", {"posyandu_id": "PSY-A1", "name": "Budi", "sex": "M", "birth_date": "2025-06-10"}
    )
    ahead["device_time"] = hlc_mod.ms_to_iso(real_ms() + 3_600_000)
    assert old_client.push([ahead]).status_code == 200
    skew, _, _ = server_device(app, old_client.device_id)
    assert 3_500_000 < skew <= 3_600_000
