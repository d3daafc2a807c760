"""Invoice rules in the sandbox: the recorded bodies answered in the recorded shapes, and the
upstream's rules: what is required unless a template gives it, the gross value summed from the
services, the periodicity limits, the readjustments' rules, nested changes by id and
`_destroy`, rules made from an invoice template, and the dotted, string-valued 422s."""

from __future__ import annotations

import copy
import re
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from upstream_sandbox.templates import Templates

from .support import load_fixture

pytestmark = pytest.mark.asyncio

TIMESTAMP = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2} -03:00")
ISO_MS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-03:00")
RULES = "/contracts/3/invoice_rules"
BLANK = "não pode ficar em branco"
NOT_NUMERIC = "deve ser numérico"
# The newer docs' fields, which no recorded or documented rule shows.
UNRECORDED = {"nfse_template_id", "finance_category_id", "finance_revenue_center_id"}
# Fields of rules recorded from December 2018 on.
LATER = {"notification_ruler_id", "notify_customer", "apply_negative_updates", "issue_nfse"}
NODES = (
    "services",
    "payment_information",
    "additional_information",
    "scheduled_updates",
    "receivables_additional_information",
)


def recorded() -> dict[str, Any]:
    """cas:invoice_rules/create/success/with_services.yml's request."""
    rule: dict[str, Any] = load_fixture("invoice_rule_create.request.json")["invoice_rule"]
    return rule


def rule_with(**changes: Any) -> dict[str, Any]:
    rule = recorded()
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(rule.get(key), dict):
            rule[key] = {**rule[key], **value}
        else:
            rule[key] = value
    return rule


async def create(api: httpx.AsyncClient, rule: dict[str, Any], path: str = RULES) -> Any:
    return await api.post(path, json={"invoice_rule": rule})


async def created(api: httpx.AsyncClient, rule: dict[str, Any] | None = None) -> Any:
    response = await create(api, recorded() if rule is None else rule)
    assert response.status_code == 201, response.text
    return response.json()["invoice_rule"]


async def errors_of(response: httpx.Response) -> Any:
    assert response.status_code == 422, response.text
    return response.json()["errors"]


async def test_the_recorded_rule_is_answered_in_the_recorded_shape(
    api: httpx.AsyncClient,
) -> None:
    rule = await created(api)
    answer = load_fixture("invoice_rule_create.response.json")["invoice_rule"]
    # The recorded answer is of April 2018: the fields added since come on top of its own.
    assert set(rule) - UNRECORDED - LATER == set(answer)
    for node in NODES:
        nested = rule[node][0] if isinstance(rule[node], list) else rule[node]
        recorded_node = answer[node][0] if isinstance(answer[node], list) else answer[node]
        assert set(nested) >= set(recorded_node), node
    # The gross value is the services' sum, whatever was sent: 2 x 150.
    assert (rule["gross_value"], rule["payment_value"]) == ("300.0", "300.0")
    (service,) = rule["services"]
    assert (service["units"], service["unit_value"], service["value"]) == ("2.0", "150.0", "300.0")
    # Period unit 0 is monthly; the recurrence's dates come back ISO.
    assert (
        rule["additional_information"]["period_unit"],
        rule["additional_information"]["init_date"],
    ) == (
        "monthly",
        "2016-09-02",
    )
    (update,) = rule["scheduled_updates"]
    assert (update["init_date"], update["execution_date"], update["remind_at"]) == (
        "2016-10-02",
        "2016-10-02",
        "2016-09-27",
    )
    assert ISO_MS.fullmatch(update["created_at"])
    assert ISO_MS.fullmatch(rule["receivables_additional_information"]["updated_at"])
    assert TIMESTAMP.fullmatch(rule["created_at"])
    # Copied from the contract; billed by bank slip when nothing else was asked for.
    assert (rule["contract_id"], rule["customer_type"], rule["customer_id"]) == (3, "Company", 3)
    assert rule["payment_information"]["payment_method"] == "billet"
    assert rule["payment_information"]["installments"] == 1
    # The invoice fields a rule carries, empty.
    assert (rule["receivables"], rule["attachments"], rule["number"]) == ([], [], None)
    # Request-only fields are never echoed.
    assert "charge_type" not in rule
    assert "service_item_id" not in service


