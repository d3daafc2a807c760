"""What the invoice rule mutations answer: the rule as it now is, or what to fix."""

from __future__ import annotations

import strawberry

from gateway.types.invoice_rule.output import InvoiceRule
from gateway.types.user_error import UserError


@strawberry.type(description="Result of a change to one invoice rule.")
class InvoiceRuleChangePayload:
    invoice_rule: InvoiceRule | None = strawberry.field(
        default=None,
        description="The rule after the change; null when there are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the input; empty when the change was made.",
    )


@strawberry.type(description="Result of `createInvoiceRule`.")
class CreateInvoiceRulePayload(InvoiceRuleChangePayload):
    pass


@strawberry.type(description="Result of `updateInvoiceRule`.")
class UpdateInvoiceRulePayload(InvoiceRuleChangePayload):
    pass


@strawberry.type(description="Result of `deleteInvoiceRule`.")
class DeleteInvoiceRulePayload:
    deleted_invoice_rule_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Id of the deleted rule, to evict it from client caches; null when there "
        "are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the input; empty when the rule was deleted.",
    )
