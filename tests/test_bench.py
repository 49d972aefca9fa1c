"""The quick benchmark runs end to end and reports numbers (figures are read, never asserted)."""

import pytest

from bench.__main__ import main


@pytest.mark.slow
def test_quick_bench_runs_and_writes_its_figures(capsys):
    assert main(["--quick"]) == 0
    out = capsys.readouterr().out
    for figure in ("assess_calls_per_second", "push_mutations_per_second",
                   "pull_changes_per_second", "server_peak_rss_mb"):
        assert figure in out
