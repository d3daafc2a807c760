"""Authentication, health check and the empty-bodied 401/404 of the upstream."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from upstream_sandbox import create_app

from .support import TOKEN, client_for, create_invoice, minimal_invoice

pytestmark = pytest.mark.asyncio


async def test_health_check_needs_no_token(sandbox: Starlette) -> None:
    async with client_for(sandbox, token=None) as anonymous:
        response = await anonymous.get("/health_check")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        TOKEN,
        f"Bearer {TOKEN}",
        "Token token=",
        f"Token {TOKEN}",
        "Token token=wrong",
        f"Token token={TOKEN}x",
    ],
)
async def test_missing_malformed_or_wrong_token_is_an_empty_401(
    sandbox: Starlette, header: str | None
) -> None:
    headers = {} if header is None else {"Authorization": header}
    async with client_for(sandbox, token=None) as client:
        for method, path in (
            ("GET", "/contracts/3/invoices/1"),
            ("POST", "/contracts/3/invoices"),
            ("GET", "/organizations/1/invoices/search"),
            ("PATCH", "/contracts/3/receivables/1/receive"),
        ):
            response = await client.request(method, path, headers=headers)
            assert response.status_code == 401, (header, path)
            assert response.content == b""


async def test_quoted_token_is_accepted(sandbox: Starlette) -> None:
    async with client_for(sandbox, token=None) as client:
        response = await client.get(
            "/contracts/3/invoices/late", headers={"Authorization": f'Token token="{TOKEN}"'}
        )

    assert response.status_code == 200


async def test_without_a_configured_token_any_token_is_accepted() -> None:
    async with client_for(create_app(), token="whatever") as client:
        invoice = await create_invoice(client)
        response = await client.get(f"/contracts/3/invoices/{invoice['id']}")

    assert response.status_code == 200


async def test_auth_is_checked_before_the_contract(sandbox: Starlette) -> None:
    async with client_for(sandbox, token="wrong") as client:
        response = await client.post("/contracts/99/invoices", json={"invoice": minimal_invoice()})

    assert response.status_code == 401


async def test_unknown_contract_is_an_empty_404(api: httpx.AsyncClient) -> None:
    response = await api.post("/contracts/99/invoices", json={"invoice": minimal_invoice()})

    assert response.status_code == 404
    assert response.content == b""


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nothing"),
        ("GET", "/contracts/abc/invoices/1"),
        ("PUT", "/contracts/3/invoices/1/approve"),
        ("GET", "/contracts/3/invoices"),
    ],
)
async def test_unknown_routes_are_empty_404s(
    api: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await api.request(method, path)

    assert response.status_code == 404
    assert response.content == b""
