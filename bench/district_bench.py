"""District-scale indicators: the kabupaten Ringkasan query and ``/api/v1/indicators`` (issue 5).

Builds 500 posyandu with 40,000 balita and 24 months of weighings (about 930,000 visits) directly
in the database — record rows bulk-inserted with plausible derived values, then
``server.indicators.refresh.rebuild_all`` — and times ``server.indicators.rollup.indicator_rows`` at kabupaten and
kecamatan level and the API endpoint through the Flask test client. SQLite file by default,
``BENCH_DATABASE_URL`` for PostgreSQL. ``--quick``: 20 posyandu.

Evaluasi mingguan (issue #16) is timed too, signed in as the dinas through the login form: the
kabupaten's week of the last month of visits, and one puskesmas drilled down to its posyandu; and
Rekonsiliasi (paper counts for every posyandu, a stored hari buka for every other one).

Run: ``python -m bench.district_bench [--quick]``.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime

from bench import district_pages

ROOT_PERIOD_END = (2026, 10)  # the last month of visits
WEEK = "2026-W41"  # 05/10/2026 to 11/10/2026: the sessions of the 10th of the last month
MONTHS = 24
PASSWORD = "bench-password-9"


def _month(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


def _registry(n_posyandu: int, rng: random.Random):
    """Return (wilayah, facilities) spreading the posyandu over Kayong Utara's desa."""
    from server.cli import default_wilayah_csv
    from server.reference import wilayah_from_csv

    wilayah = wilayah_from_csv(default_wilayah_csv())
    desa = sorted(w["code"] for w in wilayah if w["level"] == "desa")
    kecamatan = sorted({d[:6] for d in desa})
    facilities = [
        {
            "id": "DINKES-BENCH",
            "code": "DINKES-BENCH",
            "name": "Dinkes",
            "kind": "dinkes",
            "kecamatan_code": kecamatan[0],
            "wilayah_kerja": [],
        }
    ]
    for kec in kecamatan:
        # Two puskesmas per kecamatan, each with half of its desa.
        kec_desa = [d for d in desa if d.startswith(kec)]
        for half in (0, 1):
            part = kec_desa[half::2]
            if part:
                facilities.append(
                    {
                        "id": f"PKM-{kec}-{half}",
                        "code": f"PKM-{kec}-{half}",
                        "name": f"Puskesmas {kec}-{half}",
                        "kind": "puskesmas",
                        "parent_id": "DINKES-BENCH",
                        "kecamatan_code": kec,
                        "desa_code": part[0],
                        "wilayah_kerja": part,
                    }
                )
    pkm_of = {
        d: f["id"] for f in facilities if f["kind"] == "puskesmas" for d in f["wilayah_kerja"]
    }
    strata = ("pratama", "madya", "purnama", "mandiri")
    for i in range(n_posyandu):
        d = desa[i % len(desa)]
        pid = f"PSY-{d}-{i // len(desa) + 1:02d}"
        facilities.append(
            {
                "id": pid,
                "code": pid,
                "name": f"Posyandu {i + 1:03d}",
                "kind": "posyandu",
                "parent_id": pkm_of[d],
                "desa_code": d,
                "kecamatan_code": d[:6],
                "wilayah_kerja": [],
                "strata": rng.choice(strata),
            }
        )
    return wilayah, facilities


