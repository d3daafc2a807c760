"""Receiving a receivable and undoing the receipt, and what it does to the invoice."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
from starlette.applications import Starlette

from upstream_sandbox.formats import SAO_PAULO

from .support import create_invoice, receive

pytestmark = pytest.mark.asyncio

TWO_HALVES = [
    {"gross_value": 350, "due_date": "10-06-2025"},
    {"gross_value": 350, "due_date": "10-07-2025"},
]


async def invoice_state(api: httpx.AsyncClient, invoice_id: int) -> str:
    response = await api.get(f"/contracts/3/invoices/{invoice_id}")
    state: str = response.json()["invoice"]["state"]
    return state


async def test_receive_records_the_receipt(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)
    receivable = invoice["receivables"][0]

    response = await receive(api, receivable["id"], received_value=50.00, received_at="30/10/2024")

    assert response.status_code == 200
    assert response.json() == {
        "receivable": receivable
        | {"state": "received", "received_value": "50.0", "received_at": "30/10/2024"}
    }


async def test_invoice_is_received_once_all_its_receivables_are(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api, receivables=TWO_HALVES)
    first, second = (r["id"] for r in invoice["receivables"])

    await receive(api, first, received_value=350, received_at="10/06/2025")
    assert await invoice_state(api, invoice["id"]) == "to_emit"
    await receive(api, second, received_value=350, received_at="10/07/2025")
    assert await invoice_state(api, invoice["id"]) == "received"


async def test_receipt_defaults_to_the_full_amount_today(
    sandbox: Starlette, api: httpx.AsyncClient
) -> None:
    sandbox.state.store.clock = lambda: datetime(2025, 7, 1, 23, 59, tzinfo=SAO_PAULO)
    invoice = await create_invoice(api, payment_value=690)

    response = await receive(api, invoice["receivables"][0]["id"], received_value=None)

    receivable = response.json()["receivable"]
    assert (receivable["received_value"], receivable["received_at"]) == ("690.0", "01/07/2025")


async def test_a_received_receivable_cannot_be_received_again(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)
    receivable_id = invoice["receivables"][0]["id"]
    await receive(api, receivable_id)

    response = await receive(api, receivable_id)

    assert response.status_code == 422
    assert response.json() == {"errors": "O vencimento não pode ser recebido."}


async def test_invalid_receipt_values_are_a_422(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)

    response = await receive(
        api, invoice["receivables"][0]["id"], received_value="muito", received_at="31/02/2025"
    )

    assert response.status_code == 422
    assert response.json() == {
        "errors": {"received_value": "deve ser numérico", "received_at": "não é uma data válida"}
    }


async def test_receive_without_a_receivable_object_is_a_400(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)

    response = await api.patch(
        f"/contracts/3/receivables/{invoice['receivables'][0]['id']}/receive", json={}
    )

    assert response.status_code == 400
    assert response.json() == {"errors": "param is missing or the value is empty: receivable"}


async def test_receivables_of_other_contracts_are_an_empty_404(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api, contract_id=2)
    receivable_id = invoice["receivables"][0]["id"]

    for response in (
        await receive(api, receivable_id, contract_id=3),
        await api.patch(f"/contracts/3/receivables/{receivable_id}/undo_receipt"),
        await receive(api, 999, contract_id=2),
    ):
        assert (response.status_code, response.content) == (404, b"")


async def test_undo_receipt_reopens_the_receivable_and_the_invoice(
    api: httpx.AsyncClient,
) -> None:
    invoice = await create_invoice(api)
    receivable = invoice["receivables"][0]
    await receive(api, receivable["id"])
    assert await invoice_state(api, invoice["id"]) == "received"

    response = await api.patch(f"/contracts/3/receivables/{receivable['id']}/undo_receipt")

    assert response.status_code == 200
    assert response.json() == {"receivable": receivable | {"state": "to_receive"}}
    assert await invoice_state(api, invoice["id"]) == "to_receive"


async def test_only_a_received_receivable_can_be_undone(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)

    response = await api.patch(
        f"/contracts/3/receivables/{invoice['receivables'][0]['id']}/undo_receipt"
    )

    assert response.status_code == 422
    assert response.json() == {"errors": "O recebimento do vencimento não pode ser desfeito."}


async def test_a_receivable_to_receive_can_be_received_again(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)
    receivable_id = invoice["receivables"][0]["id"]
    await receive(api, receivable_id)
    await api.patch(f"/contracts/3/receivables/{receivable_id}/undo_receipt")

    response = await receive(api, receivable_id, received_value=1, received_at="01-07-2025")

    assert response.status_code == 200
    assert await invoice_state(api, invoice["id"]) == "received"
