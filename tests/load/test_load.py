"""Load: thousands of keyed `createInvoice` calls at a concurrency of at least 50.

The gateway and the sandbox upstream run as separate processes on loopback, so the gateway's
resident memory is its own and what the upstream created can be counted on the sandbox. Every
key gets its own invoice description; one key in five is sent two or three times, either all
at once or one after the other once the first answer is in. Header and input keys alternate.

Checked: no error of any kind, every answer of one key names the same invoice, and the
upstream holds exactly one invoice per key, the one the clients were told about. The gateway's
RSS after a warm-up and after the load is printed and written to tests/artifacts/load.json;
only a generous bound on its growth is asserted. `LOAD_REQUESTS` overrides the request count.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.support.processes import ROOT, RunningProcess, clean_env, running, started
from tests.support.sandbox_state import organization_invoices

TOKEN = "load-test-token"
REQUESTS = int(os.environ.get("LOAD_REQUESTS", "3000"))
WARMUP_REQUESTS = 300
CONCURRENCY = 64
MIN_CONCURRENCY = 50
# Keys and their recorded outcomes stay for the TTL, so memory grows with the keys; this only
# catches a leak far beyond that (3000 outcomes of a few kB each).
MAX_RSS_GROWTH = 64 * 1024 * 1024
ARTIFACT = ROOT / "tests" / "artifacts" / "load.json"

CREATE = """
mutation Create($input: CreateInvoiceInput!) {
  createInvoice(input: $input) {
    invoice { id description }
    userErrors { field message code }
  }
}
"""


@dataclass(frozen=True)
class Key:
    key: str
    description: str
    copies: int
    at_once: bool  # retries sent together with the first request, else after its answer
    in_header: bool  # the key as an `Idempotency-Key` header, else as `input.idempotencyKey`

    def request(self) -> tuple[dict[str, Any], dict[str, str]]:
        invoice: dict[str, Any] = {
            "contractId": "3",
            "description": self.description,
            "grossValue": "700.10",
            "issueDate": "2025-06-02",
            "receivables": [{"dueDate": "2025-06-10", "grossValue": "700.10"}],
        }
        headers = {}
        if self.in_header:
            headers["Idempotency-Key"] = self.key
        else:
            invoice["idempotencyKey"] = self.key
        return {"query": CREATE, "variables": {"input": invoice}}, headers


def plan(total: int, run: str) -> list[Key]:
    """Keys adding up to `total` requests; every fifth key is sent 2 or 3 times."""
    keys: list[Key] = []
    sent = 0
    index = 0
    while sent < total:
        copies = 1 if index % 5 else 2 + (index // 5) % 2
        copies = min(copies, total - sent)
        keys.append(
            Key(
                key=f"{run}-key-{index}",
                description=f"{run} {index}",
                copies=copies,
                at_once=(index // 10) % 2 == 0,
                in_header=index % 2 == 1,
            )
        )
        sent += copies
        index += 1
    return keys


@dataclass
class Results:
    answers: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    in_flight: int = 0
    peak_in_flight: int = 0
    sent: int = 0


async def send_all(url: str, keys: list[Key]) -> Results:
    results = Results()
    pending = iter(keys)
    # Up to three requests of one key are in flight at once per worker. Idle connections are
    # dropped well before the gateway's keep-alive timeout (5 s): httpx's default expiry is
    # those same 5 s, so a connection idle that long could be reused just as the gateway closes
    # it, a ReadError that says nothing about the gateway.
    limits = httpx.Limits(
        max_connections=CONCURRENCY * 3, max_keepalive_connections=CONCURRENCY, keepalive_expiry=2.0
    )

    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

        async def send(key: Key) -> None:
            body, headers = key.request()
            results.in_flight += 1
            results.peak_in_flight = max(results.peak_in_flight, results.in_flight)
            results.sent += 1
            try:
                response = await client.post("/graphql", json=body, headers=headers)
            except httpx.HTTPError as error:
                results.failures.append(f"{key.key}: {type(error).__name__}: {error}")
                return
            finally:
                results.in_flight -= 1
            answer = response.json() if response.status_code == 200 else None
            payload = (answer or {}).get("data", {}) or {}
            created = payload.get("createInvoice") or {}
            if answer is None or "errors" in answer or created.get("userErrors") != []:
                results.failures.append(f"{key.key}: {response.status_code} {response.text}")
                return
            results.answers[key.key].append(created["invoice"])

        async def worker() -> None:
            for key in pending:  # one shared iterator: each key goes to one worker
                if key.at_once:
                    await asyncio.gather(*(send(key) for _ in range(key.copies)))
                else:
                    for _ in range(key.copies):
                        await send(key)

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return results


def check(keys: list[Key], results: Results, upstream: list[dict[str, Any]], run: str) -> None:
    assert results.failures == [], (len(results.failures), results.failures[:5])
    assert results.sent == sum(key.copies for key in keys)
    assert results.peak_in_flight >= min(MIN_CONCURRENCY, len(keys))
    created = defaultdict(list)
    for invoice in upstream:
        if invoice["description"].startswith(f"{run} "):
            created[invoice["description"]].append(str(invoice["id"]))
    # Exactly one upstream invoice per key, and every answer for the key names that one.
    assert len(created) == len(keys)
    for key in keys:
        answers = results.answers[key.key]
        assert len(answers) == key.copies
        (invoice_id,) = created[key.description]
        assert answers == [{"id": invoice_id, "description": key.description}] * key.copies


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    with running("sandbox", "--token", TOKEN, env=clean_env()) as url:
        yield url


@pytest.fixture(scope="module")
def gateway(sandbox: str) -> Iterator[RunningProcess]:
    env = clean_env(GATEWAY_UPSTREAM_URL=f"{sandbox}/api/v1", GATEWAY_UPSTREAM_TOKEN=TOKEN)
    with started(env=env) as process:
        yield process


def test_thousands_of_keyed_creates_make_one_invoice_per_key(
    gateway: RunningProcess, sandbox: str
) -> None:
    run = uuid.uuid4().hex[:12]
    warmup_keys = plan(WARMUP_REQUESTS, f"warmup-{run}")
    load_keys = plan(REQUESTS, f"load-{run}")

    warmup = asyncio.run(send_all(gateway.url, warmup_keys))
    rss_before = gateway.rss_bytes()
    began = time.monotonic()
    load = asyncio.run(send_all(gateway.url, load_keys))
    elapsed = time.monotonic() - began
    rss_after = gateway.rss_bytes()
    healthz = httpx.get(f"{gateway.url}/healthz", timeout=10)
    upstream = organization_invoices(sandbox, TOKEN)

    report = {
        "requests": load.sent,
        "distinct_keys": len(load_keys),
        "keys_sent_more_than_once": sum(key.copies > 1 for key in load_keys),
        "workers": CONCURRENCY,
        "peak_in_flight": load.peak_in_flight,
        "failures": len(load.failures),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(load.sent / elapsed, 1),
        "warmup_requests": warmup.sent,
        "rss_after_warmup_bytes": rss_before,
        "rss_after_load_bytes": rss_after,
        "rss_growth_bytes": rss_after - rss_before,
        "rss_growth_per_key_bytes": round((rss_after - rss_before) / len(load_keys)),
    }
    print("\nload:", json.dumps(report))
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    check(warmup_keys, warmup, upstream, f"warmup-{run}")
    check(load_keys, load, upstream, f"load-{run}")
    assert healthz.status_code == 200
    assert healthz.json() == {"status": "ok"}
    assert rss_after - rss_before < MAX_RSS_GROWTH, report
