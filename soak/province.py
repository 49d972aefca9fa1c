"""The province run: several gunicorn instances over one primary, reads from a streaming replica.

A PostgreSQL primary of our own (``soak.clusters``) is filled with a province-sized dataset by the
district bench's generator (``bench.district_bench``: registry, record rows, aggregates), then a
hot standby is made of it with ``pg_basebackup``. Several gunicorn instances (each its own port
and workers, as separate machines would run them) write to the primary and read pulls, Pokjanal
pages and exports from the replica (``DATABASE_READ_URL``); they share only the database and the
secret key, so one web session cookie works on every instance.

Under load: kader and puskesmas devices (``soak.load.SimDevice``, closed loop unless ``--rate``)
push and pull through all the instances, one generator process per instance; a dinas user opens
the province-level pages and an export round robin over the instances; a sampler reads the
replica's lag every second (the app's own measure, ``replica_lag_seconds``, and the bytes of WAL
it has not replayed). Afterwards the replica is let catch up, every device pulls to quiescence and
the primary is checked as in the load run (each push logged once, each kader replica current).

Run: ``python -m soak.province [--posyandu 5000] [--balita 50000] [--minutes 3] [--instances 3]``
(``make soak`` runs it too, ``python -m soak --skip-campaign --skip-tests --skip-load`` alone).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import requests

from .clusters import Cluster
from .load import (
    OUT,
    PASSWORD,
    ROOT,
    Gunicorn,
    _await,
    _pct,
    _server_log_problems,
    _worker,
    check_database,
    parse_access_log,
)

DATABASE = "posyandu"
PERIOD = "2026-10"  # the generator's last month of visits
WEEK = "2026-W41"
DINAS = "prov.dinas"
# The dinas's pages at the top level (every posyandu of the dataset) and one export.
PAGES = (
    ("ringkasan", f"/ringkasan?period={PERIOD}"),
    ("peringkat", f"/peringkat?period={PERIOD}"),
    ("tren", "/tren"),
    ("evaluasi_mingguan", f"/evaluasi-mingguan?week={WEEK}"),
    ("mutu_data", "/mutu-data"),
    ("ringkasan_xlsx", f"/ringkasan?period={PERIOD}&format=xlsx"),
)
STALE_NOTE = "tertinggal"  # the replica note's word (web.replica_stale)


def say(*parts) -> None:
    print("[province]", *parts, flush=True)


# --- the dataset ---------------------------------------------------------------------------------


def build_dataset(url: str, posyandu: int, balita: int, kader: int, puskesmas: int) -> dict:
    """Fill the primary with the district generator's rows at province size; make the users."""
    from bench import district_bench as gen
    from server import create_app
    from server.cli import create_user, upgrade_database
    from server.extensions import db
    from server.indicators.refresh import rebuild_all
    from server.reference import write_records

    rng = random.Random(19)
    with tempfile.TemporaryDirectory(prefix="posyandu-province-app-") as instance:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=instance)
        with app.app_context():
            upgrade_database()
            t0 = time.perf_counter()
            wilayah, facilities = gen._registry(posyandu, rng)
            report = write_records(
                db.session,
                [("wilayah", w) for w in wilayah] + [("facility", f) for f in facilities],
            )
            assert not report.rejected, report.rejected[:3]
            db.session.commit()
            inserted = gen._bulk_insert(db.session, gen._record_rows(facilities, balita, rng))
            db.session.commit()
            records_seconds = time.perf_counter() - t0
            t0 = time.perf_counter()
            aggregate_rows = rebuild_all(db.session)
            db.session.commit()
            aggregate_seconds = time.perf_counter() - t0
            users = _make_users(facilities, kader, puskesmas, create_user)
            db.session.commit()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            db.engine.dispose()
    return {
        "posyandu": posyandu,
        "puskesmas": sum(1 for f in facilities if f["kind"] == "puskesmas"),
        "desa": sum(1 for w in wilayah if w["level"] == "desa"),
        "balita": balita,
        "records": inserted,
        "aggregate_rows": aggregate_rows,
        "records_seconds": round(records_seconds, 1),
        "aggregates_seconds": round(aggregate_seconds, 1),
        "users": users,
    }


