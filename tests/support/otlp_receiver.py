"""An OTLP/HTTP trace receiver on loopback: what a collector would be sent, kept for tests.

No OpenTelemetry Collector installs from the registries this project can reach (PyPI, npm,
Debian), so the test plays the collector's receiving end: `POST /v1/traces` with an
`ExportTraceServiceRequest` in protobuf (gzip or not), decoded with `opentelemetry-proto`,
the message definitions the exporter itself encodes with. The raw bodies are kept too, so a
test can search every byte that left the process.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

Attribute = str | bool | int | float | bytes | tuple["Attribute", ...]

SPAN_KINDS = {
    Span.SPAN_KIND_INTERNAL: "INTERNAL",
    Span.SPAN_KIND_SERVER: "SERVER",
    Span.SPAN_KIND_CLIENT: "CLIENT",
    Span.SPAN_KIND_PRODUCER: "PRODUCER",
    Span.SPAN_KIND_CONSUMER: "CONSUMER",
}
STATUSES = {
    Status.STATUS_CODE_UNSET: "UNSET",
    Status.STATUS_CODE_OK: "OK",
    Status.STATUS_CODE_ERROR: "ERROR",
}


def value_of(value: AnyValue) -> Attribute:
    """An OTLP attribute value as plain Python (arrays as tuples; maps are not used here)."""
    which = value.WhichOneof("value")
    if which == "array_value":
        return tuple(value_of(item) for item in value.array_value.values)
    if which is None:
        return ""
    found: Attribute = getattr(value, which)
    return found


def attributes_of(pairs: Iterator[KeyValue] | list[KeyValue]) -> dict[str, Attribute]:
    return {pair.key: value_of(pair.value) for pair in pairs}


@dataclass(frozen=True)
class ReceivedSpan:
    """One exported span, with ids as hex as they appear in `traceparent` and log lines."""

    name: str
    kind: str
    trace_id: str
    span_id: str
    parent_span_id: str  # "" for a root span
    status: str
    status_message: str
    start_ns: int
    end_ns: int
    attributes: dict[str, Attribute]
    resource: dict[str, Attribute]
    scope: str


class OtlpReceiver:
    """Every export received, raw and decoded; tests poll `wait_for` with a deadline."""

    def __init__(self) -> None:
        self.url = ""
        self.raw: list[bytes] = []  # the request bodies as sent, before any decompression
        self.content_types: list[str] = []
        self._spans: list[ReceivedSpan] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)

    def record(self, body: bytes, content_type: str, encoding: str) -> None:
        payload = gzip.decompress(body) if encoding == "gzip" else body
        request = ExportTraceServiceRequest.FromString(payload)
        spans = [
            ReceivedSpan(
                name=span.name,
                kind=SPAN_KINDS.get(span.kind, str(span.kind)),
                trace_id=span.trace_id.hex(),
                span_id=span.span_id.hex(),
                parent_span_id=span.parent_span_id.hex(),
                status=STATUSES.get(span.status.code, str(span.status.code)),
                status_message=span.status.message,
                start_ns=span.start_time_unix_nano,
                end_ns=span.end_time_unix_nano,
                attributes=attributes_of(list(span.attributes)),
                resource=attributes_of(list(resource_spans.resource.attributes)),
                scope=scope_spans.scope.name,
            )
            for resource_spans in request.resource_spans
            for scope_spans in resource_spans.scope_spans
            for span in scope_spans.spans
        ]
        with self._arrived:
            self.raw.append(body)
            self.content_types.append(content_type)
            self._spans.extend(spans)
            self._arrived.notify_all()

    def spans(self) -> list[ReceivedSpan]:
        with self._lock:
            return list(self._spans)

    def raw_bytes(self) -> bytes:
        """Every body received, decompressed, end to end: what the gateway exported."""
        with self._lock:
            bodies = list(self.raw)
        return b"".join(gzip.decompress(b) if b[:2] == b"\x1f\x8b" else b for b in bodies)

    def wait_for(
        self, found: Callable[[list[ReceivedSpan]], bool], timeout: float = 15.0
    ) -> list[ReceivedSpan]:
        """The spans so far, once `found(spans)` holds; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while not found(list(self._spans)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    names = sorted({span.name for span in self._spans})
                    raise AssertionError(f"spans never came; received so far: {names}")
                self._arrived.wait(remaining)
            return list(self._spans)


def _handler(receiver: OtlpReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if self.path != "/v1/traces":
                self.send_error(404)
                return
            content_type = self.headers.get("Content-Type", "")
            if content_type != "application/x-protobuf":
                self.send_error(415, "only protobuf is expected from the gateway's exporter")
                return
            try:
                receiver.record(body, content_type, self.headers.get("Content-Encoding", ""))
            except Exception:  # a body that is not an export: the test will see no spans
                self.send_error(400)
                return
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test's output is for its own failures

    return Handler


@contextmanager
def otlp_receiver() -> Iterator[OtlpReceiver]:
    """A receiver listening on a free loopback port (its `url` is the OTLP endpoint)."""
    receiver = OtlpReceiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
