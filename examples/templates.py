"""An organization's templates, financial accounts and NFS-e as GraphQL: one document per
query, each selecting every field, as the tests (and the README's example) use them."""

from __future__ import annotations

INVOICE_TEMPLATE_FIELDS = """
fragment InvoiceTemplateFields on InvoiceTemplate {
  id name grossValue monthQuantity periodUnit managementType automaticEmailTemplateId
  notificationRulerId accrualMonthQuantity description
  receivablesAdditionalInformation {
    chargeType dayNumber dayQuantity monthQuantity parcelNumber onlyBusinessDays
    moveDueDateToBusinessDay createParcels fixedWeekDay weekDay
  }
  emitesServiceValuesId emitesServiceValueName daysUntilAutomaticNfeEmission nfeBody
  paymentMethod cardInstallments cobratoChargeConfigId cobratoChargeConfigName
  cobratoChargeTemplateId cobratoChargeTemplateName financeCategory financeRevenueCenter
  myfinanceSaleAccountId myfinanceSaleAccountName notifyCustomer applyNegativeUpdates createdAt
  issueNfse financialAccountId chargingAccountId financialChargeTemplateId
  services { id name description unitValue units value }
  scheduledUpdates {
    id invoiceRuleId executionDate monthQuantity priceIndex createdAt updatedAt initDate
    daysUntilUpdate remindAt notified serviceItemId invoiceTemplateId
  }
}
"""

INVOICE_TEMPLATES = (
    """
query InvoiceTemplates($organizationId: ID!, $type: InvoiceTemplateType) {
  invoiceTemplates(organizationId: $organizationId, type: $type) { ...InvoiceTemplateFields }
}
"""
    + INVOICE_TEMPLATE_FIELDS
)

INVOICE_TEMPLATE = (
    """
query InvoiceTemplate($organizationId: ID!, $id: ID!) {
  invoiceTemplate(organizationId: $organizationId, id: $id) { ...InvoiceTemplateFields }
}
"""
    + INVOICE_TEMPLATE_FIELDS
)

EMAIL_TEMPLATES = """
query EmailTemplates($organizationId: ID!) {
  emailTemplates(organizationId: $organizationId) {
    id companyId name cc from body subject description includeBillet includeNfsePdf
    includeNfseXml includeAttachments includeInvoicePdf defaultTemplate
    subscriptionDefaultTemplate createdAt
  }
}
"""

NFSE_TEMPLATES = """
query NfseTemplates($organizationId: ID!) {
  nfseTemplates(organizationId: $organizationId) {
    id companyId name codigoServicoMunicipal itemListaServico cnae
    servicoPrestadoMunicipioCliente issRetidoFonte aliquotaIss aliquotaIr aliquotaPis
    aliquotaCofins aliquotaCsll aliquotaInss aliquotaIssRetido retencoesDestacadasNota
    percentualCargaTributaria
    fonteCargaTributaria limiteRetencaoIr limiteRetencaoPcc limiteRetencaoInss
    limiteRetencaoIss createdAt updatedAt externalServiceId externalServiceDescription
  }
}
"""

CHARGE_TEMPLATE_FIELDS = """
fragment ChargeTemplateFields on ChargeTemplate {
  id name interestValue fineValue instructions organizationId financialAccountId
  chargingAccountId paymentMethod fineType interestType createdAt updatedAt
}
"""

CHARGE_TEMPLATES = (
    """
query ChargeTemplates($organizationId: ID!) {
  chargeTemplates(organizationId: $organizationId) { ...ChargeTemplateFields }
}
"""
    + CHARGE_TEMPLATE_FIELDS
)

CHARGE_TEMPLATE = (
    """
query ChargeTemplate($organizationId: ID!, $id: ID!) {
  chargeTemplate(organizationId: $organizationId, id: $id) { ...ChargeTemplateFields }
}
"""
    + CHARGE_TEMPLATE_FIELDS
)

FINANCIAL_ACCOUNT_FIELDS = """
fragment FinancialAccountFields on FinancialAccount {
  id status bankCode bankBranch bankAccount organizationId payoutBankCode payoutBankBranch
  payoutBankAccount paymentMethods acceptFixedFine createdAt updatedAt
}
"""

FINANCIAL_ACCOUNTS = (
    """
query FinancialAccounts($organizationId: ID!) {
  financialAccounts(organizationId: $organizationId) { ...FinancialAccountFields }
}
"""
    + FINANCIAL_ACCOUNT_FIELDS
)

FINANCIAL_ACCOUNT = (
    """
query FinancialAccount($organizationId: ID!, $id: ID!) {
  financialAccount(organizationId: $organizationId, id: $id) { ...FinancialAccountFields }
}
"""
    + FINANCIAL_ACCOUNT_FIELDS
)

NFSES = """
query Nfses($organizationId: ID!, $filter: NfseFilter, $first: Int, $after: String) {
  nfses(organizationId: $organizationId, filter: $filter, first: $first, after: $after) {
    edges {
      cursor
      node {
        id nfseNumber generatedAt value verificationCode cityNfseUrl status invoiceId
        customerType customerId createdAt updatedAt externalId servicoPrestadoMunicipioCliente
        issRetidoFonte percentualCargaTributaria cargaTributariaValue fonteCargaTributaria
        irValue pisValue cofinsValue csllValue inssValue retainedIssValue serviceProvidedCity
        serviceProvidedCityCode serviceProvidedState cancellationRequestedAt cancelledAt
        integrationErrors requestSent organizationId customerEmail issValue customerName
        customerCompanyName customerDocumentNumber customerCity customerCityIbgeCode
        customerState customerCityInscription customerStateInscription customerAddress
        customerNumber customerComplement customerDistrict customerZipcode organizationName
        organizationCompanyName organizationDocumentNumber organizationCity
        organizationCityIbgeCode organizationState organizationCityInscription
        organizationStateInscription organizationAddress organizationNumber
        organizationComplement organizationDistrict organizationZipcode
        organizationIsIncentivadorCultural organizationIsOptanteSimplesNacional rpsNumber
        rpsSerie nfseEnvironment accrualDate outrasValue servicoPrestadoMunicipioPrestador
        servicoPrestadoMunicipioCodigo pdfUrl xmlUrl
        nfseServiceItems {
          id description codigoServicoMunicipal itemListaServico externalServiceId cnae value
          aliquotaIss units nfseId createdAt updatedAt descricaoServicoMunicipal
        }
      }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalPages
  }
}
"""

# The README's example: what a screen setting up an invoice for organization 1 shows.
ORGANIZATION_SETUP = """
query OrganizationSetup($organizationId: ID!, $since: Date) {
  recurring: invoiceTemplates(organizationId: $organizationId, type: INVOICE_RULE) {
    id name grossValue monthQuantity services { id name value }
  }
  emailTemplates(organizationId: $organizationId) { id name subject }
  nfseTemplates(organizationId: $organizationId) { id name aliquotaIss }
  chargeTemplates(organizationId: $organizationId) { id name fineType interestType }
  financialAccounts(organizationId: $organizationId) { id bankCode status }
  nfses(organizationId: $organizationId, filter: {status: ISSUED, generatedAtFrom: $since},
        first: 10) {
    edges { node { id nfseNumber value status customerType customerId invoiceId } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
