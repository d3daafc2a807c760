"""Traces: OpenTelemetry's SDK exporting over OTLP/HTTP, off unless an endpoint is configured.

`configure` makes the process's tracer (the standard `OTEL_*` variables apply, which the SDK
reads itself: service name, sampler, headers); until then `span` hands back one shared no-op
context manager, so tracing off costs a function call per span. Spans follow the OpenTelemetry
semantic conventions for HTTP (server and client) and carry no document text, variable value
or credential: the GraphQL document is known by its SHA-256 only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, MutableMapping

from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.util.types import AttributeValue

SERVICE_NAME = "invoice-gateway"

_provider: TracerProvider | None = None
_tracer: trace.Tracer | None = None


def configure(*, service_name: str | None = None) -> None:
    """Export spans over OTLP/HTTP from now on (`OTEL_EXPORTER_OTLP_ENDPOINT` and friends)."""
    global _provider, _tracer
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    resource = Resource.create({"service.name": service_name or SERVICE_NAME})
    _provider = TracerProvider(resource=resource)
    _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    _tracer = _provider.get_tracer("gateway")


def shutdown() -> None:
    """Send what is buffered and stop exporting."""
    global _provider, _tracer
    if _provider is not None:
        _provider.shutdown()
    _provider = _tracer = None


def active() -> bool:
    return _tracer is not None


# With tracing off every `span` is this one object: no generator, no allocation.
_NO_SPAN: contextlib.nullcontext[Span] = contextlib.nullcontext(trace.INVALID_SPAN)


def span(
    name: str,
    *,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Mapping[str, AttributeValue] | None = None,
    parent: context.Context | None = None,
) -> contextlib.AbstractContextManager[Span]:
    """A span around the block (the current one within it), or a no-op with tracing off.

    An exception leaving the block sets the span's status to error, with `error.type`."""
    if _tracer is None:
        return _NO_SPAN
    return _recording(_tracer, name, kind, attributes, parent)


@contextlib.contextmanager
def _recording(
    tracer: trace.Tracer,
    name: str,
    kind: SpanKind,
    attributes: Mapping[str, AttributeValue] | None,
    parent: context.Context | None,
) -> Iterator[Span]:
    with tracer.start_as_current_span(
        name,
        context=parent,
        kind=kind,
        attributes=attributes,
        record_exception=False,  # exception messages may quote what a client sent
        set_status_on_exception=False,
    ) as current:
        try:
            yield current
        except BaseException as error:
            # What the block already said (an upstream's status, an error code) stays.
            if "error.type" not in (getattr(current, "attributes", None) or {}):
                fail(current, type(error).__qualname__)
            raise


def fail(current: Span, error_type: str, description: str | None = None) -> None:
    if current.is_recording():
        current.set_attribute("error.type", error_type)
        current.set_status(Status(StatusCode.ERROR, description))


def extract(headers: Mapping[str, str]) -> context.Context | None:
    """The W3C trace context a request arrived with (`traceparent`, `tracestate`)."""
    if _tracer is None:
        return None
    return propagate.extract(headers)


def inject(headers: MutableMapping[str, str]) -> None:
    """Add the current span's `traceparent` (and `tracestate`) to an outgoing request."""
    if _tracer is not None:
        propagate.inject(headers)


def current_ids() -> tuple[str, str] | None:
    """The current trace and span ids, as hex, when a span is recording."""
    if _tracer is None:
        return None
    found = trace.get_current_span().get_span_context()
    if not found.is_valid:
        return None
    return format(found.trace_id, "032x"), format(found.span_id, "016x")


def exemplar() -> dict[str, str] | None:
    """A metric's exemplar: the trace the observation belongs to."""
    ids = current_ids()
    return None if ids is None else {"trace_id": ids[0], "span_id": ids[1]}


__all__ = [
    "Span",
    "SpanKind",
    "active",
    "configure",
    "current_ids",
    "exemplar",
    "extract",
    "fail",
    "inject",
    "shutdown",
    "span",
]
