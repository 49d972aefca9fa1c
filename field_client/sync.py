"""The sync agent: pushes the outbox exactly once, in order, and pulls the device's scope.

It speaks protocol v1 (DESIGN.md section 4) over ``requests`` and keeps all its state in the
:class:`~field_client.store.Store`, so it resumes after any interruption. It knows nothing of
Flask or pywebview; the app runs it in a thread (:class:`AutoSync`) and the CLI calls it directly.
"""

from __future__ import annotations

import codecs
import functools
import gzip
import importlib.metadata
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from shared import jsoncodec
from shared.i18n import register
from shared.sync import (
    LEGACY_PUSH_BATCH,
    MAX_PULL_LIMIT,
    MAX_PUSH_BATCH,
    OLDER_PUSH_BATCHES,
    PROTOCOL_VERSION,
)

from . import messages  # noqa: F401  (registers the client.* texts)
from .store import Change, Store, now_utc_iso

log = logging.getLogger(__name__)


def _app_version() -> str:
    """Return this app's version (the installed package's), sent as X-App-Version."""
    try:
        return importlib.metadata.version("posyandu-sync")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree never installed
        return "0"


APP_VERSION = _app_version()
# A 503 with Retry-After is retried this many times within one request, each after Retry-After
# times a random factor of 1 to 1.5 (never sooner: devices spread out instead of returning
# together). A longer Retry-After ends the sync; auto-sync comes back after it.
BUSY_RETRIES = 5
MAX_INLINE_WAIT = 60.0
UPGRADE_CODES = ("upgrade_required", "protocol_unsupported")

register(
    {
        "client.sync.error.upgrade_required": {
            "id": "Versi aplikasi ini sudah terlalu lama untuk server, jadi sinkronisasi "
            "dihentikan. Perbarui aplikasi. Data dan perubahan yang belum terkirim tetap aman "
            "di perangkat dan akan terkirim setelah aplikasi diperbarui.",
            "en": "This app version is too old for the server, so syncing has stopped. Update "
            "the app. Your data and unsent changes are safe on this device and will be sent "
            "once the app is updated.",
        },
        "client.sync.error.protocol_unsupported": {
            "id": "Aplikasi ini dan server memakai versi sinkronisasi yang berbeda, jadi "
            "sinkronisasi dihentikan. Perbarui aplikasi. Data yang belum terkirim tetap aman.",
            "en": "This app and the server speak different sync versions, so syncing has "
            "stopped. Update the app. Unsent data is safe.",
        },
        "client.sync.error.server_busy": {
            "id": "Server sedang sibuk melayani banyak perangkat. Data aman di perangkat; "
            "pengiriman diulang otomatis nanti.",
            "en": "The server is busy serving many devices. Your data is safe here; sending is "
            "retried automatically later.",
        },
    }
)


def busy_delay(retry_after: float, rand: Callable[[float, float], float] = random.uniform) -> float:
    """Return how long to wait after a 503: Retry-After times 1 to 1.5 (never less)."""
    return max(1.0, retry_after) * rand(1.0, 1.5)


def retry_after_seconds(value: Any) -> float | None:
    """Return a Retry-After header's seconds (None when absent or not a number of seconds)."""
    try:
        seconds = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return seconds if 0 <= seconds < 86400 else None


API_PREFIX = "/api/v1"
PUSH_BATCH = 200  # shared.sync.CLIENT_BATCH; a dropped 2G link then loses little
# On a link that answers a batch within PUSH_FAST_SECONDS the next batch doubles, up to the
# server's largest (a first push of a whole device: fewer requests and per-batch work; an older
# server refuses a longer batch, and the client keeps to what that one takes from then on);
# one slower than PUSH_SLOW_SECONDS halves it back towards PUSH_BATCH. A 2G link never grows.
PUSH_BATCH_MAX = MAX_PUSH_BATCH
PUSH_FAST_SECONDS = 1.0
PUSH_SLOW_SECONDS = 5.0
# The server's largest page: an initial download of 65,000 records takes 65 requests and 65
# device commits (synchronous=FULL) instead of 130 (issue #19, the 10,000 records/s pull).
PULL_LIMIT = MAX_PULL_LIMIT
FETCH_BATCH = 500
CONFLICT_IDS_PER_REQUEST = 50  # record ids in one query string (about 2 kB)
IDS_LIMIT = 5000
DEFAULT_TIMEOUT = (5.0, 60.0)  # (connect, read) seconds
MAX_PUSH_ROUNDS = 10_000  # a bound on loops driven by the server's answers
MAX_RESETS = 2
# How often the app and the CLI check the scope digest (seconds). The check reads the whole scope
# on the server and the whole replica here (about 1 s at 65,000 records), so it runs on the first
# pull, after a reset, and then at most this often; 0 checks on every sync.
DIGEST_EVERY = 6 * 3600

ProgressCallback = Callable[[dict[str, Any]], None]


