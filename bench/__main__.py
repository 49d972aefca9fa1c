"""make bench: speed and memory figures, printed and written to bench/out/results.json.

``--quick`` is a smoke run with small data (part of ``make test`` through tests/test_bench.py).
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
# growth: assess() speed; sync: push/pull over loopback; client: field client pages and saves;
# district: kabupaten indicators at 500 posyandu / 1M visits.
BENCHES = ("growth", "sync", "client", "district")


def machine() -> str:
    """Describe the machine the figures come from."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    results = {"machine": machine(), "quick": quick,
               "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    for name in BENCHES:
        module = importlib.import_module(f"bench.{name}_bench")
        started = time.perf_counter()
        results[name] = module.run(quick=quick)
        results[name]["bench_seconds"] = round(time.perf_counter() - started, 1)
        for key, value in results[name].items():
            print(f"{name:7} {key:34} {value}", flush=True)
    OUT.mkdir(exist_ok=True)
    path = OUT / ("results-quick.json" if quick else "results.json")
    path.write_text(json.dumps(results, indent=2))
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
