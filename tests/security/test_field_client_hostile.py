"""Generated hostile input on every route of the field client's local API (issue #18).

The shared generator (tests/security/hostile.py) gives lone surrogates, 1e999 / -1e999 / 1e-999,
400-digit integers, bidi and zero-width characters and the script/formula payloads. Each one goes
into a field of a JSON body, or into a query parameter or path segment. This is done for every
route the local app's url_map has under /api/, and for every kind and field on the record writes.
Expected: never a 5xx; a 4xx is the API's JSON error with a message, and it writes nothing; what a
2xx stores holds no invisible, bidi or surrogate character.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from shared import records
from tests.security.hostile import BIDI_ZERO_WIDTH, body_with, fragments
from tests.security.test_field_client import TOKEN, local  # noqa: F401  (the fixture)

WRITABLE = [k for k in records.KINDS if k not in records.REFERENCE_KINDS]
PERSON = {
    "posyandu_id": "PSY-A1",
    "name": "Ani",
    "sex": "F",
    "birth_date": "2025-06-10",
    "mother_name": "Siti",
}
# How each route of the local API is probed: a hostile JSON body field, query parameter or path
# segment. A route missing here fails test_every_local_api_route_is_probed.
BODY, QUERY, PATH, PLAIN = "body", "query", "path", "plain"
ROUTES = {
    ("GET", "/api/records/<kind>"): QUERY,
    ("POST", "/api/records/<kind>"): BODY,
    ("GET", "/api/records/<kind>/<record_id>"): PATH,
    ("PATCH", "/api/records/<kind>/<record_id>"): BODY,
    ("DELETE", "/api/records/<kind>/<record_id>"): PATH,
    ("POST", "/api/records/<kind>/<record_id>/restore"): PATH,
    ("GET", "/api/flags"): PLAIN,
    ("POST", "/api/records/<kind>/derive"): BODY,
    ("GET", "/api/persons/duplicates"): QUERY,
    ("POST", "/api/growth/preview"): BODY,
    ("GET", "/api/kinds"): PLAIN,
    ("GET", "/api/desa-report/facts"): QUERY,
    ("POST", "/api/sync"): BODY,
    ("GET", "/api/sync/status"): PLAIN,
    ("GET", "/api/sync/outbox"): PLAIN,
    ("POST", "/api/sync/quarantine/<int:seq>/resend"): BODY,
    ("POST", "/api/sync/quarantine/<int:seq>/discard"): BODY,
    ("POST", "/api/sync/conflicts/<conflict_id>/resolve"): BODY,
    ("POST", "/api/sync/conflicts/<conflict_id>/reopen"): BODY,
    ("POST", "/api/cetak/pdf"): BODY,
}
QUERY_NAMES = ("q", "from", "to", "limit", "order", "person_id", "desa_code", "period", "name")
# Query and path text: the generator's text, or raw bytes no UTF-8 decoder accepts (a surrogate).
RAW_URL_TEXT = ("%ED%A0%80", "%ED%BF%BF", "%FF%FE", "%00", "1e999", "9" * 400)
HIDDEN = frozenset(BIDI_ZERO_WIDTH)
SETTINGS = settings(
    max_examples=int(__import__("os").environ.get("HOSTILE_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def client_of(app):
    client = app.test_client()
    client.environ_base["HTTP_X_LAUNCH_TOKEN"] = TOKEN
    return client


def row_count(app) -> int:
    store = app.extensions["posyandu"].store
    with store._lock:
        return store._db.execute("SELECT count(*) FROM records").fetchone()[0]


def outbox_count(app) -> int:
    store = app.extensions["posyandu"].store
    with store._lock:
        return store._db.execute("SELECT count(*) FROM outbox").fetchone()[0]


def url_texts() -> st.SearchStrategy[str]:
    hostile = st.text(st.sampled_from(sorted(HIDDEN)), min_size=1, max_size=4).map(
        lambda s: quote(s + "Ani" + s, safe="")
    )
    return st.one_of(st.sampled_from(RAW_URL_TEXT), hostile, st.just(quote("<script>", safe="")))


def stored_text_is_clean(app) -> None:
    """Every text the store holds is free of invisible, bidi and surrogate characters."""
    store = app.extensions["posyandu"].store
    with store._lock:
        rows = store._db.execute("SELECT fields FROM records").fetchall()
    for (text,) in rows:
        assert not any(ch in HIDDEN for ch in text), text[:200]
        assert not any(unicodedata.category(ch) == "Cs" for ch in text), text[:200]


def check_answer(app, response, before: tuple[int, int], where) -> None:
    assert response.status_code < 500, (where, response.status_code, response.text[:300])
    if 400 <= response.status_code < 500:
        if response.is_json:
            assert response.json["error"]["message"], where
        assert (row_count(app), outbox_count(app)) == before, where  # nothing half-written
    stored_text_is_clean(app)


@pytest.fixture
def seeded_local(local):  # noqa: F811  (the imported fixture)
    """The local app with one person to patch, delete and restore."""
    client = client_of(local)
    response = client.post("/api/records/person", json=PERSON)
    assert response.status_code == 201, response.text
    local.config["TEST_PERSON_ID"] = response.json["id"]
    return local


def test_every_local_api_route_is_probed(local):  # noqa: F811
    found = {
        (method, rule.rule)
        for rule in local.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert found == set(ROUTES)


def concrete(rule: str, app, segment: str | None = None) -> str:
    person = app.config["TEST_PERSON_ID"]
    path = rule.replace("<kind>", "person").replace("<int:seq>", "1")
    path = path.replace("<conflict_id>", segment or "c-1")
    return path.replace("<record_id>", segment or person)


@pytest.mark.parametrize("route", sorted(k for k, v in ROUTES.items() if v == BODY))
@SETTINGS
@given(data=st.data())
def test_hostile_body_fields(seeded_local, route, data):
    method, rule = route
    client = client_of(seeded_local)
    if rule == "/api/records/<kind>":
        kind = data.draw(st.sampled_from(WRITABLE), label="kind")
        base = PERSON if kind == "person" else {"person_id": seeded_local.config["TEST_PERSON_ID"]}
        rule = f"/api/records/{kind}"
    else:
        kind, base = "person", ({} if method == "PATCH" else PERSON)
    field = data.draw(st.sampled_from([*records.spec(kind).fields, "_confirm"]), label="field")
    fragment = data.draw(fragments(), label="fragment")
    text = body_with(base, field, fragment)
    before = (row_count(seeded_local), outbox_count(seeded_local))
    response = client.open(
        concrete(rule, seeded_local),
        method=method,
        data=text.encode("utf-8", "surrogatepass"),
        headers={"Content-Type": "application/json", "Accept-Language": "id"},
    )
    check_answer(seeded_local, response, before, (method, rule, field, fragment[:40]))


@pytest.mark.parametrize("route", sorted(k for k, v in ROUTES.items() if v in (QUERY, PLAIN)))
@SETTINGS
@given(name=st.sampled_from(QUERY_NAMES), value=url_texts())
def test_hostile_query_parameters(seeded_local, route, name, value):
    method, rule = route
    client = client_of(seeded_local)
    before = (row_count(seeded_local), outbox_count(seeded_local))
    response = client.open(
        f"{concrete(rule, seeded_local)}?{name}={value}",
        method=method,
        headers={"Accept-Language": "id"},
    )
    check_answer(seeded_local, response, before, (method, rule, name, value[:40]))


@pytest.mark.parametrize("route", sorted(k for k, v in ROUTES.items() if v == PATH))
@SETTINGS
@given(segment=url_texts())
def test_hostile_path_segments(seeded_local, route, segment):
    method, rule = route
    client = client_of(seeded_local)
    before = (row_count(seeded_local), outbox_count(seeded_local))
    response = client.open(
        concrete(rule, seeded_local, segment), method=method, headers={"Accept-Language": "id"}
    )
    check_answer(seeded_local, response, before, (method, rule, segment[:40]))
    if response.status_code >= 400:
        assert response.status_code in (400, 404, 405, 409, 422), response.status_code
