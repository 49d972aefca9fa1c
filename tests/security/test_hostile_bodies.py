"""Oversized, malformed and compressed-bomb bodies, huge numbers and absurd dates on every API input.

Expected everywhere: a clear 4xx in the protocol's JSON shape with an Indonesian message (and an
English one when asked), never a 5xx, and nothing half-written: a refused request adds no record
and no mutation_log row; a rejected mutation (DESIGN §4: ``rejected`` per mutation, it consumes
its seq and is logged) adds no record.
"""

from __future__ import annotations

import gzip
import json
import uuid

import pytest

from shared import records
from testkit.factories import person
from tests.security.conftest import Seeded

POST_ENDPOINTS = [
    "/api/v1/auth/login",
    "/api/v1/sync/push",
    "/api/v1/sync/fetch",
    "/api/v1/conflicts/1/resolve",
    "/api/v1/conflicts/1/reopen",
    "/api/v1/persons/0b6f3c1e-8a4d-4f7e-9c2b-5d1a7e3f0001/merge",
    "/api/v1/reviews/PSY-A1/2026-10",
]
# A concrete value for each path parameter of the POST routes.
PATH_SAMPLES = {
    "<int:conflict_id>": "1",
    "<person_id>": "0b6f3c1e-8a4d-4f7e-9c2b-5d1a7e3f0001",
    "<posyandu_id>": "PSY-A1",
    "<period>": "2026-10",
}


def concrete(rule: str) -> str:
    """Return a route with every path parameter replaced by its sample value."""
    for name, value in PATH_SAMPLES.items():
        rule = rule.replace(name, value)
    return rule


def headers(s: Seeded, user="kader_a1", lang="id", **extra):
    return {**s.callers[user].headers, "Accept-Language": lang, **extra}


def assert_clear_error(response, statuses=(400, 413, 415, 422)):
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.mimetype == "application/json", response.text[:300]
    error = response.json["error"]
    assert error["code"] and error["message"], error
    return error


def assert_indonesian(s: Seeded, send):
    """The error message depends on Accept-Language: Indonesian by default, English when asked."""
    in_id = assert_clear_error(send("id"))["message"]
    in_en = assert_clear_error(send("en"))["message"]
    assert in_id != in_en, in_id


def test_post_endpoints_are_the_apis_post_routes(seeded):
    posts = {
        concrete(r.rule)
        for r in seeded.app.url_map.iter_rules()
        if r.rule.startswith("/api/") and "POST" in r.methods
    }
    assert posts == set(POST_ENDPOINTS)


# -- size ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", POST_ENDPOINTS)
def test_body_over_max_content_length_is_413_json(seeded, path):
    before = seeded.db_counts()
    limit = seeded.app.config["MAX_CONTENT_LENGTH"]
    body = b'{"x": "' + b"a" * limit + b'"}'
    response = seeded.app.test_client().post(
        path, data=body, headers=headers(seeded, **{"Content-Type": "application/json"})
    )
    error = assert_clear_error(response, (413,))
    assert error["code"] == "payload_too_large"
    assert seeded.db_counts() == before