def _record_rows(facilities: list[dict], n_children: int, rng: random.Random):
    """Yield record rows (dicts for the ``record`` table): balita and their monthly weighings."""
    posyandu = [f for f in facilities if f["kind"] == "posyandu"]
    end = ROOT_PERIOD_END[0] * 12 + ROOT_PERIOD_END[1] - 1
    start = end - MONTHS + 1
    now = datetime.now(UTC)
    per = n_children // len(posyandu)
    for psy in posyandu:
        keys = {
            "posyandu_id": psy["id"],
            "desa_code": psy["desa_code"],
            "kecamatan_code": psy["kecamatan_code"],
            "puskesmas_id": psy["parent_id"],
        }
        for _ in range(per):
            pid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            by, bm = _month(start - rng.randint(1, 35))
            birth = date(by, bm, rng.randint(1, 28))
            sex = rng.choice("MF")
            yield {
                "id": pid,
                "kind": "person",
                "person_id": pid,
                **keys,
                "created_at": now,
                "fields": {
                    "id": pid,
                    "posyandu_id": psy["id"],
                    "name": "Anak Bench",
                    "sex": sex,
                    "birth_date": birth.isoformat(),
                    "has_kia_book": rng.random() < 0.8,
                    "desa_code": psy["desa_code"],
                    "mother_name": "Ibu Bench",
                },
            }
            z = rng.gauss(-0.8, 1.0)
            weight = 3.2 + (start - (by * 12 + bm - 1)) * 0.25
            status_prev = None
            for index in range(start, end + 1):
                if rng.random() < 0.03:
                    status_prev = None
                    continue
                y, m = _month(index)
                gain = rng.uniform(-0.1, 0.4)
                weight += gain
                status = (
                    ("B" if index == start else "N" if gain >= 0.2 else "T")
                    if status_prev is not None or index == start
                    else "O"
                )
                waz = round(z + rng.gauss(0, 0.3), 2)
                lhaz = round(z - 0.5 + rng.gauss(0, 0.3), 2)
                vid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                yield {
                    "id": vid,
                    "kind": "child_visit",
                    "person_id": pid,
                    **keys,
                    "created_at": now,
                    "fields": {
                        "id": vid,
                        "person_id": pid,
                        "posyandu_id": psy["id"],
                        "visit_date": date(y, m, rng.randint(1, 28)).isoformat(),
                        "weight_kg": round(weight, 2),
                        "length_cm": 70.0,
                        "position": "lying",
                        "vitamin_a": "red" if m in (2, 8) else "none",
                        "immunizations": ["MR"] if rng.random() < 0.02 else [],
                        "waz": waz,
                        "lhaz": lhaz,
                        "wlhz": round(rng.gauss(-0.3, 1), 2),
                        "growth_status": status,
                        "bgm": waz < -3,
                        "two_t": status == "T" and status_prev == "T",
                    },
                }
                status_prev = status
        for index in range(start, end + 1):
            if rng.random() < 0.9:
                y, m = _month(index)
                sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                yield {
                    "id": sid,
                    "kind": "posyandu_session",
                    "person_id": None,
                    **keys,
                    "created_at": now,
                    "fields": {
                        "id": sid,
                        "posyandu_id": psy["id"],
                        "session_date": date(y, m, 10).isoformat(),
                        "opened": True,
                    },
                }


def _bulk_insert(session, rows, batch: int = 5000) -> int:
    """Insert record rows in chunks; return how many."""
    import sqlalchemy as sa

    from server.indicators.week import event_date_of
    from server.models import Record, SyncCounter, quality_flag_of

    table = Record.__table__
    position = session.get(SyncCounter, 1).value
    chunk, total = [], 0
    for row in rows:
        position += 1
        chunk.append(
            {
                "version": 1,
                "deleted": False,
                "field_meta": {},
                "change_seq": position,
                "updated_at": row["created_at"],
                "event_date": event_date_of(row["kind"], row["fields"]),  # as the model keeps it
                "quality_flag": quality_flag_of(row["kind"], row["fields"]),  # likewise
                **row,
            }
        )
        if len(chunk) >= batch:
            session.execute(table.insert(), chunk)
            total += len(chunk)
            chunk = []
    if chunk:
        session.execute(table.insert(), chunk)
        total += len(chunk)
    session.execute(sa.update(SyncCounter).where(SyncCounter.id == 1).values(value=position))
    return total


