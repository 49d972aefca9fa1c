"""Write docs/benchmarks.md and docs/benchmarks-sync.png from the figures of a bench run.

``make bench`` calls :func:`write_report`; ``python -m bench.report [results.json]`` regenerates
the documents from a saved run without measuring again.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DOCS = BENCH.parent / "docs"
PNG_NAME = "benchmarks-sync.png"


def _n(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _kb(nbytes) -> str:
    return "–" if nbytes is None else f"{nbytes / 1024:,.1f} KB"


def _mb(nbytes) -> str:
    return "–" if nbytes is None else f"{nbytes / 1_048_576:,.2f} MB"


def _ratio(ours, theirs, lower_is_better: bool) -> str:
    """'ours / theirs' with a verdict."""
    if not ours or not theirs:
        return "–"
    ratio = ours / theirs
    better = ratio < 1 if lower_is_better else ratio > 1
    factor = 1 / ratio if ratio < 1 else ratio
    word = ("ours better" if better else "ours worse") if abs(ratio - 1) > 0.02 else "even"
    return f"{ratio:.2f} ({word}, {factor:.1f}×)" if word != "even" else f"{ratio:.2f} (even)"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _sync_rows(sync: dict) -> list[list[str]]:
    ours, theirs = sync["ours"], sync.get("theirs") or {}
    data = sync["data"]
    scope = f"{data['scope_records']:,} records"
    month = f"{data['month_records']} visits"

    def get(side, *path):
        value = side
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    rows = []

    def row(label, size, path, fmt, lower_is_better):
        a, b = get(ours, *path), get(theirs, *path)
        rows.append([label, size, fmt(a), fmt(b), _ratio(a, b, lower_is_better)])

    def sec(v):
        return "–" if v is None else f"{v:,.2f} s"

    def rate(v):
        return "–" if v is None else f"{v:,.0f} /s"

    def ms(v):
        return "–" if v is None else f"{v:,.3f} s"

    row("Push throughput (device → server)", scope, ("push", "records_per_second"), rate, False)
    row("Push time", scope, ("push", "seconds"), sec, True)
    row("Push bytes on the wire (both ways)", scope, ("push", "bytes"), _mb, True)
    row("Push requests", scope, ("push", "requests"), _n, True)
    row(
        "Pull throughput (server → fresh device)",
        scope,
        ("initial", "records_per_second"),
        rate,
        False,
    )
    row("Initial replication to a fresh device: time", scope, ("initial", "seconds"), sec, True)
    row("Initial replication: bytes on the wire", scope, ("initial", "bytes"), _mb, True)
    row("Initial replication: requests", scope, ("initial", "requests"), _n, True)
    row(
        "Incremental push (kader device): time, median",
        month,
        ("incremental_push", "seconds"),
        ms,
        True,
    )
    row("Incremental push: bytes", month, ("incremental_push", "bytes"), _kb, True)
    row("Incremental push: requests", month, ("incremental_push", "requests"), _n, True)
    row(
        "Incremental pull (second device): time, median",
        month,
        ("incremental_pull", "seconds"),
        ms,
        True,
    )
    row("Incremental pull: bytes", month, ("incremental_pull", "bytes"), _kb, True)
    row("Incremental pull: requests", month, ("incremental_pull", "requests"), _n, True)
    row(
        "Server peak memory (RSS)",
        "whole sync bench",
        ("server_peak_rss_mb",),
        lambda v: "–" if v is None else f"{v:,.0f} MB",
        True,
    )
    return rows


def _postgresql_lines(sync: dict) -> list[str]:
    """Our core phases again with the server on PostgreSQL (``BENCH_DATABASE_URL``)."""
    pg, ours = sync.get("ours_postgresql"), sync["ours"]
    if not pg:
        return []

    def figures(side: dict) -> list[str]:
        return [
            f"{side['push']['records_per_second']:,.0f} /s",
            f"{side['initial']['records_per_second']:,.0f} /s ({side['initial']['seconds']:.2f} s)",
            f"{side['incremental_push']['seconds']:.3f} s",
            f"{side['incremental_pull']['seconds']:.3f} s",
        ]

    header = ["Server database", "Push", "Initial pull", "Incremental push", "Incremental pull"]
    return [
        "",
        "Our side again with the server on PostgreSQL (the same records, client and phases; "
        "PouchDB has no counterpart, so no ratio):",
        "",
        *_table(
            header,
            [["SQLite (the table above)", *figures(ours)], ["PostgreSQL", *figures(pg)]],
        ),
    ]


def _sample_lines(sync: dict) -> list[str]:
    """Every incremental sample's time, both systems (the table shows the median)."""
    lines = []
    for phase, what in (("incremental_push", "push"), ("incremental_pull", "pull")):
        for side, name in (("ours", "ours"), ("theirs", "PouchDB")):
            samples = ((sync.get(side) or {}).get(phase) or {}).get("samples_seconds")
            if samples:
                shown = ", ".join(f"{v:.3f}" for v in samples)
                lines.append(f"- Incremental {what}, {name}: {len(samples)} samples, {shown} s.")
    if lines:
        lines = [
            "",
            "Each incremental sample is a new posyandu-month (80 other children), pushed by the "
            "kader device and pulled by the second one; the table gives the median sample.",
            "",
            *lines,
        ]
    return lines