def test_413_is_in_indonesian_and_english(seeded):
    limit = seeded.app.config["MAX_CONTENT_LENGTH"]
    body = b"[" + b"0," * (limit // 2) + b"0]"
    assert_indonesian(
        seeded,
        lambda lang: seeded.app.test_client().post(
            "/api/v1/sync/push",
            data=body,
            headers=headers(seeded, lang=lang, **{"Content-Type": "application/json"}),
        ),
    )


# -- gzip ---------------------------------------------------------------------------------------


def test_gzip_bomb_is_413(seeded):
    inflated = seeded.app.config["MAX_INFLATED_BYTES"] * 4
    bomb = gzip.compress(b"\x20" * inflated, compresslevel=9)
    assert len(bomb) < 200_000  # small on the wire
    before = seeded.db_counts()
    response = seeded.app.test_client().post(
        "/api/v1/sync/push",
        data=bomb,
        headers=headers(seeded, **{"Content-Type": "application/json", "Content-Encoding": "gzip"}),
    )
    assert assert_clear_error(response, (413,))["code"] == "payload_too_large"
    assert seeded.db_counts() == before


def test_gzip_bomb_just_over_the_limit_and_just_under(seeded):
    cap = seeded.app.config["MAX_INFLATED_BYTES"]
    over = gzip.compress(b" " * (cap + 1))
    response = seeded.app.test_client().post(
        "/api/v1/sync/fetch",
        data=over,
        headers=headers(seeded, **{"Content-Type": "application/json", "Content-Encoding": "gzip"}),
    )
    assert response.status_code == 413
    # Inflated bodies may exceed MAX_CONTENT_LENGTH (the wire limit) up to the inflated cap.
    assert cap - 100 > seeded.app.config["MAX_CONTENT_LENGTH"]
    under = gzip.compress(b'{"ids": ["a"]}' + b" " * (cap - 100))
    response = seeded.app.test_client().post(
        "/api/v1/sync/fetch",
        data=under,
        headers=headers(seeded, **{"Content-Type": "application/json", "Content-Encoding": "gzip"}),
    )
    assert response.status_code == 200, response.text[:200]


GZIP_LIES = {
    "plain-json-says-gzip": json.dumps({"ids": ["a"]}).encode(),
    "truncated-gzip": gzip.compress(json.dumps({"ids": ["a"] * 100}).encode())[:-8],
    "gzip-cut-mid-stream": gzip.compress(
        json.dumps({"ids": [str(i) for i in range(500)]}).encode()
    )[:200],
    "gzip-of-not-json": gzip.compress(b"\xff\xfe not json"),
    "gzip-with-trailing-garbage": gzip.compress(b'{"ids": ["a"]}') + b"garbage",
    "double-gzip": gzip.compress(gzip.compress(b'{"ids": ["a"]}')),
    "empty-gzip-body": b"",
    "zlib-not-gzip": __import__("zlib").compress(b'{"ids": ["a"]}'),
}


@pytest.mark.parametrize("name", sorted(GZIP_LIES))
@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "GZIP"])
def test_gzip_header_lying_is_a_clear_400(seeded, name, encoding):
    response = seeded.app.test_client().post(
        "/api/v1/sync/fetch",
        data=GZIP_LIES[name],
        headers=headers(
            seeded, **{"Content-Type": "application/json", "Content-Encoding": encoding}
        ),
    )
    assert_clear_error(response, (400, 413, 415, 422))


@pytest.mark.parametrize("encoding", ["deflate", "br", "compress", "identity, gzip"])
def test_unsupported_content_encoding_is_refused(seeded, encoding):
    body = gzip.compress(b'{"ids": ["a"]}')
    response = seeded.app.test_client().post(
        "/api/v1/sync/fetch",
        data=body,
        headers=headers(
            seeded, **{"Content-Type": "application/json", "Content-Encoding": encoding}
        ),
    )
    assert_clear_error(response, (400, 415, 422))


# -- malformed JSON -----------------------------------------------------------------------------