async def test_the_default_data_set_has_rules_on_the_default_contracts(
    api: httpx.AsyncClient,
) -> None:
    (support,) = (await api.get(RULES)).json()["invoice_rules"]
    assert (support["description"], support["gross_value"]) == ("Mensalidade de suporte", "1500.0")
    assert support["scheduled_updates"][0]["price_index"] == "ipca"
    (licence,) = (await api.get("/contracts/2/invoice_rules")).json()["invoice_rules"]
    assert licence["additional_information"]["month_quantity"] == 3
    assert (await api.get("/contracts/1/invoice_rules")).json() == {"invoice_rules": []}


async def test_an_empty_rule_is_the_recorded_422(api: httpx.AsyncClient) -> None:
    response = await create(api, {"management_type": "manual"})
    assert await errors_of(response) == {
        "description": BLANK,
        "nfe_body": BLANK,
        "gross_value": NOT_NUMERIC,
    }


@pytest.mark.parametrize(
    ("recurrence", "error"),
    [
        (
            {"init_date": "01/01/2018", "end_date": "02/01/2023", "month_quantity": 1},
            "deve ser no máximo 5 (cinco) anos",
        ),
        (
            {"init_date": "2017-06-05", "end_date": "2018-06-06", "period_unit": "weekly"},
            "deve ser no máximo 1 (um) ano",
        ),
    ],
)
async def test_a_rule_runs_at_most_five_years_monthly_and_one_year_weekly(
    api: httpx.AsyncClient, recurrence: dict[str, Any], error: str
) -> None:
    response = await create(api, rule_with(additional_information=recurrence))
    assert await errors_of(response) == {"additional_information.periodicity": error}


async def test_what_the_upstream_accepts_of_a_recurrence(api: httpx.AsyncClient) -> None:
    # An end before the start; a month quantity, which weekly rules ignore.
    weekly = rule_with(
        additional_information={
            "init_date": "2017-06-05",
            "end_date": "2017-06-04",
            "period_unit": "weekly",
            "month_quantity": 6,
        }
    )
    rule = await created(api, weekly)
    recurrence = rule["additional_information"]
    assert (recurrence["period_unit"], recurrence["month_quantity"], recurrence["end_date"]) == (
        "weekly",
        None,
        "2017-06-04",
    )
    monthly = await create(api, rule_with(additional_information={"month_quantity": 4}))
    assert await errors_of(monthly) == {
        "additional_information.month_quantity": "valor deve ser 1, 2, 3, 6 ou 12 (em meses)"
    }


@pytest.mark.parametrize(
    ("updates", "errors"),
    [
        (
            [
                {
                    "price_index": "ipca",
                    "init_date": "02/10/2016",
                    "month_quantity": 12,
                    "days_until_update": 5,
                },
                {
                    "price_index": "igpm",
                    "init_date": "02/10/2016",
                    "month_quantity": 12,
                    "days_until_update": 5,
                },
            ],
            {"scheduled_updates.service_item_id": "não pode ter mais de um reajuste sem serviço"},
        ),
        (
            [
                {
                    "service_item_id": 77,
                    "init_date": "02/10/2016",
                    "month_quantity": 12,
                    "days_until_update": 5,
                }
            ],
            {
                "scheduled_updates.service_item_id": (
                    "deve estar entre os serviços da regra recorrente"
                )
            },
        ),
        (
            [{"price_index": "ipca"}],
            {
                "scheduled_updates.month_quantity": NOT_NUMERIC,
                "scheduled_updates.days_until_update": NOT_NUMERIC,
                "scheduled_updates.init_date": "deve ser a partir de 01/01/2000",
            },
        ),
    ],
)
async def test_the_readjustment_rules(
    api: httpx.AsyncClient, updates: list[dict[str, Any]], errors: dict[str, str]
) -> None:
    response = await create(api, rule_with(scheduled_updates=updates))
    assert await errors_of(response) == errors