def _link_rows(sync: dict) -> list[list[str]]:
    ours, theirs = sync["ours"], sync.get("theirs") or {}
    rows = []
    for direction, label in (
        ("push", "kader device pushes the month"),
        ("pull", "second device pulls it"),
    ):
        est_o = ours["incremental_link_estimate"][direction]
        est_t = (theirs.get("incremental_link_estimate") or {}).get(direction) or {}
        for key, what in (
            ("transfer_seconds", "bytes × 8 / 50,000"),
            ("with_latency_seconds", "+ 0.6 s per request and connection"),
        ):
            a, b = est_o.get(key), est_t.get(key)
            rows.append(
                [
                    f"{label}: {what}",
                    f"{a:,.1f} s" if a is not None else "–",
                    f"{b:,.1f} s" if b is not None else "–",
                    _ratio(a, b, True),
                ]
            )
        a = (ours.get("link_2g") or {}).get(direction, {}).get("seconds")
        b = (theirs.get("link_2g") or {}).get(direction, {}).get("seconds")
        if a is not None or b is not None:
            rows.append(
                [
                    f"{label}: measured through the emulated 2G link",
                    f"{a:,.1f} s" if a is not None else "–",
                    f"{b:,.1f} s" if b is not None else "–",
                    _ratio(a, b, True),
                ]
            )
    return rows


def _wire_rows(sync: dict) -> list[list[str]]:
    ours, theirs = sync["ours"], sync.get("theirs") or {}
    rows = []
    for direction in ("push", "pull"):
        for enc in ("gzip", "identity"):
            o = ours["wire"][enc][direction]
            t = ((theirs.get("wire") or {}).get(enc) or {}).get(direction) or {}
            label = f"{direction}, {'gzip' if enc == 'gzip' else 'no compression'}"
            if direction == "push" and enc == "gzip" and t:
                label += " (PouchDB sends request bodies uncompressed; replies gzip)"
            rows.append(
                [
                    label,
                    _n(o.get("bytes_per_record"), 1),
                    f"{_n(o.get('bytes_up'))} / {_n(o.get('bytes_down'))}",
                    _n(t.get("bytes_per_record"), 1),
                    f"{_n(t.get('bytes_up'))} / {_n(t.get('bytes_down'))}",
                    _ratio(o.get("bytes_per_record"), t.get("bytes_per_record"), True),
                ]
            )
    return rows


def _sweep_rows(sync: dict) -> list[list[str]]:
    ours, theirs = sync["ours"]["sweep"], (sync.get("theirs") or {}).get("sweep") or []
    rows = []
    for i, o in enumerate(ours):
        t = theirs[i] if i < len(theirs) else {}
        rows.append(
            [
                _n(o["records"]),
                f"{o['seconds']:,.2f} s",
                f"{t['seconds']:,.2f} s" if t else "–",
                _mb(o["bytes"]),
                _mb(t.get("bytes")) if t else "–",
                _ratio(o["seconds"], t.get("seconds"), True) if t else "–",
            ]
        )
    return rows


