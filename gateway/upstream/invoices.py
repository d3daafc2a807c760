"""The invoice endpoints, as typed calls: GraphQL inputs in, GraphQL types out."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.types.invoice import CreateInvoiceInput, Invoice
from gateway.upstream.client import UpstreamClient, UpstreamResponse
from gateway.upstream.errors import UpstreamBadResponse, UpstreamNotFound
from gateway.upstream.mapping import MissingId, invoice_from_rest
from gateway.upstream.translate import create_invoice_request, integer_id


class InvoicesAPI:
    """The invoice endpoints, called with one client's credentials."""

    def __init__(self, client: UpstreamClient, *, authorization: str | None) -> None:
        self._client = client
        self._authorization = authorization

    async def create(self, input: CreateInvoiceInput) -> Invoice:
        """`POST contracts/{contract_id}/invoices`.

        Raises `InvalidInput` before calling when the input cannot be sent, and the
        upstream errors otherwise (`UpstreamRejected` for 422, `UpstreamNotFound` for an
        unknown contract).
        """
        path, body = create_invoice_request(input)
        response = await self._client.request(
            "POST", path, json=body, authorization=self._authorization
        )
        return _invoice(response)

    async def get(self, contract_id: str, id: str) -> Invoice | None:
        """`GET contracts/{contract_id}/invoices/{id}`; `None` when there is no such invoice."""
        try:
            path = f"contracts/{integer_id(contract_id)}/invoices/{integer_id(id)}"
        except ValueError:
            return None  # Not an upstream id, so not an invoice either.
        try:
            response = await self._client.request("GET", path, authorization=self._authorization)
        except UpstreamNotFound:
            return None
        return _invoice(response)


def _invoice(response: UpstreamResponse) -> Invoice:
    data = response.data
    raw = data.get("invoice") if isinstance(data, Mapping) else None
    if not isinstance(raw, Mapping):
        raise _unexpected(response, "without an invoice object")
    try:
        return invoice_from_rest(raw)
    except MissingId as error:
        raise _unexpected(response, "with an invoice that has no id") from error


def _unexpected(response: UpstreamResponse, what: str) -> UpstreamBadResponse:
    created = " The invoice was created." if response.status == 201 else ""
    return UpstreamBadResponse(
        f"The upstream API answered {response.status} {what}.{created}",
        status=response.status,
        request_id=response.request_id,
    )
