"""What the types' link fields need of the request: the `Links` the context provides.

The link fields (`Invoice.contract`, `Contract.customer`, `Organization.contracts`...) are
declared on the types, beside the fields they follow, but how a link is fetched belongs to the
REST layer above them (`gateway.rest.graph`). So the types state what they need as this
protocol, and the request's context hands over the object that does it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol, cast

import strawberry

if TYPE_CHECKING:
    from gateway.types.charge_template import ChargeTemplate
    from gateway.types.company import Company
    from gateway.types.contract import Contract
    from gateway.types.email_template import EmailTemplate
    from gateway.types.financial_account import FinancialAccount
    from gateway.types.invoice import Invoice, InvoiceConnection, InvoiceFilter
    from gateway.types.invoice_rule import InvoiceRule
    from gateway.types.invoice_template import InvoiceTemplate, InvoiceTemplateType
    from gateway.types.nfse import NfseConnection, NfseFilter
    from gateway.types.nfse_template import NfseTemplate
    from gateway.types.organization import Organization
    from gateway.types.party import PartyType
    from gateway.types.person import Person
    from gateway.types.receivable import Receivable, ReceivableState


class Links(Protocol):
    async def party(
        self, type: PartyType | None, id: str | None
    ) -> Company | Person | Organization | None: ...

    async def contract(
        self, contract_id: str | None, *, organization_id: str | None = None
    ) -> Contract | None: ...

    async def contract_invoices(
        self, contract: Contract, filter: InvoiceFilter | None, first: int | None, after: str | None
    ) -> InvoiceConnection: ...

    async def contract_invoice_rules(self, contract: Contract) -> list[InvoiceRule]: ...

    async def contract_receivables(
        self,
        contract: Contract,
        due_date_from: dt.date | None,
        due_date_to: dt.date | None,
        state: ReceivableState | None,
    ) -> list[Receivable]: ...

    async def contract_late_invoices(self, contract: Contract) -> list[Invoice]: ...

    async def organization_contracts(self, organization: Organization) -> list[Contract]: ...

    async def organization_invoices(
        self,
        organization: Organization,
        filter: InvoiceFilter | None,
        first: int | None,
        after: str | None,
    ) -> InvoiceConnection: ...

    async def invoice_templates(
        self, organization: Organization, type: InvoiceTemplateType | None
    ) -> list[InvoiceTemplate]: ...

    async def email_templates(self, organization: Organization) -> list[EmailTemplate]: ...

    async def nfse_templates(self, organization: Organization) -> list[NfseTemplate]: ...

    async def charge_templates(self, organization: Organization) -> list[ChargeTemplate]: ...

    async def financial_accounts(self, organization: Organization) -> list[FinancialAccount]: ...

    async def nfses(
        self,
        organization: Organization,
        filter: NfseFilter | None,
        first: int | None,
        after: str | None,
    ) -> NfseConnection: ...


def links(info: strawberry.Info) -> Links:
    """The request's links (`Context.links`)."""
    return cast("Links", info.context.links)
