"""Scope digests: one short string that says whether two replicas hold the same records.

A digest summarises a set of ``(record id, version)`` pairs, whatever their order: it is the count
of pairs and the XOR of a 128-bit hash of each pair, written ``"<count>-<32 hex digits>"``. XOR makes
``add`` and ``remove`` commute and undo each other, so the server and the client can keep a digest
up to date change by change instead of rereading the whole scope, and digests of disjoint scopes
(two posyandu) combine into the digest of their union.

Both sides must summarise the same set. In protocol v1 that is the records the ``/sync/ids``
endpoint lists for the user's scope, each at most once; when a replica's digest differs from the
server's, :func:`diff_ids` says which records to fetch again and which to drop.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

HASH_BITS = 128
DIGEST_PATTERN = r"^[0-9]{1,16}-[0-9a-f]{32}$"

_MASK = (1 << HASH_BITS) - 1
_DIGEST_RE = re.compile(r"([0-9]{1,16})-([0-9a-f]{32})")


def record_hash(id: str, version: int) -> int:
    """Return the 128-bit hash of one ``(id, version)`` pair (first half of its SHA-256)."""
    if type(version) is not int:
        raise TypeError(f"version must be an int: {version!r}")
    data = f"{id}\x1f{version}".encode()
    return int.from_bytes(hashlib.sha256(data).digest()[: HASH_BITS // 8], "big")


class Digest:
    """An order-independent summary of ``(id, version)`` pairs, updated one pair at a time."""

    __slots__ = ("count", "value")

    def __init__(self, count: int = 0, value: int = 0) -> None:
        """Start from ``count`` pairs whose hashes XOR to ``value`` (the empty set by default)."""
        self.count = count
        self.value = value & _MASK

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, int]]) -> Digest:
        """Return the digest of ``pairs``."""
        # record_hash inlined: a device checks the digest of its whole scope (65,000 pairs).
        count, value, sha256, size = 0, 0, hashlib.sha256, HASH_BITS // 8
        for record_id, version in pairs:
            if type(version) is not int:
                raise TypeError(f"version must be an int: {version!r}")
            data = f"{record_id}\x1f{version}".encode()
            value ^= int.from_bytes(sha256(data).digest()[:size], "big")
            count += 1
        return cls(count, value)

    @classmethod
    def parse(cls, text: str) -> Digest:
        """Read a digest from its string form; raise ``ValueError`` on anything else."""
        match = _DIGEST_RE.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"not a digest: {text!r}")
        return cls(int(match[1]), int(match[2], 16))

    @classmethod
    def combine(cls, digests: Iterable[Digest]) -> Digest:
        """Return the digest of the union of disjoint sets, given their digests."""
        total = cls()
        for digest in digests:
            total.count += digest.count
            total.value ^= digest.value
        return total

    def add(self, id: str, version: int) -> Digest:
        """Count the pair ``(id, version)`` in; return ``self`` so calls can chain."""
        self.value ^= record_hash(id, version)
        self.count += 1
        return self

    def remove(self, id: str, version: int) -> Digest:
        """Take the pair ``(id, version)`` out (e.g. its old version after an update)."""
        self.value ^= record_hash(id, version)
        self.count -= 1
        return self

    def copy(self) -> Digest:
        """Return an independent copy."""
        return Digest(self.count, self.value)

    def hexdigest(self) -> str:
        """Return the wire form ``"<count>-<32 hex digits>"``."""
        return f"{self.count}-{self.value:032x}"

    __str__ = hexdigest

    def __repr__(self) -> str:
        """Show the wire form."""
        return f"Digest({self.hexdigest()!r})"

    def __eq__(self, other: object) -> bool:
        """Compare with another digest (use :func:`matches` to compare with strings)."""
        if not isinstance(other, Digest):
            return NotImplemented
        return (self.count, self.value) == (other.count, other.value)

    __hash__ = None  # type: ignore[assignment]  # mutable


def scope_digest(pairs: Iterable[tuple[str, int]]) -> str:
    """Return the wire form of the digest of ``pairs``."""
    return Digest.of(pairs).hexdigest()


def matches(a: Digest | str | None, b: Digest | str | None) -> bool:
    """Tell whether two digests (objects or strings) are the same; a missing one never matches."""
    if a is None or b is None:
        return False
    return _normalised(a) == _normalised(b)


def _normalised(digest: Digest | str) -> str:
    """Return the wire form of ``digest``, tolerating case and surrounding space in strings."""
    return digest.hexdigest() if isinstance(digest, Digest) else digest.strip().lower()


def diff_ids(
    local: Mapping[str, int],
    remote: Iterable[tuple[str, str, int] | Mapping[str, Any]],
    *,
    pending: Collection[str] = frozenset(),
) -> tuple[list[str], list[str]]:
    """Compare local ``{id: version}`` with the server's ``(id, kind, version)`` list.

    Return ``(to_fetch, to_delete)``, each sorted: ``to_fetch`` are ids the server has that are
    missing locally or at another version (even a higher local one: the server is the reference);
    ``to_delete`` are local ids the server no longer lists. Ids in ``pending`` (records with
    unacknowledged local mutations, such as ones created offline) are never put in ``to_delete``.
    ``remote`` entries may also be mappings with ``id``, ``kind`` and ``version`` keys, as in
    an ``/sync/ids`` response.
    """
    seen: set[str] = set()
    to_fetch: list[str] = []
    for entry in remote:
        if isinstance(entry, Mapping):
            record_id, version = entry["id"], entry["version"]
        else:
            record_id, _kind, version = entry
        if record_id in seen:
            continue
        seen.add(record_id)
        if local.get(record_id) != version:
            to_fetch.append(record_id)
    to_delete = [
        record_id for record_id in local if record_id not in seen and record_id not in pending
    ]
    return sorted(to_fetch), sorted(to_delete)
