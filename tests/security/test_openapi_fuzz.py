"""schemathesis over the whole OpenAPI document, as kader, puskesmas, dinas and anonymous: no 500.

The server holds the test world and records of every scope (conflicts included), so generated
requests reach real data. Valid-by-schema requests may still break rules a JSON schema cannot
state (seq order, an opaque cursor issued by this server): a clear 4xx there is correct.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from tests.security.conftest import seed

ROLES = {"kader": "kader_a1", "puskesmas": "pkm_a", "dinas": "dinas", "anonymous": None}


@pytest.fixture(params=sorted(ROLES), ids=sorted(ROLES))
def fuzz_user(request):
    return ROLES[request.param]


@pytest.fixture
def api_schema(app, backend, fuzz_user):
    """Load the served OpenAPI document of a seeded server, signed in as ``fuzz_user``."""
    seeded = seed(app, backend)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # The WSGI harness does not inflate gzip responses: ask for none.
    headers = {"Accept-Encoding": "identity", "Accept-Language": "id"}
    if fuzz_user:
        headers["Authorization"] = f"Bearer {seeded.callers[fuzz_user].token}"
    schema.config.headers = headers
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_never_answers_500_nor_breaks_its_schema(case, fuzz_user):
    response = case.call()
    assert response.status_code < 500, response.text
    if fuzz_user is None and case.operation.path not in (
        "/api/v1/auth/login",
        "/api/v1/openapi.json",
    ):
        if case.method.upper() == "OPTIONS":  # Flask's automatic answer: Allow, no data
            assert response.status_code == 200 and not response.content
        else:
            assert response.status_code in (400, 401, 404, 405), (
                case.method,
                case.operation.path,
                response.status_code,
            )
        return
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
