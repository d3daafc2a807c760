"""How the resources link, resolved over one request's session.

The REST API has no batch endpoints, so every link is one GET per distinct object at most:
the session's read loader makes each distinct read once per request and sends the reads of
one tick concurrently. The upstream's asymmetries are settled here:

- A contract can only be read under an organization. Where the organization is known (the
  invoice came from that organization's search, or the contract says it: the supplier of a
  sale, the customer of a purchase) it is one read; otherwise the account's organizations
  (one read, shared by the request) are each asked concurrently, and the one that has it wins.
- A `"Company"` id may be an organization: `GET companies/{id}` answers 404 for one, and
  there is no `GET organizations/{id}`, so it is then found in the organizations list.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

from gateway.rest.companies import CompaniesAPI
from gateway.rest.contracts import ContractsAPI
from gateway.rest.invoice_rules import InvoiceRulesAPI
from gateway.rest.invoices import InvoicesAPI
from gateway.rest.nfses import NfsesAPI
from gateway.rest.organizations import OrganizationsAPI
from gateway.rest.people import PeopleAPI
from gateway.rest.receivables import ReceivablesAPI
from gateway.rest.session import UpstreamSession
from gateway.rest.templates import TemplatesAPI
from gateway.types.charge_template import ChargeTemplate
from gateway.types.company import Company
from gateway.types.contract import Contract, ContractKind
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


class Graph:
    """The links of one request (`gateway.types.links.Links`). Reads answer `None` or
    nothing for what does not exist."""

    def __init__(self, session: UpstreamSession) -> None:
        self._organizations = OrganizationsAPI(session)
        self._companies = CompaniesAPI(session)
        self._people = PeopleAPI(session)
        self._contracts = ContractsAPI(session)
        self._invoices = InvoicesAPI(session)
        self._receivables = ReceivablesAPI(session)
        self._rules = InvoiceRulesAPI(session)
        self._templates = TemplatesAPI(session)
        self._nfses = NfsesAPI(session)

    async def party(
        self, type: PartyType | None, id: str | None
    ) -> Company | Person | Organization | None:
        """`GET people/{id}`, or `GET companies/{id}` and, on a 404, `GET organizations`."""
        if id is None or type is None:
            return None
        if type is PartyType.PERSON:
            return await self._people.get(id)
        company = await self._companies.get(id)
        if company is not None:
            return company
        return await self._organizations.get(id)

    async def contract(
        self, contract_id: str | None, *, organization_id: str | None = None
    ) -> Contract | None:
        """`GET organizations/{organization_id}/contracts/{id}`; without the organization,
        under each of the account's organizations at once."""
        if contract_id is None:
            return None
        if organization_id is not None:
            return await self._contracts.get(organization_id, contract_id)
        organizations = await self._organizations.list()
        found = await asyncio.gather(
            *(self._contracts.get(o.id, contract_id) for o in organizations)
        )
        return next((contract for contract in found if contract is not None), None)

    async def contract_invoices(
        self, contract: Contract, filter: InvoiceFilter | None, first: int | None, after: str | None
    ) -> InvoiceConnection:
        """The organization's invoice search, narrowed to the contract."""
        narrowed = dataclasses.replace(filter or InvoiceFilter(), contract_id=contract.id)
        # A contract naming no organization has no invoices to find: "" is no organization id.
        organization_id = organization_of(contract) or ""
        return await self._invoices.search(organization_id, narrowed, first=first, after=after)

    async def contract_invoice_rules(self, contract: Contract) -> list[InvoiceRule]:
        return await self._rules.list(contract.id)

    async def contract_receivables(
        self,
        contract: Contract,
        due_date_from: dt.date | None,
        due_date_to: dt.date | None,
        state: ReceivableState | None,
    ) -> list[Receivable]:
        return await self._receivables.search(
            contract.id, due_date_from=due_date_from, due_date_to=due_date_to, state=state
        )

    async def contract_late_invoices(self, contract: Contract) -> list[Invoice]:
        return await self._invoices.late(contract.id)

    async def organization_contracts(self, organization: Organization) -> list[Contract]:
        return await self._contracts.of_organization(organization.id)

    async def organization_invoices(
        self,
        organization: Organization,
        filter: InvoiceFilter | None,
        first: int | None,
        after: str | None,
    ) -> InvoiceConnection:
        return await self._invoices.search(organization.id, filter, first=first, after=after)

    async def invoice_templates(
        self, organization: Organization, type: InvoiceTemplateType | None
    ) -> list[InvoiceTemplate]:
        return await self._templates.invoice_templates(organization.id, type)

    async def email_templates(self, organization: Organization) -> list[EmailTemplate]:
        return await self._templates.email_templates(organization.id)

    async def nfse_templates(self, organization: Organization) -> list[NfseTemplate]:
        return await self._templates.nfse_templates(organization.id)

    async def charge_templates(self, organization: Organization) -> list[ChargeTemplate]:
        return await self._templates.charge_templates(organization.id)

    async def financial_accounts(self, organization: Organization) -> list[FinancialAccount]:
        return await self._templates.financial_accounts(organization.id)

    async def nfses(
        self,
        organization: Organization,
        filter: NfseFilter | None,
        first: int | None,
        after: str | None,
    ) -> NfseConnection:
        return await self._nfses.search(organization.id, filter, first=first, after=after)


def organization_of(contract: Contract) -> str | None:
    """The organization a contract is read under: it supplies a sale (the default kind) and
    buys under a purchase."""
    if contract.kind is ContractKind.PURCHASE:
        return None if contract.customer_id is None else str(contract.customer_id)
    return None if contract.supplier_id is None else str(contract.supplier_id)
