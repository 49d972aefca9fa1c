"""The sync agent's decisions, with the server's answers scripted (no network)."""

import gzip
import json

import pytest
import requests

from field_client.store import Store
from field_client.sync import SyncAgent, SyncError, make_session

CHILD = {"posyandu_id": "PSY-A1", "name": "Ani", "sex": "F", "birth_date": "2025-01-10"}


class ScriptedSession(requests.Session):
    """A session that answers from a script of (status, body) per path, recording requests."""

    def __init__(self, script):
        super().__init__()
        self.script = script
        self.sent = []

    def request(self, method, url, data=None, params=None, headers=None, timeout=None, **kw):
        path = url.split("/api/v1", 1)[1]
        body = None
        if data is not None:
            raw = gzip.decompress(data) if (headers or {}).get("Content-Encoding") else data
            body = json.loads(raw)
        self.sent.append((method, path, body, dict(params or {})))
        status, answer, *extra = self.script[path].pop(0)
        response = requests.Response()
        response.status_code = status
        response.headers.update(extra[0] if extra else {})
        response._content = json.dumps(answer).encode()
        response.headers["Content-Type"] = "application/json"
        return response


@pytest.fixture
def agent_for(store):
    store.set_meta(server_url="http://server", token="tok", device_id="dev-1")

    def build(script):
        session = ScriptedSession(script)
        return SyncAgent(store, session=session), session

    yield build


def ack(seqs, version=1):
    return {
        "last_seq": max(seqs),
        "results": [{"seq": s, "status": "applied", "version": version} for s in seqs],
    }


def test_seq_gap_below_the_batch_drops_what_the_server_already_has(store, agent_for):
    for rid in ("a", "b", "c"):
        store.save("person", rid, CHILD)
    agent, session = agent_for(
        {
            "/sync/push": [
                (409, {"error": {"code": "seq_gap", "details": {"expected_seq": 3}}}),
                (200, ack([3])),
            ]
        }
    )
    agent.push()
    sent = [[m["seq"] for m in body["mutations"]] for _, path, body, _ in session.sent]
    assert sent == [[1, 2, 3], [3]]
    assert store.outbox_counts()["pending"] == 0


def test_duplicate_of_a_rejected_mutation_stays_quarantined(store, agent_for):
    store.save("person", "a", CHILD)
    agent, _ = agent_for(
        {
            "/sync/push": [
                (
                    200,
                    {
                        "last_seq": 1,
                        "results": [
                            {
                                "seq": 1,
                                "status": "duplicate",
                                "outcome": "rejected",
                                "version": None,
                                "errors": {"name": ["x"]},
                            }
                        ],
                    },
                )
            ]
        }
    )
    report = agent.push()
    assert report.quarantined == 1 and store.quarantined()[0].errors == {"name": ["x"]}


def test_an_answer_that_settles_nothing_stops_the_push(store, agent_for):
    store.save("person", "a", CHILD)
    agent, _ = agent_for({"/sync/push": [(200, {"last_seq": 0, "results": []})]})
    with pytest.raises(SyncError) as caught:
        agent.push()
    assert caught.value.code == "bad_response"


def test_too_large_batch_is_halved(store, agent_for):
    for i in range(4):
        store.save("person", f"r{i}", CHILD)
    agent, session = agent_for(
        {
            "/sync/push": [
                (413, {"error": {"code": "payload_too_large"}}),
                (200, ack([1, 2])),
                (200, ack([3, 4])),
            ]
        }
    )
    agent.push()
    assert [len(body["mutations"]) for _, _, body, _ in session.sent] == [4, 2, 2]


def test_revoked_token_is_an_unauthorized_error_kept_for_the_ui(store, agent_for):
    agent, _ = agent_for(
        {"/sync/pull": [(401, {"error": {"code": "unauthorized", "message": "Token dicabut."}})]}
    )
    with pytest.raises(SyncError):
        agent.sync()
    assert store.get_meta("last_error")["code"] == "unauthorized"


def test_invalid_cursor_restarts_the_pull_from_the_beginning(store, agent_for):
    store.set_meta(cursor="stale")
    agent, session = agent_for(
        {
            "/sync/pull": [
                (400, {"error": {"code": "invalid_cursor"}}),
                (
                    200,
                    {
                        "changes": [
                            {
                                "id": "x",
                                "kind": "person",
                                "version": 1,
                                "deleted": False,
                                "fields": CHILD,
                            }
                        ],
                        "cursor": "c1",
                        "more": False,
                    },
                ),
            ]
        }
    )
    agent.pull()
    assert [params.get("cursor") for _, _, _, params in session.sent] == ["stale", None]
    assert store.get_meta("cursor") == "c1" and store.get("person", "x")


