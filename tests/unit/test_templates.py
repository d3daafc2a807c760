"""The template and financial-account queries through the whole gateway, upstream mocked.

Each pins the exact REST request and how the documented answer (examples/fixtures, copied from
the upstream's documentation) reaches the client. Two of those examples are not valid JSON
upstream (the charge-template list misses a comma after `charging_account_id`, the
financial-account list has a trailing comma): the fixtures hold them corrected, and are read
here like the others. The failures every query shares are in test_templates_failures.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLObjectType

from examples.seed import load_fixture
from examples.templates import (
    CHARGE_TEMPLATE,
    CHARGE_TEMPLATES,
    EMAIL_TEMPLATES,
    FINANCIAL_ACCOUNT,
    FINANCIAL_ACCOUNTS,
    INVOICE_TEMPLATE,
    INVOICE_TEMPLATES,
    NFSE_TEMPLATES,
)
from gateway.schema import schema
from tests.support.gateway import Gateway, answer, gateway_with

TOKEN = "Token token=client-secret-123"

TEMPLATE_14 = {
    "id": "14",
    "name": "Modelo completo",
    "grossValue": "64.28",
    "monthQuantity": 12,
    "periodUnit": "MONTHLY",
    "managementType": "AUTOMATIC",
    "automaticEmailTemplateId": "1",
    "notificationRulerId": "57",
    "accrualMonthQuantity": "PREVIOUS_MONTH",
    "description": "teste",
    "receivablesAdditionalInformation": {
        "chargeType": "FIXED_DAY_AND_MONTH_QUANTITY",
        "dayNumber": 12,
        "dayQuantity": None,
        "monthQuantity": 3,
        "parcelNumber": 4,
        "onlyBusinessDays": None,
        "moveDueDateToBusinessDay": None,
        "createParcels": True,
        "fixedWeekDay": True,
        "weekDay": 1,
    },
    "emitesServiceValuesId": "65",
    "emitesServiceValueName": "Aluguel de software com retenção de ISS",
    "daysUntilAutomaticNfeEmission": 7,
    "nfeBody": "$DESCRICAO",
    "paymentMethod": "PAYMENT_GATEWAY",
    "cardInstallments": 12,
    "cobratoChargeConfigId": "137",
    "cobratoChargeConfigName": "Teste Cartão",
    "cobratoChargeTemplateId": None,
    "cobratoChargeTemplateName": None,
    "financeCategory": None,
    "financeRevenueCenter": None,
    "myfinanceSaleAccountId": "36",
    "myfinanceSaleAccountName": "Cielo",
    "notifyCustomer": True,
    "applyNegativeUpdates": True,
    "createdAt": "2018-12-14T16:54:47-02:00",
    "issueNfse": True,
    "financialAccountId": None,
    "chargingAccountId": None,
    "financialChargeTemplateId": None,
    "services": [
        {
            "id": "11210",
            "name": "Serviço 1",
            "description": None,
            "unitValue": "5.75",
            "units": "2.5",
            "value": "14.38",
        },
        {
            "id": "11209",
            "name": "App",
            "description": None,
            "unitValue": "49.90",
            "units": "1",
            "value": "49.90",
        },
    ],
    "scheduledUpdates": [
        {
            "id": "475",
            "invoiceRuleId": None,
            "executionDate": None,
            "monthQuantity": 12,
            "priceIndex": "IGPM",
            "createdAt": "2018-12-19T16:37:21.573000-02:00",
            "updatedAt": "2018-12-19T16:51:16.715000-02:00",
            "initDate": None,
            "daysUntilUpdate": None,
            "remindAt": None,
            "notified": False,
            "serviceItemId": "1",
            "invoiceTemplateId": "14",
        },
        {
            "id": "481",
            "invoiceRuleId": None,
            "executionDate": None,
            "monthQuantity": None,
            "priceIndex": "IGPDI",
            "createdAt": "2018-12-19T16:51:16.718000-02:00",
            "updatedAt": "2018-12-19T16:51:16.718000-02:00",
            "initDate": None,
            "daysUntilUpdate": 7,
            "remindAt": None,
            "notified": False,
            "serviceItemId": "11",
            "invoiceTemplateId": "14",
        },
    ],
}

CHARGE_TEMPLATE_16 = {
    "id": "16",
    "name": "Teste 3",
    "interestValue": "0",
    "fineValue": "0.00",
    "instructions": None,
    "organizationId": "123",
    "financialAccountId": "1",
    "chargingAccountId": None,
    "paymentMethod": "BOLETO",
    "fineType": "WITHOUT",
    "interestType": "WITHOUT",
    "createdAt": "2021-03-01T20:48:07.614000-03:00",
    "updatedAt": "2021-03-01T20:48:07.614000-03:00",
}

FINANCIAL_ACCOUNT_1 = {
    "id": "1",
    "status": "processing",
    "bankCode": "341",
    "bankBranch": "4644",
    "bankAccount": "095210",
    "organizationId": "123",
    "payoutBankCode": "001",
    "payoutBankBranch": "4444",
    "payoutBankAccount": "111111",
    "paymentMethods": ["boleto"],
    "acceptFixedFine": False,
    "createdAt": "2021-02-17T12:06:36.250000-03:00",
    "updatedAt": "2021-02-24T15:11:46.766000-03:00",
}


def read(fixture: str, document: str, variables: dict[str, Any]) -> tuple[Any, Gateway]:
    with gateway_with(answer(200, load_fixture(fixture))) as gateway:
        result = gateway.graphql(document, variables, Authorization=TOKEN)
    return result, gateway


def only_get(gateway: Gateway) -> tuple[str, bytes]:
    (sent,) = gateway.sent
    assert sent.method == "GET"
    assert sent.headers["authorization"] == TOKEN
    assert sent.content == b""
    return sent.url.path, sent.url.query


def test_invoice_template_reads_one_template_with_its_services_and_scheduled_updates() -> None:
    result, gateway = read(
        "invoice_template_show.response.json", INVOICE_TEMPLATE, {"organizationId": "1", "id": "14"}
    )
    assert only_get(gateway) == ("/api/v1/organizations/1/invoice_templates/14", b"")
    assert result == {"_status": 200, "data": {"invoiceTemplate": TEMPLATE_14}}


def test_invoice_templates_lists_them_and_an_unknown_payment_method_costs_only_its_field() -> None:
    result, gateway = read(
        "invoice_template_list.response.json", INVOICE_TEMPLATES, {"organizationId": "1"}
    )
    assert only_get(gateway) == ("/api/v1/organizations/1/invoice_templates", b"")
    first, second = result["data"]["invoiceTemplates"]
    assert first["id"] == "3"
    assert first["grossValue"] == "500.00"
    assert first["accrualMonthQuantity"] == "SAME_MONTH"
    assert first["receivablesAdditionalInformation"] == {
        "chargeType": "DAY_QUANTITY",
        "dayNumber": None,
        "dayQuantity": None,
        "monthQuantity": None,
        "parcelNumber": None,
        "onlyBusinessDays": True,
        "moveDueDateToBusinessDay": False,
        "createParcels": True,
        "fixedWeekDay": None,
        "weekDay": None,
    }
    assert first["services"] == [
        {
            "id": "11198",
            "name": "Serviço 1",
            "description": None,
            "unitValue": "250.00",
            "units": "2",
            "value": "500.00",
        }
    ]
    assert first["scheduledUpdates"] == []
    # The documented list shows "pjbank", outside the documented payment methods.
    assert second["paymentMethod"] is None
    assert (second["financialAccountId"], second["financialChargeTemplateId"]) == ("123", "321")
    (error,) = result["errors"]
    assert error["path"] == ["invoiceTemplates", 1, "paymentMethod"]
    assert error["extensions"]["code"] == "UPSTREAM_INVALID_VALUE"
    assert "'pjbank'" in error["message"]


@pytest.mark.parametrize(
    ("type_", "value"), [("INVOICE", "invoice"), ("INVOICE_RULE", "invoice_rule")]
)
def test_invoice_templates_of_a_type_are_the_template_search(type_: str, value: str) -> None:
    result, gateway = read(
        "invoice_template_search.response.json",
        INVOICE_TEMPLATES,
        {"organizationId": "1", "type": type_},
    )
    assert only_get(gateway) == (
        "/api/v1/organizations/1/invoice_templates/search",
        f"type={value}".encode(),
    )
    first, second = result["data"]["invoiceTemplates"]
    assert first["receivablesAdditionalInformation"]["fixedWeekDay"] is True
    assert first["receivablesAdditionalInformation"]["weekDay"] == 1
    assert second["scheduledUpdates"][0]["createdAt"] == "2022-05-25T16:37:21.573000-02:00"


def test_email_templates_read_from_and_the_empty_texts_as_null() -> None:
    result, gateway = read(
        "email_template_list.response.json", EMAIL_TEMPLATES, {"organizationId": "2115"}
    )
    assert only_get(gateway) == ("/api/v1/organizations/2115/email_templates", b"")
    assert result["data"]["emailTemplates"] == [
        {
            "id": "3",
            "companyId": "1",
            "name": "Notificação de Teste",
            "cc": None,
            "from": None,
            "body": "Foo Bar Zaz",
            "subject": "Notificação de Teste",
            "description": "Descrição",
            "includeBillet": True,
            "includeNfsePdf": False,
            "includeNfseXml": False,
            "includeAttachments": False,
            "includeInvoicePdf": False,
            "defaultTemplate": False,
            "subscriptionDefaultTemplate": False,
            "createdAt": "2019-02-11T09:30:44-03:00",
        },
        {
            "id": "2",
            "companyId": "1",
            "name": "Notificação padrão para assinaturas",
            "cc": None,
            "from": None,
            "body": "Prezado Cliente",
            "subject": "Assinatura do plano $PLANO",
            "description": "Notifica o cliente sobre cobrança em assinatura.",
            "includeBillet": True,
            "includeNfsePdf": False,
            "includeNfseXml": False,
            "includeAttachments": False,
            "includeInvoicePdf": False,
            "defaultTemplate": False,
            "subscriptionDefaultTemplate": True,
            "createdAt": "2019-02-11T09:03:28-03:00",
        },
    ]


def test_nfse_templates_read_rates_as_percentages_and_limits_as_amounts() -> None:
    result, gateway = read(
        "nfse_template_list.response.json", NFSE_TEMPLATES, {"organizationId": "2115"}
    )
    assert only_get(gateway) == ("/api/v1/organizations/2115/nfse_templates", b"")
    first, second = result["data"]["nfseTemplates"]
    assert first == {
        "id": "6",
        "companyId": "2115",
        "name": "Exemplo de Modelo de Nota Fiscal",
        "codigoServicoMunicipal": "010501",
        "itemListaServico": "0105",
        "cnae": "6201501",
        "servicoPrestadoMunicipioCliente": False,
        "issRetidoFonte": False,
        "aliquotaIss": "5",
        "aliquotaIr": "1.5",
        "aliquotaPis": "0.65",
        "aliquotaCofins": "3",
        "aliquotaCsll": "1",
        "aliquotaInss": "10",
        "aliquotaIssRetido": "5",
        "retencoesDestacadasNota": ["IR", "PIS", "COFINS", "CSLL", "INSS", "ISS"],
        "percentualCargaTributaria": "13.15",
        "fonteCargaTributaria": "IBPT",
        "limiteRetencaoIr": "666.67",
        "limiteRetencaoPcc": "215.06",
        "limiteRetencaoInss": "1000.00",
        "limiteRetencaoIss": "500.00",
        "createdAt": "2020-11-25T14:29:02.532000-03:00",
        "updatedAt": "2020-11-30T16:27:15.929000-03:00",
        "externalServiceId": None,
        "externalServiceDescription": None,
    }
    assert (second["itemListaServico"], second["cnae"], second["aliquotaIss"]) == (
        "01.05",
        None,
        None,
    )
    assert second["percentualCargaTributaria"] == "0"
    assert second["retencoesDestacadasNota"] == []


def test_charge_templates_read_the_corrected_list_the_second_with_its_charging_account() -> None:
    result, gateway = read(
        "charge_template_list.response.json", CHARGE_TEMPLATES, {"organizationId": "123"}
    )
    assert only_get(gateway) == ("/api/v1/organizations/123/charge_templates", b"")
    assert result["data"]["chargeTemplates"] == [
        CHARGE_TEMPLATE_16,
        {
            "id": "18",
            "name": "Teste 5",
            "interestValue": "0",
            "fineValue": "10.00",
            "instructions": None,
            "organizationId": "123",
            "financialAccountId": None,
            "chargingAccountId": "52aaaaaa-51ee-41dd-af55-cd0000000000",
            "paymentMethod": "BOLETO",
            "fineType": "FIXED",
            "interestType": "PERCENTAGE",
            "createdAt": "2021-03-01T20:48:22.921000-03:00",
            "updatedAt": "2021-03-01T20:48:22.921000-03:00",
        },
    ]


def test_charge_template_reads_one() -> None:
    result, gateway = read(
        "charge_template_show.response.json",
        CHARGE_TEMPLATE,
        {"organizationId": "123", "id": "16"},
    )
    assert only_get(gateway) == ("/api/v1/organizations/123/charge_templates/16", b"")
    assert result == {"_status": 200, "data": {"chargeTemplate": CHARGE_TEMPLATE_16}}


def test_financial_accounts_read_the_corrected_list() -> None:
    result, gateway = read(
        "financial_account_list.response.json", FINANCIAL_ACCOUNTS, {"organizationId": "123"}
    )
    assert only_get(gateway) == ("/api/v1/organizations/123/financial_accounts", b"")
    listed = {**FINANCIAL_ACCOUNT_1, "paymentMethods": []}
    assert result == {"_status": 200, "data": {"financialAccounts": [listed]}}


def test_financial_account_reads_one() -> None:
    result, gateway = read(
        "financial_account_show.response.json",
        FINANCIAL_ACCOUNT,
        {"organizationId": "123", "id": "1"},
    )
    assert only_get(gateway) == ("/api/v1/organizations/123/financial_accounts/1", b"")
    assert result == {"_status": 200, "data": {"financialAccount": FINANCIAL_ACCOUNT_1}}


SHOWS = [
    pytest.param(INVOICE_TEMPLATE, "invoiceTemplate", id="invoiceTemplate"),
    pytest.param(CHARGE_TEMPLATE, "chargeTemplate", id="chargeTemplate"),
    pytest.param(FINANCIAL_ACCOUNT, "financialAccount", id="financialAccount"),
]
LISTS = [
    pytest.param(INVOICE_TEMPLATES, "invoiceTemplates", id="invoiceTemplates"),
    pytest.param(EMAIL_TEMPLATES, "emailTemplates", id="emailTemplates"),
    pytest.param(NFSE_TEMPLATES, "nfseTemplates", id="nfseTemplates"),
    pytest.param(CHARGE_TEMPLATES, "chargeTemplates", id="chargeTemplates"),
    pytest.param(FINANCIAL_ACCOUNTS, "financialAccounts", id="financialAccounts"),
]


@pytest.mark.parametrize(("document", "field"), SHOWS)
@pytest.mark.parametrize(
    "variables",
    [{"organizationId": "x1", "id": "1"}, {"organizationId": "1", "id": "1x"}],
    ids=["organization", "id"],
)
def test_an_id_that_is_not_a_number_is_nothing_without_calling(
    document: str, field: str, variables: dict[str, str]
) -> None:
    with gateway_with(answer(500, b"")) as gateway:
        result = gateway.graphql(document, variables)
    assert gateway.sent == []
    assert result == {"_status": 200, "data": {field: None}}


@pytest.mark.parametrize(("document", "field"), LISTS)
def test_an_organization_id_that_is_not_a_number_is_an_empty_list_without_calling(
    document: str, field: str
) -> None:
    with gateway_with(answer(500, b"")) as gateway:
        result = gateway.graphql(document, {"organizationId": "one"})
    assert gateway.sent == []
    assert result == {"_status": 200, "data": {field: []}}


@pytest.mark.parametrize(
    ("fixture", "key", "type_name"),
    [
        ("invoice_template_show.response.json", "invoice_template", "InvoiceTemplate"),
        ("invoice_template_list.response.json", "invoice_templates", "InvoiceTemplate"),
        ("invoice_template_search.response.json", "invoice_templates", "InvoiceTemplate"),
        ("email_template_list.response.json", "email_templates", "EmailTemplate"),
        ("nfse_template_list.response.json", "nfse_templates", "NfseTemplate"),
        ("charge_template_list.response.json", "charge_templates", "ChargeTemplate"),
        ("charge_template_show.response.json", "charge_template", "ChargeTemplate"),
        ("financial_account_list.response.json", "financial_accounts", "FinancialAccount"),
        ("financial_account_show.response.json", "financial_account", "FinancialAccount"),
        ("nfse_search.response.json", "nfses", "Nfse"),
    ],
)
def test_every_documented_field_is_a_field_of_its_type(
    fixture: str, key: str, type_name: str
) -> None:
    found = load_fixture(fixture)[key]
    for item in found if isinstance(found, list) else [found]:
        assert _missing_fields(item, type_name) == set()


def _missing_fields(item: dict[str, Any], type_name: str) -> set[str]:
    type_ = schema._schema.type_map[type_name]
    assert isinstance(type_, GraphQLObjectType)
    missing = {_camel(key) for key in item} - set(type_.fields)
    for key, value in item.items():
        nested = type_.fields.get(_camel(key))
        if nested is not None and value and isinstance(value, (dict, list)):
            inner = value[0] if isinstance(value, list) else value
            if isinstance(inner, dict):
                named = nested.type
                while hasattr(named, "of_type"):
                    named = named.of_type
                missing |= _missing_fields(inner, named.name)
    return missing


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
