"""Validate a whole record of a kind and explain every problem in the reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, missing
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA
from marshmallow.error_store import ErrorStore

from shared import i18n

from .fields import (
    Choice,
    Digits,
    ListOf,
    Nested,
    RecordField,
    ValidationState,
    default_today,
    reset_state,
    set_state,
)
from .messages import UNITS, format_value
from .registry import label_key, schema_instance, spec

SCHEMA_ERRORS = "_schema"
_SCALARS = frozenset({str, int, float, bool})


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of :func:`validate`.

    ``values`` is the record in wire form (ISO dates, derived fields removed, defaults filled, every
    field of the kind present); when there are errors it holds only the fields that were valid.
    ``errors`` maps a field (or ``_schema`` for the record as a whole) to sentences.
    """

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Tell whether the record is valid."""
        return not self.errors


def validate(
    kind: str,
    data: Any,
    *,
    context: Mapping[str, Any] | None = None,
    lang: str | None = "id",
    today: dt.date | None = None,
) -> ValidationResult:
    """Validate a whole record of ``kind``; derived fields are dropped, unknown ones are errors.

    ``context`` holds related records, e.g. ``{"person": {"birth_date": "2024-01-05"}}`` or
    ``{"pregnancy": {...}}``; ``today`` bounds "not in the future" (default: today in WIT).
    """
    kind_spec = spec(kind)
    if not isinstance(data, Mapping):
        return ValidationResult(
            {}, {SCHEMA_ERRORS: [i18n.t("records.error.record_not_object", lang)]}
        )
    payload = {key: value for key, value in data.items() if key not in kind_spec.derived_fields}
    schema = schema_instance(kind)
    if isinstance(today, dt.datetime):
        today = today.date()
    token = set_state(ValidationState(today=today or default_today(), context=context or {}))
    try:
        loaded, raw_errors = load(schema, payload)
    finally:
        reset_state(token)
    if raw_errors:
        loaded = {key: value for key, value in loaded.items() if key not in raw_errors}
    errors = translate_errors(raw_errors, schema, lang) if raw_errors else {}
    return ValidationResult(to_wire(loaded), errors)


def load(schema: Schema, data: Mapping) -> tuple[dict, dict]:
    """Return ``schema.load(data)`` as (valid data, marshmallow's errors), without raising.

    A record schema as ours are built (no load hooks, no field validators, no data keys,
    unknown fields refused) is loaded by :func:`_load_plainly`, marshmallow's steps without its
    general machinery: a closure, a keyword dict and two calls per field were half of a
    record's validation, a tenth of a bulk push. Any other schema goes through marshmallow.
    ``tests/shared/test_records_load.py`` holds both to the same answers for every kind.
    """
    plan = _plain_plan(schema)
    if plan is None:
        try:
            return schema.load(data), {}
        except ValidationError as error:
            return dict(error.valid_data or {}), error.messages
    fields, names, checks, _ = plan  # the last: the schema the plan is of
    return _load_plainly(schema, data, fields, names, checks)


_PLANS: dict[int, tuple | None] = {}


def _plain_plan(schema: Schema) -> tuple | None:
    """Return (fields, their names, schema validators) if ``schema`` may be loaded plainly."""
    key = id(schema)
    if key not in _PLANS:
        _PLANS[key] = _plan_of(schema)
    plan = _PLANS[key]
    return plan if plan is None or plan[3] is schema else _plan_of(schema)


def _plan_of(schema: Schema) -> tuple | None:
    hooks = schema._hooks  # noqa: SLF001 (marshmallow's registry of decorated methods)
    validators = hooks[VALIDATES_SCHEMA]
    if (
        hooks[PRE_LOAD]
        or hooks[POST_LOAD]
        or hooks[VALIDATES]
        or any(many or options.get("pass_original") for _, many, options in validators)
        or schema.many
        or schema.partial
        or schema.unknown != RAISE
        or schema.dict_class is not dict
        or type(schema).handle_error is not Schema.handle_error
        or any(
            f.data_key is not None or f.attribute is not None for f in schema.load_fields.values()
        )
        or any("." in name for name in schema.load_fields)  # marshmallow would nest the value
    ):
        return None
    fields = tuple(schema.load_fields.items())
    checks = tuple(
        (getattr(schema, name), options["skip_on_field_errors"]) for name, _, options in validators
    )
    return fields, frozenset(schema.load_fields), checks, schema


def _load_plainly(schema: Schema, data: Mapping, fields, names, checks) -> tuple:
    """marshmallow's ``Schema._do_load`` for a plain schema (see :func:`load`)."""
    store = ErrorStore()
    out: dict = {}
    for name, field_obj in fields:
        try:
            value = field_obj.deserialize(data.get(name, missing), name, data)
        except ValidationError as error:
            store.store_error(error.messages, name)
            value = error.valid_data or missing
        if value is not missing:
            out[name] = value
    for key in set(data) - names:
        store.store_error([schema.error_messages["unknown"]], key)
    field_errors = bool(store.errors)
    for check, skip_on_field_errors in checks:
        if field_errors and skip_on_field_errors:
            continue
        try:
            check(out, partial=schema.partial, many=False, unknown=RAISE)
        except ValidationError as error:
            store.store_error(error.messages, error.field_name)
    return out, store.errors


def to_wire(value: Any) -> Any:
    """Return ``value`` as JSON-ready data: dates become ISO strings."""
    if value is None or type(value) in _SCALARS:
        return value  # most values: no ABC checks (a fifth of a record's validation)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: to_wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    return value


def field_label(kind: str, field: str, lang: str | None = "id") -> str:
    """Return the label of ``field`` of ``kind`` in ``lang``."""
    return i18n.t(spec(kind).labels.get(field, f"records.label.{field}"), lang)


def kind_label(kind: str, lang: str | None = "id") -> str:
    """Return the name of ``kind`` in ``lang``."""
    return i18n.t(spec(kind).label, lang)


def choice_label(kind: str, field: str, value: str, lang: str | None = "id") -> str:
    """Return the label of option ``value`` of a choice field (the code itself if unknown)."""
    info = spec(kind).info.get(field)
    key = f"records.choice.{info.choice_group}.{value}" if info and info.choice_group else None
    return i18n.t(key, lang) if key and i18n.has(key) else str(value)


def translate_errors(
    errors: Mapping[Any, Any], schema: Schema, lang: str | None
) -> dict[str, list[str]]:
    """Turn marshmallow's error tree of ``schema`` into sentences per top-level field."""
    prefix = getattr(schema, "label_prefix", "")
    out: dict[str, list[str]] = {}
    for name, messages in errors.items():
        name = str(name)
        field_obj = schema.fields.get(name) if name != SCHEMA_ERRORS else None
        label = i18n.t(label_key(prefix, name), lang) if field_obj is not None else None
        out[name] = _sentences(messages, field_obj, label, name, lang)
    return out


def _sentences(
    messages: Any, field_obj: Any, label: str | None, name: str, lang: str | None
) -> list[str]:
    """Render the errors of one field, descending into list items and rows."""
    if not isinstance(messages, Mapping):
        items = messages if isinstance(messages, list) else [messages]
        return [_render(message, field_obj, label, name, lang) for message in items]
    out: list[str] = []
    for key, sub in messages.items():
        if key == SCHEMA_ERRORS:
            out += _sentences(sub, field_obj, label, name, lang)
        elif isinstance(field_obj, ListOf):
            out += _sentences(sub, field_obj.inner, label, name, lang)
        elif isinstance(field_obj, Nested) and field_obj.many and isinstance(key, int):
            out += _row_sentences(sub, field_obj, label or name, key + 1, lang)
        elif isinstance(field_obj, Nested):
            for sentence in translate_errors({key: sub}, field_obj.schema, lang)[str(key)]:
                out.append(
                    i18n.t("records.error.in_part", lang, field=label or name, message=sentence)
                )
        else:
            out += _sentences(sub, field_obj, label, name, lang)
    return out


def _row_sentences(
    errors: Any, field_obj: Nested, label: str, row: int, lang: str | None
) -> list[str]:
    """Render the errors of one row of a list of sub-records."""
    if not isinstance(errors, Mapping) or set(errors) == {SCHEMA_ERRORS}:
        return [i18n.t("records.error.row_not_object", lang, field=label, row=row)]
    sentences = [
        sentence
        for group in translate_errors(errors, field_obj.schema, lang).values()
        for sentence in group
    ]
    return [
        i18n.t("records.error.in_row", lang, field=label, row=row, message=sentence)
        for sentence in sentences
    ]


def _render(message: Any, field_obj: Any, label: str | None, name: str, lang: str | None) -> str:
    """Render one error: a catalogue key, filled with the field's limits and the error's values."""
    key = str(message)
    if not key.startswith("records.") or not i18n.has(key):
        key = "records.error.invalid"
    params = _field_params(field_obj, lang)
    params.update({k: format_value(v, lang) for k, v in getattr(message, "params", {}).items()})
    shown = name if len(name) <= 60 else f"{name[:59]}…"
    return i18n.t(key, lang, field=label or shown, name=shown, **params)


def _field_params(field_obj: Any, lang: str | None) -> dict[str, str]:
    """Return the limits of a field as message parameters (range, unit, length, choices...)."""
    if not isinstance(field_obj, RecordField):
        return {}
    info = field_obj.info(field_obj.name or "")
    params: dict[str, str] = {"unit": ""}
    if info.min is not None and info.max is not None:
        params.update(min=format_value(info.min, lang), max=format_value(info.max, lang))
    if info.unit:
        unit = i18n.t(f"records.unit.{info.unit}", lang) if info.unit in UNITS else info.unit
        params["unit"] = f" {unit}"
    if info.max_length is not None:
        params["max_length"] = format_value(info.max_length, lang)
    if info.max_items is not None:
        params["max_items"] = format_value(info.max_items, lang)
    if isinstance(field_obj, Digits) and len(field_obj.lengths) == 1:
        params["digits"] = str(field_obj.lengths[0])
    if isinstance(field_obj, Choice):
        params["choices"] = ", ".join(
            _option(field_obj.group, code, lang) for code in field_obj.choices
        )
    return params


def _option(group: str, code: str, lang: str | None) -> str:
    """Write one option of a choice as ``code (label)``, or just the code if that is its label."""
    label = i18n.t(f"records.choice.{group}.{code}", lang)
    return code if label.lower() == code.lower() else f"{code} ({label})"
