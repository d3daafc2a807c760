"""Contracts: what ties a customer to a supplier, and under which invoices and rules are billed.

A contract is read under an organization (`organizations/{id}/contracts/{id}`) but written
without one (`contracts/{id}`), and its bodies go unwrapped. Its parties are the REST
`customer_type` + `customer_id` and `supplier_type` + `supplier_id` pairs, which clients
write as one `PartyInput` each.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway.idempotency.field import idempotency_key_field
from gateway.types.base import Mapped
from gateway.types.links import links
from gateway.types.party import Party, PartyInput, PartyType
from gateway.types.user_error import UserError
from gateway.types.wire import Form, rest

if TYPE_CHECKING:
    from gateway.types.invoice import Invoice, InvoiceConnection, InvoiceFilter
    from gateway.types.invoice_rule import InvoiceRule
    from gateway.types.receivable import Receivable, ReceivableState


@strawberry.enum(description="Whether the account sells or buys under a contract.")
class ContractKind(Enum):
    SALE = strawberry.enum_value(
        "sale", description="A sale: the supplier is an organization of the account."
    )
    PURCHASE = strawberry.enum_value(
        "purchase", description="A purchase: the customer is an organization of the account."
    )


@strawberry.enum(description="Whether a contract is in force.")
class ContractState(Enum):
    ACTIVE = strawberry.enum_value("active", description="In force.")
    INACTIVE = strawberry.enum_value("inactive", description="Cancelled or ended.")


@strawberry.enum(description="Where a contract is in its lifecycle.")
class ContractStatus(Enum):
    ESTABLISHED = strawberry.enum_value("established", description="Signed and running.")
    TRIAL = strawberry.enum_value("trial", description="In a trial period (subscriptions).")
    CANCELLED = strawberry.enum_value("cancelled", description="Cancelled (subscriptions).")


@strawberry.enum(description="How a contract came to be.")
class RegistrationMethod(Enum):
    REGULAR = strawberry.enum_value("regular", description="Created through the API or by hand.")
    SUBSCRIPTION = strawberry.enum_value(
        "subscription", description="Created by a subscription to a plan."
    )


@strawberry.type(description="A contract between a customer and a supplier.")
class Contract(Mapped):
    # In the order of the upstream's bodies, which the sandbox renders from this declaration.
    id: strawberry.ID = strawberry.field(description="Contract id.")
    name: str | None = strawberry.field(
        default=None, description="Name, unique among the account's contracts."
    )
    title: str | None = strawberry.field(default=None, description="Title.")
    token: str | None = strawberry.field(
        default=None,
        description="Public token (webhooks call it `contract_token`); null on some older "
        "contracts.",
    )
    description: str | None = strawberry.field(default=None, description="Description.")
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Customer: a company or person, or an organization on a purchase."
    )
    customer_type: PartyType | None = strawberry.field(
        default=None, description="Which table `customerId` names."
    )
    supplier_id: strawberry.ID | None = strawberry.field(
        default=None, description="Supplier: an organization on a sale."
    )
    supplier_type: PartyType | None = strawberry.field(
        default=None, description="Which table `supplierId` names."
    )
    state: ContractState | None = strawberry.field(
        default=None,
        description="Active or inactive.",
        # Responses of 2016 wrote the state of an active contract as 1.
        metadata=rest(legacy={1: "active"}),
    )
    comments: str | None = strawberry.field(default=None, description="Notes.")
    init_date: dt.date | None = strawberry.field(default=None, description="Start of validity.")
    end_date: dt.date | None = strawberry.field(default=None, description="End of validity.")
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the contract was created."
    )
    kind: ContractKind | None = strawberry.field(default=None, description="Sale or purchase.")
    overdue: bool | None = strawberry.field(
        default=None,
        description="Whether the contract has overdue invoices; the organization's list "
        "leaves it out (null).",
    )
    valid_until: dt.date | None = strawberry.field(
        default=None, description="Date up to which the contract is paid for (subscriptions)."
    )
    status: ContractStatus | None = strawberry.field(
        default=None, description="Lifecycle status; null on some older contracts."
    )
    registration_method: RegistrationMethod | None = strawberry.field(
        default=None, description="Regular contract or subscription."
    )
    cobrato_payment_gateway_charge_config_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Credit-card charge configuration in the sister billing product (Cobrato).",
    )
    cobrato_payment_gateway_charge_config_name: str | None = strawberry.field(
        default=None, description="Name of that charge configuration."
    )
    cancel_date: dt.date | None = strawberry.field(default=None, description="Cancellation date.")
    cancel_reason: str | None = strawberry.field(
        default=None, description="Why the contract was cancelled."
    )
    overdue_automatic_management: bool | None = strawberry.field(
        default=None, description="Whether automatic billing goes on while invoices are overdue."
    )

    @strawberry.field(
        description="The customer: a company or a person on a sale, an organization on a "
        "purchase. Upstream cost: one read per distinct party in the request (`GET "
        "companies/{id}` or `GET people/{id}`), plus one `GET organizations` per request when "
        "a company id is an organization's."
    )
    async def customer(self, info: strawberry.Info) -> Party | None:
        return await links(info).party(self.customer_type, self.customer_id)

    @strawberry.field(
        description="The supplier: an organization on a sale, a company or a person on a "
        "purchase. Upstream cost as for `customer`."
    )
    async def supplier(self, info: strawberry.Info) -> Party | None:
        return await links(info).party(self.supplier_type, self.supplier_id)

    @strawberry.field(
        description="The contract's invoices, page by page like `invoices`: the organization's "
        "invoice search narrowed to this contract. Upstream cost: one or two reads per page."
    )
    async def invoices(
        self,
        info: strawberry.Info,
        filter: Annotated[
            Annotated[InvoiceFilter, strawberry.lazy("gateway.types.invoice")] | None,
            strawberry.argument(description="Criteria; its `contractId` is this contract's."),
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Invoices per page (1 to 100).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
    ) -> Annotated[InvoiceConnection, strawberry.lazy("gateway.types.invoice")]:
        return await links(info).contract_invoices(self, filter, first, after)

    @strawberry.field(
        description="The contract's invoice rules (`GET contracts/{id}/invoice_rules`). "
        "Upstream cost: one read."
    )
    async def invoice_rules(
        self, info: strawberry.Info
    ) -> list[Annotated[InvoiceRule, strawberry.lazy("gateway.types.invoice_rule")]]:
        return await links(info).contract_invoice_rules(self)

    @strawberry.field(
        description="The contract's receivables (`GET contracts/{id}/receivables/search`), each "
        "with its invoice. Upstream cost: one read."
    )
    async def receivables(
        self,
        info: strawberry.Info,
        due_date_from: Annotated[
            dt.date | None, strawberry.argument(description="Due on or after this date.")
        ] = None,
        due_date_to: Annotated[
            dt.date | None, strawberry.argument(description="Due on or before this date.")
        ] = None,
        state: Annotated[
            Annotated[ReceivableState, strawberry.lazy("gateway.types.receivable")] | None,
            strawberry.argument(description="In this state."),
        ] = None,
    ) -> list[Annotated[Receivable, strawberry.lazy("gateway.types.receivable")]]:
        return await links(info).contract_receivables(self, due_date_from, due_date_to, state)

    @strawberry.field(
        description="The contract's invoices with an unpaid receivable past its due date "
        "(`GET contracts/{id}/invoices/late`). Upstream cost: one read."
    )
    async def late_invoices(
        self, info: strawberry.Info
    ) -> list[Annotated[Invoice, strawberry.lazy("gateway.types.invoice")]]:
        return await links(info).contract_late_invoices(self)


@strawberry.input(description="The contract fields a client writes, on creation and on update.")
class ContractFieldsInput:
    kind: ContractKind | None = strawberry.field(
        default=strawberry.UNSET, description="Sale (the default) or purchase."
    )
    title: str | None = strawberry.field(default=strawberry.UNSET, description="Title.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Description.")
    comments: str | None = strawberry.field(default=strawberry.UNSET, description="Notes.")
    init_date: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description="Start of validity."
    )
    end_date: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description="End of validity."
    )
    cobrato_payment_gateway_charge_config_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Credit-card charge configuration in the sister billing product (Cobrato).",
    )
    cobrato_payment_gateway_charge_config_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Name of that charge configuration."
    )
    overdue_automatic_management: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Whether automatic billing goes on while invoices are overdue (default false).",
    )


_CUSTOMER = (
    "The customer: a company or person on a sale, an organization (type `COMPANY`) on a "
    "purchase. Sent as the REST `customer_type` and `customer_id`."
)
_SUPPLIER = (
    "The supplier: an organization (type `COMPANY`) on a sale, a company or person on a "
    "purchase. Sent as the REST `supplier_type` and `supplier_id`."
)


@strawberry.input(description="A new contract.")
class CreateContractInput(ContractFieldsInput):
    name: str = strawberry.field(
        description="Name, unique among the account's contracts. Required."
    )
    customer: PartyInput = strawberry.field(
        description=_CUSTOMER, metadata=rest(form=Form.FLATTENED)
    )
    supplier: PartyInput = strawberry.field(
        description=_SUPPLIER, metadata=rest(form=Form.FLATTENED)
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="Addresses one contract.")
class ContractKey:
    id: strawberry.ID = strawberry.field(description="Contract id.")


@strawberry.input(
    description="Changes to a contract. Only the fields given are sent; a field given as null "
    "is cleared."
)
class UpdateContractInput(ContractKey, ContractFieldsInput):
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Name, unique among the account's contracts."
    )
    customer: PartyInput | None = strawberry.field(
        default=strawberry.UNSET, description=_CUSTOMER, metadata=rest(form=Form.FLATTENED)
    )
    supplier: PartyInput | None = strawberry.field(
        default=strawberry.UNSET, description=_SUPPLIER, metadata=rest(form=Form.FLATTENED)
    )


@strawberry.input(description="The contract to delete.")
class DeleteContractInput(ContractKey):
    pass


@strawberry.type(description="Result of a change to one contract.")
class ContractChangePayload:
    contract: Contract | None = strawberry.field(
        default=None,
        description="The contract after the change; null when there are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the input; empty when the change was made.",
    )


@strawberry.type(description="Result of `createContract`.")
class CreateContractPayload(ContractChangePayload):
    pass


@strawberry.type(description="Result of `updateContract`.")
class UpdateContractPayload(ContractChangePayload):
    pass


@strawberry.type(description="Result of `deleteContract`.")
class DeleteContractPayload:
    deleted_contract_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Id of the deleted contract, to evict it from client caches; null when "
        "there are user errors.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the input; empty when the contract was deleted.",
    )
