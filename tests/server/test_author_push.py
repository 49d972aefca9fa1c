"""Several kader on one laptop: each pushed mutation may name its author (protocol v1 addition).

Real HTTP pushes to the real server (SQLite, and PostgreSQL when TEST_DATABASE_URL is set). The
author is the device's attestation (it holds a token per kader), checked against the named user:
who exists, is active, is a kader or bidan desa, signed in from a device, and may write the record.
"""

from __future__ import annotations

import sqlalchemy as sa

from testkit import factories
from testkit.world import PASSWORD
from tests.web import conftest as web_conftest

page = web_conftest.page  # headless Chromium (the web pages' fixture)


def add_user(app, username, role="kader", unit="PSY-A1"):
    from server.cli import create_user
    from server.extensions import db

    with app.app_context():
        create_user(username, f"Kader {username}", role, unit, PASSWORD)
        db.session.commit()


def log_rows(app, device_id):
    from server.extensions import db
    from server.models import MutationLog, User

    author = sa.orm.aliased(User)
    with app.app_context():
        rows = db.session.execute(
            sa.select(MutationLog.seq, MutationLog.status, author.username)
            .outerjoin(author, author.id == MutationLog.author_user_id)
            .where(MutationLog.device_id == device_id)
            .order_by(MutationLog.seq)
        ).all()
    return [tuple(r) for r in rows]


def stored(app, record_id):
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        return db.session.get(Record, record_id)


def with_author(mutation, author):
    return {**mutation, "author": author}


def test_each_mutation_names_its_kader_in_the_mutation_log(app, device):
    add_user(app, "kader_a1_dua")
    device("kader_a1_dua")  # the second kader signed in online once (their own token)
    laptop = device("kader_a1")
    first, second, old = factories.person(), factories.person(), factories.person()
    response = laptop.push(
        [
            with_author(laptop.mutation("person", first), "kader_a1"),
            with_author(laptop.mutation("person", second), "kader_a1_dua"),
            laptop.mutation("person", old),  # an older client: no author field at all
        ]
    )
    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json()["results"]] == ["applied"] * 3
    assert log_rows(app, laptop.device_id) == [
        (1, "applied", "kader_a1"),
        (2, "applied", "kader_a1_dua"),
        (3, "applied", None),  # not named: the device's user (mutation_log.user_id) made it
    ]
    assert all(stored(app, f["id"]) is not None for f in (first, second, old))


def test_an_author_the_server_cannot_believe_is_refused_and_nothing_is_written(app, device):
    from server.extensions import db
    from server.models import User

    add_user(app, "kader_a1_dua")
    device("kader_a1_dua")
    add_user(app, "kader_a1_tiga")  # never signed in from any device
    device("kader_a2")  # signed in, but works at another posyandu
    laptop = device("kader_a1")
    with app.app_context():
        db.session.execute(
            sa.update(User).where(User.username == "kader_a1_dua").values(active=False)
        )
        db.session.commit()
    cases = {
        "orang_asing": "tidak dikenal server",
        "kader_a1_dua": "sudah tidak aktif",
        "kader_a1_tiga": "belum pernah masuk",
        "kader_a2": "tidak bertugas di wilayah data ini",
        "pkm_a": "bukan kader atau bidan desa",
    }
    people = [factories.person() for _ in cases]
    mutations = [
        with_author(laptop.mutation("person", p), who) for p, who in zip(people, cases, strict=True)
    ]
    response = laptop.push(mutations)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    for result, (who, words) in zip(results, cases.items(), strict=True):
        assert result["status"] == "rejected", (who, result)
        [message] = result["errors"]["author"]
        assert who in message and words in message, message
    assert all(stored(app, p["id"]) is None for p in people)
    assert [r[1:] for r in log_rows(app, laptop.device_id)] == [("rejected", None)] * 5
    # The device's own kader may still push (the refusals are per mutation).
    ok = laptop.push([with_author(laptop.mutation("person", factories.person()), "kader_a1")])
    assert ok.json()["results"][0]["status"] == "applied"


def test_an_author_must_cover_both_the_old_and_the_new_posyandu_of_a_record(app, device):
    """The bidan's device (a desa) edits a record of PSY-A1 in the name of kader_a2 (PSY-A2)."""
    device("kader_a2")
    bidan = device("bidan_a")
    person = factories.person("PSY-A1")
    created = bidan.push([with_author(bidan.mutation("person", person), "bidan_a")])
    assert created.json()["results"][0]["status"] == "applied"
    moved = bidan.push(
        [
            with_author(
                bidan.mutation(
                    "person", {"posyandu_id": "PSY-A2"}, record_id=person["id"], base_version=1
                ),
                "kader_a2",
            )
        ]
    )
    [result] = moved.json()["results"]
    assert result["status"] == "rejected" and "kader_a2" in result["errors"]["author"][0]
    assert stored(app, person["id"]).posyandu_id == "PSY-A1"


