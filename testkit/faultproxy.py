"""A fault-injecting HTTP/1.1 relay on loopback, between the real field client and the real server.

Each request gets its own upstream connection and every answer carries ``Connection: close``, so
keep-alive never hides a fault. Faults are armed as rules (method, path substring, how many
matching requests to let through first, how many times to fire), by a seeded random plan
(:meth:`FaultProxy.random_plan`) or by any planner callable; what
the proxy did is counted in :attr:`FaultProxy.fired` and logged in :attr:`FaultProxy.log`.

Actions:

``pass``            forward and answer (the default).
``drop_request``    close the client connection without forwarding anything.
``drop_response``   forward, let the server answer (and commit), then close without answering.
``duplicate``       send the request to the server twice; answer with the first or second reply
                    (``which="first"|"second"``).
``delay``           wait ``seconds`` (at most :data:`MAX_DELAY`) before forwarding.
``cut_request``     forward the head and part of the body (``fraction``), then close.
``cut_response``    forward, then send the answer's head and part of its body, then close.
``hold_request``    hold the request until :meth:`release` (or ``timeout``), then forward.
``hold_response``   forward, then hold the answer until :meth:`release`; a client killed
                    meanwhile never gets it (``then="drop"``: nobody gets it).

Any forwarding action takes ``on_sent``, a callable run once the request is on the wire.
``overlap``         hold the request until another request on the same path arrives (or
                    ``timeout``), so two syncs of one device run at once on the server.
"""

from __future__ import annotations

import contextlib
import random
import socket
import socketserver
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

MAX_DELAY = 5.0
MAX_HOLD = 30.0
ACTIONS = (
    "pass",
    "drop_request",
    "drop_response",
    "duplicate",
    "delay",
    "cut_request",
    "cut_response",
    "hold_request",
    "hold_response",
    "overlap",
)
FAULTS = tuple(a for a in ACTIONS if a != "pass")

Planner = Callable[[str, str, int], "tuple[str, dict] | None"]


@dataclass
class Rule:
    """Fire ``action`` on requests matching method and path, after ``skip`` matches, ``times``."""

    action: str
    method: str | None = None
    path: str | None = None
    skip: int = 0
    times: int | None = 1
    options: dict[str, Any] = field(default_factory=dict)
    seen: int = 0
    fired: int = 0

    def take(self, method: str, path: str) -> bool:
        """Tell whether this request triggers the rule (and count it)."""
        if self.method and self.method != method:
            return False
        if self.path and self.path not in path:
            return False
        self.seen += 1
        if self.seen <= self.skip or (self.times is not None and self.fired >= self.times):
            return False
        self.fired += 1
        return True


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False


