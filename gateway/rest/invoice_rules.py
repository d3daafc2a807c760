"""The invoice rule endpoints, as typed calls.

Rules live under their contract (`contracts/{contract_id}/invoice_rules[/{id}]`), with bodies
wrapped in `{"invoice_rule": ...}` and changed with `PUT`, as the official client was
recorded sending them. There is no read of one rule: only the contract's list.
"""

from __future__ import annotations

from gateway.errors import InvalidInput
from gateway.rest.resource import Resource
from gateway.rest.session import UpstreamSession
from gateway.rest.translate import Endpoint
from gateway.rest.writer import integer_id
from gateway.types.invoice_rule import (
    CreateInvoiceRuleInput,
    InvoiceRule,
    InvoiceRuleReference,
    UpdateInvoiceRuleInput,
)
from gateway.types.user_error import UserError, UserErrorCode

RULES = Resource(InvoiceRule, "invoice_rule", "invoice_rules")
CREATE = Endpoint(CreateInvoiceRuleInput, "contracts/{contract_id}/invoice_rules", "invoice_rule")
UPDATE = Endpoint(
    UpdateInvoiceRuleInput, "contracts/{contract_id}/invoice_rules/{id}", "invoice_rule"
)
RULE = Endpoint(InvoiceRuleReference, "contracts/{contract_id}/invoice_rules/{id}")
# The docs say PATCH; the client sends PUT, the only verb recorded.
UPDATE_METHOD = "PUT"


class InvoiceRulesAPI:
    """Reads answer nothing for a contract that does not exist. Writes raise `InvalidInput`
    before calling when the input cannot be sent, and the upstream's errors otherwise (a 404
    for an unknown contract, rule, or nested item of the rule)."""

    def __init__(self, session: UpstreamSession) -> None:
        self._session = session

    async def list(self, contract_id: str) -> list[InvoiceRule]:
        """`GET contracts/{contract_id}/invoice_rules`."""
        try:
            path = f"contracts/{integer_id(contract_id)}/invoice_rules"
        except ValueError:
            return []
        return await RULES.list(self._session, path)

    async def create(
        self, input: CreateInvoiceRuleInput, *, idempotency_key: str | None = None
    ) -> InvoiceRule:
        """`POST contracts/{contract_id}/invoice_rules`, once per `idempotency_key`."""
        path, body = CREATE.request(input)
        response = await self._session.write("POST", path, body, idempotency_key=idempotency_key)
        return RULES.one(response)

    async def update(self, input: UpdateInvoiceRuleInput) -> InvoiceRule:
        """`PUT contracts/{contract_id}/invoice_rules/{id}` with the fields the client set."""
        path, body = UPDATE.request(input)
        if not body["invoice_rule"]:
            raise InvalidInput(
                [
                    UserError(
                        field=["input"],
                        message="Nothing to change: give at least one field of the invoice rule.",
                        code=UserErrorCode.BLANK,
                    )
                ]
            )
        return RULES.one(await self._session.write(UPDATE_METHOD, path, body))

    async def delete(self, reference: InvoiceRuleReference) -> str:
        """`DELETE contracts/{contract_id}/invoice_rules/{id}`; the id of the deleted rule."""
        await self._session.write("DELETE", RULE.path(reference))
        return str(integer_id(reference.id))
