"""Record kinds: every message and label is in the catalogue, in Indonesian and English."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared import i18n, records
from tests.shared.test_records import FULL, MINIMAL, TODAY

MARSHMALLOW_ENGLISH = (
    "Missing data",
    "Not a valid",
    "may not be null",
    "Unknown field.",
    "Invalid value",
    "Invalid input type",
    "Length must",
    "Must be one of",
    "greater than or equal",
    "Special numeric",
)

BAD_VALUES = [
    None,
    "",
    "x",
    "9" * 300,
    -1,
    1.5,
    10**30,
    float("nan"),
    True,
    [],
    ["x"],
    {},
    {"a": 1},
    "2025-02-30",
    "1899-01-01",
]


def all_fields():
    """Yield every (kind, field) pair."""
    for kind in records.KINDS:
        for field in records.spec(kind).fields:
            yield kind, field


def test_every_records_message_has_indonesian_and_english():
    catalogue_id, catalogue_en = i18n.catalogue("id"), i18n.catalogue("en")
    keys = [key for key in catalogue_id if key.startswith("records.")]
    assert len(keys) > 250
    assert not [pair for pair in i18n.incomplete() if pair[0].startswith("records.")]
    for key in keys:
        assert catalogue_id[key].strip() and catalogue_en[key].strip(), key


def test_error_messages_differ_between_languages():
    catalogue_id, catalogue_en = i18n.catalogue("id"), i18n.catalogue("en")
    for key in catalogue_id:
        if key.startswith(("records.error.", "records.rule.")) and key != "records.error.in_part":
            assert catalogue_id[key] != catalogue_en[key], key


@pytest.mark.parametrize(("kind", "field"), list(all_fields()))
def test_every_field_has_a_label_in_both_languages(kind, field):
    key = records.spec(kind).labels[field]
    assert key.startswith("records.label.")
    assert i18n.has(key)
    assert records.field_label(kind, field, "id")
    assert records.field_label(kind, field, "en")


def test_every_row_field_has_a_label():
    from shared.records.kinds import AttendanceSchema, ProblemSchema, SkilasSchema
    from shared.records.registry import label_key

    for schema in (AttendanceSchema, ProblemSchema, SkilasSchema):
        for name in schema().fields:
            assert i18n.has(label_key(schema.label_prefix, name)), (schema, name)


def test_every_kind_and_option_has_a_label():
    for kind in records.KINDS:
        assert records.kind_label(kind, "en") != records.spec(kind).label
        for field, info in records.spec(kind).info.items():
            for code in info.choices or ():
                if info.choice_group != "antigen":
                    assert i18n.has(f"records.choice.{info.choice_group}.{code}"), (kind, field)


def test_labels_in_both_languages():
    assert records.field_label("child_visit", "weight_kg") == "Berat badan"
    assert records.field_label("child_visit", "weight_kg", "en") == "Weight"
    assert records.field_label("pregnancy", "status") == "Status kehamilan"
    assert records.field_label("lokmin_meeting", "status", "en") == "Meeting status"
    assert records.choice_label("child_visit", "vitamin_a", "red") == "Kapsul merah 200.000 IU"
    assert records.choice_label("person", "sex", "F", "en") == "Female"


def test_english_messages_when_asked():
    data = dict(MINIMAL["person"], birth_date="2025-07-01", sex="L", nik="123", rt="RT 1")
    errors = records.validate("person", data, lang="en", today=TODAY).errors
    assert errors == {
        "birth_date": ["Date of birth cannot be later than today (30 June 2025)."],
        "sex": ["Sex must be one of: M (Male), F (Female)."],
        "nik": ["NIK (national ID number) must be exactly 16 digits."],
        "rt": ["RT (neighbourhood) must be 1 to 3 digits."],
    }


def test_language_variants_and_unknown_languages():
    data = dict(MINIMAL["child_visit"], weight_kg=41)
    assert records.validate("child_visit", data, lang="en-US", today=TODAY).errors["weight_kg"] == [
        "Weight must be between 0.9 and 40 kg."
    ]
    assert records.validate("child_visit", data, lang="fr", today=TODAY).errors["weight_kg"] == [
        "Berat badan harus antara 0,9 dan 40 kg."
    ]


def test_units_and_numbers_are_written_per_language():
    data = dict(MINIMAL["posyandu_session"], dana_sehat_rp=2_000_000_000)
    message = records.validate("posyandu_session", data, today=TODAY).errors["dana_sehat_rp"][0]
    assert message == "Dana sehat terkumpul harus antara 0 dan 1.000.000.000 rupiah."
    message = records.validate("posyandu_session", data, lang="en", today=TODAY).errors[
        "dana_sehat_rp"
    ][0]
    assert message == "Dana sehat collected must be between 0 and 1,000,000,000 rupiah."


def _assert_clean(errors, lang):
    for field, sentences in errors.items():
        assert sentences, field
        for sentence in sentences:
            assert isinstance(sentence, str) and sentence.strip()
            assert "records." not in sentence, sentence
            assert "{" not in sentence, sentence
            if lang == "id":
                assert not any(text in sentence for text in MARSHMALLOW_ENGLISH), sentence


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("kind", "field"), list(all_fields()))
def test_no_bad_value_leaks_an_untranslated_message(kind, field, lang):
    for value in BAD_VALUES:
        data = dict(FULL[kind], **{field: value})
        result = records.validate(kind, data, lang=lang, today=TODAY)
        _assert_clean(result.errors, lang)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.dates(min_value=dt.date(1800, 1, 1)).map(dt.date.isoformat),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(
    target=st.sampled_from(list(all_fields()))
    | st.tuples(st.sampled_from(records.KINDS), st.from_regex(r"[a-z_]{1,12}", fullmatch=True)),
    value=JSON,
    lang=st.sampled_from(["id", "en"]),
)
def test_any_json_value_gets_sentences_never_an_exception(target, value, lang):
    kind, field = target
    data = dict(FULL[kind], **{field: value})
    result = records.validate(kind, data, lang=lang, today=TODAY)
    _assert_clean(result.errors, lang)
    if result.ok:  # what validation returns is itself valid and comes back unchanged
        again = records.validate(kind, result.values, today=TODAY)
        assert again.ok and again.values == result.values
