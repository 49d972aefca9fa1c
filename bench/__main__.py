"""make bench: speed, bytes and memory figures, ours and PouchDB, in one run on one machine.

Full run: ``bench/results.json``, ``docs/benchmarks.md`` and ``docs/benchmarks-sync.png``.
``--quick`` is a smoke run with small data (part of ``make test`` through tests/test_bench.py):
``bench/out/results-quick.json``, ``bench/out/benchmarks-quick.md`` and its PNG.

Each bench runs in its own Python process, so its peak memory is its own. The district bench runs
on SQLite and, when ``BENCH_DATABASE_URL`` is set (a PostgreSQL database it may wipe), again on
PostgreSQL. ``--only NAME[,NAME]`` runs some benches and merges their figures into the results
already written (``runs`` says when each bench last ran), so a partial run never loses the others.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
DOCS = ROOT / "docs"
# growth: assess() speed; sync: ours vs PouchDB over loopback; client: field client pages and
# saves; district: kabupaten indicators at 500 posyandu / about a million visits; fhir: the
# SATUSEHAT export of a kabupaten-month at the demo's size; crypto: the field client's store,
# plain SQLite vs SQLCipher (initial pull of 65,000 records, Beranda, saving a visit).
BENCHES = ("growth", "sync", "client", "district_sqlite", "district_postgresql", "fhir", "crypto")


def machine() -> str:
    """Describe the machine the figures come from."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    return (
        f"{os.cpu_count()} cores, {cpu}, {mem / 1024:.1f} GB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def flatten(value, prefix: str = ""):
    """Yield (dotted key, value) pairs of nested figures, for printing."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for i, inner in enumerate(value):
            yield from flatten(inner, f"{prefix}[{i}]")
    else:
        yield prefix, value


def _load_average() -> float:
    return round(os.getloadavg()[0], 2)


def _run_one(name: str, quick: bool, out: Path) -> None:
    """Child process: run one bench and write its figures plus this process' peak RSS."""
    import importlib

    module = importlib.import_module(f"bench.{name.split('_')[0]}_bench")
    started = time.perf_counter()
    figures = module.run(quick=quick)
    figures["bench_seconds"] = round(time.perf_counter() - started, 1)
    figures["bench_process_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    out.write_text(json.dumps(figures))


def _spawn(name: str, quick: bool) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if name == "district_sqlite":
        env.pop("BENCH_DATABASE_URL", None)
    elif name == "district_postgresql" and not os.environ.get("BENCH_DATABASE_URL"):
        return {
            "skipped": "BENCH_DATABASE_URL is not set (a PostgreSQL database the bench may "
            "wipe), so the district bench ran on SQLite only"
        }
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, "-m", "bench", "--one", name, out.name] + (
            ["--quick"] if quick else []
        )
        done = subprocess.run(cmd, env=env, cwd=ROOT)
        if done.returncode != 0:
            raise RuntimeError(f"bench {name} failed (exit {done.returncode})")
        return json.loads(Path(out.name).read_text())


def _read(path: Path) -> dict | None:
    """Return the results written before (None when there are none or they are unreadable)."""
    try:
        found = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def merge(previous: dict | None, fresh: dict, *, quick: bool, seconds: float | None) -> dict:
    """Return the results of a run: a whole run (``seconds`` given) stands alone; a partial run
    replaces only its benches' figures in ``previous`` and stamps them in ``runs``."""
    now = time.gmtime()
    results = dict(previous or {}) if seconds is None else {}
    runs = dict(results.get("runs") or {})
    for name in BENCHES:  # a whole run merged into for the first time: its benches ran on its date
        if name in results and name not in runs and results.get("date"):
            runs[name] = str(results["date"])[:16] + "Z"
    results.update(machine=machine(), quick=quick, date=time.strftime("%Y-%m-%dT%H:%M:%SZ", now))
    results.update(fresh)
    if seconds is None:
        results.pop("total_seconds", None)  # the figures no longer come from one run
        runs.update({name: time.strftime("%Y-%m-%dT%H:%MZ", now) for name in fresh})
        results["runs"] = {k: runs[k] for k in BENCHES if k in runs and k in results}
    else:
        results["total_seconds"] = seconds
    return results


def main(argv: list[str]) -> int:
    if "--one" in argv:
        i = argv.index("--one")
        _run_one(argv[i + 1], "--quick" in argv, Path(argv[i + 2]))
        return 0
    quick = "--quick" in argv
    only = None
    if "--only" in argv:
        only = set(argv[argv.index("--only") + 1].split(","))
    started = time.perf_counter()
    fresh = {}
    for name in BENCHES:
        if only and name not in only and name.split("_")[0] not in only:
            continue
        print(f"== {name}", flush=True)
        load_before = _load_average()
        fresh[name] = _spawn(name, quick)
        # other processes on the machine make timings noisy: keep the load next to the figures
        fresh[name]["load_average_1min"] = [load_before, _load_average()]
        for key, value in flatten(fresh[name]):
            print(f"{name:19} {key:56} {value}", flush=True)
    seconds = round(time.perf_counter() - started, 1)
    OUT.mkdir(exist_ok=True)
    path = OUT / "results-quick.json" if quick else BENCH / "results.json"
    previous = _read(path) if only else None
    results = merge(previous, fresh, quick=quick, seconds=None if only else seconds)
    path.write_text(json.dumps(results, indent=2) + "\n")
    from bench.report import write_report

    written = write_report(results, OUT if quick else DOCS, quick=quick)
    print(f"written: {path}, " + ", ".join(str(p) for p in written))
    print(f"total: {seconds} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