def plot_sweep(sync: dict, path: Path) -> Path:
    """Plot initial replication time and bytes against scope size, ours and PouchDB."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_b) = plt.subplots(1, 2, figsize=(10, 4.2))
    sides = [("ours", "Posyandu Sync (SyncAgent → SQLite)", "tab:blue", "o")]
    if sync.get("theirs"):
        sides.append(("theirs", "PouchDB → pouchdb-server (leveldb)", "tab:red", "s"))
    for side, label, color, marker in sides:
        points = sync[side]["sweep"]
        x = [p["records"] for p in points]
        ax_t.plot(x, [p["seconds"] for p in points], marker=marker, color=color, label=label)
        ax_b.plot(
            x, [p["bytes"] / 1_048_576 for p in points], marker=marker, color=color, label=label
        )
    for ax, title, unit in (
        (ax_t, "Initial replication time to a fresh device", "seconds"),
        (ax_b, "Bytes on the wire (gzip, both ways)", "MB"),
    ):
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("records in the scope")
        ax.set_ylabel(unit)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        ax.set_ylim(bottom=0)
        ax.set_xlim(left=0)
    fig.suptitle("Sync, same machine, same records, loopback", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _lost_phases(sync: dict) -> list[str]:
    """Phases whose time is worse for ours than for PouchDB (the initial pull: or under the
    target throughput)."""
    ours, theirs = sync["ours"], sync["theirs"]
    return [
        phase
        for phase in ("push", "initial", "incremental_push", "incremental_pull")
        if ours[phase]["seconds"] > theirs[phase]["seconds"]
        or (phase == "initial" and ours[phase]["records_per_second"] < PULL_TARGET)
    ]


PULL_TARGET = 10_000  # records/s, issue #19


def _verdicts(sync: dict) -> list[str]:
    """One line per target: ours faster / fewer bytes than PouchDB, or by how much not."""
    ours, theirs = sync["ours"], sync.get("theirs")
    if not theirs:
        return []
    lines = []
    checks = [
        ("initial replication time", ("initial", "seconds"), True),
        ("initial replication bytes", ("initial", "bytes"), True),
        ("incremental push time", ("incremental_push", "seconds"), True),
        ("incremental push bytes", ("incremental_push", "bytes"), True),
        ("incremental pull time", ("incremental_pull", "seconds"), True),
        ("incremental pull bytes", ("incremental_pull", "bytes"), True),
        ("push throughput", ("push", "records_per_second"), False),
        ("push bytes", ("push", "bytes"), True),
    ]
    rate = ours["initial"]["records_per_second"]
    lines.append(
        f"- initial pull throughput of at least {PULL_TARGET:,} records/s: "
        f"{'**met**' if rate >= PULL_TARGET else '**not met**'} — ours {_n(rate)} records/s"
    )
    for label, (phase, key), lower in checks:
        a, b = ours[phase][key], theirs[phase][key]
        if lower:
            good = a < b
            factor = b / a if good else a / b
        else:
            good = a > b
            factor = a / b if good else b / a
        verdict = "**met**" if good else "**not met**"
        adjective = "better" if good else "worse"
        lines.append(
            f"- {label}: {verdict} — ours {factor:.1f}× {adjective} "
            f"(ours {_n(a, 3 if key == 'seconds' and a < 1 else 2)}, "
            f"PouchDB {_n(b, 3 if key == 'seconds' and b < 1 else 2)}"
            f"{' bytes' if key == 'bytes' else ' s' if key == 'seconds' else ' /s'})"
        )
    return lines


# Why ours loses where it does: found by profiling (cProfile of the server in-process and of the
# agent, EXPLAIN QUERY PLAN on the bench database); not re-measured by each run. Shown only for
# the targets a run does not meet.
WHY = {
    "push": """\
