"""A byte-counting TCP relay on loopback, put between a sync client and its server.

Both systems (ours and PouchDB) are measured through it the same way: every byte each direction
(HTTP headers included), the TCP connections opened, and the requests — a request is counted
each time the client starts sending on a connection after the server last spoke (or on a fresh
connection), which is one request/response round trip for HTTP/1.1 without pipelining.

The relay runs in its own process (so it takes no CPU time from the Python client's GIL) and
publishes its counters in shared memory: ``Relay(target_port)`` then ``relay.snapshot()``.

With ``bps`` and ``rtt`` it also emulates a slow link: every byte both ways goes through one shared
link of ``bps`` bits per second, each chunk arrives ``rtt / 2`` after it left, and a new connection
costs one round trip before its first byte (the TCP handshake).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import socket
from dataclasses import dataclass

UP, DOWN, CONNECTIONS, REQUESTS = range(4)


@dataclass(frozen=True)
class Counters:
    """Relay counters at one moment; subtract two to get one phase's traffic."""

    up: int = 0  # client -> server bytes
    down: int = 0  # server -> client bytes
    connections: int = 0  # TCP connections opened
    requests: int = 0  # request/response round trips

    def __sub__(self, other: Counters) -> Counters:
        return Counters(
            self.up - other.up,
            self.down - other.down,
            self.connections - other.connections,
            self.requests - other.requests,
        )

    @property
    def total(self) -> int:
        """Bytes both ways."""
        return self.up + self.down

    def as_dict(self) -> dict[str, int]:
        return {
            "bytes_up": self.up,
            "bytes_down": self.down,
            "bytes": self.total,
            "connections": self.connections,
            "requests": self.requests,
        }


def _serve(
    listen: socket.socket, target_port: int, counters, ready, bps: float | None, rtt: float
) -> None:
    """Relay every connection on ``listen`` to 127.0.0.1:target_port, counting (child process)."""
    link = {"free_at": 0.0}  # when the emulated link has sent everything queued so far

    def add(index: int, amount: int) -> None:
        with counters.get_lock():
            counters[index] += amount

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        add(CONNECTIONS, 1)
        if bps:
            await asyncio.sleep(rtt)  # the TCP handshake on the slow link
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            client_w.close()
            return
        last = {"direction": DOWN}  # a fresh connection: the first client bytes start a request

        async def deliver(queue: asyncio.Queue, writer) -> None:
            """Write each chunk when the emulated link has carried it."""
            loop = asyncio.get_running_loop()
            while True:
                due, data = await queue.get()
                if data is None:
                    break
                await asyncio.sleep(max(0.0, due - loop.time()))
                writer.write(data)
                await writer.drain()

        async def pump(reader, writer, direction: int) -> None:
            loop = asyncio.get_running_loop()
            queue: asyncio.Queue = asyncio.Queue()
            slow = asyncio.ensure_future(deliver(queue, writer)) if bps else None
            try:
                while True:
                    data = await reader.read(65536)
                    if not data:
                        break
                    if direction == UP and last["direction"] == DOWN:
                        add(REQUESTS, 1)
                    last["direction"] = direction
                    add(direction, len(data))
                    if slow is None:
                        writer.write(data)
                        await writer.drain()
                    else:
                        start = max(loop.time(), link["free_at"])
                        link["free_at"] = start + len(data) * 8 / bps
                        queue.put_nowait((link["free_at"] + rtt / 2, data))
                if slow is not None:
                    queue.put_nowait((0.0, None))
                    await slow
            except (ConnectionError, OSError):
                pass
            finally:
                if slow is not None and not slow.done():
                    slow.cancel()
                with contextlib.suppress(ConnectionError, OSError):
                    writer.close()

        await asyncio.gather(pump(client_r, server_w, UP), pump(server_r, client_w, DOWN))

    async def main() -> None:
        server = await asyncio.start_server(handle, sock=listen, backlog=128)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class Relay:
    """A counting relay process listening on a free loopback port, forwarding to target_port."""

    def __init__(self, target_port: int, *, bps: float | None = None, rtt: float = 0.0):
        ctx = mp.get_context("spawn")
        self._listen = socket.socket()
        self._listen.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listen.bind(("127.0.0.1", 0))
        self._listen.listen(128)
        self.port = self._listen.getsockname()[1]
        self._counters = ctx.Array("q", 4)
        ready = ctx.Event()
        self._process = ctx.Process(
            target=_serve,
            name="bench-relay",
            daemon=True,
            args=(self._listen, target_port, self._counters, ready, bps, rtt),
        )
        self._process.start()
        if not ready.wait(30):
            self.close()
            raise RuntimeError("the byte-counting relay did not start")

    def snapshot(self) -> Counters:
        """Return the counters now."""
        with self._counters.get_lock():
            return Counters(*self._counters[:])

    def close(self) -> None:
        """Stop the relay process."""
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(10)
        self._listen.close()

    def __enter__(self) -> Relay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
