"""The sandbox's records: validated request data and the stored objects built from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# A JSON object as the client sent it (floats parsed as Decimal). Stored alongside the
# validated data because an update is the previous request merged with the new one.
Raw = dict[str, Any]

OPEN_STATES = ("to_emit", "to_receive")
RECEIVABLE_STATES = ("to_emit", "to_receive", "received", "cancelled")


@dataclass(frozen=True)
class Contract:
    """A contract as invoices see it (its customer and organization), and what else the
    contract endpoints keep. Made with its ids only, it is a sale by its organization."""

    id: int
    customer_id: int
    customer_type: str
    organization_id: int
    kind: str = "sale"
    # None: the organization, a sale's supplier.
    supplier_id: int | None = None
    supplier_type: str = "Company"
    name: str | None = None
    token: str | None = None
    created_at: datetime | None = None
    # The requests it was written with, merged: what it echoes (title, dates, notes...).
    raw: Raw = field(default_factory=dict, compare=False)

    @property
    def supplier(self) -> tuple[str, int]:
        """The supplier's REST type and id."""
        if self.supplier_id is None:
            return "Company", self.organization_id
        return self.supplier_type, self.supplier_id

    @property
    def customer(self) -> tuple[str, int]:
        return self.customer_type, self.customer_id


@dataclass(frozen=True)
class InvoiceFields:
    issue_date: date
    estimated_issue_date: date
    accrual_date: date
    gross_value: Decimal
    payment_value: Decimal
    description: str
    number: str | None
    approval_status: str
    management_type: str


@dataclass(frozen=True)
class ReceivableData:
    id: int | None
    raw: Raw
    due_date: date
    percentage: Decimal
    gross_value: Decimal
    payment_value: Decimal


@dataclass(frozen=True)
class ServiceData:
    id: int | None
    raw: Raw
    units: Decimal
    unit_value: Decimal
    value: Decimal


@dataclass(frozen=True)
class AttachmentData:
    id: int | None
    raw: Raw
    filename: str


@dataclass(frozen=True)
class PaymentData:
    raw: Raw
    payment_method: str


@dataclass(frozen=True)
class InvoiceData:
    raw: Raw
    fields: InvoiceFields
    receivables: list[ReceivableData]
    services: list[ServiceData]
    attachments: list[AttachmentData]
    payment_information: PaymentData | None


@dataclass
class Receivable:
    id: int
    invoice_id: int
    created_at: datetime
    data: ReceivableData
    state: str = "to_emit"
    received_value: Decimal | None = None
    received_at: date | None = None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


@dataclass
class Service:
    id: int
    created_at: datetime
    data: ServiceData


@dataclass
class Attachment:
    id: int
    created_at: datetime
    data: AttachmentData


@dataclass
class PaymentInformation:
    id: int
    created_at: datetime
    data: PaymentData


@dataclass
class Invoice:
    id: int
    contract: Contract
    created_at: datetime
    raw: Raw
    fields: InvoiceFields
    approval_status: str
    state: str = "to_emit"
    receivables: list[Receivable] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    payment_information: PaymentInformation | None = None

    def is_late(self, today: date) -> bool:
        return any(r.is_open and r.data.due_date < today for r in self.receivables)
