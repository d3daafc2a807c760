"""What a sandbox upstream process holds, read over its REST API (not through the gateway).

Counting what the upstream really created is how the end-to-end and load tests prove that an
idempotency key led to exactly one upstream write.
"""

from __future__ import annotations

from typing import Any

import httpx

# Contract 3, which the documented example bills, belongs to organization 1 (the sandbox's
# DEFAULT_CONTRACTS), so its invoices are listed by organization 1's search.
ORGANIZATION = 1
PER_PAGE = 100  # the search endpoint's largest page


def sandbox_client(sandbox_url: str, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{sandbox_url}/api/v1",
        headers={"Authorization": f"Token token={token}"},
        timeout=30,
    )


def organization_invoices(
    sandbox_url: str, token: str, organization_id: int = ORGANIZATION
) -> list[dict[str, Any]]:
    """Every invoice of the organization, all pages of `GET organizations/{id}/invoices/search`."""
    invoices: list[dict[str, Any]] = []
    with sandbox_client(sandbox_url, token) as client:
        page = 1
        while True:
            response = client.get(
                f"organizations/{organization_id}/invoices/search",
                params={"page": page, "per_page": PER_PAGE},
            )
            assert response.status_code == 200, response.text
            body = response.json()
            invoices += body["invoices"]
            if page >= body["total_pages"]:
                return invoices
            page += 1


def contract_receivables(sandbox_url: str, token: str, contract_id: int) -> list[dict[str, Any]]:
    """Every receivable of the contract's invoices (`GET contracts/{id}/receivables/search`)."""
    with sandbox_client(sandbox_url, token) as client:
        response = client.get(f"contracts/{contract_id}/receivables/search")
        assert response.status_code == 200, response.text
        receivables: list[dict[str, Any]] = response.json()["receivables"]
        return receivables