**Push (throughput, and the time of an incremental push).** A push of ours is not a copy of
documents. Per mutation the server validates the fields against the record kind's schema,
merges them field by field with their HLCs, checks the month lock and the kader named on it, and
writes the mutation log; for every child a batch touches it recomputes growth status (N/T, 2T,
BGM) from the earliest changed month on (the WHO z-scores of unchanged visits are reused);
it keeps the per-posyandu-month indicators and the weighings per day current, by difference;
and it commits with SQLite `synchronous=FULL`. pouchdb-server stores each JSON document with its
revision (leveldb, no fsync) and derives nothing. What the extra work buys: the numbers on the
Pokjanal view are current the moment a push is acknowledged, and a wrong value (a 1.2 kg weight
on a 75 cm child) is refused or flagged at the device's first contact.
Profile of the server after this wave's work (cProfile in-process, batches of 1,000,
2026-12-06): validation, merge and the mutation log about 40 %, the indicator months 20 %, growth
recompute 15 %, inserting the new rows 12 %, the commit's fsync 3 %; no single part stands out.
An 80-visit push is about 55-65 ms of server work in-process (2026-12-06, after the last
changes below; 75-85 ms before them): the indicator difference of the 80 children (before and
after) about a quarter, their growth from the changed month on and the reading of their 1,040
stored records about 30 %, validation, merge and the mutation log about 15 %, inserting the
rows, the month lock and the commit (fsync, and in about two pushes of five SQLite's WAL
checkpoint, 17 ms) the rest; a one-visit push costs about 6 ms at best.
Made faster in this wave: the weighings per day kept by difference (a recount read every visit
of the day), the children's records read once for growth and indicators, growth derived only
from the earliest changed month, the month lock asked once per month, the envelope and every
record kind loaded without marshmallow's per-field machinery (a child visit 61 -> 28 us), new
rows built without ORM events and inserted in one executemany with their positions, JSON
columns read and written and request bodies parsed once with orjson, reference tables loaded and
start-up objects frozen out of the garbage collector when a worker starts, the JSON columns'
19-digit check a byte translation instead of a regular expression, the ILP part of the
indicator difference computed only where it can move (a weighing without antigens moves only
its own month's "served"), the push's small statements built once; on the client,
batches that grow to 2,000 on a fast link, the next batch read and encoded while the one before
is on the server and sent while the last answer is stored. PouchDB's own figures move a lot
between runs on this machine (push 2,138 to 2,906 records/s, an incremental push 0.075 to
0.093 s on 2026-12-06), and so do ours (an incremental push 0.08 to 0.15 s).
On any real link ours is faster, since one request of ours carries what PouchDB sends in seven
(see the 2G table).""",
    "initial": """\
**Initial replication of the whole scope.** Ours pulls pages of 500 changes per scope branch in
`change_seq` order, passes the stored JSON through, and the device writes each page in one
SQLite transaction with `synchronous=FULL` and checks the scope digest at the end (the whole
replica is read once more). Fixed while this bench was written: a puskesmas' lokmin branch was
`kind IN (...)`, which SQLite served by walking the kecamatan's whole index on every page
(11.8 s of a 65,000-record pull); each kind is now its own branch. Where the time goes
(2026-12-06): the server serves the 66 pages in about 1.9 s of CPU; the device spends 3.6-4.8 s
of CPU decoding the pages, writing each record's JSON and the store's rows and indexes (one
transaction a page). The device, the server worker and the relay all want the 2 cores at once,
so the wall time follows the machine's speed: 4.3 s in one run, 6.2-8.0 s in others on
the same code.""",
    "incremental_pull": """\
**Incremental pull.** Ours checks the scope digest on the first pull, after a reset and then at
most every 6 hours (`field_client.sync.DIGEST_EVERY`); a pull that checks it reads the whole
scope on the server and the whole replica on the device (about 1 s at 65,000 records), which
PouchDB does not do at all (it compares checkpoints only).""",
}
WHY["incremental_push"] = WHY["push"]

FAIRNESS = """\
- Same records on both sides: the generator in `bench/sync_bench.py` (`_records`) yields the
  puskesmas scope; theirs gets each record as a CouchDB document (`_id` = record id, plus `kind`
  and the same fields).
- Scope: CouchDB replication has no server-side scope without filters, so theirs uses the usual
  CouchDB pattern, one database per scope (the puskesmas' database holds exactly its documents).
  Ours pulls the puskesmas' scope through its role, which also carries the ~200 registry rows
  (wilayah, facilities) a device needs; they are in our bytes and time, not in the record count.
- Our client runs in the bench's Python process, beside the generated records (about 100,000
  objects); PouchDB's in a Node process of its own. The generated data is frozen out of Python's
  garbage collector (`gc.freeze()`) before the first phase, so a collection during a timed phase
  does not walk the bench's own data (it took 0.6 s of an initial pull and 50 ms of an
  incremental push).
