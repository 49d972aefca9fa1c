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