class SyncError(Exception):
    """A sync that could not finish; ``code`` names the cause for the user (client.sync.error.*)."""

    def __init__(
        self,
        code: str,
        message: str = "",
        *,
        status: int | None = None,
        details: Mapping[str, Any] | None = None,
    ):
        super().__init__(message or code)
        self.code = code
        self.message = message
        self.status = status
        self.details = dict(details or {})

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape stored as ``last_error``."""
        return {
            "code": self.code,
            "message": self.message,
            "status": self.status,
            "details": self.details,
            "at": now_utc_iso(),
        }


@dataclass
class SyncReport:
    """What one sync did."""

    pushed: int = 0
    quarantined: int = 0
    conflicts: int = 0
    pulled: int = 0
    repaired: int = 0
    removed: int = 0
    resets: int = 0
    digest_ok: bool | None = None
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON."""
        return asdict(self)


@functools.lru_cache(maxsize=256)  # called for every pulled record; the kinds do not change
def default_fields_filter(kind: str) -> tuple[str, ...]:
    """Return the derived (server-computed) field names of ``kind``, kept apart from inputs."""
    try:
        from shared.records import spec

        return tuple(spec(kind).derived_fields)
    except Exception:  # unknown or reference kind: nothing derived
        return ()


def same_server(first: str, second: str) -> bool:
    """Tell whether two server addresses name the same server (scheme, host, port, path)."""

    def key(address: str) -> tuple[str, str, int | None, str]:
        parts = urlsplit(address.strip() if "://" in address else "http://" + address.strip())
        scheme = parts.scheme.lower()
        try:
            port = parts.port or {"http": 80, "https": 443}.get(scheme)
        except ValueError:
            port = None
        return scheme, (parts.hostname or "").lower(), port, parts.path.rstrip("/")

    return key(first) == key(second)


class _Retry(Retry):
    """urllib3's retries, except an answer with Retry-After (503 busy, 429 throttled).

    urllib3 would wait exactly Retry-After and resend, so every refused device would come back
    at the same moment; the agent waits it with jitter instead (``SyncAgent._request``).
    """

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if has_retry_after and status_code in (429, 503):
            return False
        return super().is_retry(method, status_code, has_retry_after)


def make_session(retries: int = 3, backoff: float = 0.5) -> requests.Session:
    """Build an HTTP session that retries with exponential backoff and jitter.

    POST is retried too: a push is idempotent (the server answers a replayed seq with its
    original outcome) and so is a fetch.
    """
    retry = _Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        backoff_jitter=backoff,
        backoff_max=30,
        status_forcelist=(429, 502, 503, 504),
        allowed_methods=frozenset({"GET", "POST", "HEAD"}),
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"posyandu-client/{APP_VERSION}"
    return session


# The encodings requests gives a JSON answer (None: no Content-Type; it then guesses UTF-8, -16
# or -32 from the first bytes, as json.loads of bytes does).
_UTF8_NAMES = (None, "utf-8", "UTF-8", "utf8")


def _json_body(response: requests.Response) -> dict[str, Any]:
    """Return a response's JSON object ({} when it has none).

    A UTF-8 body (the server's answers) is read by ``shared.jsoncodec``: orjson, giving what
    the standard library gives (decoding pull pages was a tenth of an initial pull's client
    time, issue #19). Anything else, and what it cannot read, is read by ``requests``.
    """
    try:
        payload = None
        content = response.content or b""  # None when the body was never read
        if response.encoding in _UTF8_NAMES and not content.startswith(codecs.BOM_UTF8):
            with suppress(ValueError):  # not JSON, or not UTF-8: requests decides below
                payload = jsoncodec.loads(content)
        if payload is None:
            payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


@dataclass(frozen=True)
class Exchange:
    """One HTTP answer, decoded: what a request thread hands back (no store access in it)."""

    status: int
    payload: dict[str, Any]
    retry_after: Any
    sent_ms: int
    received_ms: int


def parse_server_ms(value: Any) -> int | None:
    """Return an ISO instant from the server as epoch milliseconds (None if unreadable)."""
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        return None
    return int(stamp.timestamp() * 1000)


@dataclass
class _PushState:
    """Where a push stands: pending at the start, settled so far, the batch size and its cap."""

    total: int
    size: int
    largest: int = 0
    done: int = 0


@dataclass
class _Prepared:
    """The next push batch, read and encoded while the one before it is on the server."""

    size: int  # the batch size it was read for
    batch: list
    encoded: tuple[bytes, dict[str, str]] | None


def _encode(body: Any, gzip_body: bool) -> tuple[bytes, dict[str, str]]:
    """Return a request body as JSON bytes (gzip-compressed if asked) and its headers."""
    data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    if not gzip_body:
        return data, {"Content-Type": "application/json"}
    compressed = gzip.compress(data, compresslevel=6)
    return compressed, {"Content-Type": "application/json", "Content-Encoding": "gzip"}


