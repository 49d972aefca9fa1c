"""The protocol's bodies: what the server accepts and what the client reads."""

import copy
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from shared.sync import MAX_PUSH_BATCH, schemas
from shared.sync.digest import Digest
from shared.sync.hlc import HLC

DEVICE = "tab-07"
RECORD = "6f1c2a9e-3b4d-4c5e-8f70-123456789abc"


def mutation(seq=17, **overrides):
    """Return a valid mutation, changed by ``overrides``."""
    body = {
        "seq": seq,
        "id": RECORD,
        "kind": "child_visit",
        "op": "upsert",
        "base_version": 3,
        "fields": {"weight_kg": 9.4, "height_cm": 76.5, "vitamin_a": None},
        "hlc": "0001795486320000:00002:tab-07",
        "device_time": "2026-11-24T09:12:00+07:00",
    }
    body.update(overrides)
    return body


def push(*mutations, **overrides):
    """Return a valid push body."""
    return {"device_id": DEVICE, "mutations": list(mutations) or [mutation()], **overrides}


def push_errors(body):
    """Return the validation messages of a push body (empty when valid)."""
    return schemas.PushRequestSchema().validate(body)


# --- push ----------------------------------------------------------------------------------


def test_valid_push_loads_unchanged_and_dumps_back():
    body = push(mutation(17), mutation(18, op="delete", fields={}, base_version=4))
    loaded = schemas.PushRequestSchema().load(copy.deepcopy(body))
    assert loaded == body
    assert schemas.PushRequestSchema().dump(loaded) == body


def test_new_record_may_omit_base_version_and_device_time():
    body = mutation(1)
    del body["base_version"], body["device_time"]
    loaded = schemas.MutationSchema().load(body)
    assert loaded["base_version"] is None
    assert loaded["device_time"] is None


def test_delete_may_omit_fields():
    body = mutation(op="delete")
    del body["fields"]
    assert schemas.MutationSchema().load(body)["fields"] == {}


@pytest.mark.parametrize(
    "seq",
    [2**63, 2**53 + 1, 0, -1, True, False, 1.0, 17.5, "17", None],
    ids=[
        "2**63",
        "2**53+1",
        "zero",
        "negative",
        "true",
        "false",
        "float",
        "fraction",
        "string",
        "null",
    ],
)
def test_push_refuses_a_seq_that_is_not_a_bounded_positive_integer(seq):
    assert "seq" in push_errors(push(mutation(seq)))["mutations"][0]


def test_push_accepts_the_largest_seq():
    assert push_errors(push(mutation(2**53))) == {}


@given(st.integers(1, 2**53))
def test_any_seq_in_range_is_accepted(seq):
    assert push_errors(push(mutation(seq))) == {}


@given(st.one_of(st.integers(max_value=0), st.integers(min_value=2**53 + 1)))
def test_any_seq_out_of_range_is_refused(seq):
    assert push_errors(push(mutation(seq))) != {}


@pytest.mark.parametrize("base_version", [-1, 2**63, True, "3"])
def test_push_refuses_a_bad_base_version(base_version):
    assert "base_version" in push_errors(push(mutation(base_version=base_version)))["mutations"][0]


@pytest.mark.parametrize("op", ["insert", "UPSERT", "", None, 1])
def test_push_refuses_an_unknown_op(op):
    assert "op" in push_errors(push(mutation(op=op)))["mutations"][0]


@pytest.mark.parametrize(
    "hlc",
    [
        "",
        "garbage",
        "1795486320000:2:tab-07",
        "9999999999999999:00000:tab-07",
        "0001795486320000:00002:tab 07",
        17,
        None,
    ],
)
def test_push_refuses_a_bad_hlc(hlc):
    assert "hlc" in push_errors(push(mutation(hlc=hlc)))["mutations"][0]


def test_hlc_loads_as_the_canonical_string_and_dumps_from_an_hlc():
    loaded = schemas.MutationSchema().load(mutation())
    assert loaded["hlc"] == "0001795486320000:00002:tab-07"
    dumped = schemas.MutationSchema().dump({**loaded, "hlc": HLC(1_795_486_320_000, 2, "tab-07")})
    assert dumped["hlc"] == loaded["hlc"]


@pytest.mark.parametrize(
    "device_time",
    ["2026-11-24T09:12:00", "2026-11-24", "yesterday", "2026-13-01T00:00:00Z", 1_764_000_000],
)
def test_push_refuses_a_device_time_without_offset_or_not_a_time(device_time):
    assert "device_time" in push_errors(push(mutation(device_time=device_time)))["mutations"][0]


