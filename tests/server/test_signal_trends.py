"""The trend rules (D/S drop, BGM cluster, DPT drop-out rising, data-quality flags rising).

Each rule runs on a seeded kabupaten whose numbers are counted by hand below, at its threshold:
a change of exactly the threshold is not raised ("more than"), one point less is.
"""

from __future__ import annotations

import datetime as dt

import pytest

from server.signals.evaluate import signal_id
from server.signals.rules import load_rules
from shared.calendar import add_months, period_of
from testkit.factories import child_visit, new_id, person

TODAY = dt.date.today()
THIS = (TODAY.year, TODAY.month)
LAST = period_of(add_months(THIS, -1))  # the last complete month (M)
BEFORE = period_of(add_months(THIS, -2))  # the month before it (M-1)
DESA_A, DESA_B = "6111012001", "6111022001"


def day_in(period: str, day: int) -> str:
    return f"{period}-{day:02d}"


def born_months_before(period: str, months: int, day: int = 1) -> str:
    year, month = add_months((int(period[:4]), int(period[5:])), -months)
    return f"{year:04d}-{month:02d}-{day:02d}"


def toddler(posyandu: str, desa: str, name: str) -> dict:
    """A girl of about two years in both compared months."""
    return person(posyandu, desa_code=desa, name=name, birth_date=born_months_before(LAST, 24))


def weigh(child: dict, period: str, kg: float = 11.0, cm: float = 85.0, **over) -> dict:
    return child_visit(child, visit_date=day_in(period, 10), weight_kg=kg, length_cm=cm, **over)


def ds_world() -> list[tuple[str, dict]]:
    """D/S by hand: A1 4/4 → 2/4 (−50 points); A2 4/4 → 3/4 (−25); B1 2/2 → 2/2 (0)."""
    items = []
    plan = {("PSY-A1", DESA_A): (4, 2), ("PSY-A2", DESA_A): (4, 3), ("PSY-B1", DESA_B): (2, 2)}
    for (posyandu, desa), (before, last) in plan.items():
        children = [
            toddler(posyandu, desa, f"Anak {posyandu} {i}") for i in range(4 if before == 4 else 2)
        ]
        items += [("person", c) for c in children]
        items += [("child_visit", weigh(c, BEFORE)) for c in children[:before]]
        items += [("child_visit", weigh(c, LAST)) for c in children[:last]]
    return items


def bgm_world() -> list[tuple[str, dict]]:
    """BGM in M by hand: desa Sutera A1 2 + A2 1 = 3; desa Teluk Melano B1 2.

    A girl of 24 months at 7.0 kg is below WHO weight-for-age −3 SD (8.1 kg at 24 months, WHO
    2006 girls' table), so she is BGM; 11.0 kg is above −2 SD (9.0 kg).
    """
    plan = {("PSY-A1", DESA_A): (2, 1), ("PSY-A2", DESA_A): (1, 1), ("PSY-B1", DESA_B): (2, 0)}
    items = []
    for (posyandu, desa), (low, normal) in plan.items():
        for i in range(low + normal):
            child = toddler(posyandu, desa, f"Anak {posyandu} {i}")
            items += [
                ("person", child),
                ("child_visit", weigh(child, LAST, 7.0 if i < low else 11.0)),
            ]
    return items


def dose(child: dict, antigen: str, months_after_birth: int) -> dict:
    birth = dt.date.fromisoformat(child["birth_date"])
    year, month = add_months((birth.year, birth.month), months_after_birth)
    return {
        "id": new_id(),
        "person_id": child["id"],
        "posyandu_id": child["posyandu_id"],
        "antigen": antigen,
        "given_on": dt.date(year, month, birth.day).isoformat(),
    }


def dropout_world() -> list[tuple[str, dict]]:
    """Drop-out DPT1→3 by hand.

    A1: three children of 15 months with DPT-HB-Hib 1, 2, 3 at 2, 3, 4 months; one born on the 1st
    of the month 12 months before M with DPT-HB-Hib 1 only: 11 months at the end of M-1 (outside
    12–23), 12 months at the end of M. Drop-out 0/3 = 0 % in M-1, 1/4 = 25 % in M (+25 points).
    B1: two children of 15 months with DPT 1 only in both months: 2/2 → 2/2 (0 points).
    """
    items = []
    for i in range(3):
        child = person("PSY-A1", name=f"Lengkap {i}", birth_date=born_months_before(LAST, 15))
        items += [("person", child)] + [
            ("immunization", dose(child, f"DPT_HB_HIB{n}", n + 1)) for n in (1, 2, 3)
        ]
    late = person("PSY-A1", name="Putus", birth_date=born_months_before(LAST, 12))
    items += [("person", late), ("immunization", dose(late, "DPT_HB_HIB1", 2))]
    for i in range(2):
        child = person(
            "PSY-B1", desa_code=DESA_B, name=f"B {i}", birth_date=born_months_before(LAST, 15)
        )
        items += [("person", child), ("immunization", dose(child, "DPT_HB_HIB1", 2))]
    return items


