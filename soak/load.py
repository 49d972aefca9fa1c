"""Load: the server under gunicorn, many simulated devices pushing and pulling for minutes.

The database holds a demo kabupaten (``seed-demo``); every kader device signs in as the kader of
one posyandu (a few posyandu have two devices, so their edits meet and conflict), every puskesmas
device as a puskesmas. After login and the first full pull (warm-up, not measured), each device
loops at a Poisson pace, syncing as the field client does: half the kader syncs follow a save
and push a small batch (weighings of the posyandu's children, corrections, a new baby now and
then, a deleted mistake) before pulling, the others are timer rounds (``/auth/me``, pull);
puskesmas devices make timer rounds of their larger scope, read the conflict queue, resolve a
conflict, and read indicators. Measured: requests per second (overall, per endpoint, per 10 s window), errors,
latency percentiles, gunicorn RSS/PSS over time, CPU of server, PostgreSQL backends and the load
generator, PostgreSQL connections. At the end every device pulls to quiescence and the database
is checked: each pushed mutation is in ``mutation_log`` exactly once with the outcome the device
was told, and each kader device's replica holds the server's versions of its posyandu.

Run: ``python -m soak.load [--minutes 5] [--devices 48] [--rate 110] [--database-url URL]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import os
import queue
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests

from bench.procs import children, free_port, stop, wait_http

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "soak" / "out"
PLOT = ROOT / "docs" / "reliability-load.png"
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/soak"
PASSWORD = "soak-password-2026"
TARGET_RPS = 100
SAMPLE_SECONDS = 2.0
NAMES_M = ("Ahmad", "Budi", "Rizki", "Fajar", "Hendra", "Joko", "Rahmat", "Yusuf")
NAMES_F = ("Aisyah", "Dewi", "Fitri", "Nur", "Putri", "Siti", "Wulan", "Zahra")
# What a non-2xx answer may be without being an error: resolving a conflict another reviewer
# resolved a moment earlier.
EXPECTED_STATUS = {"resolve": (200, 409)}
PUSH_RETRIES = 5
# Share of kader syncs that follow a save (push + pull); the others are the client's timer
# rounds (``/auth/me`` + pull), as field_client.sync.AutoSync makes them.
EDIT_SHARE = 0.5


# --- preparing the database and the server --------------------------------------------------


def _libpq_url(database_url: str) -> str:
    return re.sub(r"^postgresql\+psycopg://", "postgresql://", database_url)


def reset_postgres(database_url: str) -> None:
    """Empty the database: drop and recreate the public schema."""
    import psycopg

    with psycopg.connect(_libpq_url(database_url), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def ensure_postgres_database(database_url: str) -> None:
    """Create the URL's database when it does not exist (connecting through ``postgres``)."""
    import psycopg

    url = _libpq_url(database_url)
    base, name = url.rsplit("/", 1)
    name = name.split("?")[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


_USERS_SCRIPT = """
import json, sys
import sqlalchemy as sa
from server import create_app
from server.cli import create_user
from server.extensions import db
from server.models import Record
kader, puskesmas, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
app = create_app()
with app.app_context():
    facilities = [r.fields for r in db.session.execute(
        sa.select(Record).where(Record.kind == "facility", Record.deleted.is_(False))).scalars()]
    by_pkm = {}
    for f in sorted(facilities, key=lambda f: f["id"]):
        if f["kind"] == "posyandu":
            by_pkm.setdefault(f["parent_id"], []).append(f["id"])
    # Round robin over the puskesmas, so the devices spread over the kabupaten.
    queues = [by_pkm[k] for k in sorted(by_pkm)]
    posyandu = []
    while len(posyandu) < kader and any(queues):
        for q in queues:
            if q and len(posyandu) < kader:
                posyandu.append(q.pop(0))
    users = []
    for psy in posyandu:
        name = "soak.kader." + psy.lower()
        create_user(name, "Kader " + psy, "kader", psy, password)
        users.append({"username": name, "role": "kader", "unit": psy})
    for pkm in sorted(by_pkm)[:puskesmas]:
        name = "soak.pkm." + pkm.lower()
        create_user(name, "Petugas " + pkm, "puskesmas", pkm, password)
        users.append({"username": name, "role": "puskesmas", "unit": pkm})
    db.session.commit()
    print(json.dumps(users))
"""


def prepare(env: dict, scale: float, seed: int, kader_users: int, puskesmas_users: int) -> dict:
    """Seed the demo kabupaten and create the soak users; return what was made."""
    t0 = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "server.cli",
            "seed-demo",
            "--seed",
            str(seed),
            "--scale",
            str(scale),
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    users = json.loads(
        subprocess.run(
            [sys.executable, "-c", _USERS_SCRIPT, str(kader_users), str(puskesmas_users), PASSWORD],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()[-1]
    )
    created = re.search(r"(\d+) baru", out)
    return {
        "users": users,
        "seeded_records": int(created.group(1)) if created else None,
        "prepare_seconds": round(time.perf_counter() - t0, 1),
    }


def plan_devices(users: list[dict], devices: int) -> list[dict]:
    """Give each device a user: puskesmas users one device each, kader users the rest.

    Every fifth kader user gets a second device (a second phone at the same posyandu), so some
    records are edited from two devices at once.
    """
    pkm = [u for u in users if u["role"] == "puskesmas"]
    kader = [u for u in users if u["role"] == "kader"]
    plan = [dict(u) for u in pkm]
    i = 0
    while len(plan) < devices:
        user = kader[i % len(kader)] if kader else pkm[i % len(pkm)]
        plan.append(dict(user))
        if i % 5 == 4 and len(plan) < devices:
            plan.append(dict(user, second=True))
        i += 1
    for n, spec in enumerate(plan):
        spec["index"] = n
    return plan


class Gunicorn:
    """The server as production runs it: gunicorn sync workers behind a port on loopback."""

    def __init__(self, env: dict, workers: int, logdir: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        self.access_log = logdir / "gunicorn-access.log"
        self.error_log = logdir / "gunicorn-error.log"
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "--backlog",
                "2048",
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                '%(s)s %(D)s "%(m)s %(U)s"',
                "--error-logfile",
                str(self.error_log),
                "server:create_app()",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_http(
            f"{self.base}/openapi.json",
            self.process,
            "gunicorn",
            detail=lambda: ": " + self.error_log.read_text()[-2000:],
        )

    def pids(self) -> tuple[int, list[int]]:
        """Return the master's pid and its workers' pids."""
        return self.process.pid, children(self.process.pid)

    def stop(self) -> None:
        stop(self.process)


def _rss_kb(pid: int) -> tuple[int, int]:
    """Return (RSS, PSS) of a process in kB (0 when it is gone)."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Sampler(threading.Thread):
    """Every few seconds: gunicorn RSS/PSS and CPU, PostgreSQL connections and backend CPU."""

    def __init__(self, server: Gunicorn, database_url: str | None):
        super().__init__(daemon=True)
        self.server, self.database_url = server, database_url
        self.samples: list[dict] = []
        self.pg_cpu: dict[int, tuple[float, float]] = {}  # pid -> (first seen, last seen)
        self.stopped = threading.Event()
        self.pg = None
        if database_url and database_url.startswith("postgresql"):
            import psycopg

            self.pg = psycopg.connect(_libpq_url(database_url), autocommit=True)
            self.dbname = _libpq_url(database_url).rsplit("/", 1)[1].split("?")[0]

    def run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(SAMPLE_SECONDS)
        self.sample()

    def sample(self) -> None:
        master, workers = self.server.pids()
        if self.server.process.poll() is not None:
            return
        mem = {pid: _rss_kb(pid) for pid in [master, *workers]}
        cpu = sum(_cpu_seconds(p) for p in [master, *workers])
        sample = {
            "t": time.time(),
            "rss_kb": {str(p): v[0] for p, v in mem.items()},
            "pss_kb": {str(p): v[1] for p, v in mem.items()},
            "master": master,
            "server_cpu_s": cpu,
        }
        if self.pg is not None:
            rows = self.pg.execute(
                "SELECT pid, state FROM pg_stat_activity WHERE datname = %s "
                "AND pid <> pg_backend_pid()",
                (self.dbname,),
            ).fetchall()
            sample["pg_connections"] = len(rows)
            sample["pg_active"] = sum(1 for _, state in rows if state == "active")
            for pid, _ in rows:
                now = _cpu_seconds(pid)
                first = self.pg_cpu.get(pid, (now, now))[0]
                self.pg_cpu[pid] = (first, now)
            sample["pg_cpu_s"] = sum(last - first for first, last in self.pg_cpu.values())
        self.samples.append(sample)

    def stop(self) -> None:
        self.stopped.set()
        self.join(30)
        if self.pg is not None:
            self.pg.close()


# --- the simulated devices ------------------------------------------------------------------


class Recorder:
    """Requests of one process: (wall time, endpoint, status, seconds, error or None)."""

    def __init__(self):
        self.rows: list[tuple] = []
        self.phase = "warmup"

    def add(self, ts: float, label: str, status: int, seconds: float, error: str | None) -> None:
        self.rows.append((ts, label, status, round(seconds * 1000, 2), error, self.phase))


class SimDevice:
    """One phone: signs in, keeps its replica's versions, pushes and pulls on a Poisson pace."""

    def __init__(
        self,
        spec: dict,
        base: str,
        recorder: Recorder,
        interval: float,
        stop: threading.Event,
        seed: int,
    ):
        self.spec, self.base, self.rec, self.interval, self.stop = (
            spec,
            base,
            recorder,
            interval,
            stop,
        )
        self.rng = random.Random(seed * 1000 + spec["index"])
        self.http = requests.Session()
        self.http.headers.update(
            {"Accept-Encoding": "gzip", "Accept-Language": "id", "User-Agent": "posyandu-soak/0.1"}
        )
        self.device_id = ""
        self.cursor: str | None = None
        self.seq = 0
        self.outcomes: dict[int, str] = {}
        self.versions: dict[str, int] = {}
        self.deleted: set[str] = set()
        self.persons: dict[str, dict] = {}
        self.visits: dict[str, dict] = {}
        self.new_visits: Counter = Counter()
        self.hlc_ms = self.hlc_counter = 0
        self.next_at = time.monotonic()
        self.pulled = 0
        self.failures: list[str] = []
        today = datetime.now(UTC).date()
        self.today = today
        self.child_cutoff = today - timedelta(days=59 * 30)

    # plumbing

    def call(self, label: str, method: str, path: str, **kwargs) -> requests.Response | None:
        t0, ts = time.perf_counter(), time.time()
        try:
            response = self.http.request(method, self.base + path, timeout=(10, 120), **kwargs)
        except requests.RequestException as exc:
            self.rec.add(ts, label, 0, time.perf_counter() - t0, f"exception:{type(exc).__name__}")
            return None
        seconds = time.perf_counter() - t0
        ok = response.status_code in EXPECTED_STATUS.get(label, (200,))
        self.rec.add(
            ts,
            label,
            response.status_code,
            seconds,
            None if ok else f"status:{response.status_code}",
        )
        return response if ok else None

    def pace(self) -> None:
        """Wait for this device's next request time (exponential gaps; no burst after a stall)."""
        if self.interval <= 0:
            return
        now = time.monotonic()
        self.next_at = max(self.next_at + self.rng.expovariate(1 / self.interval), now - 1.0)
        if self.next_at > now:
            self.stop.wait(self.next_at - now)

    def hlc(self) -> str:
        ms = int(time.time() * 1000)
        if ms > self.hlc_ms:
            self.hlc_ms, self.hlc_counter = ms, 0
        else:
            self.hlc_counter += 1
        return f"{self.hlc_ms:016d}:{self.hlc_counter:05d}:{self.device_id}"

    # protocol

    def login(self) -> bool:
        name = f"soak-{self.spec['index']:03d}"
        response = self.call(
            "login",
            "POST",
            "/auth/login",
            json={"username": self.spec["username"], "password": PASSWORD, "device_name": name},
        )
        if response is None:
            self.failures.append("login failed")
            return False
        body = response.json()
        self.device_id = body["device_id"]
        self.http.headers["Authorization"] = f"Bearer {body['token']}"
        return True

    def pull(self) -> None:
        """Pull pages until the server says there is no more."""
        for _ in range(10_000):
            params = {"limit": 500, **({"cursor": self.cursor} if self.cursor else {})}
            if self.cursor:
                # As the field client does (field_client.sync.DIGEST_EVERY): the scope digest on
                # the first pull, then every 6 hours, so never again within a soak run.
                params["digest"] = "0"
            response = self.call("pull", "GET", "/sync/pull", params=params)
            if response is None:
                return
            page = response.json()
            for change in page["changes"]:
                self.take(
                    change["id"],
                    change["kind"],
                    change["version"],
                    change["deleted"],
                    change["fields"],
                )
            self.pulled += len(page["changes"])
            self.cursor = page["cursor"]
            if not page["more"]:
                return
            self.pace()

    def take(self, record_id: str, kind: str, version: int, deleted: bool, fields: dict) -> None:
        """Keep what the device needs of a record: its version, and children and visits."""
        if self.spec["role"] != "kader":
            return
        self.versions[record_id] = version
        if deleted:
            self.deleted.add(record_id)
            self.visits.pop(record_id, None)
            self.persons.pop(record_id, None)
        elif kind == "person":
            birth = fields.get("birth_date") or "1900-01-01"
            if (
                birth >= self.child_cutoff.isoformat()
                and not fields.get("died_on")
                and not fields.get("moved_out_on")
            ):
                self.persons[record_id] = {
                    "birth_date": birth,
                    "rt": fields.get("rt"),
                    "desa_code": fields.get("desa_code"),
                }
        elif kind == "child_visit":
            self.visits[record_id] = {
                "person_id": fields.get("person_id"),
                "weight_kg": fields.get("weight_kg"),
            }

    def push(self, mutations: list[dict]) -> None:
        """Push one batch; on a lost answer send the same batch again (it is idempotent)."""
        body = gzip.compress(
            json.dumps(
                {"device_id": self.device_id, "mutations": mutations}, separators=(",", ":")
            ).encode(),
            6,
        )
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        for attempt in range(PUSH_RETRIES):
            response = self.call("push", "POST", "/sync/push", data=body, headers=headers)
            if response is not None:
                break
            if attempt == PUSH_RETRIES - 1:
                self.failures.append(f"push of seq {mutations[0]['seq']}.. never answered")
                raise RuntimeError("push failed")
            self.stop.wait(1.0)  # back off before resending, as the field client does
        by_seq = {m["seq"]: m for m in mutations}
        for result in response.json()["results"]:
            status = result["status"]
            if status == "duplicate":
                status = result.get("outcome") or "applied"
            self.outcomes[result["seq"]] = status
            m = by_seq[result["seq"]]
            if status == "rejected":
                self.failures.append(f"seq {result['seq']} rejected: {result.get('errors')}")
            current = result.get("current")
            if current is not None:
                self.take(
                    m["id"], m["kind"], current["version"], current["deleted"], current["fields"]
                )
            elif result.get("version") is not None:
                self.versions[m["id"]] = result["version"]
                if m["op"] == "upsert" and status == "applied" and m["base_version"] is None:
                    self.take(m["id"], m["kind"], result["version"], False, m["fields"])

    # what a kader records

    def mutation(
        self, kind: str, record_id: str, fields: dict, op: str = "upsert", base: bool = True
    ) -> dict:
        self.seq += 1
        return {
            "seq": self.seq,
            "id": record_id,
            "kind": kind,
            "op": op,
            "base_version": self.versions.get(record_id) if base else None,
            "fields": fields,
            "hlc": self.hlc(),
            "device_time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        }

    def new_visit(self, person_id: str) -> dict:
        rng = self.rng
        birth = date.fromisoformat(self.persons[person_id]["birth_date"])
        first = max(birth, self.today - timedelta(days=20))
        day = first + timedelta(days=rng.randrange(max(1, (self.today - first).days)))
        age = (day - birth).days
        weight = 3.2 + age / 365 * 2.3 + rng.uniform(-0.6, 0.6)
        fields = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "person_id": person_id,
            "posyandu_id": self.spec["unit"],
            "visit_date": day.isoformat(),
            "weight_kg": round(min(weight, 28.0), 1),
        }
        if rng.random() < 0.4:
            fields["length_cm"] = round(min(50 + age / 30.4 * 1.3, 115.0), 1)
            fields["position"] = "lying" if age < 731 else "standing"
        if rng.random() < 0.1:
            fields["notes"] = rng.choice(
                (
                    "Ibu diberi penyuluhan MP-ASI",
                    "Rujuk ke puskesmas",
                    "Anak batuk pilek",
                    "Ditimbang ulang",
                )
            )
        self.new_visits[person_id] += 1
        return fields

    def batch(self) -> list[dict]:
        """A few changes as a kader makes them between two syncs (one per record)."""
        rng, planned = self.rng, {}
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 5, 8))):
            roll = rng.random()
            children = [p for p in self.persons if self.new_visits[p] < 3]
            if roll < 0.05 or not self.persons:
                pid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                sex = rng.choice("MF")
                desa = self.spec["unit"][4:14]
                birth = self.today - timedelta(days=rng.randrange(3, 40))
                fields = {
                    "id": pid,
                    "posyandu_id": self.spec["unit"],
                    "name": rng.choice(NAMES_M if sex == "M" else NAMES_F) + " Soak",
                    "sex": sex,
                    "birth_date": birth.isoformat(),
                    "desa_code": desa,
                    "mother_name": rng.choice(NAMES_F) + " Ibu",
                    "has_kia_book": True,
                    "rt": f"{rng.randint(1, 12):03d}",
                    "rw": f"{rng.randint(1, 4):03d}",
                    "birth_weight_kg": round(rng.uniform(2.4, 3.9), 2),
                }
                planned.setdefault(pid, ("person", pid, fields, "upsert", False))
                self.persons[pid] = {
                    "birth_date": birth.isoformat(),
                    "rt": fields["rt"],
                    "desa_code": desa,
                }
            elif roll < 0.55 and children:
                fields = self.new_visit(rng.choice(children))
                planned.setdefault(
                    fields["id"], ("child_visit", fields["id"], fields, "upsert", False)
                )
            elif roll < 0.80 and self.visits:
                vid = rng.choice(list(self.visits))
                weight = self.visits[vid].get("weight_kg") or 8.0
                new = round(min(max(weight + rng.choice((-0.2, -0.1, 0.1, 0.2)), 1.0), 39.0), 1)
                self.visits[vid]["weight_kg"] = new
                planned.setdefault(vid, ("child_visit", vid, {"weight_kg": new}, "upsert", True))
            elif roll < 0.97 and self.persons:
                # The first few children of the posyandu: two devices there edit the same ones.
                pid = sorted(self.persons)[rng.randrange(min(3, len(self.persons)))]
                rt = f"{rng.randint(1, 12):03d}"
                self.persons[pid]["rt"] = rt
                planned.setdefault(pid, ("person", pid, {"rt": rt}, "upsert", True))
            elif self.visits:
                vid = rng.choice(list(self.visits))
                self.visits.pop(vid)
                planned.setdefault(vid, ("child_visit", vid, {}, "delete", True))
        return [
            self.mutation(kind, rid, fields, op, base)
            for kind, rid, fields, op, base in planned.values()
        ]

    # loops

    def kader_cycle(self) -> None:
        """One sync as the field client makes it: after a save at once (push, pull); otherwise
        on its timer (``/auth/me`` to see the server is there, then pull)."""
        mutations = self.batch() if self.rng.random() < EDIT_SHARE else []
        if mutations:
            self.push(mutations)
        else:
            self.call("me", "GET", "/auth/me")
        self.pace()
        self.pull()
        self.pace()
        if self.rng.random() < 0.05:
            self.call("conflicts", "GET", "/conflicts", params={"status": "open", "limit": 20})
            self.pace()

    def puskesmas_cycle(self) -> None:
        """A timer sync of the puskesmas scope, then now and then the review pages' data."""
        self.call("me", "GET", "/auth/me")
        self.pace()
        self.pull()
        self.pace()
        roll = self.rng.random()
        if roll < 0.35:
            response = self.call(
                "conflicts", "GET", "/conflicts", params={"status": "open", "limit": 50}
            )
            self.pace()
            items = response.json()["conflicts"] if response is not None else []
            if items and self.rng.random() < 0.5:
                pick = self.rng.choice(items)
                self.call(
                    "resolve",
                    "POST",
                    f"/conflicts/{pick['id']}/resolve",
                    json={"choice": self.rng.choice(("winner", "loser"))},
                )
                self.pace()
        elif roll < 0.5:
            self.call(
                "indicators",
                "GET",
                "/indicators",
                params={
                    "period": (self.today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"),
                    "level": "posyandu",
                    "parent": self.spec["unit"],
                },
            )
            self.pace()

    def run(self) -> None:
        cycle = self.kader_cycle if self.spec["role"] == "kader" else self.puskesmas_cycle
        while not self.stop.is_set():
            try:
                cycle()
            except Exception as exc:  # noqa: BLE001 - a device's bug must be counted, not hidden
                self.failures.append(f"{type(exc).__name__}: {exc}")
                self.rec.add(time.time(), "device", 0, 0.0, f"exception:{type(exc).__name__}")
                self.stop.wait(1.0)

    def summary(self) -> dict:
        return {
            "index": self.spec["index"],
            "username": self.spec["username"],
            "role": self.spec["role"],
            "unit": self.spec["unit"],
            "device_id": self.device_id,
            "pushed": self.seq,
            "outcomes": dict(Counter(self.outcomes.values())),
            "outcome_by_seq_missing": [s for s in range(1, self.seq + 1) if s not in self.outcomes][
                :20
            ],
            "pulled": self.pulled,
            "failures": self.failures[:20],
            "versions": self.versions if self.spec["role"] == "kader" else {},
        }


def _worker(
    specs: list[dict],
    base: str,
    rate_per_device: float,
    seed: int,
    news: mp.Queue,
    go: mp.Event,
    halt: mp.Event,
    drain: mp.Event,
    result_path: str,
) -> None:
    """One load-generator process: its devices as threads, results to ``result_path``."""
    recorder = Recorder()
    stop = threading.Event()
    interval = 1 / rate_per_device if rate_per_device > 0 else 0.0
    devices = [SimDevice(s, base, recorder, interval, stop, seed) for s in specs]

    def warm(device: SimDevice) -> None:
        if device.login():
            device.pull()

    threads = [threading.Thread(target=warm, args=(d,)) for d in devices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    news.put("ready")
    go.wait()
    recorder.phase = "measured"
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    for d in devices:
        d.next_at = time.monotonic() + random.Random(d.spec["index"]).uniform(0, interval or 0)
    threads = [threading.Thread(target=d.run) for d in devices]
    for t in threads:
        t.start()
    halt.wait()
    stop.set()
    for t in threads:
        t.join()
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    recorder.phase = "drain"
    news.put("stopped")
    drain.wait()  # every device everywhere has stopped pushing: pull to quiescence
    for d in devices:
        d.interval = 0.0
        d.pull()
    Path(result_path).write_text(
        json.dumps(
            {
                "rows": recorder.rows,
                "devices": [d.summary() for d in devices],
                "cpu_s": (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime),
            }
        )
    )


def _await(news, word: str, procs: list, timeout: float = 900) -> None:
    """Wait until every generator process said ``word``; fail at once if one died."""
    heard, deadline = 0, time.monotonic() + timeout
    while heard < len(procs):
        try:
            if news.get(timeout=2) == word:
                heard += 1
        except queue.Empty:
            if any(p.exitcode is not None for p in procs):
                raise RuntimeError(
                    "a load-generator process died; see its traceback above"
                ) from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"load generators not {word} after {timeout:.0f} s") from None


# --- analysis -------------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def _latency(rows: list[tuple]) -> dict:
    ms = [r[3] for r in rows]
    return {
        "count": len(ms),
        "p50_ms": _pct(ms, 0.50),
        "p95_ms": _pct(ms, 0.95),
        "p99_ms": _pct(ms, 0.99),
        "max_ms": round(max(ms), 1) if ms else None,
        "mean_ms": round(statistics.fmean(ms), 1) if ms else None,
    }


def _slope_per_minute(points: list[tuple[float, float]]) -> float | None:
    if len(points) < 3:
        return None
    xs, ys = [p[0] / 60 for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return (
        round(sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den, 3)
        if den
        else None
    )


def memory_summary(samples: list[dict], t0: float, t1: float) -> dict:
    """RSS over the measured window: series, first and last minute, growth and slope."""
    window = [s for s in samples if t0 <= s["t"] <= t1]
    series = [
        {
            "t": round(s["t"] - t0, 1),
            "total_rss_mb": round(sum(s["rss_kb"].values()) / 1024, 1),
            "total_pss_mb": round(sum(s["pss_kb"].values()) / 1024, 1),
            "workers_rss_mb": [
                round(v / 1024, 1) for p, v in sorted(s["rss_kb"].items()) if int(p) != s["master"]
            ],
            "master_rss_mb": round(s["rss_kb"].get(str(s["master"]), 0) / 1024, 1),
            **(
                {"pg_connections": s["pg_connections"], "pg_active": s["pg_active"]}
                if "pg_connections" in s
                else {}
            ),
        }
        for s in window
    ]
    if not series:
        return {"series": []}
    span = series[-1]["t"]
    minute = min(60.0, span / 3)
    first = [s for s in series if s["t"] <= minute]
    last = [s for s in series if s["t"] >= span - minute]

    def mean(rows, key):
        return round(statistics.fmean(r[key] for r in rows), 1)

    workers_first = [
        statistics.fmean(w) for w in zip(*[s["workers_rss_mb"] for s in first], strict=False)
    ]
    workers_last = [
        statistics.fmean(w) for w in zip(*[s["workers_rss_mb"] for s in last], strict=False)
    ]
    # The slope after the first window: a worker's first minutes fill its caches, then it is flat.
    steady = [(s["t"], s["total_rss_mb"]) for s in series if s["t"] >= minute]
    return {
        "series": series,
        "window_s": round(minute, 1),
        "first_window_total_rss_mb": mean(first, "total_rss_mb"),
        "last_window_total_rss_mb": mean(last, "total_rss_mb"),
        "growth_total_rss_mb": round(mean(last, "total_rss_mb") - mean(first, "total_rss_mb"), 1),
        "first_window_total_pss_mb": mean(first, "total_pss_mb"),
        "last_window_total_pss_mb": mean(last, "total_pss_mb"),
        "slope_total_rss_mb_per_min": _slope_per_minute(steady),
        "slope_total_rss_mb_per_min_whole_run": _slope_per_minute(
            [(s["t"], s["total_rss_mb"]) for s in series]
        ),
        "workers_first_window_rss_mb": [round(v, 1) for v in workers_first],
        "workers_last_window_rss_mb": [round(v, 1) for v in workers_last],
        "max_total_rss_mb": max(s["total_rss_mb"] for s in series),
        "pg_connections_max": max((s.get("pg_connections", 0) for s in series), default=None),
    }


def parse_access_log(path: Path) -> dict:
    """Status counts and mean server time per endpoint from gunicorn's access log."""
    statuses: Counter = Counter()
    micros: dict[str, list[int]] = defaultdict(list)
    pattern = re.compile(r'^(\d{3}) (\d+) "(\S+) (\S+)"')
    for line in path.read_text(errors="replace").splitlines():
        match = pattern.match(line)
        if not match:
            continue
        status, us, _, url = match.groups()
        statuses[status] += 1
        label = _label(url)
        micros[label].append(int(us))
    return {
        "status_counts": dict(sorted(statuses.items())),
        "http_5xx": sum(n for s, n in statuses.items() if s.startswith("5")),
        "server_time_ms": {
            k: {
                "count": len(v),
                "mean": round(statistics.fmean(v) / 1000, 1),
                "p95": _pct([x / 1000 for x in v], 0.95),
            }
            for k, v in sorted(micros.items())
        },
    }


def _label(url: str) -> str:
    for part, label in (
        ("/sync/push", "push"),
        ("/sync/pull", "pull"),
        ("/resolve", "resolve"),
        ("/conflicts", "conflicts"),
        ("/auth/login", "login"),
        ("/auth/me", "me"),
        ("/indicators", "indicators"),
        ("/openapi", "openapi"),
    ):
        if part in url:
            return label
    return "other"


def check_database(database_url: str, devices: list[dict]) -> dict:
    """Compare every device's pushes and replica with what the database holds."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    by_device: dict[str, Counter] = defaultdict(Counter)
    rows_per_device: Counter = Counter()
    distinct_seq: dict[str, tuple[int, int, int]] = {}
    try:
        with engine.connect() as conn:
            for device_id, status, n in conn.execute(
                sa.text("SELECT device_id, status, count(*) FROM mutation_log GROUP BY 1, 2")
            ):
                by_device[device_id][status] = n
                rows_per_device[device_id] += n
            for device_id, n, lo, hi in conn.execute(
                sa.text(
                    "SELECT device_id, count(DISTINCT seq), min(seq), max(seq) FROM mutation_log "
                    "GROUP BY 1"
                )
            ):
                distinct_seq[device_id] = (n, lo, hi)
            versions: dict[str, dict[str, int]] = defaultdict(dict)
            units = sorted({d["unit"] for d in devices if d["role"] == "kader"})
            for record_id, posyandu, version in conn.execute(
                sa.text(
                    "SELECT id, posyandu_id, version FROM record WHERE posyandu_id IN :units "
                    "AND kind IN ('person', 'child_visit')"
                ).bindparams(sa.bindparam("units", expanding=True)),
                {"units": units or ["-"]},
            ):
                versions[posyandu][record_id] = version
            conflicts = conn.execute(sa.text("SELECT count(*) FROM conflict")).scalar_one()
            resolved = conn.execute(
                sa.text("SELECT count(*) FROM conflict WHERE status = 'resolved'")
            ).scalar_one()
    finally:
        engine.dispose()
    lost = doubled = pushed = 0
    mismatches, replica = [], []
    for d in devices:
        pushed += d["pushed"]
        rows = rows_per_device.get(d["device_id"], 0)
        n_distinct, lo, hi = distinct_seq.get(d["device_id"], (0, None, None))
        lost += max(0, d["pushed"] - n_distinct)
        doubled += rows - n_distinct
        if d["pushed"] and (
            rows != d["pushed"]
            or lo != 1
            or hi != d["pushed"]
            or dict(by_device[d["device_id"]]) != d["outcomes"]
        ):
            mismatches.append(
                {
                    "device": d["index"],
                    "pushed": d["pushed"],
                    "logged": rows,
                    "told": d["outcomes"],
                    "logged_status": by_device[d["device_id"]],
                }
            )
        if d["role"] == "kader":
            server = versions.get(d["unit"], {})
            mine = {k: v for k, v in d["versions"].items() if k in server}
            missing = [k for k in server if k not in d["versions"]]
            stale = [k for k in server if k in mine and mine[k] != server[k]]
            if missing or stale:
                replica.append({"device": d["index"], "missing": len(missing), "stale": len(stale)})
    outcomes = Counter()
    for d in devices:
        outcomes.update(d["outcomes"])
    return {
        "devices": len(devices),
        "mutations_pushed": pushed,
        "mutation_log_rows": sum(rows_per_device[d["device_id"]] for d in devices),
        "lost": lost,
        "doubled": doubled,
        "outcomes": dict(sorted(outcomes.items())),
        "device_mismatches": mismatches[:20],
        "replicas_checked": sum(1 for d in devices if d["role"] == "kader"),
        "replica_mismatches": replica[:20],
        "conflicts_recorded": conflicts,
        "conflicts_resolved": resolved,
        "ok": not mismatches and not replica and lost == 0 and doubled == 0,
    }


def _server_log_problems(path: Path) -> list[str]:
    text = path.read_text(errors="replace") if path.exists() else ""
    lines = text.splitlines()
    return [
        line
        for line in lines
        if "Traceback" in line
        or "Exception on" in line
        or "[CRITICAL]" in line
        or "WORKER TIMEOUT" in line
    ][:20]


# --- the run --------------------------------------------------------------------------------


def run_load(
    minutes: float = 5.0,
    devices: int = 48,
    rate: float = 110.0,
    database_url: str | None = DEFAULT_DATABASE_URL,
    workers: int | None = None,
    processes: int = 2,
    seed: int = 20261124,
    scale: float = 0.2,
    out: Path | None = None,
    plot: Path | None = None,
    quiet: bool = False,
    profile: Path | None = None,
) -> dict:
    """Run the load test; return (and write to ``out``) the figures.

    ``rate`` is the offered load in requests per second over all devices (0: as fast as each
    device can go); ``database_url`` None runs on a SQLite file; ``profile`` samples the gunicorn
    workers with py-spy over the measured window (collapsed stacks to that file, a summary in
    the result).
    """
    say = (lambda *a: None) if quiet else (lambda *a: print("[load]", *a, flush=True))
    cores = os.cpu_count() or 1
    workers = workers or 2 * cores + 1
    puskesmas = max(1, devices // 8)
    with tempfile.TemporaryDirectory(prefix="posyandu-soak-") as tmp:
        env = {
            **os.environ,
            "POSYANDU_DATA_DIR": tmp,
            "PYTHONPATH": str(ROOT),
            "SECRET_KEY": "soak-" + uuid.uuid4().hex,
        }
        env.pop("DATABASE_URL", None)
        if database_url:
            if database_url.startswith("postgresql"):
                ensure_postgres_database(database_url)
                reset_postgres(database_url)
            env["DATABASE_URL"] = database_url
        else:
            database_url = f"sqlite:///{tmp}/posyandu.sqlite3"
        backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
        say(f"preparing {backend}: demo kabupaten scale {scale}, users")
        prepared = prepare(env, scale, 1, devices, puskesmas)
        plan = plan_devices(prepared["users"], devices)
        server = Gunicorn(env, workers, Path(tmp))
        sampler = Sampler(server, database_url if backend == "postgresql" else None)
        ctx = mp.get_context("spawn")
        processes = max(1, min(processes, len(plan)))
        news = ctx.Queue()
        go, halt, drain = ctx.Event(), ctx.Event(), ctx.Event()
        result_paths = [Path(tmp) / f"gen-{i}.json" for i in range(processes)]
        per_device = rate / len(plan) if rate > 0 else 0.0
        procs = [
            ctx.Process(
                target=_worker,
                args=(
                    plan[i::processes],
                    server.base,
                    per_device,
                    seed,
                    news,
                    go,
                    halt,
                    drain,
                    str(result_paths[i]),
                ),
            )
            for i in range(processes)
        ]
        try:
            for p in procs:
                p.start()
            say(f"{len(plan)} devices in {processes} processes signing in and pulling")
            _await(news, "ready", procs)
            load_before = os.getloadavg()[0]
            sampler.start()
            t0 = time.time()
            spy = _start_profiler(server, profile, minutes) if profile else None
            go.set()
            say(
                f"measuring for {minutes} min, offered {rate or 'unlimited'} req/s, "
                f"gunicorn {workers} workers"
            )
            deadline = time.monotonic() + minutes * 60
            while time.monotonic() < deadline:
                time.sleep(min(15.0, max(0.0, deadline - time.monotonic())))
                if any(p.exitcode not in (None, 0) for p in procs):
                    break
            t1 = time.time()
            load_after = os.getloadavg()[0]
            halt.set()
            _await(news, "stopped", procs)
            drain.set()
            for p in procs:
                p.join(600)
            sampler.stop()
            if spy is not None:
                spy.wait(120)
        finally:
            halt.set()
            drain.set()
            for p in procs:
                if p.is_alive():
                    p.terminate()
            server.stop()
        results = [json.loads(p.read_text()) for p in result_paths if p.exists()]
        if len(results) != processes:
            raise RuntimeError("a load-generator process died; see its traceback above") from None
        access = parse_access_log(server.access_log)
        log_problems = _server_log_problems(server.error_log)
        correctness = check_database(database_url, [d for r in results for d in r["devices"]])
    report = summarise(results, sampler.samples, t0, t1, access, log_problems, correctness)
    report["config"] = {
        "minutes": minutes,
        "devices": len(plan),
        "kader_devices": sum(1 for d in plan if d["role"] == "kader"),
        "puskesmas_devices": sum(1 for d in plan if d["role"] == "puskesmas"),
        "posyandu_with_two_devices": sum(1 for d in plan if d.get("second")),
        "offered_rps": rate,
        "generator_processes": processes,
        "gunicorn_workers": workers,
        "gunicorn_worker_class": "sync",
        "backend": backend,
        "demo_scale": scale,
        "seeded_records": prepared["seeded_records"],
        "seed": seed,
        "prepare_seconds": prepared["prepare_seconds"],
    }
    if profile and profile.exists():
        report["profile"] = summarise_profile(profile)
    if backend == "postgresql":
        from .report import postgres_version

        report["postgresql_version"] = postgres_version(database_url)
    report["loadavg"] = {"before": load_before, "after": load_after}
    report["started_at"] = datetime.fromtimestamp(t0, UTC).isoformat(timespec="seconds")
    report["machine_loadavg_note"] = "1-minute load average, this run's processes included"
    if plot:
        report["plot"] = draw(report, plot)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=1))
    say(headline(report))
    return report


def _start_profiler(server: Gunicorn, path: Path, minutes: float) -> subprocess.Popen | None:
    spy = Path(sys.executable).parent / "py-spy"
    if not spy.exists():
        print("[load] py-spy not installed: no profile", flush=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            str(spy),
            "record",
            "--pid",
            str(server.process.pid),
            "--subprocesses",
            "--format",
            "raw",
            "--rate",
            "50",
            "--nonblocking",
            "--duration",
            str(max(5, int(minutes * 60) - 5)),
            "--output",
            str(path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _frame(frame: str) -> str:
    """``func (/long/path/pkg/mod.py:12)`` -> ``func (pkg/mod.py)``."""
    match = re.match(r"^(.*) \((.*?):\d+\)$", frame)
    if not match:
        return frame
    parts = match.group(2).split("/")
    return f"{match.group(1)} ({'/'.join(parts[-2:])})"


def summarise_profile(path: Path, top: int = 25) -> dict:
    """Inclusive and self share of samples per function, from py-spy's collapsed stacks."""
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_frame(f) for f in stack.split(";")]
        frames = [f for f in frames if not f.startswith("process ")]
        for f in set(frames):
            inclusive[f] += n
        if frames:
            own[frames[-1]] += n
    share = (lambda n: round(100 * n / total, 1)) if total else (lambda n: 0.0)
    ours = Counter(
        {
            f: n
            for f, n in inclusive.items()
            if re.search(r"\((server|shared|routes|sync|growth|indicators|records)/", f)
        }
    )
    return {
        "samples": total,
        "note": "share of gunicorn worker samples (wall time on CPU or "
        "waiting for PostgreSQL), py-spy at 50 Hz",
        "project_functions_inclusive_pct": [[f, share(n)] for f, n in ours.most_common(top)],
        "inclusive_pct": [[f, share(n)] for f, n in inclusive.most_common(top)],
        "self_pct": [[f, share(n)] for f, n in own.most_common(top)],
    }


def summarise(
    results: list[dict],
    samples: list[dict],
    t0: float,
    t1: float,
    access: dict,
    log_problems: list[str],
    correctness: dict,
) -> dict:
    rows = [tuple(r) for res in results for r in res["rows"]]
    measured = [r for r in rows if r[5] == "measured" and r[1] != "device"]
    device_errors = [r for r in rows if r[1] == "device"]
    duration = t1 - t0
    errors = [r for r in measured if r[4]] + device_errors
    by_label: dict[str, list] = defaultdict(list)
    for r in measured:
        by_label[r[1]].append(r)
    per_window: Counter = Counter(int((r[0] - t0) // 10) for r in measured if t0 <= r[0] < t1)
    windows = [per_window.get(i, 0) / 10 for i in range(int(duration // 10))]
    per_5s: Counter = Counter(int((r[0] - t0) // 5) for r in measured if t0 <= r[0] < t1)
    timeline = [[i * 5, per_5s.get(i, 0) / 5] for i in range(int(duration // 5))]
    server_cpu = pg_cpu = None
    inside = [s for s in samples if t0 <= s["t"] <= t1 + SAMPLE_SECONDS]
    if len(inside) >= 2:
        server_cpu = inside[-1]["server_cpu_s"] - inside[0]["server_cpu_s"]
        if "pg_cpu_s" in inside[0]:
            pg_cpu = inside[-1]["pg_cpu_s"] - inside[0]["pg_cpu_s"]
    # CPU per request minute by minute: a cost that grows with the data would show here.
    by_minute = []
    starts = [r[0] for r in measured]
    for m in range(max(1, int(duration // 60))):
        lo, hi = t0 + 60 * m, min(t1, t0 + 60 * (m + 1))
        edge = [s for s in inside if lo - SAMPLE_SECONDS <= s["t"] <= hi + SAMPLE_SECONDS]
        if len(edge) < 2:
            continue
        first = min(edge, key=lambda s: abs(s["t"] - lo))
        last = min(edge, key=lambda s: abs(s["t"] - hi))
        count = sum(1 for t in starts if first["t"] <= t < last["t"])
        if count and last["t"] > first["t"]:
            cpu = (
                last["server_cpu_s"]
                - first["server_cpu_s"]
                + last.get("pg_cpu_s", 0)
                - first.get("pg_cpu_s", 0)
            )
            by_minute.append(round(cpu / count * 1000, 2))
    n = len(measured)
    generator_cpu = sum(r["cpu_s"] for r in results)
    cpu_per_request = ((server_cpu or 0) + (pg_cpu or 0)) / n * 1000 if n else None
    failures = [f for res in results for d in res["devices"] for f in d["failures"]]
    rps = n / duration if duration else 0.0
    return {
        "duration_s": round(duration, 1),
        "requests": n,
        "rps": round(rps, 1),
        "rps_per_endpoint": {k: round(len(v) / duration, 1) for k, v in sorted(by_label.items())},
        "rps_10s_windows": {
            "min": min(windows, default=0),
            "max": max(windows, default=0),
            "p5": _pct(windows, 0.05),
        },
        "timeline_rps_5s": timeline,
        "errors": len(errors),
        "error_rate": round(len(errors) / n, 6) if n else None,
        "errors_by_kind": dict(Counter(f"{r[1]} {r[4]}" for r in errors)),
        "warmup_requests": sum(1 for r in rows if r[5] == "warmup"),
        "warmup_errors": sum(1 for r in rows if r[5] == "warmup" and r[4]),
        "drain_requests": sum(1 for r in rows if r[5] == "drain"),
        "drain_errors": sum(1 for r in rows if r[5] == "drain" and r[4]),
        "latency": {
            "all": _latency(measured),
            **{k: _latency(v) for k, v in sorted(by_label.items())},
        },
        "server": {**access, "log_problems": log_problems},
        "cpu": {
            "server_s": round(server_cpu, 1) if server_cpu is not None else None,
            "postgres_s": round(pg_cpu, 1) if pg_cpu is not None else None,
            "generator_s": round(generator_cpu, 1),
            "server_and_db_ms_per_request": round(cpu_per_request, 2) if cpu_per_request else None,
            "ms_per_request_by_minute": by_minute,
            "cores": os.cpu_count(),
            "capacity_rps_if_server_had_all_cores": round(
                (os.cpu_count() or 1) * 1000 / cpu_per_request
            )
            if cpu_per_request
            else None,
        },
        "memory": memory_summary(samples, t0, t1),
        "correctness": correctness,
        "device_failures": failures[:20],
        "target_rps": TARGET_RPS,
        "ok": (
            not errors
            and access["http_5xx"] == 0
            and not log_problems
            and correctness["ok"]
            and not failures
        ),
        "target_met": rps >= TARGET_RPS and not errors,
    }


def headline(report: dict) -> str:
    lat, mem = report["latency"]["all"], report["memory"]
    return (
        f"{report['requests']} requests in {report['duration_s']} s = {report['rps']} req/s, "
        f"{report['errors']} errors, p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, "
        f"p99 {lat['p99_ms']} ms; RSS {mem.get('first_window_total_rss_mb')} -> "
        f"{mem.get('last_window_total_rss_mb')} MB "
        f"(slope {mem.get('slope_total_rss_mb_per_min')} MB/min); "
        f"correctness {'ok' if report['correctness']['ok'] else 'FAILED'}"
    )


def draw(report: dict, path: Path) -> str | None:
    """Plot requests per second and server RSS over time; None when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    series = report["memory"]["series"]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    t = [p[0] / 60 for p in report["timeline_rps_5s"]]
    top.plot(t, [p[1] for p in report["timeline_rps_5s"]], lw=1, label="requests/s (5 s)")
    top.axhline(TARGET_RPS, color="grey", ls="--", lw=1, label=f"target {TARGET_RPS}/s")
    top.set_ylabel("requests per second")
    top.set_ylim(bottom=0)
    top.legend(loc="lower right")
    top.set_title(
        f"{report['config']['devices']} devices, gunicorn "
        f"{report['config']['gunicorn_workers']} workers, "
        f"{report['config']['backend']}: {report['rps']} req/s, "
        f"{report['errors']} errors"
    )
    ts = [s["t"] / 60 for s in series]
    bottom.plot(ts, [s["total_rss_mb"] for s in series], label="gunicorn RSS, master + workers")
    bottom.plot(ts, [s["total_pss_mb"] for s in series], label="gunicorn PSS (shared pages split)")
    workers = list(zip(*[s["workers_rss_mb"] for s in series], strict=False))
    for i, w in enumerate(workers):
        bottom.plot(ts[: len(w)], w, lw=0.8, alpha=0.6, label="per worker RSS" if i == 0 else None)
    bottom.set_ylabel("MB")
    bottom.set_xlabel("minutes")
    bottom.set_ylim(bottom=0)
    bottom.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m soak.load", description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--devices", type=int, default=48)
    parser.add_argument(
        "--rate",
        type=float,
        default=110.0,
        help="offered requests per second over all devices (0: unlimited)",
    )
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--processes", type=int, default=2, help="load-generator processes")
    parser.add_argument("--scale", type=float, default=0.2, help="demo kabupaten scale")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SOAK_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="PostgreSQL URL, or 'sqlite' for a SQLite file",
    )
    parser.add_argument("--out", type=Path, default=OUT / "load.json")
    parser.add_argument("--plot", type=Path, default=PLOT)
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="sample the gunicorn workers with py-spy into this file",
    )
    args = parser.parse_args(argv)
    report = run_load(
        args.minutes,
        args.devices,
        args.rate,
        None if args.database_url == "sqlite" else args.database_url,
        args.workers,
        args.processes,
        args.seed,
        args.scale,
        args.out,
        args.plot,
        profile=args.profile,
    )
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