@pytest.mark.parametrize(
    "record_id", ["", "x" * 65, "has space", "trailing\n", "-leading-dash", "ünïcode", 12345, None]
)
def test_push_refuses_a_bad_record_id(record_id):
    assert "id" in push_errors(push(mutation(id=record_id)))["mutations"][0]


@pytest.mark.parametrize("kind", ["", "ChildVisit", "child-visit", "k" * 65, None])
def test_push_refuses_a_malformed_kind(kind):
    assert "kind" in push_errors(push(mutation(kind=kind)))["mutations"][0]


def test_push_leaves_unknown_kinds_to_the_server():
    assert push_errors(push(mutation(kind="no_such_kind"))) == {}


def test_push_refuses_fields_that_are_not_an_object_or_too_many():
    assert "fields" in push_errors(push(mutation(fields=[1, 2])))["mutations"][0]
    many = {f"f{i}": i for i in range(schemas.MAX_RECORD_FIELDS + 1)}
    assert "fields" in push_errors(push(mutation(fields=many)))["mutations"][0]
    assert "fields" in push_errors(push(mutation(fields={"": 1})))["mutations"][0]
    longest = "x" * schemas.MAX_FIELD_NAME
    assert push_errors(push(mutation(fields={longest: None}))) == {}
    too_long = push_errors(push(mutation(fields={longest + "x": 1, "ok": 2})))
    assert list(too_long["mutations"][0]["fields"]) == [longest + "x"]


def test_push_refuses_too_many_or_no_mutations():
    batch = [mutation(seq) for seq in range(1, MAX_PUSH_BATCH + 2)]
    assert "mutations" in push_errors(push(*batch))
    assert push_errors(push(*batch[:MAX_PUSH_BATCH])) == {}
    assert "mutations" in push_errors({"device_id": DEVICE, "mutations": []})


def test_push_refuses_seqs_out_of_order_or_repeated():
    assert "mutations" in push_errors(push(mutation(18), mutation(17)))
    assert "mutations" in push_errors(push(mutation(17), mutation(17)))


def test_push_leaves_gaps_between_seqs_to_the_server():
    assert push_errors(push(mutation(17), mutation(19))) == {}


def test_push_refuses_unknown_keys_in_the_envelope_and_in_a_mutation():
    assert "extra" in push_errors(push(extra=1))
    assert "extra" in push_errors(push(mutation(extra=1)))["mutations"][0]


@pytest.mark.parametrize("device_id", ["", "bad device", "x" * 65, 7, None])
def test_push_refuses_a_device_id_that_cannot_be_an_hlc_node(device_id):
    assert "device_id" in push_errors(push(device_id=device_id))


def test_push_response_round_trips_and_tolerates_new_keys():
    body = {
        "last_seq": 18,
        "server_time": "2026-11-24T02:15:00.000+00:00",
        "results": [
            {"seq": 17, "id": RECORD, "status": "applied", "version": 4},
            {
                "seq": 18,
                "id": RECORD,
                "status": "conflict",
                "version": 5,
                "conflicts": ["weight_kg"],
            },
            {
                "seq": 19,
                "id": "x1",
                "status": "rejected",
                "version": None,
                "errors": {"weight_kg": ["Berat di luar batas."]},
            },
        ],
    }
    schema = schemas.PushResponseSchema()
    assert schema.load(copy.deepcopy(body)) == body
    assert schema.dump(body) == body
    assert schema.load({**body, "added_in_v2": True}) == body


@pytest.mark.parametrize("status", ["ok", "Applied", None])
def test_push_result_refuses_an_unknown_status(status):
    result = {"seq": 1, "id": RECORD, "status": status, "version": None}
    assert "status" in schemas.PushResultSchema().validate(result)


# --- instants ------------------------------------------------------------------------------


def test_instants_dump_from_datetimes_and_milliseconds_as_utc():
    schema = schemas.PushResponseSchema()
    wib = timezone(timedelta(hours=7))
    for server_time in [
        datetime(2026, 11, 24, 9, 12, 0, 123_456, tzinfo=wib),
        datetime(2026, 11, 24, 2, 12, 0, 123_000),  # naive, as SQLite returns it: UTC
        1_795_486_320_123,
        "2026-11-24T02:12:00.123+00:00",
    ]:
        dumped = schema.dump({"last_seq": 0, "server_time": server_time, "results": []})
        assert dumped["server_time"] == "2026-11-24T02:12:00.123+00:00"


def test_instant_keeps_the_offset_the_device_sent():
    loaded = schemas.MutationSchema().load(mutation(device_time="2026-11-24T09:12:00.5+08:00"))
    assert loaded["device_time"] == "2026-11-24T09:12:00.5+08:00"


