"""The request and response bodies of sync protocol v1, as marshmallow schemas.

The server validates requests with them and flask-smorest documents the API from them; the client
can check the server's answers with the same classes. Every integer that comes in is bounded (a
value above 2**63 would overflow SQLite's driver), every string has a maximum length, and booleans
must be JSON booleans.

Request schemas refuse unknown keys. Response schemas ignore them, so a device that has not been
updated for months still reads answers from a newer server that added a key.

Instants (``server_time``, ``device_time``, ...) load as the string that was sent, after checking
it is ISO 8601 with an offset; they dump from such a string, an aware datetime, a naive datetime
taken as UTC (what SQLite gives back), or integer Unix milliseconds.
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import pairwise
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, validate, validates_schema
from marshmallow import fields as mf

from shared.sync import (
    CONFLICT_STATUSES,
    DEFAULT_IDS_LIMIT,
    DEFAULT_PULL_LIMIT,
    MAX_FETCH_IDS,
    MAX_IDS_LIMIT,
    MAX_PULL_LIMIT,
    MAX_PUSH_BATCH,
    MAX_SEQ,
    MAX_VERSION,
    OPS,
    RESOLUTIONS,
    ROLES,
    STATUSES,
    hlc,
)
from shared.sync.digest import DIGEST_PATTERN, Digest

RECORD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
KIND_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
CURSOR_PATTERN = r"^[!-~]{1,200}$"  # printable ASCII, no space
KECAMATAN_PATTERN = r"^[0-9]{6}$"  # Kemendagri code, undotted
DESA_PATTERN = r"^[0-9]{10}$"
MAX_RECORD_FIELDS = 256
MAX_FIELD_NAME = 64


class FullMatch(validate.Regexp):
    """Like ``validate.Regexp``, but the whole string must match.

    ``Regexp`` uses ``re.match``, where ``$`` also matches before a final newline; the pattern
    itself is still published in the OpenAPI document.
    """

    def __call__(self, value: str) -> str:
        """Return ``value`` if the pattern matches all of it."""
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class StrictInteger(mf.Integer):
    """A JSON integer within ``minimum..maximum``: no strings, floats or booleans."""

    def __init__(self, minimum: int, maximum: int, **kwargs: Any) -> None:
        """Bound the integer to ``minimum..maximum``."""
        super().__init__(strict=True, validate=validate.Range(minimum, maximum), **kwargs)


class QueryInteger(mf.Integer):
    """An integer from a query string: ASCII digits only (``int()`` would take ``" 1_0 "``)."""

    def __init__(self, minimum: int, maximum: int, **kwargs: Any) -> None:
        """Bound the integer to ``minimum..maximum``."""
        super().__init__(validate=validate.Range(minimum, maximum), **kwargs)

    def _validated(self, value: Any) -> int:
        """Accept a digit string of at most 16 digits, or an int."""
        if isinstance(value, str):
            if re.fullmatch(r"[0-9]{1,16}", value) is None:
                raise self.make_error("invalid", input=value)
        elif not isinstance(value, int) or isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return int(value)


class StrictBoolean(mf.Boolean):
    """A JSON ``true`` or ``false``, nothing truthy."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        """Return ``value`` if it is a boolean."""
        if value is True or value is False:
            return value
        raise self.make_error("invalid", input=value)


class Instant(mf.String):
    """An ISO 8601 instant with an offset, e.g. ``2026-11-24T09:12:00+07:00``."""

    def __init__(self, **kwargs: Any) -> None:
        """Document the field as an RFC 3339 date-time."""
        metadata = {"format": "date-time", **kwargs.pop("metadata", {})}
        super().__init__(validate=validate.Length(max=40), metadata=metadata, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        """Write a string as is, a datetime or Unix milliseconds as UTC."""
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, datetime):
            return hlc.datetime_to_iso(value)
        return hlc.ms_to_iso(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        """Return the string sent, once it is known to be an instant with an offset."""
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            hlc.iso_to_ms(text)
        except ValueError as error:
            raise ValidationError("Not an ISO 8601 date-time with an offset.") from error
        return text


class HLCField(mf.String):
    """A hybrid logical clock in its wire form; loads as that (canonical) string."""

    def __init__(self, **kwargs: Any) -> None:
        """Publish the wire pattern."""
        super().__init__(validate=FullMatch(hlc.HLC_PATTERN), **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        """Write an ``HLC`` or a string in wire form."""
        return None if value is None else str(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        """Return the string sent, once ``hlc.parse`` accepts it."""
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            hlc.parse(text)
        except ValueError as error:
            raise ValidationError("Not a hybrid logical clock (ms:counter:node).") from error
        return text


class DigestField(mf.String):
    """A scope digest, ``"<count>-<32 hex digits>"``."""

    def __init__(self, **kwargs: Any) -> None:
        """Publish the digest pattern."""
        super().__init__(validate=FullMatch(DIGEST_PATTERN), **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        """Write a ``Digest`` or a string."""
        if isinstance(value, Digest):
            return value.hexdigest()
        return super()._serialize(value, attr, obj, **kwargs)


def record_id_field(**kwargs: Any) -> mf.String:
    """Return a record id field (a UUID, or a reference record's code)."""
    return mf.String(validate=FullMatch(RECORD_ID_PATTERN), **kwargs)


def device_id_field(**kwargs: Any) -> mf.String:
    """Return a device id field; a device id is also the node of the device's HLCs."""
    return mf.String(validate=FullMatch(hlc.NODE_PATTERN), **kwargs)


def kind_field(**kwargs: Any) -> mf.String:
    """Return a record kind field (``child_visit``); whether the kind exists is checked later."""
    return mf.String(validate=FullMatch(KIND_PATTERN), **kwargs)


class RecordFields(mf.Dict):
    """A record's fields: names of 1 to MAX_FIELD_NAME characters, any JSON values."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict:
        """Take the usual object of short names in one pass (per name, marshmallow's String and
        Raw fields were a tenth of a push); anything else the general way, for its errors."""
        if isinstance(value, dict) and all(
            type(name) is str and 0 < len(name) <= MAX_FIELD_NAME for name in value
        ):
            return dict(value)
        return super()._deserialize(value, attr, data, **kwargs)


def record_fields(**kwargs: Any) -> mf.Dict:
    """Return a field for a record's fields; their values are checked per kind, not here."""
    return RecordFields(
        keys=mf.String(validate=validate.Length(1, MAX_FIELD_NAME)),
        values=mf.Raw(allow_none=True),
        validate=_at_most_record_fields,
        metadata={"maxProperties": MAX_RECORD_FIELDS},
        **kwargs,
    )


def _at_most_record_fields(value: dict[str, Any]) -> None:
    """Refuse a record with more fields than any kind has (``Length`` would document maxLength)."""
    if len(value) > MAX_RECORD_FIELDS:
        raise ValidationError(f"At most {MAX_RECORD_FIELDS} fields.")


def bounded_string(maximum: int, minimum: int = 1, **kwargs: Any) -> mf.String:
    """Return a string field of ``minimum..maximum`` characters."""
    return mf.String(validate=validate.Length(minimum, maximum), **kwargs)


class RequestSchema(Schema):
    """A body or query sent to the server: unknown keys are an error."""

    class Meta:
        unknown = RAISE


class ResponseSchema(Schema):
    """A body sent by the server: unknown keys are dropped (a newer server may add some)."""

    class Meta:
        unknown = EXCLUDE


class QuerySchema(Schema):
    """Query-string arguments: unknown ones (cache busters) are ignored, as webargs does."""

    class Meta:
        unknown = EXCLUDE


# --- login ---------------------------------------------------------------------------------


class LoginRequestSchema(RequestSchema):
    """Sign a device in."""

    username = bounded_string(150, required=True)
    password = bounded_string(256, required=True, load_only=True)
    device_name = bounded_string(100, required=True)


class ScopeSchema(ResponseSchema):
    """What a user may see: Kemendagri codes (undotted) and facility ids."""

    kecamatan = mf.List(
        mf.String(validate=FullMatch(KECAMATAN_PATTERN)), load_default=list, dump_default=list
    )
    desa = mf.List(
        mf.String(validate=FullMatch(DESA_PATTERN)), load_default=list, dump_default=list
    )
    posyandu = mf.List(bounded_string(64), load_default=list, dump_default=list)
    puskesmas = mf.List(bounded_string(64), load_default=list, dump_default=list)


class UserSchema(ResponseSchema):
    """A user as the protocol shows it."""

    id = bounded_string(64, required=True)
    name = bounded_string(200, required=True)
    role = mf.String(required=True, validate=validate.OneOf(ROLES))
    scope = mf.Nested(ScopeSchema, required=True)


class LoginResponseSchema(ResponseSchema):
    """A device token, its device id and who signed in."""

    token = bounded_string(512, required=True)
    device_id = device_id_field(required=True)
    user = mf.Nested(UserSchema, required=True)
    server_time = Instant(required=True)


# --- push ----------------------------------------------------------------------------------


class MutationSchema(RequestSchema):
    """One numbered change made on a device."""

    seq = StrictInteger(1, MAX_SEQ, required=True)
    id = record_id_field(required=True)
    kind = kind_field(required=True)
    op = mf.String(required=True, validate=validate.OneOf(OPS))
    base_version = StrictInteger(0, MAX_VERSION, allow_none=True, load_default=None)
    fields = record_fields(load_default=dict)
    hlc = HLCField(required=True)
    device_time = Instant(allow_none=True, load_default=None)
    # Protocol v1 addition (optional; older clients omit it): the username of the kader who made
    # the change on a device several kader share. The device attests it (it holds a token per
    # kader); the server checks the named user may write the record (server/sync/incoming.py).
    author = mf.String(
        validate=[validate.Length(1, 64), validate.Regexp(r"\A[^\x00-\x1f\x7f]+\Z")],
        allow_none=True,
    )


class PushRequestSchema(RequestSchema):
    """A batch of a device's mutations, in seq order.

    ``load`` takes a well-formed batch in one plain pass (:func:`_plain_push`: 5 ms of a 200-
    mutation push through marshmallow, a tenth of a millisecond so); anything it is not sure of
    goes the marshmallow way, which gives the same result or the usual errors.
    """

    def load(self, data: Any, *, many: Any = None, partial: Any = None, **kwargs: Any) -> Any:
        """Return the loaded batch; the plain pass first, marshmallow for the rest."""
        plain = _plain_push(data) if many is None and partial is None and not kwargs else None
        if plain is not None:
            return plain
        return super().load(data, many=many, partial=partial, **kwargs)

    device_id = device_id_field(required=True)
    mutations = mf.List(
        mf.Nested(MutationSchema), required=True, validate=validate.Length(1, MAX_PUSH_BATCH)
    )

    @validates_schema
    def _seqs_increase(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Refuse a batch whose seqs do not strictly increase (gaps are the server's seq_gap)."""
        seqs = [mutation["seq"] for mutation in data["mutations"]]
        if any(later <= earlier for earlier, later in pairwise(seqs)):
            raise ValidationError(
                "Mutations must be in strictly increasing seq order.", "mutations"
            )


class PushResultSchema(ResponseSchema):
    """What became of one mutation."""

    seq = StrictInteger(1, MAX_SEQ, required=True)
    id = record_id_field(required=True)
    status = mf.String(required=True, validate=validate.OneOf(STATUSES))
    version = StrictInteger(0, MAX_VERSION, required=True, allow_none=True)
    errors = mf.Dict(keys=mf.String(), values=mf.List(mf.String()))
    conflicts = mf.List(mf.String())


class PushResponseSchema(ResponseSchema):
    """The outcome of a push."""

    last_seq = StrictInteger(0, MAX_SEQ, required=True)
    server_time = Instant(required=True)
    results = mf.List(mf.Nested(PushResultSchema), required=True)


# --- pull ----------------------------------------------------------------------------------


class ChangeSchema(ResponseSchema):
    """A record as it now is on the server, whole."""

    id = record_id_field(required=True)
    kind = kind_field(required=True)
    version = StrictInteger(0, MAX_VERSION, required=True)
    deleted = StrictBoolean(required=True)
    fields = record_fields(required=True)


class PullQuerySchema(QuerySchema):
    """Where to resume pulling (no cursor: from the beginning) and how much to take."""

    cursor = mf.String(validate=[validate.Length(1, 200), FullMatch(CURSOR_PATTERN)])
    limit = QueryInteger(1, MAX_PULL_LIMIT, load_default=DEFAULT_PULL_LIMIT)
    # Protocol v1 addition: ``digest=0`` leaves the scope digest off the last page. Computing it
    # reads the whole scope (about 1 s at 65,000 records), so a client may check it less often.
    digest = mf.Boolean(load_default=True, truthy={"1", "true"}, falsy={"0", "false"})


class PullResponseSchema(ResponseSchema):
    """One page of changes in the user's scope."""

    changes = mf.List(mf.Nested(ChangeSchema), required=True)
    cursor = mf.String(required=True, validate=[validate.Length(1, 200), FullMatch(CURSOR_PATTERN)])
    more = StrictBoolean(required=True)
    digest = DigestField(allow_none=True, load_default=None)
    reset = StrictBoolean(load_default=False, dump_default=False)
    server_time = Instant(required=True)

    @validates_schema
    def _digest_only_on_last_page(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Refuse a digest on a page that is not the last: it would not cover the scope yet."""
        if data["more"] and data.get("digest") is not None:
            raise ValidationError("A digest is sent only when more is false.", "digest")


# --- repair --------------------------------------------------------------------------------


class IdsQuerySchema(QuerySchema):
    """A page of the scope's record ids, in id order, after ``after``."""

    after = record_id_field()
    limit = QueryInteger(1, MAX_IDS_LIMIT, load_default=DEFAULT_IDS_LIMIT)


class RecordVersionSchema(ResponseSchema):
    """A record's id, kind and version."""

    id = record_id_field(required=True)
    kind = kind_field(required=True)
    version = StrictInteger(0, MAX_VERSION, required=True)


class IdsResponseSchema(ResponseSchema):
    """A page of the scope's records; the digest of the whole scope comes with the last page."""

    records = mf.List(mf.Nested(RecordVersionSchema), required=True)
    more = StrictBoolean(required=True)
    next = record_id_field(required=True, allow_none=True)
    digest = DigestField()  # only when more is false (a digest per page costs a scan)


class FetchRequestSchema(RequestSchema):
    """Records to download again, by id."""

    ids = mf.List(record_id_field(), required=True, validate=validate.Length(1, MAX_FETCH_IDS))


class FetchResponseSchema(ResponseSchema):
    """The records asked for, and the ids not in the user's scope (or not existing)."""

    changes = mf.List(mf.Nested(ChangeSchema), required=True)
    missing = mf.List(record_id_field(), required=True)


# --- conflicts -----------------------------------------------------------------------------


CONFLICT_ACTIONS = ("resolved", "reopened")


class ConflictEventSchema(ResponseSchema):
    """One reviewer's action on a conflict (the audit): resolved with a value, or reopened."""

    action = mf.String(required=True, validate=validate.OneOf(CONFLICT_ACTIONS))
    choice = mf.String(allow_none=True, load_default=None, validate=validate.OneOf(RESOLUTIONS))
    kept_value = mf.Raw(allow_none=True, load_default=None)
    other_value = mf.Raw(allow_none=True, load_default=None)
    actor = bounded_string(64, required=True)
    at = Instant(required=True)


class ConflictSchema(ResponseSchema):
    """A field two devices changed at once: the kept value and the one that lost.

    ``events`` (the reviewers' actions, oldest first) and ``may_resolve`` (whether the caller may
    resolve or reopen it) were added to v1; an older server leaves them out.
    """

    id = bounded_string(64, required=True)
    record_id = record_id_field(required=True)
    kind = kind_field(required=True)
    field = bounded_string(MAX_FIELD_NAME, required=True)
    winner_value = mf.Raw(required=True, allow_none=True)
    loser_value = mf.Raw(required=True, allow_none=True)
    winner_hlc = HLCField(required=True)
    loser_hlc = HLCField(required=True)
    winner_device = device_id_field(required=True)
    loser_device = device_id_field(required=True)
    loser_user = bounded_string(64, required=True, allow_none=True)
    created_at = Instant(required=True)
    status = mf.String(required=True, validate=validate.OneOf(CONFLICT_STATUSES))
    resolved_by = bounded_string(64, allow_none=True, load_default=None)
    resolved_at = Instant(allow_none=True, load_default=None)
    resolution = mf.String(allow_none=True, load_default=None, validate=validate.OneOf(RESOLUTIONS))
    events = mf.List(mf.Nested(ConflictEventSchema))
    may_resolve = mf.Boolean()


class ResolveRequestSchema(RequestSchema):
    """A reviewer's choice: keep the winning value or take the losing one."""

    choice = mf.String(required=True, validate=validate.OneOf(RESOLUTIONS))


# --- errors --------------------------------------------------------------------------------


class ErrorDetailSchema(ResponseSchema):
    """What went wrong: a code for the program, a message for the kader, details to recover."""

    code = bounded_string(64, required=True)
    message = bounded_string(2000, minimum=0, required=True)
    details = mf.Dict(keys=mf.String(), values=mf.Raw(allow_none=True), load_default=dict)


class SyncErrorSchema(ResponseSchema):
    """Every error answer: ``{"error": {code, message, details}}``."""

    error = mf.Nested(ErrorDetailSchema, required=True)


# flask-smorest documents its own ``ErrorSchema`` as "Error"; a second class of that name makes
# apispec warn (an error under our test settings), so the class is named for the OpenAPI document
# and ``ErrorSchema`` is kept as the name code imports. Set ``Api.ERROR_SCHEMA = ErrorSchema``.
ErrorSchema = SyncErrorSchema


# --- the plain pass over a push (PushRequestSchema.load) ------------------------------------

_RECORD_ID_RE = re.compile(RECORD_ID_PATTERN[1:-1])
_KIND_RE = re.compile(KIND_PATTERN[1:-1])
_NODE_RE = re.compile(hlc.NODE_PATTERN[1:-1])
_AUTHOR_RE = re.compile(r"[^\x00-\x1f\x7f]{1,64}")
_PLAIN_KEYS = frozenset({"seq", "id", "kind", "op", "hlc", "base_version", "fields"})
_PLAIN_KEYS |= {"device_time", "author"}  # every key the plain pass knows how to judge


def _mutation_keys() -> tuple[frozenset, frozenset]:
    """Return (the keys, the required keys) MutationSchema declares now: the plain pass takes no
    key the schema would refuse (a test stands in for an older server by removing ``author``)."""
    declared = MutationSchema._declared_fields
    return frozenset(declared) & _PLAIN_KEYS, frozenset(
        k for k, f in declared.items() if f.required
    )


def _plain_int(value: Any, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _plain_str(value: Any, pattern: re.Pattern) -> bool:
    return type(value) is str and pattern.fullmatch(value) is not None


def _plain_mutation(m: Any, keys: frozenset, required: frozenset) -> dict[str, Any] | None:
    """Return one mutation as MutationSchema loads it, or None if any part is not plainly valid."""
    if type(m) is not dict or not m.keys() >= required or not m.keys() <= keys:
        return None
    base, values = m.get("base_version"), m.get("fields", {})
    device_time, author = m.get("device_time"), m.get("author")
    if not (
        _plain_int(m["seq"], 1, MAX_SEQ)
        and _plain_str(m["id"], _RECORD_ID_RE)
        and _plain_str(m["kind"], _KIND_RE)
        and m["op"] in OPS
        and type(m["op"]) is str
        and (base is None or _plain_int(base, 0, MAX_VERSION))
        and type(values) is dict
        and len(values) <= MAX_RECORD_FIELDS
        and all(type(k) is str and 0 < len(k) <= MAX_FIELD_NAME for k in values)
        and (author is None or _plain_str(author, _AUTHOR_RE))
        and (device_time is None or (type(device_time) is str and len(device_time) <= 40))
    ):
        return None
    try:
        hlc.parse(m["hlc"])
        if device_time is not None:
            hlc.iso_to_ms(device_time)
    except (TypeError, ValueError):
        return None
    loaded = {
        "seq": m["seq"],
        "id": m["id"],
        "kind": m["kind"],
        "op": m["op"],
        "base_version": base,
        "fields": dict(values),
        "hlc": m["hlc"],
        "device_time": device_time,
    }
    if "author" in m:
        loaded["author"] = author
    return loaded


def _plain_push(data: Any) -> dict[str, Any] | None:
    """Return a push body as PushRequestSchema loads it, or None to let marshmallow judge it."""
    if type(data) is not dict or data.keys() != {"device_id", "mutations"}:
        return None
    device_id, mutations = data["device_id"], data["mutations"]
    if not _plain_str(device_id, _NODE_RE) or type(mutations) is not list:
        return None
    if not 1 <= len(mutations) <= MAX_PUSH_BATCH:
        return None
    keys, required = _mutation_keys()
    if required - {"seq", "id", "kind", "op", "hlc"}:
        return None  # a key made required that the plain pass does not check
    loaded = [_plain_mutation(m, keys, required) for m in mutations]
    if any(m is None for m in loaded):
        return None
    if any(b["seq"] <= a["seq"] for a, b in pairwise(loaded)):
        return None
    return {"device_id": device_id, "mutations": loaded}
