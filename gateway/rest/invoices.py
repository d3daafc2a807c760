"""The invoice endpoints, as typed calls: GraphQL inputs in, GraphQL types out."""

from __future__ import annotations

from gateway.errors import UpstreamNotFound
from gateway.rest import envelopes, wire_objects
from gateway.rest.mapping import invoice_deferred
from gateway.rest.paged_search import read_window
from gateway.rest.search import invoice_search_params
from gateway.rest.session import UpstreamSession
from gateway.rest.translate import create_invoice_request, invoice_path, update_invoice_request
from gateway.rest.writer import integer_id
from gateway.types.invoice import (
    CreateInvoiceInput,
    Invoice,
    InvoiceConnection,
    InvoiceEdge,
    InvoiceFilter,
    InvoiceReference,
    UpdateInvoiceInput,
)
from gateway.upstream.client import UpstreamResponse

# Answers decode into structs (see `wire_objects`), derived at import, which is start-up.
_SEARCH_PAGE = wire_objects.page_decoder("invoices", Invoice)
_ENVELOPE = wire_objects.envelope_decoder("invoice", Invoice)


class InvoicesAPI:
    """The invoice endpoints, called through one GraphQL request's upstream session.

    Reads answer `None` (or nothing) for what does not exist. Writes raise `InvalidInput`
    before calling when the input cannot be sent, and the upstream errors otherwise
    (`UpstreamRejected` for 400/422, `UpstreamNotFound` for 404).
    """

    def __init__(self, session: UpstreamSession) -> None:
        self._session = session

    async def create(
        self, input: CreateInvoiceInput, *, idempotency_key: str | None = None
    ) -> Invoice:
        """`POST contracts/{contract_id}/invoices`, once per `idempotency_key`."""
        path, body = create_invoice_request(input)
        response = await self._session.write(
            "POST", path, body, idempotency_key=idempotency_key, decode=_ENVELOPE
        )
        return _invoice(response)

    async def get(self, contract_id: str, id: str) -> Invoice | None:
        """`GET contracts/{contract_id}/invoices/{id}`; `None` when there is no such invoice."""
        try:
            path = f"contracts/{integer_id(contract_id)}/invoices/{integer_id(id)}"
        except ValueError:
            return None  # Not an upstream id, so not an invoice either.
        try:
            return _invoice(await self._session.read(path, decode=_ENVELOPE))
        except UpstreamNotFound:
            return None

    async def update(self, input: UpdateInvoiceInput) -> Invoice:
        """`PATCH contracts/{contract_id}/invoices/{id}` with the fields the client set."""
        path, body = update_invoice_request(input)
        return _invoice(await self._session.write("PATCH", path, body, decode=_ENVELOPE))

    async def delete(self, reference: InvoiceReference) -> str:
        """`DELETE contracts/{contract_id}/invoices/{id}`; the id of the deleted invoice."""
        await self._session.write("DELETE", invoice_path(reference))
        return str(integer_id(reference.id))

    async def approve(self, reference: InvoiceReference) -> Invoice:
        """`PATCH contracts/{contract_id}/invoices/{id}/approve` (no body)."""
        path = f"{invoice_path(reference)}/approve"
        return _invoice(await self._session.write("PATCH", path, decode=_ENVELOPE))

    async def block(self, reference: InvoiceReference) -> Invoice:
        """`PATCH contracts/{contract_id}/invoices/{id}/block` (no body)."""
        path = f"{invoice_path(reference)}/block"
        return _invoice(await self._session.write("PATCH", path, decode=_ENVELOPE))

    async def late(self, contract_id: str) -> list[Invoice]:
        """`GET contracts/{contract_id}/invoices/late`; empty for an unknown contract."""
        try:
            path = f"contracts/{integer_id(contract_id)}/invoices/late"
        except ValueError:
            return []
        try:
            response = await self._session.read(path)
        except UpstreamNotFound:
            return []
        return envelopes.many(response, "invoices", invoice_deferred)

    async def search(
        self,
        organization_id: str,
        filter: InvoiceFilter | None,
        *,
        first: int | None,
        after: str | None,
    ) -> InvoiceConnection:
        """`GET organizations/{organization_id}/invoices/search`, one or two pages of it.

        Raises `InvalidPageRequest` for a `first` or `after` that names no page; an unknown
        organization, or a criterion no invoice can meet, is an empty result.
        """
        try:
            organization: str | None = str(integer_id(organization_id))
        except ValueError:
            organization = None  # Not an upstream id, so no organization's either.
        found = await read_window(
            self._session,
            None if organization is None else f"organizations/{organization}/invoices/search",
            lambda page, size: invoice_search_params(filter, page=page, per_page=size),
            "invoices",
            lambda raw: invoice_deferred(raw, found_under=organization),
            lambda invoice: str(invoice.id),
            first=first,
            after=after,
            decode=_SEARCH_PAGE,
        )
        return InvoiceConnection(
            edges=[InvoiceEdge(cursor=cursor, node=node) for cursor, node in found.edges],
            page_info=found.page_info,
            total_pages=found.total_pages,
        )


def _invoice(response: UpstreamResponse) -> Invoice:
    return envelopes.one(response, "invoice", invoice_deferred)