def test_an_over_long_or_wrongly_typed_author_is_a_validation_error_not_a_500(device):
    laptop = device("kader_a1")
    cases = [("x" * 65, 422), (7, 422), (["kader_a1"], 422), ("", 422), ("kader\na1", 422)]
    cases.append(("kader\x00a1", 400))  # a NUL anywhere: the whole body is refused (bad_request)
    for bad, status in cases:
        response = laptop.push([with_author(laptop.mutation("person", factories.person()), bad)])
        code = "bad_request" if status == 400 else "validation_error"
        assert response.status_code == status, (bad, response.text)
        assert response.json()["error"]["code"] == code
        laptop.seq = iter([1])  # nothing was applied: the same seq again


def conflict_row(text: str) -> str:
    return text.split('id="conflict-')[1].split("</tr>")[0]


def conflict_between_kader_dua_and_the_bidan(app, device):
    """Kader Dua edits on kader_a1's laptop and loses to the bidan's concurrent edit."""
    add_user(app, "kader_a1_dua")
    device("kader_a1_dua")
    laptop, bidan = device("kader_a1"), device("bidan_a")
    p = factories.person()
    laptop.push([with_author(laptop.mutation("person", p), "kader_a1")])
    edit = laptop.mutation("person", {"name": "Nama Dua"}, record_id=p["id"], base_version=1)
    laptop.push([with_author(edit, "kader_a1_dua")])
    bidan.clock_ms = laptop.clock_ms + 1000
    won = bidan.push(
        [
            with_author(
                bidan.mutation("person", {"name": "Nama Bidan"}, record_id=p["id"], base_version=1),
                "bidan_a",
            )
        ]
    )
    assert won.json()["results"][0]["status"] == "conflict"


LOSER_BY = "Kader kader_a1_dua (Kader)"  # the kader who typed it, on kader_a1's laptop
WINNER_BY = "Bidan A (Bidan desa)"  # by name and role, never a username or device


def test_the_konflik_page_names_the_kader_who_made_each_side(app, device):
    """The puskesmas reads Kader Dua as the losing side's author, not the laptop's user."""
    from tests.web.conftest import sign_in

    conflict_between_kader_dua_and_the_bidan(app, device)
    page = sign_in(app.test_client(), "pkm_a").get("/konflik")
    assert page.status_code == 200
    row = conflict_row(page.text)
    assert "Nama Dua" in row and "Nama Bidan" in row
    assert LOSER_BY in row and WINNER_BY in row
    assert "Kader A1" not in row  # the laptop's own user made neither side
    assert "test-" not in row and "bidan_a" not in row


def test_the_konflik_page_in_chromium_names_the_kader(app, server, device, page):
    from tests.web.conftest import browser_sign_in, shot

    conflict_between_kader_dua_and_the_bidan(app, device)
    browser_sign_in(page, server.url, "pkm_a")
    page.goto(f"{server.url}/konflik")
    row = page.locator("#conflicts tbody tr").first.inner_text()
    assert LOSER_BY in row and WINNER_BY in row
    shot(page, "konflik-penulis")


def test_the_konflik_page_names_the_device_user_when_no_author_was_sent(app, device):
    """An older client names no author: the device's user, as before."""
    from tests.web.conftest import sign_in

    laptop, bidan = device("kader_a1"), device("bidan_a")
    p = factories.person()
    laptop.push([laptop.mutation("person", p)])
    laptop.push([laptop.mutation("person", {"name": "Nama A"}, record_id=p["id"], base_version=1)])
    bidan.clock_ms = laptop.clock_ms + 1000
    bidan.push([bidan.mutation("person", {"name": "Nama B"}, record_id=p["id"], base_version=1)])
    row = conflict_row(sign_in(app.test_client(), "pkm_a").get("/konflik").text)
    assert "Kader A1 (Kader)" in row and "Bidan A (Bidan desa)" in row
    assert "test-" not in row and "bidan_a" not in row


def test_hostile_authors_get_a_clear_answer_never_a_500(app, device):
    """The shared hostile generator's fragments as the author: lone surrogates, 1e999, bidi and
    zero-width text, wrong shapes. A refused body writes nothing; a named stranger is rejected."""
    import json

    from hypothesis import HealthCheck, given, settings

    from tests.security.hostile import fragments

    laptop = device("kader_a1")

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(fragment=fragments())
    def check(fragment):
        p = factories.person()
        mutation = with_author(laptop.mutation("person", p), "@@author@@")
        laptop.seq = iter([mutation["seq"] + 1])  # each example pushes the device's next seq
        text = json.dumps({"device_id": laptop.device_id, "mutations": [mutation]})
        response = laptop.http.post(
            f"{laptop.base}/sync/push",
            data=text.replace('"@@author@@"', fragment),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        assert response.status_code < 500, (fragment, response.text[:300])
        if response.status_code != 200:
            assert response.json()["error"]["message"], fragment
            laptop.seq = iter([mutation["seq"]])  # nothing applied: the same seq again
        elif response.json()["results"][0]["status"] == "rejected":
            assert stored(app, p["id"]) is None, fragment
        else:  # null: no author named (an older client's shape)
            assert fragment == "null", fragment

    check()
