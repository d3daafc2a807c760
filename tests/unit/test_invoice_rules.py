"""The invoice rule queries and mutations through the whole gateway, upstream mocked.

Each pins the exact REST request and how the documented answers (examples/fixtures/
invoice_rule_*.json, from the upstream's docs and traffic) reach the client, and maps every
recorded error shape (dotted, string-valued) to user errors with GraphQL paths.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest

from examples.contracts import (
    CREATE_INVOICE_RULE,
    DELETE_INVOICE_RULE,
    INVOICE_RULES,
    UPDATE_INVOICE_RULE,
)
from examples.seed import load_fixture
from tests.support.gateway import answer, gateway_with

TOKEN = "Token token=client-secret-123"

# docs:invoices_rules/_invrule_cria_com_template.md's answer, as a client reads it. The
# invoice fields a rule carries always empty are not in the type.
EXPECTED_RULE: dict[str, Any] = {
    "id": "6955",
    "contractId": "255",
    "grossValue": "95.00",
    "paymentValue": "95.00",
    "description": "teste",
    "state": "TO_EMIT",
    "nfeBody": "$DESCRICAO",
    "createdAt": "2018-12-20T13:45:05-02:00",
    "managementType": "MANUAL",
    "customerId": "16",
    "customerType": "PERSON",
    "emitesServiceValuesId": None,
    "emitesServiceValueName": None,
    "financeCategory": None,
    "financeRevenueCenter": None,
    "myfinanceSaleAccountId": None,
    "myfinanceSaleAccountName": None,
    "cobratoChargeConfigId": None,
    "cobratoChargeConfigName": None,
    "cobratoChargeTemplateId": None,
    "cobratoChargeTemplateName": None,
    "daysUntilAutomaticNfeEmission": 0,
    "automaticEmailTemplateId": None,
    "approvalStatus": "APPROVED",
    "notificationRulerId": None,
    "notifyCustomer": False,
    "applyNegativeUpdates": True,
    "issueNfse": True,
    "nfseTemplateId": None,
    "financeCategoryId": None,
    "financeRevenueCenterId": None,
    "services": [
        {
            "id": "11563",
            "name": "Serviço 1",
            "description": None,
            "unitValue": "45.00",
            "units": "1",
            "value": "45.00",
        },
        {
            "id": "11564",
            "name": "Serviço 7",
            "description": None,
            "unitValue": "50.00",
            "units": "1",
            "value": "50.00",
        },
    ],
    "paymentInformation": {
        "id": "7210",
        "paymentMethod": "BILLET",
        "cobratoCardId": None,
        "cardExpirationMonth": None,
        "cardExpirationYear": None,
        "installments": None,
        "financialChargeTemplateId": "2",
        "financialAccountId": "51",
        "createdAt": "2018-12-20T13:45:05-02:00",
        "chargingAccountId": None,
    },
    "additionalInformation": {
        "id": "377",
        "initDate": "2018-12-20",
        "title": "Regra nova",
        "periodUnit": "MONTHLY",
        "monthQuantity": 12,
        "endDate": None,
        "createdAt": "2018-12-20T13:45:05-02:00",
        "accrualMonthQuantity": "SAME_MONTH",
    },
    "scheduledUpdates": [
        {
            "id": "497",
            "invoiceRuleId": "6955",
            "executionDate": "2019-12-20",
            "monthQuantity": 12,
            "priceIndex": "IGPDI",
            "createdAt": "2018-12-20T13:45:05.515000-02:00",
            "updatedAt": "2018-12-20T13:45:05.515000-02:00",
            "initDate": "2019-12-20",
            "daysUntilUpdate": 7,
            "remindAt": "2019-12-13",
            "notified": False,
            "serviceItemId": "1",
            "invoiceTemplateId": None,
        },
        {
            "id": "498",
            "invoiceRuleId": "6955",
            "executionDate": "2019-12-20",
            "monthQuantity": 12,
            "priceIndex": "IPCFIPE",
            "createdAt": "2018-12-20T13:45:05.518000-02:00",
            "updatedAt": "2018-12-20T13:45:05.518000-02:00",
            "initDate": "2019-12-20",
            "daysUntilUpdate": 7,
            "remindAt": "2019-12-13",
            "notified": False,
            "serviceItemId": "7",
            "invoiceTemplateId": None,
        },
    ],
    "receivablesAdditionalInformation": {
        "id": "379",
        "dayNumber": 1,
        "parcelNumber": None,
        "invoiceRuleId": "6955",
        "createdAt": "2018-12-20T13:45:05.520000-02:00",
        "updatedAt": "2018-12-20T13:45:05.520000-02:00",
        "dayQuantity": None,
        "monthQuantity": None,
        "onlyBusinessDays": False,
    },
}

# The documented template request, as a client writes it.
FROM_TEMPLATE: dict[str, Any] = {
    "input": {
        "contractId": "255",
        "invoiceTemplateId": "26",
        "description": "teste",
        "issueNfse": True,
        "additionalInformation": {
            "title": "Regra nova",
            "initDate": "2018-12-20",
            "monthQuantity": 12,
        },
        "scheduledUpdates": [
            {
                "invoiceTemplateScheduledUpdateId": template_update,
                "initDate": "2019-12-20",
                "monthQuantity": 12,
                "daysUntilUpdate": 7,
            }
            for template_update in ("490", "492")
        ],
    }
}
# The traffic's from-scratch request (cas:invoice_rules/create/success/with_services.yml).
FROM_SCRATCH = """{"input": {
  "contractId": "9545",
  "additionalInformation": {"title": "REGRA", "initDate": "2016-09-02", "periodUnit": "MONTHLY",
                            "monthQuantity": 6},
  "grossValue": 100.0, "description": "Faturamento", "nfeBody": "$DESCRICAO",
  "chargeType": "FIXED_DAY",
  "receivablesAdditionalInformation": {"dayNumber": 23},
  "services": [{"serviceItemId": "5", "description": "Descrição teste", "units": 2,
                "unitValue": 150.0, "value": 300.0}],
  "scheduledUpdates": [{"serviceItemId": "5", "priceIndex": "IPCA", "initDate": "2016-10-02",
                        "monthQuantity": 12, "daysUntilUpdate": 5}]
}}"""


def exact(request: httpx.Request) -> Any:
    # Numbers as their source text, so `100.0` and `100` differ.
    return json.loads(request.content, parse_float=str, parse_int=str)


def sent(request: httpx.Request) -> tuple[str, str]:
    return request.method, request.url.path


def test_a_contracts_rules_are_listed_with_their_nested_nodes() -> None:
    with gateway_with(answer(200, load_fixture("invoice_rule_list.response.json"))) as gateway:
        result = gateway.graphql(INVOICE_RULES, {"contractId": "107"}, Authorization=TOKEN)
    assert "errors" not in result
    (rule,) = result["data"]["invoiceRules"]
    assert (rule["id"], rule["grossValue"], rule["paymentValue"]) == ("3518", "2631.00", None)
    assert [(s["id"], s["unitValue"], s["value"]) for s in rule["services"]] == [
        ("7281", "100.00", "100.00"),
        ("7280", "2530.999", "2531.00"),
    ]
    assert [u["serviceItemId"] for u in rule["scheduledUpdates"]] == ["1", "18"]
    assert rule["additionalInformation"]["initDate"] == "2018-06-11"
    assert rule["receivablesAdditionalInformation"]["dayNumber"] == 12
    (request,) = gateway.sent
    assert sent(request) == ("GET", "/api/v1/contracts/107/invoice_rules")
    assert request.headers["authorization"] == TOKEN


def test_an_unknown_contract_or_an_id_no_contract_has_has_no_rules() -> None:
    with gateway_with(answer(404)) as gateway:
        unknown = gateway.graphql(INVOICE_RULES, {"contractId": "1"})
        impossible = gateway.graphql(INVOICE_RULES, {"contractId": "x"})
    assert unknown["data"] == impossible["data"] == {"invoiceRules": []}
    assert len(gateway.sent) == 1


def test_a_rule_from_a_template_sends_the_template_and_the_overrides_wrapped() -> None:
    response = load_fixture("invoice_rule_create_from_template.response.json")
    with gateway_with(answer(201, response)) as gateway:
        result = gateway.graphql(CREATE_INVOICE_RULE, FROM_TEMPLATE, Authorization=TOKEN)
    assert result["data"]["createInvoiceRule"] == {"invoiceRule": EXPECTED_RULE, "userErrors": []}
    (request,) = gateway.sent
    assert sent(request) == ("POST", "/api/v1/contracts/255/invoice_rules")
    # The documented body, with its dates in the documented DD-MM-YYYY form.
    documented = load_fixture("invoice_rule_create_from_template.request.json")
    documented["invoice_rule"]["additional_information"]["init_date"] = "20-12-2018"
    for update in documented["invoice_rule"]["scheduled_updates"]:
        update["init_date"] = "20-12-2019"
    assert json.loads(request.content) == documented


def test_a_rule_from_scratch_sends_every_node_with_its_amounts_as_given() -> None:
    with gateway_with(answer(201, load_fixture("invoice_rule_create.response.json"))) as gateway:
        result = gateway.graphql(CREATE_INVOICE_RULE, FROM_SCRATCH)
    rule = result["data"]["createInvoiceRule"]["invoiceRule"]
    # The upstream recomputes the gross value from the services: 2 x 150.
    assert (rule["grossValue"], rule["services"][0]["units"]) == ("300.00", "2")
    recorded = load_fixture("invoice_rule_create.request.json")["invoice_rule"]
    assert exact(gateway.sent[0]) == {
        "invoice_rule": {
            "description": "Faturamento",
            "nfe_body": "$DESCRICAO",
            "gross_value": "100.0",
            "charge_type": recorded["charge_type"],
            "additional_information": {
                "title": "REGRA",
                "init_date": "02-09-2016",
                # The traffic sent 0, which the upstream takes for monthly.
                "period_unit": "monthly",
                "month_quantity": "6",
            },
            "receivables_additional_information": {"day_number": "23"},
            "services": [
                {
                    "service_item_id": "5",
                    "description": "Descrição teste",
                    "units": "2",
                    "unit_value": "150.0",
                    "value": "300.0",
                }
            ],
            "scheduled_updates": [
                {
                    "service_item_id": "5",
                    "init_date": "02-10-2016",
                    "month_quantity": "12",
                    "price_index": "ipca",
                    "days_until_update": "5",
                }
            ],
        }
    }


def test_create_is_made_once_per_idempotency_key() -> None:
    variables = copy.deepcopy(FROM_TEMPLATE)
    variables["input"]["idempotencyKey"] = "rule-1"
    response = load_fixture("invoice_rule_create_from_template.response.json")
    with gateway_with(answer(201, response)) as gateway:
        first = gateway.graphql(CREATE_INVOICE_RULE, variables)
        again = gateway.graphql(CREATE_INVOICE_RULE, variables)
    assert first["data"] == again["data"]
    assert len(gateway.sent) == 1


def test_an_older_rule_maps_its_integer_state_and_a_null_scheduled_update() -> None:
    response = load_fixture("invoice_rule_update.response.json")
    rule = response["invoice_rule"]
    # As 2016 responses had them.
    rule["state"] = 0
    del rule["scheduled_updates"], rule["payment_information"]
    rule["scheduled_update"] = None
    rule["additional_information"]["period_unit"] = 0
    rule["additional_information"]["created_at"] = "2016-09-02T09:13:23.642-03:00"
    with gateway_with(answer(200, {"invoice_rules": [rule]})) as gateway:
        result = gateway.graphql(INVOICE_RULES, {"contractId": "11986"})
    assert "errors" not in result
    (mapped,) = result["data"]["invoiceRules"]
    assert (mapped["state"], mapped["scheduledUpdates"], mapped["paymentInformation"]) == (
        "TO_EMIT",
        None,
        None,
    )
    assert mapped["additionalInformation"]["periodUnit"] == "MONTHLY"
    assert mapped["additionalInformation"]["createdAt"] == "2016-09-02T09:13:23.642000-03:00"


def test_update_puts_only_the_fields_given_wrapped() -> None:
    variables = {
        "input": {
            "contractId": "11986",
            "id": "184574",
            "description": "Edição da Regra de faturamento teste para Doc",
        }
    }
    with gateway_with(answer(200, load_fixture("invoice_rule_update.response.json"))) as gateway:
        result = gateway.graphql(UPDATE_INVOICE_RULE, variables)
    payload = result["data"]["updateInvoiceRule"]
    assert payload["userErrors"] == []
    assert payload["invoiceRule"]["description"] == variables["input"]["description"]
    (request,) = gateway.sent
    assert sent(request) == ("PUT", "/api/v1/contracts/11986/invoice_rules/184574")
    assert json.loads(request.content) == load_fixture("invoice_rule_update.request.json")


def test_update_names_nested_items_by_id_and_destroys_them() -> None:
    variables = """{"input": {
      "contractId": "11986", "id": "184574",
      "additionalInformation": {"id": "7683", "endDate": "2019-12-01"},
      "receivablesAdditionalInformation": {"dayNumber": 5},
      "services": [{"id": "246219", "units": 2}, {"serviceItemId": "9", "units": 1,
                    "unitValue": "10.00"}],
      "scheduledUpdates": [{"id": "527", "destroy": true}],
      "paymentInformation": {"paymentMethod": "TRANSFER"}
    }}"""
    with gateway_with(answer(200, load_fixture("invoice_rule_update.response.json"))) as gateway:
        gateway.graphql(UPDATE_INVOICE_RULE, variables)
    assert exact(gateway.sent[0]) == {
        "invoice_rule": {
            "payment_information": {"payment_method": "transfer"},
            "additional_information": {"end_date": "01-12-2019", "id": "7683"},
            "receivables_additional_information": {"day_number": "5"},
            "services": [
                {"id": "246219", "units": "2"},
                {"service_item_id": "9", "units": "1", "unit_value": "10.00"},
            ],
            "scheduled_updates": [{"id": "527", "_destroy": True}],
        }
    }


def test_an_empty_update_is_a_user_error_and_never_reaches_the_upstream() -> None:
    with gateway_with(answer(200, load_fixture("invoice_rule_update.response.json"))) as gateway:
        result = gateway.graphql(UPDATE_INVOICE_RULE, {"input": {"contractId": "1", "id": "2"}})
    (error,) = result["data"]["updateInvoiceRule"]["userErrors"]
    assert (error["field"], error["code"]) == (["input"], "BLANK")
    assert gateway.sent == []


def _error(field: list[str], message: str, code: str = "INVALID") -> dict[str, Any]:
    return {"field": ["input", *field], "message": message, "code": code}


@pytest.mark.parametrize(
    ("errors", "user_errors"),
    [
        (  # cas:invoice_rules/create/invalid_rule_failure.yml
            {
                "description": "não pode ficar em branco",
                "nfe_body": "não pode ficar em branco",
                "gross_value": "deve ser numérico",
            },
            [
                _error(["description"], "não pode ficar em branco", "BLANK"),
                _error(["nfeBody"], "não pode ficar em branco", "BLANK"),
                _error(["grossValue"], "deve ser numérico", "NOT_A_NUMBER"),
            ],
        ),
        (  # cas:invoice_rules/update/invalid_new_scheduled_update_failure.yml
            {
                "scheduled_updates.month_quantity": "deve ser numérico",
                "scheduled_updates.init_date": "deve ser a partir de 01/01/2000",
            },
            [
                _error(["scheduledUpdates", "monthQuantity"], "deve ser numérico", "NOT_A_NUMBER"),
                _error(["scheduledUpdates", "initDate"], "deve ser a partir de 01/01/2000"),
            ],
        ),
        (  # cas:invoice_rules/create/failure/more_than_one_supdate_without_services.yml
            {"scheduled_updates.service_item_id": "não pode ter mais de um reajuste sem serviço"},
            [
                _error(
                    ["scheduledUpdates", "serviceItemId"],
                    "não pode ter mais de um reajuste sem serviço",
                )
            ],
        ),
        (  # cas:invoice_rules/create/failure/rule_monthly_greater_than_five_year.yml
            {"additional_information.periodicity": "deve ser no máximo 5 (cinco) anos"},
            [_error(["additionalInformation", "endDate"], "deve ser no máximo 5 (cinco) anos")],
        ),
        (
            {"additional_information.month_quantity": "valor deve ser 1, 2, 3, 6 ou 12 (em meses)"},
            [
                _error(
                    ["additionalInformation", "monthQuantity"],
                    "valor deve ser 1, 2, 3, 6 ou 12 (em meses)",
                )
            ],
        ),
        (  # cas:invoice_rules/create/invoice_template_not_found.yml
            {
                "invoice_template_id": "Não foi possível encontrar o modelo de faturamento com "
                "ID 10000"
            },
            [
                _error(
                    ["invoiceTemplateId"],
                    "Não foi possível encontrar o modelo de faturamento com ID 10000",
                )
            ],
        ),
        (  # cas:invoice_rules/create/using_template_and_... without a service item
            {"services.service_item": "não pode ficar em branco."},
            [_error(["services", "serviceItemId"], "não pode ficar em branco.", "BLANK")],
        ),
    ],
)
def test_each_recorded_rejection_is_a_user_error_on_its_input_field(
    errors: dict[str, str], user_errors: list[dict[str, Any]]
) -> None:
    with gateway_with(answer(422, {"errors": errors})) as gateway:
        created = gateway.graphql(CREATE_INVOICE_RULE, FROM_TEMPLATE)
        updated = gateway.graphql(
            UPDATE_INVOICE_RULE, {"input": {"contractId": "255", "id": "6955", "nfeBody": "x"}}
        )
    assert created["data"]["createInvoiceRule"] == {"invoiceRule": None, "userErrors": user_errors}
    assert updated["data"]["updateInvoiceRule"] == {"invoiceRule": None, "userErrors": user_errors}


@pytest.mark.parametrize(
    ("document", "variables", "field", "payload"),
    [
        (
            CREATE_INVOICE_RULE,
            FROM_TEMPLATE,
            _error(["contractId"], "Contract not found.", "NOT_FOUND"),
            {"invoiceRule": None},
        ),
        (
            UPDATE_INVOICE_RULE,
            {"input": {"contractId": "1", "id": "2", "description": "x"}},
            _error(
                ["id"],
                "Contract or invoice rule not found, or a service or readjustment id is not one "
                "of the rule's.",
                "NOT_FOUND",
            ),
            {"invoiceRule": None},
        ),
        (
            DELETE_INVOICE_RULE,
            {"input": {"contractId": "1", "id": "2"}},
            _error(["id"], "Contract or invoice rule not found.", "NOT_FOUND"),
            {"deletedInvoiceRuleId": None},
        ),
    ],
)
def test_a_404_is_a_not_found_user_error(
    document: str, variables: dict[str, Any], field: dict[str, Any], payload: dict[str, Any]
) -> None:
    with gateway_with(answer(404)) as gateway:
        result = gateway.graphql(document, variables)
    (answered,) = result["data"].values()
    assert answered == payload | {"userErrors": [field]}


def test_delete_answers_the_deleted_id() -> None:
    with gateway_with(answer(204)) as gateway:
        result = gateway.graphql(DELETE_INVOICE_RULE, {"input": {"contractId": "1", "id": "2"}})
    assert result["data"]["deleteInvoiceRule"] == {"deletedInvoiceRuleId": "2", "userErrors": []}
    assert [sent(r) for r in gateway.sent] == [("DELETE", "/api/v1/contracts/1/invoice_rules/2")]
