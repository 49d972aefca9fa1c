"""shared.jsoncodec gives exactly the standard library's text and values, with orjson where
that is the same (issue #19: encoding and decoding were a third of an initial pull's client
time on the device)."""

from __future__ import annotations

import datetime
import json
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.jsoncodec import dumps_sorted, has_long_digits, loads

STDLIB = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode

VALUES = [
    {"weight_kg": 6.3, "name": "Siti Aminah", "flags": [], "z": -4.41, "n": None, "ok": True},
    {"categories": {"waz": "Berat badan sangat kurang", "lhaz": "Pendek"}, "immunizations": []},
    {"tiny": 1e-05, "edge": 0.0001, "below": 9.999999999999999e-05},  # exponent below 1e-4
    {"big": 1e16, "under": 9999999999999998.0, "huge": 1.5e300, "neg": -1e22},
    {"nan": math.nan},  # orjson would write null
    {"inf": math.inf, "minus": -math.inf},
    {"zero": 0.0, "negzero": -0.0, "min": 5e-324},
    {"int64": 2**63 - 1, "uint64": 2**64 - 1, "past": 2**64, "negpast": -(2**63) - 1},
    {1: "a", 2: "b"},  # keys that are not strings: the standard library writes them as strings
    {"when": datetime.date(2026, 5, 1)},  # orjson would write it; the standard library refuses
    {"pair": (1, 2)},  # a tuple: written as a list by both, decided by the standard library
    {"lone": "\ud800"},  # a lone surrogate: orjson refuses
    {"ctrl": "".join(map(chr, range(32))) + '"\\/\x7f\u2028\u2029\ufeff😀 Ümmü'},
    {"deep": [[[[{"a": [1, 2.5, "x", None, False]}]]]]},
    {"b": 1, "a": {"d": [], "c": {}}, "é": 1, "z": 2, "Z": 3, "😀": 4, "\uffff": 5},
    [1, 2, 3],
    "teks",
    7,
    None,
]


def _stdlib_or_error(value):
    try:
        return STDLIB(value)
    except (TypeError, ValueError) as exc:
        return type(exc)


def _ours_or_error(value):
    try:
        return dumps_sorted(value)
    except (TypeError, ValueError) as exc:
        return type(exc)


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_dumps_sorted_writes_what_the_standard_library_writes(value):
    assert _ours_or_error(value) == _stdlib_or_error(value)


def test_floats_around_the_edges_of_orjsons_plain_range_are_written_alike():
    for edge in (1e-4, 1e16):
        for step in range(-40, 41):
            value = edge
            for _ in range(abs(step)):
                value = math.nextafter(value, math.inf if step > 0 else 0.0)
            assert dumps_sorted({"v": value}) == STDLIB({"v": value})
            assert dumps_sorted({"v": -value}) == STDLIB({"v": -value})


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=12))
def test_dumps_sorted_equals_the_standard_library_for_any_json_like_value(value):
    assert _ours_or_error(value) == _stdlib_or_error(value)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_is_written_as_repr_writes_it(number):
    assert dumps_sorted({"v": number}) == STDLIB({"v": number})


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80) | st.text(alphabet='0123456789 a"-.e', max_size=80).map(str.encode))
def test_the_digit_run_check_on_bytes_agrees_with_the_regular_expression(data):
    expected = re.search(rb"[0-9]{19}", data) is not None
    assert has_long_digits(data) is expected
    assert has_long_digits(bytearray(data)) is expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('0123456789 a"\u0660\u0966\U0001d7ce\ud800é'), max_size=80))
def test_the_digit_run_check_on_text_agrees_with_the_regular_expression(text):
    # Arabic-Indic, Devanagari and mathematical digits are not JSON digits; a lone surrogate
    # (which the standard library reads) must not make the check fail.
    assert has_long_digits(text) is (re.search(r"[0-9]{19}", text) is not None)


@pytest.mark.parametrize("value", [1.5, 3, None, ["1"]])
def test_loads_of_a_value_that_is_not_text_raises_type_error_as_the_standard_library(value):
    # SQLAlchemy's SQLite JSON type catches TypeError to return a number SQLite stored as one.
    with pytest.raises(TypeError):
        json.loads(value)
    with pytest.raises(TypeError):
        loads(value)


@pytest.mark.parametrize(
    "text",
    [
        b'{"changes": [{"id": "a", "version": 1, "fields": {"w": 6.3, "n": null}}]}',
        b'{"big": 123456789012345678901234567890}',  # past 64 bits: the standard library
        b'{"nik": "6111010101900001", "x": 1234567890123456789}',
        b'{"x": NaN}',
        b'{"s": "\\ud800"}',
        '{"name": "Ümmü"}'.encode(),
        '{"name": "Ümmü"}'.encode("utf-16"),  # not UTF-8: orjson refuses, json detects it
    ],
)
def test_loads_of_bytes_reads_what_the_standard_library_reads(text):
    assert repr(loads(text)) == repr(json.loads(text))
