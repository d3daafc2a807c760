"""Idempotency keys shared by two gateway processes through one real Redis.

Three real processes on loopback: the sandbox upstream (`python -m gateway sandbox`) and two
gateways (`python -m gateway`) pointed at it, both with `GATEWAY_REDIS_URL` on the same
`redis-server`. What the upstream created is counted on the sandbox itself, over its REST
API, so "one upstream write per key" is checked where it matters.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from examples.seed import RECEIVE_RECEIVABLE
from tests.support.processes import clean_env, running, started
from tests.support.sandbox_state import contract_receivables, organization_invoices

TOKEN = "shared-idempotency-e2e-token"
TTL_SECONDS = 120
# The lease a pending key holds is the request timeout plus a 5 s margin (gateway/app.py);
# kept well under the TTL so a completed key can be told from a pending one by its PTTL.
REQUEST_TIMEOUT_SECONDS = 10
LEASE_SECONDS = REQUEST_TIMEOUT_SECONDS + 5
CONCURRENT = 10
# New connections tried until both workers of one gateway have answered.
MAX_ATTEMPTS = 200
BARRIER_TIMEOUT = 30.0

CREATE = """
mutation Create($input: CreateInvoiceInput!) {
  createInvoice(input: $input) {
    invoice { id contractId description grossValue state receivables { id state grossValue } }
    userErrors { field message code }
  }
}
"""


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    with running("sandbox", "--token", TOKEN, env=clean_env()) as url:
        yield url


@pytest.fixture(scope="module")
def gateways(sandbox: str, redis_url: str) -> Iterator[tuple[str, str]]:
    env = clean_env(
        GATEWAY_UPSTREAM_URL=f"{sandbox}/api/v1",
        GATEWAY_UPSTREAM_TOKEN=TOKEN,
        GATEWAY_REDIS_URL=redis_url,
        GATEWAY_IDEMPOTENCY_TTL_SECONDS=str(TTL_SECONDS),
        GATEWAY_REQUEST_TIMEOUT=str(REQUEST_TIMEOUT_SECONDS),
    )
    with running(env=env) as first, running(env=env) as second:
        yield first, second


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def create_input(description: str, key: str | None, gross_value: str = "700.10") -> Any:
    invoice: dict[str, Any] = {
        "contractId": "3",
        "description": description,
        "grossValue": gross_value,
        "issueDate": "2025-06-02",
        "receivables": [{"dueDate": "2025-06-10", "grossValue": gross_value}],
    }
    if key is not None:
        invoice["idempotencyKey"] = key
    return {"input": invoice}


def post(
    url: str,
    query: str,
    variables: Any,
    headers: dict[str, str] | None = None,
    client: httpx.Client | None = None,
) -> dict[str, Any]:
    body = {"query": query, "variables": variables}
    if client is None:
        response = httpx.post(f"{url}/graphql", json=body, headers=headers, timeout=30)
    else:
        response = client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def invoices_described(sandbox: str, description: str) -> list[dict[str, Any]]:
    return [i for i in organization_invoices(sandbox, TOKEN) if i["description"] == description]


def created_payload(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"]["createInvoice"]
    assert payload["userErrors"] == [], payload
    assert payload["invoice"]["id"], payload
    return payload


def all_at_once(urls: list[str], query: str, variables: Any, **headers: str) -> list[Any]:
    """Send one request per URL from its own thread, all released together by a barrier.

    Each thread opens its connection first (a GET /healthz), so the POSTs leave together.
    """
    barrier = threading.Barrier(len(urls))

    def send(url: str) -> dict[str, Any]:
        with httpx.Client(base_url=url, timeout=30) as client:
            assert client.get("/healthz").status_code == 200
            barrier.wait(BARRIER_TIMEOUT)
            return post(url, query, variables, headers, client=client)

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return list(pool.map(send, urls))


def test_one_key_sent_at_once_through_two_gateways_creates_one_invoice(
    gateways: tuple[str, str], sandbox: str
) -> None:
    description = unique("shared-create")
    variables = create_input(description, unique("key"))
    urls = [gateways[i % 2] for i in range(CONCURRENT)]

    results = all_at_once(urls, CREATE, variables)

    payloads = [created_payload(result) for result in results]
    # Every client, on either gateway, got the one invoice: same id, same everything.
    assert all(payload == payloads[0] for payload in payloads), payloads
    invoice = payloads[0]["invoice"]
    assert (invoice["description"], invoice["grossValue"]) == (description, "700.10")
    upstream = invoices_described(sandbox, description)
    assert [str(i["id"]) for i in upstream] == [invoice["id"]]

    # Retries once it is done, on each gateway: the same answer, still one invoice upstream.
    for url in gateways:
        assert created_payload(post(url, CREATE, variables)) == payloads[0]
    assert len(invoices_described(sandbox, description)) == 1


def test_the_other_gateway_refuses_the_key_with_another_input(
    gateways: tuple[str, str], sandbox: str
) -> None:
    first, second = gateways
    key = unique("key")
    description = unique("shared-reuse")
    original = created_payload(post(first, CREATE, create_input(description, key)))

    for changed in (
        create_input(description, key, gross_value="800.00"),
        create_input(unique("shared-reuse-other"), key),
    ):
        refused = post(second, CREATE, changed)
        assert refused["data"] is None, refused
        (error,) = refused["errors"]
        assert error["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED", error
        assert error["path"] == ["createInvoice"]

    # The refusals created nothing, and the original input still replays on either side.
    upstream = invoices_described(sandbox, description)
    assert [str(i["id"]) for i in upstream] == [original["invoice"]["id"]]
    for url in gateways:
        assert created_payload(post(url, CREATE, create_input(description, key))) == original


def test_a_header_key_records_one_payment_across_both_gateways(
    gateways: tuple[str, str], sandbox: str
) -> None:
    first, second = gateways
    invoice = created_payload(post(first, CREATE, create_input(unique("shared-receive"), None)))
    (receivable,) = invoice["invoice"]["receivables"]
    assert receivable["state"] == "TO_EMIT"
    receipt = {
        "input": {
            "contractId": "3",
            "id": receivable["id"],
            "receivedValue": "700.10",
            "receivedAt": "2025-06-09",
        }
    }
    key = {"Idempotency-Key": unique("receive")}

    # A receivable can be received once: had a second PATCH reached the sandbox, that
    # client would have got the sandbox's "cannot be received" user error instead.
    answers = all_at_once([first, second, first, second], RECEIVE_RECEIVABLE, receipt, **key)
    answers += [post(url, RECEIVE_RECEIVABLE, receipt, key) for url in (second, first)]

    for answer in answers:
        assert "errors" not in answer, answer
        assert answer == answers[0]
    received = answers[0]["data"]["receiveReceivable"]
    assert received["userErrors"] == []
    assert received["receivable"]["id"] == receivable["id"]
    assert (received["receivable"]["state"], received["receivable"]["receivedValue"]) == (
        "RECEIVED",
        "700.10",
    )
    (upstream,) = [
        r for r in contract_receivables(sandbox, TOKEN, 3) if str(r["id"]) == receivable["id"]
    ]
    assert (upstream["state"], upstream["received_value"]) == ("received", "700.1")
    # Without the key the same request does reach the sandbox, which refuses a second receipt.
    unkeyed = post(second, RECEIVE_RECEIVABLE, receipt)["data"]["receiveReceivable"]
    assert unkeyed["receivable"] is None
    assert unkeyed["userErrors"] == [
        {"field": None, "message": "O vencimento não pode ser recebido.", "code": "INVALID"}
    ]


def test_the_key_lives_in_redis_with_the_configured_ttl(
    gateways: tuple[str, str], redis_url: str
) -> None:
    key = unique("key")
    created_payload(post(gateways[0], CREATE, create_input(unique("shared-ttl"), key)))

    with redis.Redis.from_url(redis_url) as store:
        (stored,) = list(store.scan_iter(match=f"gateway:idempotency:*:{key}"))
        remaining_ms = store.pttl(stored)
        record = json.loads(store.get(stored) or b"null")
    # Completed (it holds the outcome, with the TTL rather than the shorter lease of a
    # pending key), and never kept longer than GATEWAY_IDEMPOTENCY_TTL_SECONDS.
    assert "outcome" in record, record
    assert LEASE_SECONDS * 1000 < remaining_ms <= TTL_SECONDS * 1000


def worker_pids(pid: int) -> list[int]:
    """The uvicorn worker processes `pid` supervises (not multiprocessing's helpers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        int(child)
        for child in children
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def test_workers_of_one_gateway_share_keys_through_redis(sandbox: str, redis_url: str) -> None:
    env = clean_env(
        GATEWAY_UPSTREAM_URL=f"{sandbox}/api/v1",
        GATEWAY_UPSTREAM_TOKEN=TOKEN,
        GATEWAY_REDIS_URL=redis_url,
    )
    with started("--workers", "2", env=env) as gateway:
        gateway.wait_for_lines("Application startup complete", 2)  # one per worker
        assert len(worker_pids(gateway.process.pid)) == 2
        description = unique("two-workers")
        key = unique("key")
        answers = []
        served_by: set[int] = set()
        # A new connection each time: the kernel hands each to either worker. Go on until
        # both have answered (each access line names its worker's pid).
        for attempt in range(MAX_ATTEMPTS):
            request_id = unique("workers")
            with httpx.Client(base_url=gateway.url, timeout=30) as client:
                answers.append(
                    client.post(
                        "/graphql",
                        json={"query": CREATE, "variables": create_input(description, key)},
                        headers={"X-Request-Id": request_id},
                    ).json()
                )
            gateway.wait_for_lines(
                f'"logger":"gateway.access","message":"request","request_id":"{request_id}"', 1
            )
            served_by.add(access_line(gateway.stderr(), request_id)["pid"])
            if len(served_by) == 2 and attempt >= CONCURRENT:
                break
    assert len(served_by) == 2, "one worker answered every connection"
    invoices = {json.dumps(answer, sort_keys=True) for answer in answers}
    assert len(invoices) == 1, invoices
    assert answers[0]["data"]["createInvoice"]["userErrors"] == []
    assert len(invoices_described(sandbox, description)) == 1
    # One access line per request, the gateway's: uvicorn's own stays off in the workers too.
    assert '"logger":"uvicorn.access"' not in gateway.stderr()


def access_line(stderr: str, request_id: str) -> dict[str, Any]:
    for line in stderr.splitlines():
        record = json.loads(line)
        if record.get("logger") == "gateway.access" and record.get("request_id") == request_id:
            return dict(record)
    raise AssertionError(f"no access line for {request_id}")
