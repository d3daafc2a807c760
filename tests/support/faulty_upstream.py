"""An upstream stand-in on loopback that misbehaves on request, at the socket level.

Tests queue the behaviour of the next requests (`FaultyUpstream.next(...)`); with nothing
queued it answers like the real API (201 with the documented invoice). It runs its own
asyncio loop in a thread, so a stalled answer here never blocks the gateway or the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from examples.seed import seed_response
from gateway.upstream import codec

SEED_BODY = codec.encode(seed_response())


@dataclass
class Behaviour:
    status: int = 201
    body: bytes = SEED_BODY
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    delay: float = 0.0  # before answering at all
    stall_after_headers: float = 0.0  # headers sent, then nothing for this long
    body_bytes: int | None = None  # send only this much of the body, then close
    reset: bool = False  # answer with a TCP reset instead of HTTP


def ok() -> Behaviour:
    return Behaviour()


class FaultyUpstream:
    def __init__(self) -> None:
        self._queue: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.received = threading.Event()
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    def next(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._queue.extend(behaviours)
            self.received.clear()

    def _take(self) -> Behaviour:
        with self._lock:
            return self._queue.popleft() if self._queue else ok()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                length = 0
                for line in header_lines:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                if length:
                    await reader.readexactly(length)
                method, path, _ = request_line.split(" ", 2)
                self.requests.append((method, path))
                behaviour = self._take()
                self.received.set()
                if not await self._answer(behaviour, writer):
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _answer(self, behaviour: Behaviour, writer: asyncio.StreamWriter) -> bool:
        """Write one answer; `False` when the connection must end here."""
        if behaviour.delay:
            await asyncio.sleep(behaviour.delay)
        if behaviour.reset:
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        headers = {**behaviour.headers, "Content-Length": str(len(behaviour.body))}
        head = f"HTTP/1.1 {behaviour.status} X\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items()
        )
        writer.write(head.encode() + b"\r\n")
        await writer.drain()
        if behaviour.stall_after_headers:
            await asyncio.sleep(behaviour.stall_after_headers)
        if behaviour.body_bytes is not None:
            writer.write(behaviour.body[: behaviour.body_bytes])
            await writer.drain()
            return False
        writer.write(behaviour.body)
        await writer.drain()
        return True

    async def _serve(self, started: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/api/v1"
        started.set()
        async with server:
            await self._stop.wait()

    @contextlib.contextmanager
    def running(self) -> Iterator[FaultyUpstream]:
        started = threading.Event()
        thread = threading.Thread(target=asyncio.run, args=(self._serve(started),), daemon=True)
        thread.start()
        if not started.wait(10):
            raise RuntimeError("the faulty upstream did not start")
        try:
            yield self
        finally:
            assert self._loop is not None
            assert self._stop is not None
            self._loop.call_soon_threadsafe(self._stop.set)
            thread.join(10)