- Both clients persist to disk: ours the field client's SQLite Store (WAL, `synchronous=FULL`),
  theirs `pouchdb-node` (leveldb through leveldown's bundled prebuilt binary). Both servers persist
  to disk: ours SQLite (`synchronous=FULL`), theirs leveldb (no fsync, leveldown's default) — a
  durability difference in PouchDB's favour.
- Ours runs as production does: gunicorn with 2 sync workers. Sync workers close the connection
  after each response, so every request of ours opens a TCP connection; PouchDB's `node-fetch`
  sends `Connection: close` too, so both pay one connection per request.
- The incremental push and pull are timed five times on each side, each time a new
  posyandu-month of 80 other children; the median is compared (a single 0.1 s sample moved by
  30 % between runs of this machine, on either side). Every sample is listed under the table.
- PouchDB runs with its default replication options (batch_size 100, batches_limit 10); ours with
  its defaults (push batches of 200 growing to 2,000 on a fast link, pull pages of 1,000). Timing of theirs is taken inside Node
  around `replicate.to/from` (node start-up excluded); ours around `SyncAgent.push()/sync()`
  (which also fetches open conflicts, and checks the scope digest on a device's first pull and
  then every 6 hours, as the app does).
- Pulled records of ours carry the values the server derived (z-scores, Permenkes categories,
  N/T, flags), which PouchDB's documents do not have: that is why an uncompressed pull of ours
  is larger per record; with gzip, as both clients actually ask for it, ours is smaller.
- Bytes are counted by the same relay (`bench/relay.py`) for both: every byte on the TCP
  connection each way, HTTP headers included. Requests = request/response exchanges."""


def _sync_section(results: dict, png: Path | None) -> list[str]:
    sync = results.get("sync")
    if not sync:
        return []
    lines = ["## Sync: ours and PouchDB, side by side", ""]
    data = sync["data"]
    theirs = sync.get("theirs")
    lines += [
        f"Data: {data['scope']}; an incremental sync is one posyandu-month of "
        f"{data['month_records']} new weighings. Server database: "
        f"{data['server_database']}. Loopback, through a byte-counting relay.",
        "",
    ]
    lines += [f"- Ours: {sync['ours']['server']}; client: {sync['ours']['client']}."]
    if theirs:
        lines += [
            f"- Theirs: {theirs['server']}; client: {theirs['client']}; node "
            f"{sync.get('node', '?')}. Installed from the npm registry into `bench/pouch` "
            "(`package-lock.json` pins every version)."
        ]
    else:
        lines += [f"- Theirs: **skipped** — {sync.get('theirs_skipped', 'unknown reason')}."]
    lines += ["", "### Figures", ""]
    lines += _table(["Figure", "Data size", "Ours", "PouchDB", "Ours / PouchDB"], _sync_rows(sync))
    lines += _sample_lines(sync)
    lines += _postgresql_lines(sync)
    if theirs:
        lines += [
            "",
            "### Against the target (faster and fewer bytes, initial and incremental)",
            "",
        ] + _verdicts(sync)
        lost = _lost_phases(sync)
        if lost:
            lines += ["", "Why ours is slower where it is:", ""]
            shown = []
            for phase in lost:
                text = WHY.get(phase)
                if text and text not in shown:
                    shown.append(text)
                    lines += [text, ""]
    link = sync["link"]
    lines += [
        "",
        "### One posyandu-month on a village link (2G)",
        "",
        f"Link: {link['bits_per_second'] / 1000:.0f} kbit/s, round trip "
        f"{link['round_trip_seconds']} s (assumed, typical of 2G/EDGE). Estimate: "
        f"{link['estimate']}. Measured: the {link['emulated']}; the full run only.",
        "",
    ]
    lines += _table(
        ["Phase (gzip as each client sends it)", "Ours", "PouchDB", "Ours / PouchDB"],
        _link_rows(sync),
    )
    wire = sync["ours"]["wire"]["gzip"]
    lines += [
        "",
        "### Bytes per record on the wire",
        "",
        f"Sample: {wire['records']:,} records (one posyandu), pushed by a device that "
        "holds them, then pulled by a fresh device; bytes both ways, headers included. "
        "Without compression: ours with gzip off both ways (same agent), theirs with "
        "`Accept-Encoding: identity`.",
        "",
    ]
    lines += _table(
        [
            "Phase",
            "Ours B/record",
            "Ours bytes up / down",
            "PouchDB B/record",
            "PouchDB bytes up / down",
            "Ours / PouchDB",
        ],
        _wire_rows(sync),
    )
    lines += ["", "### Initial replication against scope size", ""]
    lines += _table(
        [
            "Records",
            "Ours time",
            "PouchDB time",
            "Ours bytes",
            "PouchDB bytes",
            "Time ours / PouchDB",
        ],
        _sweep_rows(sync),
    )
    tuned = (theirs or {}).get("initial_tuned")
    if tuned:
        lines += [
            "",
            f"PouchDB tuned: the {tuned['records']:,}-record scope again with "
            f"`batch_size: {tuned['batch_size']}` (our pull page size): "
            f"{tuned['seconds']:,.2f} s and {tuned['requests']:,} requests, against "
            f"{tuned['default_seconds']:,.2f} s and {tuned['default_requests']:,} requests "
            "with the default of 100. The tables use the defaults.",
        ]
    if png is not None:
        lines += ["", f"![Initial replication time and bytes against scope size]({png.name})"]
    lines += ["", "### How the comparison is kept fair", "", FAIRNESS, ""]
    return lines


CLIENT_LABELS = {"page_": "page ", "api_": "API "}


def _client_section(client: dict) -> list[str]:
    lines = [
        "## Field client",
        "",
        f"Data on the device: {client['people']:,} people, {client['visits']:,} visits "
        f"({client['child_visits']:,} child, {client['anc_visits']:,} ANC, "
        f"{client['adult_visits']:,} adult); {client['served_by']}. Medians and maxima.",
        "",
    ]
    rows = []
    for key, value in client.items():
        if key.endswith("_median_ms") and key.startswith(("page_", "api_", "save_")):
            name = key[: -len("_median_ms")]
            worst = client.get(f"{name}_max_ms")
            rows.append(
                [
                    name.replace("_", " "),
                    f"{value:,.1f} ms",
                    f"{worst:,.1f} ms" if worst is not None else "–",
                ]
            )
    lines += _table(["Page / call", "Median", "Max"], rows)
    lines += [
        "",
        f"- Start to first page: median {client['start_to_first_page_median_s']} s, "
        f"max {client['start_to_first_page_max_s']} s.",
        f"- Targets: every page < 200 ms: {_n(client['pages_under_200_ms'])}; saving a "
        f"visit < 50 ms: {_n(client['save_under_50_ms'])}; start < 3 s: "
        f"{_n(client['start_under_3_s'])}.",
        f"- Bench process peak memory: {_n(client.get('bench_process_peak_rss_mb'))} MB.",
        "",
    ]
    return lines


DISTRICT_KEYS = [
    ("district_data", "Data"),
    ("district_build_records_seconds", "Build records (s)"),
    ("district_build_aggregates_seconds", "Build indicator aggregates (s)"),
    ("district_aggregate_rows", "Aggregate rows"),
    ("district_kabupaten_S_D", "Kabupaten S / D (check)"),
    ("ringkasan_kabupaten_ms", "Ringkasan, kabupaten level (ms)"),
    ("ringkasan_kecamatan_ms", "Ringkasan, kecamatan level (ms)"),
    ("ringkasan_posyandu_ms", "Ringkasan, posyandu level (ms)"),
    ("api_indicators_kabupaten_ms", "GET /api/v1/indicators, kabupaten (ms)"),
    ("api_indicators_kecamatan_ms", "GET /api/v1/indicators, kecamatan (ms)"),
    ("page_kia_ms", "Page /kia as the dinas (ms, median of 3; target < 500)"),
    ("page_kia_level_posyandu_ms", "Page /kia?level=posyandu (ms)"),
    ("page_kematian_ms", "Page /kematian (ms)"),
    ("page_sinyal_ms", "Page /sinyal (ms; target < 500)"),
    ("page_ilp_ms", "Page /ilp (ms)"),
    ("page_paket_rapat_ms", "Page /paket-rapat (ms)"),
    ("page_kia_first_ms", "Page /kia, first call after a write (ms)"),
    ("page_kia_first_cpu_ms", "Page /kia, first call after a write, CPU (ms)"),
    ("page_kia_cpu_ms", "Page /kia, CPU of the process (ms per call)"),
    ("page_sinyal_cpu_ms", "Page /sinyal, CPU of the process (ms per call)"),
    ("evaluasi_mingguan_kabupaten_ms", "Evaluasi mingguan, kabupaten week (ms; target < 500)"),
    ("evaluasi_mingguan_puskesmas_ms", "Evaluasi mingguan, one puskesmas drilled down (ms)"),
    ("evaluasi_mingguan_check", "Evaluasi mingguan totals (check)"),
    ("rekonsiliasi_kabupaten_ms", "Rekonsiliasi, every posyandu of the kabupaten (ms; < 500)"),
    ("rekonsiliasi_kabupaten_cpu_ms", "Rekonsiliasi, CPU of the process (ms per call)"),
    ("rekonsiliasi_check", "Rekonsiliasi (check)"),
    ("mutu_data_kabupaten_ms", "Mutu data, kabupaten (ms; target < 500)"),
    ("mutu_data_csv_ms", "Mutu data, implausible table as CSV (ms)"),
    ("mutu_data_json_filter_before_ms", "Mutu data's former JSON-text filter alone (ms)"),
    ("mutu_data_check", "Mutu data (check)"),
    ("page_ringkasan_kabupaten_ms", "Page /ringkasan, kabupaten (ms, median of 3; < 500)"),
    ("page_ringkasan_puskesmas_ms", "Page /ringkasan, one puskesmas' desa (ms)"),
    ("page_ringkasan_posyandu_ms", "Page /ringkasan, one posyandu and its balita (ms)"),
    ("page_ringkasan_xlsx_ms", "Ringkasan XLSX, every posyandu (ms)"),
    ("page_tren_kabupaten_ms", "Page /tren, kabupaten, 12 months (ms; < 500)"),
    ("page_tren_posyandu_ms", "Page /tren, one posyandu (ms)"),
    ("page_tren_default_period_ms", "Page /tren, newest month with data found (ms)"),
    ("page_peringkat_kecamatan_ms", "Page /peringkat, kecamatan (ms; < 500)"),
    ("page_peringkat_puskesmas_ms", "Page /peringkat, puskesmas (ms)"),
    ("page_peringkat_desa_ms", "Page /peringkat, desa (ms)"),
    ("page_peringkat_posyandu_ms", "Page /peringkat, posyandu (ms)"),
    ("pokjanal_pages_check", "Peringkat (check)"),
    ("bench_process_peak_rss_mb", "Peak memory of the process (MB)"),
    ("bench_seconds", "Bench time (s)"),
]


def _district_section(results: dict) -> list[str]:
    sides = [
        (name, results[name])
        for name in ("district_sqlite", "district_postgresql")
        if name in results
    ]
    if not sides:
        return []
    lines = [
        "## Server at district scale",
        "",
        "Indicators of a whole kabupaten (median of 5): records bulk-inserted, aggregates "
        "rebuilt, then the Ringkasan query and the API timed in the same process.",
        "",
    ]
    header = ["Figure"] + [("SQLite" if n.endswith("sqlite") else "PostgreSQL") for n, _ in sides]
    rows = []
    for key, label in DISTRICT_KEYS:
        cells = []
        for _, d in sides:
            value = d.get(key)
            cells.append(
                "–" if "skipped" in d else value if isinstance(value, str) else _n(value, 1)
            )
        rows.append([label] + cells)
    lines += _table(header, rows)
    for name, d in sides:
        if "skipped" in d:
            lines += ["", f"- {name}: skipped — {d['skipped']}."]
    return lines + [""]


def _growth_section(growth: dict) -> list[str]:
    return [
        "## Growth assessment",
        "",
        f"`shared.growth.assess` on {growth['inputs']:,} seeded realistic inputs, best of "
        f"{growth['rounds']} rounds: {_n(growth['assess_calls_per_second'])} calls/s "
        f"(dates as objects), {_n(growth['assess_iso_dates_calls_per_second'])} calls/s "
        "(dates as ISO text).",
        "",
    ]


def render(results: dict, png: Path | None) -> str:
    """Return the markdown of a run."""
    quick = results.get("quick")
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`python -m bench`, `bench/report.py`) from "
        f"`{'bench/out/results-quick.json' if quick else 'bench/results.json'}`; do not "
        "edit by hand.",
        "",
        f"- Machine: {results['machine']}.",
        f"- Run: {results['date']}{' (quick smoke run, small data)' if quick else ''}; "
        + (
            f"whole run {results['total_seconds']} s."
            if results.get("total_seconds")
            else "benches run on their own (`python -m bench --only NAME`) and merged: "
            + ", ".join(f"{k} {v}" for k, v in results.get("runs", {}).items())
            + "."
        ),
        "- Reproduce: `BENCH_DATABASE_URL=postgresql+psycopg://USER@HOST/DB make bench` "
        "(that database is wiped; without it the district bench runs on SQLite only); "
        "`python -m bench.report` rewrites this page from `bench/results.json`. Node 18+ "
        "and npm with access to the npm registry are needed for the PouchDB side.",
        "",
    ]
    loads = [
        f"{name} {d['load_average_1min'][0]}→{d['load_average_1min'][1]}"
        for name, d in results.items()
        if isinstance(d, dict) and d.get("load_average_1min")
    ]
    if loads:
        lines[-1:-1] = [
            f"- Load average (1 min) before→after each bench, on {os.cpu_count()} "
            "cores (above the core count, other work shared the machine and the "
            "timings are noisy): " + ", ".join(loads) + "."
        ]
    lines += _sync_section(results, png)
    if "growth" in results:
        lines += _growth_section(results["growth"])
    if "client" in results:
        lines += _client_section(results["client"])
    lines += _district_section(results)
    if "crypto" in results:
        from bench.crypto_bench import report_lines

        lines += report_lines(results["crypto"])
    return "\n".join(lines).rstrip() + "\n"


def write_report(results: dict, folder: Path, *, quick: bool = False) -> list[Path]:
    """Write the markdown and the PNG into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    png = None
    if results.get("sync"):
        png = plot_sweep(
            results["sync"], folder / ("benchmarks-sync-quick.png" if quick else PNG_NAME)
        )
        written.append(png)
    md = folder / ("benchmarks-quick.md" if quick else "benchmarks.md")
    md.write_text(render(results, png))
    written.append(md)
    return written


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else BENCH / "results.json"
    results = json.loads(source.read_text())
    quick = bool(results.get("quick"))
    for path in write_report(results, BENCH / "out" if quick else DOCS, quick=quick):
        print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
