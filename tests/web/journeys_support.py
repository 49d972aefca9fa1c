"""The Pokjanal pages' journey coverage: their recorder, and a database with one of everything.

How controls are named and touches recorded is ``tests/support/journeys.py`` (shared with the
field client). The server's pages add their own rules so that a control's name does not depend
on the data: codes of wilayah and facilities become ``{kode}``, ISO weeks ``{minggu}``, usernames
in addresses ``{user}``, query values with digits or capitals ``{v}``. Every Chromium tab of the
``page`` fixture records what its test touched (tests/web/conftest.py); the touches of each run
are written to ``tests/artifacts/web-journey-touches.json``.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from testkit.factories import person
from tests.support.journeys import Recorder

RULES = (
    (r"(/pengguna/)[^/?#]+", "g", "$1{user}"),
    (r"([?&][a-z_]+=)[^&#]*[0-9A-Z][^&#]*", "g", "$1{v}"),
    (r"\b\d{4}-W\d{2}\b", "g", "{minggu}"),
    (r"\b(PSY|PKM|DINKES)-[A-Z0-9]+\b", "g", "{kode}"),
    (r"\b\d{6,10}\b", "g", "{kode}"),
    (r"-\d+-", "g", "-{n}-"),  # the rows of a form: attendance-3-name
    (r"-\d+$", "", "-{n}"),
    (r"(/)\d+(?=/|$)", "g", "$1{n}"),
)
RECORDER = Recorder("web-journey-touches.json", rules=RULES, button_values=True)
TODAY = dt.date.today()
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"
    b"\x00\x00\x00\nIDATx\x9cc\x00\x00\x00\x02\x00\x01H\xaf\xa4q\x00\x00\x00\x00IEND\xaeB`\x82"
)


def watch(page: Any) -> list[str]:
    """Collect what a user would call broken: console errors, page errors, failed requests and
    answers >= 400 (a request the browser cancels on moving to the next page is not one)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "requestfailed",
        lambda r: (
            None
            if "ERR_ABORTED" in (r.failure or "")
            else problems.append(f"failed: {r.url} {r.failure}")
        ),
    )
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else 0)
    return problems


def seed_world(app: Any, device: Any) -> dict[str, str]:
    """Fill the server with one of everything a Pokjanal page shows; return the ids.

    The children of the Ringkasan (June 2026), October's register and hari buka, the signals'
    world (a maternal death, gizi buruk, a silent posyandu) evaluated today, a lokmin meeting with
    an overdue agreement and an attachment, a conflict, a child registered twice, ODF
    verifications, a verification step, and devices signed in.
    """
    from server.extensions import db
    from server.signals import evaluate
    from tests.web import test_odf, test_rekonsiliasi, test_summary, test_weekly_district
    from tests.web.test_data_ganda import add_person
    from tests.web.test_review import agreement, make_conflict, meeting, write
    from tests.web.test_sinyal import world_items

    kids = test_summary.seed(app)
    test_rekonsiliasi.seed(app)
    test_weekly_district.seed(app)
    write(app, world_items())
    the_meeting = meeting()
    write(app, [("lokmin_meeting", the_meeting), ("lokmin_agreement", agreement(the_meeting))])
    write(
        app,
        [
            ("odf_verification", test_odf.verification("6111012001", "2026-02-01", "stbm")),
        ],
    )
    add_person(app, name="Rizky Ramadhan", sex="M", nik="6111014506250001")
    add_person(app, name="Rizki Ramadhan", sex="M", birth_date="2025-06-13")
    kader, _, _ = make_conflict(device)
    make_conflict(device, name_a="Nama C", name_b="Nama D")  # resolved below: Buka lagi
    neonate = person("PSY-A1", name="Bayi Satu", birth_date=ago(10), died_on=ago(1))
    write(app, [("person", neonate)])  # notified below: its review's fields
    with app.app_context():
        evaluate(db.session, TODAY)
        _set_email(db.session, "pkm_a", "pkm.a@puskesmas.example.id")  # Hapus on both pages
        db.session.commit()
    _attach(app, the_meeting["id"])
    _post(app, "pkm_a", "/konflik", "/konflik/{first}/selesaikan", choice="winner", status="open")
    _post(app, "dinas", "/kematian", f"/kematian/{neonate['id']}/kajian", notified_on=ago(0))
    return {
        "child": kids["budi"],
        "meeting": the_meeting["id"],
        "device": kader.device_id,
        "token": kader.token,
    }


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def _set_email(session: Any, username: str, address: str) -> None:
    import sqlalchemy as sa

    from server.models import User

    session.execute(sa.update(User).where(User.username == username).values(email=address))


def _post(app: Any, user: str, page: str, action: str, **form: str) -> None:
    """Post a form of ``page`` as ``user`` ({first}: the first conflict listed there)."""
    import re

    from tests.web.conftest import csrf_token, sign_in

    client = sign_in(app.test_client(), user)
    html = client.get(page).text
    first = re.search(r'id="conflict-(\d+)"', html)
    answer = client.post(
        action.format(first=first and first.group(1)),
        data={**form, "csrf_token": csrf_token(html)},
    )
    assert answer.status_code in (302, 303), answer.text


def _attach(app: Any, meeting_id: str) -> None:
    """Upload the photo of the signed agreement through the page (kec_a writes lokmin)."""
    from tests.web.conftest import csrf_token, sign_in

    client = sign_in(app.test_client(), "kec_a")
    page = client.get(f"/lokmin/pertemuan/{meeting_id}")
    answer = client.post(
        f"/lokmin/pertemuan/{meeting_id}/lampiran",
        data={
            "file": (io.BytesIO(PNG), "kesepakatan.png"),
            "label": "kesepakatan",
            "csrf_token": csrf_token(page.text),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code in (302, 303), answer.text
