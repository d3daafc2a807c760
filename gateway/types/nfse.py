"""NFS-e ("notas fiscais"): the service invoices an organization issued, as the paginated
search reports them, with what they were issued to and by at the time. The API only reads them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

import strawberry

from gateway.types.base import Mapped
from gateway.types.connection import PageInfo
from gateway.types.invoice import CustomerType
from gateway.types.wire import Form, rest

_PERCENT = rest(form=Form.QUANTITY)


@strawberry.type(description="One service line of an NFS-e.")
class NfseServiceItem(Mapped):
    id: strawberry.ID = strawberry.field(description="Service line id.")
    description: str | None = strawberry.field(
        default=None, description="Description of the service, as printed."
    )
    codigo_servico_municipal: str | None = strawberry.field(
        default=None, description="Municipal service code."
    )
    item_lista_servico: str | None = strawberry.field(
        default=None, description="Item of the federal service list (LC 116)."
    )
    external_service_id: strawberry.ID | None = strawberry.field(
        default=None, description="Service in the NFS-e issuer."
    )
    cnae: str | None = strawberry.field(default=None, description="CNAE activity code.")
    value: Decimal | None = strawberry.field(default=None, description="Amount of the line.")
    aliquota_iss: Decimal | None = strawberry.field(
        default=None, description="ISS rate, in percent.", metadata=_PERCENT
    )
    units: Decimal | None = strawberry.field(
        default=None, description="Quantity of units.", metadata=_PERCENT
    )
    nfse_id: strawberry.ID | None = strawberry.field(
        default=None, description="NFS-e the line belongs to."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the line was created."
    )
    updated_at: dt.datetime | None = strawberry.field(
        default=None, description="When the line last changed."
    )
    descricao_servico_municipal: str | None = strawberry.field(
        default=None, description="Municipal description of the service."
    )


@strawberry.type(description="A service invoice (NFS-e) an organization issued.")
class Nfse(Mapped):
    id: strawberry.ID = strawberry.field(description="NFS-e id.")
    nfse_number: str | None = strawberry.field(
        default=None, description="Number the city gave the NFS-e."
    )
    generated_at: dt.datetime | None = strawberry.field(
        default=None, description="When the NFS-e was issued."
    )
    value: Decimal | None = strawberry.field(default=None, description="Amount of the NFS-e.")
    verification_code: str | None = strawberry.field(
        default=None, description="Verification code the city gave the NFS-e."
    )
    city_nfse_url: str | None = strawberry.field(
        default=None, description="The NFS-e on the city's site."
    )
    status: str | None = strawberry.field(
        default=None,
        description="State of the NFS-e as the upstream labels it, in Portuguese: `Emitida`, "
        "`Cancelada`, `Cancelando`, `Erro no cancelamento` (see `NfseStatus` for filtering).",
    )
    invoice_id: strawberry.ID | None = strawberry.field(
        default=None, description="Invoice the NFS-e was issued for."
    )
    customer_type: CustomerType | None = strawberry.field(
        default=None, description="Whether the customer is a company or a person."
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Customer the NFS-e was issued to."
    )
    created_at: dt.datetime | None = strawberry.field(
        default=None, description="When the NFS-e was created."
    )
    updated_at: dt.datetime | None = strawberry.field(
        default=None, description="When the NFS-e last changed."
    )
    external_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Id of the NFS-e in the issuer (a UUID).",
        metadata=rest(form=Form.UUID),
    )
    servico_prestado_municipio_cliente: bool | None = strawberry.field(
        default=None, description="Whether the service was provided in the customer's city."
    )
    iss_retido_fonte: bool | None = strawberry.field(
        default=None, description="Whether ISS was withheld at source."
    )
    percentual_carga_tributaria: Decimal | None = strawberry.field(
        default=None, description="Approximate tax burden, in percent.", metadata=_PERCENT
    )
    carga_tributaria_value: Decimal | None = strawberry.field(
        default=None, description="Approximate tax burden."
    )
    fonte_carga_tributaria: str | None = strawberry.field(
        default=None, description="Source of that tax burden, e.g. `IBPT`."
    )
    ir_value: Decimal | None = strawberry.field(default=None, description="Income tax (IR).")
    pis_value: Decimal | None = strawberry.field(default=None, description="PIS.")
    cofins_value: Decimal | None = strawberry.field(default=None, description="COFINS.")
    csll_value: Decimal | None = strawberry.field(default=None, description="CSLL.")
    inss_value: Decimal | None = strawberry.field(default=None, description="INSS.")
    retained_iss_value: Decimal | None = strawberry.field(default=None, description="Withheld ISS.")
    service_provided_city: str | None = strawberry.field(
        default=None, description="City the service was provided in."
    )
    service_provided_city_code: str | None = strawberry.field(
        default=None, description="IBGE code of that city."
    )
    service_provided_state: str | None = strawberry.field(
        default=None, description="State of that city."
    )
    cancellation_requested_at: dt.datetime | None = strawberry.field(
        default=None, description="When its cancellation was requested."
    )
    cancelled_at: dt.datetime | None = strawberry.field(
        default=None, description="When it was cancelled."
    )
    integration_errors: str | None = strawberry.field(
        default=None, description="Errors the issuer reported (free text)."
    )
    request_sent: bool | None = strawberry.field(
        default=None,
        description="Whether the request went to the issuer (the documented example has null).",
    )
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="Organization that issued the NFS-e."
    )
    customer_email: str | None = strawberry.field(
        default=None, description="Customer's e-mail when issued."
    )
    iss_value: Decimal | None = strawberry.field(default=None, description="ISS.")
    customer_name: str | None = strawberry.field(
        default=None, description="Customer's name when issued."
    )
    customer_company_name: str | None = strawberry.field(
        default=None, description="Customer's legal name when issued."
    )
    customer_document_number: str | None = strawberry.field(
        default=None, description="Customer's CNPJ or CPF (digits) when issued."
    )
    customer_city: str | None = strawberry.field(
        default=None, description="Customer's city when issued."
    )
    customer_city_ibge_code: str | None = strawberry.field(
        default=None, description="IBGE code of the customer's city."
    )
    customer_state: str | None = strawberry.field(
        default=None, description="Customer's state when issued."
    )
    customer_city_inscription: str | None = strawberry.field(
        default=None, description="Customer's municipal registration."
    )
    customer_state_inscription: str | None = strawberry.field(
        default=None, description="Customer's state registration."
    )
    customer_address: str | None = strawberry.field(
        default=None, description="Customer's street when issued."
    )
    customer_number: str | None = strawberry.field(
        default=None, description="Customer's street number."
    )
    customer_complement: str | None = strawberry.field(
        default=None, description="Customer's address complement."
    )
    customer_district: str | None = strawberry.field(
        default=None, description="Customer's district."
    )
    customer_zipcode: str | None = strawberry.field(
        default=None, description="Customer's CEP (8 digits)."
    )
    organization_name: str | None = strawberry.field(
        default=None, description="Organization's trade name when issued."
    )
    organization_company_name: str | None = strawberry.field(
        default=None, description="Organization's legal name when issued."
    )
    organization_document_number: str | None = strawberry.field(
        default=None, description="Organization's CNPJ (digits)."
    )
    organization_city: str | None = strawberry.field(
        default=None, description="Organization's city."
    )
    organization_city_ibge_code: str | None = strawberry.field(
        default=None, description="IBGE code of the organization's city."
    )
    organization_state: str | None = strawberry.field(
        default=None, description="Organization's state."
    )
    organization_city_inscription: str | None = strawberry.field(
        default=None, description="Organization's municipal registration."
    )
    organization_state_inscription: str | None = strawberry.field(
        default=None, description="Organization's state registration."
    )
    organization_address: str | None = strawberry.field(
        default=None, description="Organization's street."
    )
    organization_number: str | None = strawberry.field(
        default=None, description="Organization's street number."
    )
    organization_complement: str | None = strawberry.field(
        default=None, description="Organization's address complement."
    )
    organization_district: str | None = strawberry.field(
        default=None, description="Organization's district."
    )
    organization_zipcode: str | None = strawberry.field(
        default=None, description="Organization's CEP (8 digits)."
    )
    organization_is_incentivador_cultural: bool | None = strawberry.field(
        default=None, description="Whether the organization is a registered culture sponsor."
    )
    organization_is_optante_simples_nacional: bool | None = strawberry.field(
        default=None, description="Whether the organization is taxed under Simples Nacional."
    )
    rps_number: int | None = strawberry.field(
        default=None, description="Number of the provisional receipt (RPS)."
    )
    rps_serie: str | None = strawberry.field(
        default=None, description="Series of the provisional receipt (RPS)."
    )
    nfse_environment: str | None = strawberry.field(
        default=None, description="Issuing environment, e.g. `Producao`."
    )
    accrual_date: dt.date | None = strawberry.field(
        default=None, description="Accrual date ('competência')."
    )
    outras_value: Decimal | None = strawberry.field(default=None, description="Other taxes.")
    servico_prestado_municipio_prestador: bool | None = strawberry.field(
        default=None, description="Whether the service was provided in the organization's city."
    )
    servico_prestado_municipio_codigo: str | None = strawberry.field(
        default=None, description="Code of the city the service was provided in."
    )
    pdf_url: str | None = strawberry.field(default=None, description="The NFS-e as PDF.")
    xml_url: str | None = strawberry.field(default=None, description="The NFS-e as XML.")
    nfse_service_items: list[NfseServiceItem] | None = strawberry.field(
        default=None, description="Service lines."
    )


@strawberry.enum(
    description="States an NFS-e search filters on; sent as the upstream's numeric codes."
)
class NfseStatus(Enum):
    ISSUED = strawberry.enum_value(1, description="Issued (`Emitida`, code 1).")
    CANCELLED = strawberry.enum_value(2, description="Cancelled (`Cancelada`, code 2).")
    CANCELLING = strawberry.enum_value(4, description="Being cancelled (`Cancelando`, code 4).")
    CANCELLATION_FAILED = strawberry.enum_value(
        6, description="Cancellation failed (`Erro no cancelamento`, code 6)."
    )


@strawberry.input(description="Criteria of an NFS-e search; every criterion given must hold.")
class NfseFilter:
    status: NfseStatus | None = strawberry.field(
        default=strawberry.UNSET, description="In this state.", metadata=rest("status_eq")
    )
    status_not: NfseStatus | None = strawberry.field(
        default=strawberry.UNSET,
        description="In any other state.",
        metadata=rest("status_not_eq"),
    )
    generated_at_from: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description="Issued on or after this day.",
        metadata=rest("generated_at_gteq", form=Form.DATE_DMY_SLASH),
    )
    generated_at_to: dt.date | None = strawberry.field(
        default=strawberry.UNSET,
        description="Issued on or before this day (the upstream is sent the day; how it "
        "compares a timestamp with it is not documented).",
        metadata=rest("generated_at_lteq", form=Form.DATE_DMY_SLASH),
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Issued to this customer.",
        metadata=rest("customer_id_eq"),
    )
    customer_type: CustomerType | None = strawberry.field(
        default=strawberry.UNSET,
        description="Issued to a customer of this kind.",
        metadata=rest("customer_type_eq"),
    )
    invoice_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Issued for this invoice.",
        metadata=rest("invoice_id_eq"),
    )
    nfse_number: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="With this number.",
        metadata=rest("nfse_number_eq"),
    )


@strawberry.type(description="One NFS-e of a search result, with its position.")
class NfseEdge:
    cursor: str = strawberry.field(
        description="Opaque position of this NFS-e; pass it as `after` to continue after it."
    )
    node: Nfse = strawberry.field(description="The NFS-e.")


@strawberry.type(description="One page of an NFS-e search.")
class NfseConnection:
    edges: list[NfseEdge] = strawberry.field(
        description="The NFS-e of this page, in the upstream's order, each at most once."
    )
    page_info: PageInfo = strawberry.field(description="Where this page sits in the result.")
    total_pages: int | None = strawberry.field(
        default=None,
        description="Number of pages of `first` NFS-e the result has, as the upstream reports "
        "it; null when it did not.",
    )