DEEP = 100_000
MALFORMED = {
    "not-json": (b"this is not json", "application/json"),
    "truncated": (b'{"device_id": "x", "mutations": [{"seq": 1, ', "application/json"),
    "empty": (b"", "application/json"),
    "top-level-array": (b"[]", "application/json"),
    "top-level-null": (b"null", "application/json"),
    "top-level-string": (b'"x"', "application/json"),
    "top-level-number": (b"1e999", "application/json"),
    "json-as-text-plain": (b'{"ids": ["a"]}', "text/plain"),
    "form-encoded": (b"ids=a&ids=b", "application/x-www-form-urlencoded"),
    "multipart": (
        b'--x\r\nContent-Disposition: form-data; name="ids"\r\n\r\na\r\n--x--\r\n',
        "multipart/form-data; boundary=x",
    ),
    "xml": (b"<ids><id>a</id></ids>", "application/xml"),
    "deeply-nested-arrays": (b"[" * DEEP + b"]" * DEEP, "application/json"),
    "deeply-nested-objects": (b'{"a":' * DEEP + b"1" + b"}" * DEEP, "application/json"),
    "nested-in-a-field": (b'{"ids": ' + b"[" * DEEP + b"]" * DEEP + b"}", "application/json"),
    "100k-keys": (json.dumps({f"k{i}": i for i in range(100_000)}).encode(), "application/json"),
    "invalid-utf8": (b'{"ids": ["\xff\xfe\xc3\x28"]}', "application/json"),
    "utf16": ('{"ids": []}'.encode("utf-16"), "application/json"),
    "lone-surrogate-escape": (b'{"ids": ["\\ud800"]}', "application/json"),
    "nul-escape": (b'{"ids": ["a\\u0000b"]}', "application/json"),
    "bom": (b'\xef\xbb\xbf{"ids": []}', "application/json"),
    "nan-token": (b'{"ids": NaN}', "application/json"),
    "trailing-comma": (b'{"ids": [],}', "application/json"),
    "single-quotes": (b"{'ids': []}", "application/json"),
    "comments": (b'{"ids": [] /* x */}', "application/json"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
@pytest.mark.parametrize("path", POST_ENDPOINTS)
def test_malformed_body_is_a_clear_4xx(seeded, path, name):
    body, content_type = MALFORMED[name]
    before = seeded.db_counts()
    response = seeded.app.test_client().post(
        path, data=body, headers=headers(seeded, **{"Content-Type": content_type})
    )
    if name == "bom" and response.status_code == 200:
        return  # a BOM before JSON is tolerated by some parsers; not an error to refuse it
    # 403: a kader may not reopen a conflict, whatever the body (refused before it is read).
    assert_clear_error(response, (400, 401, 403, 404, 413, 415, 422))
    assert seeded.db_counts() == before


def test_malformed_body_message_is_indonesian(seeded):
    assert_indonesian(
        seeded,
        lambda lang: seeded.app.test_client().post(
            "/api/v1/sync/push",
            data=b"{not json",
            headers=headers(seeded, lang=lang, **{"Content-Type": "application/json"}),
        ),
    )


def test_duplicate_keys_are_refused_or_read_once(seeded):
    """``{"device_id": mine, "device_id": other}``: never pushes as another device."""
    caller = seeded.callers["kader_a1"]
    m = caller.mutation("person", person("PSY-A1", name="Anak Dupkey"))
    body = (
        f'{{"device_id": "{caller.device_id}", "mutations": {json.dumps([m])}, '
        f'"device_id": "{seeded.devices["kader_b1"]}"}}'
    ).encode()
    response = seeded.app.test_client().post(
        "/api/v1/sync/push",
        data=body,
        headers=headers(seeded, **{"Content-Type": "application/json"}),
    )
    caller.sync_seq(response)
    assert response.status_code in (400, 403, 422), response.text[:300]
    assert seeded.record(m["id"]) is None


# -- huge numbers -------------------------------------------------------------------------------

INT_VALUES = {
    "2**63": 2**63,
    "2**64": 2**64,
    "10**100": 10**100,
    "-1": -1,
    "-2**63-1": -(2**63) - 1,
    "1.5": 1.5,
    "1e308": 1e308,
    "true": True,
    "string": "12",
}
NUMBER_VALUES = {
    "2**63": 2**63,
    "10**100": 10**100,
    "-1": -1,
    "1e308": 1e308,
    "-1e308": -1e308,
    "true": True,
    "string": "9.5",
    "1e-320": 1e-320,
}
TOKENS = {"NaN": "NaN", "Infinity": "Infinity", "-Infinity": "-Infinity"}


def base_records(s: Seeded) -> dict[str, dict]:
    """A valid record of each kind kader_a1 may write (PSY-A1)."""
    pid = s.persons["A1"]
    return {
        "person": person("PSY-A1"),
        "child_visit": {
            "id": str(uuid.uuid4()),
            "person_id": pid,
            "posyandu_id": "PSY-A1",
            "visit_date": "2026-06-10",
            "weight_kg": 9.0,
        },
        "pregnancy": {
            "id": str(uuid.uuid4()),
            "person_id": pid,
            "posyandu_id": "PSY-A1",
            "registered_on": "2026-03-01",
        },
        "adult_visit": {
            "id": str(uuid.uuid4()),
            "person_id": pid,
            "posyandu_id": "PSY-A1",
            "visit_date": "2026-06-10",
            "weight_kg": 61.5,
        },
        "posyandu_session": {
            "id": str(uuid.uuid4()),
            "posyandu_id": "PSY-A1",
            "session_date": "2026-06-10",
            "opened": True,
        },
        "desa_report": {"id": str(uuid.uuid4()), "desa_code": "6111012001", "period": "2026-05"},
        **ilp_base_records(s),
    }


def ilp_base_records(s: Seeded) -> dict[str, dict]:
    """A valid record of the ANC and ILP kinds in PSY-A1, about the seeded mother, remaja, child."""
    ilp, pid = s.ilp["A1"], s.persons["A1"]
    mother = {"person_id": ilp["mother"], "posyandu_id": "PSY-A1"}
    child = {"person_id": pid, "posyandu_id": "PSY-A1"}
    return {
        "anc_visit": {**mother, "pregnancy_id": ilp["pregnancy"], "visit_date": "2026-06-10"},
        "youth_visit": {
            "person_id": ilp["youth"],
            "posyandu_id": "PSY-A1",
            "visit_date": "2026-10-07",
            "weight_kg": 40.0,
        },
        "postpartum_visit": {
            **mother,
            "pregnancy_id": ilp["pregnancy"],
            "visit_date": "2026-10-05",
        },
        "family_planning": {
            **mother,
            "visit_date": "2026-10-05",
            "status": "pus",
            "method": "suntik",
        },
        "tb_screening": {**child, "visit_date": "2026-10-10"},
        "immunization": {**child, "antigen": "BCG", "given_on": "2025-06-10"},
        "referral": {
            **child,
            "referral_date": "2026-10-10",
            "reason": "tb_suspect",
            "destination": "puskesmas",
        },
    }


def test_base_records_cover_every_kind_a_kader_writes(seeded):
    """A new kind must join the hostile-value tests below (and be valid as given here)."""
    from server.scope import LOKMIN_KINDS, PAGE_ONLY_KINDS

    bases = base_records(seeded)
    writable = set(records.KINDS) - set(records.REFERENCE_KINDS) - PAGE_ONLY_KINDS
    # Lokmin is a kecamatan's (its own form tests below); a month's review has its own API.
    assert set(bases) == writable - LOKMIN_KINDS - {"period_review"}
    caller = seeded.callers["kader_a1"]
    for kind, base in bases.items():  # valid on the server too, so a refusal below is the value's
        result = caller.push_ok(kind, {**base, "id": str(uuid.uuid4())})
        assert result["status"] == "applied", (kind, result)


def fields_of(kind: str, types: tuple[str, ...]) -> list[str]:
    return [n for n, i in records.spec(kind).info.items() if i.type in types]


def push_raw(
    s: Seeded,
    user: str,
    mutations: list[dict],
    replace: dict[str, str] | None = None,
    lang: str = "id",
):
    caller = s.callers[user]
    text = json.dumps({"device_id": caller.device_id, "mutations": mutations})
    for marker, token in (replace or {}).items():
        text = text.replace(f'"{marker}"', token)
    response = s.app.test_client().post(
        "/api/v1/sync/push",
        data=text,
        headers=headers(s, user, lang, **{"Content-Type": "application/json"}),
    )
    caller.sync_seq(response)
    return response


def assert_all_rejected(s: Seeded, response, mutations, before_records):
    assert response.status_code < 500, response.text[:500]
    if response.status_code == 200:
        results = response.json["results"]
        statuses = {
            (m["kind"], next(iter(set(m["fields"]) - {"id"}), "")): r["status"]
            for m, r in zip(mutations, results, strict=True)
        }
        assert set(statuses.values()) == {"rejected"}, {
            k: v for k, v in statuses.items() if v != "rejected"
        }
        for r in results:
            assert r["errors"], r
    else:
        assert_clear_error(response)
    assert s.db_counts()[0] == before_records  # no record written
    for m in mutations:
        assert s.record(m["id"]) is None


def push_bad_values(seeded, label: str, field_type: str, values: dict, at_least: int) -> None:
    """Put ``values[label]`` in every field of ``field_type`` of every kind: all refused."""
    caller, bases = seeded.callers["kader_a1"], base_records(seeded)
    mutations, replace = [], {}
    for kind, base in bases.items():
        for name in fields_of(kind, (field_type,)):
            value = values.get(label, f"@@{label}@@")
            replace[f"@@{label}@@"] = TOKENS.get(label, "")
            mutations.append(caller.mutation(kind, {**base, "id": str(uuid.uuid4()), name: value}))
    assert len(mutations) >= at_least
    before = seeded.db_counts()[0]
    assert_all_rejected(seeded, push_raw(seeded, "kader_a1", mutations, replace), mutations, before)


@pytest.mark.parametrize("label", sorted(INT_VALUES) + sorted(TOKENS))
def test_huge_or_wrong_integers_in_every_integer_field(seeded, label):
    push_bad_values(seeded, label, "integer", INT_VALUES, 15)


@pytest.mark.parametrize("label", sorted(NUMBER_VALUES) + sorted(TOKENS))
def test_huge_or_wrong_numbers_in_every_decimal_field(seeded, label):
    push_bad_values(seeded, label, "number", NUMBER_VALUES, 8)


PROTOCOL_NUMBERS = [
    "2**63",
    "2**64",
    "10**100",
    "-1",
    "0",
    "1.5",
    "NaN",
    "Infinity",
    "true",
    '"1"',
    "null",
]


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (where, value)
        for where in ("seq", "base_version")
        for value in PROTOCOL_NUMBERS
        # base_version null is a new record and 0 a stale base (a merge): both legitimate.
        if not (where == "base_version" and value in ("null", "0"))
    ],
)
def test_huge_numbers_in_seq_and_base_version_refuse_the_batch(seeded, where, value):
    caller = seeded.callers["kader_a1"]
    m = caller.mutation("person", person("PSY-A1"))
    m[where] = "@@v@@"
    before = seeded.db_counts()
    literal = str(eval(value)) if "**" in value else value  # noqa: S307 (constant expressions)
    response = push_raw(seeded, "kader_a1", [m], {"@@v@@": literal})
    assert response.status_code < 500, response.text[:300]
    if response.status_code == 200:  # a per-mutation answer: rejected, nothing stored
        assert response.json["results"][0]["status"] == "rejected"
        assert seeded.db_counts()[0] == before[0]
    else:
        assert_clear_error(response, (400, 409, 422))
        assert seeded.db_counts() == before  # the whole batch refused: nothing written
    assert seeded.record(m["id"]) is None


