"""Queries and mutations on invoices."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.types.errors import UserError, UserErrorCode
from gateway.types.invoice import CreateInvoiceInput, CreateInvoicePayload, Invoice
from gateway.upstream.errors import UpstreamNotFound, UpstreamRejected
from gateway.upstream.rejections import user_errors_from_rejection
from gateway.upstream.translate import InvalidInput


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
        try:
            invoice = await info.context.invoices.create(input)
        except InvalidInput as error:
            return CreateInvoicePayload(user_errors=error.user_errors)
        except UpstreamRejected as error:
            return CreateInvoicePayload(
                user_errors=user_errors_from_rejection(error.errors, root=["input"])
            )
        except UpstreamNotFound:
            return CreateInvoicePayload(
                user_errors=[
                    UserError(
                        field=["input", "contractId"],
                        message="Contract not found.",
                        code=UserErrorCode.NOT_FOUND,
                    )
                ]
            )
        return CreateInvoicePayload(invoice=invoice)