class SyncAgent:
    """Talks to the server on behalf of one device store."""

    gzip_push = True  # push bodies are compressed (the bench's byte count turns it off)

    def __init__(
        self,
        store: Store,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        lang: str = "id",
        push_batch: int = PUSH_BATCH,
        pull_limit: int = PULL_LIMIT,
        clock_ms: Callable[[], int] | None = None,
        derived_fields: Callable[[str], Iterable[str]] = default_fields_filter,
        digest_every: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        busy_retries: int = BUSY_RETRIES,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.store = store
        self.session = session or make_session()
        self.timeout = timeout
        self.lang = lang
        self.push_batch = max(1, min(push_batch, PUSH_BATCH))
        # Batches grow on a fast link only from the usual size (a smaller one asked stays).
        self.push_batch_max = PUSH_BATCH_MAX if self.push_batch == PUSH_BATCH else self.push_batch
        self._monotonic = monotonic
        self.pull_limit = pull_limit
        self._clock_ms = clock_ms or (lambda: int(time.time() * 1000))
        self._derived_fields = derived_fields
        self.digest_every = digest_every
        self._sleep = sleep
        self.busy_retries = busy_retries
        self._run_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._progress: dict[str, Any] = {}
        self._in_progress = False

    # -- state for the UI --------------------------------------------------------------------

    @property
    def in_progress(self) -> bool:
        """Tell whether a sync is running now."""
        return self._in_progress

    @property
    def progress(self) -> dict[str, Any]:
        """Return the latest progress report ({phase, done, total})."""
        with self._state_lock:
            return dict(self._progress)

    def _report(
        self, callback: ProgressCallback | None, phase: str, done: int = 0, total: int | None = None
    ) -> None:
        state = {"phase": phase, "done": done, "total": total}
        with self._state_lock:
            self._progress = state
        if callback is not None:
            try:
                callback(dict(state))
            except Exception:  # a broken progress display must not break the sync
                log.exception("progress callback failed")

    def status(self) -> dict[str, Any]:
        """Return the sync status the Sinkronisasi page and ``status --json`` show."""
        meta = self.store.all_meta()
        counts = self.store.outbox_counts()
        return {
            "pending": counts["pending"],
            "quarantined": counts["quarantined"],
            "last_sync_at": meta.get("last_sync_at"),
            "last_error": meta.get("last_error"),
            "in_progress": self.in_progress,
            "progress": self.progress,
            "clock_offset_seconds": meta.get("clock_offset_seconds"),
            "server_url": meta.get("server_url"),
            "device_id": meta.get("device_id"),
            "user": meta.get("user"),
            "signed_in": bool(meta.get("token")),
            "upgrade_required": self.upgrade_required(meta),
        }

    def upgrade_required(self, meta: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        """Return the server's refusal of this app version (426), while this version runs."""
        refusal = (meta if meta is not None else self.store.all_meta()).get("upgrade_required")
        if isinstance(refusal, dict) and refusal.get("app_version") == APP_VERSION:
            return refusal
        return None

    # -- HTTP --------------------------------------------------------------------------------

    def _url(self, path: str, server: str | None = None) -> str:
        base = (server or self.store.get_meta("server_url") or "").rstrip("/")
        if not base:
            raise SyncError("not_signed_in")
        return f"{base}{API_PREFIX}{path}"

    def _headers(self, auth: bool = True) -> dict[str, str]:
        headers = {
            "Accept-Language": self.lang,
            "Accept-Encoding": "gzip",
            "Accept": "application/json",
            "X-Protocol-Version": str(PROTOCOL_VERSION),
            "X-App-Version": APP_VERSION,
        }
        device_now = self._device_now()
        if device_now:
            headers["X-Device-Time"] = device_now  # the server reports this device's clock skew
        if auth:
            token = self.store.get_meta("token")
            if not token:
                raise SyncError("not_signed_in")
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _device_now(self) -> str | None:
        """Return what this device's clock says now, as an ISO instant (None if unreadable)."""
        try:
            return datetime.fromtimestamp(self._clock_ms() / 1000, UTC).isoformat(
                timespec="milliseconds"
            )
        except (OverflowError, OSError, ValueError):
            return None

    def _request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        auth: bool = True,
        server: str | None = None,
        session: requests.Session | None = None,
        encoded: tuple[bytes, dict[str, str]] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Send one request; return (status, JSON body) and take in the server's clock.

        ``encoded`` is a body encoded beforehand (:func:`_encode`: its bytes and headers).

        A 503 with Retry-After (the server is busy) is sent again after Retry-After with jitter
        (:func:`busy_delay`), up to ``busy_retries`` times; the body is the same, so a push is
        still applied exactly once.
        """
        data, content = encoded or (None, {})
        if body is not None:
            data, content = _encode(body, gzip_body=False)
        url = self._url(path, server)

        def send() -> Exchange:
            headers = {**self._headers(auth), **content}
            return self._exchange(session or self.session, method, url, data, params, headers)

        answer = self._settle(send(), send)
        return answer.status, answer.payload

    def _exchange(self, session, method, url, data, params, headers) -> Exchange:
        """Send one request and decode its answer. Touches neither the store nor the agent's
        state, so the pull runs it in its prefetch thread."""
        sent_ms = self._clock_ms()
        response = self._send(session, method, url, data, params, headers)
        received_ms = self._clock_ms()
        return Exchange(
            response.status_code,
            _json_body(response),
            response.headers.get("Retry-After"),
            sent_ms,
            received_ms,
        )

    def _settle(
        self, answer: Exchange, resend: Callable[[], Exchange], *, clock: bool = True
    ) -> Exchange:
        """Take in an answer's clock (unless ``clock`` is False and it succeeded: the pull keeps
        it for the page's transaction), send again after a busy 503, raise its error."""
        for attempt in range(self.busy_retries + 1):
            if attempt:
                answer = resend()
            if clock or answer.status >= 400:
                self._observe_clock(answer)
            if answer.status == 503 and attempt < self.busy_retries:
                wait = retry_after_seconds(answer.retry_after)
                if wait is not None and wait <= MAX_INLINE_WAIT:
                    self._sleep(busy_delay(wait))
                    continue
            if answer.status >= 400:
                self._raise_for(answer.status, answer.payload)
            return answer
        raise AssertionError("unreachable")

    def _send(self, session, method, url, data, params, headers) -> requests.Response:
        """Send one HTTP request; network failures become SyncError (offline, timeout...)."""
        try:
            return session.request(
                method, url, data=data, params=params, headers=headers, timeout=self.timeout
            )
        except requests.exceptions.Timeout as exc:
            raise SyncError("timeout", str(exc)) from exc
        except requests.exceptions.RetryError as exc:
            raise SyncError("server_error", str(exc)) from exc
        except requests.exceptions.ConnectionError as exc:
            # After the retries run out, requests reports a read timeout as a ConnectionError.
            reason = getattr(exc.args[0] if exc.args else None, "reason", None)
            if isinstance(reason, ReadTimeoutError):
                raise SyncError("timeout", str(exc)) from exc
            raise SyncError("offline", str(exc)) from exc
        except requests.exceptions.RequestException as exc:
            raise SyncError("network", str(exc)) from exc

    def _raise_for(self, status: int, payload: Mapping[str, Any]) -> None:
        error = payload.get("error") if isinstance(payload.get("error"), dict) else {}
        code = str(error.get("code") or "")
        message = str(error.get("message") or "")
        details = error.get("details") if isinstance(error.get("details"), dict) else {}
        if status == 401 or code in ("unauthorized", "unknown_device"):
            raise SyncError("unauthorized", message, status=status, details=details)
        if status == 426:
            code = code if code in UPGRADE_CODES else "upgrade_required"
            raise SyncError(code, message, status=status, details=details)
        if status == 503 and code == "server_busy":
            raise SyncError("server_busy", message, status=status, details=details)
        if code in (
            "seq_gap",
            "seq_reused",
            "payload_too_large",
            "validation_error",
            "invalid_cursor",
            "too_many_attempts",
        ):
            raise SyncError(code, message, status=status, details=details)
        if status == 413:
            raise SyncError("payload_too_large", message, status=status, details=details)
        if status == 403:
            raise SyncError("forbidden", message, status=status, details=details)
        if status >= 500:
            raise SyncError("server_error", message, status=status, details=details)
        raise SyncError(code or "bad_response", message, status=status, details=details)

    @staticmethod
    def _clock_reading(answer: Exchange) -> tuple[int, float] | None:
        """Return (server ms, this device's offset in seconds) read from an answer, if any."""
        server_ms = parse_server_ms(answer.payload.get("server_time"))
        if server_ms is None:
            return None
        # The server read its clock roughly halfway through the round trip.
        offset = (server_ms - (answer.sent_ms + answer.received_ms) / 2) / 1000.0
        return server_ms, round(offset, 1)

    def _observe_clock(self, answer: Exchange) -> None:
        reading = self._clock_reading(answer)
        if reading is None:
            return
        try:
            self.store.observe_server_time(reading[0])
        except Exception:  # the clock is advisory; never let it stop a sync
            log.exception("could not update the HLC")
        self.store.set_meta(clock_offset_seconds=reading[1])

    # -- login -------------------------------------------------------------------------------

    def check_rebinding(self, server: str, username: str) -> None:
        """Refuse to bind to another server or account while changes are unsent.

        Unsent (pending or quarantined) changes belong to the server and account they were
        made for: another server would receive them, and its scope would replace the replica.
        Signing in again to the same server and account only renews the token.
        """
        meta = self.store.all_meta()
        bound = meta.get("server_url")
        if bound is None:
            return
        same = same_server(bound, server) and meta.get("username") in (None, username)
        counts = self.store.outbox_counts()
        unsent = counts["pending"] + counts["quarantined"]
        if not same and unsent:
            raise SyncError(
                "unsent_changes",
                f"{unsent} unsent changes for {bound}",
                details={"n": unsent, "server": bound, "username": meta.get("username") or ""},
            )

    def login(
        self, server: str, username: str, password: str, device_name: str = "posyandu-client"
    ) -> dict[str, Any]:
        """Sign the device in (online) and keep its token; return the user.

        Never re-binds to another server or account while changes are unsent
        (:meth:`check_rebinding`, checked before the password is sent anywhere).
        """
        server = server.strip().rstrip("/")
        self.check_rebinding(server, username)
        session = requests.Session()  # no retries: a replayed login would register two devices
        try:
            _, payload = self._request(
                "POST",
                "/auth/login",
                auth=False,
                server=server,
                session=session,
                body={"username": username, "password": password, "device_name": device_name},
            )
        except SyncError as exc:
            if exc.code == "unauthorized":
                raise SyncError("login_failed", exc.message, status=exc.status) from exc
            raise
        finally:
            session.close()
        token, device_id = payload.get("token"), payload.get("device_id")
        if not token or not device_id:
            raise SyncError("bad_response", "login answer without token")
        meta = self.store.all_meta()
        bound = meta.get("server_url")
        if (bound is not None and not same_server(bound, server)) or meta.get("username") not in (
            None,
            username,
        ):
            self.store.reset_replica()  # another scope: download it afresh, keep unsent edits
        if meta.get("device_id") != str(device_id):
            self.store.renumber_pending(1)  # a new device on the server starts at seq 1
        user = payload.get("user") or {}
        self.store.set_meta(
            server_url=server,
            token=token,
            device_id=str(device_id),
            username=username,
            user=user,
            scope=user.get("scope"),
            last_error=None,
        )
        return user

    def logout(self) -> None:
        """Forget the token (data and unsent edits stay on the device)."""
        self.store.set_meta(token=None)

    def reachable(self) -> bool:
        """Tell whether the server answers the token (a cheap check for auto-sync)."""
        try:
            self._request("GET", "/auth/me", session=requests.Session())
        except SyncError:
            return False
        return True

    # -- the whole sync ------------------------------------------------------------------------

    def sync(self, progress: ProgressCallback | None = None) -> SyncReport:
        """Push the outbox, pull the scope, check the digest and repair; record the outcome."""
        if not self._run_lock.acquire(blocking=False):
            raise SyncError("busy")
        self._in_progress = True
        report = SyncReport()
        try:
            self.push(report, progress)
            self.pull(report, progress)
            self.fetch_conflicts()
            self.store.set_meta(last_sync_at=now_utc_iso(), last_error=None, upgrade_required=None)
            self._report(progress, "done", 1, 1)
            return report
        except SyncError as exc:
            self._record_failure(exc)
            self._report(progress, "failed")
            raise
        finally:
            self._in_progress = False
            self._run_lock.release()

    def _record_failure(self, exc: SyncError) -> None:
        """Keep the error for the Sinkronisasi page; a 426 also stops auto-sync until updated."""
        values: dict[str, Any] = {"last_error": exc.to_dict()}
        if exc.code in UPGRADE_CODES:
            values["upgrade_required"] = {
                "code": exc.code,
                "app_version": APP_VERSION,
                "min_app_version": exc.details.get("min_app_version"),
                "message": exc.message,
                "at": now_utc_iso(),
            }
        self.store.set_meta(**values)

    # -- push ----------------------------------------------------------------------------------

    # Send each mutation's author (protocol v1 addition) until a server says it lacks the field.
    send_authors = True

    def _wire(self, batch: list) -> list[dict[str, Any]]:
        """Return the batch as the push body lists it (without authors for an older server)."""
        wire = [m.to_wire() for m in batch]
        if not self.send_authors:
            for m in wire:
                m.pop("author", None)
        return wire

    def push(
        self, report: SyncReport | None = None, progress: ProgressCallback | None = None
    ) -> SyncReport:
        """Send every pending mutation in batches, oldest first, until the outbox is empty.

        One batch ahead: once a batch is answered, the next one is sent (in a worker thread)
        while this one's answers are stored, so the device's commit and the server's work on
        the next batch overlap. The next batch starts after the answered one (``from_seq``), and
        is sent only after an answer applied all before it, so the server never sees a gap.
        """
        report = report or SyncReport()
        device_id = self.store.get_meta("device_id")
        if not device_id:
            raise SyncError("not_signed_in")
        state = _PushState(self.store.outbox_counts()["pending"], self.push_batch)
        state.largest = self.push_batch_max
        self._report(progress, "push", 0, state.total)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="push") as ahead:
            flight = self._send_batch(ahead, device_id, self.store.pending(state.size))
            for _ in range(MAX_PUSH_ROUNDS):
                if flight is None:
                    break
                flight = self._settle_batch(ahead, device_id, flight, state, report, progress)
        return report

    def _send_batch(self, ahead: ThreadPoolExecutor, device_id: str, batch: list, encoded=None):
        """Start sending a batch in the worker; return (batch, started, future), or None.

        ``encoded``: the batch's body, encoded while the batch before it was on the server."""
        if not batch:
            return None
        if encoded is None:
            encoded = self._push_body(device_id, batch)
        started = self._monotonic()
        future = ahead.submit(self._request, "POST", "/sync/push", encoded=encoded)
        return batch, started, future

    def _push_body(self, device_id: str, batch: list) -> tuple[bytes, dict[str, str]]:
        body = {"device_id": device_id, "mutations": self._wire(batch)}
        return _encode(body, gzip_body=self.gzip_push)

    def _prepare_next(self, device_id: str, batch: list, state: _PushState) -> _Prepared:
        """Read and encode the batch after ``batch`` while ``batch`` is on the server, at the
        size it will most likely have (the server then waits for no device work between two
        batches: reading, encoding and compressing 1,000 mutations took about 15 ms)."""
        size = state.size
        if len(batch) == size:  # answered within PUSH_FAST_SECONDS: the usual case
            size = min(size * 2, state.largest)
        following = self.store.pending(size, from_seq=batch[-1].seq + 1)
        encoded = self._push_body(device_id, following) if following else None
        return _Prepared(size, following, encoded)

    def _settle_batch(self, ahead, device_id: str, flight, state, report, progress):
        """Take one batch's answer, send the next batch, store the answer; return the flight."""
        batch, started, future = flight
        ready = self._prepare_next(device_id, batch, state)
        try:
            _, answer = future.result()
        except SyncError as exc:
            if self.send_authors and _refuses_author(exc):
                self.send_authors = False  # a server from before authors: send as before
            elif exc.code == "seq_gap":
                self._recover_seq_gap(exc, batch[0].seq)
            elif exc.code == "payload_too_large" and len(batch) > 1:
                state.size = state.largest = max(1, len(batch) // 2)  # and never above it again
            elif _refuses_batch_length(exc, len(batch)):
                # an older server: the largest batch such a server takes below this one
                older = [n for n in OLDER_PUSH_BATCHES if n < len(batch)]
                state.size = state.largest = older[0]
            else:
                raise
            return self._send_batch(ahead, device_id, self.store.pending(state.size))
        state.size = self._next_batch(state.size, len(batch), state.largest, started)
        if ready.size == state.size and len(ready.batch) == state.size:
            flight = self._send_batch(ahead, device_id, ready.batch, ready.encoded)
        else:  # another size, or the outbox was short then: what is pending now
            following = self.store.pending(state.size, from_seq=batch[-1].seq + 1)
            flight = self._send_batch(ahead, device_id, following)
        results = answer.get("results") or []
        tally = self.store.apply_push_results(results, derived_fields=self._derived_fields)
        report.pushed += tally["acked"]
        report.quarantined += tally["quarantined"]
        report.conflicts += tally["conflicts"]
        handled = tally["acked"] + tally["quarantined"]
        if handled == 0:
            sent = {m.seq for m in batch}
            if sent & {m.seq for m in self.store.pending(len(batch), from_seq=batch[0].seq)}:
                # The server answered but settled nothing: do not spin on the same batch.
                raise SyncError("bad_response", "push answer settled no mutation")
            # Another sync of this device (the app's and the CLI's on one data folder) settled
            # this batch meanwhile: carry on with what is left.
        state.done += handled
        self._report(progress, "push", state.done, max(state.total, state.done))
        return flight

    def _next_batch(self, size: int, sent: int, largest: int, started: float) -> int:
        """Return the next batch's size after a batch of ``sent`` answered since ``started``."""
        elapsed = self._monotonic() - started
        if elapsed < PUSH_FAST_SECONDS and sent == size:
            return min(size * 2, largest)
        if elapsed > PUSH_SLOW_SECONDS:
            return max(min(self.push_batch, size), size // 2)
        return size

    def _recover_seq_gap(self, exc: SyncError, first_sent: int) -> None:
        """Resume from the seq the server expects after a 409 ``seq_gap``."""
        try:
            expected = int(exc.details.get("expected_seq"))
        except (TypeError, ValueError):
            raise SyncError("bad_response", "seq_gap without expected_seq") from exc
        if expected > first_sent:
            # Everything below ``expected`` reached the server; its answers were lost.
            self.store.drop_acknowledged(expected)
        else:
            # The server lost seqs we no longer hold: number what is left from where it stands.
            self.store.renumber_pending(expected)

    # -- pull ----------------------------------------------------------------------------------

    def pull(
        self, report: SyncReport | None = None, progress: ProgressCallback | None = None
    ) -> SyncReport:
        """Pull pages of changes until none are left, then check the digest and repair.

        While the store applies a page, the next one (its cursor came with this page) is fetched
        and decoded in a background thread: only the HTTP request and the JSON decoding run
        there; the store, the token and the clock stay in this thread. A fetched page's error
        surfaces when that page is reached, after the pages before it are applied; the thread
        is joined before pull returns or raises.
        """
        report = report or SyncReport()
        self._report(progress, "pull", 0)
        with (
            self.store.long_download(),
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull-prefetch") as ahead,
        ):
            digest = self._pull_pages(report, progress, ahead)
        self._refetch_discarded(report)
        if digest and self.store.outbox_counts()["pending"] == 0:
            report.digest_ok = self.local_digest() == digest
            if not report.digest_ok:
                self.repair(report, progress)
            self.store.set_meta(digest_checked_ms=self._clock_ms())
        return report

    def _pull_pages(
        self, report: SyncReport, progress: ProgressCallback | None, ahead: ThreadPoolExecutor
    ) -> str | None:
        """Apply pages from the stored cursor on; return the last page's digest."""
        skip_digest = not self._digest_due()
        cursor = self.store.get_meta("cursor")
        upcoming = None  # the next page, being fetched while this one is applied
        while True:
            fetch = self._page_fetcher(cursor, skip_digest)
            pending, upcoming = upcoming or ahead.submit(fetch), None
            try:
                answer = self._settle(pending.result(), fetch, clock=False)
            except SyncError as exc:
                if exc.code != "invalid_cursor" or cursor is None:
                    raise
                self.store.set_meta(cursor=None)  # start over; older versions are skipped
                cursor = None
                continue
            page = answer.payload
            if page.get("reset"):
                self._observe_clock(answer)
                report.resets += 1
                if report.resets > MAX_RESETS:
                    raise SyncError("bad_response", "server keeps resetting the scope")
                self.store.reset_replica()
                cursor = None
                continue
            cursor = page.get("cursor", cursor)
            if page.get("more"):
                upcoming = ahead.submit(self._page_fetcher(cursor, skip_digest))
            report.pulled += self._apply_pulled(page, cursor, answer)
            self._report(progress, "pull", report.pulled)
            if not page.get("more"):
                return page.get("digest")

    def _page_fetcher(self, cursor: Any, skip_digest: bool) -> Callable[[], Exchange]:
        """Return a call that fetches the pull page after ``cursor`` (headers built here, in
        the store's thread, so the call may run in another)."""
        params: dict[str, Any] = {"limit": self.pull_limit}
        if cursor is not None:
            params["cursor"] = cursor
            if skip_digest:
                params["digest"] = "0"
        url, headers, session = self._url("/sync/pull"), self._headers(), self.session
        return functools.partial(self._exchange, session, "GET", url, None, params, headers)

    def _apply_pulled(self, page: Mapping[str, Any], cursor: Any, answer: Exchange) -> int:
        """Apply one page with its cursor and the server clock it carried, in one transaction."""
        changes = [Change.from_wire(c) for c in page.get("changes") or []]
        reading = self._clock_reading(answer)
        clock = {} if reading is None else {"clock_offset_seconds": reading[1]}
        return self.store.apply_changes(
            changes,
            cursor=cursor,
            derived_fields=self._derived_fields,
            server_ms=None if reading is None else reading[0],
            **clock,
        )

    def _digest_due(self) -> bool:
        """Tell whether this pull should end with a digest check (see DIGEST_EVERY)."""
        last = self.store.get_meta("digest_checked_ms")
        return (
            self.digest_every <= 0
            or not isinstance(last, int)
            or self._clock_ms() - last >= self.digest_every * 1000
            or self._clock_ms() < last
        )

    def local_digest(self) -> str:
        """Return the digest of the live records this device holds at a server version."""
        from shared.sync.digest import scope_digest

        return scope_digest(self.store.synced_versions().items())

    # -- digest repair -------------------------------------------------------------------------

    def remote_ids(self) -> list[tuple[str, str, int]]:
        """Return (id, kind, version) of every live record in scope, page by page."""
        remote: list[tuple[str, str, int]] = []
        after = None
        while True:
            params: dict[str, Any] = {"limit": IDS_LIMIT}
            if after is not None:
                params["after"] = after
            _, page = self._request("GET", "/sync/ids", params=params)
            rows = page.get("records") or []
            remote += [(str(r["id"]), str(r["kind"]), int(r["version"])) for r in rows]
            if not page.get("more") or not rows:
                return remote
            after = page.get("next") or rows[-1]["id"]

    def repair(
        self, report: SyncReport | None = None, progress: ProgressCallback | None = None
    ) -> SyncReport:
        """Fetch records whose version differs from the server and drop ones it no longer has."""
        from shared.sync.digest import diff_ids

        report = report or SyncReport()
        self._report(progress, "repair", 0)
        to_fetch, to_delete = diff_ids(
            self.store.synced_versions(), self.remote_ids(), pending=self.store.ids_with_outbox()
        )
        report.repaired += self.fetch(sorted(to_fetch), report)
        report.removed += self.store.forget_records(sorted(to_delete))
        self._report(progress, "repair", report.repaired)
        return report

    def fetch(self, ids: list[str], report: SyncReport | None = None) -> int:
        """Download the current state of some records and apply it; return how many applied."""
        applied = 0
        for start in range(0, len(ids), FETCH_BATCH):
            chunk = ids[start : start + FETCH_BATCH]
            _, page = self._request("POST", "/sync/fetch", body={"ids": chunk})
            changes = [Change.from_wire(c) for c in page.get("changes") or []]
            applied += self.store.apply_changes(
                changes, derived_fields=self._derived_fields, force=True
            )
            missing = page.get("missing") or []
            if missing:
                removed = self.store.forget_records(missing)
                if report is not None:
                    report.removed += removed
        return applied

    def fetch_conflicts(self) -> int:
        """Download the open conflicts in scope, and follow the ones shown open here.

        A conflict this device lists as open but the server no longer does was resolved by a
        reviewer: it is asked again by its record, and comes back resolved with who, when and
        which value stands.
        """
        opened = self._conflicts({"status": "open", "limit": 200})
        if opened is None:
            return 0
        self.store.add_conflicts(opened)
        still_open = {str(c.get("id")) for c in opened}
        asked = sorted(
            {c["record_id"] for c in self.store.conflicts("open") if c["id"] not in still_open}
        )
        for start in range(0, len(asked), CONFLICT_IDS_PER_REQUEST):
            chunk = asked[start : start + CONFLICT_IDS_PER_REQUEST]
            found = self._conflicts({"record_ids": ",".join(chunk), "limit": 1000})
            self.store.add_conflicts(found or [])
        return len(opened)

    def _conflicts(self, params: Mapping[str, Any]) -> list[dict[str, Any]] | None:
        """Return a page of the server's conflict queue (None when this user may not see it)."""
        try:
            _, page = self._request("GET", "/conflicts", params=params)
        except SyncError as exc:
            if exc.code in ("forbidden", "not_found", "bad_response", "validation_error"):
                return None  # an older server refuses record_ids: the list just stays as it is
            raise
        return [c for c in page.get("conflicts") or [] if isinstance(c, dict)]

    def resolve_conflict(self, conflict_id: str, choice: str) -> dict[str, Any]:
        """Ask the server to resolve a conflict with ``choice`` (winner | loser); keep its answer."""
        return self._review(f"/conflicts/{int(conflict_id)}/resolve", {"choice": choice})

    def reopen_conflict(self, conflict_id: str) -> dict[str, Any]:
        """Ask the server to reopen a resolved conflict; keep its answer."""
        return self._review(f"/conflicts/{int(conflict_id)}/reopen", {})

    def _review(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        _, answer = self._request("POST", path, body=body)
        if not answer.get("id"):
            raise SyncError("bad_response", "the server did not answer with the conflict")
        self.store.add_conflicts([answer])
        return answer

    def _refetch_discarded(self, report: SyncReport) -> None:
        """Restore records whose rejected local edits the kader discarded."""
        ids = self.store.get_meta("refetch") or []
        if ids:
            self.fetch(list(ids), report)
            self.store.set_meta(refetch=None)


class AutoSync:
    """Syncs in a background thread: on demand, and periodically when the server answers."""

    def __init__(
        self,
        agent: SyncAgent,
        *,
        interval: float = 120.0,
        first_delay: float = 2.0,
        on_error: Callable[[SyncError], None] | None = None,
    ):
        self.agent = agent
        self.interval = interval
        self.first_delay = first_delay
        self.on_error = on_error
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy_until = 0.0  # after a 503: no auto-sync before this (monotonic seconds)
        self.runs = 0

    def start(self) -> AutoSync:
        """Start the background thread (idempotent)."""
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="posyandu-autosync", daemon=True)
            self._thread.start()
        return self

    def trigger(self) -> None:
        """Ask for a sync as soon as possible (the "Kirim sekarang" button)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        delay = self.first_delay
        while not self._stop.is_set():
            woken = self._wake.wait(delay)
            self._wake.clear()
            if self._stop.is_set():
                return
            delay = self.interval * random.uniform(0.8, 1.2)  # jitter: devices do not align
            if not self.agent.store.get_meta("token"):
                continue
            if not woken and self.agent.upgrade_required() is not None:
                continue  # refused (426) for this app version: only "Kirim sekarang" retries
            if not woken and not self.agent.reachable():
                continue
            self.sync_once()
            delay = max(delay, self._busy_until - time.monotonic())

    def sync_once(self) -> SyncReport | None:
        """Run one sync now, swallowing (but recording) its error."""
        self.runs += 1
        try:
            return self.agent.sync()
        except SyncError as exc:
            if exc.code == "server_busy":
                wait = retry_after_seconds(exc.details.get("retry_after_seconds")) or 0.0
                self._busy_until = time.monotonic() + busy_delay(wait)
            if exc.code != "busy" and self.on_error is not None:
                self.on_error(exc)
            return None
        except Exception:  # keep the thread alive whatever happens
            log.exception("auto-sync failed")
            return None


def _refuses_batch_length(exc: SyncError, sent: int) -> bool:
    """Tell whether a push was refused for its length by an older server (taking 1,000 or 500)."""
    return (
        exc.code == "validation_error"
        and sent > LEGACY_PUSH_BATCH
        and set(exc.details or {}) == {"mutations"}
    )


def _refuses_author(exc: SyncError) -> bool:
    """Tell whether a push was refused because the server does not know ``author`` (a server
    from before issue #18 rejects unknown fields): the only field a newer client may add."""
    if exc.code != "validation_error":
        return False

    def names_author(details: Any) -> bool:
        if isinstance(details, dict):
            return any(k == "author" or names_author(v) for k, v in details.items())
        return False

    return names_author(exc.details)
