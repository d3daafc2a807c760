"""Helpers shared by the sandbox upstream's tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from upstream_sandbox import create_app
from upstream_sandbox.store import DEFAULT_CONTRACTS

TOKEN = "sandbox-token"
BASE_URL = "http://sandbox/api/v1"
FIXTURES = Path(__file__).resolve().parents[2] / "examples" / "fixtures"


def load_fixture(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return result


def without_data_set() -> Starlette:
    """The default contracts without the default data set's invoices: for the tests that
    count the invoices they create from none."""
    return create_app(token=TOKEN, contracts=DEFAULT_CONTRACTS)


def client_for(app: Starlette, token: str | None = TOKEN) -> httpx.AsyncClient:
    headers = {"Authorization": f"Token token={token}"} if token else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL, headers=headers
    )


def minimal_invoice(**overrides: Any) -> dict[str, Any]:
    """The smallest invoice the upstream accepts."""
    invoice: dict[str, Any] = {
        "description": "Mensalidade",
        "issue_date": "02-06-2025",
        "gross_value": 700.0,
        "receivables": [{"gross_value": 700.0, "due_date": "10-06-2025"}],
    }
    invoice.update(overrides)
    return invoice


async def create_invoice(
    api: httpx.AsyncClient, contract_id: int = 3, **overrides: Any
) -> dict[str, Any]:
    response = await api.post(
        f"/contracts/{contract_id}/invoices", json={"invoice": minimal_invoice(**overrides)}
    )
    assert response.status_code == 201, response.text
    invoice: dict[str, Any] = response.json()["invoice"]
    return invoice


async def receive(
    api: httpx.AsyncClient,
    receivable_id: int,
    contract_id: int = 3,
    **receipt: Any,
) -> httpx.Response:
    body = {"receivable": receipt or {"received_value": 700.0, "received_at": "30/06/2025"}}
    return await api.patch(
        f"/contracts/{contract_id}/receivables/{receivable_id}/receive", json=body
    )
