"""Generate ``docs/reliability.md`` from the run files in ``soak/out`` (no number is typed in).

Reads ``campaign.json`` (the fault campaign), ``tests.xml`` and ``tests-run.json`` (pytest on
tests/faults and tests/security), ``load.json`` (the load run), ``province.json`` (the province
run). A part that did not run is said to be missing, not guessed. Run: ``python -m soak.report``
(``--province``: replace only the province section of the existing report).
"""

from __future__ import annotations

import ast
import json
import os
import platform
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "soak" / "out"
DOC = ROOT / "docs" / "reliability.md"
PLOT = ROOT / "docs" / "reliability-load.png"


def _load_json(name: str, out_dir: Path = OUT) -> dict | None:
    path = out_dir / name
    return json.loads(path.read_text()) if path.exists() else None


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> dict:
    """Cores, CPU model, memory, Python and PostgreSQL versions of this machine."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
        memory = f"{mem / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        memory = "unknown"
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory": memory,
        "python": platform.python_version(),
        "os": platform.platform(terse=True),
        "postgresql": postgres_version(),
    }


def postgres_version(url: str | None = None) -> str | None:
    url = url or os.environ.get(
        "SOAK_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/soak"
    )
    try:
        import psycopg

        with psycopg.connect(
            url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3
        ) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - unreachable: say so
        return None


# --- tests.xml ------------------------------------------------------------------------------


def _module_doc(module: str) -> str:
    """The first paragraph of the module's docstring, on one line."""
    path = ROOT / (module.replace(".", "/") + ".py")
    try:
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    except (OSError, SyntaxError):
        return ""
    return " ".join(doc.strip().split("\n\n")[0].split()).replace("|", "\\|")


def read_junit(path: Path) -> dict[str, dict]:
    """Per test module: passed, failed, skipped, xfailed, subtests, backends, seconds, doc.

    A subtest (a schemathesis operation, say) is a case whose name carries a second ``[...]``;
    it is counted apart from the tests.
    """
    modules: dict[str, dict] = {}
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        classname = case.get("classname", "")
        parts = classname.split(".")
        cut = next((i for i, p in enumerate(parts) if p.startswith("test_")), len(parts) - 1)
        module = ".".join(parts[: cut + 1])
        m = modules.setdefault(
            module,
            {
                "passed": 0,
                "failed": 0,
                "skipped": 0,
                "xfailed": 0,
                "subtests": 0,
                "subtests_failed": 0,
                "seconds": 0.0,
                "backends": defaultdict(int),
                "failures": [],
                "xfail_reasons": [],
            },
        )
        name = case.get("name", "")
        failed = case.find("failure") is not None or case.find("error") is not None
        if "][" in name:
            m["subtests"] += 1
            if failed:
                m["subtests_failed"] += 1
                m["failures"].append(name)
            continue
        m["seconds"] += float(case.get("time") or 0)
        skipped = case.find("skipped")
        if failed:
            m["failed"] += 1
            m["failures"].append(name)
        elif skipped is not None and skipped.get("type") == "pytest.xfail":
            m["xfailed"] += 1
            reason = skipped.get("message") or ""
            if reason not in m["xfail_reasons"]:
                m["xfail_reasons"].append(reason)
        elif skipped is not None:
            m["skipped"] += 1
        else:
            m["passed"] += 1
            backend = re.search(r"\b(sqlite|postgres)\b", name)
            if backend:
                m["backends"][backend.group(1)] += 1
    for module, m in modules.items():
        m["description"] = _module_doc(module)
    return modules


# --- sections -------------------------------------------------------------------------------