# --- pull ----------------------------------------------------------------------------------


def test_pull_query_reads_limit_from_the_query_string_with_a_default():
    schema = schemas.PullQuerySchema()
    assert schema.load({}) == {"limit": 500, "digest": True}
    assert schema.load({"cursor": "c:123", "limit": "250"}) == {
        "cursor": "c:123",
        "limit": 250,
        "digest": True,
    }
    assert schema.load({"limit": "1000"})["limit"] == 1000
    assert schema.load({"digest": "0"})["digest"] is False  # the v1 addition: no digest asked
    with pytest.raises(ValidationError):
        schema.load({"digest": "yes please"})


@pytest.mark.parametrize(
    "limit",
    ["0", "1001", "-1", "1_0", " 10", "10 ", "1e3", "", "٣", "99999999999999999999", True, 2.0],
)
def test_pull_query_refuses_a_bad_limit(limit):
    assert "limit" in schemas.PullQuerySchema().validate({"limit": limit})


@pytest.mark.parametrize("cursor", ["", "x" * 201, "has space", "line\nbreak"])
def test_pull_query_refuses_a_bad_cursor(cursor):
    assert "cursor" in schemas.PullQuerySchema().validate({"cursor": cursor})


def test_pull_query_ignores_unknown_arguments():
    assert schemas.PullQuerySchema().load({"_": "1764000000"}) == {"limit": 500, "digest": True}


def pull_page(**overrides):
    """Return a valid last pull page."""
    page = {
        "changes": [
            {
                "id": RECORD,
                "kind": "child_visit",
                "version": 4,
                "deleted": False,
                "fields": {"weight_kg": 9.4, "person_id": "p-1"},
            },
            {"id": "p-2", "kind": "person", "version": 2, "deleted": True, "fields": {}},
        ],
        "cursor": "eyJwb3MiOjQyfQ",
        "more": False,
        "digest": str(Digest.of([(RECORD, 4)])),
        "reset": False,
        "server_time": "2026-11-24T02:15:00.000+00:00",
    }
    page.update(overrides)
    return page


def test_pull_response_round_trips():
    schema = schemas.PullResponseSchema()
    assert schema.load(pull_page()) == pull_page()
    assert schema.dump(pull_page()) == pull_page()


def test_pull_response_defaults_reset_to_false_and_digest_to_none():
    page = pull_page(more=True)
    del page["reset"], page["digest"]
    loaded = schemas.PullResponseSchema().load(page)
    assert loaded["reset"] is False
    assert loaded["digest"] is None
    assert schemas.PullResponseSchema().dump(page)["reset"] is False


def test_pull_response_dumps_a_digest_object():
    d = Digest.of([(RECORD, 4)])
    assert schemas.PullResponseSchema().dump(pull_page(digest=d))["digest"] == str(d)


def test_pull_response_refuses_a_digest_before_the_last_page():
    assert "digest" in schemas.PullResponseSchema().validate(pull_page(more=True))


@pytest.mark.parametrize("deleted", [0, 1, "false", None])
def test_change_refuses_a_deleted_flag_that_is_not_a_boolean(deleted):
    change = pull_page()["changes"][0]
    assert "deleted" in schemas.ChangeSchema().validate({**change, "deleted": deleted})


def test_pull_response_refuses_a_malformed_digest():
    assert "digest" in schemas.PullResponseSchema().validate(pull_page(digest="abc"))


# --- repair --------------------------------------------------------------------------------


def test_ids_query_defaults_and_bounds():
    schema = schemas.IdsQuerySchema()
    assert schema.load({}) == {"limit": 5000}
    assert schema.load({"after": RECORD, "limit": "10000"}) == {"after": RECORD, "limit": 10000}
    assert "limit" in schema.validate({"limit": "10001"})
    assert "after" in schema.validate({"after": "not an id"})


def test_ids_response_round_trips():
    body = {
        "records": [{"id": RECORD, "kind": "child_visit", "version": 4}],
        "more": True,
        "next": RECORD,
        "digest": "1-" + "0" * 31 + "1",
    }
    assert schemas.IdsResponseSchema().load(body) == body
    assert schemas.IdsResponseSchema().load({**body, "more": False, "next": None})["next"] is None


def test_fetch_request_takes_one_to_five_hundred_ids():
    schema = schemas.FetchRequestSchema()
    assert schema.load({"ids": [RECORD]}) == {"ids": [RECORD]}
    assert "ids" in schema.validate({"ids": []})
    assert "ids" in schema.validate({"ids": [f"r{i}" for i in range(501)]})
    assert "ids" in schema.validate({"ids": ["bad id"]})
    assert "extra" in schema.validate({"ids": [RECORD], "extra": 1})