async def test_services_must_be_numeric(api: httpx.AsyncClient) -> None:
    response = await create(api, rule_with(services=[{"service_item_id": 5}]))
    assert await errors_of(response) == {
        "services.units": NOT_NUMERIC,
        "services.unit_value": NOT_NUMERIC,
    }


async def test_an_update_changes_nested_items_by_id_and_destroys_them(
    api: httpx.AsyncClient,
) -> None:
    rule = await created(api)
    (service,) = rule["services"]
    (update,) = rule["scheduled_updates"]
    recurrence = rule["additional_information"]
    response = await api.put(
        f"{RULES}/{rule['id']}",
        json={
            "invoice_rule": {
                "description": "Faturamento de julho",
                "services": [
                    {"id": service["id"], "units": 3},
                    {"service_item_id": 6, "units": 1, "unit_value": "49.99"},
                ],
                "scheduled_updates": [{"id": update["id"], "_destroy": True}],
                "additional_information": {"id": recurrence["id"], "title": "Nova"},
            }
        },
    )
    assert response.status_code == 200, response.text
    changed = response.json()["invoice_rule"]
    assert changed["description"] == "Faturamento de julho"
    assert changed["nfe_body"] == rule["nfe_body"]  # not sent, not changed
    assert [(s["id"] == service["id"], s["value"]) for s in changed["services"]] == [
        (True, "450.0"),
        (False, "49.99"),
    ]
    assert changed["gross_value"] == "499.99"
    assert changed["scheduled_updates"] == []
    assert changed["additional_information"]["id"] == recurrence["id"]
    assert changed["additional_information"]["title"] == "Nova"
    # Without its id, a recurrence replaces the rule's.
    replaced = await api.patch(
        f"{RULES}/{rule['id']}",
        json={
            "invoice_rule": {
                "additional_information": {
                    "title": "Outra",
                    "init_date": "2020-01-01",
                    "month_quantity": 1,
                }
            }
        },
    )
    assert replaced.json()["invoice_rule"]["additional_information"]["id"] != recurrence["id"]


async def test_an_update_of_what_the_rule_does_not_have_is_an_empty_404(
    api: httpx.AsyncClient,
) -> None:
    rule = await created(api)
    for path, body in (
        (f"{RULES}/{rule['id']}", {"services": [{"id": 987654, "units": 1}]}),
        (f"{RULES}/{rule['id']}", {"additional_information": {"id": 987654, "title": "x"}}),
        (f"{RULES}/987654", {"description": "x"}),
        (f"/contracts/2/invoice_rules/{rule['id']}", {"description": "x"}),
        (f"/contracts/987654/invoice_rules/{rule['id']}", {"description": "x"}),
    ):
        response = await api.put(path, json={"invoice_rule": body})
        assert (response.status_code, response.content) == (404, b""), path
    assert (await create(api, recorded(), "/contracts/987654/invoice_rules")).status_code == 404
    assert (await api.get("/contracts/987654/invoice_rules")).status_code == 404


