"""Indicator aggregates: a hand-checked fixture at every level, updates on write, demo equality.

The fixture (pushed through the real API by the kaders' devices; the clock is November 2026):

PSY-A1 (desa 6111012001 Sutera, PKM-A, kecamatan 611101)
  C1 F born 2025-06-10, KIA.   08-10 9.0 kg 75 cm (vit A red) | 09-10 9.5 kg 76 cm | 10-10 9.9 kg 77 cm
  C2 M born 2025-01-15, no KIA.                               | 09-12 10.0 kg 70 cm | 10-12 9.8 kg 70.5 cm
  C3 F born 2024-03-01, KIA.   08-05 8.3 kg                   |                     | 10-05 8.5 kg
  C4 M born 2021-09-01, KIA, never weighed (59 months on 31 Aug, 60 on 30 Sep: leaves S in September)
  C5 F born 2026-10-20, KIA, never weighed (in S from October)
  session 2026-10-03 opened.
PSY-A2 (same desa)    D1 M born 2025-03-01, KIA: 09-15 10.0 kg 78 cm | 10-15 10.1 kg 79 cm; session opened.
PSY-B1 (desa 6111022001, PKM-B, kecamatan 611102)   E1 F born 2024-11-01, no KIA: 10-20 9.0 kg 80 cm.
Desa report 6111012001 2026-10: births_live 2, deaths_infant 1, odf_status odf.

By hand (KBM is 200 g from 12 months; BGM is WAZ < -3; stunting LHAZ < -2):
- C1 gains 500 g then 400 g: B (Aug), N (Sep), N (Oct). Around the median: no BGM, no stunting.
- C2 first weighed in September (B); October loses 200 g: T. 70 cm at 20 months is about -4.5 SD:
  stunted both months. 10 kg is near the median weight: not underweight, not wasted.
- C3 8.3 kg at 29 months and 8.5 kg at 31 months are below -3 SD weight-for-age: BGM and underweight
  both months. August B; not weighed in September, so October is O. No length: not in stunting or
  wasting denominators.
- D1 gains 100 g < 200 g in October: T (September B).
- E1 first weighing in October: B.

October 2026            S  K  D  N  T  O  B  BGM 2T  stunting  underweight  wasting  opened
  PSY-A1 (C1,C2,C3,C5)  4  3  3  1  1  1  0  1   0    1/2       1/3         0/2      1/1
  PSY-A2 (D1)           1  1  1  0  1  0  0  0   0    0/1       0/1         0/1      1/1
  PSY-B1 (E1)           1  0  1  0  0  0  1  0   0    0/1       0/1         0/1      0/1
  desa Sutera = PKM-A = kecamatan 611101 = A1 + A2:  S 5 K 4 D 4 N 1 T 2 O 1 B 0 BGM 1, reporting 2/2
  kabupaten: S 6 K 4 D 5 N 1 T 2 O 1 B 1 BGM 1; stunting 1/4, underweight 1/5; reporting 2/3
September 2026: PSY-A1 S 3 (C1,C2,C3) K 2 D 2 (C1 N, C2 B); stunting 1/2.
August 2026: PSY-A1 S 4 (C1..C4) K 3 D 2 (C1 B, C3 B) BGM 1; vitamin A 1/4 (C1 of C1..C4 aged 6-59:
C4 is 59 months on 31 August).
"""

from __future__ import annotations

from collections import defaultdict

import pytest
import sqlalchemy as sa

from server.auth import user_scope
from server.extensions import db
from server.indicators import refresh as aggregates
from server.indicators import rollup
from server.models import IndicatorMonth, Record, User
from shared.indicators import ilp_indicators, month_indicators
from testkit import factories

OCT, SEP, AUG = "2026-10", "2026-09", "2026-08"


def _person(pid, name, sex, born, kia, **over):
    return factories.person(pid, name=name, sex=sex, birth_date=born, has_kia_book=kia, **over)


def _visit(person, day, weight, length=None, **over):
    fields = {
        "id": factories.new_id(),
        "person_id": person["id"],
        "posyandu_id": person["posyandu_id"],
        "visit_date": day,
        "weight_kg": weight,
    }
    if length is not None:
        fields.update(length_cm=length, position="lying" if length < 87 else "standing")
    return {**fields, **over}


