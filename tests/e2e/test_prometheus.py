"""A real Prometheus scrapes a gateway process's /metrics after a known workload, and PromQL
through its HTTP API finds exactly that workload: operations by name and type, errors by
code, upstream calls by route, method and status class, idempotency outcomes, cache hits, the
circuit's state. A scrape with a wrong token is refused. Every query of the Grafana dashboard
(dashboards/gateway.json) is run against the same Prometheus: it must parse, name only metrics
the gateway exports, and return series.

The sandbox upstream is served in this process; the gateway is a `python -m gateway` process
with /metrics on a port of its own behind a bearer token, as production would run it.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from examples.seed import CREATE_INVOICE, seed_variables_json
from gateway.observability.metrics import route_template
from tests.support.processes import clean_env, started
from tests.support.prometheus import (
    JOB,
    WRONG_TOKEN_JOB,
    Prometheus,
    free_port,
    running_prometheus,
)
from tests.support.servers import serve
from upstream_sandbox import create_app as create_sandbox

SANDBOX_TOKEN = "prometheus-e2e"
AUTHORIZATION = f"Token token={SANDBOX_TOKEN}"
METRICS_TOKEN = "scrape-secret"
DASHBOARD = Path(__file__).resolve().parents[2] / "dashboards" / "gateway.json"

# The workload, in numbers the assertions repeat.
CREATES = 4  # each under its own Idempotency-Key
READS = 10  # InvoiceRead of the created invoices
MISSING_READS = 2  # InvoiceRead of an invoice that does not exist: null, upstream 404
VALIDATION_FAILURES = 3
BAD_INPUTS = 2

INVOICE_READ = """
query InvoiceRead($contractId: ID!, $id: ID!) {
  invoice(contractId: $contractId, id: $id) { id state grossValue }
}
"""
CREATE_ROUTE = route_template("contracts/3/invoices")
READ_ROUTE = "contracts/{contract_id}/invoices/{id}"


@dataclass(frozen=True)
class Scraped:
    prometheus: Prometheus
    exposition: str  # the gateway's /metrics as the scraper saw it


def graphql(client: httpx.Client, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = client.post("/graphql", json=body, headers=headers)
    assert response.status_code in (200, 400), response.text
    result: dict[str, Any] = response.json()
    return result


def codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]


def create_variables(description: str = "Teste Doc") -> dict[str, Any]:
    variables: dict[str, Any] = json.loads(seed_variables_json())
    variables["input"]["description"] = description
    return variables


def run_workload(client: httpx.Client) -> None:
    """The workload every assertion counts on; each step checks the gateway answered as the
    step means, so that a count that is off points at the metrics, not at the workload."""
    created = []
    for index in range(CREATES):
        result = graphql(
            client,
            {"query": CREATE_INVOICE, "variables": create_variables()},
            **{"Idempotency-Key": f"prometheus-{index}"},
        )
        assert result["data"]["createInvoice"]["userErrors"] == [], result
        created.append(result["data"]["createInvoice"]["invoice"]["id"])
    replay = graphql(
        client,
        {"query": CREATE_INVOICE, "variables": create_variables()},
        **{"Idempotency-Key": "prometheus-0"},
    )
    assert replay["data"]["createInvoice"]["invoice"]["id"] == created[0]
    reused = graphql(
        client,
        {"query": CREATE_INVOICE, "variables": create_variables("another body")},
        **{"Idempotency-Key": "prometheus-0"},
    )
    assert codes(reused) == ["IDEMPOTENCY_KEY_REUSED"]
    unknown_contract = create_variables()
    unknown_contract["input"]["contractId"] = "999"
    user_error = graphql(client, {"query": CREATE_INVOICE, "variables": unknown_contract})
    assert user_error["data"]["createInvoice"]["userErrors"][0]["code"] == "NOT_FOUND"
    unauthenticated = graphql(
        client,
        {"query": CREATE_INVOICE, "variables": create_variables()},
        Authorization="Token token=wrong",
    )
    assert codes(unauthenticated) == ["UNAUTHENTICATED"]

    for index in range(READS):
        variables = {"contractId": "3", "id": created[index % CREATES]}
        read = graphql(client, {"query": INVOICE_READ, "variables": variables})
        assert read["data"]["invoice"]["id"] == variables["id"], read
    for _ in range(MISSING_READS):
        variables = {"contractId": "3", "id": "987654"}
        missing = graphql(client, {"query": INVOICE_READ, "variables": variables})
        assert missing == {"data": {"invoice": None}}

    for _ in range(VALIDATION_FAILURES):
        invalid = graphql(client, {"query": "query Broken { noSuchField }"})
        assert codes(invalid) == ["GRAPHQL_VALIDATION_FAILED"]
    for _ in range(BAD_INPUTS):
        page = 'query BadPage { invoices(organizationId: "1", first: 0) { edges { node { id } } } }'
        assert codes(graphql(client, {"query": page})) == ["BAD_USER_INPUT"]
    assert codes(graphql(client, {"query": "query {"})) == ["GRAPHQL_PARSE_FAILED"]

    apq_query = f'query ApqRead {{ invoice(contractId: "3", id: "{created[0]}") {{ id }} }}'
    persisted = {"version": 1, "sha256Hash": hashlib.sha256(apq_query.encode()).hexdigest()}
    miss = graphql(client, {"extensions": {"persistedQuery": persisted}})
    assert codes(miss) == ["PERSISTED_QUERY_NOT_FOUND"]
    registered = graphql(client, {"query": apq_query, "extensions": {"persistedQuery": persisted}})
    assert registered == {"data": {"invoice": {"id": created[0]}}}
    hit = graphql(client, {"extensions": {"persistedQuery": persisted}})
    assert hit == registered

    # Unsigned, so refused: one delivery outcome, without publishing anything.
    assert client.post("/webhooks", content=b"{}").status_code == 401


@pytest.fixture(scope="module")
def scraped() -> Iterator[Scraped]:
    metrics_port = free_port()
    with serve(create_sandbox(token=SANDBOX_TOKEN)) as upstream:
        env = clean_env(
            GATEWAY_UPSTREAM_URL=f"{upstream}/api/v1",
            GATEWAY_METRICS_PORT=str(metrics_port),
            GATEWAY_METRICS_TOKEN=METRICS_TOKEN,
            GATEWAY_WEBHOOK_SECRET="webhook-secret",
        )
        with (
            started(env=env) as gateway,
            running_prometheus(f"127.0.0.1:{metrics_port}", METRICS_TOKEN) as prometheus,
            httpx.Client(
                base_url=gateway.url, headers={"Authorization": AUTHORIZATION}, timeout=10
            ) as client,
        ):
            run_workload(client)
            finished = time.time()
            prometheus.wait_for_scrapes_after(finished, scrapes=2)
            exposition = httpx.get(
                f"http://127.0.0.1:{metrics_port}/metrics",
                headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
            ).text
            yield Scraped(prometheus, exposition)


def test_operations_are_counted_by_name_and_type(scraped: Scraped) -> None:
    counts = scraped.prometheus.query(
        "sum by (operation_name, operation_type) (gateway_graphql_operation_duration_seconds_count)"
    )
    found = {
        (item["metric"]["operation_name"], item["metric"]["operation_type"]): float(
            item["value"][1]
        )
        for item in counts
    }
    assert found == {
        ("CreateInvoice", "mutation"): CREATES + 4,  # a replay, a reused key, two refusals
        ("InvoiceRead", "query"): READS + MISSING_READS,
        ("Broken", "query"): VALIDATION_FAILURES,
        ("BadPage", "query"): BAD_INPUTS,
        ("unnamed", "unknown"): 1,  # the document that did not parse
        ("ApqRead", "query"): 2,
    }
    # Every observation fell in a bucket, and the buckets agree with the count.
    assert scraped.prometheus.scalar(
        'sum(gateway_graphql_operation_duration_seconds_bucket{le="+Inf"})'
    ) == sum(found.values())


def test_errors_are_counted_by_code(scraped: Scraped) -> None:
    errors = scraped.prometheus.values("sum by (code) (gateway_graphql_errors_total)", "code")
    assert errors["GRAPHQL_VALIDATION_FAILED"] == VALIDATION_FAILURES
    assert errors["BAD_USER_INPUT"] == BAD_INPUTS
    assert errors["IDEMPOTENCY_KEY_REUSED"] == 1
    assert errors["UNAUTHENTICATED"] == 1
    # A user error (userErrors, code NOT_FOUND) is a result, not a GraphQL error.
    assert "NOT_FOUND" not in errors


def test_a_document_that_does_not_parse_is_counted(scraped: Scraped) -> None:
    errors = scraped.prometheus.values("sum by (code) (gateway_graphql_errors_total)", "code")
    assert errors.get("GRAPHQL_PARSE_FAILED") == 1
    unparsed = scraped.prometheus.query(
        'gateway_graphql_operation_duration_seconds_count{operation_name="unnamed"}'
    )
    assert [float(item["value"][1]) for item in unparsed] == [1]


def test_the_create_route_is_the_documented_template(scraped: Scraped) -> None:
    routes = scraped.prometheus.values(
        'sum by (route) (gateway_upstream_request_duration_seconds_count{method="POST"})', "route"
    )
    assert set(routes) == {"contracts/{contract_id}/invoices"}


def test_upstream_calls_are_timed_by_route_method_and_status_class(scraped: Scraped) -> None:
    counts = scraped.prometheus.query(
        "sum by (route, method, status_class) (gateway_upstream_request_duration_seconds_count)"
    )
    found = {
        (item["metric"]["method"], item["metric"]["route"], item["metric"]["status_class"]): (
            float(item["value"][1])
        )
        for item in counts
    }
    assert found == {
        ("POST", CREATE_ROUTE, "2xx"): CREATES,
        ("POST", CREATE_ROUTE, "4xx"): 2,  # the unknown contract and the wrong token
        ("GET", READ_ROUTE, "2xx"): READS + 2,  # and the two APQ reads
        ("GET", READ_ROUTE, "4xx"): MISSING_READS,
    }
    # Durations were recorded too: every upstream call took some time, none took a minute.
    total = scraped.prometheus.scalar("sum(gateway_upstream_request_duration_seconds_sum)")
    assert 0 < total < 60
    slow = scraped.prometheus.scalar(
        "sum(gateway_upstream_request_duration_seconds_count)"
        ' - sum(gateway_upstream_request_duration_seconds_bucket{le="5.0"})'
    )
    assert slow == 0


def test_idempotency_outcomes_caches_and_the_circuit(scraped: Scraped) -> None:
    prometheus = scraped.prometheus
    outcomes = prometheus.values("sum by (outcome) (gateway_idempotency_outcomes_total)", "outcome")
    # Every known outcome is a series from the start, at 0 until it happens.
    assert outcomes == {
        "recorded": CREATES,
        "replayed": 1,
        "key_reused": 1,
        "released": 0,
        "in_progress": 0,
    }

    caches = prometheus.query("sum by (cache, result) (gateway_cache_requests_total)")
    cache = {
        (item["metric"]["cache"], item["metric"]["result"]): float(item["value"][1])
        for item in caches
    }
    assert cache[("apq", "miss")] == 1
    assert cache[("apq", "hit")] == 1
    # Each repeated document is parsed once: the reads after the first are hits.
    assert cache[("documents", "hit")] >= READS + MISSING_READS - 1

    states = prometheus.values("gateway_upstream_circuit_state", "state")
    assert states == {"closed": 1, "open": 0, "half_open": 0}
    assert prometheus.scalar("gateway_upstream_connections_in_use") == 0
    deliveries = prometheus.values("gateway_webhook_deliveries_total", "outcome")
    assert {outcome: count for outcome, count in deliveries.items() if count} == {"refused": 1}
    assert set(deliveries) >= {"published", "duplicate", "ping", "refused", "unavailable"}
    assert prometheus.scalar("gateway_rate_limit_rejections_total") == 0
    assert prometheus.scalar("gateway_subscriptions_active") == 0
    assert prometheus.scalar(f'up{{job="{JOB}"}}') == 1
    assert prometheus.scalar('process_resident_memory_bytes{job="gateway"}') > 10_000_000


def test_a_scrape_with_a_wrong_token_is_refused(scraped: Scraped) -> None:
    target = scraped.prometheus.wait_for_target_health(WRONG_TOKEN_JOB)
    assert target["health"] == "down"
    assert "401" in target["lastError"], target
    assert scraped.prometheus.scalar(f'up{{job="{WRONG_TOKEN_JOB}"}}') == 0
    # And nothing it refused to show reached Prometheus.
    assert (
        scraped.prometheus.query(f'gateway_graphql_errors_total{{job="{WRONG_TOKEN_JOB}"}}') == []
    )


# What Grafana puts in a query before sending it, for running the dashboard's queries here.
GRAFANA_VARIABLES = {
    "$__rate_interval": "1m",
    "$__interval": "15s",
    "$__range": "5m",
    "$job": ".+",
    "$instance": ".+",
}
METRIC_NAME = re.compile(r"\b(?:gateway|process|python)_[a-z0-9_]+\b")


def dashboard_expressions() -> list[tuple[str, str]]:
    """(panel title, PromQL) for every target of every panel."""
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [
        (panel["title"], target["expr"])
        for panel in dashboard["panels"]
        if panel["type"] != "row"
        for target in panel["targets"]
    ]


def grafana_expanded(expression: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expression = expression.replace(variable, value)
    assert "$" not in expression, f"a variable this test does not know: {expression}"
    return expression


def exported_names(exposition: str) -> set[str]:
    """Every sample name the gateway exposes, including families with no sample yet (a
    labelled counter nothing has incremented is announced by its # TYPE line only)."""
    names = set()
    for line in exposition.splitlines():
        if line.startswith("# TYPE "):
            _, _, family, kind = line.split(" ", 3)
            suffixes = {"histogram": ("_bucket", "_count", "_sum"), "summary": ("_count", "_sum")}
            names.add(family)
            names.update(family + suffix for suffix in suffixes.get(kind, ()))
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def test_the_dashboard_is_a_grafana_import_with_a_prometheus_input() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard["schemaVersion"] >= 36
    assert [(item["name"], item["pluginId"]) for item in dashboard["__inputs"]] == [
        ("DS_PROMETHEUS", "prometheus")
    ]
    panels = [panel for panel in dashboard["panels"] if panel["type"] != "row"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    occupied: set[tuple[int, int]] = set()
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        cells = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & occupied, f"{panel['title']} overlaps another panel"
        occupied |= cells
    for panel in panels:
        assert panel["datasource"] == {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == panel["datasource"]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            assert variable["datasource"] == {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}


def test_every_dashboard_query_parses_names_exported_metrics_and_has_data(
    scraped: Scraped,
) -> None:
    exported = exported_names(scraped.exposition)
    expressions = dashboard_expressions()
    assert len(expressions) >= 15
    for title, expression in expressions:
        names = set(METRIC_NAME.findall(expression))
        assert names, f"{title}: {expression} names no gateway metric"
        assert names <= exported, f"{title}: {sorted(names - exported)} are not exported"
        # Runs, so parses; and the workload exercised every panel, so each has series.
        result = scraped.prometheus.query(grafana_expanded(expression))
        assert result, f"{title}: {expression} has no data after the workload"


def test_the_dashboard_variables_find_the_gateway(scraped: Scraped) -> None:
    """`$job` and `$instance` are label_values() over a gateway metric, which Grafana asks
    Prometheus's label API for."""
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    exported = exported_names(scraped.exposition)
    variables = {item["name"]: item for item in dashboard["templating"]["list"]}
    assert set(variables) == {"job", "instance"}
    for name, variable in variables.items():
        found = re.fullmatch(r"label_values\((\w+)(\{.*\})?, (\w+)\)", variable["definition"])
        assert found, variable["definition"]
        metric, _, label = found.groups()
        assert (metric in exported, label) == (True, name)
        values = scraped.prometheus.api(f"label/{label}/values", **{"match[]": metric})
        assert values, f"{name}: no {label} values for {metric}"
