"""``make soak``: the fault campaign, the hostile-input and fault tests, the load run, the
province run (``soak/province.py``: several app processes, a streaming replica), the report.

Run: ``python -m soak [--scenarios 10000] [--seed 20261124] [--minutes 5] [--devices 48]
[--province-posyandu 5000] [--province-balita 50000] [--province-minutes 3]
[--skip-campaign] [--skip-tests] [--skip-load] [--skip-province]``. Every part writes its results to ``soak/out``;
the report (``docs/reliability.md``) is then generated from those files alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import traceback

from . import report
from .load import DEFAULT_DATABASE_URL, OUT, PLOT, ROOT, ensure_postgres_database, run_load

TEST_PACKAGES = ("tests/security", "tests/faults")
TESTS_DATABASE = "soak_tests"


def postgres_reachable(database_url: str) -> bool:
    """True when the PostgreSQL server of ``database_url`` answers."""
    try:
        import psycopg

        base = database_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0]
        with psycopg.connect(base + "/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


def run_campaign_part(scenarios: int, seed: int, workers: int) -> bool:
    """The seeded fault campaign on SQLite -> soak/out/campaign.json."""
    try:
        from .campaign import run_campaign
    except ImportError as exc:
        print(f"[soak] fault campaign not available ({exc}); skipped", flush=True)
        return False
    out = OUT / "campaign.json"
    print(
        f"[soak] fault campaign: {scenarios} scenarios, seed {seed}, SQLite, {workers} worker(s)",
        flush=True,
    )
    result = run_campaign(scenarios, seed, database_url=None, out=out, workers=workers)
    if not out.exists():
        out.write_text(json.dumps(result, indent=1))
    failures = result.get("failures") or []
    print(
        f"[soak] campaign: {result.get('lost')} lost, {result.get('doubled')} doubled, "
        f"{result.get('digest_mismatches')} digest mismatches, {len(failures)} failures",
        flush=True,
    )
    return not failures and not result.get("lost") and not result.get("doubled")


def run_tests_part(database_url: str, pg: bool) -> bool:
    """Hostile-input and fault tests through pytest, on SQLite and PostgreSQL -> tests.xml."""
    packages = [p for p in TEST_PACKAGES if (ROOT / p).is_dir()]
    if not packages:
        print("[soak] no test packages found; skipped", flush=True)
        return False
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    backends = "SQLite"
    if pg:
        tests_url = database_url.rsplit("/", 1)[0] + "/" + TESTS_DATABASE
        ensure_postgres_database(tests_url)
        env["TEST_DATABASE_URL"] = tests_url
        backends = f"SQLite and PostgreSQL ({TESTS_DATABASE})"
    xml = OUT / "tests.xml"
    print(f"[soak] tests {' '.join(packages)} on {backends}", flush=True)
    t0 = time.monotonic()
    code = subprocess.call(
        [
            sys.executable,
            "-m",
            "pytest",
            *packages,
            "-q",
            "-p",
            "no:cacheprovider",
            "--junitxml",
            str(xml),
        ],
        cwd=ROOT,
        env=env,
    )
    (OUT / "tests-run.json").write_text(
        json.dumps(
            {
                "packages": packages,
                "backends": backends,
                "exit_code": code,
                "seconds": round(time.monotonic() - t0, 1),
            },
            indent=1,
        )
    )
    return code == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m soak", description=__doc__.split("\n")[0])
    parser.add_argument("--scenarios", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--devices", type=int, default=48)
    parser.add_argument(
        "--rate",
        type=float,
        default=110.0,
        help="offered load in requests per second (0: unlimited)",
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("SOAK_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="campaign processes (independent seeded campaigns, figures summed)",
    )
    parser.add_argument("--skip-campaign", action="store_true")
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-province", action="store_true")
    parser.add_argument("--province-posyandu", type=int, default=5000)
    parser.add_argument("--province-balita", type=int, default=50_000)
    parser.add_argument("--province-minutes", type=float, default=3.0)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the gunicorn workers with py-spy during the load run",
    )
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    pg = postgres_reachable(args.database_url)
    ok = True
    parts = [
        (
            "campaign",
            args.skip_campaign,
            lambda: run_campaign_part(args.scenarios, args.seed, args.workers),
        ),
        ("tests", args.skip_tests, lambda: run_tests_part(args.database_url, pg)),
        ("load", args.skip_load, lambda: _load(args, pg)),
        ("province", args.skip_province, lambda: _province(args)),
    ]
    for name, skip, part in parts:
        if skip:
            continue
        try:
            ok = part() and ok
        except Exception:  # noqa: BLE001 - one part failing must not hide the others' results
            traceback.print_exc()
            print(f"[soak] {name} failed", flush=True)
            ok = False
    path = report.write()
    print(f"[soak] report: {path.relative_to(ROOT)}", flush=True)
    return 0 if ok else 1


def _load(args, pg: bool) -> bool:
    if not pg:
        print("[soak] PostgreSQL not reachable: the load runs on SQLite", flush=True)
    result = run_load(
        args.minutes,
        args.devices,
        args.rate,
        args.database_url if pg else None,
        seed=args.seed,
        out=OUT / "load.json",
        plot=PLOT,
        profile=OUT / "load-profile.txt" if args.profile else None,
    )
    return result["ok"]


def _province(args) -> bool:
    """The province run makes its own PostgreSQL clusters: it needs the server binaries only."""
    from .clusters import Cluster
    from .province import run_province

    if not Cluster.available():
        print("[soak] PostgreSQL server binaries not installed: no province run", flush=True)
        return False
    result = run_province(
        args.province_posyandu,
        args.province_balita,
        args.province_minutes,
        seed=args.seed,
        out=OUT / "province.json",
    )
    return result["ok"]


if __name__ == "__main__":
    sys.exit(main())