QUERY_NUMBERS = [
    "9223372036854775808",
    "18446744073709551616",
    "1" + "0" * 100,
    "-1",
    "0",
    "1.5",
    "NaN",
    "Infinity",
    "1e3",
    " 1",
    "0x10",
    "",
    "１２",
    "٣",
]


@pytest.mark.parametrize("value", QUERY_NUMBERS)
@pytest.mark.parametrize(
    "path,param",
    [
        ("/api/v1/sync/pull", "limit"),
        ("/api/v1/sync/pull", "cursor"),
        ("/api/v1/sync/ids", "limit"),
        ("/api/v1/sync/ids", "after"),
        ("/api/v1/conflicts", "limit"),
        ("/api/v1/conflicts", "offset"),
    ],
)
def test_huge_numbers_in_query_parameters(seeded, path, param, value):
    response = seeded.app.test_client().get(
        path, query_string={param: value}, headers=headers(seeded)
    )
    assert response.status_code < 500, response.text[:300]
    if response.status_code != 200:
        assert_clear_error(response, (400, 422))


@pytest.mark.parametrize(
    "conflict_id",
    ["2147483648", "9223372036854775808", "1" + "0" * 100, "-1", "0", "1.5", "NaN", "%2e%2e"],
)
def test_huge_conflict_ids_in_the_path(seeded, conflict_id):
    response = seeded.app.test_client().post(
        f"/api/v1/conflicts/{conflict_id}/resolve",
        json={"choice": "winner"},
        headers=headers(seeded, "admin"),
    )
    assert_clear_error(response, (404, 405))


