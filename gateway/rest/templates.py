"""An organization's templates and financial accounts, as typed calls. The API only reads them.

Every read is one GET under `organizations/{organization_id}/`. What does not exist (an
unknown organization or id, a 404, an id that is not a number) is `None` or nothing.
"""

from __future__ import annotations

from typing import TypeVar

from gateway.rest.resource import Resource
from gateway.rest.session import UpstreamSession
from gateway.rest.writer import enum_value, integer_id
from gateway.types.base import Mapped
from gateway.types.charge_template import ChargeTemplate
from gateway.types.email_template import EmailTemplate
from gateway.types.financial_account import FinancialAccount
from gateway.types.invoice_template import InvoiceTemplate, InvoiceTemplateType
from gateway.types.nfse_template import NfseTemplate

M = TypeVar("M", bound=Mapped)

INVOICE_TEMPLATES = Resource(InvoiceTemplate, "invoice_template", "invoice_templates")
EMAIL_TEMPLATES = Resource(EmailTemplate, "email_template", "email_templates")
NFSE_TEMPLATES = Resource(NfseTemplate, "nfse_template", "nfse_templates")
CHARGE_TEMPLATES = Resource(ChargeTemplate, "charge_template", "charge_templates")
FINANCIAL_ACCOUNTS = Resource(FinancialAccount, "financial_account", "financial_accounts")


class TemplatesAPI:
    """The template and financial-account endpoints, through one request's upstream session."""

    def __init__(self, session: UpstreamSession) -> None:
        self._session = session

    async def invoice_templates(
        self, organization_id: str, type: InvoiceTemplateType | None = None
    ) -> list[InvoiceTemplate]:
        """`GET organizations/{id}/invoice_templates`, or its `search?type=` for the templates
        usable for one invoice or for invoice rules."""
        if type is None:
            return await self._list(INVOICE_TEMPLATES, organization_id)
        return await self._list(
            INVOICE_TEMPLATES, organization_id, "search", params={"type": enum_value(type)}
        )

    async def invoice_template(self, organization_id: str, id: str) -> InvoiceTemplate | None:
        """`GET organizations/{organization_id}/invoice_templates/{id}`."""
        return await self._get(INVOICE_TEMPLATES, organization_id, id)

    async def email_templates(self, organization_id: str) -> list[EmailTemplate]:
        """`GET organizations/{id}/email_templates`."""
        return await self._list(EMAIL_TEMPLATES, organization_id)

    async def nfse_templates(self, organization_id: str) -> list[NfseTemplate]:
        """`GET organizations/{id}/nfse_templates`."""
        return await self._list(NFSE_TEMPLATES, organization_id)

    async def charge_templates(self, organization_id: str) -> list[ChargeTemplate]:
        """`GET organizations/{id}/charge_templates`."""
        return await self._list(CHARGE_TEMPLATES, organization_id)

    async def charge_template(self, organization_id: str, id: str) -> ChargeTemplate | None:
        """`GET organizations/{organization_id}/charge_templates/{id}`."""
        return await self._get(CHARGE_TEMPLATES, organization_id, id)

    async def financial_accounts(self, organization_id: str) -> list[FinancialAccount]:
        """`GET organizations/{id}/financial_accounts`."""
        return await self._list(FINANCIAL_ACCOUNTS, organization_id)

    async def financial_account(self, organization_id: str, id: str) -> FinancialAccount | None:
        """`GET organizations/{organization_id}/financial_accounts/{id}`."""
        return await self._get(FINANCIAL_ACCOUNTS, organization_id, id)

    async def _list(
        self,
        resource: Resource[M],
        organization_id: str,
        *under: str,
        params: dict[str, str] | None = None,
    ) -> list[M]:
        try:
            path = _path(resource, organization_id, *under)
        except ValueError:
            return []  # Not an upstream id, so no organization's either.
        return await resource.list(self._session, path, params)

    async def _get(self, resource: Resource[M], organization_id: str, id: str) -> M | None:
        try:
            path = _path(resource, organization_id, str(integer_id(id)))
        except ValueError:
            return None
        return await resource.get(self._session, path)


def _path(resource: Resource[M], organization_id: str, *under: str) -> str:
    return "/".join(("organizations", str(integer_id(organization_id)), resource.plural, *under))