async def test_a_deleted_rule_is_gone(api: httpx.AsyncClient) -> None:
    rule = await created(api)
    deleted = await api.delete(f"{RULES}/{rule['id']}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    listed = (await api.get(RULES)).json()["invoice_rules"]
    assert rule["id"] not in [r["id"] for r in listed]
    assert (await api.delete(f"{RULES}/{rule['id']}")).status_code == 404


@pytest.fixture
def template(sandbox: Starlette) -> dict[str, Any]:
    """The template the documented request names (26), as its documented answer implies it:
    two services, two readjustments, and the due date on day 1."""
    service = {"description": "", "units": "1.0"}
    update = {"month_quantity": 12, "init_date": None, "days_until_update": 7}
    found: dict[str, Any] = {
        "id": 26,
        "organization_id": 1,
        "name": "Modelo anual",
        "month_quantity": 12,
        "period_unit": "monthly",
        "accrual_month_quantity": "same_month",
        "management_type": "manual",
        "nfe_body": "$DESCRICAO",
        "description": "Modelo",
        "payment_method": "billet",
        "card_installments": None,
        "financial_account_id": 51,
        "financial_charge_template_id": 2,
        "charging_account_id": None,
        "apply_negative_updates": True,
        "receivables_additional_information": {"charge_type": "fixed_day", "day_number": 1},
        "services": [
            {"id": 11, "name": "Serviço 1", "unit_value": "45.0", "value": "45.0", **service},
            {"id": 12, "name": "Serviço 7", "unit_value": "50.0", "value": "50.0", **service},
        ],
        "scheduled_updates": [
            {"id": 490, "price_index": "igpdi", "service_item_id": 1, **update},
            {"id": 492, "price_index": "ipcfipe", "service_item_id": 7, **update},
        ],
    }
    sandbox.state.store.part(Templates).invoice_templates[26] = found
    return found


async def test_a_rule_from_a_template_answers_as_documented(
    api: httpx.AsyncClient, template: dict[str, Any]
) -> None:
    request = load_fixture("invoice_rule_create_from_template.request.json")["invoice_rule"]
    rule = await created(api, request)
    documented = load_fixture("invoice_rule_create_from_template.response.json")["invoice_rule"]
    for key in ("gross_value", "payment_value", "description", "nfe_body", "issue_nfse"):
        assert rule[key] == documented[key], key
    assert rule["apply_negative_updates"] is True
    assert [(s["name"], s["value"]) for s in rule["services"]] == [
        (s["name"], s["value"]) for s in documented["services"]
    ]
    assert [
        (u["price_index"], u["service_item_id"], u["init_date"]) for u in rule["scheduled_updates"]
    ] == [
        (u["price_index"], u["service_item_id"], u["init_date"])
        for u in documented["scheduled_updates"]
    ]
    recurrence = rule["additional_information"]
    assert {k: recurrence[k] for k in ("title", "init_date", "month_quantity", "period_unit")} == {
        k: documented["additional_information"][k]
        for k in ("title", "init_date", "month_quantity", "period_unit")
    }
    assert rule["receivables_additional_information"]["day_number"] == 1
    payment = rule["payment_information"]
    assert (payment["financial_account_id"], payment["financial_charge_template_id"]) == (51, 2)


async def test_what_a_rule_sends_over_its_template(
    api: httpx.AsyncClient, template: dict[str, Any]
) -> None:
    request = load_fixture("invoice_rule_create_from_template.request.json")["invoice_rule"]
    request = copy.deepcopy(request) | {
        # A node sent replaces the template's: what it leaves out comes back null.
        "receivables_additional_information": {"parcel_number": None},
        "services": [
            {"invoice_template_service_item_id": 11, "unit_value": "60.0"},
            {"invoice_template_service_item_id": 12, "_destroy": True},
            {
                "invoice_template_service_item_id": 999,
                "service_item_id": 7,
                "units": 2,
                "unit_value": "10.0",
            },
        ],
        "scheduled_updates": [],
    }
    # The template's readjustments are kept, and they need their start.
    kept = await create(api, request)
    assert await errors_of(kept) == {
        "scheduled_updates.init_date": "deve ser a partir de 01/01/2000"
    }
    request["scheduled_updates"] = [
        {"invoice_template_scheduled_update_id": update["id"], "_destroy": True}
        for update in template["scheduled_updates"]
    ]
    rule = await created(api, request)
    assert [(s["name"], s["value"]) for s in rule["services"]] == [
        ("Serviço 1", "60.0"),
        (None, "20.0"),
    ]
    assert rule["gross_value"] == "80.0"
    assert rule["receivables_additional_information"]["day_number"] is None
    # A service the template does not have needs its item.
    request["services"] = [{"invoice_template_service_item_id": 999, "units": 1, "unit_value": 1}]
    response = await create(api, request)
    assert await errors_of(response) == {"services.service_item": "não pode ficar em branco."}


async def test_a_template_that_is_not_there_is_a_422(api: httpx.AsyncClient) -> None:
    response = await create(api, {"invoice_template_id": 10000, "description": "x"})
    assert await errors_of(response) == {
        "invoice_template_id": "Não foi possível encontrar o modelo de faturamento com ID 10000"
    }
