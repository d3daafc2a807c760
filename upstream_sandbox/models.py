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
    id: int
    customer_id: int
    customer_type: str
    organization_id: int


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