def test_fetch_with_too_many_or_huge_ids(seeded):
    for ids in (
        ["x"] * 100_000,
        ["a" * 10_000],
        [1, 2, 3],
        [None],
        [{"id": "x"}],
        [str(2**64)],
        ["' OR 1=1 --"],
    ):
        response = seeded.app.test_client().post(
            "/api/v1/sync/fetch", json={"ids": ids}, headers=headers(seeded)
        )
        assert response.status_code < 500, response.text[:300]
        if response.status_code == 200:
            assert response.json["changes"] == []


# -- codes, lists and references ----------------------------------------------------------------

BAD_CODES = {
    "script": "<script>alert(1)</script>",
    "huge-int": 10**100,
    "object": {"code": "BCG"},
    "list-of-script": ["<script>alert(1)</script>"],
    "long": "x" * 100_000,
    "nul": "BCG\x00",
}


@pytest.mark.parametrize("label", sorted(BAD_CODES))
def test_wrong_codes_in_every_choice_list_and_reference_field(seeded, label):
    """Every choice (antigens, KB methods, referral statuses...), list (symptoms, danger signs,
    antigens) and record reference of every kind a kader writes: all refused, nothing written."""
    caller, bases = seeded.callers["kader_a1"], base_records(seeded)
    mutations = []
    for kind, base in bases.items():
        for name in fields_of(kind, ("choice", "list", "uuid")):
            if name != "id":
                value = BAD_CODES[label]
                mutations.append(
                    caller.mutation(kind, {**base, "id": str(uuid.uuid4()), name: value})
                )
    assert len(mutations) >= 30
    before = seeded.db_counts()[0]
    assert_all_rejected(seeded, push_raw(seeded, "kader_a1", mutations), mutations, before)


