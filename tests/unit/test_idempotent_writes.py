"""Idempotency keys on `createInvoice` and `receiveReceivable`, through the whole gateway.

The upstream is an `httpx.MockTransport` that counts calls; what matters is how many reached
it and what each client got. Cross-process runs with a real Redis are in tests/e2e.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import zlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from strawberry.dataloader import DataLoader

from examples.seed import CREATE_INVOICE, RECEIVE_RECEIVABLE, load_fixture, seed_response
from gateway.idempotency import Claim
from gateway.idempotency.memory import MemoryIdempotencyStore
from gateway.idempotency.writes import IdempotentWrites, decode_outcome, encode_outcome
from gateway.rest.receivables import ReceivablesAPI
from gateway.rest.session import UpstreamSession, reader
from gateway.types.receivable import ReceiveReceivableInput
from gateway.upstream import codec
from gateway.upstream.client import UpstreamClient, UpstreamResponse
from tests.support.gateway import Gateway, Handler, answer, gateway_with

TOKEN = "Token token=client-secret-123"


def create_variables(key: str | None = None, description: str = "x") -> dict[str, Any]:
    invoice: dict[str, Any] = {
        "contractId": "3",
        "description": description,
        "grossValue": "700.10",
        "receivables": [{"dueDate": "2025-06-10"}],
    }
    if key is not None:
        invoice["idempotencyKey"] = key
    return {"input": invoice}


def created(invoice_id: int) -> dict[str, Any]:
    response = seed_response()
    response["invoice"]["id"] = invoice_id
    response["invoice"]["gross_value"] = Decimal("700.10")
    return response


def numbered(first: Handler, *rest: Handler) -> Handler:
    """Answers call n with handler n (the last one for every later call)."""
    handlers = [first, *rest]
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        handler = handlers[min(calls, len(handlers) - 1)]
        calls += 1
        return handler(request)

    return handle


def new_ids() -> Handler:
    ids = iter(range(100, 10_000))
    return lambda request: answer(201, created(next(ids)))(request)


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    with gateway_with(new_ids()) as gateway:
        yield gateway


def created_id(result: dict[str, Any], field: str = "createInvoice") -> str:
    assert result["data"][field]["userErrors"] == [], result
    return str(result["data"][field]["invoice"]["id"])


def test_a_retry_with_the_same_key_gets_the_first_outcome_without_calling(
    gateway: Gateway,
) -> None:
    first = gateway.graphql(CREATE_INVOICE, create_variables("k-1"), Authorization=TOKEN)
    again = gateway.graphql(CREATE_INVOICE, create_variables("k-1"), Authorization=TOKEN)

    assert len(gateway.sent) == 1
    assert first == again
    assert created_id(first) == "100"
    # Replayed amounts keep their digits: the outcome is stored with exact decimals.
    assert again["data"]["createInvoice"]["invoice"]["grossValue"] == "700.10"
    # The key is the gateway's business: it is never sent upstream.
    assert b"k-1" not in gateway.sent[0].content
    assert "idempotency-key" not in gateway.sent[0].headers


def test_without_a_key_every_request_calls(gateway: Gateway) -> None:
    gateway.graphql(CREATE_INVOICE, create_variables(), Authorization=TOKEN)
    gateway.graphql(CREATE_INVOICE, create_variables(), Authorization=TOKEN)
    assert len(gateway.sent) == 2


def test_the_same_key_with_another_input_is_refused(gateway: Gateway) -> None:
    gateway.graphql(CREATE_INVOICE, create_variables("k-2"), Authorization=TOKEN)
    other = gateway.graphql(
        CREATE_INVOICE, create_variables("k-2", description="changed"), Authorization=TOKEN
    )

    assert len(gateway.sent) == 1
    assert other["data"] is None
    [error] = other["errors"]
    assert error["extensions"] == {"code": "IDEMPOTENCY_KEY_REUSED"}
    assert error["path"] == ["createInvoice"]


def test_keys_belong_to_credentials(gateway: Gateway) -> None:
    gateway.graphql(CREATE_INVOICE, create_variables("shared"), Authorization=TOKEN)
    other = gateway.graphql(
        CREATE_INVOICE, create_variables("shared"), Authorization="Token token=someone-else"
    )
    assert len(gateway.sent) == 2
    assert created_id(other) == "101"


def test_the_header_key_covers_each_mutation_of_the_request_apart(gateway: Gateway) -> None:
    document = """
    mutation Two($a: CreateInvoiceInput!, $b: CreateInvoiceInput!) {
      a: createInvoice(input: $a) { invoice { id } userErrors { code } }
      b: createInvoice(input: $b) { invoice { id } userErrors { code } }
    }"""
    variables = {
        "a": create_variables()["input"],
        "b": create_variables(description="second")["input"],
    }
    first = gateway.graphql(document, variables, Authorization=TOKEN, **{"Idempotency-Key": "h"})
    again = gateway.graphql(document, variables, Authorization=TOKEN, **{"Idempotency-Key": "h"})

    assert len(gateway.sent) == 2
    assert first == again
    assert {first["data"]["a"]["invoice"]["id"], first["data"]["b"]["invoice"]["id"]} == {
        "100",
        "101",
    }


def test_the_input_key_wins_over_the_header(gateway: Gateway) -> None:
    gateway.graphql(
        CREATE_INVOICE,
        create_variables("in-input"),
        Authorization=TOKEN,
        **{"Idempotency-Key": "a"},
    )
    again = gateway.graphql(
        CREATE_INVOICE,
        create_variables("in-input"),
        Authorization=TOKEN,
        **{"Idempotency-Key": "b"},
    )
    assert len(gateway.sent) == 1
    assert created_id(again) == "100"


def test_unusable_keys_are_refused_before_calling(gateway: Gateway) -> None:
    in_input = gateway.graphql(CREATE_INVOICE, create_variables(" "), Authorization=TOKEN)
    too_long = gateway.graphql(CREATE_INVOICE, create_variables("k" * 256), Authorization=TOKEN)
    in_header = gateway.graphql(
        CREATE_INVOICE, create_variables(), Authorization=TOKEN, **{"Idempotency-Key": "x" * 300}
    )

    assert gateway.sent == []
    for result in (in_input, too_long):
        [error] = result["data"]["createInvoice"]["userErrors"]
        assert error["field"] == ["input", "idempotencyKey"]
        assert error["code"] == "INVALID"
    assert in_header["errors"][0]["extensions"] == {"code": "IDEMPOTENCY_KEY_INVALID"}


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (answer(500, b"oops"), "UPSTREAM_SERVER_ERROR"),
        (answer(502), "UPSTREAM_SERVER_ERROR"),
        (answer(201, b"{not json"), "UPSTREAM_BAD_RESPONSE"),
    ],
)
def test_answers_after_which_it_may_exist_are_replayed_not_retried(
    failure: Handler, code: str
) -> None:
    with gateway_with(numbered(failure, answer(201, created(7)))) as gateway:
        first = gateway.graphql(CREATE_INVOICE, create_variables("k-5xx"), Authorization=TOKEN)
        again = gateway.graphql(CREATE_INVOICE, create_variables("k-5xx"), Authorization=TOKEN)
    assert len(gateway.sent) == 1
    assert first["errors"][0]["extensions"]["code"] == code
    assert again["errors"] == first["errors"]


@pytest.mark.parametrize(
    "exception",
    [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("closed mid-body")],
)
def test_a_lost_answer_is_replayed_not_retried(exception: Exception) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise exception

    with gateway_with(numbered(fail, answer(201, created(7)))) as gateway:
        first = gateway.graphql(CREATE_INVOICE, create_variables("k-lost"), Authorization=TOKEN)
        again = gateway.graphql(CREATE_INVOICE, create_variables("k-lost"), Authorization=TOKEN)
    assert len(gateway.sent) == 1
    assert again["errors"][0]["extensions"] == first["errors"][0]["extensions"]


def test_a_rejection_is_replayed_as_the_same_user_errors() -> None:
    rejection = answer(422, {"errors": {"description": ["não pode ficar em branco"]}})
    with gateway_with(numbered(rejection, answer(201, created(7)))) as gateway:
        first = gateway.graphql(CREATE_INVOICE, create_variables("k-422"), Authorization=TOKEN)
        again = gateway.graphql(CREATE_INVOICE, create_variables("k-422"), Authorization=TOKEN)
    assert len(gateway.sent) == 1
    assert first == again
    assert first["data"]["createInvoice"]["userErrors"][0]["field"] == ["input", "description"]


@pytest.mark.parametrize(
    "failure",
    [
        answer(503),
        answer(429, b"", **{"Retry-After": "1"}),
        answer(401),
    ],
)
def test_refusals_before_processing_release_the_key(failure: Handler) -> None:
    with gateway_with(numbered(failure, answer(201, created(7)))) as gateway:
        first = gateway.graphql(CREATE_INVOICE, create_variables("k-retry"), Authorization=TOKEN)
        again = gateway.graphql(CREATE_INVOICE, create_variables("k-retry"), Authorization=TOKEN)
    assert first["data"] is None
    assert len(gateway.sent) == 2
    assert created_id(again) == "7"


def test_a_connection_never_made_releases_the_key() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with gateway_with(numbered(refuse, answer(201, created(7))), connect_retries=0) as gateway:
        first = gateway.graphql(CREATE_INVOICE, create_variables("k-conn"), Authorization=TOKEN)
        again = gateway.graphql(CREATE_INVOICE, create_variables("k-conn"), Authorization=TOKEN)
    assert first["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert created_id(again) == "7"


def test_receive_receivable_is_covered_too() -> None:
    variables = {
        "input": {
            "contractId": "3",
            "id": "62",
            "receivedValue": "50.00",
            "receivedAt": "2024-10-30",
            "idempotencyKey": "payment-1",
        }
    }
    receipt = load_fixture("receive-receivable.response.json")
    with gateway_with(answer(200, receipt)) as gateway:
        first = gateway.graphql(RECEIVE_RECEIVABLE, variables, Authorization=TOKEN)
        again = gateway.graphql(RECEIVE_RECEIVABLE, variables, Authorization=TOKEN)
    assert [(r.method, r.url.path) for r in gateway.sent] == [
        ("PATCH", "/api/v1/contracts/3/receivables/62/receive")
    ]
    assert first == again
    assert first["data"]["receiveReceivable"]["receivable"]["receivedValue"] == "50.00"


def test_an_unreachable_redis_fails_closed_without_calling() -> None:
    with gateway_with(new_ids(), redis_url="redis://127.0.0.1:9/0") as gateway:
        keyed = gateway.graphql(CREATE_INVOICE, create_variables("k-redis"), Authorization=TOKEN)
        unkeyed = gateway.graphql(CREATE_INVOICE, create_variables(), Authorization=TOKEN)
    assert keyed["errors"][0]["extensions"] == {"code": "IDEMPOTENCY_STORE_UNAVAILABLE"}
    assert "redis" not in keyed["errors"][0]["message"].lower()
    assert len(gateway.sent) == 1  # only the request without a key
    assert created_id(unkeyed) == "100"


def test_outcomes_round_trip_exactly() -> None:
    from gateway.errors import UpstreamRejected

    response = UpstreamResponse(
        status=201, data={"invoice": {"gross_value": Decimal("700.10")}}, request_id="r1"
    )
    assert decode_outcome(encode_outcome(response)) == response
    rejected = UpstreamRejected(
        "rejected", errors={"x": ["y"]}, status=422, body=b'{"errors":1}', request_id=None
    )
    back = decode_outcome(encode_outcome(rejected))
    assert isinstance(back, UpstreamRejected)
    assert (back.errors, back.status, back.body, back.message) == (
        {"x": ["y"]},
        422,
        b'{"errors":1}',
        "rejected",
    )
    # Only the known outcome types are ever built from what the store holds.
    forged = {"error": {"type": "SystemExit", "message": "", "status": 0, "body": "", "id": None}}
    with pytest.raises(KeyError):
        decode_outcome(zlib.compress(codec.encode(forged)))
    # Stored compressed: an invoice takes a fraction of its JSON size.
    encoded = encode_outcome(response_of(seed_response()))
    assert len(encoded) * 2 < len(codec.encode(seed_response()))


def response_of(data: object) -> UpstreamResponse:
    return UpstreamResponse(status=201, data=data, request_id=None)


class CountingStore(MemoryIdempotencyStore):
    """Tells the test when `expected` claims were made, so it knows all are waiting."""

    def __init__(self, expected: int) -> None:
        super().__init__()
        self.claims = 0
        self.expected = expected
        self.all_claimed = asyncio.Event()

    async def claim(self, key: str, fingerprint: str, *, lease: float) -> Claim:
        claim = await super().claim(key, fingerprint, lease=lease)
        self.claims += 1
        if self.claims >= self.expected:
            self.all_claimed.set()
        return claim


async def test_concurrent_requests_with_one_key_make_one_call_and_share_its_outcome() -> None:
    concurrent = 20
    store = CountingStore(expected=concurrent)
    calls: list[httpx.Request] = []

    async def upstream(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        await store.all_claimed.wait()  # answer only once every request is waiting
        return httpx.Response(
            200, content=codec.encode(load_fixture("receive-receivable.response.json"))
        )

    transport = httpx.MockTransport(upstream)
    async with httpx.AsyncClient(
        base_url="http://upstream.test/api/v1", transport=transport
    ) as http:
        client = UpstreamClient(http, transport=transport, deadline=5)
        writes = IdempotentWrites(store, lease=10, ttl=60)

        def api() -> ReceivablesAPI:
            reads = DataLoader(load_fn=reader(client, authorization=TOKEN))
            return ReceivablesAPI(
                UpstreamSession(client, authorization=TOKEN, reads=reads, writes=writes)
            )

        payment = ReceiveReceivableInput(
            contract_id="3",
            id="62",
            received_value=Decimal("50.00"),  # type: ignore[arg-type]
            received_at=dt.date(2024, 10, 30),
        )
        results = await asyncio.gather(
            *(api().receive(payment, idempotency_key="same") for _ in range(concurrent))
        )

    assert len(calls) == 1
    assert {result.id for result in results} == {results[0].id}
    assert json.loads(calls[0].content)["receivable"]["received_at"] == "30/10/2024"
