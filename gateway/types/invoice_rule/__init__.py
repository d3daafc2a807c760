"""Invoice rules ("regras de faturamento"): the recurring billing rules of a contract.

One concept in several modules: the rule (`output`), when it bills and readjusts
(`schedule`), what clients send (`inputs`) and what mutations answer (`payloads`).
"""

from gateway.types.invoice_rule.inputs import (
    CreateInvoiceRuleInput,
    DeleteInvoiceRuleInput,
    InvoiceRuleContract,
    InvoiceRuleFieldsInput,
    InvoiceRuleReference,
    InvoiceRuleServiceInput,
    UpdateInvoiceRuleInput,
)
from gateway.types.invoice_rule.output import InvoiceRule
from gateway.types.invoice_rule.payloads import (
    CreateInvoiceRulePayload,
    DeleteInvoiceRulePayload,
    InvoiceRuleChangePayload,
    UpdateInvoiceRulePayload,
)
from gateway.types.invoice_rule.schedule import (
    AdditionalInformation,
    AdditionalInformationInput,
    AdditionalInformationUpdateInput,
    ReceivablesAdditionalInformation,
    ReceivablesAdditionalInformationInput,
    ReceivablesAdditionalInformationUpdateInput,
    ScheduledUpdate,
    ScheduledUpdateFieldsInput,
    ScheduledUpdateInput,
    ScheduledUpdateUpdateInput,
)

__all__ = [
    "AdditionalInformation",
    "AdditionalInformationInput",
    "AdditionalInformationUpdateInput",
    "CreateInvoiceRuleInput",
    "CreateInvoiceRulePayload",
    "DeleteInvoiceRuleInput",
    "DeleteInvoiceRulePayload",
    "InvoiceRule",
    "InvoiceRuleChangePayload",
    "InvoiceRuleContract",
    "InvoiceRuleFieldsInput",
    "InvoiceRuleReference",
    "InvoiceRuleServiceInput",
    "ReceivablesAdditionalInformation",
    "ReceivablesAdditionalInformationInput",
    "ReceivablesAdditionalInformationUpdateInput",
    "ScheduledUpdate",
    "ScheduledUpdateFieldsInput",
    "ScheduledUpdateInput",
    "ScheduledUpdateUpdateInput",
    "UpdateInvoiceRuleInput",
    "UpdateInvoiceRulePayload",
]