def _offered(rate) -> str:
    """The offered load: a rate, or a closed loop (soak.province's default)."""
    if isinstance(rate, int | float):
        return f"offered load {_fmt(rate)} requests/s in all"
    return "closed loop: each device sends its next request when the answer comes"


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def campaign_section(c: dict | None) -> list[str]:
    out = ["## Faults: the seeded campaign", ""]
    if c is None:
        return out + ["Not run (no `soak/out/campaign.json`).", ""]
    faults = c.get("faults") or {}
    failures = c.get("failures") or []
    out += [
        "Field devices (real `Store` + `SyncAgent`) edit overlapping records offline and sync "
        "through a fault-injecting proxy to the real server; one fault per scenario, drawn from "
        "the seed. After every round the network heals, every device syncs, and the invariants "
        "are checked.",
        "",
        "| | |",
        "|---|---|",
        f"| scenarios | {_fmt(c.get('scenarios'))} |",
        f"| seed | {c.get('seed')} |",
        f"| backend | {c.get('backend')} |",
        f"| faults fired | {_fmt(sum(faults.values()))} |",
        f"| mutations created on devices | {_fmt(c.get('mutations_created'))} |",
        f"| mutations applied on the server | {_fmt(c.get('mutations_applied'))} |",
        f"| mutations refused by the server with a reason (logged `rejected`, quarantined and "
        f"shown on the device: e.g. a visit of a child another device deleted) | "
        f"{_fmt(c.get('mutations_rejected'))} |",
        f"| lost | {_fmt(c.get('lost'))} |",
        f"| applied twice | {_fmt(c.get('doubled'))} |",
        f"| replica checks (device × round) | {_fmt(c.get('replicas_checked'))} |",
        f"| digest mismatches | {_fmt(c.get('digest_mismatches'))} |",
        f"| concurrent same-field edits | {_fmt(c.get('concurrent_same_field_edits'))} |",
        f"| of those in the conflict queue | {_fmt(c.get('conflicts_found'))} |",
        f"| duration | {_fmt(c.get('duration_s'))} s |",
        f"| failures | {len(failures)} |",
        "",
    ]
    if faults:
        out += ["| fault | fired |", "|---|---:|"]
        out += [f"| {k} | {_fmt(v)} |" for k, v in sorted(faults.items())]
        out.append("")
    if failures:
        out += ["Failures (first 20):", ""]
        out += [f"- {f}" for f in failures[:20]]
        out.append("")
    return out


