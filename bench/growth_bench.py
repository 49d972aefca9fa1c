"""How many full ``assess()`` calls per second (weight, length, head, MUAC) this machine makes.

Run: ``python -m bench.growth_bench [--quick]``.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta

from shared.growth import assess
from shared.growth.tables import table

SEED = 20200202
BIRTH = date(2021, 1, 1)


def realistic_inputs(count: int, seed: int = SEED) -> list[dict[str, object]]:
    """Return ``count`` seeded balita measurements spread around the WHO medians, 0–59 months."""
    rng = random.Random(seed)
    inputs = []
    for _ in range(count):
        sex = rng.choice("MF")
        s = 0 if sex == "M" else 1
        age = rng.randrange(0, 1827)
        position = "lying" if age < 731 else "standing"
        if rng.random() < 0.1:
            position = "standing" if position == "lying" else "lying"
        ac_row = table("ac")[s][max(age, 91)]
        inputs.append(
            {
                "sex": sex,
                "birth_date": BIRTH,
                "measured_on": BIRTH + timedelta(days=age),
                "weight_kg": round(table("wei")[s][age][1] * rng.gauss(1.0, 0.12), 1),
                "length_cm": round(table("len")[s][age][1] * rng.gauss(1.0, 0.04), 1),
                "position": position,
                "head_cm": round(table("hc")[s][age][1] * rng.gauss(1.0, 0.03), 1),
                "muac_cm": round(ac_row[1] * rng.gauss(1.0, 0.08), 1),
            }
        )
    return inputs


def calls_per_second(inputs: list[dict[str, object]], rounds: int) -> float:
    """Return the best of ``rounds`` timings of one pass of ``assess`` over ``inputs``."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for kwargs in inputs:
            assess(**kwargs)
        best = min(best, time.perf_counter() - started)
    return len(inputs) / best


def run(quick: bool = False) -> dict[str, float]:
    """Measure assess() speed on seeded realistic inputs, with dates as objects and as ISO text."""
    count, rounds = (2_000, 3) if quick else (10_000, 5)
    inputs = realistic_inputs(count)
    assess(**inputs[0])  # load the tables outside the timing
    as_text = [
        {
            **kw,
            "birth_date": kw["birth_date"].isoformat(),
            "measured_on": kw["measured_on"].isoformat(),
        }
        for kw in inputs
    ]
    return {
        "assess_calls_per_second": round(calls_per_second(inputs, rounds), 1),
        "assess_iso_dates_calls_per_second": round(calls_per_second(as_text, rounds), 1),
        "inputs": count,
        "rounds": rounds,
    }


def main(argv: list[str] | None = None) -> None:
    """Print the figures."""
    result = run(quick="--quick" in (argv if argv is not None else sys.argv[1:]))
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
