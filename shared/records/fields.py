"""Strict marshmallow field types for record kinds, and the metadata forms and models read.

The wire format is JSON, so the fields are strict about types: a number must be a JSON number
(``"12.5"`` is refused, so a client bug shows up as an error instead of a silent guess), a boolean
must be ``true`` or ``false`` (``"yes"``, ``"true"``, ``1`` are refused), a date is an ISO string
``YYYY-MM-DD`` between 1900 and 2100. Text-like fields (text, choices, codes, dates, ids) treat an
empty or blank string as "not filled" (``None``), because that is what an empty form input sends.

Errors are raised as :class:`Problem` values (catalogue keys with parameters), never as
marshmallow's English sentences; :mod:`shared.records.messages` turns them into sentences.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from marshmallow import fields as ma_fields
from marshmallow.error_store import merge_errors
from marshmallow.utils import missing

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
# The latest calendar date anywhere in Indonesia is in WIT (UTC+9): a visit recorded in Papua just
# after midnight must not look "in the future" to a server whose clock runs on UTC.
WIT = dt.timezone(dt.timedelta(hours=9))

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_FACILITY_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}(-[A-Z0-9]{1,20}){0,4}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")
_SHORT_NUMBER = re.compile(r"^\d{1,3}$")


class Problem(str):
    """An error as a catalogue key plus parameters, translated once validation is over."""

    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Problem:
        problem = super().__new__(cls, key)
        problem.params = params
        return problem

    def error(self) -> ValidationError:
        """Wrap the problem in a marshmallow ValidationError."""
        return ValidationError(self)


def default_today() -> dt.date:
    """Return today's date in the easternmost Indonesian time zone."""
    return dt.datetime.now(WIT).date()


@dataclass(frozen=True)
class ValidationState:
    """What a validation run knows beyond the record: the date of today and related records."""

    today: dt.date = field(default_factory=default_today)
    context: Mapping[str, Any] = field(default_factory=dict)


_state: ContextVar[ValidationState | None] = ContextVar("records_validation_state", default=None)


def current_state() -> ValidationState:
    """Return the state of the validation run in progress (a fresh one outside any run)."""
    return _state.get() or ValidationState()


def set_state(state: ValidationState):
    """Install ``state`` for the current run; return the token to reset it."""
    return _state.set(state)


def reset_state(token) -> None:
    """Restore the state that was in place before :func:`set_state`."""
    _state.reset(token)


@dataclass(frozen=True)
class FieldInfo:
    """What a form, a model or an export needs to know about one field."""

    name: str
    type: str
    required: bool
    default: Any = None
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    places: int | None = None
    max_length: int | None = None
    max_items: int | None = None
    choices: tuple[str, ...] | None = None
    choice_group: str | None = None
    digits: tuple[int, ...] | None = None
    not_future: bool = False
    many: bool = False
    item_type: str | None = None
    nested: str | None = None


class RecordField(ma_fields.Field):
    """Base of every record field: strict types, catalogue errors, null means default."""

    type_name = "any"
    blank_is_null = True
    error_keys = {"required": "records.error.required", "null": "records.error.required"}

    def __init__(self, *args: Any, required: bool = False, default: Any = None, **kwargs: Any):
        self.default = default
        if required:
            super().__init__(*args, required=True, **kwargs)
        else:
            load_default = (lambda: list(default)) if isinstance(default, list) else default
            super().__init__(*args, load_default=load_default, allow_none=True, **kwargs)

    def make_error(self, key: str, **kwargs: Any) -> ValidationError:
        """Return marshmallow's built-in errors as catalogue keys."""
        return Problem(self.error_keys.get(key, "records.error.invalid")).error()

    def deserialize(self, value: Any, attr=None, data=None, **kwargs: Any):
        """Treat blank text as null and null as the default, then load strictly."""
        if value is missing and not self.required:
            # An absent optional field (most of a visit's): marshmallow's answer, without its
            # checks that cannot fail here.
            default = self.load_default
            return default() if callable(default) else default
        if self.blank_is_null and isinstance(value, str) and not value.strip():
            value = None
        if value is None and self.default is not None:
            return list(self.default) if isinstance(self.default, list) else self.default
        if value is None and self.required:
            value = missing
        return super().deserialize(value, attr, data, **kwargs)

    def _validate(self, value: Any) -> None:
        """Run the field's validators; most have none, and marshmallow would build an ``And``
        of nothing for every value (a tenth of a record's validation)."""
        if self.validators:
            super()._validate(value)

    def info(self, name: str) -> FieldInfo:
        """Describe this field for forms, models and exports."""
        return FieldInfo(
            name=name,
            type=self.type_name,
            required=self.required,
            default=self.default,
            **self.info_extra(),
        )

    def info_extra(self) -> dict[str, Any]:
        """Return the type-specific part of :meth:`info`."""
        return {}


