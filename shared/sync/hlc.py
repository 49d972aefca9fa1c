"""Hybrid logical clocks: timestamps that never go backwards, even on a device with a wrong clock.

An HLC is ``(ms, counter, node)``: ``ms`` is the largest physical time (Unix milliseconds) this
replica has seen, ``counter`` orders events inside one ``ms``, and ``node`` (the device id) breaks
the last ties so that every replica orders any two HLCs the same way (Kulkarni et al., "Logical
Physical Clocks", 2014).

On the wire an HLC is ``"<ms:16 digits>:<counter:5 digits>:<node>"``; the padding makes string
order equal HLC order, so a database can compare them as text.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

MAX_MS = 2**53
MAX_COUNTER = 99_999
MAX_AHEAD_MS = 300_000  # the 5 minutes of DESIGN.md section 4, "Clocks"
NODE_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
HLC_PATTERN = r"^[0-9]{16}:[0-9]{5}:[A-Za-z0-9_-]{1,64}$"

_NODE_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HLC_RE = re.compile(r"([0-9]{16}):([0-9]{5}):([A-Za-z0-9_-]{1,64})")
_ISO_RE = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt](?P<hm>[0-9]{2}:[0-9]{2})"
    r"(?::(?P<s>[0-9]{2})(?:\.(?P<frac>[0-9]{1,9}))?)?"
    r"(?P<tz>[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)


class HLC(NamedTuple):
    """A hybrid logical clock reading; tuple order is HLC order."""

    ms: int
    counter: int
    node: str

    def __str__(self) -> str:
        """Return the wire form, e.g. ``0001764000000000:00000:tab-07``."""
        return f"{self.ms:016d}:{self.counter:05d}:{self.node}"


def format(h: HLC) -> str:  # shadows the builtin on purpose: callers write ``hlc.format(h)``
    """Return the wire form of ``h`` after checking its parts are in range."""
    _check_parts(h.ms, h.counter, h.node)
    return str(h)


def parse(s: str) -> HLC:
    """Read an HLC from its wire form; raise ``ValueError`` on anything else."""
    match = _HLC_RE.fullmatch(s) if isinstance(s, str) else None
    if match is None:
        raise ValueError(f"not an HLC: {s!r}")
    h = HLC(int(match[1]), int(match[2]), match[3])
    _check_parts(h.ms, h.counter, h.node)
    return h


def is_valid_node(node: object) -> bool:
    """Tell whether ``node`` can be an HLC node (1–64 of ``A-Z a-z 0-9 _ -``)."""
    return isinstance(node, str) and _NODE_RE.fullmatch(node) is not None


def _check_parts(ms: object, counter: object, node: object) -> None:
    """Raise ``ValueError`` unless the parts make a well-formed HLC."""
    if type(ms) is not int or not 0 <= ms <= MAX_MS:
        raise ValueError(f"HLC ms out of range 0..2**53: {ms!r}")
    if type(counter) is not int or not 0 <= counter <= MAX_COUNTER:
        raise ValueError(f"HLC counter out of range 0..{MAX_COUNTER}: {counter!r}")
    if not is_valid_node(node):
        raise ValueError(f"HLC node must be 1-64 characters of A-Z a-z 0-9 _ -: {node!r}")


def wall_clock_ms() -> int:
    """Return the system clock in Unix milliseconds."""
    return time.time_ns() // 1_000_000


class Clock:
    """One replica's HLC; thread-safe, and never returns a reading lower than one it returned.

    ``now_ms`` is read on every event; readings outside ``0..2**53`` are bounded into it, so a
    broken clock can stall the physical part but never corrupt the HLC. When the counter would pass
    99 999 inside one millisecond, ``ms`` moves on by one instead: the reading still grows and still
    fits the wire form.
    """

    def __init__(
        self,
        node: str,
        now_ms: Callable[[], int] = wall_clock_ms,
        last: HLC | None = None,
    ) -> None:
        """Start a clock for ``node``, optionally from a persisted ``last`` reading."""
        if not is_valid_node(node):
            raise ValueError(f"HLC node must be 1-64 characters of A-Z a-z 0-9 _ -: {node!r}")
        self.node = node
        self._now_ms = now_ms
        self._last = HLC(0, 0, node) if last is None else parse(str(last))
        self._lock = threading.Lock()

    @property
    def last(self) -> HLC:
        """Return the latest reading (persist it to restore the clock after a restart)."""
        return self._last

    def now(self) -> HLC:
        """Return a new reading for a local or send event."""
        with self._lock:
            pt = self._physical()
            last = self._last
            if pt > last.ms:
                return self._set(pt, 0)
            return self._set(last.ms, last.counter + 1)

    def update(self, remote: HLC | str) -> HLC:
        """Take in a remote reading; return a new one above both it and the last local one."""
        if isinstance(remote, str):
            remote = parse(remote)
        else:
            _check_parts(remote.ms, remote.counter, remote.node)
        return self._receive(remote.ms, remote.counter)

    def observe_ms(self, ms: int) -> HLC:
        """Take in a server time (Unix ms) as a received reading with counter 0."""
        if type(ms) is not int:
            raise ValueError(f"server time must be integer milliseconds: {ms!r}")
        return self._receive(_bounded(ms), 0)

    def _receive(self, remote_ms: int, remote_counter: int) -> HLC:
        """Apply the HLC receive rule to a remote ``(ms, counter)``."""
        with self._lock:
            pt = self._physical()
            last = self._last
            ms = max(last.ms, remote_ms, pt)
            if ms == last.ms == remote_ms:
                counter = max(last.counter, remote_counter) + 1
            elif ms == last.ms:
                counter = last.counter + 1
            elif ms == remote_ms:
                counter = remote_counter + 1
            else:
                counter = 0
            return self._set(ms, counter)

    def _physical(self) -> int:
        """Read the wall clock, bounded into the HLC range."""
        return _bounded(int(self._now_ms()))

    def _set(self, ms: int, counter: int) -> HLC:
        """Store and return ``(ms, counter)``, carrying a full counter into ``ms``."""
        if counter > MAX_COUNTER:
            ms, counter = ms + 1, 0
        if ms > MAX_MS:
            raise OverflowError("HLC exhausted: ms would pass 2**53")
        self._last = HLC(ms, counter, self.node)
        return self._last


def _bounded(ms: int) -> int:
    """Bound a physical time into ``0..2**53``."""
    return min(max(ms, 0), MAX_MS)


def clamp(h: HLC, server_ms: int, max_ahead_ms: int = MAX_AHEAD_MS) -> tuple[HLC, bool]:
    """Pull an HLC more than ``max_ahead_ms`` ahead of ``server_ms`` back to ``server_ms``.

    Return ``(hlc, clamped)``; the caller flags the device when ``clamped`` is true.

    The clamped value is ``server_ms`` itself, not ``server_ms + max_ahead_ms``: the change was
    made before the server received it, so the server's clock bounds its real time, and a device
    whose clock is known to be wrong must not keep a five-minute head start in every conflict.
    Counter and node are kept, so the result stays deterministic; two clamped changes of one
    device may then be equal, and the server orders those by their seq.
    """
    if h.ms - server_ms > max_ahead_ms:
        return HLC(_bounded(server_ms), h.counter, h.node), True
    return h, False


def iso_to_ms(s: str) -> int:
    """Read an ISO 8601 instant with an offset (``Z`` or ``±HH:MM``) as Unix milliseconds.

    Raise ``ValueError`` for anything else, including a time without an offset (its instant is
    unknown). Digits past the millisecond are dropped (rounded toward the past).
    """
    match = _ISO_RE.fullmatch(s) if isinstance(s, str) else None
    if match is None:
        raise ValueError(f"not an ISO 8601 instant with offset: {s!r}")
    frac = (match["frac"] or "").ljust(6, "0")[:6]
    tz = match["tz"].upper()
    text = f"{match['date']}T{match['hm']}:{match['s'] or '00'}.{frac}"
    text += "+00:00" if tz == "Z" else tz
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:  # pragma: no cover - the pattern requires an offset
        raise ValueError(f"instant without offset: {s!r}")
    return (moment - _EPOCH) // _ONE_MS


def ms_to_iso(ms: int) -> str:
    """Write Unix milliseconds as a UTC ISO 8601 instant, e.g. ``2026-11-24T02:12:00.123+00:00``."""
    if type(ms) is not int:
        raise ValueError(f"milliseconds must be an int: {ms!r}")
    try:
        moment = _EPOCH + ms * _ONE_MS
    except OverflowError as error:
        raise ValueError(f"milliseconds out of the datetime range: {ms!r}") from error
    return moment.isoformat(timespec="milliseconds")


def datetime_to_iso(moment: datetime) -> str:
    """Write a datetime as a UTC ISO 8601 instant with milliseconds; naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")