def _session(posyandu, day):
    return {"id": factories.new_id(), "posyandu_id": posyandu, "session_date": day, "opened": True}


def _ok(response):
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert all(r["status"] in ("applied", "merged") for r in results), results
    return results


@pytest.fixture
def fixture(device):
    """Push the hand-checked fixture; return the devices and records."""
    a1, a2, b1 = device("kader_a1"), device("kader_a2"), device("kader_b1")
    c1 = _person("PSY-A1", "Citra Satu", "F", "2025-06-10", True)
    c2 = _person("PSY-A1", "Candra Dua", "M", "2025-01-15", False)
    c3 = _person("PSY-A1", "Cici Tiga", "F", "2024-03-01", True)
    c4 = _person("PSY-A1", "Cahyo Empat", "M", "2021-09-01", True)
    c5 = _person("PSY-A1", "Cinta Lima", "F", "2026-10-20", True)
    visits = [
        _visit(c1, "2026-08-10", 9.0, 75.0, vitamin_a="red"),
        _visit(c1, "2026-09-10", 9.5, 76.0),
        _visit(c1, "2026-10-10", 9.9, 77.0),
        _visit(c2, "2026-09-12", 10.0, 70.0),
        _visit(c2, "2026-10-12", 9.8, 70.5),
        _visit(c3, "2026-08-05", 8.3),
        _visit(c3, "2026-10-05", 8.5),
    ]
    report = {
        "id": factories.new_id(),
        "desa_code": "6111012001",
        "period": OCT,
        "births_live": 2,
        "deaths_infant": 1,
        "odf_status": "odf",
    }
    _ok(
        a1.push(
            [a1.mutation("person", p) for p in (c1, c2, c3, c4, c5)]
            + [a1.mutation("child_visit", v) for v in visits]
            + [
                a1.mutation("posyandu_session", _session("PSY-A1", "2026-10-03")),
                a1.mutation("desa_report", report),
            ]
        )
    )
    d1 = _person("PSY-A2", "Dimas", "M", "2025-03-01", True)
    _ok(
        a2.push(
            [
                a2.mutation("person", d1),
                a2.mutation("child_visit", _visit(d1, "2026-09-15", 10.0, 78.0)),
                a2.mutation("child_visit", _visit(d1, "2026-10-15", 10.1, 79.0)),
                a2.mutation("posyandu_session", _session("PSY-A2", "2026-10-04")),
            ]
        )
    )
    e1 = _person("PSY-B1", "Eka", "F", "2024-11-01", False, desa_code="6111022001")
    _ok(
        b1.push(
            [
                b1.mutation("person", e1),
                b1.mutation("child_visit", _visit(e1, "2026-10-20", 9.0, 80.0)),
            ]
        )
    )
    return {"a1": a1, "c1": c1, "c2": c2, "c3": c3, "visits": visits}


def _scope(username):
    user = db.session.execute(sa.select(User).where(User.username == username)).scalar_one()
    return user_scope(db.session, user)


def _rows(app, level, period=OCT, parent=None, user="dinas"):
    with app.app_context():
        rows = rollup.indicator_rows(db.session, _scope(user), period, level, parent)
        db.session.rollback()
        return {row["code"]: row for row in rows}


def _counts(row):
    return {k: v for k, v in row["counts"].items()}


def _ratio(row, key):
    value = row["indicators"][key]
    return value["numerator"], value["denominator"]


def counts(S, K, D, N, T, O, B, BGM, two_t=0):  # noqa: N803, E741 (the SKDN letters)
    return {"S": S, "K": K, "D": D, "N": N, "T": T, "O": O, "B": B, "BGM": BGM, "2T": two_t}


def _assert_matches_rebuild(app):
    """The rows kept up to date push by push equal a rebuild from the records."""
    with app.app_context():

        def rows():
            return {
                (r.posyandu_id, r.period): (r.values, r.counts, r.extra)
                for r in db.session.execute(sa.select(IndicatorMonth)).scalars()
            }

        kept = rows()
        aggregates.rebuild_all(db.session)
        rebuilt = rows()
        db.session.rollback()
    assert kept == rebuilt


