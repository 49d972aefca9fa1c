"""Record kinds of sync v1 and their marshmallow schemas: the one definition of the data.

The server's models, the client's tables and forms, the exports and every validation message
follow from what is declared here::

    from shared import records
    records.KINDS                      # reference kinds first, then the kinds devices write
    records.spec("child_visit")        # KindSpec: schema, scope_field, fields, labels, refs...
    result = records.validate("child_visit", data, context={"person": person}, lang="id")
    result.ok, result.values, result.errors

Wire rules (the server receives JSON): numbers must be JSON numbers, booleans JSON booleans,
dates ISO ``YYYY-MM-DD`` strings (1900–2100); NaN and infinity are refused; blank strings mean
"not filled"; unknown fields are errors; derived fields (z-scores, BMI...) are dropped unread.
"""

from __future__ import annotations

from .antigens import antigen_codes, antigens
from .fields import FieldInfo
from .registry import (
    KINDS,
    REFERENCE_KINDS,
    KindSpec,
    UnknownKind,
    event_date_fields,
    kinds_referring_to,
    month_service_dates,
    spec,
)
from .validation import (
    ValidationResult,
    choice_label,
    field_label,
    kind_label,
    to_wire,
    validate,
)


def field_info(kind: str, field: str) -> FieldInfo:
    """Return what forms and models need to know about ``field`` of ``kind``."""
    return spec(kind).info[field]


__all__ = [
    "KINDS",
    "REFERENCE_KINDS",
    "FieldInfo",
    "KindSpec",
    "UnknownKind",
    "ValidationResult",
    "antigen_codes",
    "antigens",
    "choice_label",
    "event_date_fields",
    "field_info",
    "field_label",
    "kind_label",
    "kinds_referring_to",
    "month_service_dates",
    "spec",
    "to_wire",
    "validate",
]
