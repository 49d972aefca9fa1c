"""Sync protocol v1 types shared by the field client and the server (DESIGN.md section 4).

``hlc`` (hybrid logical clocks), ``digest`` (scope digests and repair), ``schemas`` (the request and
response bodies, as marshmallow schemas) and ``errors`` (the error body). Importing this package
registers the protocol's messages in the translation catalogue.
"""

from shared.sync import messages as _messages  # noqa: F401  (registers the sync.* messages)

PROTOCOL_VERSION = 1

# Mutations the server accepts in one push: 500 before issue #19, then 1,000, now 2,000 (a
# device's first push of its whole outbox waits for the server between batches half as often).
MAX_PUSH_BATCH = 2000
# What older servers accept, largest first: a client refused for a batch's length falls back to
# the largest of these below it.
OLDER_PUSH_BATCHES = (1000, 500)
LEGACY_PUSH_BATCH = OLDER_PUSH_BATCHES[-1]
CLIENT_BATCH = 200  # mutations a client sends in one push (a dropped 2G link loses little)
DEFAULT_PULL_LIMIT = 500
MAX_PULL_LIMIT = 1000
DEFAULT_IDS_LIMIT = 5000
MAX_IDS_LIMIT = 10_000
MAX_FETCH_IDS = 500

MAX_SEQ = 2**53  # integers above 2**63 overflow SQLite's driver; 2**53 is also exact in JavaScript
MAX_VERSION = 2**53

OPS = ("upsert", "delete")
STATUSES = ("applied", "merged", "conflict", "duplicate", "rejected")
ROLES = ("kader", "bidan_desa", "puskesmas", "kecamatan", "dinas", "admin")
CONFLICT_STATUSES = ("open", "resolved")
RESOLUTIONS = ("winner", "loser")

ERROR_CODES = (
    "bad_request",
    "invalid_json",
    "validation_error",
    "unauthorized",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "unsupported_media_type",
    "payload_too_large",
    "too_many_attempts",
    "seq_gap",
    "seq_reused",
    "unknown_device",
    "invalid_cursor",
    "already_resolved",
    "internal_error",
    "unavailable",
)