def _make_users(facilities: list[dict], kader: int, puskesmas: int, create_user) -> list[dict]:
    """Kader of posyandu spread over the dataset, puskesmas staff, and the province's dinas."""
    posyandu = sorted(f["id"] for f in facilities if f["kind"] == "posyandu")
    pkm = sorted(f["id"] for f in facilities if f["kind"] == "puskesmas")
    step = max(1, len(posyandu) // max(1, kader))
    users = []
    for psy in posyandu[::step][:kader]:
        name = "prov.kader." + psy.lower()
        create_user(name, "Kader " + psy, "kader", psy, PASSWORD)
        users.append({"username": name, "role": "kader", "unit": psy})
    for unit in pkm[:: max(1, len(pkm) // max(1, puskesmas))][:puskesmas]:
        name = "prov.pkm." + unit.lower()
        create_user(name, "Petugas " + unit, "puskesmas", unit, PASSWORD)
        users.append({"username": name, "role": "puskesmas", "unit": unit})
    create_user(DINAS, "Dinas provinsi", "dinas", "DINKES-BENCH", PASSWORD)
    return users


# --- what is measured beside the devices ---------------------------------------------------------


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class LagSampler(threading.Thread):
    """Every second: the replica's lag as the pages measure it, and its unreplayed WAL bytes."""

    def __init__(self, primary_url: str, replica_url: str):
        super().__init__(daemon=True)
        self.urls = (primary_url, replica_url)
        self.samples: list[tuple[float, float, int]] = []  # (time, lag seconds, bytes behind)
        self.errors: list[str] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        import sqlalchemy as sa

        engines = [sa.create_engine(u) for u in self.urls]
        try:
            with engines[0].connect() as primary, engines[1].connect() as replica:
                while not self.stopped.wait(1.0):
                    try:
                        self.samples.append((time.time(), *self.measure(primary, replica)))
                    except sa.exc.DBAPIError as exc:
                        self.errors.append(type(exc).__name__)
                    primary.rollback()
                    replica.rollback()
        finally:
            for engine in engines:
                engine.dispose()

    @staticmethod
    def measure(primary, replica) -> tuple[float, int]:
        """Return (lag seconds as the pages see it, WAL bytes not yet replayed)."""
        import sqlalchemy as sa

        from server.sync.replica import replica_lag_seconds

        lag = replica_lag_seconds(replica, primary) or 0.0
        position = str(primary.execute(sa.text("SELECT pg_current_wal_flush_lsn()")).scalar())
        behind = replica.execute(
            sa.text("SELECT pg_wal_lsn_diff(CAST(:p AS pg_lsn), pg_last_wal_replay_lsn())"),
            {"p": position},
        ).scalar()
        return lag, max(0, int(behind or 0))

    def stop(self) -> None:
        self.stopped.set()
        self.join(30)


class Dashboard(threading.Thread):
    """The dinas opening the province-level pages back to back, round robin over the instances."""

    def __init__(self, bases: list[str]):
        super().__init__(daemon=True)
        self.bases = bases
        self.rows: list[tuple[float, str, int, float, bool]] = []  # (t, page, status, ms, stale)
        self.stopped = threading.Event()
        self.http = requests.Session()

    def sign_in(self) -> None:
        page = self.http.get(self.bases[0] + "/masuk", timeout=30)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = self.http.post(
            self.bases[0] + "/masuk",
            data={"username": DINAS, "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
            timeout=60,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"dinas sign-in answered {answer.status_code}")

    def run(self) -> None:
        turn = 0
        while not self.stopped.is_set():
            for name, path in PAGES:
                if self.stopped.is_set():
                    break
                base = self.bases[turn % len(self.bases)]
                turn += 1
                t0, ts = time.perf_counter(), time.time()
                try:
                    answer = self.http.get(base + path, timeout=120, allow_redirects=False)
                    status, stale = answer.status_code, STALE_NOTE in answer.text
                except requests.RequestException:
                    status, stale = 0, False
                self.rows.append((ts, name, status, (time.perf_counter() - t0) * 1000, stale))

    def stop(self) -> None:
        self.stopped.set()
        self.join(300)


def replica_transactions(url: str) -> int:
    """Return the transactions a cluster has committed in the province database (a counter)."""
    import psycopg

    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        return conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = %s", (DATABASE,)
        ).fetchone()[0]


# --- the run -------------------------------------------------------------------------------------


def _plan(users: list[dict], instances: int) -> list[list[dict]]:
    """Number the devices (one per user) and deal them over the instances."""
    specs = [dict(u, index=i) for i, u in enumerate(users)]
    return [specs[i::instances] for i in range(instances)]


class Province:
    """The run's parts, in a temporary directory: clusters, instances, generator processes."""

    def __init__(self):
        self.parent = Path(tempfile.mkdtemp(prefix="posyandu-province-"))
        os.chmod(self.parent, 0o755)  # the clusters run as the postgres OS user
        self.primary: Cluster | None = None
        self.replica: Cluster | None = None
        self.servers: list[Gunicorn] = []
        self.procs: list = []

    def databases(self, posyandu: int, balita: int, kader: int, puskesmas: int) -> dict:
        """Make the primary, fill it, then copy it into a streaming replica."""
        self.primary = Cluster.primary(self.parent)
        self.primary.sql(f"CREATE DATABASE {DATABASE}")
        say(f"primary on port {self.primary.port}; building {posyandu} posyandu, {balita} balita")
        dataset = build_dataset(self.url(self.primary), posyandu, balita, kader, puskesmas)
        say(f"{dataset['records']} records in {dataset['records_seconds']} s")
        t0 = time.monotonic()
        self.replica = Cluster.replica_of(self.primary, self.parent)
        dataset["basebackup_seconds"] = round(time.monotonic() - t0, 1)
        dataset["database_bytes"] = int(self.primary.sql(f"SELECT pg_database_size('{DATABASE}')"))
        say(f"replica on port {self.replica.port} ({dataset['basebackup_seconds']} s)")
        return dataset

    @staticmethod
    def url(cluster: Cluster) -> str:
        return cluster.url(DATABASE)

    def instances(self, count: int, workers: int) -> list[str]:
        """Start ``count`` gunicorn instances on the primary and the replica; return their bases."""
        env = {
            **os.environ,
            "DATABASE_URL": self.url(self.primary),
            "DATABASE_READ_URL": self.url(self.replica),
            "SECRET_KEY": "province-" + uuid.uuid4().hex,  # shared: a session works everywhere
            "POSYANDU_DATA_DIR": str(self.parent / "app"),
            "PYTHONPATH": str(ROOT),
        }
        for i in range(count):
            logdir = self.parent / f"app-{i}"
            logdir.mkdir()
            self.servers.append(Gunicorn(env, workers, logdir))
        say(f"{count} gunicorn instances x {workers} workers:", [s.port for s in self.servers])
        return [s.base for s in self.servers]

    def measure(self, users: list[dict], rate: float, seed: int, minutes: float) -> dict:
        """Drive the devices and the dinas; sample the lag; drain; return the raw figures."""
        bases = [s.base for s in self.servers]
        ctx = mp.get_context("spawn")
        news, go, halt, drain = ctx.Queue(), ctx.Event(), ctx.Event(), ctx.Event()
        plans = _plan(users, len(bases))
        paths = [self.parent / f"gen-{i}.json" for i in range(len(bases))]
        per_device = rate / len(users) if rate > 0 else 0.0
        self.procs = [
            ctx.Process(
                target=_worker,
                args=(plans[i], base, per_device, seed, news, go, halt, drain, str(paths[i])),
            )
            for i, base in enumerate(bases)
        ]
        for p in self.procs:
            p.start()
        say(f"{len(users)} devices signing in and pulling their scope")
        _await(news, "ready", self.procs)
        dashboard = Dashboard([b.removesuffix("/api/v1") for b in bases])
        dashboard.sign_in()
        lag = LagSampler(self.url(self.primary), self.url(self.replica))
        replica_tx = replica_transactions(self.url(self.replica))
        raw = {"loadavg": {"before": os.getloadavg()}, "t0": time.time()}
        lag.start()
        dashboard.start()
        go.set()
        say(f"measuring for {minutes} min")
        self._wait(minutes)
        raw.update(t1=time.time(), dashboard=dashboard, lag=lag)
        raw["loadavg"]["after"] = os.getloadavg()
        halt.set()
        dashboard.stop()
        lag.stop()
        raw["replica_transactions"] = replica_transactions(self.url(self.replica)) - replica_tx
        _await(news, "stopped", self.procs)
        raw["catch_up"] = self.replica.wait_caught_up(self.primary)  # last pulls see all pushes
        drain.set()
        for p in self.procs:
            p.join(600)
        raw["results"] = [json.loads(p.read_text()) for p in paths if p.exists()]
        if len(raw["results"]) != len(bases):
            raise RuntimeError("a load-generator process died; see its traceback above")
        return raw

    def _wait(self, minutes: float) -> None:
        deadline = time.monotonic() + minutes * 60
        while time.monotonic() < deadline and all(p.exitcode in (None, 0) for p in self.procs):
            time.sleep(min(5.0, max(0.0, deadline - time.monotonic())))

    def close(self) -> None:
        """Stop everything this run started and remove its directory."""
        for p in self.procs:
            if p.is_alive():
                p.terminate()
        for s in self.servers:
            s.stop()
        for cluster in (self.replica, self.primary):
            if cluster is not None:
                cluster.stop()
        shutil.rmtree(self.parent, ignore_errors=True)


def run_province(
    posyandu: int = 5000,
    balita: int = 50_000,
    minutes: float = 3.0,
    instances: int = 3,
    workers: int = 2,
    kader: int = 24,
    puskesmas: int = 6,
    rate: float = 0.0,
    seed: int = 20261124,
    out: Path | None = None,
) -> dict:
    """Make the clusters, the dataset and the instances; load them; return (and write) figures."""
    started = time.monotonic()
    run = Province()
    try:
        dataset = run.databases(posyandu, balita, kader, puskesmas)
        run.instances(instances, workers)
        raw = run.measure(dataset.pop("users"), rate, seed, minutes)
        devices = [d for r in raw["results"] for d in r["devices"]]
        report = summarise(
            raw["results"],
            raw["dashboard"].rows,
            raw["lag"],
            [parse_access_log(s.access_log) for s in run.servers],
            [line for s in run.servers for line in _server_log_problems(s.error_log)],
            check_database(run.url(run.primary), devices),
            raw["t0"],
            raw["t1"],
        )
        report["config"] = {
            "instances": instances,
            "workers_per_instance": workers,
            "devices": len(devices),
            "kader_devices": sum(1 for d in devices if d["role"] == "kader"),
            "puskesmas_devices": sum(1 for d in devices if d["role"] == "puskesmas"),
            "offered_rps": rate or "unlimited (closed loop)",
            "minutes": minutes,
            "seed": seed,
            "postgresql": run.primary.sql("SHOW server_version"),
        }
    finally:
        run.close()
    report["replica"] = {
        "basebackup_seconds": dataset.pop("basebackup_seconds"),
        "catch_up_after_load_seconds": round(raw["catch_up"], 1),
        "transactions_during_run": raw["replica_transactions"],
    }
    report["dataset"] = dataset
    report["loadavg"] = raw["loadavg"]
    report["cores"] = os.cpu_count()
    report["started_at"] = datetime.fromtimestamp(raw["t0"], UTC).isoformat(timespec="seconds")
    report["total_seconds"] = round(time.monotonic() - started, 1)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=1))
    say(headline(report))
    return report


def summarise(results, pages, lag, access, problems, correctness, t0, t1) -> dict:
    """Per-instance push throughput, page latency, replica lag, errors."""
    window = t1 - t0
    per_instance = []
    errors: Counter = Counter()
    for i, result in enumerate(results):
        measured = [r for r in result["rows"] if r[5] == "measured"]
        pushes = [r for r in measured if r[1] == "push"]
        errors.update(r[4] for r in result["rows"] if r[4] and r[5] != "warmup")
        per_instance.append(
            {
                "instance": i,
                "devices": len(result["devices"]),
                "requests_per_s": round(len(measured) / window, 1),
                "pushes_per_s": round(len(pushes) / window, 2),
                "mutations_per_s": round(sum(d["pushed"] for d in result["devices"]) / window, 1),
                "push_p50_ms": _pct([r[3] for r in pushes], 0.5),
                "push_p95_ms": _pct([r[3] for r in pushes], 0.95),
                "http_5xx": access[i]["http_5xx"],
            }
        )
    page_rows = [r for r in pages if t0 <= r[0] <= t1]
    by_page = {}
    for name, _ in PAGES:
        ms = [r[3] for r in page_rows if r[1] == name]
        by_page[name] = {"count": len(ms), "p50_ms": _pct(ms, 0.5), "p95_ms": _pct(ms, 0.95)}
    errors.update(f"page {r[1]}:{r[2]}" for r in page_rows if r[2] != 200)
    lags = [s[1] for s in lag.samples]
    behind = [s[2] for s in lag.samples]
    error_count = sum(errors.values()) + len(problems) + len(lag.errors)
    error_count += sum(a["http_5xx"] for a in access)
    return {
        "window_seconds": round(window, 1),
        "instances": per_instance,
        "pushes_per_s_total": round(sum(x["pushes_per_s"] for x in per_instance), 2),
        "mutations_per_s_total": round(sum(x["mutations_per_s"] for x in per_instance), 1),
        "pages": by_page,
        "pages_all": {
            "count": len(page_rows),
            "p50_ms": _pct([r[3] for r in page_rows], 0.5),
            "p95_ms": _pct([r[3] for r in page_rows], 0.95),
            "stale_notes": sum(1 for r in page_rows if r[4]),
        },
        "lag": {
            "samples": len(lags),
            "max_s": round(max(lags), 2) if lags else None,
            "p95_s": _pct(lags, 0.95),
            "median_s": round(statistics.median(lags), 2) if lags else None,
            "max_bytes_behind": max(behind) if behind else None,
            "p95_bytes_behind": _pct(behind, 0.95),
            "sampler_errors": lag.errors[:5],
        },
        "errors": dict(errors),
        "server_log_problems": problems[:10],
        "error_count": error_count,
        "correctness": correctness,
        "ok": error_count == 0 and correctness["ok"],
    }


def headline(r: dict) -> str:
    """One line of the run's figures."""
    per = ", ".join(f"{x['pushes_per_s']}" for x in r["instances"])
    return (
        f"pushes/s per instance {per}; pages p50 {r['pages_all']['p50_ms']} ms "
        f"p95 {r['pages_all']['p95_ms']} ms; lag max {r['lag']['max_s']} s "
        f"p95 {r['lag']['p95_s']} s; errors {r['error_count']}; "
        f"lost {r['correctness']['lost']} doubled {r['correctness']['doubled']}; "
        f"{'OK' if r['ok'] else 'FAILED'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m soak.province", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--posyandu", type=int, default=5000)
    parser.add_argument("--balita", type=int, default=50_000)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--kader", type=int, default=24)
    parser.add_argument("--puskesmas", type=int, default=6)
    parser.add_argument("--rate", type=float, default=0.0, help="offered req/s (0: closed loop)")
    args = parser.parse_args(argv)
    report = run_province(
        args.posyandu,
        args.balita,
        args.minutes,
        args.instances,
        args.workers,
        args.kader,
        args.puskesmas,
        args.rate,
        out=OUT / "province.json",
    )
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