def strip_invisible(text: str) -> str:
    """Return ``text`` without invisible format characters, normalised to NFC.

    Format characters (Unicode category Cf) are the bidi controls that turn text around
    (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F), the zero-width ones that hide inside a name
    (U+200B-U+200D, U+2060, U+FEFF) and the soft hyphen: none belongs in a posyandu record, and a
    name holding them looks like another name or escapes the duplicate check. Every
    :class:`Text` field removes them, so the server cleans what any client sends.
    """
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    )


class Text(RecordField):
    """A string without invisible characters, stripped, at most ``max_length`` long, optionally
    matching a pattern."""

    type_name = "string"

    def __init__(
        self,
        max_length: int = 200,
        *,
        multiline: bool = False,
        pattern: re.Pattern[str] | None = None,
        pattern_key: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.multiline = multiline
        self.pattern = pattern
        self.pattern_key = pattern_key

    def deserialize(self, value: Any, attr=None, data=None, **kwargs: Any):
        """Remove invisible characters first: a text of nothing else is not filled."""
        if isinstance(value, str):
            value = strip_invisible(value)
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise Problem("records.error.not_string").error()
        text = value.strip()
        # A pattern says more than a length ("1 to 3 digits"), so it is checked first.
        if self.pattern is not None and not self.pattern.match(text):
            raise Problem(self.pattern_key or "records.error.invalid").error()
        if len(text) > self.max_length:
            raise Problem("records.error.too_long").error()
        if not _clean_text(text, self.multiline):
            raise Problem("records.error.bad_characters").error()
        return text

    def info_extra(self):
        return {"max_length": self.max_length}


def _clean_text(text: str, multiline: bool) -> bool:
    """Tell whether ``text`` is storable: valid UTF-8, no control characters but line breaks."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    allowed = {"\n", "\r", "\t"} if multiline else set()
    return not any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def phone_field(**kwargs: Any) -> Text:
    """Return a phone-number field."""
    return Text(20, pattern=_PHONE, pattern_key="records.error.phone", **kwargs)


def rt_rw_field(**kwargs: Any) -> Text:
    """Return an RT/RW field: one to three digits, kept as text ("003")."""
    return Text(3, pattern=_SHORT_NUMBER, pattern_key="records.error.short_number", **kwargs)


class Number(RecordField):
    """A decimal measurement in ``[min, max]``, rounded to ``places`` decimals."""

    type_name = "number"
    blank_is_null = False

    def __init__(
        self, min: float, max: float, *, unit: str | None = None, places: int = 2, **kwargs: Any
    ):
        super().__init__(**kwargs)
        self.min, self.max, self.unit, self.places = min, max, unit, places

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Problem("records.error.not_number").error()
        if isinstance(value, float) and not math.isfinite(value):
            raise Problem("records.error.not_finite").error()
        if not self.min <= value <= self.max:
            raise Problem("records.error.range").error()
        return round(float(value), self.places)

    def info_extra(self):
        return {"min": self.min, "max": self.max, "unit": self.unit, "places": self.places}


class Integer(RecordField):
    """A whole number in ``[min, max]`` (``3.0`` is accepted as 3, ``3.5`` is not)."""

    type_name = "integer"
    blank_is_null = False

    def __init__(self, min: int, max: int, *, unit: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.min, self.max, self.unit = min, max, unit

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Problem("records.error.not_integer").error()
        if isinstance(value, float):
            if not math.isfinite(value):
                raise Problem("records.error.not_finite").error()
            if not value.is_integer():
                raise Problem("records.error.not_integer").error()
        if not self.min <= value <= self.max:
            raise Problem("records.error.range").error()
        return int(value)

    def info_extra(self):
        return {"min": self.min, "max": self.max, "unit": self.unit}


class Boolean(RecordField):
    """A real JSON boolean: ``true`` or ``false``, nothing that merely looks like one."""

    type_name = "boolean"
    blank_is_null = False

    def _deserialize(self, value, attr, data, **kwargs):
        if value is True or value is False:
            return value
        raise Problem("records.error.not_boolean").error()


class Date(RecordField):
    """An ISO date string ``YYYY-MM-DD`` from 1900 to 2100, optionally not after today."""

    type_name = "date"

    def __init__(self, *, not_future: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.not_future = not_future

    def _deserialize(self, value, attr, data, **kwargs):
        day = parse_date(value)
        if day is None:
            raise Problem("records.error.not_date").error()
        if not MIN_DATE <= day <= MAX_DATE:
            raise Problem("records.error.date_range").error()
        today = current_state().today
        if self.not_future and day > today:
            raise Problem("records.error.future", today=today).error()
        return day

    def info_extra(self):
        return {"not_future": self.not_future}


def parse_date(value: Any) -> dt.date | None:
    """Return ``value`` as a date if it is a date or a strict ISO date string, else None."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class Month(RecordField):
    """A calendar month ``YYYY-MM`` (kept as that string), not after the current month unless
    ``allow_future`` (a plan's month)."""

    type_name = "month"

    def __init__(self, *args: Any, allow_future: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.allow_future = allow_future

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _ISO_MONTH.match(value.strip()):
            raise Problem("records.error.not_month").error()
        year, month = (int(part) for part in value.strip().split("-"))
        if not 1 <= month <= 12:
            raise Problem("records.error.not_month").error()
        if not MIN_DATE.year <= year <= MAX_DATE.year:
            raise Problem("records.error.date_range").error()
        today = current_state().today
        if not self.allow_future and (year, month) > (today.year, today.month):
            raise Problem("records.error.month_future", month=f"{today:%Y-%m}").error()
        return f"{year:04d}-{month:02d}"


class Choice(RecordField):
    """One code out of a fixed list; ``group`` names its labels ``records.choice.<group>.*``."""

    type_name = "choice"

    def __init__(self, choices: Iterable[str], group: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.choices = tuple(choices)
        self.group = group

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or value.strip() not in self.choices:
            raise Problem("records.error.one_of").error()
        return value.strip()

    def info_extra(self):
        return {"choices": self.choices, "choice_group": self.group}


class Digits(RecordField):
    """A code of exactly ``n`` digits, kept as text (NIK, No. KK, desa and kecamatan codes).

    With ``undot`` the dotted Kemendagri form (``61.11.01.2001``) is accepted and stored undotted.
    """

    type_name = "code"

    def __init__(self, *lengths: int, undot: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.lengths = lengths
        self.undot = undot

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self._problem().error()
        code = value.strip()
        if self.undot and re.fullmatch(r"\d+(\.\d+)+", code):
            code = code.replace(".", "")
        if not (code.isascii() and code.isdigit() and len(code) in self.lengths):
            raise self._problem().error()
        return code

    def _problem(self) -> Problem:
        """Return the error for a malformed code: "n digits" or "a wilayah code"."""
        if len(self.lengths) == 1:
            return Problem("records.error.digits")
        return Problem("records.error.wilayah_code")

    def info_extra(self):
        return {"digits": self.lengths}


def desa_code_field(**kwargs: Any) -> Digits:
    """Return a 10-digit desa/kelurahan code field (dots accepted, stored undotted)."""
    return Digits(10, undot=True, **kwargs)


def kecamatan_code_field(**kwargs: Any) -> Digits:
    """Return a 6-digit kecamatan code field (dots accepted, stored undotted)."""
    return Digits(6, undot=True, **kwargs)


def wilayah_code_field(**kwargs: Any) -> Digits:
    """Return a Kemendagri code field of any level: 2, 4, 6 or 10 digits."""
    return Digits(2, 4, 6, 10, undot=True, **kwargs)


class Uuid(RecordField):
    """A UUID in its canonical 8-4-4-4-12 hex form, stored lowercase."""

    type_name = "uuid"

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _UUID.match(value.strip()):
            raise Problem("records.error.uuid").error()
        return value.strip().lower()


class FacilityCode(RecordField):
    """A facility code such as ``PSY-6111012001-01``: capitals, digits, dash-separated."""

    type_name = "facility_code"

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 60 or not _FACILITY_CODE.match(value.strip()):
            raise Problem("records.error.facility_code").error()
        return value.strip()

    def info_extra(self):
        return {"max_length": 60}


class ListOf(RecordField, ma_fields.List):
    """A list of ``inner`` values, at most ``max_items`` long, optionally without duplicates."""

    type_name = "list"
    blank_is_null = False
    error_keys = {**RecordField.error_keys, "invalid": "records.error.not_list"}

    def __init__(
        self, inner: RecordField, *, max_items: int = 100, unique: bool = True, **kwargs: Any
    ):
        kwargs.setdefault("default", [])
        super().__init__(inner, **kwargs)
        self.max_items = max_items
        self.unique = unique

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list | tuple):
            raise Problem("records.error.not_list").error()
        if len(value) > self.max_items:
            raise Problem("records.error.too_many").error()
        try:
            items, errors = super()._deserialize(value, attr, data, **kwargs), {}
        except ValidationError as error:
            items, errors = error.valid_data or [], error.messages
        duplicate = self._first_duplicate(items) if self.unique else None
        if duplicate is not None:
            errors = merge_errors(errors, [Problem("records.error.duplicate", value=duplicate)])
        if errors:
            # No valid_data: a list with a bad item is left out of the values as a whole.
            raise ValidationError(errors)
        return items

    @staticmethod
    def _first_duplicate(items: list[Any]) -> Any:
        """Return the first item seen twice, or None."""
        seen: set[Any] = set()
        for item in items:
            if item in seen:
                return item
            seen.add(item)
        return None

    def info_extra(self):
        inner = self.inner.info(self.name or "") if isinstance(self.inner, RecordField) else None
        extra: dict[str, Any] = {"many": True, "max_items": self.max_items}
        if inner is not None:
            extra["item_type"] = inner.type
            for key in ("choices", "choice_group", "digits", "max_length"):
                if getattr(inner, key) is not None:
                    extra[key] = getattr(inner, key)
        return extra


class Antigen(RecordField):
    """An antigen code from the configurable table ``data/antigens.csv``."""

    type_name = "choice"

    def __init__(self, codes: Callable[[], Iterable[str]], **kwargs: Any):
        super().__init__(**kwargs)
        self.codes = codes

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise Problem("records.error.antigen_not_code").error()
        if value.strip() not in set(self.codes()):
            raise Problem("records.error.unknown_antigen", value=value.strip()[:40]).error()
        return value.strip()

    def info_extra(self):
        return {"choices": tuple(self.codes()), "choice_group": "antigen"}


class Nested(RecordField, ma_fields.Nested):
    """A sub-record (``many=False``, e.g. SKILAS) or a list of rows (``many=True``)."""

    type_name = "object"
    blank_is_null = False
    error_keys = {**RecordField.error_keys, "type": "records.error.not_object"}

    def __init__(self, schema: type, *, many: bool = False, max_items: int = 200, **kwargs: Any):
        if many:
            kwargs.setdefault("default", [])
        super().__init__(schema, many=many, **kwargs)
        self.max_items = max_items

    def _deserialize(self, value, attr, data, **kwargs):
        if self.many:
            if not isinstance(value, list | tuple):
                raise Problem("records.error.not_list").error()
            if len(value) > self.max_items:
                raise Problem("records.error.too_many").error()
        elif not isinstance(value, Mapping):
            raise Problem("records.error.not_object").error()
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as error:
            # No valid_data: a sub-record with a bad part is left out of the values as a whole.
            raise ValidationError(error.messages) from None

    def info_extra(self):
        extra: dict[str, Any] = {"nested": getattr(self.nested, "label_prefix", None)}
        if self.many:
            extra.update(many=True, max_items=self.max_items, item_type="object")
        return extra
