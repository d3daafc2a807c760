"""Update (Rails nested attributes), delete, approve and block."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from .support import create_invoice, receive, without_data_set

pytestmark = pytest.mark.asyncio


@pytest.fixture
def sandbox() -> Starlette:
    return without_data_set()


async def patch(api: httpx.AsyncClient, invoice_id: int, **changes: Any) -> httpx.Response:
    return await api.patch(f"/contracts/3/invoices/{invoice_id}", json={"invoice": changes})


async def test_update_changes_only_the_sent_fields(api: httpx.AsyncClient) -> None:
    before = await create_invoice(api, number=1, comments="antes")

    response = await patch(api, before["id"], description="Nova", comments="depois")

    assert response.status_code == 200
    after = response.json()["invoice"]
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"description", "comments"}
    assert (after["description"], after["comments"]) == ("Nova", "depois")
    assert after == (await api.get(f"/contracts/3/invoices/{before['id']}")).json()["invoice"]


async def test_update_edits_destroys_and_adds_nested_items(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(
        api,
        receivables=[
            {"gross_value": 350, "due_date": "10-06-2025"},
            {"gross_value": 350, "due_date": "10-07-2025"},
        ],
        services=[{"description": "A", "units": 1, "unit_value": 700}],
        attachments=[{"filename": "a.pdf", "content": "dGVzdA=="}],
    )
    first, second = invoice["receivables"]
    service = invoice["services"][0]

    response = await patch(
        api,
        invoice["id"],
        receivables=[
            {"id": first["id"], "gross_value": 500},
            {"id": second["id"], "_destroy": True},
            {"gross_value": 200, "due_date": "10-08-2025"},
            {"gross_value": 1, "due_date": "10-09-2025", "_destroy": "1"},
        ],
        services=[{"id": service["id"], "units": 2, "unit_value": 350}],
        attachments=[{"id": invoice["attachments"][0]["id"], "_destroy": True}],
    )

    assert response.status_code == 200, response.text
    updated = response.json()["invoice"]
    assert [(r["id"], r["gross_value"], r["due_date"]) for r in updated["receivables"]] == [
        (first["id"], "500.0", "10/06/2025"),
        (second["id"] + 1, "200.0", "10/08/2025"),
    ]
    assert updated["receivables"][0]["created_at"] == first["created_at"]
    assert updated["services"] == [service | {"units": "2.0", "unit_value": "350.0"}]
    assert updated["attachments"] == []


async def test_update_validates_the_resulting_invoice(
    sandbox: Starlette, api: httpx.AsyncClient
) -> None:
    invoice = await create_invoice(api)

    response = await patch(api, invoice["id"], gross_value=800, description="")

    assert response.status_code == 422
    assert response.json() == {
        "errors": {
            "description": "não pode ficar em branco",
            "receivables": "Os vencimentos não totalizam 100%.",
        }
    }
    unchanged = (await api.get(f"/contracts/3/invoices/{invoice['id']}")).json()["invoice"]
    assert unchanged == invoice


async def test_destroying_every_receivable_is_invalid(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)
    receivable_id = invoice["receivables"][0]["id"]

    response = await patch(api, invoice["id"], receivables=[{"id": receivable_id, "_destroy": 1}])

    assert response.status_code == 422
    assert response.json() == {"errors": {"receivables": "não pode ficar em branco"}}


async def test_percentage_receivables_follow_a_new_gross_value(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(
        api, receivables=[{"value": 100, "due_date": "10-06-2025"}], payment_value=690
    )

    response = await patch(api, invoice["id"], gross_value=1000)

    updated = response.json()["invoice"]
    assert (updated["gross_value"], updated["payment_value"]) == ("1000.0", "690.0")
    receivable = updated["receivables"][0]
    assert (receivable["value"], receivable["gross_value"]) == ("100.0", "1000.0")
    assert receivable["payment_value"] == "690.0"


async def test_approval_status_is_settable_on_create_only(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)

    response = await patch(api, invoice["id"], approval_status="blocked")

    assert response.json()["invoice"]["approval_status"] == "approved"


async def test_update_with_an_unknown_nested_id_is_an_empty_404(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)
    other = await create_invoice(api)

    response = await patch(
        api, invoice["id"], receivables=[{"id": other["receivables"][0]["id"], "gross_value": 1}]
    )

    assert response.status_code == 404
    assert response.content == b""


async def test_update_of_a_foreign_invoice_is_an_empty_404(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api, contract_id=2)

    response = await patch(api, invoice["id"], description="x")

    assert response.status_code == 404
    assert response.content == b""


async def test_update_without_an_invoice_object_is_a_400(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)

    response = await api.patch(f"/contracts/3/invoices/{invoice['id']}", json={"x": 1})

    assert response.status_code == 400
    assert response.json() == {"errors": "param is missing or the value is empty: invoice"}


async def test_delete_removes_the_invoice(sandbox: Starlette, api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)
    path = f"/contracts/3/invoices/{invoice['id']}"

    response = await api.delete(path)

    assert response.status_code == 204
    assert response.content == b""
    assert sandbox.state.store.invoices == {}
    assert (await api.get(path)).status_code == 404
    assert (await api.delete(path)).status_code == 404


async def test_a_received_invoice_cannot_be_deleted(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)
    receivable_id = invoice["receivables"][0]["id"]
    assert (await receive(api, receivable_id)).status_code == 200

    response = await api.delete(f"/contracts/3/invoices/{invoice['id']}")

    assert response.status_code == 422
    assert response.json() == {"errors": "O faturamento não pode ser excluído."}


async def test_block_then_approve(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)
    path = f"/contracts/3/invoices/{invoice['id']}"

    blocked = await api.patch(f"{path}/block")
    approved = await api.patch(f"{path}/approve")

    assert blocked.status_code == approved.status_code == 200
    assert blocked.json()["invoice"]["approval_status"] == "blocked"
    assert approved.json()["invoice"]["approval_status"] == "approved"
    assert approved.json()["invoice"] | {"approval_status": "approved"} == invoice


async def test_approving_an_approved_invoice_is_refused(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api)

    response = await api.patch(f"/contracts/3/invoices/{invoice['id']}/approve")

    assert response.status_code == 422
    assert response.json() == {"errors": "O faturamento não pode ser aprovado."}


async def test_blocking_a_blocked_invoice_is_refused(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api, approval_status="blocked")

    response = await api.patch(f"/contracts/3/invoices/{invoice['id']}/block")

    assert response.status_code == 422
    assert response.json() == {"errors": "O faturamento não pode ser bloqueado."}


async def test_only_invoices_to_emit_can_be_approved_or_blocked(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api, approval_status="blocked")
    receivable_id = invoice["receivables"][0]["id"]
    assert (await receive(api, receivable_id)).status_code == 200

    approve = await api.patch(f"/contracts/3/invoices/{invoice['id']}/approve")

    assert approve.status_code == 422
    assert approve.json() == {"errors": "O faturamento não pode ser aprovado."}


async def test_approving_an_unknown_invoice_is_an_empty_404(api: httpx.AsyncClient) -> None:
    response = await api.patch("/contracts/3/invoices/42/approve")

    assert response.status_code == 404
    assert response.content == b""


async def test_defaults_stay_when_what_they_came_from_changes(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(api, issue_date="02-06-2025", number=2.0)

    response = await patch(
        api,
        invoice["id"],
        issue_date="20-07-2025",
        gross_value=1000,
        receivables=[{"id": invoice["receivables"][0]["id"], "gross_value": 1000}],
    )

    updated = response.json()["invoice"]
    assert invoice["number"] == "2"
    assert updated["issue_date"] == "20/07/2025"
    assert updated["estimated_issue_date"] == "02/06/2025"
    assert updated["accrual_date"] == "2025-06-01"
    assert (updated["gross_value"], updated["payment_value"]) == ("1000.0", "700.0")
    assert updated["receivables"][0]["payment_value"] == "700.0"