def quality_world() -> list[tuple[str, dict]]:
    """Implausible visits by hand: A1 0 in M-1 → 3 in M (+3); B1 2 → 4 (+2).

    3.0 kg at 24 months is far beyond WHO weight-for-age −6 SD, the plausibility limit.
    """
    plan = {("PSY-A1", DESA_A): (0, 3), ("PSY-B1", DESA_B): (2, 4)}
    items = []
    for (posyandu, desa), (before, last) in plan.items():
        for i in range(max(before, last)):
            child = toddler(posyandu, desa, f"Anak {posyandu} {i}")
            items.append(("person", child))
            if i < before:
                items.append(("child_visit", weigh(child, BEFORE, 3.0)))
            if i < last:
                items.append(("child_visit", weigh(child, LAST, 3.0)))
    return items


def seed(app, items):
    from server.extensions import db
    from server.reference import write_records

    with app.app_context():
        report = write_records(db.session, items)
        assert not report.rejected, report.rejected
        db.session.commit()


def found(app, code: str, threshold: int) -> set[tuple[str, str]]:
    from server.extensions import db
    from server.signals.evaluate import candidates

    rule = load_rules()[code]
    rules = {code: type(rule)(**{**rule.__dict__, "threshold": threshold})}
    with app.app_context():
        return {(c["posyandu_id"], c["period"]) for c in candidates(db.session, TODAY, rules)}


def evidence(app, code: str) -> dict[str, str]:
    from server.extensions import db
    from server.signals.evaluate import candidates

    with app.app_context():
        rules = {code: load_rules()[code]}
        return {c["posyandu_id"]: c["evidence"] for c in candidates(db.session, TODAY, rules)}


def test_the_rule_table_holds_the_new_rules():
    rules = load_rules()
    for code in ("ds_drop", "bgm_cluster", "dpt_dropout_rising", "quality_flags_rising"):
        assert rules[code].enabled and rules[code].source.startswith("[K]")


def test_ds_drop_at_its_threshold(app, world):
    seed(app, ds_world())
    assert found(app, "ds_drop", 25) == {("PSY-A1", LAST)}  # A2 fell exactly 25: not more
    assert found(app, "ds_drop", 24) == {("PSY-A1", LAST), ("PSY-A2", LAST)}
    assert found(app, "ds_drop", 50) == set()
    text = evidence(app, "ds_drop")["PSY-A1"]
    assert "100,0 % (4/4)" in text and "50,0 % (2/4)" in text


def test_bgm_cluster_counts_a_desa_not_a_posyandu(app, world):
    seed(app, bgm_world())
    # Sutera has 3 (A1 2, A2 1), raised on A1 (the most); Teluk Melano 2
    assert found(app, "bgm_cluster", 3) == {("PSY-A1", LAST)}
    assert found(app, "bgm_cluster", 2) == {("PSY-A1", LAST), ("PSY-B1", LAST)}
    assert found(app, "bgm_cluster", 4) == set()
    text = evidence(app, "bgm_cluster")["PSY-A1"]
    assert "3 balita BGM di desa Sutera" in text
    assert "Posyandu Melati 2" in text and "Posyandu Mawar 1" in text


def test_dpt_dropout_rising_at_its_threshold(app, world):
    seed(app, dropout_world())
    assert found(app, "dpt_dropout_rising", 25) == set()  # +25 exactly: not more
    assert found(app, "dpt_dropout_rising", 24) == {("PSY-A1", LAST)}
    text = evidence(app, "dpt_dropout_rising")["PSY-A1"]
    assert "0,0 % (0/3)" in text and "25,0 % (1/4)" in text


def test_quality_flags_rising_at_its_threshold(app, world):
    seed(app, quality_world())
    assert found(app, "quality_flags_rising", 3) == {("PSY-A1", LAST)}
    assert found(app, "quality_flags_rising", 2) == {("PSY-A1", LAST), ("PSY-B1", LAST)}
    assert found(app, "quality_flags_rising", 4) == set()


# with the table's thresholds (20 points, 3 cases): D/S A1 −50 and A2 −25; BGM Sutera 3 only
@pytest.mark.parametrize(
    "code,world_items,raised", [("ds_drop", ds_world, 2), ("bgm_cluster", bgm_world, 1)]
)
def test_a_trend_signal_is_raised_once(app, world, code, world_items, raised):
    from server.extensions import db
    from server.models import Record
    from server.signals import evaluate

    seed(app, world_items())
    rules = {code: load_rules()[code]}
    with app.app_context():
        assert evaluate(db.session, TODAY, rules) == raised
        db.session.commit()
        assert evaluate(db.session, TODAY, rules) == 0
        row = db.session.get(Record, signal_id(code, "PSY-A1", LAST))
        assert row.fields["status"] == "open" and row.puskesmas_id == "PKM-A"
