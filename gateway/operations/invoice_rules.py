"""Queries and mutations on invoice rules."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.idempotency.keys import idempotency_key
from gateway.operations.user_errors import attempt, not_found
from gateway.rest.invoice_rules import InvoiceRulesAPI
from gateway.types.invoice_rule import (
    CreateInvoiceRuleInput,
    CreateInvoiceRulePayload,
    DeleteInvoiceRuleInput,
    DeleteInvoiceRulePayload,
    InvoiceRule,
    UpdateInvoiceRuleInput,
    UpdateInvoiceRulePayload,
)
from gateway.types.user_error import UserError

_NO_CONTRACT = not_found("contractId", "Contract not found.")
_NO_RULE = not_found("id", "Contract or invoice rule not found.")
# The upstream also answers 404 when a nested item id is not one of the rule's own.
_NO_RULE_OR_ITEM = not_found(
    "id",
    "Contract or invoice rule not found, or a service or readjustment id is not one of the rule's.",
)
# Keys of the upstream's errors that name no input field: the field a client changes instead.
_INPUT_FIELDS: dict[tuple[str, ...], tuple[str, ...]] = {
    # The recurrence is too long: its end date is what makes it so.
    ("additionalInformation", "periodicity"): ("additionalInformation", "endDate"),
    ("services", "serviceItem"): ("services", "serviceItemId"),
}


@strawberry.type
class InvoiceRuleQueries:
    @strawberry.field(
        description="A contract's invoice rules (`GET contracts/{id}/invoice_rules`; 1 upstream "
        "call). Empty for an unknown contract."
    )
    async def invoice_rules(
        self,
        info: Info,
        contract_id: Annotated[
            strawberry.ID, strawberry.argument(description="Contract the rules bill under.")
        ],
    ) -> list[InvoiceRule]:
        return await info.context.api(InvoiceRulesAPI).list(contract_id)


@strawberry.type
class InvoiceRuleMutations:
    @strawberry.mutation(
        description="Create an invoice rule for a contract (`POST contracts/{contract_id}/"
        "invoice_rules`; 1 upstream call), from scratch or from an invoice template."
    )
    async def create_invoice_rule(
        self,
        info: Info,
        input: Annotated[
            CreateInvoiceRuleInput, strawberry.argument(description="The rule to create.")
        ],
    ) -> CreateInvoiceRulePayload:
        async def create() -> InvoiceRule:
            key = idempotency_key(info, input.idempotency_key)
            return await info.context.api(InvoiceRulesAPI).create(input, idempotency_key=key)

        rule, errors = await attempt(create(), not_found=_NO_CONTRACT)
        return CreateInvoiceRulePayload(invoice_rule=rule, user_errors=_input_paths(errors))

    @strawberry.mutation(
        description="Change an invoice rule (`PUT contracts/{contract_id}/invoice_rules/{id}`; 1 "
        "upstream call), sending only the fields given. Returns the rule as it now is."
    )
    async def update_invoice_rule(
        self,
        info: Info,
        input: Annotated[
            UpdateInvoiceRuleInput, strawberry.argument(description="The rule and its changes.")
        ],
    ) -> UpdateInvoiceRulePayload:
        rule, errors = await attempt(
            info.context.api(InvoiceRulesAPI).update(input), not_found=_NO_RULE_OR_ITEM
        )
        return UpdateInvoiceRulePayload(invoice_rule=rule, user_errors=_input_paths(errors))

    @strawberry.mutation(
        description="Delete an invoice rule (`DELETE contracts/{contract_id}/invoice_rules/{id}`; "
        "1 upstream call). Clients evict `deletedInvoiceRuleId` from their caches."
    )
    async def delete_invoice_rule(
        self,
        info: Info,
        input: Annotated[
            DeleteInvoiceRuleInput, strawberry.argument(description="The rule to delete.")
        ],
    ) -> DeleteInvoiceRulePayload:
        deleted, errors = await attempt(
            info.context.api(InvoiceRulesAPI).delete(input), not_found=_NO_RULE
        )
        return DeleteInvoiceRulePayload(
            deleted_invoice_rule_id=None if deleted is None else strawberry.ID(deleted),
            user_errors=errors,
        )


def _input_paths(errors: list[UserError]) -> list[UserError]:
    return [_input_path(error) for error in errors]


def _input_path(error: UserError) -> UserError:
    if error.field is None:
        return error
    field = tuple(error.field[1:])
    replaced = _INPUT_FIELDS.get(field)
    if replaced is None:
        return error
    return UserError(field=[error.field[0], *replaced], message=error.message, code=error.code)
