"""Mutu data at district scale (issue #16): the visits it lists are found by the indexed
``record.quality_flag``, kept by the model on every write and filled by migration 0011 for the rows
already stored, instead of filtering every visit's JSON."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from testkit.factories import child_visit, person

TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()


def _implausible_section(text: str) -> str:
    return text.split('id="implausible"')[1].split('id="skew"')[0]


def test_flag_follows_pushes_and_edits_and_the_page_lists_by_it(app, web, device):
    from server.extensions import db
    from server.models import Record

    kader = device("kader_a1")
    p = person(birth_date="2025-06-10")
    odd = child_visit(p, visit_date=TODAY.isoformat(), weight_kg=1.2, length_cm=75.0)
    kept = child_visit(
        p,
        visit_date=(TODAY - dt.timedelta(days=2)).isoformat(),
        weight_kg=9.1,
        remeasured=True,
    )
    good = child_visit(p, visit_date=(TODAY - dt.timedelta(days=1)).isoformat(), weight_kg=9.0)
    results = kader.push(
        [kader.mutation("person", p)]
        + [kader.mutation("child_visit", v) for v in (odd, kept, good)]
    ).json()["results"]
    assert all(r["status"] == "applied" for r in results), results
    with app.app_context():
        flags = dict(
            db.session.execute(
                sa.select(Record.id, Record.quality_flag).where(Record.kind == "child_visit")
            ).all()
        )
        person_flag = db.session.get(Record, p["id"]).quality_flag
    assert flags == {odd["id"]: True, kept["id"]: True, good["id"]: False}
    assert person_flag is False
    section = _implausible_section(web("pkm_a").get("/mutu-data").text)
    assert f'data-visit="{odd["id"]}"' in section
    assert f'data-visit="{kept["id"]}"' in section
    assert good["id"] not in section

    # the kader corrects the weight: the flag goes, and the page no longer lists the visit
    fixed = kader.push(
        [kader.mutation("child_visit", {"weight_kg": 9.2}, record_id=odd["id"], base_version=1)]
    ).json()["results"][0]
    assert fixed["status"] == "applied", fixed
    with app.app_context():
        assert db.session.get(Record, odd["id"]).quality_flag is False
    section = _implausible_section(web("pkm_a").get("/mutu-data").text)
    assert odd["id"] not in section and f'data-visit="{kept["id"]}"' in section


def test_migration_0011_fills_the_flag_of_stored_visits(app):
    from flask_migrate import downgrade, upgrade

    from server.extensions import db

    record = sa.table(
        "record",
        *(sa.column(name) for name in ("id", "kind", "version", "deleted", "fields", "field_meta")),
        sa.column("created_at"),
        sa.column("updated_at"),
    )
    stored = {
        "v-implausible": ("child_visit", {"flags": ["implausible_waz"], "weight_kg": 1.2}),
        "v-remeasured": ("child_visit", {"flags": [], "remeasured": True}),
        "v-remeasured-false": ("child_visit", {"remeasured": False, "flags": ["bgm"]}),
        "v-plain": ("child_visit", {"weight_kg": 9.0}),
        "v-flags-text": ("child_visit", {"flags": "implausible_waz"}),
        "p-named-implausible": ("person", {"name": "implausible_x", "remeasured": True}),
    }
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    with app.app_context():
        downgrade(revision="0010")
        db.session.execute(
            record.insert(),
            [
                {
                    "id": rid,
                    "kind": kind,
                    "version": 1,
                    "deleted": False,
                    "fields": json.dumps(fields),
                    "field_meta": "{}",
                    "created_at": now,
                    "updated_at": now,
                }
                for rid, (kind, fields) in stored.items()
            ],
        )
        db.session.commit()
        upgrade()
        flagged = dict(db.session.execute(sa.text("SELECT id, quality_flag FROM record")).all())
    assert {rid: bool(flag) for rid, flag in flagged.items()} == {
        "v-implausible": True,
        "v-remeasured": True,
        "v-remeasured-false": False,
        "v-plain": False,
        "v-flags-text": False,
        "p-named-implausible": False,
    }
