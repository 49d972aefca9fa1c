"""Each field of an incoming mutation judged on its own, before the merge.

A field that loses a merge is not part of the record that the write path validates, but it is
kept: as the losing value of a conflict, shown to a reviewer, sent in ``/api/v1/conflicts`` and
applied if the reviewer chooses it. So every field a device sends must be a value its field
accepts (type, length, range, pattern, choices: the field's own rules; rules across fields are
the merged record's), whichever side of a merge it ends on. A mutation with a field that fails
is rejected whole, with the reasons per field, like one whose record fails validation: the
device shows them and nothing of it is applied or queued.
"""

from __future__ import annotations

from collections.abc import Mapping

from marshmallow import ValidationError

from shared.records.fields import ValidationState, reset_state, set_state
from shared.records.registry import schema_instance
from shared.records.validation import to_wire, translate_errors

UNKNOWN_FIELD = "records.error.unknown_field"


def check_fields(kind: str, values: Mapping, lang: str) -> tuple[dict, dict]:
    """Return (each field's value as its field loads it, in wire form; errors per field)."""
    schema = schema_instance(kind)
    clean: dict = {}
    raw_errors: dict = {}
    token = set_state(ValidationState())
    try:
        for name, value in values.items():
            field = schema.fields.get(name) if isinstance(name, str) else None
            if field is None or field.dump_only:
                raw_errors[str(name)] = [UNKNOWN_FIELD]
                continue
            try:
                clean[name] = to_wire(field.deserialize(value, name, values))
            except ValidationError as error:
                raw_errors[name] = error.messages
    finally:
        reset_state(token)
    return clean, translate_errors(raw_errors, schema, lang) if raw_errors else {}
