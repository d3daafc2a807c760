"""Queries and mutations on invoices."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.idempotency.keys import idempotency_key
from gateway.operations.user_errors import attempt, not_found
from gateway.rest.pagination import DEFAULT_FIRST, MAX_FIRST
from gateway.types.invoice import (
    ApproveInvoiceInput,
    ApproveInvoicePayload,
    BlockInvoiceInput,
    BlockInvoicePayload,
    CreateInvoiceInput,
    CreateInvoicePayload,
    DeleteInvoiceInput,
    DeleteInvoicePayload,
    Invoice,
    InvoiceConnection,
    InvoiceFilter,
    UpdateInvoiceInput,
    UpdateInvoicePayload,
)

ContractId = Annotated[
    strawberry.ID, strawberry.argument(description="Contract the invoices are billed under.")
]

_NO_CONTRACT = not_found("contractId", "Contract not found.")
_NO_INVOICE = not_found("id", "Invoice not found.")
# The upstream also answers 404 when a nested item id is not one of the invoice's own.
_NO_INVOICE_OR_ITEM = not_found(
    "id", "Invoice not found, or a receivable, service or attachment id is not one of its items."
)


@strawberry.type
class InvoiceQueries:
    @strawberry.field(description="One invoice of a contract; null when it does not exist.")
    async def invoice(
        self,
        info: Info,
        contract_id: Annotated[
            strawberry.ID, strawberry.argument(description="Contract the invoice belongs to.")
        ],
        id: Annotated[strawberry.ID, strawberry.argument(description="Invoice id.")],
    ) -> Invoice | None:
        return await info.context.invoices.get(contract_id, id)

    @strawberry.field(
        description=(
            "Search an organization's invoices (`GET organizations/{organization_id}/invoices/"
            "search`), page by page: pass `pageInfo.endCursor` as `after` for the next page. "
            "Empty for an unknown organization."
        )
    )
    async def invoices(
        self,
        info: Info,
        organization_id: Annotated[
            strawberry.ID, strawberry.argument(description="Organization whose invoices to search.")
        ],
        filter: Annotated[
            InvoiceFilter | None,
            strawberry.argument(description="Criteria the invoices must meet; none: all of them."),
        ] = None,
        first: Annotated[
            int | None,
            strawberry.argument(
                description=f"How many invoices to return, at least 1; more than {MAX_FIRST} "
                f"returns {MAX_FIRST}."
            ),
        ] = DEFAULT_FIRST,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="Return the invoices after this cursor (an edge's `cursor` or "
                "`pageInfo.endCursor`); none: from the start."
            ),
        ] = None,
    ) -> InvoiceConnection:
        return await info.context.invoices.search(organization_id, filter, first=first, after=after)

    @strawberry.field(
        description="A contract's invoices with a receivable past its due date and unpaid "
        "(`GET contracts/{contract_id}/invoices/late`); empty for an unknown contract."
    )
    async def late_invoices(self, info: Info, contract_id: ContractId) -> list[Invoice]:
        return await info.context.invoices.late(contract_id)


@strawberry.type
class InvoiceMutations:
    @strawberry.mutation(
        description=(
            "Create an invoice for a contract (`POST contracts/{contract_id}/invoices`). "
            "Problems the client can fix come back in `userErrors`; the invoice is null then."
        )
    )
    async def create_invoice(
        self,
        info: Info,
        input: Annotated[
            CreateInvoiceInput, strawberry.argument(description="The invoice to create.")
        ],
    ) -> CreateInvoicePayload:
        async def create() -> Invoice:
            key = idempotency_key(info, input.idempotency_key)
            return await info.context.invoices.create(input, idempotency_key=key)

        invoice, errors = await attempt(create(), not_found=_NO_CONTRACT)
        return CreateInvoicePayload(invoice=invoice, user_errors=errors)

    @strawberry.mutation(
        description=(
            "Change an invoice (`PATCH contracts/{contract_id}/invoices/{id}`), sending only the "
            "fields given. Returns the invoice as it now is."
        )
    )
    async def update_invoice(
        self,
        info: Info,
        input: Annotated[
            UpdateInvoiceInput, strawberry.argument(description="The invoice and its changes.")
        ],
    ) -> UpdateInvoicePayload:
        invoice, errors = await attempt(
            info.context.invoices.update(input), not_found=_NO_INVOICE_OR_ITEM
        )
        return UpdateInvoicePayload(invoice=invoice, user_errors=errors)

    @strawberry.mutation(
        description=(
            "Delete an invoice (`DELETE contracts/{contract_id}/invoices/{id}`). Clients evict "
            "`deletedInvoiceId` from their caches."
        )
    )
    async def delete_invoice(
        self,
        info: Info,
        input: Annotated[
            DeleteInvoiceInput, strawberry.argument(description="The invoice to delete.")
        ],
    ) -> DeleteInvoicePayload:
        deleted, errors = await attempt(info.context.invoices.delete(input), not_found=_NO_INVOICE)
        return DeleteInvoicePayload(
            deleted_invoice_id=None if deleted is None else strawberry.ID(deleted),
            user_errors=errors,
        )

    @strawberry.mutation(
        description=(
            "Approve an invoice for billing (`PATCH contracts/{contract_id}/invoices/{id}/"
            "approve`); only an invoice still to be emitted and not yet approved can be."
        )
    )
    async def approve_invoice(
        self,
        info: Info,
        input: Annotated[
            ApproveInvoiceInput, strawberry.argument(description="The invoice to approve.")
        ],
    ) -> ApproveInvoicePayload:
        invoice, errors = await attempt(info.context.invoices.approve(input), not_found=_NO_INVOICE)
        return ApproveInvoicePayload(invoice=invoice, user_errors=errors)

    @strawberry.mutation(
        description=(
            "Block an invoice from billing (`PATCH contracts/{contract_id}/invoices/{id}/"
            "block`); only an invoice still to be emitted and not yet blocked can be."
        )
    )
    async def block_invoice(
        self,
        info: Info,
        input: Annotated[
            BlockInvoiceInput, strawberry.argument(description="The invoice to block.")
        ],
    ) -> BlockInvoicePayload:
        invoice, errors = await attempt(info.context.invoices.block(input), not_found=_NO_INVOICE)
        return BlockInvoicePayload(invoice=invoice, user_errors=errors)
