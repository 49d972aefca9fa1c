"""JSON columns are read and written with orjson, and what orjson refuses or would write otherwise
goes through the standard library (issue #19: reading a thousand stored records was a sixth of an
80-visit push; writing six JSON values per record a twentieth of a bulk push)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.jsoncodec import dumps, loads

DOCUMENTS = [
    '{"weight_kg": 9.4, "name": "Siti Aminah", "flags": [], "z": -1.25, "n": null}',
    '{"big": 123456789012345678901234567890}',  # past 64 bits: orjson refuses
    '{"x": NaN, "y": Infinity}',  # the standard library's extension
    '{"s": "\\ud800"}',  # a lone surrogate
    '[1, 2.5, "tiga", true, false, null, {"a": {"b": []}}]',
    '"teks"',
    '{"neg": -123456789012345678901}',
    "-9223372036854775809",
    "18446744073709551616",
    "[1e400, -0.0, 1e-400, 123456789012345678]",
    '{"a": 1, "a": 2}',
    '{"hlc": "0001795486320000:00002:tab-07", "nik": "6111010101900001"}',
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_every_document_reads_as_the_standard_library_reads_it(text):
    expected, got = json.loads(text), loads(text)
    assert repr(got) == repr(expected)  # repr: NaN compares unequal to itself


def test_a_record_read_back_from_the_database_equals_what_was_written(app, world):
    from server.extensions import db
    from server.sync.changes import ChangeSet, Writer
    from testkit.factories import child_visit, person

    p = person(name="Ani Ümmü")
    v = child_visit(p, weight_kg=9.4)
    with app.app_context():
        changes = ChangeSet(db.session, Writer.system("test"))
        changes.server_write("person", p["id"], p)
        changes.server_write("child_visit", v["id"], v)
        changes.commit()
        db.session.commit()
        db.session.expunge_all()
        from server.models import Record

        stored = db.session.get(Record, v["id"]).fields
        assert stored["weight_kg"] == 9.4 and stored["person_id"] == p["id"]
        assert db.session.get(Record, p["id"]).fields["name"] == "Ani Ümmü"
        db.session.rollback()


VALUES = [
    {"weight_kg": 9.4, "name": "Siti Ümmü", "flags": ["a"], "z": -1.25, "n": None, "ok": True},
    {"x": float("nan"), "y": None},  # orjson would write null for NaN
    {"deep": [{"inf": float("-inf")}, None]},
    [None, 1e16, -0.0, 5e-324, 1.7976931348623157e308],
    {"big": 123456789012345678901234567890, "n": None},  # past 64 bits: orjson refuses
    {1: "kunci angka", "2": None},  # a non-string key: the standard library writes "1"
    ("tuple", None, 2.5),
    {"s": '\u202e\u200b tab\t"kutip" \\ garis\n'},
    None,
    "teks",
    -(2**63),
    2**64 - 1,
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_every_value_written_reads_back_as_the_standard_librarys_text_does(value):
    written = dumps(value)
    assert isinstance(written, str)
    assert repr(json.loads(written)) == repr(json.loads(json.dumps(value)))


def test_nan_and_infinity_are_written_as_the_standard_library_writes_them():
    assert dumps({"x": float("nan"), "n": None}) == json.dumps({"x": float("nan"), "n": None})
    assert "Infinity" in dumps([None, float("inf")])


@pytest.mark.parametrize("value", [dt.date(2026, 12, 6), {"at": dt.datetime(2026, 12, 6, 9)}])
def test_a_date_is_refused_as_the_standard_library_refuses_it(value):
    with pytest.raises(TypeError):
        dumps(value)