class FaultProxy:
    """Relay 127.0.0.1:<port> -> ``upstream`` with programmable faults."""

    def __init__(self, upstream: str):
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.rules: list[Rule] = []
        self.planner: Planner | None = None
        self.fired: Counter[str] = Counter()
        self.log: list[dict[str, Any]] = []
        self.arrivals: Counter[str] = Counter()
        self._cond = threading.Condition()
        self._release = threading.Event()
        self.held = threading.Event()
        self._index = 0
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- control -------------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def arm(
        self,
        action: str,
        *,
        method: str | None = None,
        path: str | None = None,
        skip: int = 0,
        times: int | None = 1,
        **options: Any,
    ) -> Rule:
        """Add a rule; the first matching rule decides a request's fate."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        rule = Rule(action, method, path, skip, times, options)
        with self._cond:
            self.rules.append(rule)
        return rule

    def random_plan(
        self,
        seed: int,
        rate: float = 0.3,
        kinds: tuple[str, ...] = (
            "drop_request",
            "drop_response",
            "duplicate",
            "cut_request",
            "cut_response",
        ),
        path: str | None = None,
    ) -> Planner:
        """Fault a share ``rate`` of the requests (on ``path``), kinds drawn from a seeded RNG.

        The n-th matching request always gets the same fate for a given seed.
        """
        rng = random.Random(seed)

        def plan(method: str, request_path: str, index: int) -> tuple[str, dict] | None:
            if path is not None and path not in request_path:
                return None
            roll, kind, fraction = rng.random(), rng.choice(kinds), rng.uniform(0.1, 0.9)
            if roll >= rate:
                return None
            options = {"fraction": fraction} if kind.startswith("cut_") else {}
            if kind == "duplicate":
                options["which"] = "first" if fraction < 0.5 else "second"
            return kind, options

        with self._cond:
            self.planner = plan
        return plan

    def heal(self) -> None:
        """Remove every rule and the planner, and let held requests go."""
        with self._cond:
            self.rules.clear()
            self.planner = None
        self.release()

    def release(self) -> None:
        """Let held requests and answers go."""
        self._release.set()

    def rearm_hold(self) -> None:
        """Make the next hold wait again."""
        self._release.clear()
        self.held.clear()

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
        """Wait until ``predicate()`` (checked on every proxy event) holds, or the deadline."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def _note(self, **entry: Any) -> None:
        with self._cond:
            self.log.append(entry)
            self._cond.notify_all()

    def _decide(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        with self._cond:
            self._index += 1
            self.arrivals[path] += 1
            self._cond.notify_all()
            for rule in self.rules:
                if rule.take(method, path):
                    return rule.action, rule.options
            if self.planner is not None:
                planned = self.planner(method, path, self._index)
                if planned is not None:
                    return planned
        return "pass", {}

    # -- one connection, one request -------------------------------------------------------------

    def _handle(self, client: socket.socket) -> None:
        client.settimeout(60)
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            request = _read_request(client)
        except (OSError, ValueError):
            client.close()
            return
        if request is None:
            client.close()
            return
        method, target, head, body = request
        path = target.split("?", 1)[0]
        action, options = self._decide(method, path)
        if action != "pass":
            with self._cond:
                self.fired[action] += 1
        entry: dict[str, Any] = {"method": method, "path": path, "action": action}
        try:
            self._perform(action, options, client, head, body, entry)
        except OSError as exc:
            entry["error"] = repr(exc)
        finally:
            with contextlib.suppress(OSError):
                client.close()
            self._note(**entry)

    def _perform(
        self,
        action: str,
        options: dict[str, Any],
        client: socket.socket,
        head: bytes,
        body: bytes,
        entry: dict[str, Any],
    ) -> None:
        if action == "drop_request":
            return
        if action == "delay":
            time.sleep(min(float(options.get("seconds", 0.2)), MAX_DELAY))
        elif action == "hold_request":
            self.held.set()
            self._note(method="", path="", action="held")
            self._release.wait(min(float(options.get("timeout", MAX_HOLD)), MAX_HOLD))
        elif action == "overlap":
            path = entry["path"]
            with self._cond:
                start = self.arrivals[path]
            self.wait_for(
                lambda: self.arrivals[path] > start,
                min(float(options.get("timeout", 2.0)), MAX_HOLD),
            )
        if action == "cut_request":
            cut = int(len(body) * float(options.get("fraction", 0.5)))
            entry["upstream_status"] = self._forward(head, body[:cut], half_close=True)[0]
            return
        status, answer = self._forward(head, body, on_sent=options.get("on_sent"))
        entry["upstream_status"] = status
        if action == "duplicate":
            status2, answer2 = self._forward(head, body)
            entry["upstream_status_2"] = status2
            if options.get("which", "first") == "second":
                answer = answer2
        if action == "drop_response" or not answer:
            return
        if action == "hold_response":
            self.held.set()
            self._note(method="", path="", action="held")
            self._release.wait(min(float(options.get("timeout", MAX_HOLD)), MAX_HOLD))
            if options.get("then") == "drop":
                return
        if action == "cut_response":
            split = answer.find(b"\r\n\r\n") + 4
            rest = answer[split:]
            answer = answer[:split] + rest[: int(len(rest) * float(options.get("fraction", 0.5)))]
        client.sendall(answer)

    def _forward(
        self,
        head: bytes,
        body: bytes,
        half_close: bool = False,
        on_sent: Callable[[], None] | None = None,
    ) -> tuple[int, bytes]:
        """Send one request upstream; return (status, the whole answer with Connection: close).

        ``half_close`` sends what it has and shuts the write side, like a client that died;
        ``on_sent`` runs once the request is on the wire (e.g. to kill the server mid-request).
        An upstream that refuses the connection gives status 0 and no answer.
        """
        try:
            up = socket.create_connection(self.upstream, timeout=120)
        except OSError:
            return 0, b""
        with up:
            up.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            up.sendall(head + body)
            if half_close:
                up.shutdown(socket.SHUT_WR)
            if on_sent is not None:
                on_sent()
            chunks = []
            while True:
                try:
                    chunk = up.recv(65536)
                except (ConnectionResetError, TimeoutError):
                    break
                if not chunk:
                    break
                chunks.append(chunk)
        raw = b"".join(chunks)
        if not raw:
            return 0, b""
        try:
            status = int(raw.split(b" ", 2)[1])
        except (IndexError, ValueError):
            status = 0
        return status, _close_header(raw)


def _read_request(client: socket.socket) -> tuple[str, str, bytes, bytes] | None:
    """Read one HTTP/1.1 request; return (method, target, head with Connection: close, body)."""
    reader = client.makefile("rb")
    line = reader.readline(65537)
    if not line.strip():
        return None
    method, target, _version = line.decode("latin-1").split(" ", 2)
    headers = []
    length = 0
    while True:
        raw = reader.readline(65537)
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        lowered = name.strip().lower()
        if lowered in ("connection", "keep-alive", "proxy-connection"):
            continue
        if lowered == "transfer-encoding":
            raise ValueError("chunked requests are not relayed")
        if lowered == "content-length":
            length = int(value.strip())
        headers.append(raw.rstrip(b"\r\n"))
    body = reader.read(length) if length else b""
    head = line.rstrip(b"\r\n") + b"\r\n" + b"".join(h + b"\r\n" for h in headers)
    head += b"Connection: close\r\n\r\n"
    return method, target, head, body


def _close_header(answer: bytes) -> bytes:
    """Rewrite an answer's Connection header to ``close``."""
    split = answer.find(b"\r\n\r\n")
    if split < 0:
        return answer
    lines = answer[:split].split(b"\r\n")
    kept = [lines[0]] + [
        h for h in lines[1:] if not h.lower().startswith((b"connection:", b"keep-alive:"))
    ]
    return b"\r\n".join(kept + [b"Connection: close"]) + answer[split:]
