"""A seeded fault campaign: several field devices edit overlapping records offline and sync
through a fault-injecting proxy; after every round the network heals and every invariant is checked.

A **scenario** is one device's sync attempt (``SyncAgent.sync()``, or two overlapping ones on that
device for ``overlap``) through the proxy with exactly one fault armed on one of its requests; the
kind and the request it targets are drawn from the seeded RNG. A fault armed on a request the sync
never makes does not fire: ``faults`` counts the faults that fired, ``armed`` the ones armed.
Half the scenarios (drawn) run without HTTP retries, so the fault fails the sync and a later one
resumes from the store; with retries (2, no backoff) most faults are healed within the sync.

A **round** is: twice over, every device makes 0-2 offline edits (create persons and child
visits, edit the same and different fields of shared records, mostly a few hot ones, delete a
few; at the start of the round two devices also set one hot person's name to different values),
then every device in a random order runs one scenario; between the two, the server's reviewers
act (issue #16): a bidan or the puskesmas takes one review step on a posyandu-month (submit,
verify, return, reopen: a verified month refuses the devices' edits into it, which must stay
quarantined until discarded at healing, never lost), and now and then the puskesmas merges one
person into another (``POST /api/v1/persons/<id>/merge``: the visits move, the duplicate is
tombstoned with ``merged_into``; the oracle takes the merge's writes from the server's field
stamps; the merge request goes through a fault proxy of its own, and is sent again while no
answer came back: it must answer the same survivor and move every record exactly once).

Issue #19 adds, each drawn at its own rate:

- **bundles**: before its scenario a device may export its unsent mutations to a bundle file,
  which the server imports (``import_device_bundle``, as ``posyandu-server bundle import``) once
  or twice, and maybe once more after the device's own sync; the server may export a bundle for
  the device, which imports it once or twice, maybe after an online sync has gone past it;
- **426**: a half whose requests reach a ``posyandu-server`` started with
  ``POSYANDU_MIN_APP_VERSION=99.0``: no sync succeeds, nothing leaves an outbox;
- **503**: a half whose requests reach a server with one push slot and a 0.3 s queue wait;
  before a device with unsent mutations syncs, the campaign holds that slot (a signed push whose
  body never comes), so its pushes get 503 with Retry-After 1; the agent's sleeper records each
  jittered wait (it must lie in [1, 1.5] s) instead of sleeping, and frees the slot after 1-3
  waits, or never (the sync gives up with ``server_busy``; a later one sends the same seqs);
- **compaction** (``compact(keep_days=0)``, as ``posyandu-server compact``) after the last
  offline edits of a round, with the cutoff held before any tombstone a device still has an
  unsent edit for: devices that had not pulled a purged deletion are reset on their next pull.
  The log rows not yet checked are kept before the purge, and purged tombstones leave the oracle.

A condition's server is a process of its own on the same database; both proxies relay to the
current one (as after a restart with other settings). The schedule of these operations has its
own seeded generator, so a seed gives the same schedule whatever the timing. Then the network heals and every device
syncs until nothing moves, then the invariants are checked:

- no mutation lost: every mutation a device created has exactly one ``mutation_log`` row for its
  (device, seq), with the same record, op and fields, and no outbox holds a pending mutation;
- none applied twice: no two log rows of one device carry the same HLC, and each person's version
  equals one plus the number of mutations that changed it;
- every field on the server equals what an independent replay of the log under the protocol's
  merge rule (DESIGN section 4) gives, and every concurrent same-field edit (another device's
  write the sender had not seen, with a different value) is in the conflict queue with the
  winner and the loser's value;
- every replica equals the server: its last sync's digest check passed, the (id, version) set
  of its persons and visits equals the server's, and every person and visit changed since the
  last check is equal field by field; every 10 rounds and after the last one, every record field
  by field and the whole (id, version) set and digest against ``/sync/ids``.

The server is ``posyandu-server run`` in its own process on loopback (``--in-process``: the app
served by werkzeug in a thread of the campaign), on a temporary SQLite file or ``--database-url``.

Run: ``python -m soak.campaign --scenarios 1000 --seed 1 [--database-url URL] [--out file]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

import sqlalchemy as sa

CAMPAIGN_FAULTS = (
    "drop_request",
    "drop_response",
    "duplicate",
    "delay",
    "cut_request",
    "cut_response",
    "overlap",
)
NAMES = ("Ani", "Budi", "Citra", "Dewi", "Eka", "Fajar", "Gita", "Hadi", "Indah", "Joko")
ADDRESSES = ("RT 01 Sutera", "RT 02 Sutera", "Dusun Baru", "Jalan Pantai 3", "Gang Melati 7")
PHONES = ("081234567890", "081298765432", "085211112222", "087733334444")
MOTHERS = ("Siti", "Rina", "Wati", "Yuni", "Lestari")
DEVICES = (
    ("k1", "kader_a1"),
    ("k2", "kader_a1"),
    ("k3", "kader_a1"),
    ("ka2", "kader_a2"),
    ("bidan", "bidan_a"),
)
POSYANDU_OF = {"kader_a1": ("PSY-A1",), "kader_a2": ("PSY-A2",), "bidan_a": ("PSY-A1", "PSY-A2")}
KINDS = ("person", "child_visit")
TODAY = date(2026, 11, 20)
SYNCS_PER_ROUND = 2  # faulted syncs per device between two heal-and-check points
FULL_CHECK_EVERY = 10  # rounds between full replica comparisons (and the last round)
HOT = 3  # edits mostly go to the oldest few persons, so devices collide on them
REVIEW_MONTHS = ("2026-10", "2026-11")  # months the reviewers act on (half the new visits' too)
REVIEW_POSYANDU = ("PSY-A1", "PSY-A2")
# status now -> (next status, who takes the step) the reviewers draw from (locks.ROLE_STEPS)
REVIEW_NEXT = {
    None: (("submitted", "bidan_a"),),
    "submitted": (("verified", "bidan_a"), ("verified", "pkm_a"), ("returned", "pkm_a")),
    "returned": (("submitted", "bidan_a"),),
    "verified": (("reopened", "pkm_a"),),
    "reopened": (("verified", "pkm_a"), ("submitted", "bidan_a")),
}
REVIEW_RATE = 0.7  # chance of one review step between two faulted syncs
MERGE_RATE = 0.5  # chance of one merge per round
# Issue #16: the merge request goes through its own fault proxy; a lost answer is sent again.
MERGE_FAULTS = ("drop_request", "drop_response", "cut_response", "duplicate", "delay")
MERGE_FAULT_RATE = 0.7
MERGE_ATTEMPTS = 3
# Issue #19: file bundles, 426 and 503 answers, compaction.
BUNDLE_RATE = 0.15  # chance a device's turn begins with a bundle exchange
UPGRADE_RATE = 0.1  # chance a half runs against a server demanding a newer app (426)
BUSY_RATE = 0.15  # chance a half runs against a one-slot push queue held busy (503)
COMPACT_RATE = 0.4  # chance of a compaction in a round (after the last half's edits)
CONDITIONS = {  # the server's settings for a half (a server process for each)
    "normal": {},
    "upgrade": {"POSYANDU_MIN_APP_VERSION": "99.0"},
    "busy": {
        "POSYANDU_MAX_CONCURRENT_PUSHES": "1",
        "POSYANDU_PUSH_QUEUE_WAIT_MS": "300",
        "POSYANDU_BUSY_RETRY_AFTER": "1",
    },
}
OPERATION_FIGURES = {
    "bundles": (
        "exchanges",
        "device_exports",
        "device_export_mutations",
        "server_imports",
        "server_imports_repeated",
        "server_imports_stale",
        "server_import_applied",
        "server_import_duplicates",
        "server_exports",
        "server_export_resets",
        "device_imports",
        "device_imports_repeated",
        "device_imports_after_online_sync",
        "device_import_acks",
        "device_import_resets",
    ),
    "upgrade": (
        "scenarios",
        "syncs_refused_426",
        "syncs_failed_before_reaching_server",
        "mutations_kept",
    ),
    "busy": (
        "scenarios_with_queue_held",
        "answers_503_waited",
        "syncs_pushed_after_503",
        "syncs_ended_server_busy",
    ),
    "compaction": (
        "runs",
        "tombstones_purged",
        "mutation_log_purged",
        "horizon_raised",
        "cutoff_held_back",
    ),
    "merge": ("resent_after_lost_answer", "already_merged_answers"),
}
BUSY_RETRY_AFTER = 1.0  # seconds: the jittered waits must lie in [1, 1.5] x this
LOG_COLUMNS = (
    "id",
    "device_id",
    "seq",
    "record_id",
    "kind",
    "op",
    "fields",
    "status",
    "code",
    "base_version",
    "hlc",
    "result_version",
)


def _log_snapshot(row) -> SimpleNamespace:
    """Return a detached copy of a mutation-log row (what the check reads of it)."""
    return SimpleNamespace(**{name: getattr(row, name) for name in LOG_COLUMNS})


class Snapshot(NamedTuple):
    """A server record as read at check time."""

    kind: str
    version: int
    deleted: bool
    fields: dict
    posyandu_id: str | None


class SimDevice:
    """One field device: its real Store, RecordService and SyncAgent (and a second agent on a
    second connection to the same store, for overlapping syncs)."""

    def __init__(self, name: str, username: str, root: Path, server_url: str, sleep=None):
        from field_client.service import RecordService
        from field_client.store import Store
        from field_client.sync import SyncAgent, make_session
        from testkit.world import PASSWORD

        self.name, self.username = name, username
        self.posyandu = POSYANDU_OF[username]
        self.dir = root / name
        self.store = Store.open(self.dir)
        # 503 waits are recorded, not slept: the campaign checks them and frees the queue.
        waits = {"sleep": sleep} if sleep is not None else {}
        self.agent = SyncAgent(
            self.store, session=make_session(retries=2, backoff=0), timeout=(5.0, 30.0), **waits
        )
        self.agent.login(server_url, username, PASSWORD, f"campaign-{name}")
        self.device_id = self.store.get_meta("device_id")
        self.service = RecordService(self.store, today=TODAY)
        self.store2 = Store.open(self.dir)
        self.agent2 = SyncAgent(
            self.store2, session=make_session(retries=2, backoff=0), timeout=(5.0, 30.0), **waits
        )
        # Half the scenarios run without HTTP retries, so a fault fails the sync and the next
        # one resumes from what the store kept.
        self.sessions = {True: self.agent.session, False: make_session(retries=0)}

    def close(self) -> None:
        for session in (*self.sessions.values(), self.agent2.session):
            session.close()
        self.store.close()
        self.store2.close()


class ServerProcess:
    """``posyandu-server run`` on loopback in its own process (its own core and GIL)."""

    def __init__(self, url: str, workdir: Path, settings: dict[str, str] | None = None):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "POSYANDU_DATA_DIR": str(workdir / "instance"),
            "SECRET_KEY": "campaign-secret",
            **(settings or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> ServerProcess:
        command = [
            str(Path(sys.executable).parent / "posyandu-server"),
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(
            command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the campaign server did not start") from None
                time.sleep(0.05)  # waiting for the port to open, with a deadline

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


class Campaign:
    """The server, the proxy, the devices and the invariant checks of one seeded campaign."""

    def __init__(
        self, seed: int, database_url: str | None, workdir: Path, server_process: bool = True
    ):
        from server import create_app
        from server.extensions import db
        from testkit import world
        from testkit.faultproxy import FaultProxy
        from testkit.servers import LiveServer, reset_database, test_config

        self.seed, self.rng, self.workdir = seed, random.Random(seed), workdir
        # The schedule of the operations (conditions, compactions, bundles, merges and their
        # faults, 503 waits) has its own generator, drawn a fixed number of times per half and
        # per turn: it is the seed's alone, whatever the syncs' timing made of the data.
        self.plan = random.Random(f"{seed}-plan")
        url = database_url or f"sqlite:///{workdir}/server.sqlite3"
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        self.app = create_app(
            test_config(url, PASSWORD_HASH_METHOD="pbkdf2:sha256:1000"),
            instance_path=str(workdir / "instance"),
        )
        reset_database(self.app)
        world.build(self.app)
        with self.app.app_context():
            self.backend = db.engine.dialect.name
        self.log_levels = {
            name: logging.getLogger(name).level
            for name in ("werkzeug", "urllib3", "field_client", "server")
        }
        for name in self.log_levels:  # faults make them shout; the figures tell the story
            logging.getLogger(name).setLevel(logging.CRITICAL)
        with self.app.app_context():
            db.engine.dispose()
        self.server = (
            ServerProcess(url, workdir) if server_process else LiveServer(self.app)
        ).start()
        self.database_url = url
        self.servers = {"normal": self.server}  # by condition: one process each, one database
        self.proxy = FaultProxy(self.server.url).start()
        self.api_proxy = FaultProxy(self.server.url).start()  # the reviewers' requests
        self.devices = [
            SimDevice(name, user, workdir / "devices", self.proxy.url, self._busy_sleeper(name))
            for name, user in DEVICES
        ]
        self.by_id = {d.device_id: d for d in self.devices}
        self.created: list[dict[str, Any]] = []  # mutations made since the last check
        self.oracle: dict[str, dict[str, Any]] = {}
        self.used_conflicts: set[int] = set()
        self.last_log_id = 0
        self.stats: Counter[str] = Counter()
        self.armed: Counter[str] = Counter()
        self.failures: list[str] = []
        self.scenario = 0
        self.round = 0
        self.doubled_seen: set[tuple[str, str]] = set()
        self.timing: Counter[str] = Counter()
        self.server_rows: dict[str, Snapshot] = {}
        self.last_change_seq = 0
        self.reference_ids: set[str] | None = None
        self.outcomes: Counter[str] = Counter()
        self.sync_errors: Counter[str] = Counter()
        self.reviewers = {u: self._api_session(u) for u in ("bidan_a", "pkm_a")}
        self.rejected_by_code: Counter[str] = Counter()  # period_locked, merged...
        self.server_writes: list[tuple[int, list]] = []  # merges' writes, replayed at the check
        self.ops: dict[str, Counter[str]] = {  # every figure present in the result, even at 0
            op: Counter(dict.fromkeys(keys, 0)) for op, keys in OPERATION_FIGURES.items()
        }
        self.condition = "normal"
        self.base_config: dict[str, Any] | None = None  # the in-process app's own settings
        blocker = self._api_session("kader_a1")  # its token lets a push reach the body read
        self.blocker_token = blocker.headers["Authorization"]
        blocker.close()
        self.blocker: socket.socket | None = None
        self.release_after: dict[str, int] = {}  # device -> 503 waits before the queue frees
        self.busy_waits: list[float] = []
        self.stale_bundles: list[bytes] = []  # device bundles to import again, late
        self.log_archive: dict[int, Any] = {}  # unchecked log rows kept across a compaction
        self.purged_records: set[str] = set()
        self.purged_log_keys: set[tuple[str, str]] = set()

    def _api_session(self, username: str):
        """Return an HTTP session signed in as a reviewer, straight to the server (no faults)."""
        import requests

        from testkit.world import PASSWORD

        session = requests.Session()
        answer = session.post(
            f"{self.server.url}/api/v1/auth/login",
            json={"username": username, "password": PASSWORD, "device_name": f"web-{username}"},
            timeout=30,
        )
        answer.raise_for_status()
        session.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        return session

    def close(self) -> None:
        from server.extensions import db

        for session in self.reviewers.values():
            session.close()
        self._release_blocker()
        for device in self.devices:
            device.close()
        self.proxy.stop()
        self.api_proxy.stop()
        for server in self.servers.values():
            server.stop()
        for name, level in self.log_levels.items():
            logging.getLogger(name).setLevel(level)
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()

    def fail(self, message: str) -> None:
        self.failures.append(
            f"seed {self.seed} round {self.round} scenario {self.scenario}: {message}"
        )

    # -- offline edits ---------------------------------------------------------------------------

    def edit(self, device: SimDevice) -> None:
        """Make one random offline edit through the device's RecordService."""
        from field_client.service import Invalid

        rng = self.rng
        persons = sorted(device.store.list("person"), key=lambda r: r.id)
        visits = sorted(device.store.list("child_visit"), key=lambda r: r.id)
        roll = rng.random()
        before = device.store.get_meta("next_seq")
        try:
            if roll < 0.2 or not persons:
                birth = TODAY - timedelta(days=rng.randrange(60, 1500))
                record = device.service.create(
                    "person",
                    {
                        "posyandu_id": rng.choice(device.posyandu),
                        "name": rng.choice(NAMES),
                        "sex": rng.choice("MF"),
                        "birth_date": birth.isoformat(),
                        "mother_name": rng.choice(MOTHERS),
                    },
                    confirm=True,
                )
                kind, op = "person", "upsert"
            elif roll < 0.4:
                person = rng.choice(persons)
                birth = date.fromisoformat(person.fields["birth_date"])
                day = birth + timedelta(days=rng.randrange(1, max(2, (TODAY - birth).days)))
                if rng.random() < 0.5:  # this month or the last: where the reviewers are at work
                    day = max(day, TODAY - timedelta(days=rng.randrange(0, 50)))
                months = (day - birth).days / 30.4
                record = device.service.create(
                    "child_visit",
                    {
                        "person_id": person.id,
                        "visit_date": day.isoformat(),
                        "weight_kg": round(3.3 + months * 0.35 + rng.uniform(-0.5, 0.5), 1),
                    },
                    confirm=True,
                )
                kind, op = "child_visit", "upsert"
            elif roll < 0.85:
                person = rng.choice(persons[:HOT] if rng.random() < 0.7 else persons)
                name = rng.choice(("name", "name", "address", "phone", "mother_name"))
                pool = {
                    "name": NAMES,
                    "address": ADDRESSES,
                    "phone": PHONES,
                    "mother_name": MOTHERS,
                }[name]
                record = device.service.update(
                    "person", person.id, {name: rng.choice(pool)}, confirm=True
                )
                kind, op = "person", "upsert"
            elif roll < 0.95 and visits:
                visit = rng.choice(visits[:HOT] if rng.random() < 0.5 else visits)
                record = device.service.update(
                    "child_visit",
                    visit.id,
                    {
                        "weight_kg": round(
                            float(visit.fields.get("weight_kg") or 8.0)
                            + rng.choice((-0.2, 0.1, 0.3)),
                            1,
                        )
                    },
                    confirm=True,
                )
                kind, op = "child_visit", "upsert"
            else:
                target = (
                    rng.choice(visits) if visits and rng.random() < 0.7 else rng.choice(persons)
                )
                device.service.delete(target.kind, target.id)
                record, kind, op = target, target.kind, "delete"
        except (Invalid, LookupError):
            self.stats["edits_refused_locally"] += 1
            return
        self._track(device, before)
        assert record.kind == kind and op in ("upsert", "delete")

    def collide(self) -> None:
        """Make two devices edit one field of one shared person offline, to different values
        (so every round has at least one concurrent same-field edit)."""
        from field_client.service import Invalid

        rng = self.rng
        devices = [d for d in self.devices if "PSY-A1" in d.posyandu]
        first = sorted(
            (r for r in devices[0].store.list("person") if r.fields.get("posyandu_id") == "PSY-A1"),
            key=lambda r: r.id,
        )
        if not first:
            return
        person = rng.choice(first[:HOT])
        pair = [
            d
            for d in rng.sample(devices, len(devices))
            if d.store.get("person", person.id) is not None
        ][:2]
        values = rng.sample([n for n in NAMES if n != person.fields.get("name")], 2)
        for device, value in zip(pair, values, strict=False):
            before = device.store.get_meta("next_seq")
            try:
                device.service.update("person", person.id, {"name": value}, confirm=True)
            except (Invalid, LookupError):
                continue
            self._track(device, before)

    def _track(self, device: SimDevice, before: int) -> None:
        """Remember the mutations a local save just enqueued (seqs ``before``..)."""
        after = device.store.get_meta("next_seq")
        for seq in range(before, after):
            entry = next((m for m in device.store.pending(1, from_seq=seq) if m.seq == seq), None)
            if entry is None:
                self.fail(f"{device.name}: mutation seq {seq} missing from the outbox at once")
                continue
            self.created.append(
                {
                    "device": device.device_id,
                    "seq": seq,
                    "id": entry.id,
                    "kind": entry.kind,
                    "op": entry.op,
                    "fields": entry.fields,
                }
            )
            self.stats["mutations_created"] += 1

    # -- the reviewers on the server (issue #16) -------------------------------------------------

    def review_step(self) -> None:
        """Take one review step on a drawn posyandu-month, as the role allowed to take it."""
        from server.extensions import db
        from server.models import Record
        from shared.records.review_kinds import review_id

        rng = self.rng
        posyandu, period = rng.choice(REVIEW_POSYANDU), rng.choice(REVIEW_MONTHS)
        with self.app.app_context():
            row = db.session.get(Record, review_id(posyandu, period))
            status = row.fields.get("status") if row is not None and not row.deleted else None
            db.session.rollback()
        new, username = rng.choice(REVIEW_NEXT[status])
        answer = self.reviewers[username].post(
            f"{self.api_proxy.url}/api/v1/reviews/{posyandu}/{period}",
            json={"status": new, "note": "Periksa lagi" if new == "returned" else None},
            timeout=30,
        )
        if answer.status_code != 200 or answer.json().get("status") != new:
            self.fail(f"review {posyandu} {period} {status}->{new} by {username}: {answer.text}")
            return
        self.stats[f"reviews_{new}"] += 1

    def merge_step(self, fault: str | None = None) -> None:
        """Merge one live person of PSY-A1 into another as the puskesmas; take its writes into
        the oracle (a refusal, e.g. a visit in a verified month, changes nothing)."""
        from server.extensions import db
        from server.models import Record

        with self.app.app_context():
            persons = db.session.execute(
                sa.select(Record.id, Record.fields["birth_date"].as_string())
                .where(
                    Record.kind == "person",
                    Record.deleted.is_(False),
                    Record.posyandu_id == "PSY-A1",
                )
                .order_by(Record.id)
            ).all()
            before = db.session.execute(sa.select(sa.func.max(Record.change_seq))).scalar() or 0
            db.session.rollback()
        if len(persons) < 2:
            return
        # the survivor is the one born first, so the duplicate's visits fit its life
        (survivor, _), (duplicate, _) = sorted(self.rng.sample(persons, 2), key=lambda p: p[1])
        versions = self._versions_of(duplicate)
        answer = self._send_merge(duplicate, survivor, fault)
        if answer is None:
            return
        if answer.status_code == 422:  # a visit in a verified month, or one the survivor
            key = "locked_month" if "diverifikasi" in answer.text else "invalid"  # cannot take
            self.stats[f"merges_refused_{key}"] += 1
            return
        if answer.status_code != 200 or answer.json().get("merged_into") != survivor:
            self.fail(f"merge {duplicate} into {survivor}: {answer.status_code} {answer.text}")
            return
        self.stats["merges"] += 1
        self.ops["merge"]["already_merged_answers"] += answer.json().get("already_merged") is True
        after = self._versions_of(duplicate, list(versions))
        once = {rid: v + 1 for rid, v in versions.items()}
        if after != once:  # the duplicate and each moved record: exactly one new version
            self.stats["doubled"] += sum(after.get(r, 0) > v for r, v in once.items())
            self.fail(f"merge {duplicate} into {survivor}: versions {versions} -> {after}")
        self._note_server_writes(before)

    def _send_merge(self, duplicate: str, survivor: str, kind: str | None):
        """POST the merge through the reviewers' proxy, with fault ``kind`` armed on it; send it
        again (as a reviewer would) while no answer came back. Return the last answer."""
        import requests

        rng = self.rng
        if kind is not None:
            options: dict[str, Any] = {}
            if kind == "duplicate":
                options["which"] = rng.choice(("first", "second"))
            elif kind == "cut_response":
                options["fraction"] = rng.uniform(0.05, 0.95)
            elif kind == "delay":
                options["seconds"] = rng.uniform(0.01, 0.15)
            self.api_proxy.arm(kind, path="/merge", times=1, **options)
            self.ops["merge"][f"fault_{kind}"] += 1
        try:
            for attempt in range(MERGE_ATTEMPTS):
                try:
                    return self.reviewers["pkm_a"].post(
                        f"{self.api_proxy.url}/api/v1/persons/{duplicate}/merge",
                        json={"into": survivor},
                        timeout=60,
                    )
                except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                    self.ops["merge"]["resent_after_lost_answer"] += attempt == 0
            self.fail(f"merge {duplicate} into {survivor}: no answer in {MERGE_ATTEMPTS} tries")
            return None
        finally:
            self.api_proxy.heal()

    def _versions_of(self, person_id: str, ids: list[str] | None = None) -> dict[str, int]:
        """Return {id: version} of a person and the live records referring to it (or ``ids``)."""
        from server.extensions import db
        from server.models import Record

        with self.app.app_context():
            where = (
                Record.id.in_(ids)
                if ids is not None
                else sa.or_(
                    Record.id == person_id,
                    sa.and_(Record.person_id == person_id, Record.deleted.is_(False)),
                )
            )
            rows = dict(db.session.execute(sa.select(Record.id, Record.version).where(where)).all())
            db.session.rollback()
        return rows

    def _note_server_writes(self, after_seq: int) -> None:
        """Keep the server's own writes (positions after ``after_seq``) with the last mutation-log
        row before them: the check replays them into the oracle in that order."""
        from server.extensions import db
        from server.models import MutationLog, Record

        with self.app.app_context():
            last_log = db.session.execute(sa.select(sa.func.max(MutationLog.id))).scalar() or 0
            rows = db.session.execute(
                sa.select(Record).where(Record.change_seq > after_seq, Record.kind.in_(KINDS))
            ).scalars()
            snapshots = [
                (r.id, r.kind, r.version, r.deleted, dict(r.fields), dict(r.field_meta or {}))
                for r in rows
            ]
            db.session.rollback()
        self.server_writes.append((last_log, snapshots))

    def _absorb_server_writes(self, before_log_id: int | None) -> None:
        """Replay into the oracle the server writes made before log row ``before_log_id`` (all
        when None), each field with the stamp the server gave it, as the log replay would."""
        from shared import records
        from shared.sync import hlc as hlc_mod

        while self.server_writes and (
            before_log_id is None or self.server_writes[0][0] < before_log_id
        ):
            _, snapshots = self.server_writes.pop(0)
            for record_id, kind, version, deleted, fields, meta in snapshots:
                state = self.oracle.get(record_id)
                if state is None or state["version"] == 0 or version == state["version"]:
                    continue
                derived = records.spec(kind).derived_fields
                for name, value in fields.items():
                    stamp = meta.get(name)
                    if name in derived or name == "id" or not stamp:
                        continue
                    if name not in state["fields"] or state["fields"][name][0] != value:
                        hlc = tuple(hlc_mod.parse(stamp[1]))
                        state["fields"][name] = (value, hlc, stamp[2], version)
                if deleted and not state["deleted"]:
                    stamp = meta.get("_deleted")
                    hlc = tuple(hlc_mod.parse(stamp[1])) if stamp else (0,)
                    by = stamp[2] if stamp else "server"
                    state["deleted"], state["deleted_by"] = True, (True, hlc, by, version)
                state["version"] = version
                state["count"] += 1
                self.stats["merge_writes_absorbed"] += 1

    # -- server conditions: 426 and 503 (issue #19) -----------------------------------------------

    def set_condition(self, condition: str) -> None:
        """Serve the next requests by a server with the settings of ``condition``: a
        ``posyandu-server`` process of its own on the same database (started the first time),
        to which both proxies now relay, as after a restart with other settings."""
        if condition == self.condition:
            return
        self._release_blocker()
        started = time.monotonic()
        settings = CONDITIONS[condition]
        if isinstance(self.server, ServerProcess):
            if condition not in self.servers:
                server = ServerProcess(self.database_url, self.workdir, settings)
                self.servers[condition] = server.start()
                self.timing["server_starts"] += time.monotonic() - started
            upstream = ("127.0.0.1", self.servers[condition].port)
            self.proxy.upstream = self.api_proxy.upstream = upstream
        else:  # the app in a thread of the campaign: its settings change in place
            from server.api.sync import PUSH_SLOTS

            names = {k: k.removeprefix("POSYANDU_") for s in CONDITIONS.values() for k in s}
            if self.base_config is None:
                self.base_config = {key: self.app.config.get(key) for key in names.values()}
            base = self.base_config
            for env_name, key in names.items():
                value = settings.get(env_name, base[key])
                self.app.config[key] = int(value) if key != "MIN_APP_VERSION" else value
            self.app.extensions.pop(PUSH_SLOTS, None)  # the slots are made from the config
        self.stats["server_switches"] += 1
        self.condition = condition

    def _busy_sleeper(self, name: str):
        """Return the 503 sleeper of device ``name``: it records the wait instead of sleeping,
        checks its jitter, and frees the push queue after the drawn number of waits."""

        def sleep(seconds: float) -> None:
            self.busy_waits.append(seconds)
            self.ops["busy"]["answers_503_waited"] += 1
            if not BUSY_RETRY_AFTER <= seconds <= 1.5 * BUSY_RETRY_AFTER:
                self.fail(f"{name}: waited {seconds:.2f} s after Retry-After {BUSY_RETRY_AFTER}")
            left = self.release_after.get(name, 0) - 1
            self.release_after[name] = left
            if left == 0:
                self._release_blocker()

        return sleep

    def _hold_push_slot(self) -> None:
        """Take the server's only push slot: a signed push whose body never comes (the server
        admits a push before it reads the body, and holds the slot while it waits for it)."""
        self._release_blocker()
        port = self.servers.get("busy", self.server).port
        blocker = socket.create_connection(("127.0.0.1", port), timeout=30)
        blocker.sendall(
            (
                "POST /api/v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: {self.blocker_token}\r\nContent-Type: application/json\r\n"
                "Content-Length: 100000\r\n\r\n{"
            ).encode()
        )
        self.blocker = blocker

    def _release_blocker(self) -> None:
        """Close the held push (its truncated body is refused and the slot freed)."""
        if self.blocker is not None:
            self.blocker.close()
            self.blocker = None

    # -- file bundles (issue #19) ----------------------------------------------------------------

    def bundle_step(self, device: SimDevice) -> None:
        """Exchange bundles with ``device``: its unsent mutations to the server (imported once or
        twice, maybe again after its online sync), the server's bundle to it (imported once or
        twice, maybe after an online pull has gone past it)."""
        from field_client.bundle import BundleError, export_bundle, import_bundle
        from field_client.sync import SyncError

        ops = self.ops["bundles"]
        ops["exchanges"] += 1
        # drawn at once from the plan: export, import twice, import late, server's bundle,
        # online sync before it, import it twice
        draws = [self.plan.random() for _ in range(6)]
        if device.store.outbox_counts()["pending"] and draws[0] < 0.8:
            path = self.workdir / "bundles" / f"{device.name}-{ops['device_exports']}.bundle"
            path.parent.mkdir(exist_ok=True)
            summary = export_bundle(device.store, path)
            ops["device_exports"] += 1
            ops["device_export_mutations"] += summary["count"]
            data = path.read_bytes()
            for attempt in range(2 if draws[1] < 0.25 else 1):
                self._import_on_server(data, repeated=attempt > 0)
            if draws[2] < 0.3:  # the same file comes in again after the device's own sync
                self.stale_bundles.append(data)
        if draws[3] < 0.6:
            data = self._export_on_server(device)
            if data is None:
                return
            if draws[4] < 0.3:  # the device syncs online before the file arrives
                ops["device_imports_after_online_sync"] += 1
                try:
                    device.agent.sync()
                except SyncError as exc:
                    self.sync_errors[f"bundle_online:{exc.code}"] += 1
            for attempt in range(2 if draws[5] < 0.25 else 1):
                try:
                    report = import_bundle(device.store, data)
                except BundleError as exc:
                    self.fail(f"{device.name}: server bundle refused: {exc.code}")
                    return
                ops["device_imports"] += 1
                ops["device_imports_repeated"] += attempt > 0
                ops["device_import_resets"] += report["reset"] is True
                ops["device_import_acks"] += report["acked"]

    def _import_on_server(self, data: bytes, *, repeated: bool = False, stale: bool = False):
        """Import a device's bundle as ``posyandu-server bundle import`` does."""
        from server.extensions import db
        from server.sync.bundle import BundleRefused, import_device_bundle

        ops = self.ops["bundles"]
        with self.app.app_context():
            try:
                report = import_device_bundle(
                    db.session, data, zone=self.app.config["LOCAL_TIMEZONE"]
                )
            except BundleRefused as exc:
                db.session.rollback()
                self.fail(f"device bundle refused on import: {exc.code} {exc.message}")
                return
            finally:
                db.session.remove()
        ops["server_imports"] += 1
        ops["server_imports_repeated"] += repeated
        ops["server_imports_stale"] += stale
        ops["server_import_duplicates"] += report["duplicate"]
        ops["server_import_applied"] += report["mutations"] - report["duplicate"]

    def _export_on_server(self, device: SimDevice) -> bytes | None:
        """Export the server's bundle for a device as ``posyandu-server bundle export`` does."""
        from server.extensions import db
        from server.sync.bundle import BundleRefused, export_device_bundle

        with self.app.app_context():
            try:
                data, summary = export_device_bundle(db.session, device.device_id)
            except BundleRefused as exc:
                self.fail(f"{device.name}: server bundle not made: {exc.code}")
                return None
            finally:
                db.session.rollback()
                db.session.remove()
        self.ops["bundles"]["server_exports"] += 1
        self.ops["bundles"]["server_export_resets"] += summary["reset"] is True
        return data

    def import_stale_bundles(self) -> None:
        """Import again the device bundles kept for later (their devices have synced since)."""
        while self.stale_bundles:
            self._import_on_server(self.stale_bundles.pop(0), repeated=True, stale=True)

    # -- compaction (issue #19) --------------------------------------------------------------

    def compact_step(self) -> None:
        """Compact as ``posyandu-server compact --keep-days 0`` does, with the cutoff set before
        the oldest tombstone a device still has an unsent edit for (a purge would let that edit
        bring the record back: compaction.py, choose keep_days longer than devices stay offline).

        Runs after a half's offline edits, before its syncs: devices that have not pulled the
        purged deletions are reset on their next pull. The unchecked log rows are kept first
        (the purge may take them); purged tombstones leave the oracle at the next check.
        """
        from server.extensions import db
        from server.models import MutationLog, Record, utcnow
        from server.sync.compaction import compact

        held = set().union(*(d.store.ids_with_outbox() for d in self.devices))
        ops = self.ops["compaction"]
        with self.app.app_context():
            session = db.session
            for row in session.execute(
                sa.select(MutationLog).where(MutationLog.id > self.last_log_id)
            ).scalars():
                self.log_archive.setdefault(row.id, _log_snapshot(row))
            keys = {
                r.id: (r.device_id, r.hlc)
                for r in session.execute(
                    sa.select(MutationLog.id, MutationLog.device_id, MutationLog.hlc)
                )
            }
            oldest_held = session.execute(
                sa.select(sa.func.min(Record.updated_at)).where(
                    Record.deleted.is_(True), Record.id.in_(sorted(held))
                )
            ).scalar()
            cutoff = min(utcnow(), oldest_held) if oldest_held is not None else utcnow()
            candidates = set(
                session.execute(
                    sa.select(Record.id).where(Record.deleted.is_(True), Record.updated_at < cutoff)
                ).scalars()
            )
            report = compact(session, 0, now=cutoff)
            session.commit()
            left = set(
                session.execute(
                    sa.select(Record.id).where(Record.id.in_(sorted(candidates)))
                ).scalars()
            )
            kept = set(session.execute(sa.select(MutationLog.id)).scalars())
            session.rollback()
        purged = candidates - left
        if purged & held:
            self.fail(f"compaction purged tombstones with unsent edits: {sorted(purged & held)}")
        self.purged_records |= purged
        self.purged_log_keys |= {key for log_id, key in keys.items() if log_id not in kept}
        ops["runs"] += 1
        ops["tombstones_purged"] += report.tombstones_purged
        ops["mutation_log_purged"] += report.mutation_log_purged
        ops["horizon_raised"] += report.horizon > report.horizon_before
        ops["cutoff_held_back"] += oldest_held is not None and cutoff == oldest_held

    # -- faulted syncs ---------------------------------------------------------------------------

    def scenario_for(self, device: SimDevice) -> None:
        """Arm one fault and run one sync (two overlapping for ``overlap``) of ``device``."""
        from field_client.sync import BUSY_RETRIES, SyncError

        rng, proxy = self.rng, self.proxy
        self.scenario += 1
        pending = device.store.outbox_counts()["pending"]
        # the queue frees after this many 503 waits (more than the agent's retries: the sync
        # gives up with server_busy, and a later one sends the same seqs)
        release = self.plan.choice((1, 2, 3, BUSY_RETRIES + 1))
        busy = self.condition == "busy" and pending > 0
        if busy:
            self.release_after[device.name] = release
            self._hold_push_slot()
            self.ops["busy"]["scenarios_with_queue_held"] += 1
        kind = rng.choice(CAMPAIGN_FAULTS)
        targets = (["/sync/push"] * 4 if pending else []) + ["/sync/pull", "/conflicts"]
        path = rng.choice(targets)
        options: dict[str, Any] = {}
        if kind == "duplicate":
            options["which"] = rng.choice(("first", "second"))
        elif kind == "delay":
            options["seconds"] = rng.uniform(0.01, 0.15)
        elif kind in ("cut_request", "cut_response"):
            options["fraction"] = rng.uniform(0.05, 0.95)
        elif kind == "overlap":
            options["timeout"] = 2.0
        retries = rng.random() < 0.5
        device.agent.session = device.sessions[retries]
        self.armed[kind] += 1
        self.stats["scenarios_without_retries"] += not retries
        started = time.monotonic()
        rule = proxy.arm(kind, path=path, skip=0, times=1, **options)
        errors: list[BaseException] = []
        reports = []

        def run(agent):
            try:
                reports.append(agent.sync())
            except SyncError as exc:
                errors.append(exc)
            except BaseException as exc:  # anything else is a client bug
                errors.append(exc)
                self.fail(f"{device.name}: sync raised {exc!r}")

        if kind == "overlap":
            threads = [
                threading.Thread(target=run, args=(a,)) for a in (device.agent, device.agent2)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
                if thread.is_alive():
                    self.fail(f"{device.name}: overlapping sync did not finish in 60 s")
        else:
            run(device.agent)
        proxy.heal()
        self._release_blocker()
        self.timing[kind] += time.monotonic() - started
        for error in errors:
            if isinstance(error, SyncError):
                self.stats["syncs_failed_under_fault"] += 1
                self.sync_errors[f"{kind}:{error.code}"] += 1
        self.stats["faults_fired_total"] += rule.fired
        self.stats["device_resets"] += sum(r.resets for r in reports)
        codes = [e.code for e in errors if isinstance(e, SyncError)]
        if self.condition == "upgrade":  # a fault armed past the first request cannot fire
            self.ops["upgrade"]["scenarios"] += 1
            self._after_upgrade_refusal(device, pending, reports, codes)
        if busy:
            self.ops["busy"]["syncs_ended_server_busy"] += codes.count("server_busy")
            self.ops["busy"]["syncs_pushed_after_503"] += sum(r.pushed > 0 for r in reports)

    def _after_upgrade_refusal(self, device: SimDevice, pending: int, reports, codes) -> None:
        """Against a server demanding a newer app no sync may succeed, and nothing leaves the
        outbox (the server applied nothing)."""
        ops = self.ops["upgrade"]
        ops["syncs_refused_426"] += codes.count("upgrade_required")
        ops["syncs_failed_before_reaching_server"] += len(codes) - codes.count("upgrade_required")
        if reports:
            self.fail(f"{device.name}: a sync succeeded against a server demanding app 99.0")
        if device.store.outbox_counts()["pending"] != pending:
            self.fail(f"{device.name}: outbox changed while the server answered 426")
        ops["mutations_kept"] += pending
        if "upgrade_required" in codes and device.agent.upgrade_required() is None:
            self.fail(f"{device.name}: a 426 not kept for the Sinkronisasi page")

    # -- healing and checks --------------------------------------------------------------------

    def heal(self) -> None:
        """Sync devices, without faults, until nothing moves.

        A device that synced after the last one that changed the server has seen everything;
        only the ones before it sync again (then once more whoever still moves anything).
        """
        from field_client.sync import SyncError

        self.proxy.heal()
        for device in self.devices:
            device.agent.session = device.sessions[True]
        self.digests_ok: dict[str, bool | None] = {}
        todo = list(self.devices)
        for _ in range(8):
            redo = 0  # how many devices of this pass must sync again
            for index, device in enumerate(todo):
                for seq in [m.seq for m in device.store.quarantined()]:
                    device.store.discard_quarantined(seq)
                    self.stats["mutations_rejected_discarded"] += 1
                try:
                    report = device.agent.sync()
                except SyncError as exc:
                    self.fail(f"{device.name}: sync after healing failed: {exc.code} {exc.message}")
                    redo = max(redo, index + 1)
                    continue
                self.digests_ok[device.name] = report.digest_ok
                self.stats["device_resets"] += report.resets
                if device.agent.upgrade_required() is not None:
                    self.fail(f"{device.name}: still told to update after a sync that succeeded")
                if report.pushed or report.quarantined or report.conflicts:
                    redo = max(redo, index)
                if report.quarantined:  # refused now: discard it and sync this device again
                    redo = max(redo, index + 1)
            todo = todo[:redo]
            if not todo:
                return
        self.fail("devices still exchanging changes after 8 healing passes")

    def check(self, full: bool = False) -> None:
        """Check every invariant after healing.

        Replicas are compared with the server as (id, version) sets in full every time, and
        field by field on the records changed since the last check (the others were equal then
        and neither side changed them since); ``full`` compares every field of every record and
        the (id, version) listing of ``/sync/ids`` as well.
        """
        from server.extensions import db
        from server.models import Conflict, MutationLog, Record

        with self.app.app_context():
            session = db.session
            # rows a compaction purged since the last check were kept in the archive
            rows = {i: r for i, r in self.log_archive.items() if i > self.last_log_id}
            for row in session.execute(
                sa.select(MutationLog).where(MutationLog.id > self.last_log_id)
            ).scalars():
                if row.id not in rows and (row.device_id, row.hlc) in self.purged_log_keys:
                    self.stats["doubled"] += 1
                    self.fail(f"mutation {row.hlc} of {row.device_id} logged again after a purge")
                rows[row.id] = row
            self.log_archive.clear()
            logs = {(row.device_id, row.seq): row for row in rows.values()}
            self._check_created(logs)
            doubled = session.execute(
                sa.select(MutationLog.device_id, MutationLog.hlc, sa.func.count())
                .group_by(MutationLog.device_id, MutationLog.hlc)
                .having(sa.func.count() > 1)
            ).all()
            for device_id, hlc, n in doubled:
                key = (device_id, hlc)
                if key not in self.doubled_seen:
                    self.doubled_seen.add(key)
                    self.stats["doubled"] += 1
                    self.fail(f"mutation {hlc} of device {device_id} logged {n} times")
            new_logs = sorted(logs.values(), key=lambda r: r.id)
            touched = {row.record_id for row in new_logs}
            conflicts = {}
            if touched:
                for row in session.execute(
                    sa.select(Conflict).where(Conflict.record_id.in_(sorted(touched)))
                ).scalars():
                    conflicts.setdefault((row.record_id, row.field), []).append(row)
            touched |= {w[0] for _, snapshots in self.server_writes for w in snapshots}
            for row in new_logs:
                self._absorb_server_writes(row.id)
                self._replay(row, conflicts)
            self._absorb_server_writes(None)
            self._forget_purged(touched)
            # reference data and the month reviews (created on the way) are not persons or visits
            self.reference_ids = set(
                session.execute(sa.select(Record.id).where(Record.kind.not_in(KINDS))).scalars()
            )
            changed = set()
            for r in session.execute(
                sa.select(Record).where(
                    Record.kind.in_(KINDS), Record.change_seq > self.last_change_seq
                )
            ).scalars():
                self.server_rows[r.id] = Snapshot(
                    r.kind, r.version, r.deleted, dict(r.fields), r.posyandu_id
                )
                self.last_change_seq = max(self.last_change_seq, r.change_seq)
                changed.add(r.id)
            self._check_records(self.server_rows, touched)
            if new_logs:
                self.last_log_id = new_logs[-1].id
            session.rollback()
        self._check_replicas(self.server_rows, changed | touched, full)

    def _forget_purged(self, touched: set) -> None:
        """Drop the tombstones compaction purged from the oracle (they must be deletions)."""
        for record_id in sorted(self.purged_records):
            state = self.oracle.pop(record_id, None)
            if state is not None and not state["deleted"] and state["version"]:
                self.fail(f"compaction purged {record_id}, which the log says is live")
            self.server_rows.pop(record_id, None)
            touched.discard(record_id)
        self.purged_records.clear()

    def _check_created(self, logs: dict) -> None:
        for m in self.created:
            row = logs.get((m["device"], m["seq"]))
            if row is None:
                self.stats["lost"] += 1
                self.fail(
                    f"mutation {m['device']}#{m['seq']} ({m['op']} {m['kind']} "
                    f"{m['id']}) never reached the server"
                )
                continue
            if (row.record_id, row.kind, row.op, row.fields or {}) != (
                m["id"],
                m["kind"],
                m["op"],
                m["fields"],
            ):
                self.fail(
                    f"mutation {m['device']}#{m['seq']} logged with other content: "
                    f"{row.record_id} {row.op} {row.fields} != {m['id']} {m['fields']}"
                )
            self.outcomes[row.status] += 1
            if row.status == "rejected":
                self.stats["mutations_rejected"] += 1
                self.rejected_by_code[row.code or "other"] += 1
            else:
                self.stats["mutations_applied"] += 1
        for device in self.devices:
            counts = device.store.outbox_counts()
            if counts["pending"]:
                self.stats["lost"] += counts["pending"]
                self.fail(f"{device.name}: {counts['pending']} mutations still pending")
            if counts["quarantined"]:
                self.fail(
                    f"{device.name}: {counts['quarantined']} refused mutations left after healing"
                )
        self.created = []

    def _replay(self, row, conflicts: dict) -> None:
        """Apply one log row to the oracle under the merge rule and check its conflicts."""
        from shared import records
        from shared.sync import hlc as hlc_mod

        if row.status == "rejected":
            return
        state = self.oracle.setdefault(
            row.record_id,
            {
                "fields": {},
                "deleted": False,
                "version": 0,
                "count": 0,
                "kind": row.kind,
                "deleted_by": None,
            },
        )
        fields = state["fields"]
        base = row.base_version or 0
        hlc = tuple(hlc_mod.parse(row.hlc))
        device = row.device_id

        def concurrent(name):
            prev = fields.get(name) if name != "_deleted" else state["deleted_by"]
            return prev is not None and prev[2] != device and prev[3] > base

        def expect(name, winner, loser):
            self.stats["concurrent_same_field_edits"] += 1
            for c in conflicts.get((row.record_id, name), []):
                if (
                    c.id not in self.used_conflicts
                    and c.winner_value == winner
                    and c.loser_value == loser
                ):
                    self.used_conflicts.add(c.id)
                    self.stats["conflicts_found"] += 1
                    return
            self.fail(
                f"concurrent edit of {row.kind} {row.record_id}.{name} "
                f"({loser!r} lost to {winner!r}) missing from the conflict queue"
            )

        # Field stamps carry the server's version numbers (a visit's version also moves when the
        # server recomputes its derived values); a person's own count is checked separately.
        version = row.result_version if row.result_version is not None else state["version"] + 1
        if state["version"] == 0:  # a create
            derived = records.spec(row.kind).derived_fields
            for name, value in (row.fields or {}).items():
                if name not in derived:
                    fields[name] = (value, hlc, device, 1)
            state["version"] = state["count"] = 1
            if row.op == "delete":
                state["version"] = 0
            return
        changed = False
        if row.op == "delete":
            if state["deleted"]:
                return
            edited = [n for n in fields if concurrent(n)]
            if edited:
                latest = max(edited, key=lambda n: fields[n][1])
                won = hlc > fields[latest][1]
                edits = {n: fields[n][0] for n in edited}
                # The conflict's values are recorded as the server saw them: winner first.
                self.stats["concurrent_same_field_edits"] += 1
                if any(
                    c.id not in self.used_conflicts
                    for c in conflicts.get((row.record_id, "_deleted"), [])
                ):
                    c = next(
                        c
                        for c in conflicts[(row.record_id, "_deleted")]
                        if c.id not in self.used_conflicts
                    )
                    self.used_conflicts.add(c.id)
                    self.stats["conflicts_found"] += 1
                else:
                    self.fail(
                        f"delete of {row.record_id} concurrent with edits {edits} "
                        f"missing from the conflict queue"
                    )
                if not won:
                    return
            state["deleted"] = True
            state["deleted_by"] = (True, hlc, device, version)
            state["version"] = version
            state["count"] += 1
            return
        derived = records.spec(row.kind).derived_fields
        changes = {k: v for k, v in (row.fields or {}).items() if k not in derived}
        if state["deleted"]:
            sent = {**changes, "id": row.record_id}  # the server's merge adds the id
            if concurrent("_deleted") and not hlc > state["deleted_by"][1]:
                expect("_deleted", True, sent)
                return
            if concurrent("_deleted"):
                expect("_deleted", sent, True)
            state["deleted"] = False
            state["deleted_by"] = (False, hlc, device, version)
            changed = True
        for name, value in changes.items():
            prev = fields.get(name)
            if prev is not None and prev[0] == value:
                continue
            if concurrent(name):
                won = hlc > prev[1]
                expect(name, value if won else prev[0], prev[0] if won else value)
                if not won:
                    continue
            fields[name] = (value, hlc, device, version)
            changed = True
        if changed:
            state["version"] = version
            state["count"] += 1

    def _check_records(self, server: dict, touched: set) -> None:
        from shared import records

        for record_id in sorted(touched):
            state = self.oracle.get(record_id)
            row = server.get(record_id)
            if state is None or state["version"] == 0:
                continue
            if row is None:
                self.stats["lost"] += 1
                self.fail(f"record {record_id} created but not on the server")
                continue
            derived = records.spec(row.kind).derived_fields
            got = {k: v for k, v in row.fields.items() if k not in derived and k != "id"}
            want = {k: v[0] for k, v in state["fields"].items()}
            if got != want:
                diff = {
                    k: (got.get(k), want.get(k))
                    for k in set(got) | set(want)
                    if got.get(k) != want.get(k)
                }
                self.fail(
                    f"{row.kind} {record_id} fields differ from the replayed log "
                    f"(server, expected): {diff}"
                )
            if row.deleted != state["deleted"]:
                self.fail(
                    f"{row.kind} {record_id} deleted={row.deleted}, log says {state['deleted']}"
                )
            if row.kind == "person" and row.version != state["count"]:
                self.stats["doubled"] += row.version > state["count"]
                self.fail(
                    f"person {record_id} at version {row.version}, its applied "
                    f"changes make {state['count']}"
                )
        self.stats["records_checked"] += len(touched)

    def _check_replicas(self, server: dict, changed: set, full: bool) -> None:
        from shared import records
        from shared.sync.digest import scope_digest

        for device in self.devices:
            self.stats["replicas_checked"] += 1
            local = device.store.synced_versions()
            if full:
                remote = device.agent.remote_ids()
                if {rid: version for rid, _, version in remote} != local:
                    self.fail(f"{device.name}: replica (id, version) set differs from /sync/ids")
                if scope_digest(local.items()) != scope_digest((r, v) for r, _, v in remote):
                    self.stats["digest_mismatches"] += 1
                    self.fail(f"{device.name}: replica digest differs from /sync/ids")
            if self.digests_ok.get(device.name) is not True:
                self.stats["digest_mismatches"] += 1
                self.fail(
                    f"{device.name}: last sync's digest check said "
                    f"{self.digests_ok.get(device.name)}"
                )
            want = {
                rid: row.version
                for rid, row in server.items()
                if not row.deleted and row.posyandu_id in device.posyandu
            }
            have = {rid: v for rid, v in local.items() if rid not in self.reference_ids}
            if want != have:
                diff = sorted(set(want.items()) ^ set(have.items()))[:5]
                self.fail(
                    f"{device.name}: (id, version) of persons and visits differ from "
                    f"the server's: {len(set(want.items()) ^ set(have.items()))}, e.g. "
                    f"{diff}"
                )
            for rid in sorted(want if full else set(want) & changed):
                row = server[rid]
                local_row = device.store.get(row.kind, rid)
                if local_row is None:
                    continue  # reported by the set comparison above
                derived = records.spec(row.kind).derived_fields
                server_fields = {
                    k: v for k, v in row.fields.items() if k not in derived and k != "id"
                }
                local_fields = {k: v for k, v in local_row.fields.items() if k != "id"}
                self.stats["replica_records_compared"] += 1
                if (row.version, server_fields) != (local_row.version, local_fields):
                    self.fail(
                        f"{device.name}: {row.kind} {rid} ({local_row.sync_state}) "
                        f"differs from the server: "
                        f"v{local_row.version} {local_fields} != v{row.version} "
                        f"{server_fields}"
                    )

    def run(self, scenarios: int) -> None:
        """Play rounds until ``scenarios`` scenarios ran (or 20 failures piled up)."""
        while self.scenario < scenarios and len(self.failures) < 20:
            self.round += 1
            self.collide()
            for half in range(SYNCS_PER_ROUND):
                for device in self.devices:  # all offline: their edits are concurrent
                    for _ in range(self.rng.randrange(0, 3)):
                        self.edit(device)
                compact = self.plan.random() < COMPACT_RATE
                if half == SYNCS_PER_ROUND - 1 and compact:
                    self.compact_step()  # after the last edits before healing (see there)
                roll = self.plan.random()
                condition = (
                    "upgrade"
                    if roll < UPGRADE_RATE
                    else "busy"
                    if roll < UPGRADE_RATE + BUSY_RATE
                    else "normal"
                )
                self.set_condition(condition)
                self.stats[f"halves_{condition}"] += 1
                if self.rng.random() < REVIEW_RATE:
                    self.review_step()
                merge = self.plan.random() < MERGE_RATE / SYNCS_PER_ROUND
                fault = self.plan.choice(MERGE_FAULTS)
                if merge:
                    self.merge_step(fault if self.plan.random() < MERGE_FAULT_RATE else None)
                order = list(self.devices)
                self.rng.shuffle(order)
                for device in order[: scenarios - self.scenario]:
                    if self.plan.random() < BUNDLE_RATE:
                        self.bundle_step(device)
                    self.scenario_for(device)
                self.import_stale_bundles()
            self.set_condition("normal")
            started = time.monotonic()
            self.heal()
            self.timing["heal"] += time.monotonic() - started
            started = time.monotonic()
            self.check(full=self.round % FULL_CHECK_EVERY == 0 or self.scenario >= scenarios)
            self.timing["check"] += time.monotonic() - started


def run_campaign(
    scenarios: int,
    seed: int,
    database_url: str | None = None,
    out: Path | None = None,
    server_process: bool = True,
    workers: int = 1,
) -> dict[str, Any]:
    """Run ``scenarios`` fault scenarios (one device's faulted sync each) and return the figures.

    ``database_url`` None: a temporary SQLite file. A PostgreSQL URL is EMPTIED first.
    ``workers`` > 1 (SQLite only) splits the scenarios over independent campaigns in parallel
    processes, seeded ``seed * 1000 + worker``, each with its own server, and adds their figures.
    """
    if workers > 1:
        result = _run_parallel(scenarios, seed, database_url, server_process, workers)
    else:
        result = _run_one(scenarios, seed, database_url, server_process)
    if out is not None:
        Path(out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def _run_parallel(
    scenarios: int, seed: int, database_url: str | None, server_process: bool, workers: int
) -> dict[str, Any]:
    import multiprocessing

    if database_url is not None:
        raise ValueError("parallel campaigns need a database each: SQLite only")
    begun = time.monotonic()
    shares = [scenarios // workers + (1 if i < scenarios % workers else 0) for i in range(workers)]
    seeds = [seed * 1000 + i for i in range(workers)]
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        parts = pool.starmap(
            _run_one, [(n, s, None, server_process) for n, s in zip(shares, seeds, strict=True)]
        )
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, bool) or key in (
                "seed",
                "backend",
                "server",
                "scenario_definition",
                "devices",
            ):
                merged[key] = value
            elif isinstance(value, int | float):
                merged[key] = round(merged.get(key, 0) + value, 1)
            elif isinstance(value, dict):
                _add_figures(merged.setdefault(key, {}), value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
    merged.update(
        seed=seed,
        workers=workers,
        worker_seeds=seeds,
        worker_duration_s=[p["duration_s"] for p in parts],
        duration_s=round(time.monotonic() - begun, 1),
    )
    return merged


def _add_figures(into: dict, part: dict) -> None:
    """Add one worker's figures into the sums (nested; ``*_min``/``*_max`` keep the extreme)."""
    for key, value in part.items():
        if isinstance(value, dict):
            _add_figures(into.setdefault(key, {}), value)
        elif key.endswith("_min") and key in into:
            into[key] = min(into[key], value)
        elif key.endswith("_max") and key in into:
            into[key] = max(into[key], value)
        else:
            into[key] = round(into.get(key, 0) + value, 3 if key.endswith(("_min", "_max")) else 1)


def _run_one(
    scenarios: int, seed: int, database_url: str | None, server_process: bool
) -> dict[str, Any]:
    begun = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="posyandu-campaign-"))
    campaign = Campaign(seed, database_url, workdir, server_process=server_process)
    try:
        try:
            campaign.run(scenarios)
        except Exception:  # a crash is a finding too: report it with the figures so far
            campaign.fail("campaign crashed:\n" + traceback.format_exc())
        fired = dict(sorted(campaign.proxy.fired.items()))
        stats = campaign.stats
        result = {
            "scenarios": campaign.scenario,
            "rounds": campaign.round,
            "seed": seed,
            "backend": campaign.backend,
            "devices": len(campaign.devices),
            "server": "posyandu-server process" if server_process else "werkzeug thread",
            "scenario_definition": "one device's sync attempt through the proxy with one fault "
            "armed on one of its requests (overlap: two syncs of the "
            "device at once); a round = twice (offline edits on every "
            "device, one scenario per device), heal, check every "
            "invariant",
            "faults": fired,
            "faults_armed": dict(sorted(campaign.armed.items())),
            "faults_fired_total": sum(fired.values()),
            "scenarios_without_http_retries": stats["scenarios_without_retries"],
            "syncs_failed_under_fault": stats["syncs_failed_under_fault"],
            "sync_errors": dict(sorted(campaign.sync_errors.items())),
            "mutations_created": stats["mutations_created"],
            "mutations_applied": stats["mutations_applied"],
            "mutations_rejected": stats["mutations_rejected"],
            "outcomes": dict(sorted(campaign.outcomes.items())),
            "lost": stats["lost"],
            "doubled": stats["doubled"],
            "records_checked": stats["records_checked"],
            "replicas_checked": stats["replicas_checked"],
            "replica_records_compared": stats["replica_records_compared"],
            "digest_mismatches": stats["digest_mismatches"],
            "concurrent_same_field_edits": stats["concurrent_same_field_edits"],
            "conflicts_found": stats["conflicts_found"],
            "edits_refused_locally": stats["edits_refused_locally"],
            "review_steps": {
                k[len("reviews_") :]: v
                for k, v in sorted(stats.items())
                if k.startswith("reviews_")
            },
            "merges": stats["merges"],
            "rejected_by_code": dict(sorted(campaign.rejected_by_code.items())),
            "merges_refused_locked_month": stats["merges_refused_locked_month"],
            "merges_refused_invalid": stats["merges_refused_invalid"],
            "merge_writes_absorbed": stats["merge_writes_absorbed"],
            "mutations_rejected_discarded": stats["mutations_rejected_discarded"],
            # issue #19 and #16: the operations among the faulted syncs, counted
            "operations": {
                "faulted_syncs": campaign.scenario,
                "bundle_exchanges": campaign.ops["bundles"]["exchanges"],
                "halves_426": stats["halves_upgrade"],
                "halves_503": stats["halves_busy"],
                "compactions": campaign.ops["compaction"]["runs"],
                "review_steps": sum(v for k, v in stats.items() if k.startswith("reviews_")),
                "merges": stats["merges"],
                "server_switches": stats["server_switches"],
            },
            "bundles": dict(sorted(campaign.ops["bundles"].items())),
            "upgrade_required": dict(sorted(campaign.ops["upgrade"].items())),
            "server_busy": {
                **dict(sorted(campaign.ops["busy"].items())),
                # the shortest and longest jittered wait, when there was one
                **(
                    {
                        "wait_s_min": round(min(campaign.busy_waits), 3),
                        "wait_s_max": round(max(campaign.busy_waits), 3),
                    }
                    if campaign.busy_waits
                    else {}
                ),
            },
            "compaction": {
                **dict(sorted(campaign.ops["compaction"].items())),
                "device_resets": stats["device_resets"],
            },
            "merge_faults": {
                **dict(sorted(campaign.ops["merge"].items())),
                "fired": dict(sorted(campaign.api_proxy.fired.items())),
            },
            "requests_relayed": len(campaign.proxy.log),
            "duration_s": round(time.monotonic() - begun, 1),
            "seconds_by_phase": {k: round(v, 1) for k, v in sorted(campaign.timing.items())},
            "failures": campaign.failures,
        }
    finally:
        campaign.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m soak.campaign", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--workers", type=int, default=1, help="parallel independent campaigns (SQLite only)"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="serve the app in a thread instead of a posyandu-server process",
    )
    args = parser.parse_args(argv)
    result = run_campaign(
        args.scenarios,
        args.seed,
        args.database_url,
        args.out,
        server_process=not args.in_process,
        workers=args.workers,
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