def test_pull_pages_advance_the_cursor_page_by_page(store, agent_for):
    page = {
        "changes": [{"id": "x", "kind": "person", "version": 1, "deleted": False, "fields": CHILD}],
        "cursor": "c1",
        "more": True,
    }
    agent, session = agent_for(
        {"/sync/pull": [(200, page), (200, {"changes": [], "cursor": "c2", "more": False})]}
    )
    agent.pull()
    assert [params.get("cursor") for _, _, _, params in session.sent] == [None, "c1"]
    assert store.get_meta("cursor") == "c2"


def first_page(cursor="c1"):
    change = {"id": "x", "kind": "person", "version": 1, "deleted": False, "fields": CHILD}
    return (200, {"changes": [change], "cursor": cursor, "more": True})


def test_a_busy_answer_to_the_prefetched_page_is_asked_again_after_retry_after(store, agent_for):
    busy = {"error": {"code": "server_busy", "message": "sibuk", "details": {}}}
    agent, session = agent_for(
        {
            "/sync/pull": [
                first_page(),
                (503, busy, {"Retry-After": "1"}),
                (200, {"changes": [], "cursor": "c2", "more": False}),
            ]
        }
    )
    slept = []
    agent._sleep = slept.append
    agent.pull()
    assert [params.get("cursor") for _, _, _, params in session.sent] == [None, "c1", "c1"]
    assert len(slept) == 1 and 1 <= slept[0] <= 1.5
    assert store.get_meta("cursor") == "c2" and store.get("person", "x")


@pytest.mark.parametrize(
    ("status", "code"),
    [(426, "upgrade_required"), (401, "unauthorized"), (500, "server_error")],
)
def test_a_refused_prefetched_page_comes_after_the_page_before_it(store, agent_for, status, code):
    agent, _ = agent_for(
        {"/sync/pull": [first_page(), (status, {"error": {"code": code, "message": "x"}})]}
    )
    with pytest.raises(SyncError) as error:
        agent.pull()
    assert error.value.code == code
    assert store.get_meta("cursor") == "c1" and store.get("person", "x").version == 1


def test_relogin_as_a_new_device_numbers_unsent_changes_from_one(tmp_path):
    with Store.open(tmp_path) as store:
        store.set_meta(device_id="old", server_url="http://server", username="kader")
        for rid in ("a", "b"):
            store.save("person", rid, CHILD)
        store.apply_push_results([{"seq": 1, "status": "applied", "version": 1}])
        session = ScriptedSession(
            {"/auth/login": [(200, {"token": "t2", "device_id": "new", "user": {"scope": {}}})]}
        )
        agent = SyncAgent(store)
        agent.session = session
        import field_client.sync as sync_module

        original = sync_module.requests.Session
        sync_module.requests.Session = lambda: session
        try:
            agent.login("http://server", "kader", "pw")
        finally:
            sync_module.requests.Session = original
        assert [m.seq for m in store.pending()] == [1]
        assert store.get_meta("device_id") == "new"


def test_session_retries_posts_with_backoff_and_jitter():
    session = make_session()
    retry = session.get_adapter("http://x").max_retries
    assert "POST" in retry.allowed_methods and retry.backoff_factor > 0
    assert retry.backoff_jitter > 0 and 503 in retry.status_forcelist
    session.close()


# -- re-binding (audit #18, finding 1) ---------------------------------------------------------


def test_login_to_another_server_or_account_is_refused_while_changes_are_unsent(store, monkeypatch):
    """The command line signs in through the same agent: the unsent change stays, and the
    password is not sent anywhere (the refusal comes before any request)."""
    store.set_meta(server_url="http://Puskesmas.example:80/", token="tok", username="kader_a1")
    store.save("person", "p1", CHILD)

    def no_request(*args, **kwargs):
        raise AssertionError("a request was sent")

    monkeypatch.setattr(requests.Session, "request", no_request)
    agent = SyncAgent(store)
    for server, user in (("http://other.example", "kader_a1"), ("http://puskesmas.example", "x")):
        with pytest.raises(SyncError) as caught:
            agent.login(server, user, "password")
        assert caught.value.code == "unsent_changes" and caught.value.details["n"] == 1
    assert [m.id for m in store.pending()] == ["p1"]
    assert store.get_meta("server_url") == "http://Puskesmas.example:80/"


def test_same_server_compares_scheme_host_port_and_path():
    from field_client.sync import same_server

    assert same_server("http://Puskesmas.example:80/", "puskesmas.example")
    assert not same_server("http://puskesmas.example", "https://puskesmas.example")
    assert not same_server("http://puskesmas.example:5000", "http://puskesmas.example:5001")


