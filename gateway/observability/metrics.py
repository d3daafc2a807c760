"""The gateway's Prometheus metrics, in a registry of its own, served at `GET /metrics`.

Every label is bounded, so no client can grow the registry: operation names are kept for the
first `max_operation_names` seen and then share `other` (unnamed operations share `unnamed`),
error codes for the first `MAX_ERROR_CODES`, upstream routes are path templates (numbers
replaced, see `route_template`), and status codes are classes (`2xx`).

Counting costs a few hundred nanoseconds and happens whether or not `/metrics` is served;
histograms carry the trace id as an exemplar when a span is recording (exposed in the
OpenMetrics format, which Prometheus asks for).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)

from gateway.observability.tracing import exemplar

# The `_created` series double every counter for a timestamp Prometheus does not need.
disable_created_metrics()  # type: ignore[no-untyped-call]
REGISTRY = CollectorRegistry(auto_describe=True)
for _collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    REGISTRY.register(_collector)

UNNAMED = "unnamed"
OTHER = "other"
MAX_ERROR_CODES = 64
# Seconds: a GraphQL request is a few milliseconds here, an upstream call up to its timeout.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

operation_duration = Histogram(
    "gateway_graphql_operation_duration_seconds",
    "GraphQL operations served, by operation name and type, and how long each took.",
    ["operation_name", "operation_type"],
    buckets=BUCKETS,
    registry=REGISTRY,
)
errors = Counter(
    "gateway_graphql_errors",
    "GraphQL errors answered, by `extensions.code` (request errors and refusals included).",
    ["code"],
    registry=REGISTRY,
)
upstream_duration = Histogram(
    "gateway_upstream_request_duration_seconds",
    "Calls to the upstream REST API, by route template, method and status class "
    "(`error` when no answer came).",
    ["route", "method", "status_class"],
    buckets=BUCKETS,
    registry=REGISTRY,
)
circuit_state = Gauge(
    "gateway_upstream_circuit_state",
    "The upstream circuit breaker: 1 for its current state.",
    ["state"],
    registry=REGISTRY,
)
pool_in_use = Gauge(
    "gateway_upstream_connections_in_use",
    "Upstream calls in flight (the pool's connections in use).",
    registry=REGISTRY,
)
idempotency = Counter(
    "gateway_idempotency_outcomes",
    "Keyed writes, by outcome: recorded, replayed, released, key_reused, in_progress.",
    ["outcome"],
    registry=REGISTRY,
)
cache_requests = Counter(
    "gateway_cache_requests",
    "Look-ups in the gateway's caches (`documents`: parsed and validated queries; `apq`: "
    "automatic persisted queries), by result: hit or miss.",
    ["cache", "result"],
    registry=REGISTRY,
)
rate_limited = Counter(
    "gateway_rate_limit_rejections",
    "Requests refused with 429 by the rate limits.",
    registry=REGISTRY,
)
subscriptions_active = Gauge(
    "gateway_subscriptions_active",
    "Subscriptions running in this process.",
    registry=REGISTRY,
)
webhook_deliveries = Counter(
    "gateway_webhook_deliveries",
    "Deliveries to POST /webhooks, by outcome: published, duplicate, ping, ignored, "
    "refused, invalid, unavailable.",
    ["outcome"],
    registry=REGISTRY,
)


# Known label values start at 0, so a fresh process shows them and `increase()` counts the
# first event.
for _outcome in ("recorded", "replayed", "released", "key_reused", "in_progress"):
    idempotency.labels(_outcome)
# Looked up once: these are counted on every request.
CACHE_LOOKUPS = {
    (cache, hit): cache_requests.labels(cache, "hit" if hit else "miss")
    for cache in ("documents", "apq")
    for hit in (True, False)
}
for _outcome in ("published", "duplicate", "ping", "ignored", "refused", "invalid", "unavailable"):
    webhook_deliveries.labels(_outcome)


class BoundedLabels:
    """The first `limit` values of a label as themselves, then `other` for the rest."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, value: str) -> str:
        if value in self._seen:
            return value
        with self._lock:
            if len(self._seen) >= self._limit:
                return OTHER
            self._seen.add(value)
        return value


operation_names = BoundedLabels(200)
error_codes = BoundedLabels(MAX_ERROR_CODES)


_OPERATION_SERIES: dict[tuple[str | None, str], Histogram] = {}


def count_lookup(cache: str, hit: bool) -> None:
    CACHE_LOOKUPS[cache, hit].inc()


def observe_operation(name: str | None, operation_type: str, seconds: float) -> None:
    key = (name, operation_type)
    series = _OPERATION_SERIES.get(key)
    if series is None:
        label = operation_names(name) if name else UNNAMED
        series = operation_duration.labels(label, operation_type)
        if label != OTHER:  # past the bound, names are not remembered either
            _OPERATION_SERIES[key] = series
    series.observe(seconds, exemplar())


def count_errors(codes: Iterable[object]) -> None:
    """The `extensions.code` of each error answered."""
    for code in codes:
        errors.labels(error_codes(str(code))).inc()


_NUMBER = re.compile(r"^\d+$")
_IRREGULAR = {"people": "person", "companies": "company"}


_ROUTES: dict[str, str] = {}
MAX_CACHED_ROUTES = 4096


def route_template(path: str) -> str:
    """The template of `path` (see `template_of`), remembered: paths repeat."""
    found = _ROUTES.get(path)
    if found is None:
        if len(_ROUTES) >= MAX_CACHED_ROUTES:
            _ROUTES.clear()
        found = _ROUTES[path] = template_of(path)
    return found


def template_of(path: str) -> str:
    """`contracts/3/invoices/7/approve` -> `contracts/{contract_id}/invoices/{id}/approve`.

    The upstream's ids are numbers. As the API's documentation writes its paths, an id that a
    collection follows is named after its own collection (`contracts/{contract_id}/invoices`)
    and the object the path is about is `{id}`."""
    parts = path.strip("/").split("/")
    for index, part in enumerate(parts):
        if not _NUMBER.match(part) or index == 0:
            continue
        following = parts[index + 1 :]
        if any(_NUMBER.match(later) for later in following) or (
            following and following[0].endswith("s")
        ):
            collection = parts[index - 1]
            singular = _IRREGULAR.get(collection, collection.removesuffix("s"))
            parts[index] = "{" + singular + "_id}"
        else:
            parts[index] = "{id}"
    return "/".join(parts)


_UPSTREAM_SERIES: dict[tuple[str, str, int | None], Histogram] = {}


def observe_upstream(route: str, method: str, status: int | None, seconds: float) -> None:
    key = (route, method, None if status is None else status // 100)
    series = _UPSTREAM_SERIES.get(key)
    if series is None:  # routes are templates: the series are few, so each is looked up once
        status_class = "error" if status is None else f"{status // 100}xx"
        series = _UPSTREAM_SERIES[key] = upstream_duration.labels(route, method, status_class)
    series.observe(seconds, exemplar())


def watch(gauge: Gauge, read: Callable[[], float]) -> None:
    """Read `gauge` from `read` at each scrape (the last process component to call wins)."""
    gauge.set_function(read)


def watch_circuit(read_state: Callable[[], str], states: list[str]) -> None:
    for state in states:
        circuit_state.labels(state).set_function(
            lambda state=state: 1.0 if read_state() == state else 0.0  # type: ignore[misc]
        )