def test_fetch_response_round_trips():
    body = {"changes": pull_page()["changes"], "missing": ["p-9"]}
    assert schemas.FetchResponseSchema().load(body) == body


# --- login, conflicts, errors --------------------------------------------------------------


def test_login_request_requires_all_three_keys_and_hides_the_password():
    schema = schemas.LoginRequestSchema()
    body = {"username": "siti", "password": "rahasia", "device_name": "Tablet Posyandu Mawar"}
    assert schema.load(body) == body
    assert "password" not in schema.dump(body)
    assert set(schema.validate({})) == {"username", "password", "device_name"}
    assert "password" in schema.validate({**body, "password": ""})
    assert "extra" in schema.validate({**body, "extra": 1})


def test_login_response_dumps_numeric_server_ids_as_strings():
    body = {
        "token": "t0k3n",
        "device_id": 42,
        "user": {
            "id": 7,
            "name": "Siti Aminah",
            "role": "kader",
            "scope": {"desa": ["6111012001"], "posyandu": [3]},
        },
        "server_time": datetime(2026, 11, 24, 2, 12, tzinfo=UTC),
    }
    dumped = schemas.LoginResponseSchema().dump(body)
    assert dumped["device_id"] == "42"
    assert dumped["user"]["id"] == "7"
    assert dumped["user"]["scope"] == {
        "kecamatan": [],
        "desa": ["6111012001"],
        "posyandu": ["3"],
        "puskesmas": [],
    }
    assert schemas.LoginResponseSchema().load(dumped) == dumped


@pytest.mark.parametrize("scope", [{"desa": ["61.11.01.2001"]}, {"kecamatan": ["61110"]}])
def test_scope_codes_are_undotted_kemendagri_codes(scope):
    user = {"id": "7", "name": "Siti", "role": "kader", "scope": scope}
    assert "scope" in schemas.UserSchema().validate(user)


def test_user_role_must_be_a_known_role():
    user = {"id": "7", "name": "Siti", "role": "superuser", "scope": {}}
    assert "role" in schemas.UserSchema().validate(user)


def test_conflict_round_trips():
    open_conflict = {
        "id": "12",
        "record_id": RECORD,
        "kind": "child_visit",
        "field": "weight_kg",
        "winner_value": 9.4,
        "loser_value": 9.1,
        "winner_hlc": "0001795486320000:00002:tab-07",
        "loser_hlc": "0001795486319000:00000:tab-03",
        "winner_device": "tab-07",
        "loser_device": "tab-03",
        "loser_user": "5",
        "created_at": "2026-11-24T02:15:00.000+00:00",
        "status": "open",
        "resolved_by": None,
        "resolved_at": None,
        "resolution": None,
    }
    assert schemas.ConflictSchema().load(open_conflict) == open_conflict
    resolved = {
        **open_conflict,
        "status": "resolved",
        "resolved_by": "2",
        "resolved_at": "2026-11-25T01:00:00.000+00:00",
        "resolution": "loser",
    }
    assert schemas.ConflictSchema().load(resolved) == resolved
    assert "resolution" in schemas.ConflictSchema().validate({**resolved, "resolution": "both"})


def test_resolve_request_takes_winner_or_loser():
    schema = schemas.ResolveRequestSchema()
    assert schema.load({"choice": "loser"}) == {"choice": "loser"}
    assert "choice" in schema.validate({"choice": "both"})
    assert "choice" in schema.validate({})


def test_error_schema_reads_an_error_body():
    body = {"error": {"code": "seq_gap", "message": "…", "details": {"expected_seq": 18}}}
    assert schemas.ErrorSchema().load(body) == body
    assert "error" in schemas.ErrorSchema().validate({"code": "seq_gap"})


def test_validation_errors_are_raised_by_load():
    with pytest.raises(ValidationError):
        schemas.PushRequestSchema().load(push(mutation(2**63)))


# --- the plain pass over a push (issue #19: a push's envelope without marshmallow) ------------

_ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 2**64),
    st.floats(allow_nan=False),
    st.text(max_size=3),
)
_VALID = {
    "seq": st.integers(1, 2**53),
    "id": st.sampled_from([RECORD, "PSY-A1", "a" * 64, "6111012001"]),
    "kind": st.sampled_from(["child_visit", "person", "x" * 64]),
    "op": st.sampled_from(["upsert", "delete"]),
    "base_version": st.one_of(st.none(), st.integers(0, 2**53)),
    "fields": st.dictionaries(st.text(min_size=1, max_size=64), _ANY, max_size=4),
    "hlc": st.sampled_from(["0001795486320000:00002:tab-07", "0000000000000000:00000:x"]),
    "device_time": st.sampled_from(
        [None, "2026-11-24T09:12:00+07:00", "2026-11-24T09:12:00Z", "2026-11-24T09:12:00.123Z"]
    ),
    "author": st.sampled_from([None, "kader_a1", "Ibu Sri", "a" * 64]),
}
_INVALID = {
    "seq": st.sampled_from([0, -1, 2**53 + 1, True, 1.0, "1", None]),
    "id": st.sampled_from(["", "-x", "a" * 65, "a\n", "ü", 5, None]),
    "kind": st.sampled_from(["Child", "x" * 65, "", 1, None]),
    "op": st.sampled_from(["UPSERT", "", None, 1]),
    "base_version": st.sampled_from([-1, 2**53 + 1, False, 1.5, "3"]),
    "fields": st.one_of(
        st.dictionaries(st.sampled_from(["", "x" * 65]), _ANY, min_size=1, max_size=2),
        st.sampled_from([None, [], "x", {str(i): i for i in range(257)}]),
    ),
    "hlc": st.sampled_from(["1:2:x", "0001795486320000:00002:", "0001795486320000:00002:a b", 17]),
    "device_time": st.sampled_from(["2026-11-24T09:12:00", "x" * 41, "tomorrow", 5]),
    "author": st.sampled_from(["", "a" * 65, "a\x00", 3]),
}


@st.composite
def _mutations(draw):
    """A mutation: each key present or not, each value mostly valid, sometimes not."""
    body = {}
    for key in _VALID:
        if draw(st.booleans()) or key in ("seq", "id", "kind", "op", "hlc"):
            wrong = draw(st.integers(0, 9)) == 0
            body[key] = draw((_INVALID if wrong else _VALID)[key])
    if draw(st.integers(0, 20)) == 0:
        body["extra"] = 1  # an unknown key
    if draw(st.integers(0, 20)) == 0:
        del body[draw(st.sampled_from(["seq", "id", "kind", "op", "hlc"]))]
    return body


def _both_ways(body):
    """Return (result, messages) of marshmallow's load and of PushRequestSchema.load."""
    from marshmallow import Schema

    out = []
    schema = schemas.PushRequestSchema()
    for load in (lambda b: Schema.load(schema, b), schema.load):
        try:
            out.append((load(copy.deepcopy(body)), None))
        except ValidationError as error:
            out.append((None, error.messages))
    return out


_OTHER_EXAMPLES = {  # beside the sampled values of _VALID and _INVALID
    (True, "seq"): [1, 2**53],
    (True, "base_version"): [None, 0, 2**53],
    (True, "fields"): [{}, {"a": None, "x" * 64: [1, {"b": 2}]}],
    (False, "fields"): [None, [], "x", {"": 1}, {"x" * 65: 1}, {str(i): i for i in range(257)}],
}
_EXAMPLES = [
    (key, value, valid)
    for valid, table in ((True, _VALID), (False, _INVALID))
    for key, strategy in table.items()
    for value in _OTHER_EXAMPLES.get((valid, key)) or strategy.elements
]


@pytest.mark.parametrize("key,value,valid", _EXAMPLES)
def test_the_plain_pass_judges_each_value_as_marshmallow_does(key, value, valid):
    body = push(mutation(**{key: value}))
    (expected, refused), got = _both_ways(body)
    assert got == (expected, refused)
    assert (refused is None) == valid, refused
    if valid:
        assert schemas._plain_push(copy.deepcopy(body)) == expected  # taken, not fallen back


@settings(max_examples=400)
@given(
    st.lists(_mutations(), min_size=0, max_size=4),
    st.sampled_from([DEVICE, "", "a b", 7]),
    st.integers(0, 12),
)
def test_the_plain_pass_loads_what_marshmallow_loads_and_leaves_it_every_refusal(
    mutations, device_id, shape
):
    body = {"device_id": device_id, "mutations": mutations}
    if shape == 0:
        body = {"mutations": mutations}  # no device id
    elif shape == 1:
        body["extra"] = True
    marshmallow, plain = _both_ways(body)
    assert plain == marshmallow


def test_the_plain_pass_takes_a_usual_push_itself():
    """The fast path must actually be taken for what a device sends (not only fall back)."""
    body = push(mutation(17), mutation(18, op="delete", fields={}, base_version=4, author="k1"))
    assert schemas._plain_push(copy.deepcopy(body)) == body
    del body["mutations"][0]["base_version"], body["mutations"][0]["device_time"]
    assert schemas._plain_push(body)["mutations"][0]["base_version"] is None
