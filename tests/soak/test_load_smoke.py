"""The load run in small: gunicorn, a few simulated devices for ~15 s, nothing lost or doubled."""

import json
import os

import pytest

from soak import report
from soak.load import ensure_postgres_database, run_load

pytestmark = pytest.mark.slow


def _smoke_database(backend: str) -> str | None:
    """A database of its own: ``soak_smoke`` next to TEST_DATABASE_URL's, or a SQLite file."""
    if backend == "sqlite":
        return None
    url = os.environ["TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    url = url.rsplit("/", 1)[0] + "/soak_smoke"
    ensure_postgres_database(url)
    return url


@pytest.mark.parametrize(
    "backend",
    [
        "sqlite",
        pytest.param(
            "postgres",
            marks=pytest.mark.skipif(
                not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL unset"
            ),
        ),
    ],
)
def test_load_smoke(backend, tmp_path):
    out = tmp_path / "load.json"
    result = run_load(
        minutes=0.25,
        devices=5,
        rate=25,
        database_url=_smoke_database(backend),
        workers=2,
        processes=1,
        scale=0.02,
        out=out,
        plot=tmp_path / "load.png",
        quiet=True,
    )

    assert result["config"]["backend"] == ("sqlite" if backend == "sqlite" else "postgresql")
    assert result["requests"] > 20
    assert result["latency"]["push"]["count"] > 0 and result["latency"]["pull"]["count"] > 0
    assert result["errors"] == 0, result["errors_by_kind"]
    assert result["device_failures"] == []
    assert result["server"]["http_5xx"] == 0
    assert result["server"]["log_problems"] == []
    correctness = result["correctness"]
    assert correctness["mutations_pushed"] > 0
    # Every pushed mutation is in the server's log exactly once, with the outcome it was told.
    assert correctness["mutation_log_rows"] == correctness["mutations_pushed"]
    assert correctness["lost"] == 0 and correctness["doubled"] == 0
    assert correctness["device_mismatches"] == [] and correctness["replica_mismatches"] == []
    assert correctness["replicas_checked"] >= 3
    assert result["memory"]["series"], "server memory was sampled"
    assert json.loads(out.read_text())["requests"] == result["requests"]

    doc = report.write(tmp_path / "reliability.md", out_dir=tmp_path)
    text = doc.read_text()
    assert f"{result['requests']:,} requests" in text
    assert "Not run (no `soak/out/campaign.json`)" in text
