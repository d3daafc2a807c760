"""What the invoice mutations answer: the invoice as it now is, or what to fix."""

from __future__ import annotations

import strawberry

from gateway.types.invoice.output import Invoice
from gateway.types.user_error import UserError


@strawberry.type(description="Result of a change to one invoice.")
class InvoiceChangePayload:
    invoice: Invoice | None = strawberry.field(
        default=None,
        description="The invoice after the change (with its `id`, so client caches update); "
        "null when there are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the input; empty when the change was made.",
    )


@strawberry.type(description="Result of `createInvoice`.")
class CreateInvoicePayload(InvoiceChangePayload):
    pass


@strawberry.type(description="Result of `updateInvoice`.")
class UpdateInvoicePayload(InvoiceChangePayload):
    pass


@strawberry.type(description="Result of `approveInvoice`.")
class ApproveInvoicePayload(InvoiceChangePayload):
    pass


@strawberry.type(description="Result of `blockInvoice`.")
class BlockInvoicePayload(InvoiceChangePayload):
    pass


@strawberry.type(description="Result of `deleteInvoice`.")
class DeleteInvoicePayload:
    deleted_invoice_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Id of the deleted invoice, to evict it from client caches; null when there "
        "are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the input; empty when the invoice was deleted.",
    )
