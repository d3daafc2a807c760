"""`invoiceEvents` over real sockets: uvicorn serving the gateway in front of the sandbox,
signed deliveries posted to `/webhooks`, and each transport read as its clients read it.

Synchronisation is the transports' own: a graphql-ws `pong` comes once the subscriptions
started before the `ping` listen to the bus; SSE and multipart answer their headers only
then. So a delivery posted afterwards is never missed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import orjson
import pytest
from starlette.applications import Starlette
from websockets.exceptions import ConnectionClosed, InvalidStatus

from gateway.app import create_app
from gateway.settings import Settings
from gateway.webhooks.bus import received_now
from gateway.webhooks.delivery import InvoiceDelivery
from tests.e2e.conftest import AUTHORIZATION
from tests.support.loop_capture import LoopCapture
from tests.support.recorder import Recorder
from tests.support.servers import serve
from tests.support.subscription_clients import (
    SECRET,
    SUBSCRIBE,
    WAIT,
    deliver,
    post,
    socket,
)

INVOICE_READ = "/api/v1/contracts/3/invoices/3"


@pytest.fixture(scope="module")
def gateway_url(upstream: tuple[str, Recorder]) -> Iterator[str]:
    url, _ = upstream
    with gateway(url) as served:
        yield served


@contextlib.contextmanager
def gateway(upstream_url: str, **settings: Any) -> Iterator[str]:
    app = create_app(
        Settings(upstream_url=f"{upstream_url}/api/v1", webhook_secret=SECRET, **settings)
    )
    with serve(app, protected_by=Settings()) as url:
        yield url


def reads_of(recorder: Recorder, path: str, authorization: str = AUTHORIZATION) -> int:
    return sum(
        1
        for request in recorder.requests
        if (request.method, request.path) == ("GET", path)
        and request.headers.get("authorization") == authorization
    )


def current_invoice(upstream_url: str) -> dict[str, Any]:
    """What the sandbox holds for invoice 3, read past the gateway."""
    answer = httpx.get(f"{upstream_url}{INVOICE_READ}", headers={"Authorization": AUTHORIZATION})
    invoice: dict[str, Any] = answer.json()["invoice"]
    return invoice


def assert_the_event(event: dict[str, Any], name: str = "emit") -> None:
    data = event["invoiceEvents"]
    assert data["event"] == name.upper()
    assert data["eventName"] == name
    assert (data["invoiceId"], data["contractId"]) == ("3", "3")
    assert data["receivedAt"].endswith("+00:00")
    assert data["invoice"]["id"] == "3"


# --- each transport -----------------------------------------------------------------------


async def test_graphql_ws_receives_an_event_with_the_invoice_read_fresh(
    gateway_url: str, upstream: tuple[str, Recorder], recorder: Recorder
) -> None:
    async with socket(gateway_url) as client:
        await client.subscribe("a", {"contract": "3", "invoice": "3"})
        await client.listening()
        answer = await deliver(gateway_url)
        message = await client.receive()
        assert message["type"] == "next"
        assert message["id"] == "a"
        assert "errors" not in message["payload"]
        assert_the_event(message["payload"]["data"])
        assert message["payload"]["data"]["invoiceEvents"]["id"] == answer.json()["id"]
        expected = current_invoice(upstream[0])
        got = message["payload"]["data"]["invoiceEvents"]["invoice"]
        assert got["description"] == expected["description"]
        await client.send({"type": "complete", "id": "a"})
    assert reads_of(recorder, INVOICE_READ) == 2  # the gateway's, and the test's own


async def sse_events(response: httpx.Response) -> AsyncIterator[tuple[str, str]]:
    event = data = ""
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data:"):
            data = line.removeprefix("data:").strip()
        elif line == "" and event:
            yield event, data
            event = data = ""


async def test_sse_receives_an_event(gateway_url: str, recorder: Recorder) -> None:
    async with (
        httpx.AsyncClient(base_url=gateway_url, timeout=WAIT) as http,
        http.stream(
            "POST",
            "/graphql",
            json={"query": SUBSCRIBE, "variables": {"invoice": "3"}},
            headers={"Accept": "text/event-stream", "Authorization": AUTHORIZATION},
        ) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache, no-transform"
        await deliver(gateway_url, event="cancel")
        events = sse_events(response)
        kind, data = await asyncio.wait_for(anext(events), WAIT)
        assert kind == "next"
        assert_the_event(json.loads(data)["data"], "cancel")
    assert reads_of(recorder, INVOICE_READ) == 1


MULTIPART_ACCEPT = 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json'


async def multipart_parts(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    buffer = b""
    async for chunk in response.aiter_bytes():
        buffer += chunk
        while (end := buffer.find(b"\r\n--graphql", 1)) != -1:
            part, buffer = buffer[:end], buffer[end:]
            _, _, body = part.partition(b"\r\n\r\n")
            if body:
                yield orjson.loads(body)


async def test_multipart_http_receives_an_event(gateway_url: str, recorder: Recorder) -> None:
    async with (
        httpx.AsyncClient(base_url=gateway_url, timeout=WAIT) as http,
        http.stream(
            "POST",
            "/graphql",
            json={"query": SUBSCRIBE, "variables": {"contract": "3"}},
            headers={"Accept": MULTIPART_ACCEPT, "Authorization": AUTHORIZATION},
        ) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"] == (
            'multipart/mixed; boundary="graphql"; subscriptionSpec="1.0"'
        )
        await deliver(gateway_url, event="confirm_receival")
        part = await asyncio.wait_for(anext(multipart_parts(response)), WAIT)
        assert set(part) == {"payload"}
        assert_the_event(part["payload"]["data"], "confirm_receival")
    assert reads_of(recorder, INVOICE_READ) == 1


async def test_a_query_over_a_websocket_answers_once_then_completes(gateway_url: str) -> None:
    async with socket(gateway_url) as client:
        await client.subscribe(
            "q",
            {"c": "3", "i": "3"},
            query="query One($c: ID!, $i: ID!) { invoice(contractId: $c, id: $i) { id } }",
        )
        assert await client.receive() == {
            "id": "q",
            "type": "next",
            "payload": {"data": {"invoice": {"id": "3"}}},
        }
        assert await client.receive() == {"id": "q", "type": "complete"}


# --- who gets what ------------------------------------------------------------------------


async def test_an_unknown_event_arrives_as_unknown_with_its_name(gateway_url: str) -> None:
    async with socket(gateway_url) as client:
        await client.subscribe("u", {"invoice": "3"})
        await client.listening()
        await deliver(gateway_url, event="refunded_partially")
        message = await client.receive()
        event = message["payload"]["data"]["invoiceEvents"]
        assert (event["event"], event["eventName"]) == ("UNKNOWN", "refunded_partially")


async def test_an_invoice_the_subscriber_cannot_read_is_not_delivered(
    gateway_url: str, recorder: Recorder
) -> None:
    async with socket(gateway_url) as client:
        await client.subscribe("all")
        await client.listening()
        await deliver(gateway_url, invoice="987654")  # the sandbox's 404
        await deliver(gateway_url, invoice="3", contract=None)  # no contract: nothing to check with
        await deliver(gateway_url, invoice="3")
        # A subscriber's events come in order: the first it gets is the third delivery.
        message = await client.receive()
        assert message["payload"]["data"]["invoiceEvents"]["invoiceId"] == "3"
        assert message["payload"]["data"]["invoiceEvents"]["contractId"] == "3"
        assert reads_of(recorder, "/api/v1/contracts/3/invoices/987654") == 1


async def test_a_subscriber_whose_token_cannot_read_the_invoice_gets_nothing(
    gateway_url: str, recorder: Recorder
) -> None:
    stranger = "Token token=not-the-sandboxes"
    async with socket(gateway_url, authorization=stranger) as other, socket(gateway_url) as own:
        await other.subscribe("s", {"invoice": "3"})
        await own.subscribe("s", {"invoice": "3"})
        await other.listening()
        await own.listening()
        await deliver(gateway_url)
        assert (await own.receive())["type"] == "next"
        # Each subscriber's events are its own: the stranger's read may come after ours.
        give_up = asyncio.get_running_loop().time() + WAIT
        while reads_of(recorder, INVOICE_READ, stranger) == 0:
            assert asyncio.get_running_loop().time() < give_up, "the stranger's read never came"
            await asyncio.sleep(0.01)
        assert reads_of(recorder, INVOICE_READ, stranger) == 1  # tried, and answered 401
        assert await other.nothing()


async def test_one_read_serves_every_subscriber_with_the_same_credentials(
    gateway_url: str, recorder: Recorder
) -> None:
    async with socket(gateway_url) as first, socket(gateway_url) as second:
        for client in (first, second):
            await client.subscribe("1", {"invoice": "3"})
            await client.subscribe("2", {"contract": "3"})
            await client.listening()
        await deliver(gateway_url)
        received = [await client.receive() for client in (first, first, second, second)]
    assert sorted(message["id"] for message in received) == ["1", "1", "2", "2"]
    assert all(message["type"] == "next" for message in received)
    assert reads_of(recorder, INVOICE_READ) == 1


async def test_a_replayed_delivery_reaches_subscribers_once(gateway_url: str) -> None:
    async with socket(gateway_url) as client:
        await client.subscribe("r", {"invoice": "3"})
        await client.listening()
        request_id = uuid.uuid4().hex
        first = await deliver(gateway_url, request_id=request_id)
        again = await deliver(gateway_url, request_id=request_id)
        assert again.json()["status"] == "duplicate"
        message = await client.receive()
        assert message["payload"]["data"]["invoiceEvents"]["id"] == first.json()["id"]
        assert await client.nothing()


# --- the protocol's rules -----------------------------------------------------------------


async def test_without_the_subprotocol_the_socket_closes_4406(gateway_url: str) -> None:
    async with socket(gateway_url, init=False, subprotocols=["graphql-ws"]) as client:
        assert await client.closed_with() == (4406, "Subprotocol not acceptable")


@pytest.mark.parametrize(
    ("messages", "closed"),
    [
        (
            [{"type": "subscribe", "id": "1", "payload": {"query": "{ __typename }"}}],
            (4401, "Unauthorized"),
        ),
        (
            [{"type": "connection_init"}, {"type": "connection_init"}],
            (4429, "Too many initialisation requests"),
        ),
        (["not json"], (4400, "Invalid message received: not JSON")),
        ([{"type": "launch"}], (4400, "Invalid message received: unknown type")),
        (
            [{"type": "connection_init", "payload": {"Authorization": 7}}],
            (
                4403,
                "connection_init payload.Authorization: must be a string of at most "
                f"{Settings().max_authorization_bytes} bytes",
            ),
        ),
    ],
)
async def test_protocol_violations_close_with_graphql_ws_codes(
    gateway_url: str, messages: list[Any], closed: tuple[int, str]
) -> None:
    async with socket(gateway_url, init=False) as client:
        for message in messages:
            await client.connection.send(
                message if isinstance(message, str) else json.dumps(message)
            )
        assert await client.closed_with() == closed


async def test_an_id_in_use_closes_4409(gateway_url: str) -> None:
    async with socket(gateway_url) as client:
        await client.subscribe("twice")
        await client.subscribe("twice")
        assert await client.closed_with() == (4409, "Subscriber for this id already exists")


async def test_no_connection_init_in_time_closes_4408(upstream: tuple[str, Recorder]) -> None:
    with gateway(upstream[0], subscription_init_timeout=0.2) as url:
        async with socket(url, init=False) as client:
            assert await client.closed_with() == (4408, "Connection initialisation timeout")


async def test_a_page_of_another_origin_cannot_open_a_socket(gateway_url: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with socket(gateway_url, origin="https://evil.example"):  # type: ignore[arg-type]
            pass
    assert refused.value.response.status_code == 403


async def test_validation_errors_are_a_graphql_ws_error_message(gateway_url: str) -> None:
    async with socket(gateway_url) as client:
        await client.subscribe("bad", query="subscription { invoiceEvents { nope } }")
        message = await client.receive()
        assert (message["id"], message["type"]) == ("bad", "error")
        assert message["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        await client.listening()  # the connection stays usable


async def test_a_subscription_over_plain_json_names_the_transports(gateway_url: str) -> None:
    answer = await post(f"{gateway_url}/graphql", json={"query": SUBSCRIBE})
    assert answer.status_code == 400
    error = answer.json()["errors"][0]
    assert error["extensions"]["code"] == "STREAMING_TRANSPORT_REQUIRED"
    assert "text/event-stream" in error["message"]


async def test_sse_request_errors_are_a_400_before_any_stream(gateway_url: str) -> None:
    answer = await post(
        f"{gateway_url}/graphql",
        json={"query": 'subscription { invoiceEvents(invoiceId: "x") { id } }'},
        headers={"Accept": "text/event-stream"},
    )
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/json")


async def test_a_non_numeric_id_argument_is_a_bad_user_input_error(gateway_url: str) -> None:
    async with socket(gateway_url) as client:
        await client.subscribe("x", {"invoice": "not-a-number"})
        message = await client.receive()
        assert message["type"] == "error"
        assert message["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert message["payload"][0]["message"] == "invoiceId: must be a numeric id."


# --- limits -------------------------------------------------------------------------------


async def test_past_the_connection_limit_a_subscription_is_refused(
    upstream: tuple[str, Recorder],
) -> None:
    with gateway(upstream[0], max_subscriptions=2) as url:
        async with socket(url) as client:
            for id in ("1", "2", "3"):
                await client.subscribe(id)
            message = await client.receive()
            assert (message["id"], message["type"]) == ("3", "error")
            assert message["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
            await client.send({"type": "complete", "id": "1"})
            await client.subscribe("4")
            await client.listening()
            assert await client.nothing()  # "4" runs: no error for it


async def test_past_the_credentials_limit_a_subscription_is_refused_on_any_transport(
    upstream: tuple[str, Recorder],
) -> None:
    with gateway(upstream[0], max_subscriptions_per_credentials=1) as url:
        async with socket(url) as client:
            await client.subscribe("1")
            await client.listening()
            answer = await post(
                f"{url}/graphql",
                json={"query": SUBSCRIBE},
                headers={"Accept": "text/event-stream", "Authorization": AUTHORIZATION},
            )
            assert answer.status_code == 400
            assert answer.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
            # Other credentials are not held to these ones' count.
            async with socket(url, authorization="Token token=other") as other:
                await other.subscribe("1")
                await other.listening()
                assert await other.nothing()


# --- slow consumers and heartbeats --------------------------------------------------------


@contextlib.contextmanager
def captured_gateway(upstream_url: str, **settings: Any) -> Iterator[tuple[str, LoopCapture]]:
    app = create_app(
        Settings(upstream_url=f"{upstream_url}/api/v1", webhook_secret=SECRET, **settings)
    )
    capture = LoopCapture(app)
    with serve(capture) as url:
        yield url, capture


def flood(capture: LoopCapture, events: int) -> None:
    """Put `events` on the bus in one go, on the server's loop: no subscriber can read any of
    them in between, so one with room for fewer falls behind."""
    app = capture.app
    assert isinstance(app, Starlette)

    async def publish() -> None:
        bus = app.state.events
        for number in range(events):
            bus.fan_out(
                received_now(
                    f"flood-{number}",
                    InvoiceDelivery(
                        event="update", object_id="3", contract_token="t", contract_id="3"
                    ),
                )
            )

    assert capture.loop is not None
    asyncio.run_coroutine_threadsafe(publish(), capture.loop).result(WAIT)


async def test_a_graphql_ws_subscriber_that_falls_behind_is_disconnected(
    upstream: tuple[str, Recorder],
) -> None:
    with captured_gateway(upstream[0], subscription_max_pending=2) as (url, capture):
        async with socket(url) as client:
            await client.subscribe("slow", {"invoice": "3"})
            await client.listening()
            await asyncio.to_thread(flood, capture, 5)
            codes = []
            with contextlib.suppress(ConnectionClosed):
                while True:
                    message = await client.receive()
                    codes += [e["extensions"]["code"] for e in message["payload"].get("errors", [])]
            assert codes == ["SLOW_CONSUMER"]
            assert client.connection.close_code == 1013


async def test_a_multipart_subscriber_that_falls_behind_gets_a_transport_error_and_the_end(
    upstream: tuple[str, Recorder],
) -> None:
    with captured_gateway(upstream[0], subscription_max_pending=2) as (url, capture):
        async with (
            httpx.AsyncClient(base_url=url, timeout=WAIT) as http,
            http.stream(
                "POST",
                "/graphql",
                json={"query": SUBSCRIBE, "variables": {"invoice": "3"}},
                headers={"Accept": MULTIPART_ACCEPT, "Authorization": AUTHORIZATION},
            ) as response,
        ):
            await asyncio.to_thread(flood, capture, 5)
            parts = [part async for part in multipart_parts(response)]
    *events, last = parts
    assert all(set(part) == {"payload"} for part in events)
    assert last["payload"] is None
    assert last["errors"][0]["extensions"]["code"] == "SLOW_CONSUMER"


async def test_idle_streams_carry_heartbeats(upstream: tuple[str, Recorder]) -> None:
    with gateway(upstream[0], subscription_heartbeat_seconds=0.05) as url:
        async with socket(url) as client:
            await client.subscribe("idle")
            message = json.loads(await asyncio.wait_for(client.connection.recv(), WAIT))
            assert message == {"type": "ping"}
        async with httpx.AsyncClient(base_url=url, timeout=WAIT) as http:
            for accept, heartbeat in (
                ("text/event-stream", b":\n\n"),
                (MULTIPART_ACCEPT, b"\r\ncontent-type: application/json; charset=utf-8\r\n\r\n{}"),
            ):
                async with http.stream(
                    "POST",
                    "/graphql",
                    json={"query": SUBSCRIBE},
                    headers={"Accept": accept, "Authorization": AUTHORIZATION},
                ) as response:
                    received = b""
                    async for chunk in response.aiter_bytes():
                        received += chunk
                        if heartbeat in received:
                            break
                    assert heartbeat in received


async def test_a_websockets_request_id_goes_upstream_with_its_operations_reads(
    gateway_url: str, recorder: Recorder
) -> None:
    async with socket(gateway_url, additional_headers={"X-Request-Id": "ws-request-1"}) as client:
        assert client.connection.response is not None
        assert client.connection.response.headers["X-Request-Id"] == "ws-request-1"
        await client.subscribe("traced", {"invoice": "3"})
        await client.listening()
        await deliver(gateway_url)
        assert (await client.receive())["type"] == "next"
    reads = [r for r in recorder.requests if (r.method, r.path) == ("GET", INVOICE_READ)]
    assert [r.headers.get("x-request-id") for r in reads] == ["ws-request-1"]
