"""docs/reliability.md is built from the run files alone: counts, failures and gaps as they are."""

import json

from soak import report

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="9">
<testcase classname="tests.soak.test_report" name="test_a[sqlite]" time="1.5" />
<testcase classname="tests.soak.test_report" name="test_a[postgres]" time="2.5" />
<testcase classname="tests.soak.test_report" name="test_b[sqlite]" time="0.5">
  <failure message="assert 1 == 2">boom</failure></testcase>
<testcase classname="tests.soak.test_report" name="test_c" time="0.1">
  <skipped type="pytest.xfail" message="store.py: LIKE is not escaped" /></testcase>
<testcase classname="tests.soak.test_report" name="test_d[sqlite]" time="0.1">
  <skipped type="pytest.skip" message="not here" /></testcase>
<testcase classname="tests.soak.test_report" name="test_fuzz[sqlite-kader][GET /x]" time="0.3" />
<testcase classname="tests.soak.test_report" name="test_fuzz[sqlite-kader][POST /y]" time="0.3">
  <failure message="500">500</failure></testcase>
<testcase classname="tests.faults.test_nothing_here" name="test_e[postgres]" time="3" />
<testcase classname="tests.faults.test_nothing_here" name="test_f" time="1">
  <error message="fixture">setup failed</error></testcase>
</testsuite></testsuites>
"""


def test_junit_counts_per_module(tmp_path):
    path = tmp_path / "tests.xml"
    path.write_text(JUNIT)

    modules = report.read_junit(path)

    m = modules["tests.soak.test_report"]
    assert (m["passed"], m["failed"], m["skipped"], m["xfailed"]) == (2, 1, 1, 1)
    assert (m["subtests"], m["subtests_failed"]) == (2, 1)
    assert dict(m["backends"]) == {"sqlite": 1, "postgres": 1}
    assert m["failures"] == ["test_b[sqlite]", "test_fuzz[sqlite-kader][POST /y]"]
    assert m["xfail_reasons"] == ["store.py: LIKE is not escaped"]
    assert m["description"] == (
        "docs/reliability.md is built from the run files alone: counts, "
        "failures and gaps as they are."
    )
    assert modules["tests.faults.test_nothing_here"]["description"] == ""


def test_report_shows_what_ran_and_says_what_did_not(tmp_path):
    (tmp_path / "tests.xml").write_text(JUNIT)
    (tmp_path / "campaign.json").write_text(
        json.dumps(
            {
                "scenarios": 1234,
                "seed": 99,
                "backend": "sqlite",
                "faults": {"drop_request": 700, "duplicate": 534},
                "mutations_created": 4321,
                "mutations_applied": 4321,
                "lost": 0,
                "doubled": 0,
                "replicas_checked": 77,
                "digest_mismatches": 0,
                "concurrent_same_field_edits": 12,
                "conflicts_found": 11,
                "duration_s": 65.4,
                "failures": ["round 3: a conflict missing"],
            }
        )
    )

    text = report.write(tmp_path / "reliability.md", out_dir=tmp_path).read_text()

    assert "| scenarios | 1,234 |" in text
    assert "| faults fired | 1,234 |" in text
    assert "| drop_request | 700 |" in text
    assert "| of those in the conflict queue | 11 |" in text
    assert "- round 3: a conflict missing" in text
    assert "| `test_nothing_here` |  | 1 | 1 | 0 | 0 | 0 | – | 1 | 4 |" in text
    assert "- `tests.faults.test_nothing_here::test_f`" in text
    assert "- `tests.soak.test_report::test_b[sqlite]`" not in text  # not a security module
    assert "Not run (no `soak/out/load.json`)." in text
    assert "Not run (no `tests.security` results in `soak/out/tests.xml`)." in text


PROVINCE = {
    "window_seconds": 180.2,
    "instances": [
        {
            "instance": 0,
            "devices": 10,
            "requests_per_s": 12.5,
            "pushes_per_s": 2.25,
            "mutations_per_s": 9.5,
            "push_p50_ms": 310.0,
            "push_p95_ms": 900.5,
            "http_5xx": 0,
        },
        {
            "instance": 1,
            "devices": 10,
            "requests_per_s": 11.0,
            "pushes_per_s": 2.0,
            "mutations_per_s": 8.0,
            "push_p50_ms": 320.0,
            "push_p95_ms": 950.0,
            "http_5xx": 1,
        },
    ],
    "pages": {"ringkasan": {"count": 40, "p50_ms": 420.0, "p95_ms": 777.7}},
    "pages_all": {"count": 40, "p50_ms": 420.0, "p95_ms": 777.7, "stale_notes": 0},
    "lag": {
        "samples": 180,
        "max_s": 2.5,
        "p95_s": 0.75,
        "median_s": 0.0,
        "max_bytes_behind": 123456,
        "p95_bytes_behind": 2048,
        "sampler_errors": [],
    },
    "errors": {"status:503": 2},
    "server_log_problems": [],
    "error_count": 3,
    "correctness": {
        "mutations_pushed": 4000,
        "mutation_log_rows": 4000,
        "lost": 0,
        "doubled": 0,
        "replicas_checked": 20,
        "replica_mismatches": [],
    },
    "dataset": {
        "posyandu": 5000,
        "puskesmas": 30,
        "desa": 43,
        "balita": 50000,
        "records": 1234567,
        "records_seconds": 100.0,
        "aggregates_seconds": 90.0,
        "database_bytes": 2_500_000_000,
    },
    "config": {
        "instances": 2,
        "workers_per_instance": 2,
        "devices": 20,
        "kader_devices": 16,
        "puskesmas_devices": 4,
        "offered_rps": "closed loop",
        "minutes": 3,
        "postgresql": "15.20",
    },
    "replica": {
        "basebackup_seconds": 40.0,
        "catch_up_after_load_seconds": 0.5,
        "transactions_during_run": 9876,
    },
    "loadavg": {"before": [3.5, 3, 2], "after": [4.25, 3, 2]},
    "cores": 2,
}


def test_province_section_says_the_figures_and_the_errors(tmp_path):
    text = "\n".join(report.province_section(PROVINCE))
    assert "5,000 posyandu" in text and "1,234,567 records" in text and "2.50 GB" in text
    assert "| 2 | 10 | 11.0 | 2.00 | 8.0 | 320.0 | 950.0 |" in text
    assert "| ringkasan | 40 | 420.0 | 777.7 |" in text
    assert "max 2.50 s, p95 0.75 s" in text and "max 123,456 bytes" in text
    assert "**Errors: 3** — status:503 2; 5xx in the instances' logs 1" in text
    assert "9,876 transactions committed on the replica" in text
    assert "Not run" in "\n".join(report.province_section(None))


def test_the_province_section_replaces_only_itself(tmp_path):
    doc = tmp_path / "reliability.md"
    doc.write_text("# R\n\n## Load\n\nload figures\n\n## Machine\n\ncores\n")
    (tmp_path / "province.json").write_text(json.dumps(PROVINCE))
    report.write_province(doc, tmp_path)
    first = doc.read_text()
    assert first.index("## Load") < first.index(report.PROVINCE_HEADING) < first.index("## Machine")
    assert "load figures" in first and "cores" in first
    (tmp_path / "province.json").write_text(json.dumps({**PROVINCE, "error_count": 0}))
    report.write_province(doc, tmp_path)
    second = doc.read_text()
    assert second.count(report.PROVINCE_HEADING) == 1 and "**Errors: 0**" in second
    assert "**Errors: 3**" not in second and "load figures" in second
