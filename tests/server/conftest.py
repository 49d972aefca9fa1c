"""Server test fixtures come from tests/support/server_fixtures.py (registered in tests/conftest.py)."""

from tests.support.server_fixtures import HttpDevice

__all__ = ["HttpDevice"]
