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
from dataclasses import dataclass

import sqlalchemy as sa
from marshmallow import ValidationError

from server.auth import user_scope
from server.models import Device, User
from server.scope import FacilityIndex, Scope, ScopeKeys
from server.sync.changes import Rejected
from shared.i18n import register, t
from shared.records.fields import ValidationState, reset_state, set_state
from shared.records.registry import schema_instance
from shared.records.validation import to_wire, translate_errors

UNKNOWN_FIELD = "records.error.unknown_field"


def judge_incoming(changes, kind: str, incoming: dict, *, new: bool):
    """Return (the fields as loaded, (values, keys) when a new record passed whole, errors).

    Every field must pass its own rules before the merge: a losing one is kept (see above).
    """
    checked = checked_once(changes, kind, incoming) if new else None
    if checked is not None:
        return incoming, checked, {}
    clean, errors = check_fields(kind, incoming, changes.lang)
    return clean, None, errors


def checked_once(changes, kind: str, incoming: dict):
    """Return (values, keys) of a new record validated whole, once; None: take the two steps.

    A new record's merge is its incoming fields, so the per-field pass and the record's own
    validation read the same values. When the record passes and every field it sent is already
    in the form its field loads it to, the per-field pass could only have returned those same
    fields without an error: it is skipped. Anything else (a refusal, a field to normalise) goes
    the two-step way, so errors and stored values are exactly what they always were.
    """
    try:
        values, keys = changes.check(kind, incoming)
    except Rejected:  # refused: the two steps give the refusal its per-field reasons
        return None
    for name, value in incoming.items():
        if name not in values or type(values[name]) is not type(value) or values[name] != value:
            return None
    return values, keys


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


# -- who made the change: the author a shared device names (several kader on one laptop) ------

register(
    {
        "server.author.unknown": {
            "id": "Perubahan ini atas nama pengguna {username}, yang tidak dikenal server atau "
            "sudah tidak aktif. Perubahan tetap tersimpan di perangkat; hubungi petugas "
            "puskesmas.",
            "en": "This change is in the name of user {username}, who is unknown to the server "
            "or no longer active. The change stays on the device; contact the puskesmas staff.",
        },
        "server.author.not_kader": {
            "id": "Perubahan ini atas nama {username}, yang bukan kader atau bidan desa dan "
            "tidak dapat mencatat dari perangkat kader.",
            "en": "This change is in the name of {username}, who is not a kader or village "
            "midwife and cannot record from a kader's device.",
        },
        "server.author.not_signed_in": {
            "id": "Perubahan ini atas nama {username}, yang belum pernah masuk ke server dari "
            "perangkat (atau perangkatnya dicabut).",
            "en": "This change is in the name of {username}, who has never signed in to the "
            "server from a device (or whose devices were revoked).",
        },
        "server.author.outside_scope": {
            "id": "Perubahan ini atas nama {username}, yang tidak bertugas di wilayah data ini.",
            "en": "This change is in the name of {username}, who does not work in this "
            "record's area.",
        },
    }
)

AUTHOR_ROLES = frozenset({"kader", "bidan_desa"})


@dataclass(frozen=True)
class Author:
    """A named author as the server found it: the user and scope, or why it is refused."""

    username: str
    user: User | None = None
    scope: Scope | None = None
    refusal: str | None = None  # a message key of server.author.*

    def refused(self, kind: str, keys: ScopeKeys, lang: str) -> dict | None:
        """Return the errors refusing a write of ``kind`` with ``keys`` by this author, or None."""
        key = self.refusal
        if key is None and not self.scope.can_write(kind, keys):
            key = "server.author.outside_scope"
        if key is None:
            return None
        return {"author": [t(key, lang, username=self.username)]}


class Authors:
    """The authors a push's mutations name, each looked up once per batch.

    A device several kader share holds a token per kader (each signed in online once) and names,
    in each mutation, the kader who unlocked the session that saved it. That is the device's
    attestation, not a proof: the batch is authenticated by the device's token only. So the server
    believes it only as far as it could be true: the named user exists, is active, is a kader or
    bidan desa, has signed in from a device that is not revoked, and may write the record (scope);
    otherwise the mutation is refused (quarantined on the device, nothing lost).
    """

    def __init__(
        self,
        session,
        device_user: User,
        device_scope: Scope,
        facilities: FacilityIndex | None = None,
    ):
        self.session = session
        self.facilities = facilities
        # the device's own user: already checked by the batch's writer (its token)
        self.found: dict[str, Author] = {
            device_user.username: Author(device_user.username, device_user, device_scope)
        }

    def named(self, username: str | None) -> Author | None:
        """Return the author a mutation names (None: not named, as by an older client)."""
        if not username:
            return None
        if username not in self.found:
            self.found[username] = self._look_up(username)
        return self.found[username]

    def _look_up(self, username: str) -> Author:
        user = self.session.execute(
            sa.select(User).where(User.username == username)
        ).scalar_one_or_none()
        if user is None or not user.active:
            return Author(username, refusal="server.author.unknown")
        if user.role not in AUTHOR_ROLES:
            return Author(username, user, refusal="server.author.not_kader")
        signed_in = self.session.execute(
            sa.select(Device.id).where(Device.user_id == user.id, Device.revoked_at.is_(None))
        ).first()
        if signed_in is None:
            return Author(username, user, refusal="server.author.not_signed_in")
        self.facilities = self.facilities or FacilityIndex.load(self.session)
        return Author(username, user, user_scope(self.session, user, self.facilities))