def _timed(fn, repeat: int) -> float:
    """Return the median milliseconds of ``repeat`` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


def run(quick: bool = False) -> dict:
    """Build the district, then time the Ringkasan queries and the API; return the figures."""
    n_posyandu, n_children = (20, 1600) if quick else (500, 40_000)
    rng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="posyandu-district-") as data_dir:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{data_dir}/district.sqlite3"
        from server import create_app
        from server.cli import create_user, upgrade_database
        from server.extensions import db
        from server.indicators.refresh import rebuild_all
        from server.indicators.rollup import indicator_rows
        from server.reference import write_records
        from server.scope import Scope

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, instance_path=data_dir)
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            upgrade_database()
            t0 = time.perf_counter()
            wilayah, facilities = _registry(n_posyandu, rng)
            report = write_records(
                db.session,
                [("wilayah", w) for w in wilayah] + [("facility", f) for f in facilities],
            )
            assert not report.rejected, report.rejected[:3]
            create_user("bench.dinas", "Bench dinas", "dinas", "DINKES-BENCH", PASSWORD)
            db.session.commit()
            inserted = _bulk_insert(db.session, _record_rows(facilities, n_children, rng))
            db.session.commit()
            insert_seconds = time.perf_counter() - t0
            t0 = time.perf_counter()
            aggregate_rows = rebuild_all(db.session)
            db.session.commit()
            aggregate_seconds = time.perf_counter() - t0
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")
            period = f"{ROOT_PERIOD_END[0]:04d}-{ROOT_PERIOD_END[1]:02d}"
            everything = Scope("dinas", everything=True)
            repeat = 5

            def query(level):
                return lambda: (
                    indicator_rows(db.session, everything, period, level),
                    db.session.rollback(),
                )

            kabupaten_ms = _timed(query("kabupaten"), repeat)
            kecamatan_ms = _timed(query("kecamatan"), repeat)
            posyandu_ms = _timed(query("posyandu"), repeat)
            kab_row = indicator_rows(db.session, everything, period, "kabupaten")[0]
            db.session.rollback()

        client = app.test_client()
        token = client.post(
            "/api/v1/auth/login",
            json={"username": "bench.dinas", "password": PASSWORD, "device_name": "bench"},
        ).get_json()["token"]
        headers = {"Authorization": f"Bearer {token}"}

        def api(level):
            def call():
                response = client.get(
                    f"/api/v1/indicators?period={period}&level={level}", headers=headers
                )
                assert response.status_code == 200, response.data[:200]

            return call

        api_kabupaten_ms = _timed(api("kabupaten"), repeat)
        api_kecamatan_ms = _timed(api("kecamatan"), repeat)
        pages = kia_signal_pages(app, facilities, rng)
        weekly = _weekly_figures(app, facilities, repeat)
        quality = _quality_figures(app, repeat)
        pokjanal = district_pages.page_figures(app, facilities, period)  # Tren, Peringkat…
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    visits = inserted - n_children
    return {
        "district_data": f"{n_posyandu} posyandu, {n_children} balita, {visits} visits+sessions, "
        + ("PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"),
        "district_build_records_seconds": round(insert_seconds, 1),
        "district_build_aggregates_seconds": round(aggregate_seconds, 1),
        "district_aggregate_rows": aggregate_rows,
        "district_kabupaten_S_D": f"{kab_row['counts']['S']} / {kab_row['counts']['D']}",
        "ringkasan_kabupaten_ms": kabupaten_ms,
        "ringkasan_kecamatan_ms": kecamatan_ms,
        "ringkasan_posyandu_ms": posyandu_ms,
        "api_indicators_kabupaten_ms": api_kabupaten_ms,
        "api_indicators_kecamatan_ms": api_kecamatan_ms,
        **pages,
        **weekly,
        **quality,
        **pokjanal,
    }


# -- KIA, death and signal pages (issue 20) -------------------------------------------------------

KIA_PAGES = ("/kia", "/kia?level=posyandu", "/kematian", "/sinyal", "/ilp", "/paket-rapat")


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _kia_rows(facilities: list[dict], rng: random.Random, today: date):
    """Yield per posyandu 6 active pregnancies with 0–6 ANC visits, and 1 signal in 3 posyandu;
    in 1 posyandu of 10 a balita death in the last 300 days, in 1 of 100 a maternal death (the
    demo kabupaten's order of magnitude: Kayong Utara registers about 2,500 pregnancies a year)."""
    now = datetime.now(UTC)
    for number, psy in enumerate(f for f in facilities if f["kind"] == "posyandu"):
        keys = {
            "posyandu_id": psy["id"],
            "desa_code": psy["desa_code"],
            "kecamatan_code": psy["kecamatan_code"],
            "puskesmas_id": psy["parent_id"],
            "created_at": now,
        }
        for i in range(6):
            mother, pregnancy = _uid(rng), _uid(rng)
            lmp = date.fromordinal(today.toordinal() - rng.randint(20, 270))
            died = number % 100 == 0 and i == 0
            yield {
                "id": mother,
                "kind": "person",
                "person_id": mother,
                **keys,
                "fields": {
                    "id": mother,
                    "posyandu_id": psy["id"],
                    "name": "Ibu Bench",
                    "sex": "F",
                    "birth_date": "1995-05-05",
                    "desa_code": psy["desa_code"],
                    **({"died_on": today.isoformat()} if died else {}),
                },
            }
            yield {
                "id": pregnancy,
                "kind": "pregnancy",
                "person_id": mother,
                **keys,
                "fields": {
                    "id": pregnancy,
                    "person_id": mother,
                    "posyandu_id": psy["id"],
                    "registered_on": lmp.replace(day=1).isoformat()
                    if lmp.day > 1
                    else lmp.isoformat(),
                    "lmp_date": lmp.isoformat(),
                    "status": "active",
                },
            }
            for v in range(rng.randint(0, 6)):
                visit = _uid(rng)
                on = date.fromordinal(min(today.toordinal(), lmp.toordinal() + 40 * (v + 1)))
                yield {
                    "id": visit,
                    "kind": "anc_visit",
                    "person_id": mother,
                    **keys,
                    "fields": {
                        "id": visit,
                        "pregnancy_id": pregnancy,
                        "person_id": mother,
                        "posyandu_id": psy["id"],
                        "visit_date": on.isoformat(),
                        "muac_cm": round(rng.uniform(21, 28), 1),
                        "hb_g_dl": round(rng.uniform(9, 13), 1),
                        "systolic_bp": rng.randint(100, 150),
                        "diastolic_bp": rng.randint(60, 95),
                    },
                }
        for _ in range(1 if number % 10 == 0 else 0):  # about 50 balita deaths a year
            child = _uid(rng)
            born = date.fromordinal(today.toordinal() - rng.randint(30, 700))
            yield {
                "id": child,
                "kind": "person",
                "person_id": child,
                **keys,
                "fields": {
                    "id": child,
                    "posyandu_id": psy["id"],
                    "name": "Anak Bench",
                    "sex": "M",
                    "birth_date": born.isoformat(),
                    "desa_code": psy["desa_code"],
                    "died_on": date.fromordinal(
                        born.toordinal() + rng.randint(0, min(300, (today - born).days))
                    ).isoformat(),
                },
            }
        if number % 3 == 0:
            signal = _uid(rng)
            yield {
                "id": signal,
                "kind": "signal",
                "person_id": None,
                **keys,
                "fields": {
                    "id": signal,
                    "posyandu_id": psy["id"],
                    "rule": "posyandu_silent",
                    "period": today.isoformat()[:7],
                    "raised_on": today.isoformat(),
                    "due_date": today.isoformat(),
                    "status": "open",
                    "evidence": "bench",
                },
            }


def kia_signal_pages(app, facilities: list[dict], rng: random.Random, repeat: int = 3) -> dict:
    """Add the KIA records, then time the KIA, Kematian, Sinyal, ILP and Paket rapat pages as the
    dinas (the whole kabupaten) through the Flask test client (median ms; target < 500)."""
    import re

    from server.extensions import db
    from shared.calendar import DEFAULT_ZONE, local_today

    today = local_today(DEFAULT_ZONE)
    with app.app_context():
        added = _bulk_insert(db.session, _kia_rows(facilities, rng, today))
        db.session.commit()
    client = app.test_client()
    form = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    signed = client.post(
        "/masuk", data={"username": "bench.dinas", "password": PASSWORD, "csrf_token": token}
    )
    assert signed.status_code == 302, signed.status_code
    figures = {"kia_pages_records_added": added}
    for path in KIA_PAGES:

        def get(path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        name = path.strip("/").replace("?", "_").replace("=", "_").replace("-", "_")
        # wall time and this process' CPU time: on a shared machine the CPU time is what the
        # page costs, the wall time what a user waited
        # (/kia reuses its result until the next write: the first call is the cold one)
        wall0, cpu0 = time.perf_counter(), time.process_time()
        get()
        figures[f"page_{name}_first_ms"] = round((time.perf_counter() - wall0) * 1000, 1)
        figures[f"page_{name}_first_cpu_ms"] = round((time.process_time() - cpu0) * 1000, 1)
        cpu0 = time.process_time()
        figures[f"page_{name}_ms"] = _timed(get, repeat)
        figures[f"page_{name}_cpu_ms"] = round(
            (time.process_time() - cpu0) * 1000 / (repeat + 1), 1
        )
    return figures


def _paper_counts(app, facilities: list[dict], period: str) -> None:
    """Enter paper register counts for every posyandu of ``period`` (a few off the app's)."""
    from server.extensions import db
    from server.models import PaperCount, utcnow

    rng = random.Random(16)
    with app.app_context():
        rows = []
        for f in facilities:
            if f["kind"] == "posyandu":
                s = 80 + rng.randint(-3, 3)
                d = s - rng.randint(0, 10)
                rows.append(
                    dict(posyandu_id=f["id"], period=period, s=s, k=s - 5, d=d, n=d - 20)
                    | dict(weighings=d + rng.randint(0, 3), entered_by="bench", entered_at=utcnow())
                )
        db.session.execute(PaperCount.__table__.insert(), rows)
        db.session.commit()


def _hari_buka(app, facilities: list[dict]) -> int:
    """Store the hari buka (the 10th, the day of the bench's sessions) of every other posyandu:
    the pages then meet both the stored schedule and the inference from sessions."""
    from server.extensions import db
    from server.models import HariBuka, utcnow

    posyandu = [f["id"] for f in facilities if f["kind"] == "posyandu"][::2]
    rows = [dict(posyandu_id=p, day=10, entered_by="bench", entered_at=utcnow()) for p in posyandu]
    with app.app_context():
        db.session.execute(HariBuka.__table__.insert(), rows)
        db.session.commit()
    return len(rows)


def _weekly_figures(app, facilities: list[dict], repeat: int) -> dict:
    """Time Evaluasi mingguan for the kabupaten and one puskesmas, signed in as the dinas."""
    import re

    web = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/masuk").text).group(1)
    signed = web.post(
        "/masuk", data={"username": "bench.dinas", "password": PASSWORD, "csrf_token": token}
    )
    assert signed.status_code == 302, signed.text[:200]
    unit = next(f["id"] for f in facilities if f["kind"] == "puskesmas")
    pages = {}

    def page(query):
        def call():
            response = web.get(query)
            assert response.status_code == 200, response.text[:200]
            pages[query] = response.text

        return call

    kabupaten = f"/evaluasi-mingguan?week={WEEK}"
    drill = f"/evaluasi-mingguan?week={WEEK}&puskesmas={unit}"
    period = f"{ROOT_PERIOD_END[0]:04d}-{ROOT_PERIOD_END[1]:02d}"
    _paper_counts(app, facilities, period)
    stored = _hari_buka(app, facilities)
    figures = {
        "evaluasi_mingguan_kabupaten_ms": _timed(page(kabupaten), repeat),
        "evaluasi_mingguan_puskesmas_ms": _timed(page(drill), repeat),
    }
    reconcile = f"/rekonsiliasi?period={period}"
    # this process' CPU time beside the wall time: on a shared machine the wall time also
    # holds the waits for other processes
    cpu0 = time.process_time()
    figures["rekonsiliasi_kabupaten_ms"] = _timed(page(reconcile), repeat)
    figures["rekonsiliasi_kabupaten_cpu_ms"] = round(
        (time.process_time() - cpu0) * 1000 / (repeat + 1), 1
    )
    weekly = pages[reconcile].split('id="reconcile-weekly"')[1].split("</table>")[0]
    placed = sum(int(n) for n in re.findall(r'data-key="n">(\d+)<', weekly))
    figures["rekonsiliasi_check"] = (
        f"{pages[reconcile].count('data-paper>')} paper counts shown, "
        f"{pages[reconcile].count('data-gap>')} gaps, hari buka stored for {stored} posyandu, "
        f"{placed} placed by week"
    )
    totals = dict(re.findall(r'data-total="(\w+)">(\d+)<', pages[kabupaten]))
    figures["evaluasi_mingguan_check"] = (
        f"opened {totals['sessions']} / scheduled {totals['scheduled']} posyandu, "
        f"weighed {totals['weighed']} / sasaran {totals['sasaran']}, "
        f"belum pernah {pages[kabupaten].count('belum pernah')}"
    )
    return figures


# -- Mutu data (issue #16) ------------------------------------------------------------------------

QUALITY_SHARE = 0.003  # about 3 in 1,000 visits flagged implausible or re-measured and kept


def _flagged_visits(app, rng: random.Random) -> int:
    """Add flagged visits (implausible, or re-measured and kept) to children of the district."""
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import Record

    with app.app_context():
        visits = db.session.scalar(sa.select(sa.func.count()).where(Record.kind == "child_visit"))
        wanted = max(1, int(visits * QUALITY_SHARE))
        people = db.session.execute(
            sa.select(Record.id, Record.posyandu_id, Record.desa_code)
            .add_columns(Record.kecamatan_code, Record.puskesmas_id)
            .where(Record.kind == "person")
            .order_by(Record.id)
            .limit(wanted)
        ).all()
        now = datetime.now(UTC)
        rows = []
        for index, p in enumerate(people):
            vid = _uid(rng)
            flagged = {"flags": ["implausible_waz"], "weight_kg": 1.1}
            if index % 4 == 0:
                flagged = {"flags": [], "remeasured": True, "weight_kg": 4.0}
            rows.append(
                {
                    "id": vid,
                    "kind": "child_visit",
                    "person_id": p.id,
                    "posyandu_id": p.posyandu_id,
                    "desa_code": p.desa_code,
                    "kecamatan_code": p.kecamatan_code,
                    "puskesmas_id": p.puskesmas_id,
                    "created_at": now,
                    "fields": {
                        "id": vid,
                        "person_id": p.id,
                        "posyandu_id": p.posyandu_id,
                        "visit_date": date(2026, 10, rng.randint(1, 28)).isoformat(),
                        "length_cm": 70.0,
                        "position": "lying",
                        **flagged,
                    },
                }
            )
        added = _bulk_insert(db.session, rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE record")
    return added


def _json_filter_ms(app) -> float:
    """Time the query Mutu data used before ``quality_flag``: every visit's JSON as text."""
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import Record

    def call():
        with app.app_context():
            db.session.execute(
                sa.select(Record.id)
                .where(
                    Record.kind == "child_visit",
                    Record.deleted.is_(False),
                    sa.or_(
                        sa.cast(Record.fields, sa.Text).like("%implausible_%"),
                        sa.cast(Record.fields, sa.Text).like("%remeasured%"),
                    ),
                )
                .order_by(Record.updated_at.desc())
                .limit(500)
            ).all()

    return _timed(call, 1)


def _quality_figures(app, repeat: int) -> dict:
    """Time Mutu data for the kabupaten (signed in as the dinas), with flagged visits added."""
    import re

    added = _flagged_visits(app, random.Random(17))
    web = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/masuk").text).group(1)
    signed = web.post(
        "/masuk", data={"username": "bench.dinas", "password": PASSWORD, "csrf_token": token}
    )
    assert signed.status_code == 302, signed.text[:200]
    pages = {}

    def page(query):
        def call():
            response = web.get(query)
            assert response.status_code == 200, response.text[:200]
            pages[query] = response.data

        return call

    figures = {
        "mutu_data_kabupaten_ms": _timed(page("/mutu-data"), repeat),
        "mutu_data_csv_ms": _timed(page("/mutu-data?format=csv&table=implausible"), repeat),
        "mutu_data_json_filter_before_ms": _json_filter_ms(app),
    }
    listed = pages["/mutu-data"].decode().count("data-visit=")
    figures["mutu_data_check"] = f"{added} flagged visits added, {listed} listed (at most 500)"
    return figures


if __name__ == "__main__":  # pragma: no cover
    for key, value in run("--quick" in sys.argv).items():
        print(f"{key:36} {value}")
