"""An OTLP/HTTP trace sink for `bench/run-tracing`: takes every export, answers at once.

`POST /v1/traces` answers 200 with an empty `ExportTraceServiceResponse` (an empty protobuf
message is zero bytes) and keeps the body; `GET /stats` counts the spans received by name,
so the bench can check that 100% sampling exported every request's spans (a batch span
processor drops what its queue cannot hold, which would make tracing look cheaper than it
is). The bodies are decoded only then, with a walk over the protobuf wire format, so the
sink costs little while it shares the load generator's core; the bench's own venv has no
`opentelemetry-proto`, and a span's name is all it needs. `GET /healthz` answers 200.

    python -m bench.tracing_sink --port 4318
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from typing import cast

_HEADER_END = b"\r\n\r\n"

# Field numbers of opentelemetry/proto/trace/v1/trace.proto and its collector's request.
_RESOURCE_SPANS = 1  # ExportTraceServiceRequest.resource_spans
_SCOPE_SPANS = 2  # ResourceSpans.scope_spans
_SPANS = 2  # ScopeSpans.spans
_NAME = 5  # Span.name
_LENGTH_DELIMITED, _VARINT, _FIXED64, _FIXED32 = 2, 0, 1, 5


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def fields(data: bytes) -> Iterator[tuple[int, bytes]]:
    """The length-delimited fields of one message, as (field number, bytes); others skipped."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == _LENGTH_DELIMITED:
            length, at = _varint(data, at)
            yield number, data[at : at + length]
            at += length
        elif wire == _VARINT:
            _, at = _varint(data, at)
        elif wire == _FIXED64:
            at += 8
        elif wire == _FIXED32:
            at += 4
        else:
            raise ValueError(f"unexpected wire type {wire}")


def span_names(export: bytes) -> Iterator[str]:
    """The name of every span in one `ExportTraceServiceRequest`."""
    for number, resource_spans in fields(export):
        if number != _RESOURCE_SPANS:
            continue
        for number, scope_spans in fields(resource_spans):
            if number != _SCOPE_SPANS:
                continue
            for number, span in fields(scope_spans):
                if number != _SPANS:
                    continue
                yield next((value.decode() for field, value in fields(span) if field == _NAME), "")


class Sink:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.bytes = 0

    def stats(self) -> bytes:
        names = Counter(name for body in self.bodies for name in span_names(body))
        return json.dumps(
            {
                "exports": len(self.bodies),
                "bytes": self.bytes,
                "spans": sum(names.values()),
                "by_name": dict(names),
            }
        ).encode()


def _response(status: bytes, body: bytes, content_type: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\nContent-Type: " + content_type + b"\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


_EXPORTED = _response(b"200 OK", b"", b"application/x-protobuf")
_HEALTHY = _response(b"200 OK", b'{"status":"ok"}', b"application/json")
_NOT_FOUND = _response(b"404 Not Found", b"", b"text/plain")


class _Connection(asyncio.Protocol):
    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        assert self._transport is not None
        self._buffer += data
        while (end := self._buffer.find(_HEADER_END)) >= 0:
            head = bytes(self._buffer[:end]).lower()
            start = end + len(_HEADER_END)
            total = start + _content_length(head)
            if len(self._buffer) < total:
                return
            method, target, _ = head[: head.find(b"\r\n")].split(b" ", 2)
            body = bytes(self._buffer[start:total])
            del self._buffer[:total]
            if method == b"post" and target == b"/v1/traces":
                self._sink.bodies.append(body)
                self._sink.bytes += len(body)
                answer = _EXPORTED
            elif method == b"get" and target == b"/stats":
                answer = _response(b"200 OK", self._sink.stats(), b"application/json")
            elif method == b"get" and target == b"/healthz":
                answer = _HEALTHY
            else:
                answer = _NOT_FOUND
            self._transport.write(answer)


def _content_length(head: bytes) -> int:
    start = head.find(b"\r\ncontent-length:")
    if start < 0:
        return 0
    start += len(b"\r\ncontent-length:")
    end = head.find(b"\r\n", start)
    return int(head[start : end if end >= 0 else len(head)])


async def serve(host: str, port: int) -> None:
    sink = Sink()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Connection(sink), host, port)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
