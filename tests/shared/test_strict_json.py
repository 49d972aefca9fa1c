"""A JSON body is read strictly (shared/strict_json.py) and, since issue #19, by orjson first: every
body is read, or refused for the same reason, exactly as the standard library's strict reading
does."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.strict_json import NonFinite, TooLarge, has_lone_surrogate, parse_strictly

READ = [
    b'{"weight_kg": 9.4, "name": "Siti \\u00dcmm\\u00fc", "flags": [], "n": null, "ok": true}',
    b'{"seq": 1234567890123456789, "v": -1234567890123456789}',  # 19 digits: allowed
    b'{"emoji": "\\ud83d\\ude00", "tab": "a\\tb"}',  # an escaped surrogate pair is a character
    b"[1e308, -0.0, 1.5e-400, 5e-324, 0.1]",
    b'{"a": 1, "a": 2}',
    b'"teks"',
    '{"nama": "Ümmü Kalsum"}'.encode(),
    b'\xef\xbb\xbf{"x": 1}',  # a byte order mark: orjson refuses it, the standard library not
]


@pytest.mark.parametrize("data", READ)
def test_bodies_read_as_the_standard_library_reads_them(data):
    assert repr(parse_strictly(data)) == repr(json.loads(data))


@pytest.mark.parametrize(
    "data,refusal",
    [
        (b'{"x": NaN}', NonFinite),
        (b'{"x": Infinity}', NonFinite),
        (b'{"x": -Infinity}', NonFinite),
        (b'{"x": 1e999}', NonFinite),
        (b"[-1e999]", NonFinite),
        (b'{"seq": 12345678901234567890}', TooLarge),  # 20 digits
        (b'{"x": -123456789012345678901234567890}', TooLarge),
        (b'{"x": ', ValueError),
        (b"[" * 100_000 + b"]" * 100_000, RecursionError),
    ],
)
def test_bodies_refused_for_the_same_reason(data, refusal):
    with pytest.raises(refusal):
        parse_strictly(data)


def test_a_lone_surrogate_is_read_and_then_found():
    data = b'{"name": "\\ud800x"}'
    body = parse_strictly(data)
    assert body == json.loads(data) and has_lone_surrogate(data, body)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_any_value_is_read_or_refused_as_the_strict_standard_library_does(value):
    data = json.dumps(value).encode()
    try:
        expected = json.loads(
            data,
            parse_constant=lambda name: (_ for _ in ()).throw(NonFinite(name)),
            parse_float=lambda t: (
                float(t) if float(t) - float(t) == 0 else (_ for _ in ()).throw(NonFinite(t))
            ),
            parse_int=lambda t: (
                int(t) if len(t.lstrip("-")) <= 19 else (_ for _ in ()).throw(TooLarge(t))
            ),
        )
    except (NonFinite, TooLarge) as refusal:
        with pytest.raises(type(refusal)):
            parse_strictly(data)
        return
    assert repr(parse_strictly(data)) == repr(expected)