def test_hand_checked_every_level(app, fixture):
    posyandu = _rows(app, "posyandu")
    assert _counts(posyandu["PSY-A1"]) == counts(4, 3, 3, 1, 1, 1, 0, 1)
    assert _counts(posyandu["PSY-A2"]) == counts(1, 1, 1, 0, 1, 0, 0, 0)
    assert _counts(posyandu["PSY-B1"]) == counts(1, 0, 1, 0, 0, 0, 1, 0)
    a1 = posyandu["PSY-A1"]
    assert _ratio(a1, "stunting") == (1, 2)
    assert _ratio(a1, "underweight") == (1, 3)
    assert _ratio(a1, "wasting") == (0, 2)
    assert _ratio(a1, "ds") == (3, 4) and _ratio(a1, "ks") == (3, 4)
    assert _ratio(a1, "nd") == (1, 3) and _ratio(a1, "bgm") == (1, 3)
    assert _ratio(a1, "opened") == (1, 1)
    assert _ratio(posyandu["PSY-B1"], "opened") == (0, 1)
    assert a1["name"] == "Posyandu Melati" and a1["odf_desa"] is None

    a_side = counts(5, 4, 4, 1, 2, 1, 0, 1)
    for level, code in (("desa", "6111012001"), ("puskesmas", "PKM-A"), ("kecamatan", "611101")):
        row = _rows(app, level)[code]
        assert _counts(row) == a_side, level
        assert row["reporting"] == {"numerator": 2, "denominator": 2}
        assert row["odf_desa"] == {"numerator": 1, "denominator": 1}
        assert row["extra"]["births_live"] == 2 and row["extra"]["deaths_infant"] == 1
    assert _rows(app, "desa")["6111012001"]["name"] == "Sutera"
    assert _rows(app, "puskesmas")["PKM-A"]["name"] == "Puskesmas Sukadana"
    assert _counts(_rows(app, "kecamatan")["611102"]) == counts(1, 0, 1, 0, 0, 0, 1, 0)
    assert _rows(app, "kecamatan")["611102"]["odf_desa"] == {"numerator": 0, "denominator": 1}

    kab = _rows(app, "kabupaten")["6111"]
    assert kab["name"] == "Kayong Utara"
    assert _counts(kab) == counts(6, 4, 5, 1, 2, 1, 1, 1)
    assert _ratio(kab, "stunting") == (1, 4) and _ratio(kab, "underweight") == (1, 5)
    assert kab["reporting"] == {"numerator": 2, "denominator": 3}
    assert kab["odf_desa"] == {"numerator": 1, "denominator": 2}

    sep = _rows(app, "posyandu", SEP)["PSY-A1"]
    assert _counts(sep) == counts(3, 2, 2, 1, 0, 0, 1, 0)
    assert _ratio(sep, "stunting") == (1, 2)
    aug = _rows(app, "posyandu", AUG)["PSY-A1"]
    assert _counts(aug) == counts(4, 3, 2, 0, 0, 0, 2, 1)
    assert _ratio(aug, "vitamin_a") == (1, 4)
    assert aug["extra"]["vitamin_a"] == {"red": 1}


def _sum(rows):
    total = defaultdict(int)
    for row in rows:
        for key, value in row["counts"].items():
            total[key] += value
        for key, value in row["indicators"].items():
            total[key + ".n"] += value["numerator"]
            total[key + ".d"] += value["denominator"]
        total["reporting.n"] += row["reporting"]["numerator"]
        total["reporting.d"] += row["reporting"]["denominator"]
    return dict(total)


def test_each_level_sums_its_children(app, fixture):
    for period in (AUG, SEP, OCT):
        kab = _rows(app, "kabupaten", period)["6111"]
        assert _sum([kab]) == _sum(_rows(app, "kecamatan", period).values())
        for kec in _rows(app, "kecamatan", period).values():
            pkm = _rows(app, "puskesmas", period, kec["code"]).values()
            assert _sum([kec]) == _sum(pkm)
            for unit in pkm:
                desa = _rows(app, "desa", period, unit["code"]).values()
                assert _sum([unit]) == _sum(desa)
                for d in desa:
                    assert _sum([d]) == _sum(_rows(app, "posyandu", period, d["code"]).values())


