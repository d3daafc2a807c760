"""Invoices ("faturamentos"): the central object of the API.

One concept in several modules: the invoice and its enums (`output`), what clients send
(`inputs`), what mutations answer (`payloads`) and the search (`search`).
"""

from gateway.types.invoice.inputs import (
    ApproveInvoiceInput,
    BlockInvoiceInput,
    ContractReference,
    CreateInvoiceInput,
    DeleteInvoiceInput,
    InvoiceFieldsInput,
    InvoiceReference,
    UpdateInvoiceInput,
)
from gateway.types.invoice.output import (
    ApprovalStatus,
    CustomerType,
    Invoice,
    InvoiceState,
    ManagementType,
)
from gateway.types.invoice.payloads import (
    ApproveInvoicePayload,
    BlockInvoicePayload,
    CreateInvoicePayload,
    DeleteInvoicePayload,
    InvoiceChangePayload,
    UpdateInvoicePayload,
)
from gateway.types.invoice.search import (
    InvoiceConnection,
    InvoiceEdge,
    InvoiceFilter,
    InvoiceFilterState,
)

__all__ = [
    "ApprovalStatus",
    "ApproveInvoiceInput",
    "ApproveInvoicePayload",
    "BlockInvoiceInput",
    "BlockInvoicePayload",
    "ContractReference",
    "CreateInvoiceInput",
    "CreateInvoicePayload",
    "CustomerType",
    "DeleteInvoiceInput",
    "DeleteInvoicePayload",
    "Invoice",
    "InvoiceChangePayload",
    "InvoiceConnection",
    "InvoiceEdge",
    "InvoiceFieldsInput",
    "InvoiceFilter",
    "InvoiceFilterState",
    "InvoiceReference",
    "InvoiceState",
    "ManagementType",
    "UpdateInvoiceInput",
    "UpdateInvoicePayload",
]
