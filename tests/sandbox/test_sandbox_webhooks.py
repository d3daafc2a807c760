"""The sandbox's signed webhooks, received over loopback by a real server, and the product-UI
actions it simulates under `/sandbox/invoices/{id}/{action}`."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from tests.support.servers import serve
from tests.support.webhook_receiver import Receiver
from upstream_sandbox import create_app

from .support import TOKEN, client_for, create_invoice, receive

SECRET = "webhook-secret"
FAST = (0.01, 0.01, 0.01, 0.01, 0.01)
SANDBOX_ROOT = "http://sandbox"


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def hooks_url(receiver: Receiver) -> Iterator[str]:
    with serve(receiver.app) as url:
        yield f"{url}/hooks"


@pytest.fixture
def sandbox(hooks_url: str) -> Starlette:
    return create_app(
        token=TOKEN, webhook_url=hooks_url, webhook_secret=SECRET, webhook_retry_delays=FAST
    )


@pytest_asyncio.fixture
async def api(sandbox: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    # The app's lifespan stops its sender, as uvicorn would run it.
    async with sandbox.router.lifespan_context(sandbox), client_for(sandbox) as client:
        yield client


async def simulate(api: httpx.AsyncClient, invoice_id: int, action: str) -> httpx.Response:
    return await api.post(f"{SANDBOX_ROOT}/sandbox/invoices/{invoice_id}/{action}")


async def state_of(api: httpx.AsyncClient, invoice_id: int, contract_id: int = 3) -> Any:
    response = await api.get(f"/contracts/{contract_id}/invoices/{invoice_id}")
    assert response.status_code == 200
    invoice = response.json()["invoice"]
    return invoice["state"], [r["state"] for r in invoice["receivables"]]


def event(name: str, invoice_id: int, contract_id: int = 3) -> dict[str, Any]:
    token = "c81f4b7a9e2d46c0b3a5e7f9d1c3b5a7"  # contract 3's, on the default data set
    return {
        "event": name,
        "object_type": "Invoice",
        "object_id": str(invoice_id),
        "contract_token": token,
        "contract_id": str(contract_id),
    }


async def test_a_change_sends_a_signed_ping_then_the_signed_delivery(
    api: httpx.AsyncClient, receiver: Receiver
) -> None:
    invoice = await create_invoice(api)
    response = await api.patch(
        f"/contracts/3/invoices/{invoice['id']}", json={"invoice": {"description": "Nova"}}
    )
    assert response.status_code == 200

    ping, delivery = await receiver.wait_for(2)

    assert ping.body == b'{"test": true}'
    assert delivery.payload == event("update", invoice["id"])
    for received in (ping, delivery):
        assert received.signed_with(SECRET)
        assert not received.signed_with("another secret")
        assert received.content_type == "application/json"
        assert len(received.signature) == 40
        assert received.signature == received.signature.lower()
        uuid.UUID(received.request_id)
    assert ping.request_id != delivery.request_id


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (["block"], "update"),
        (["block", "approve"], "update"),
        (["receive"], "confirm_receival"),
        (["receive", "undo_receipt"], "undo_receival"),
    ],
)
async def test_each_state_change_of_its_own_sends_its_event(
    api: httpx.AsyncClient, receiver: Receiver, changes: list[str], expected: str
) -> None:
    invoice = await create_invoice(api)
    receivable_id = invoice["receivables"][0]["id"]
    for change in changes:
        if change in ("approve", "block"):
            response = await api.patch(f"/contracts/3/invoices/{invoice['id']}/{change}")
        elif change == "receive":
            response = await receive(api, receivable_id)
        else:
            response = await api.patch(f"/contracts/3/receivables/{receivable_id}/undo_receipt")
        assert response.status_code == 200, response.text

    received = await receiver.wait_for(2 * len(changes))

    assert received[-1].payload == event(expected, invoice["id"])


async def test_a_refused_change_sends_nothing(api: httpx.AsyncClient, receiver: Receiver) -> None:
    invoice = await create_invoice(api)
    assert (await simulate(api, invoice["id"], "undo_cancellation")).status_code == 422
    assert (await simulate(api, invoice["id"], "emit")).status_code == 200

    received = await receiver.wait_for(2)

    assert [r.payload["event"] for r in received if not r.is_ping] == ["emit"]


async def test_the_rest_answers_are_those_of_a_sandbox_without_webhooks(
    api: httpx.AsyncClient, receiver: Receiver
) -> None:
    async with client_for(create_app(token=TOKEN)) as plain:
        answers = []
        for client in (api, plain):
            invoice = await create_invoice(client)
            path = f"/contracts/3/invoices/{invoice['id']}"
            response = await client.patch(path, json={"invoice": {"description": "Nova"}})
            answers.append((response.status_code, response.content))
        assert answers[0] == answers[1]
    await receiver.wait_for(2)


async def test_a_retry_after_a_500_carries_the_same_request_id(
    api: httpx.AsyncClient, receiver: Receiver
) -> None:
    receiver.failures = 1
    invoice = await create_invoice(api)
    assert (await simulate(api, invoice["id"], "emit")).status_code == 200

    first_ping, refused, second_ping, accepted = await receiver.wait_for(4)

    assert first_ping.is_ping
    assert second_ping.is_ping
    assert first_ping.request_id != second_ping.request_id
    assert (refused.status, accepted.status) == (500, 200)
    assert refused.request_id == accepted.request_id
    assert refused.body == accepted.body
    assert accepted.payload == event("emit", invoice["id"])
    assert accepted.signed_with(SECRET)


async def test_retries_stop_after_five(
    api: httpx.AsyncClient, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.failures = 100
    caplog.set_level(logging.WARNING, logger="upstream_sandbox.webhooks")
    invoice = await create_invoice(api)
    assert (await simulate(api, invoice["id"], "emit")).status_code == 200

    deadline = time.monotonic() + 10
    while "given up after 5 retries" not in caplog.text:
        assert time.monotonic() < deadline, "the sender did not give up"
        await asyncio.sleep(0.01)

    deliveries = receiver.deliveries()
    assert len(deliveries) == 6
    assert len({d.request_id for d in deliveries}) == 1


async def test_an_unreachable_receiver_never_fails_the_rest_call() -> None:
    with serve(Receiver().app) as url:
        pass  # the port is free again: nothing listens there
    app = create_app(
        token=TOKEN, webhook_url=f"{url}/hooks", webhook_secret=SECRET, webhook_retry_delays=FAST
    )
    async with app.router.lifespan_context(app), client_for(app) as api:
        invoice = await create_invoice(api)
        assert (await simulate(api, invoice["id"], "emit")).status_code == 200
        assert await state_of(api, invoice["id"]) == ("to_receive", ["to_receive"])


async def test_shutting_down_drops_the_retries_waiting(hooks_url: str, receiver: Receiver) -> None:
    receiver.failures = 1
    app = create_app(
        token=TOKEN, webhook_url=hooks_url, webhook_secret=SECRET, webhook_retry_delays=(3600,)
    )
    async with app.router.lifespan_context(app), client_for(app) as api:
        invoice = await create_invoice(api)
        assert (await simulate(api, invoice["id"], "emit")).status_code == 200
        await receiver.wait_for(2)
    # Out of the lifespan within the test's time: the hour-long retry was cancelled.
    assert [r.status for r in receiver.received] == [200, 500]


# The first loop is left while its last POST may still be open: the socket it drops is the
# test's doing. What matters is that the second loop's REST call and delivery work.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_app_served_again_on_another_loop_still_sends(
    hooks_url: str, receiver: Receiver
) -> None:
    app = create_app(token=TOKEN, webhook_url=hooks_url, webhook_secret=SECRET)

    async def emit_one(count: int, *, close: bool) -> None:
        # Served in-process, without the lifespan: the first loop never closes the sender.
        async with client_for(app) as api:
            invoice = await create_invoice(api)
            assert (await simulate(api, invoice["id"], "emit")).status_code == 200
            await receiver.wait_for(count)
        if close:
            await app.state.webhooks.aclose()

    asyncio.run(emit_one(2, close=False))
    asyncio.run(emit_one(4, close=True))
    gc.collect()  # what the first loop dropped is collected here, not in a later test

    assert [r.payload["event"] for r in receiver.deliveries()] == ["emit", "emit"]


@pytest.mark.parametrize(("with_url", "secret"), [(False, None), (True, None), (False, SECRET)])
async def test_without_a_url_and_a_secret_nothing_is_sent(
    with_url: bool, secret: str | None, hooks_url: str, receiver: Receiver
) -> None:
    url = hooks_url if with_url else None
    app = create_app(token=TOKEN, webhook_url=url, webhook_secret=secret)
    assert app.state.webhooks is None
    async with app.router.lifespan_context(app), client_for(app) as api:
        invoice = await create_invoice(api)
        assert (await simulate(api, invoice["id"], "emit")).status_code == 200
    assert receiver.received == []


async def test_each_simulated_action_changes_the_invoice_and_sends_its_event(
    api: httpx.AsyncClient, receiver: Receiver
) -> None:
    invoice = await create_invoice(
        api,
        receivables=[
            {"gross_value": 350, "due_date": "10-06-2025"},
            {"gross_value": 350, "due_date": "10-07-2025"},
        ],
    )
    steps = [
        ("emit", ("to_receive", ["to_receive", "to_receive"])),
        ("undo_emission", ("to_emit", ["to_emit", "to_emit"])),
        ("cancel", ("cancelled", ["cancelled", "cancelled"])),
        ("undo_cancellation", ("to_emit", ["to_emit", "to_emit"])),
        ("emit", ("to_receive", ["to_receive", "to_receive"])),
        ("receivement_error", ("to_receive", ["to_receive", "to_receive"])),
        ("cancel", ("cancelled", ["cancelled", "cancelled"])),
        ("undo_cancellation", ("to_receive", ["to_receive", "to_receive"])),
        ("confirm_receival", ("received", ["received", "received"])),
        ("undo_receival", ("to_receive", ["to_receive", "to_receive"])),
    ]
    for action, expected in steps:
        response = await simulate(api, invoice["id"], action)
        assert response.status_code == 200, (action, response.text)
        assert response.json()["invoice"]["state"] == expected[0]
        assert await state_of(api, invoice["id"]) == expected, action

    received = await receiver.wait_for(2 * len(steps))

    assert [r.payload for r in received if not r.is_ping] == [
        event(action, invoice["id"]) for action, _ in steps
    ]


async def test_a_confirmed_receival_receives_every_open_receivable_in_full(
    api: httpx.AsyncClient,
) -> None:
    invoice = await create_invoice(api)
    response = await simulate(api, invoice["id"], "confirm_receival")

    (receivable,) = response.json()["invoice"]["receivables"]
    assert receivable["state"] == "received"
    assert receivable["received_value"] == receivable["payment_value"]
    assert receivable["received_at"] is not None


@pytest.mark.parametrize(
    ("before", "action"),
    [
        ([], "undo_emission"),
        ([], "undo_cancellation"),
        ([], "undo_receival"),
        (["emit"], "emit"),
        (["cancel"], "cancel"),
        (["cancel"], "confirm_receival"),
        (["cancel"], "receivement_error"),
        (["confirm_receival"], "confirm_receival"),
        (["confirm_receival"], "cancel"),
        (["emit", "confirm_receival"], "undo_emission"),
    ],
)
async def test_an_action_out_of_the_invoices_state_is_refused(
    api: httpx.AsyncClient, before: list[str], action: str
) -> None:
    invoice = await create_invoice(api)
    for step in before:
        assert (await simulate(api, invoice["id"], step)).status_code == 200
    state = await state_of(api, invoice["id"])

    response = await simulate(api, invoice["id"], action)

    assert response.status_code == 422
    assert isinstance(response.json()["errors"], str)
    assert await state_of(api, invoice["id"]) == state


async def test_a_blocked_invoice_cannot_be_emitted(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)
    assert (await api.patch(f"/contracts/3/invoices/{invoice['id']}/block")).status_code == 200

    assert (await simulate(api, invoice["id"], "emit")).status_code == 422


@pytest.mark.parametrize(("invoice_id", "action"), [(999, "emit"), (1, "pay"), (1, "")])
async def test_an_unknown_invoice_or_action_is_an_empty_404(
    api: httpx.AsyncClient, invoice_id: int, action: str
) -> None:
    response = await simulate(api, invoice_id, action)

    assert (response.status_code, response.content) == (404, b"")


async def test_the_actions_need_the_sandboxs_token(sandbox: Starlette) -> None:
    async with client_for(sandbox, token="wrong") as api:
        response = await simulate(api, 1, "emit")

    assert response.status_code == 401