def test_updates_after_edit_delete_and_late_visit(app, fixture):
    a1, c2, c3 = fixture["a1"], fixture["c2"], fixture["c3"]
    # A late August visit of C2 (9.6 kg): September's B becomes N (+400 g); August gains a B.
    _ok(a1.push([a1.mutation("child_visit", _visit(c2, "2026-08-12", 9.6, 69.0))]))
    assert _counts(_rows(app, "posyandu", SEP)["PSY-A1"]) == counts(3, 2, 2, 2, 0, 0, 0, 0)
    assert _counts(_rows(app, "posyandu", AUG)["PSY-A1"]) == counts(4, 3, 3, 0, 0, 0, 3, 1)
    # Delete C3's October visit: D, O, BGM and underweight lose C3.
    c3_oct = fixture["visits"][6]
    assert c3_oct["person_id"] == c3["id"]
    _ok(
        a1.push(
            [a1.mutation("child_visit", {}, record_id=c3_oct["id"], op="delete", base_version=1)]
        )
    )
    row = _rows(app, "posyandu")["PSY-A1"]
    assert _counts(row) == counts(4, 3, 2, 1, 1, 0, 0, 0)
    assert _ratio(row, "underweight") == (0, 2)
    # Edit C2's October weight to 10.5 kg (+500 g): T becomes N; the kabupaten follows.
    c2_oct = fixture["visits"][4]
    _ok(
        a1.push(
            [
                a1.mutation(
                    "child_visit", {"weight_kg": 10.5}, record_id=c2_oct["id"], base_version=None
                )
            ]
        )
    )
    assert _counts(_rows(app, "posyandu")["PSY-A1"]) == counts(4, 3, 2, 2, 0, 0, 0, 0)
    assert _counts(_rows(app, "kabupaten")["6111"]) == counts(6, 4, 4, 2, 1, 0, 1, 0)
    # Giving C2 a KIA book (a person edit) moves K in every month.
    _ok(a1.push([a1.mutation("person", {"has_kia_book": True}, record_id=c2["id"])]))
    assert _counts(_rows(app, "posyandu", SEP)["PSY-A1"])["K"] == 3
    assert _counts(_rows(app, "posyandu")["PSY-A1"])["K"] == 4
    # C1 moves away (moved_out_on 2026-09-15): out of S from September; August keeps C1.
    _ok(
        a1.push(
            [a1.mutation("person", {"moved_out_on": "2026-09-15"}, record_id=fixture["c1"]["id"])]
        )
    )
    assert _counts(_rows(app, "posyandu", SEP)["PSY-A1"])["S"] == 2
    assert _counts(_rows(app, "posyandu", AUG)["PSY-A1"])["S"] == 4
    # A September session recorded late: PSY-A1 opened in September.
    assert _ratio(_rows(app, "posyandu", SEP)["PSY-A1"], "opened") == (0, 1)
    _ok(a1.push([a1.mutation("posyandu_session", _session("PSY-A1", "2026-09-08"))]))
    assert _ratio(_rows(app, "posyandu", SEP)["PSY-A1"], "opened") == (1, 1)
    assert _rows(app, "kabupaten", SEP)["6111"]["reporting"] == {"numerator": 1, "denominator": 3}
    _assert_matches_rebuild(app)


def test_visit_moved_to_another_month(app, fixture):
    a1, c3 = fixture["a1"], fixture["c3"]
    c3_oct = fixture["visits"][6]
    assert c3_oct["person_id"] == c3["id"]
    # The kader fixes C3's October visit date to 20 August: October (not next to August) loses it.
    _ok(a1.push([a1.mutation("child_visit", {"visit_date": "2026-08-20"}, record_id=c3_oct["id"])]))
    october = _rows(app, "posyandu")["PSY-A1"]
    assert _counts(october) == counts(4, 3, 2, 1, 1, 0, 0, 0)
    august = _counts(_rows(app, "posyandu", AUG)["PSY-A1"])
    assert (august["D"], august["BGM"], august["B"]) == (2, 1, 2)
    # ... and C2's visits are deleted one by one, the person last.
    for visit in fixture["visits"][3:5]:
        _ok(a1.push([a1.mutation("child_visit", {}, record_id=visit["id"], op="delete")]))
    _ok(a1.push([a1.mutation("person", {}, record_id=fixture["c2"]["id"], op="delete")]))
    assert _counts(_rows(app, "posyandu")["PSY-A1"]) == counts(3, 3, 1, 1, 0, 0, 0, 0)
    _assert_matches_rebuild(app)