def tests_section(title: str, intro: str, modules: dict[str, dict], prefix: str) -> list[str]:
    out = [f"## {title}", "", intro, ""]
    chosen = {k: v for k, v in sorted(modules.items()) if k.startswith(prefix)}
    if not chosen:
        return out + [f"Not run (no `{prefix}` results in `soak/out/tests.xml`).", ""]
    out += [
        "| module | what | passed | failed | skipped | xfail | subtests | SQLite | "
        "PostgreSQL | s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    total = defaultdict(float)
    keys = ("passed", "failed", "skipped", "xfailed", "subtests", "seconds")
    for name, m in chosen.items():
        sqlite, pg = m["backends"].get("sqlite", 0), m["backends"].get("postgres", 0)
        subtests = f"{m['subtests']}" + (
            f" ({m['subtests_failed']} failed)" if m["subtests_failed"] else ""
        )
        out.append(
            f"| `{name.rsplit('.', 1)[-1]}` | {m['description']} | {m['passed']} | "
            f"{m['failed']} | {m['skipped']} | {m['xfailed']} | {subtests} | "
            f"{sqlite or '–'} | {pg or '–'} | {m['seconds']:.0f} |"
        )
        for key in keys:
            total[key] += m[key]
    out.append(
        f"| **total** | | **{int(total['passed'])}** | **{int(total['failed'])}** | "
        f"**{int(total['skipped'])}** | **{int(total['xfailed'])}** | "
        f"{int(total['subtests'])} | | | {total['seconds']:.0f} |"
    )
    out += [
        "",
        "SQLite and PostgreSQL: passed tests run on each backend (a test without the "
        "backend parameter counts in neither).",
    ]
    failed = [(n, f) for n, m in chosen.items() for f in m["failures"]]
    if failed:
        out += ["", "Failed:", ""] + [f"- `{n}::{f}`" for n, f in failed[:30]]
    xfails = [(n, r) for n, m in chosen.items() for r in m["xfail_reasons"]]
    if xfails:
        out += ["", "Expected failures (known defects, left open):", ""]
        out += [f"- `{n.rsplit('.', 1)[-1]}`: {r}" for n, r in xfails]
    return out + [""]


def load_section(r: dict | None) -> list[str]:
    out = ["## Load", ""]
    if r is None:
        return out + ["Not run (no `soak/out/load.json`).", ""]
    cfg, mem, cpu, corr = r["config"], r["memory"], r["cpu"], r["correctness"]
    lat = r["latency"]
    verdict = "met" if r.get("target_met") else "not met"
    out += [
        f"The server under gunicorn ({cfg['gunicorn_workers']} {cfg['gunicorn_worker_class']} "
        f"workers) on {cfg['backend']}, holding the demo kabupaten at scale {cfg['demo_scale']} "
        f"({_fmt(cfg.get('seeded_records'))} records). {cfg['devices']} simulated devices "
        f"({cfg['kader_devices']} kader phones, {cfg['posyandu_with_two_devices']} posyandu with "
        f"a second phone, {cfg['puskesmas_devices']} puskesmas) in "
        f"{cfg['generator_processes']} load-generator processes on the same machine, offered "
        f"{_fmt(cfg['offered_rps'])} requests/s in total (Poisson gaps per device), for "
        f"{_fmt(r['duration_s'])} s after sign-in and the first full pull. Devices sync as the field client does: a "
        f"kader phone's sync after a save pushes a small batch (new weighings, corrections, a "
        f"new baby, a deleted mistake) then pulls; its timer rounds (and the puskesmas phones') "
        f"ask `/auth/me` then pull; puskesmas phones also read the conflict queue, resolve "
        f"conflicts and read indicators.",
        "",
        f"**Target {r['target_rps']} requests/s with no error: {verdict}** — "
        f"{_fmt(r['rps'])} requests/s, {r['errors']} errors in {_fmt(r['requests'])} requests "
        f"(error rate {_fmt(r['error_rate'], 4)}); slowest 10 s window "
        f"{_fmt(r['rps_10s_windows']['min'])} requests/s.",
        "",
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | max ms | server mean ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    server_ms = r["server"]["server_time_ms"]
    for name, stats in lat.items():
        rps = r["rps"] if name == "all" else r["rps_per_endpoint"].get(name)
        st = server_ms.get(name, {}).get("mean") if name != "all" else None
        out.append(
            f"| {name} | {_fmt(rps)} | {_fmt(stats['p50_ms'])} | {_fmt(stats['p95_ms'])} "
            f"| {_fmt(stats['p99_ms'])} | {_fmt(stats['max_ms'])} | {_fmt(st)} |"
        )
    statuses = ", ".join(f"{k}: {_fmt(v)}" for k, v in r["server"]["status_counts"].items())
    out += [
        "",
        f"Latency is measured at the device (connection, queueing, server, transfer); "
        f"server ms is gunicorn's own request time. HTTP statuses in gunicorn's log, "
        f"sign-in and drain included: {statuses}; 5xx: {r['server']['http_5xx']}; "
        f"tracebacks or worker timeouts in its error log: "
        f"{len(r['server']['log_problems'])}.",
        "",
    ]
    if r.get("errors_by_kind"):
        out += ["Errors:", ""] + [f"- {k}: {v}" for k, v in r["errors_by_kind"].items()] + [""]
    out += [
        "**CPU.** Server workers "
        f"{_fmt(cpu['server_s'])} s, PostgreSQL backends {_fmt(cpu['postgres_s'])} s, load "
        f"generator {_fmt(cpu['generator_s'])} s over the measured window: "
        f"{_fmt(cpu['server_and_db_ms_per_request'], 2)} ms of server and database CPU per "
        f"request, so {cpu['cores']} cores given wholly to the server would serve about "
        f"{_fmt(cpu['capacity_rps_if_server_had_all_cores'])} requests/s of this mix. Server and "
        "database CPU per request, minute by minute: "
        + (", ".join(f"{v:.1f}" for v in cpu.get("ms_per_request_by_minute") or []) or "–")
        + " ms.",
        "",
    ]
    if mem.get("series"):
        slope = mem.get("slope_total_rss_mb_per_min")
        out += [
            "**Memory** (gunicorn master + workers, sampled every few seconds from /proc):",
            "",
            "| | first window | last window | growth | slope after the first window |",
            "|---|---:|---:|---:|---:|",
            f"| total RSS MB | {_fmt(mem['first_window_total_rss_mb'])} | "
            f"{_fmt(mem['last_window_total_rss_mb'])} | {_fmt(mem['growth_total_rss_mb'])} | "
            f"{_fmt(slope, 2)} MB/min |",
            f"| total PSS MB | {_fmt(mem['first_window_total_pss_mb'])} | "
            f"{_fmt(mem['last_window_total_pss_mb'])} | "
            f"{_fmt(mem['last_window_total_pss_mb'] - mem['first_window_total_pss_mb'])} | |",
            "",
            f"Windows are the first and last {_fmt(mem['window_s'])} s of the measured run. "
            f"Per worker RSS, first → last window (MB): "
            + ", ".join(
                f"{_fmt(a)} → {_fmt(b)}"
                for a, b in zip(
                    mem["workers_first_window_rss_mb"],
                    mem["workers_last_window_rss_mb"],
                    strict=False,
                )
            )
            + ". "
            f"Peak total RSS {_fmt(mem['max_total_rss_mb'])} MB"
            + (
                f"; PostgreSQL connections to the database at most {mem['pg_connections_max']}."
                if mem.get("pg_connections_max")
                else "."
            ),
            "",
        ]
    if r.get("plot"):
        out += ["![requests per second and server memory over time](reliability-load.png)", ""]
    profile = r.get("profile")
    if profile and profile.get("project_functions_inclusive_pct"):
        out += [
            f"**Where the server's time goes** (py-spy, {_fmt(profile['samples'])} samples of "
            "the gunicorn workers; share of samples, on CPU or waiting for PostgreSQL, "
            "spent in each project function and what it calls):",
            "",
            "| function | % |",
            "|---|---:|",
        ]
        out += [f"| `{f}` | {_fmt(v)} |" for f, v in profile["project_functions_inclusive_pct"]]
        out.append("")
    out += [
        "**Correctness after the load.** Every device pulled to quiescence, then the database "
        f"was checked: {_fmt(corr['mutations_pushed'])} mutations pushed, "
        f"{_fmt(corr['mutation_log_rows'])} in `mutation_log`; lost {corr['lost']}, applied "
        f"twice {corr['doubled']}; {len(corr['device_mismatches'])} devices whose log disagrees "
        "with what they were told; outcomes "
        + ", ".join(f"{k} {_fmt(v)}" for k, v in corr["outcomes"].items())
        + f"; {corr['replicas_checked']} kader replicas compared with the server's versions of "
        f"their posyandu: {len(corr['replica_mismatches'])} differ; "
        f"{_fmt(corr['conflicts_recorded'])} conflicts queued, "
        f"{_fmt(corr['conflicts_resolved'])} resolved during the run.",
        "",
    ]
    return out


PROVINCE_HEADING = "## Province: several app processes and a streaming replica"


def province_section(r: dict | None) -> list[str]:
    """The province run (``soak/province.py``): throughput per instance, pages, replica lag."""
    out = [PROVINCE_HEADING, ""]
    if r is None:
        return out + ["Not run (no `soak/out/province.json`).", ""]
    cfg, data, rep, lag, corr = r["config"], r["dataset"], r["replica"], r["lag"], r["correctness"]
    la = r.get("loadavg") or {}
    out += [
        f"A PostgreSQL {cfg['postgresql']} primary of the run's own (`initdb`, "
        "`wal_level=replica`) and a hot standby made of it with `pg_basebackup -R -X stream` "
        f"({_fmt(rep['basebackup_seconds'])} s for {_fmt(data['database_bytes'] / 1e9, 2)} GB), "
        f"both on this machine. The dataset, from the district bench's generator: "
        f"{_fmt(data['posyandu'])} posyandu under {_fmt(data['puskesmas'])} puskesmas over "
        f"{data['desa']} desa, {_fmt(data['balita'])} balita with 24 months of weighings: "
        f"{_fmt(data['records'])} records ({_fmt(data['records_seconds'])} s to insert, "
        f"{_fmt(data['aggregates_seconds'])} s for the aggregates). {cfg['instances']} gunicorn "
        f"instances ({cfg['workers_per_instance']} sync workers each) on their own ports "
        "write to the primary; pulls, Pokjanal pages and exports read from the replica "
        f"(`DATABASE_READ_URL`). {cfg['devices']} devices ({cfg['kader_devices']} kader, "
        f"{cfg['puskesmas_devices']} puskesmas; {_offered(cfg['offered_rps'])}), one generator "
        "process per instance, sync as in the load run; one dinas user opens the "
        "province-level pages and an XLSX export back to back, round robin over the "
        f"instances (one web session for all of them). Measured for {_fmt(r['window_seconds'])} s; "
        f"1-minute load average {_fmt(la.get('before', [None])[0], 2)} before and "
        f"{_fmt(la.get('after', [None])[0], 2)} at the end on {r.get('cores')} cores, "
        "the other work on the machine included.",
        "",
        f"**Errors: {r['error_count']}** — "
        + ("none" if not r["errors"] else ", ".join(f"{k} {v}" for k, v in r["errors"].items()))
        + f"; 5xx in the instances' logs {sum(x['http_5xx'] for x in r['instances'])}; "
        f"tracebacks or worker timeouts {len(r['server_log_problems'])}.",
        "",
        "| instance | devices | requests/s | pushes/s | mutations/s | push p50 ms | push p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for x in r["instances"]:
        out.append(
            f"| {x['instance'] + 1} | {x['devices']} | {_fmt(x['requests_per_s'])} | "
            f"{_fmt(x['pushes_per_s'], 2)} | {_fmt(x['mutations_per_s'])} | "
            f"{_fmt(x['push_p50_ms'])} | {_fmt(x['push_p95_ms'])} |"
        )
    achieved = sum(x["requests_per_s"] for x in r["instances"])
    out += [
        "",
        f"In all {_fmt(achieved)} requests/s were served"
        + (
            f" of the {_fmt(cfg['offered_rps'])} offered; a device waits for each answer, so a "
            "saturated machine serves fewer."
            if isinstance(cfg["offered_rps"], int | float)
            else " (closed loop: each device sends its next request when the answer comes)."
        ),
        "",
        "Pokjanal pages at province level, read from the replica "
        f"({_fmt(rep['transactions_during_run'])} transactions committed on the replica during "
        "the run):",
        "",
        "| page | count | p50 ms | p95 ms |",
        "|---|---:|---:|---:|",
    ]
    for name, stats in r["pages"].items():
        out.append(
            f"| {name} | {stats['count']} | {_fmt(stats['p50_ms'])} | {_fmt(stats['p95_ms'])} |"
        )
    pa = r["pages_all"]
    out += [
        f"| all | {pa['count']} | {_fmt(pa['p50_ms'])} | {_fmt(pa['p95_ms'])} |",
        "",
        f"**Replica lag under load** (sampled each second, {lag['samples']} samples, as the "
        f"pages measure it): max {_fmt(lag['max_s'], 2)} s, p95 {_fmt(lag['p95_s'], 2)} s, "
        f"median {_fmt(lag['median_s'], 2)} s; WAL not yet replayed max "
        f"{_fmt(lag['max_bytes_behind'])} bytes, p95 {_fmt(lag['p95_bytes_behind'])} bytes. "
        f"Pages that showed the lag note: {pa['stale_notes']}. After the load the replica "
        f"caught up in {_fmt(rep['catch_up_after_load_seconds'])} s.",
        "",
        "**Correctness after the load.** "
        f"{_fmt(corr['mutations_pushed'])} mutations pushed, {_fmt(corr['mutation_log_rows'])} "
        f"in `mutation_log`; lost {corr['lost']}, applied twice {corr['doubled']}; "
        f"{corr['replicas_checked']} kader replicas compared with the primary after pulling "
        f"from the replica: {len(corr['replica_mismatches'])} differ.",
        "",
    ]
    return out


def write_province(path: Path = DOC, out_dir: Path = OUT) -> Path:
    """Put the province section into the existing report, leaving the other sections as they are."""
    section = province_section(_load_json("province.json", out_dir))
    lines = path.read_text().split("\n") if path.exists() else []
    start = next((i for i, line in enumerate(lines) if line == PROVINCE_HEADING), None)
    if start is None:
        start = end = next((i for i, line in enumerate(lines) if line == "## Machine"), len(lines))
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
    path.write_text("\n".join(lines[:start] + section + lines[end:]))
    return path


def write(path: Path = DOC, out_dir: Path = OUT) -> Path:
    """Write the report from the run files in ``out_dir``; return its path."""
    campaign = _load_json("campaign.json", out_dir)
    load = _load_json("load.json", out_dir)
    junit = out_dir / "tests.xml"
    modules = read_junit(junit) if junit.exists() else {}
    tests_run = _load_json("tests-run.json", out_dir) or {}
    info = machine()
    if load and load.get("postgresql_version"):
        info["postgresql"] = load["postgresql_version"]
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = (
        " (with uncommitted changes)"
        if _git("status", "--porcelain", "--", "server", "shared", "field_client")
        else ""
    )
    lines = [
        "# Reliability: faults, hostile input, load",
        "",
        "Generated by `make soak` (`python -m soak`; `python -m soak.report` regenerates it from "
        "`soak/out`). Every figure below comes from those run files.",
        "",
        f"Generated {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} at commit "
        f"`{commit}`{dirty}.",
        "",
    ]
    lines += campaign_section(campaign)
    backends = tests_run.get("backends", "")
    ran = (
        f" One pytest run of `{' '.join(tests_run.get('packages', []))}` took "
        f"{_fmt(tests_run.get('seconds'))} s, exit code {tests_run.get('exit_code')}."
        if tests_run
        else ""
    )
    lines += tests_section(
        "Faults: targeted tests",
        "The fault tests of `tests/faults` (each module's docstring "
        "says what it tries), on " + (backends or "–") + "." + ran,
        modules,
        "tests.faults",
    )
    lines += tests_section(
        "Hostile input and access",
        "The hostile-input and access tests of `tests/security` "
        "(each module's docstring says what it tries), on " + (backends or "–") + ".",
        modules,
        "tests.security",
    )
    lines += load_section(load)
    lines += province_section(_load_json("province.json", out_dir))
    lines += [
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| cores | {info['cores']} |",
        f"| CPU | {info['cpu']} |",
        f"| memory | {info['memory']} |",
        f"| OS | {info['os']} |",
        f"| Python | {info['python']} |",
        f"| PostgreSQL | {info['postgresql'] or 'not reachable'} |",
        "",
    ]
    if load and load.get("started_at"):
        la = load.get("loadavg") or {}
        lines += [
            f"The load run started {load['started_at']}; the 1-minute load average was "
            f"{_fmt(la.get('before'), 2)} before it and {_fmt(la.get('after'), 2)} at its "
            "end (the run's own server, database and devices included).",
            "",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    return path


if __name__ == "__main__":
    # --province: only the province section is replaced (the other run files may be absent)
    print((write_province() if "--province" in sys.argv[1:] else write()).relative_to(ROOT))
    sys.exit(0)
