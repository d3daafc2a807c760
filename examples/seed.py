"""The documented example (create-invoice.md), as files and as GraphQL variables."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"), parse_float=Decimal)


def seed_request() -> dict[str, Any]:
    return load_fixture("create-invoice.request.json")  # type: ignore[no-any-return]


def seed_response() -> dict[str, Any]:
    return load_fixture("create-invoice.response.json")  # type: ignore[no-any-return]


# The seed request as a client writes it: GraphQL names, ISO dates, enum names. Amounts are
# given both ways a client may (string and JSON number) and must keep their digits.
SEED_VARIABLES_JSON = """{
  "input": {
    "contractId": "3",
    "grossValue": "700.0",
    "number": 2,
    "issueDate": "2025-06-02",
    "accrualDate": null,
    "description": "Teste Doc",
    "nfseService": "",
    "nfseVerification": "",
    "paymentValue": 700.0,
    "nfseTemplateId": 1,
    "financeCategory": "",
    "financeCategoryId": null,
    "financeRevenueCenter": "",
    "financeRevenueCenterId": null,
    "myfinanceSaleAccountId": "",
    "myfinanceSaleAccountName": "",
    "nfeBody": "Nfe teste ",
    "cobratoChargeConfigId": "",
    "cobratoChargeConfigName": "",
    "cobratoChargeTemplateId": "",
    "cobratoChargeTemplateName": "",
    "daysUntilAutomaticNfeEmission": 0,
    "issueNfse": false,
    "comments": "",
    "invoiceTemplateId": 1,
    "receivables": [{"grossValue": 700.0, "dueDate": "2025-06-10"}],
    "services": [
      {"serviceItemId": "2", "description": "Faturamento", "units": 7, "unitValue": 100,
       "value": 700}
    ],
    "attachments": [
      {"filename": "teste", "content": "tst", "contentType": "application/vnd.ms-excel"}
    ],
    "paymentInformation": {
      "paymentMethod": "BILLET",
      "financialChargeTemplateId": 1,
      "financialAccountId": 1,
      "chargingAccountId": null
    }
  }
}"""


def seed_variables_json() -> str:
    return SEED_VARIABLES_JSON


def expected_seed_body() -> dict[str, Any]:
    """The seed body as the gateway sends it from `SEED_VARIABLES_JSON`.

    Identical to the documented example except where the example breaks its own documented
    types: `""` for integer ids and the accrual month (an empty value, so `null`, which the
    upstream treats alike) and `"2"` for the integer `service_item_id`.
    """
    body = seed_request()
    invoice = body["invoice"]
    for key in (
        "accrual_date",
        "myfinance_sale_account_id",
        "cobrato_charge_config_id",
        "cobrato_charge_template_id",
    ):
        assert invoice[key] == ""
        invoice[key] = None
    invoice["services"][0]["service_item_id"] = 2
    return body


CREATE_INVOICE = """
mutation CreateInvoice($input: CreateInvoiceInput!) {
  createInvoice(input: $input) {
    invoice { ...FullInvoice }
    userErrors { field message code }
  }
}
fragment FullInvoice on Invoice {
  id contractId issueDate estimatedIssueDate grossValue paymentValue description state
  cancelledAutomatically nfeService nfeVerification nfeIssueDate nfeBody nfeIssued number
  createdAt managementType accrualDate comments customerId customerType emitesServiceValuesId
  emitesServiceValueName nfseTemplateId financeCategory financeCategoryId financeRevenueCenter
  financeRevenueCenterId myfinanceSaleAccountId myfinanceSaleAccountName cobratoChargeConfigId
  cobratoChargeConfigName cobratoChargeTemplateId cobratoChargeTemplateName
  daysUntilAutomaticNfeEmission automaticNfeIssueDate automaticEmailTemplateId approvalStatus
  notificationRulerId issueNfse automaticManagementOnBusinessDays nfseUrl faturaUrl
  receivables {
    id invoiceId dueDate value grossValue paymentValue receivedValue receivedAt createdAt state
    paymentGatewayStatus cobratoChargeId cobratoErrors financeReceivableId myfinanceSaleId
    financeEntityId myfinanceErrors myfinanceReceivableAccountId billetUrl
  }
  services { id name description unitValue units value }
  attachments { id filename url }
  paymentInformation {
    id paymentMethod cobratoCardId cardExpirationMonth cardExpirationYear installments
    financialChargeTemplateId financialAccountId createdAt chargingAccountId
  }
}
"""

GET_INVOICE = """
query GetInvoice($contractId: ID!, $id: ID!) {
  invoice(contractId: $contractId, id: $id) { ...FullInvoice }
}
""" + CREATE_INVOICE[CREATE_INVOICE.index("fragment") :]


# The rest of the invoice API (issue 7): upstream shapes built from the documented example,
# and the GraphQL documents a client sends.

FULL_INVOICE = CREATE_INVOICE[CREATE_INVOICE.index("fragment") :]

RECEIVABLE_FIELDS = """
  id invoiceId dueDate value grossValue paymentValue receivedValue receivedAt createdAt state
  paymentGatewayStatus cobratoChargeId cobratoErrors financeReceivableId myfinanceSaleId
  financeEntityId myfinanceErrors myfinanceReceivableAccountId billetUrl