def test_scope_puskesmas_and_kecamatan(app, fixture):
    pkm = _rows(app, "posyandu", user="pkm_a")
    assert set(pkm) == {"PSY-A1", "PSY-A2"}
    assert _counts(_rows(app, "kabupaten", user="pkm_a")["6111"]) == counts(5, 4, 4, 1, 2, 1, 0, 1)
    assert _rows(app, "posyandu", parent="PKM-B", user="pkm_a") == {}
    assert set(_rows(app, "kecamatan", user="kec_a")) == {"611101"}
    assert set(_rows(app, "posyandu", user="kader_b1")) == {"PSY-B1"}
    with app.app_context():
        assert rollup.children_status(db.session, _scope("pkm_a"), "PSY-B1", OCT) == []
        children = rollup.children_status(db.session, _scope("pkm_a"), "PSY-A1", OCT)
    names = [c["name"] for c in children]
    assert names == ["Candra Dua", "Cici Tiga", "Cinta Lima", "Citra Satu"]  # not C4 (60 mo)
    cici = children[1]
    assert cici["bgm"] and cici["growth_status"] == "O" and cici["weight_kg"] == 8.5
    candra = children[0]
    assert candra["growth_status"] == "T" and candra["categories"]


def test_trend(app, fixture):
    with app.app_context():
        points = rollup.trend(db.session, _scope("dinas"), "desa", "6111012001", OCT, months=3)
    assert [p["period"] for p in points] == [AUG, SEP, OCT]
    assert [p["counts"]["D"] for p in points] == [2, 3, 4]


def test_trend_sums_in_the_database_by_hand(app, fixture):
    with app.app_context():
        points = rollup.trend(db.session, _scope("dinas"), "kabupaten", "6111", OCT, months=2)
    sep, oct_ = points
    counts = {"S": 6, "K": 4, "D": 5, "N": 1, "T": 2, "O": 1, "B": 1, "BGM": 1, "2T": 0}
    assert oct_["counts"] == counts
    assert oct_["indicators"]["stunting"] == {"numerator": 1, "denominator": 4}
    assert oct_["indicators"]["underweight"] == {"numerator": 1, "denominator": 5}
    assert oct_["indicators"]["opened"] == {"numerator": 2, "denominator": 3}
    assert sep["indicators"]["stunting"] == {"numerator": 1, "denominator": 3}


def test_trend_and_ratio_series_equal_the_rows(app, fixture):
    """Tren and Peringkat read sums from the database: the numbers of ``indicator_rows``."""
    periods = ["2026-07", AUG, SEP, OCT]
    keys = ["reporting", "opened", "stunting", "underweight", "ds", "vitamin_a"]
    with app.app_context():
        scope = _scope("dinas")
        for level in rollup.LEVELS:
            rows = {p: rollup.indicator_rows(db.session, scope, p, level) for p in periods}
            assert rows[OCT], level
            for row in rows[OCT]:
                trend = rollup.trend(db.session, scope, level, row["code"], OCT, months=4)
                for point in trend:
                    same = next(r for r in rows[point["period"]] if r["code"] == row["code"])
                    assert point["indicators"] == same["indicators"], (level, point["period"])
                    assert point["counts"] == same["counts"], (level, point["period"])
            for key in keys:
                series = rollup.ratio_series(db.session, scope, key, level, periods)
                assert [s["code"] for s in series] == [r["code"] for r in rows[OCT]]
                for unit in series:
                    for period in periods:
                        same = next(r for r in rows[period] if r["code"] == unit["code"])
                        want = same["reporting"] if key == "reporting" else same["indicators"][key]
                        assert unit["items"][period] == want, (level, key, period)
        narrowed = rollup.ratio_series(db.session, scope, "stunting", "posyandu", [OCT], "611101")
        assert {u["code"]: u["items"][OCT] for u in narrowed} == {
            "PSY-A1": {"numerator": 1, "denominator": 2},
            "PSY-A2": {"numerator": 0, "denominator": 1},
        }
        with pytest.raises(rollup.UnknownParent):
            rollup.ratio_series(db.session, scope, "stunting", "posyandu", [OCT], "nowhere")


