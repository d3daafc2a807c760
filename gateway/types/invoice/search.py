"""Searching an organization's invoices: the filter and the paginated result."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from gateway.types.connection import PageInfo
from gateway.types.invoice.output import CustomerType, Invoice
from gateway.types.wire import rest


@strawberry.enum(
    description="Invoice states a search can filter on: the lifecycle states and LATE."
)
class InvoiceFilterState(Enum):
    TO_EMIT = strawberry.enum_value("to_emit", description="Not yet billed.")
    TO_RECEIVE = strawberry.enum_value("to_receive", description="Billed, awaiting payment.")
    RECEIVED = strawberry.enum_value("received", description="Paid.")
    CANCELLED = strawberry.enum_value("cancelled", description="Cancelled.")
    LATE = strawberry.enum_value(
        "late", description="Has an unpaid receivable whose due date has passed."
    )


@strawberry.input(description="Criteria of an invoice search; every criterion given must hold.")
class InvoiceFilter:
    issue_date_from: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description="Billed on or after this date.",
        metadata=rest("issue_date_gteq"),
    )
    issue_date_to: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description="Billed on or before this date.",
        metadata=rest("issue_date_lteq"),
    )
    receivables_due_date_from: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description="Has a receivable due on or after this date (together with "
        "`receivablesDueDateTo`: one receivable due within both bounds).",
        metadata=rest("receivables_due_date_gteq"),
    )
    receivables_due_date_to: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description="Has a receivable due on or before this date.",
        metadata=rest("receivables_due_date_lteq"),
    )
    state: InvoiceFilterState | None = strawberry.field(
        default=strawberry.UNSET,
        description="In this state.",
        metadata=rest("state_eq"),
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Billed to this customer.",
        metadata=rest("customer_id_eq"),
    )
    customer_type: CustomerType | None = strawberry.field(
        default=strawberry.UNSET,
        description="Billed to a customer of this kind.",
        metadata=rest("customer_type_eq"),
    )
    contract_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Billed under this contract.",
        metadata=rest("contract_id_eq"),
    )


@strawberry.type(description="One invoice of a search result, with its position.")
class InvoiceEdge:
    cursor: str = strawberry.field(
        description="Opaque position of this invoice; pass it as `after` to continue after it."
    )
    node: Invoice = strawberry.field(description="The invoice.")


@strawberry.type(description="One page of an invoice search.")
class InvoiceConnection:
    edges: list[InvoiceEdge] = strawberry.field(
        description="The invoices of this page, in the upstream's order, each at most once."
    )
    page_info: PageInfo = strawberry.field(description="Where this page sits in the result.")
    total_pages: int | None = strawberry.field(
        default=None,
        description="Number of pages of `first` invoices the result has, as the upstream reports "
        "it; null when it did not.",
    )
