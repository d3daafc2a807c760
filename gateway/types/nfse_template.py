"""NFS-e templates ("modelos de nota fiscal"): the tax settings an organization issues its
service invoices with. The API only reads them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from gateway.types.base import Mapped
from gateway.types.wire import Form, rest

_RATE = rest(form=Form.QUANTITY)


@strawberry.type(description="The tax settings of an organization's service invoices (NFS-e).")
class NfseTemplate(Mapped):
    id: strawberry.ID = strawberry.field(
        description="NFS-e template id; invoices and rules refer to it as `nfseTemplateId`."
    )
    company_id: strawberry.ID | None = strawberry.field(
        default=None, description="Organization the template belongs to."
    )
    name: str | None = strawberry.field(default=None, description="Name of the template.")
    codigo_servico_municipal: str | None = strawberry.field(
        default=None, description="Municipal service code, e.g. `010501`."
    )
    item_lista_servico: str | None = strawberry.field(
        default=None,
        description="Item of the federal service list (LC 116), e.g. `0105` or `01.05`.",
    )
    cnae: str | None = strawberry.field(default=None, description="CNAE activity code.")
    servico_prestado_municipio_cliente: bool | None = strawberry.field(
        default=None, description="Whether the service is provided in the customer's city."
    )
    iss_retido_fonte: bool | None = strawberry.field(
        default=None, description="Whether ISS is withheld at source."
    )
    aliquota_iss: Decimal | None = strawberry.field(
        default=None, description="ISS rate, in percent.", metadata=_RATE
    )
    aliquota_ir: Decimal | None = strawberry.field(
        default=None, description="Income tax (IR) rate, in percent.", metadata=_RATE
    )
    aliquota_pis: Decimal | None = strawberry.field(
        default=None, description="PIS rate, in percent.", metadata=_RATE
    )
    aliquota_cofins: Decimal | None = strawberry.field(
        default=None, description="COFINS rate, in percent.", metadata=_RATE
    )
    aliquota_csll: Decimal | None = strawberry.field(
        default=None, description="CSLL rate, in percent.", metadata=_RATE
    )
    aliquota_inss: Decimal | None = strawberry.field(
        default=None, description="INSS rate, in percent.", metadata=_RATE
    )
    aliquota_iss_retido: Decimal | None = strawberry.field(
        default=None, description="Withheld ISS rate, in percent.", metadata=_RATE
    )
    retencoes_destacadas_nota: list[str] | None = strawberry.field(
        default=None,
        description="Withholdings printed on the invoice, among `IR`, `PIS`, `COFINS`, `CSLL`, "
        "`INSS` and `ISS`.",
    )
    percentual_carga_tributaria: Decimal | None = strawberry.field(
        default=None,
        description="Approximate tax burden shown on the invoice, in percent.",
        metadata=_RATE,
    )
    fonte_carga_tributaria: str | None = strawberry.field(
        default=None, description="Source of that tax burden, e.g. `IBPT`."
    )
    limite_retencao_ir: Decimal | None = strawberry.field(
        default=None, description="Amount from which income tax (IR) is withheld."
    )
    limite_retencao_pcc: Decimal | None = strawberry.field(
        default=None, description="Amount from which PIS, COFINS and CSLL are withheld."
    )
    limite_retencao_inss: Decimal | None = strawberry.field(
        default=None, description="Amount from which INSS is withheld."
    )
    limite_retencao_iss: Decimal | None = strawberry.field(
        default=None, description="Amount from which ISS is withheld."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the template was created."
    )
    updated_at: dt.datetime | None = strawberry.field(
        default=None, description="When the template last changed."
    )
    external_service_id: strawberry.ID | None = strawberry.field(
        default=None, description="Service in the NFS-e issuer."
    )
    external_service_description: str | None = strawberry.field(
        default=None, description="Description of that service."
    )
