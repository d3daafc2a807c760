"""Contracts and invoice rules as a client asks for them: the GraphQL documents the tests and
the README use."""

from __future__ import annotations

CONTRACT_FIELDS = """
fragment ContractFields on Contract {
  id name title token description customerId customerType supplierId supplierType state
  comments initDate endDate createdAt kind overdue validUntil status registrationMethod
  cobratoPaymentGatewayChargeConfigId cobratoPaymentGatewayChargeConfigName cancelDate
  cancelReason overdueAutomaticManagement
}
"""

CONTRACTS = (
    """
query Contracts($organizationId: ID!) {
  contracts(organizationId: $organizationId) { ...ContractFields }
}
"""
    + CONTRACT_FIELDS
)

CONTRACT = (
    """
query Contract($organizationId: ID!, $id: ID!) {
  contract(organizationId: $organizationId, id: $id) { ...ContractFields }
}
"""
    + CONTRACT_FIELDS
)

SEARCH_CONTRACTS = (
    """
query SearchContracts($name: String!, $customerId: ID) {
  searchContracts(name: $name, customerId: $customerId) { ...ContractFields }
}
"""
    + CONTRACT_FIELDS
)


def _mutation(name: str, selection: str, fragment: str = "") -> str:
    """`name(input: $input) { selection userErrors {...} }`, its input type named after it."""
    field = name[0].lower() + name[1:]
    return (
        f"mutation {name}($input: {name}Input!) {{\n"
        f"  {field}(input: $input) {{ {selection} userErrors {{ field message code }} }}\n"
        "}\n" + fragment
    )


CREATE_CONTRACT = _mutation("CreateContract", "contract { ...ContractFields }", CONTRACT_FIELDS)
UPDATE_CONTRACT = _mutation("UpdateContract", "contract { ...ContractFields }", CONTRACT_FIELDS)
DELETE_CONTRACT = _mutation("DeleteContract", "deletedContractId")

INVOICE_RULE_FIELDS = """
fragment InvoiceRuleFields on InvoiceRule {
  id contractId grossValue paymentValue description state nfeBody createdAt managementType
  customerId customerType emitesServiceValuesId emitesServiceValueName financeCategory
  financeRevenueCenter myfinanceSaleAccountId myfinanceSaleAccountName cobratoChargeConfigId
  cobratoChargeConfigName cobratoChargeTemplateId cobratoChargeTemplateName
  daysUntilAutomaticNfeEmission automaticEmailTemplateId approvalStatus notificationRulerId
  notifyCustomer applyNegativeUpdates issueNfse nfseTemplateId financeCategoryId
  financeRevenueCenterId
  services { id name description unitValue units value }
  paymentInformation {
    id paymentMethod cobratoCardId cardExpirationMonth cardExpirationYear installments
    financialChargeTemplateId financialAccountId createdAt chargingAccountId
  }
  additionalInformation {
    id initDate title periodUnit monthQuantity endDate createdAt accrualMonthQuantity
  }
  scheduledUpdates {
    id invoiceRuleId executionDate monthQuantity priceIndex createdAt updatedAt initDate
    daysUntilUpdate remindAt notified serviceItemId invoiceTemplateId
  }
  receivablesAdditionalInformation {
    id dayNumber parcelNumber invoiceRuleId createdAt updatedAt dayQuantity monthQuantity
    onlyBusinessDays
  }
}
"""

INVOICE_RULES = (
    """
query InvoiceRules($contractId: ID!) {
  invoiceRules(contractId: $contractId) { ...InvoiceRuleFields }
}
"""
    + INVOICE_RULE_FIELDS
)

_RULE = "invoiceRule { ...InvoiceRuleFields }"
CREATE_INVOICE_RULE = _mutation("CreateInvoiceRule", _RULE, INVOICE_RULE_FIELDS)
UPDATE_INVOICE_RULE = _mutation("UpdateInvoiceRule", _RULE, INVOICE_RULE_FIELDS)
DELETE_INVOICE_RULE = _mutation("DeleteInvoiceRule", "deletedInvoiceRuleId")
