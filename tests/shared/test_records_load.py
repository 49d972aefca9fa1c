"""Record schemas are loaded plainly (``validation._load_plainly``, issue #19: marshmallow's
per-field machinery was a tenth of a bulk push): every kind, valid or broken in any way, gets
exactly the values and the errors marshmallow's own ``Schema.load`` gives."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields, post_load

from shared import records
from shared.records import validation
from shared.records.registry import schema_instance
from tests.shared.test_records import FULL, MINIMAL, TODAY

JUNK = [
    None,
    "",
    "   ",
    "x" * 300,
    "abc",
    "2025-13-45",
    "2099-01-01",
    "2025-06-01",
    "\u202eterbalik",
    0,
    -1,
    3.5,
    1e9,
    float("nan"),
    float("inf"),
    True,
    False,
    [],
    ["a"],
    [{"a": 1}],
    {},
    {"a": 1},
]
CONTEXTS = [None, {"person": FULL["person"]}, {"person": MINIMAL["person"], "pregnancy": {}}]


def _both(kind: str, data, context) -> tuple:
    plain = records.validate(kind, data, today=TODAY, context=context)
    saved = validation._PLANS.copy()
    validation._PLANS.clear()
    try:
        validation._PLANS.update(dict.fromkeys(saved, None))  # every schema through marshmallow
        validation._PLANS[id(schema_instance(kind))] = None
        through_marshmallow = records.validate(kind, data, today=TODAY, context=context)
    finally:
        validation._PLANS.clear()
        validation._PLANS.update(saved)
    return plain, through_marshmallow


@pytest.mark.parametrize("kind", sorted(records.KINDS))
def test_every_kind_is_loaded_plainly(kind):
    assert validation._plain_plan(schema_instance(kind)) is not None


@st.composite
def _broken(draw, kind: str):
    base = copy.deepcopy(draw(st.sampled_from([FULL[kind], MINIMAL[kind]])))
    names = sorted(set(records.spec(kind).fields) | set(base))
    for name in draw(st.lists(st.sampled_from(names), max_size=4, unique=True)):
        if draw(st.booleans()):
            base.pop(name, None)
        else:
            base[name] = copy.deepcopy(draw(st.sampled_from(JUNK)))
    for extra in draw(st.lists(st.sampled_from(["asing", "lain", "waz_x", "Nama"]), max_size=2)):
        base[extra] = draw(st.sampled_from(JUNK))
    return base


@pytest.mark.parametrize("kind", sorted(set(FULL) & set(MINIMAL)))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_broken_records_get_marshmallows_values_and_errors(kind, data):
    record = data.draw(_broken(kind))
    context = data.draw(st.sampled_from(CONTEXTS))
    plain, expected = _both(kind, record, context)
    assert plain.values == expected.values
    assert plain.errors == expected.errors


@pytest.mark.parametrize("kind", sorted(set(FULL) & set(MINIMAL)))
@pytest.mark.parametrize("which", ["full", "minimal"])
def test_valid_records_get_marshmallows_values(kind, which):
    record = (FULL if which == "full" else MINIMAL)[kind]
    plain, expected = _both(kind, record, None)
    assert plain.ok and plain.values == expected.values


def test_a_schema_with_a_load_hook_goes_through_marshmallow():
    class Hooked(Schema):
        name = fields.String()

        @post_load
        def upper(self, data, **kwargs):
            return {"name": data["name"].upper()}

    schema = Hooked()
    assert validation._plain_plan(schema) is None
    assert validation.load(schema, {"name": "ani"}) == ({"name": "ANI"}, {})
    assert validation.load(schema, {"name": 5})[1] == {"name": ["Not a valid string."]}
