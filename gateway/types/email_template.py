"""E-mail templates ("notificações"): the notifications an organization sends its customers.
The API only reads them."""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway.types.base import Mapped
from gateway.types.wire import rest


@strawberry.type(description="A notification e-mail template of an organization.")
class EmailTemplate(Mapped):
    id: strawberry.ID = strawberry.field(
        description="E-mail template id; invoices, rules and templates refer to it as "
        "`automaticEmailTemplateId`."
    )
    company_id: strawberry.ID | None = strawberry.field(
        default=None, description="Organization the template belongs to."
    )
    name: str | None = strawberry.field(default=None, description="Name of the template.")
    cc: str | None = strawberry.field(default=None, description="Copy recipients.")
    from_: str | None = strawberry.field(
        default=None, name="from", description="Sender address.", metadata=rest("from")
    )
    body: str | None = strawberry.field(
        default=None,
        description="Body of the e-mail, with placeholders such as `$NUMERO` and `$VALOR_BRUTO`.",
    )
    subject: str | None = strawberry.field(default=None, description="Subject line.")
    description: str | None = strawberry.field(default=None, description="Description.")
    include_billet: bool | None = strawberry.field(
        default=None, description="Whether the bank slip (boleto) is attached."
    )
    include_nfse_pdf: bool | None = strawberry.field(
        default=None, description="Whether the NFS-e PDF is attached."
    )
    include_nfse_xml: bool | None = strawberry.field(
        default=None, description="Whether the NFS-e XML is attached."
    )
    include_attachments: bool | None = strawberry.field(
        default=None, description="Whether the invoice's attachments are attached."
    )
    include_invoice_pdf: bool | None = strawberry.field(
        default=None, description="Whether the invoice PDF is attached."
    )
    default_template: bool | None = strawberry.field(
        default=None, description="Whether it is the organization's default template."
    )
    subscription_default_template: bool | None = strawberry.field(
        default=None, description="Whether it is the default template for subscriptions."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the template was created."
    )