"""


def seed_invoice(invoice_id: int, **changes: Any) -> dict[str, Any]:
    """The documented response's invoice object, under another id."""
    invoice: dict[str, Any] = seed_response()["invoice"]
    invoice["id"] = invoice_id
    for receivable in invoice["receivables"]:
        receivable["invoice_id"] = invoice_id
    invoice.update(changes)
    return invoice


def search_response(
    ids: list[int], *, page: int, per_page: int, total_pages: int | None
) -> dict[str, Any]:
    """A page of `GET organizations/{id}/invoices/search`, as REFERENCE.md documents it."""
    return {
        "page": page,
        "per_page": per_page,
        "total_pages": total_pages,
        "invoices": [seed_invoice(invoice_id) for invoice_id in ids],
    }


UPDATE_INVOICE = (
    """
mutation UpdateInvoice($input: UpdateInvoiceInput!) {
  updateInvoice(input: $input) {
    invoice { ...FullInvoice }
    userErrors { field message code }
  }
}
"""
    + FULL_INVOICE
)

DELETE_INVOICE = """
mutation DeleteInvoice($input: DeleteInvoiceInput!) {
  deleteInvoice(input: $input) { deletedInvoiceId userErrors { field message code } }
}
"""

APPROVE_INVOICE = (
    """
mutation ApproveInvoice($input: ApproveInvoiceInput!) {
  approveInvoice(input: $input) {
    invoice { ...FullInvoice }
    userErrors { field message code }
  }
}
"""
    + FULL_INVOICE
)

BLOCK_INVOICE = (
    """
mutation BlockInvoice($input: BlockInvoiceInput!) {
  blockInvoice(input: $input) {
    invoice { ...FullInvoice }
    userErrors { field message code }
  }
}
"""
    + FULL_INVOICE
)

SEARCH_INVOICES = """
query SearchInvoices($organizationId: ID!, $filter: InvoiceFilter, $first: Int, $after: String) {
  invoices(organizationId: $organizationId, filter: $filter, first: $first, after: $after) {
    edges { cursor node { id contractId state grossValue issueDate } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalPages
  }
}
"""

LATE_INVOICES = (
    """
query LateInvoices($contractId: ID!) {
  lateInvoices(contractId: $contractId) { ...FullInvoice }
}
"""
    + FULL_INVOICE
)

RECEIVABLES = (
    """
query Receivables($contractId: ID!, $dueDateFrom: Date, $dueDateTo: Date,
                  $state: ReceivableState) {
  receivables(contractId: $contractId, dueDateFrom: $dueDateFrom, dueDateTo: $dueDateTo,
              state: $state) {
"""
    + RECEIVABLE_FIELDS
    + """
    invoice { ...FullInvoice }
  }
}
"""
    + FULL_INVOICE
)

RECEIVE_RECEIVABLE = (
    """
mutation ReceiveReceivable($input: ReceiveReceivableInput!) {
  receiveReceivable(input: $input) {
    receivable {"""
    + RECEIVABLE_FIELDS
    + """}
    userErrors { field message code }
  }
}
"""
)

UNDO_RECEIVABLE_RECEIPT = (
    """
mutation UndoReceivableReceipt($input: UndoReceivableReceiptInput!) {
  undoReceivableReceipt(input: $input) {
    receivable {"""
    + RECEIVABLE_FIELDS
    + """}
    userErrors { field message code }
  }
}
"""
)

# Issue 7's DataLoader check: the same invoice twice under aliases costs one GET.
THE_SAME_INVOICE_TWICE = """
query TheSameInvoiceTwice($contractId: ID!, $id: ID!) {
  a: invoice(contractId: $contractId, id: $id) { id }
  b: invoice(contractId: $contractId, id: $id) { state }
}
"""