# -- absurd dates -------------------------------------------------------------------------------

BAD_DATES = [
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "1899-12-31",
    "2101-01-01",
    "3000-01-01",
    "2026-1-1",
    "20260101",
    "2026-01-01T00:00:00",
    "-2026-01-01",
    "+12026-01-01",
    "2026-00-10",
    "2026-06-00",
    "٢٠٢٦-٠١-٠١",
    "2026-06-10\n",
    "2026-W01-1",
    "10/06/2026",
    "0000-00-00",
    "2026-06-31",
]


@pytest.mark.parametrize("value", BAD_DATES)
def test_absurd_dates_in_every_date_field(seeded, value):
    caller, bases = seeded.callers["kader_a1"], base_records(seeded)
    mutations = []
    for kind, base in bases.items():
        for name in fields_of(kind, ("date",)):
            mutations.append(caller.mutation(kind, {**base, "id": str(uuid.uuid4()), name: value}))
    assert len(mutations) >= 10
    before = seeded.db_counts()[0]
    assert_all_rejected(seeded, push_raw(seeded, "kader_a1", mutations), mutations, before)


def test_absurd_date_errors_are_indonesian(seeded):
    caller = seeded.callers["kader_a1"]
    texts = {}
    for lang in ("id", "en"):
        m = caller.mutation("person", person("PSY-A1", birth_date="2026-02-30"))
        response = push_raw(seeded, "kader_a1", [m], lang=lang)
        texts[lang] = json.dumps(response.json["results"][0]["errors"], ensure_ascii=False)
    assert texts["id"] != texts["en"], texts


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59+07:00",
        "2026-02-30T10:00:00+07:00",
        "2026-13-01T00:00:00Z",
        "2026-06-10T25:00:00+07:00",
        "2026-06-10T10:00:00+99:00",
        "1e308",
        "x" * 1000,
    ],
)
def test_absurd_device_time_is_refused_or_ignored(seeded, value):
    caller = seeded.callers["kader_a1"]
    m = caller.mutation("person", person("PSY-A1"))
    m["device_time"] = value
    before = seeded.db_counts()
    response = push_raw(seeded, "kader_a1", [m])
    assert response.status_code < 500, response.text[:300]
    if response.status_code != 200:
        assert_clear_error(response, (400, 422))
        assert seeded.db_counts() == before


