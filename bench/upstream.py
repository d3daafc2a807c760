"""A fast stand-in for the invoicing API: raw asyncio (uvloop when installed), HTTP/1.1.

`POST /api/v1/contracts/{id}/invoices` answers 201 with the documented invoice, compact, in
the upstream's own formats; for a contract id listed in `--sizes` the invoice has that many
receivables and services (see `bench.payloads`), for any other id one of each.
`GET /api/v1/health_check` answers `{"status": "ok"}`; anything else 404 with an empty body,
except `GET /bench/stats`: `{"invoices": N}`, the invoices created so far, which the bench
uses to divide a server's CPU time by the requests it really passed on.
Every body is built once at start-up, so the stand-in costs a few tens of microseconds a
request and the servers under test do all the work that is measured.

    python -m bench.upstream --port 8001 --sizes 1,10,100,1000
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
from typing import cast

from bench import payloads

_INVOICES = re.compile(rb"/api/v1/contracts/(\d+)/invoices")
_HEALTH = b"/api/v1/health_check"
_STATS = b"/bench/stats"
_HEADER_END = b"\r\n\r\n"


def _response(status: bytes, body: bytes) -> tuple[bytes, bytes]:
    """The head (without the request id and final blank line) and the body of a response."""
    head = (
        b"HTTP/1.1 " + status + b"\r\n"
        b"Content-Type: application/json; charset=utf-8\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n"
    )
    return head, body


class Answers:
    """Every response the stand-in can give, prebuilt."""

    def __init__(self, sizes: list[int]) -> None:
        self._invoices = {
            payloads.contract_id(size): _response(b"201 Created", payloads.invoice_response(size))
            for size in sizes
        }
        self._default = _response(b"201 Created", payloads.invoice_response(1))
        self._health = _response(b"200 OK", b'{"status":"ok"}')
        self._not_found = _response(b"404 Not Found", b"")
        self._ids = itertools.count(1)
        self.invoices = 0

    def answer(self, method: bytes, target: bytes) -> bytes:
        path = target.split(b"?", 1)[0]
        if method == b"POST" and (match := _INVOICES.fullmatch(path)):
            head, body = self._invoices.get(int(match.group(1)), self._default)
            self.invoices += 1
        elif method == b"GET" and path == _HEALTH:
            head, body = self._health
        elif method == b"GET" and path == _STATS:
            head, body = _response(b"200 OK", b'{"invoices": %d}' % self.invoices)
        else:
            head, body = self._not_found
        request_id = b"X-Request-Id: bench-%d\r\n\r\n" % next(self._ids)
        return head + request_id + body


class _Connection(asyncio.Protocol):
    def __init__(self, answers: Answers) -> None:
        self._answers = answers
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not `asyncio.Transport` subclasses, but behave as one.
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        assert self._transport is not None
        self._buffer += data
        while (end := self._buffer.find(_HEADER_END)) >= 0:
            head = bytes(self._buffer[:end]).lower()
            if b"\r\ntransfer-encoding:" in head:  # no client of the bench sends chunks
                self._transport.write(b"HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\n\r\n")
                self._transport.close()
                return
            total = end + len(_HEADER_END) + _content_length(head)
            if len(self._buffer) < total:
                return
            request_line = bytes(self._buffer[: self._buffer.find(b"\r\n")])
            del self._buffer[:total]
            method, target, _ = request_line.split(b" ", 2)
            self._transport.write(self._answers.answer(method, target))
            if b"\r\nconnection: close" in head:
                self._transport.close()
                return


def _content_length(head: bytes) -> int:
    start = head.find(b"\r\ncontent-length:")
    if start < 0:
        return 0
    start += len(b"\r\ncontent-length:")
    end = head.find(b"\r\n", start)
    return int(head[start : end if end >= 0 else len(head)])


async def serve(host: str, port: int, answers: Answers) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Connection(answers), host, port, backlog=1024)
    async with server:
        await server.serve_forever()


def main(kind: type[Answers] = Answers, description: str | None = None) -> None:
    """The stand-in's command line, serving `kind` (a stand-in with more routes subclasses
    `Answers`)."""
    parser = argparse.ArgumentParser(description=description or __doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sizes", default="1", help="comma-separated item counts to serve")
    args = parser.parse_args()
    answers = kind([int(size) for size in args.sizes.split(",")])
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(args.host, args.port, answers))
    else:
        uvloop.run(serve(args.host, args.port, answers))


if __name__ == "__main__":
    main()