def test_nik_mask():
    assert rollup.mask_nik("6111014506250001") == "6111********0001"
    assert rollup.mask_nik(None) is None


def test_equal_to_direct_computation_on_demo(app):
    from server.demo import generate
    from server.reference import write_records

    data = generate(2, scale=0.05)
    with app.app_context():
        report = write_records(
            db.session,
            [("wilayah", w) for w in data.wilayah] + [("facility", f) for f in data.facilities],
        )
        assert not report.rejected
        report = write_records(db.session, data.records)
        assert not report.rejected, report.rejected[:3]
        db.session.commit()
        stored = {
            (r.posyandu_id, r.period): r
            for r in db.session.execute(sa.select(IndicatorMonth)).scalars()
        }
        stored = {k: (r.values, r.counts) for k, r in stored.items()}
        by_posyandu = defaultdict(lambda: defaultdict(list))
        for row in db.session.execute(
            sa.select(Record).where(
                Record.deleted.is_(False), Record.kind.in_(aggregates.POSYANDU_KINDS)
            )
        ).scalars():
            by_posyandu[row.posyandu_id][row.kind].append(row.fields)
        periods = {p for _, p in stored}
        assert len([k for k in stored if not k[0].startswith("desa:")]) > 20
        checked = 0
        for posyandu_id, kinds in by_posyandu.items():
            for period in periods:
                year, month = aggregates.parse_period(period)
                direct = month_indicators(
                    kinds["person"],
                    kinds["child_visit"],
                    year,
                    month,
                    anc_visits=kinds["anc_visit"],
                    sessions=kinds["posyandu_session"],
                )
                ilp = ilp_indicators(
                    [(kind, f) for kind, rows in kinds.items() for f in rows], year, month
                )
                values = {
                    k: [r.numerator, r.denominator] for k, r in {**direct.values, **ilp}.items()
                }
                if (posyandu_id, period) in stored:
                    assert stored[(posyandu_id, period)] == (values, direct.counts), (
                        posyandu_id,
                        period,
                    )
                    checked += 1
        assert checked > 200
        # rebuild_all gives the same rows.
        aggregates.rebuild_all(db.session)
        rebuilt = {
            (r.posyandu_id, r.period): (r.values, r.counts)
            for r in db.session.execute(sa.select(IndicatorMonth)).scalars()
        }
        db.session.rollback()
    assert rebuilt == stored


def test_resolving_a_conflict_updates_the_aggregates(app, device):
    """Choosing the losing value (a server change) must move the numbers like any push."""
    from server.auth import user_scope
    from server.extensions import db
    from server.indicators import rollup
    from server.models import User
    from testkit.factories import child_visit, person

    a, b = device("kader_a1"), device("bidan_a")
    child = person(birth_date="2025-06-10")
    visit = child_visit(child, visit_date="2026-06-10", weight_kg=9.0, length_cm=72.0)
    a.push([a.mutation("person", child), a.mutation("child_visit", visit)])
    # Two devices edit the length concurrently: 60.0 cm (stunted) loses to 72.5 cm.
    a.push([a.mutation("child_visit", {"length_cm": 60.0}, record_id=visit["id"], base_version=1)])
    b.clock_ms = a.clock_ms + 1000
    b.push([b.mutation("child_visit", {"length_cm": 72.5}, record_id=visit["id"], base_version=1)])

    def stunting():
        with app.app_context():
            user = db.session.query(User).filter_by(username="dinas").one()
            rows = rollup.indicator_rows(
                db.session, user_scope(db.session, user), "2026-06", "posyandu", None
            )
            row = next(r for r in rows if r["code"] == "PSY-A1")
            return row["indicators"]["stunting"]

    assert stunting() == {"numerator": 0, "denominator": 1}  # 72.5 cm at 365 days: not stunted
    reviewer = device("pkm_a")
    [conflict] = reviewer.http.get(f"{reviewer.base}/conflicts", timeout=10).json()["conflicts"]
    done = reviewer.http.post(
        f"{reviewer.base}/conflicts/{conflict['id']}/resolve", json={"choice": "loser"}, timeout=10
    )
    assert done.status_code == 200
    assert stunting() == {"numerator": 1, "denominator": 1}  # 60.0 cm at 365 days: LHAZ < -2
