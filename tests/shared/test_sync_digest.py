"""Scope digests and the repair diff."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.sync import digest
from shared.sync.digest import Digest, diff_ids

EMPTY = "0-" + "0" * 32

record_ids = st.uuids().map(str)
versions = st.integers(0, 2**53)
scopes = st.dictionaries(record_ids, versions, max_size=40)  # one version per id, as in a scope


def test_record_hash_is_the_first_128_bits_of_sha256_of_id_and_version():
    expected = int.from_bytes(hashlib.sha256(b"rec-1\x1f3").digest()[:16], "big")
    assert digest.record_hash("rec-1", 3) == expected
    assert 0 <= digest.record_hash("rec-1", 3) < 2**128


def test_record_hash_refuses_a_version_that_is_not_an_int():
    with pytest.raises(TypeError):
        digest.record_hash("rec-1", "3")
    with pytest.raises(TypeError):
        digest.record_hash("rec-1", True)


def test_empty_digest_has_a_fixed_form():
    assert str(Digest()) == EMPTY
    assert digest.scope_digest([]) == EMPTY


@given(st.lists(st.tuples(record_ids, versions), unique_by=lambda p: p[0]), st.randoms())
def test_digest_does_not_depend_on_order(pairs, rnd):
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    assert digest.scope_digest(pairs) == digest.scope_digest(shuffled)


@given(scopes, st.lists(st.tuples(record_ids, versions)))
def test_adding_then_removing_returns_to_the_digest_before(scope, extra):
    d = Digest.of(scope.items())
    before = d.hexdigest()
    for record_id, version in extra:
        d.add(record_id, version)
    for record_id, version in reversed(extra):
        d.remove(record_id, version)
    assert d.hexdigest() == before


@given(st.lists(st.tuples(record_ids, versions), unique_by=lambda p: p[0]))
def test_adding_then_removing_everything_gives_the_empty_digest(pairs):
    d = Digest.of(pairs)
    for record_id, version in pairs:
        d.remove(record_id, version)
    assert str(d) == EMPTY
    assert d == Digest()


@given(scopes, record_ids, versions, versions)
def test_a_different_version_gives_a_different_digest(scope, record_id, version, other):
    if version == other:
        other = version + 1
    assert digest.scope_digest({**scope, record_id: version}.items()) != digest.scope_digest(
        {**scope, record_id: other}.items()
    )


def test_a_missing_record_gives_a_different_digest():
    assert digest.scope_digest([("a", 1), ("b", 1)]) != digest.scope_digest([("a", 1)])


@given(st.lists(st.tuples(record_ids, versions)))
def test_digest_of_equals_the_incremental_digest(pairs):
    incremental = Digest()
    for record_id, version in pairs:
        incremental.add(record_id, version)
    assert Digest.of(pairs) == incremental
    assert Digest.of(pairs).count == len(pairs)


@given(scopes)
def test_updating_a_record_in_place_matches_recomputing(scope):
    d = Digest.of(scope.items())
    for record_id, version in list(scope.items()):
        d.remove(record_id, version).add(record_id, version + 1)
        scope[record_id] = version + 1
    assert d == Digest.of(scope.items())


@given(scopes, scopes)
def test_digests_of_disjoint_scopes_combine_into_the_digest_of_their_union(a, b):
    b = {key: value for key, value in b.items() if key not in a}
    combined = Digest.combine([Digest.of(a.items()), Digest.of(b.items())])
    assert combined == Digest.of({**a, **b}.items())


@given(scopes)
def test_wire_form_parses_back(scope):
    d = Digest.of(scope.items())
    text = d.hexdigest()
    assert Digest.parse(text) == d
    count, hexpart = text.split("-")
    assert int(count) == len(scope)
    assert len(hexpart) == 32


@pytest.mark.parametrize(
    "text",
    ["", "0", "0-", "x-" + "0" * 32, "1-" + "0" * 31, "1-" + "A" * 32, "-1-" + "0" * 32, None],
)
def test_parse_rejects_malformed_digests(text):
    with pytest.raises(ValueError):
        Digest.parse(text)


def test_matches_compares_digests_and_strings():
    d = Digest.of([("a", 1)])
    assert digest.matches(d, str(d))
    assert digest.matches(str(d).upper(), d)
    assert digest.matches(Digest(), EMPTY)
    assert not digest.matches(d, EMPTY)
    assert not digest.matches(None, None)
    assert not digest.matches(d, None)


def test_copy_is_independent():
    d = Digest.of([("a", 1)])
    copy = d.copy().add("b", 1)
    assert d == Digest.of([("a", 1)])
    assert copy != d


def test_digest_is_not_hashable_because_it_changes():
    with pytest.raises(TypeError):
        hash(Digest())


# --- diff_ids ------------------------------------------------------------------------------


def test_diff_ids_fetches_missing_and_changed_records_and_deletes_extra_ones():
    local = {"a": 1, "b": 2, "c": 3, "gone": 1}
    remote = [("a", "person", 1), ("b", "person", 3), ("c", "child_visit", 2), ("new", "person", 1)]
    assert diff_ids(local, remote) == (["b", "c", "new"], ["gone"])


def test_diff_ids_accepts_records_from_an_ids_response():
    remote = [{"id": "a", "kind": "person", "version": 2}]
    assert diff_ids({"a": 1}, remote) == (["a"], [])


def test_diff_ids_never_deletes_records_with_pending_mutations():
    local = {"made-offline": 0, "gone": 4}
    assert diff_ids(local, [], pending={"made-offline"}) == ([], ["gone"])


def test_diff_ids_reads_a_generator_once_and_ignores_repeated_ids():
    remote = (entry for entry in [("a", "person", 2), ("a", "person", 2)])
    assert diff_ids({}, remote) == (["a"], [])


@given(scopes, scopes)
def test_after_repair_the_local_digest_matches_the_server(local, server):
    to_fetch, to_delete = diff_ids(local, [(i, "person", v) for i, v in server.items()])
    repaired = dict(local)
    for record_id in to_delete:
        del repaired[record_id]
    for record_id in to_fetch:
        repaired[record_id] = server[record_id]
    assert repaired == server
    assert digest.matches(
        digest.scope_digest(repaired.items()), digest.scope_digest(server.items())
    )
    assert set(to_fetch).isdisjoint(to_delete)


@given(st.lists(st.tuples(record_ids, versions)))
def test_the_digest_of_pairs_is_the_pairs_added_one_by_one(pairs):
    """Digest.of hashes inline (issue #19): the same as add() pair after pair."""
    one_by_one = Digest()
    for record_id, version in pairs:
        one_by_one.add(record_id, version)
    assert Digest.of(pairs) == one_by_one


def test_a_version_that_is_not_an_int_is_refused_by_the_digest_of_pairs():
    with pytest.raises(TypeError):
        Digest.of([("a", "1")])
