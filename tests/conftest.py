"""Fixtures shared by every test package."""

import os

import pytest

# A server app made in the test process (or a server process a test starts) does not freeze its
# objects out of the garbage collector: a test run makes many apps (server/warmup.py).
os.environ.setdefault("POSYANDU_GC_FREEZE", "0")

# The server fixtures (app on each backend, world, live server, HTTP devices) serve server/, web/
# and client tests alike; the journey plugin keeps each phase's report for the journey coverage tests.
pytest_plugins = ["tests.support.server_fixtures", "tests.support.journeys"]


def pytest_report_header(config):
    """Say which databases this run covers."""
    pg = os.environ.get("TEST_DATABASE_URL")
    return f"databases: sqlite{' + ' + pg.split('@')[-1] if pg else ' (TEST_DATABASE_URL unset: PostgreSQL tests skipped)'}"


@pytest.fixture
def lang():
    """Return the default user language."""
    return "id"
