"""The SATUSEHAT export of a kabupaten-month at the demo's size (issue 17; target under 30 s).

Seeds the demo Kabupaten Kayong Utara (``posyandu-server seed-demo``, about 4,400 balita and a
year of visits; ``--quick``: a tenth of it) into a fresh SQLite file, then, as the demo's dinas
account, streams ``GET /api/v1/export/fhir?period=2026-10&area=6111`` through the Flask test
client, chunk by chunk as a client would read it, and times it. A second run under tracemalloc
gives the export's peak Python memory, which stays far below the Bundle's size because it is
written entry by entry.

Run: ``python -m bench.fhir_bench [--quick]`` (or ``python -m bench --only fhir``).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import tracemalloc
from collections import Counter

PERIOD, AREA = "2026-10", "6111"  # the demo's last full month, the whole kabupaten


BENCH_PASSWORD = "bench-fhir-Kayong-Utara-2026"


def _set_bench_password(app) -> None:
    """Give the demo's dinas user a known password (the demo's are generated at random)."""
    from server.auth import set_password
    from server.extensions import db
    from server.models import User

    with app.app_context():
        user = db.session.execute(
            db.select(User).filter_by(username="dinas.kesehatan")
        ).scalar_one()
        set_password(user, BENCH_PASSWORD)
        db.session.commit()


def _seed(app, scale: float) -> float:
    """Load the demo at ``scale``; return the seconds it took."""
    from server.cli import seed_demo_command

    started = time.perf_counter()
    result = app.test_cli_runner().invoke(seed_demo_command, ["--scale", str(scale)])
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    return time.perf_counter() - started


def _export(client, token: str, keep: bool = True) -> tuple[float, bytes]:
    """Stream the export once; return (seconds, body: empty unless ``keep``)."""
    started = time.perf_counter()
    response = client.get(
        "/api/v1/export/fhir",
        query_string={"period": PERIOD, "area": AREA},
        headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
        buffered=False,
    )
    assert response.status_code == 200, response.status_code
    parts = []
    for chunk in response.response:  # consumed chunk by chunk, as a client reads a stream
        if keep:
            parts.append(chunk)
    response.close()
    return time.perf_counter() - started, b"".join(parts)


def bench_fhir(scale: float = 1.0) -> dict:
    """Seed the demo at ``scale`` and time the kabupaten-month SATUSEHAT export."""
    from server import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "SECRET_KEY": "bench"},
            instance_path=tmp,
        )
        seed_seconds = _seed(app, scale)
        _set_bench_password(app)
        client = app.test_client()
        login = client.post(
            "/api/v1/auth/login",
            json={
                "username": "dinas.kesehatan",
                "password": BENCH_PASSWORD,
                "device_name": "bench",
            },
        )
        token = login.json["token"]
        seconds, body = _export(client, token)
        tracemalloc.start()
        _export(client, token, keep=False)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        with app.app_context():
            from server.extensions import db

            db.engine.dispose()
    bundle = json.loads(body)
    counts = Counter(e["resource"]["resourceType"] for e in bundle.get("entry", []))
    return {
        "demo_scale": scale,
        "seed_seconds": round(seed_seconds, 1),
        "period": PERIOD,
        "area": AREA,
        "export_seconds": round(seconds, 2),
        "export_mb": round(len(body) / 1e6, 1),
        "export_peak_python_mb": round(peak / 1e6, 1),
        "resources": dict(sorted(counts.items())),
        "under_30_s": seconds < 30,
    }


def run(quick: bool = False) -> dict:
    """The bench entry point of ``python -m bench``."""
    return bench_fhir(0.1 if quick else 1.0)


def main(argv: list[str] | None = None) -> None:
    """Print the figures."""
    result = run(quick="--quick" in (argv if argv is not None else sys.argv[1:]))
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