def _batches_sent(store, agent_for, count, answers, **agent_kwargs):
    """Push ``count`` persons through a scripted server; return the batch sizes sent."""
    for i in range(count):
        store.save("person", f"p{i}", CHILD)
    store.set_meta(server_url="http://server", token="tok", device_id="dev-1")
    session = ScriptedSession({"/sync/push": answers})
    agent = SyncAgent(store, session=session, **agent_kwargs)
    agent.push()
    return [len(body["mutations"]) for _, _, body, _ in session.sent]


def _acks_in(sizes, first=1):
    out = []
    for size in sizes:
        out.append((200, ack(list(range(first, first + size)))))
        first += size
    return out


def test_batches_grow_on_a_fast_link_up_to_the_servers_largest(store, agent_for):
    sizes = [200, 400, 800, 1600, 2000, 2000, 100]
    sent = _batches_sent(store, agent_for, 7100, _acks_in(sizes), monotonic=lambda: 0.0)
    assert sent == sizes


def _refused_for_length(largest: int):
    message = f"Length must be between 1 and {largest}."
    return (422, {"error": {"code": "validation_error", "details": {"mutations": [message]}}})


def test_a_server_taking_at_most_500_keeps_the_batches_at_500(store, agent_for):
    answers = [*_acks_in([200, 400]), _refused_for_length(500)]
    answers += _acks_in([500, 500, 200], first=601)
    sent = _batches_sent(store, agent_for, 1800, answers, monotonic=lambda: 0.0)
    assert sent == [200, 400, 800, 500, 500, 200]


def test_a_server_taking_at_most_1000_keeps_the_batches_at_1000(store, agent_for):
    answers = [*_acks_in([200, 400, 800]), _refused_for_length(1000)]
    answers += _acks_in([1000, 1000, 100], first=1401)
    sent = _batches_sent(store, agent_for, 3500, answers, monotonic=lambda: 0.0)
    assert sent == [200, 400, 800, 1600, 1000, 1000, 100]


def test_batches_stay_at_two_hundred_on_a_slow_link(store, agent_for):
    ticks = iter(range(0, 1000, 6))  # every answer 6 s after its request
    sent = _batches_sent(
        store, agent_for, 700, _acks_in([200, 200, 200, 100]), monotonic=lambda: next(ticks)
    )
    assert sent == [200, 200, 200, 100]


def test_a_smaller_batch_asked_for_never_grows(store, agent_for):
    sent = _batches_sent(
        store, agent_for, 120, _acks_in([50, 50, 20]), push_batch=50, monotonic=lambda: 0.0
    )
    assert sent == [50, 50, 20]


def test_a_batch_too_large_for_the_server_caps_the_size_from_then_on(store, agent_for):
    answers = [(200, ack(list(range(1, 201))))]
    answers.append((413, {"error": {"code": "payload_too_large"}}))  # the 400 after it
    answers += _acks_in([200, 200, 200], first=201)
    sent = _batches_sent(store, agent_for, 800, answers, monotonic=lambda: 0.0)
    assert sent == [200, 400, 200, 200, 200]  # one refusal, never 400 again


def _answer(body: bytes, content_type: str | None) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = body
    if content_type is not None:
        response.headers["Content-Type"] = content_type
    response.encoding = requests.utils.get_encoding_from_headers(response.headers)
    return response


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"changes": [{"id": "a", "fields": {"name": "Ümmü", "w": 6.3}}]}'.encode(), None),
        ('{"name": "Ümmü"}'.encode(), "application/json"),
        ('{"name": "Ümmü"}'.encode("latin-1"), "application/json; charset=iso-8859-1"),
        (b'{"name": "\xff\xfe broken"}', "application/json"),  # not UTF-8: replaced, as before
        (b'\xef\xbb\xbf{"bom": 1}', "application/json"),  # a BOM: refused, as before
        ('{"name": "Ümmü"}'.encode("utf-16"), None),  # requests guesses UTF-16
        (b'{"big": 123456789012345678901234567890}', "application/json"),
        (b"not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"", "application/json"),
        (None, "application/json"),  # a body never read
    ],
)
def test_an_answer_is_read_as_requests_reads_it(body, content_type):
    """Answers are decoded with orjson (issue #19) but give what response.json() gave."""
    from field_client.sync import _json_body

    response = _answer(body, content_type)
    try:
        expected = response.json()
    except ValueError:
        expected = {}
    expected = expected if isinstance(expected, dict) else {}
    assert repr(_json_body(_answer(body, content_type))) == repr(expected)