@pytest.mark.parametrize(
    "period",
    [
        "0000-01",
        "9999-12",
        "2026-13",
        "2026-00",
        "2026-1",
        "' OR 1=1 --",
        "2026-10%",
        "",
        "x" * 500,
    ],
)
def test_absurd_indicator_periods(seeded, period):
    response = seeded.app.test_client().get(
        "/api/v1/indicators",
        headers=headers(seeded),
        query_string={"period": period, "level": "posyandu"},
    )
    assert response.status_code < 500, response.text[:300]
    if response.status_code != 200:
        assert_clear_error(response, (400, 422))


# -- atomicity ----------------------------------------------------------------------------------


def test_a_batch_refused_as_a_whole_writes_nothing(seeded):
    """A valid mutation followed by a malformed one (schema error): 422, nothing applied."""
    caller = seeded.callers["kader_a1"]
    good = caller.mutation("person", person("PSY-A1"))
    bad = caller.mutation("person", person("PSY-A1"))
    bad["seq"] = "not-a-number"
    before = seeded.db_counts()
    response = push_raw(seeded, "kader_a1", [good, bad])
    assert_clear_error(response, (400, 422))
    assert seeded.db_counts() == before and seeded.record(good["id"]) is None


def test_a_rejected_mutation_does_not_block_the_valid_ones(seeded):
    """DESIGN §4: per-mutation ``rejected``; the valid ones of the batch apply, the bad one not."""
    caller = seeded.callers["kader_a1"]
    good = caller.mutation("person", person("PSY-A1", name="Anak Baik"))
    bad = caller.mutation("person", person("PSY-A1", birth_date="9999-12-31"))
    records_before, log_before = seeded.db_counts()
    response = push_raw(seeded, "kader_a1", [good, bad])
    assert [r["status"] for r in response.json["results"]] == ["applied", "rejected"]
    assert seeded.record(good["id"]) is not None and seeded.record(bad["id"]) is None
    assert seeded.db_counts() == (records_before + 1, log_before + 2)


# -- web forms ------------------------------------------------------------------------------------

FORM_VALUES = ["9" * 100, "-1", "NaN", "9999-12-31", "2026-02-30", "' OR 1=1 --", "x" * 100_000]


@pytest.mark.parametrize("value", FORM_VALUES, ids=[v[:20] for v in FORM_VALUES])
def test_hostile_values_in_every_lokmin_form_field(seeded, value):
    """Every field of the three lokmin forms (kecamatan user, valid CSRF): a 4xx page or a save
    of valid data, never a 5xx; a refused form writes nothing."""
    client, token = seeded.web("kec_a"), seeded.csrf("kec_a")
    forms = {
        "/lokmin/pertemuan": [
            "kecamatan_code",
            "kind",
            "year",
            "quarter",
            "meeting_date",
            "venue",
            "chair_name",
            "agenda",
            "status",
            "problems",
            "minutes",
            "attendance-0-name",
            "attendance-0-sector",
            "attendance-0-institution",
            "plan-0-sector",
            "plan-0-activity",
            "plan-0-month",
            "plan-0-budget_source",
            "agreement-0-action",
            "agreement-0-due_date",
            "agreement-0-status",
            "agreement-0-id",
        ],
        f"/lokmin/pertemuan/{seeded.meetings['LA']}/kesepakatan": [
            "action",
            "sector",
            "pic_name",
            "pic_role",
            "start_date",
            "due_date",
            "budget_source",
            "status",
        ],
        f"/lokmin/kesepakatan/{seeded.agreements['LA']}": ["status", "progress_note"],
    }
    valid = {
        "kecamatan_code": "611101",
        "kind": "tribulanan_rutin",
        "year": "2026",
        "quarter": "4",
        "status": "planned",
        "action": "Sweeping",
        "sector": "pkk",
        "pic_name": "Bu Ketua",
    }
    for path, names in forms.items():
        for name in names:
            before = seeded.db_counts()
            response = client.post(path, data={**valid, name: value, "csrf_token": token})
            assert response.status_code < 500, (path, name, response.text[:200])
            if response.status_code != 303:
                assert response.status_code in (400, 403, 413, 422), (path, name)
                assert seeded.db_counts() == before, (path, name)
