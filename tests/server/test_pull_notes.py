"""What the server notes of a device's pulls (issue #19): the cursor it holds (where a file bundle
for it starts) and when it pulled. A download of many pages is noted at its first page, its
last, and at most once a minute between them (a note per page was a disk flush per page); an
older cursor than the one kept (a device restored from a copy) is noted at once."""

from __future__ import annotations

from testkit.factories import person


def noted(app, device_id: str) -> str | None:
    from server.extensions import db
    from server.models import Device

    with app.app_context():
        found = db.session.get(Device, device_id).delivered_cursor
        db.session.rollback()
    return found


def page(dev, cursor: str | None, limit: int = 3) -> dict:
    params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
    response = dev.http.get(f"{dev.base}/sync/pull", params=params, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_download_is_noted_at_its_first_and_last_page_and_a_step_back_at_once(app, device):
    kader = device("kader_a1")
    answers = kader.push([kader.mutation("person", person()) for _ in range(8)]).json()
    assert {r["status"] for r in answers["results"]} == {"applied"}
    reader = device("kader_a1")
    first = page(reader, None)
    assert first["more"] and noted(app, reader.device_id) is None  # holds nothing yet
    second = page(reader, first["cursor"])
    assert noted(app, reader.device_id) == first["cursor"]  # the first it holds: noted
    third = page(reader, second["cursor"])
    assert third["more"]
    assert noted(app, reader.device_id) == first["cursor"]  # within the minute: not yet
    cursor = third["cursor"]
    while True:  # to the last page, which is noted
        last = page(reader, cursor)
        if not last["more"]:
            break
        cursor = last["cursor"]
    assert noted(app, reader.device_id) == cursor
    page(reader, first["cursor"])  # restored from an older copy: a step back
    assert noted(app, reader.device_id) == first["cursor"]
