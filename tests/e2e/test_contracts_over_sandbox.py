"""Contracts and invoice rules through the gateway and the sandbox upstream, both real servers
on loopback, on the default data set; the recorder in front of the sandbox shows the exact
REST request each operation made."""

from __future__ import annotations

from typing import Any

import httpx

from examples.contracts import (
    CONTRACT,
    CONTRACTS,
    CREATE_CONTRACT,
    CREATE_INVOICE_RULE,
    DELETE_CONTRACT,
    DELETE_INVOICE_RULE,
    INVOICE_RULES,
    SEARCH_CONTRACTS,
    UPDATE_CONTRACT,
    UPDATE_INVOICE_RULE,
)
from examples.seed import CREATE_INVOICE
from tests.e2e.test_invoice_api_over_sandbox import exact, only, post, query_of
from tests.support.recorder import Recorder

# The default data set's organization and customers.
ORGANIZATION = {"type": "COMPANY", "id": "1"}
BAKERY = {"type": "COMPANY", "id": "2"}
MARIANA = {"type": "PERSON", "id": "1"}

RULE_FROM_SCRATCH: dict[str, Any] = {
    "contractId": "3",
    "description": "Hospedagem",
    "nfeBody": "$DESCRICAO",
    "grossValue": "1.00",
    "chargeType": "FIXED_DAY",
    "additionalInformation": {
        "title": "Hospedagem mensal",
        "initDate": "2025-08-05",
        "endDate": "2026-08-04",
        "periodUnit": "MONTHLY",
        "monthQuantity": 1,
    },
    "receivablesAdditionalInformation": {"dayNumber": 15},
    "services": [
        {"serviceItemId": "2", "description": "Servidor", "units": "2", "unitValue": "125.50"}
    ],
    "scheduledUpdates": [
        {
            "serviceItemId": "2",
            "priceIndex": "IGPM",
            "initDate": "2026-08-05",
            "monthQuantity": 12,
            "daysUntilUpdate": 15,
        }
    ],
}

TEMPLATES = """query($organizationId: ID!) {
  invoiceTemplates(organizationId: $organizationId, type: INVOICE_RULE) {
    id grossValue services { name value } scheduledUpdates { id priceIndex }
  }
}"""


def payload(result: Any, field: str) -> Any:
    assert "errors" not in result, result
    return result["data"][field]


def changed(client: httpx.Client, document: str, field: str, input: dict[str, Any]) -> Any:
    """The object a mutation answers, asserting it had no user errors."""
    answered = payload(post(client, document, {"input": input}), field)
    assert answered["userErrors"] == [], answered
    (record,) = (value for key, value in answered.items() if key != "userErrors")
    return record


def user_errors(client: httpx.Client, document: str, field: str, input: dict[str, Any]) -> Any:
    answered = payload(post(client, document, {"input": input}), field)
    return answered["userErrors"]


def test_the_default_contracts_and_their_rules_cost_one_get_each(
    client: httpx.Client, recorder: Recorder
) -> None:
    contracts = payload(post(client, CONTRACTS, {"organizationId": "1"}), "contracts")
    assert [(c["id"], c["customerType"], c["customerId"]) for c in contracts][:3] == [
        ("1", "PERSON", "1"),
        ("2", "COMPANY", "2"),
        ("3", "COMPANY", "3"),
    ]
    assert contracts[2]["name"] == "Suporte Horizonte Engenharia"
    assert (contracts[2]["initDate"], contracts[2]["endDate"]) == ("2025-03-10", "2027-03-09")
    # The organization's list leaves it out; the contract's own read has it.
    assert contracts[2]["overdue"] is None
    shown = payload(post(client, CONTRACT, {"organizationId": "1", "id": "3"}), "contract")
    assert shown["overdue"] is not None
    rules = payload(post(client, INVOICE_RULES, {"contractId": "3"}), "invoiceRules")
    assert rules[0]["description"] == "Mensalidade de suporte"
    assert rules[0]["scheduledUpdates"][0]["priceIndex"] == "IPCA"
    assert [(r.method, r.path) for r in recorder.requests] == [
        ("GET", "/api/v1/organizations/1/contracts"),
        ("GET", "/api/v1/organizations/1/contracts/3"),
        ("GET", "/api/v1/contracts/3/invoice_rules"),
    ]


def test_a_contract_is_created_changed_billed_and_deleted(
    client: httpx.Client, recorder: Recorder
) -> None:
    input = {
        "name": "Encomendas Pão Dourado",
        "title": "Fornecimento de sistema de encomendas",
        "customer": BAKERY,
        "supplier": ORGANIZATION,
        "initDate": "2025-08-01",
        "idempotencyKey": "contract-e2e-1",
    }
    contract = changed(client, CREATE_CONTRACT, "createContract", input)
    assert exact(only(recorder)) == {
        "name": "Encomendas Pão Dourado",
        "title": "Fornecimento de sistema de encomendas",
        "customer_type": "Company",
        "customer_id": "2",
        "supplier_type": "Company",
        "supplier_id": "1",
        "init_date": "01-08-2025",
    }
    assert (only(recorder).method, only(recorder).path) == ("POST", "/api/v1/contracts")
    assert (contract["kind"], contract["state"], contract["initDate"]) == (
        "SALE",
        "ACTIVE",
        "2025-08-01",
    )
    # The same key again answers the same contract without a second create.
    assert changed(client, CREATE_CONTRACT, "createContract", input) == contract
    assert len(recorder.requests) == 1

    recorder.requests.clear()
    read = payload(
        post(client, CONTRACT, {"organizationId": "1", "id": contract["id"]}), "contract"
    )
    assert read == contract
    found = payload(
        post(client, SEARCH_CONTRACTS, {"name": "Encomendas", "customerId": "2"}), "searchContracts"
    )
    assert [c["id"] for c in found] == [contract["id"]]
    assert query_of(recorder.requests[-1]) == [("name", "Encomendas"), ("customer_id", "2")]

    recorder.requests.clear()
    update = {"id": contract["id"], "comments": "Entrega às segundas", "customer": MARIANA}
    updated = changed(client, UPDATE_CONTRACT, "updateContract", update)
    request = only(recorder)
    assert (request.method, request.path) == ("PUT", f"/api/v1/contracts/{contract['id']}")
    assert exact(request) == {
        "comments": "Entrega às segundas",
        "customer_type": "Person",
        "customer_id": "1",
    }
    assert (updated["comments"], updated["customerType"], updated["name"]) == (
        "Entrega às segundas",
        "PERSON",
        contract["name"],
    )

    invoice = {
        "contractId": contract["id"],
        "description": "Primeira encomenda",
        "grossValue": "100.00",
        "issueDate": "2025-08-02",
        "receivables": [{"dueDate": "2025-08-12", "grossValue": "100.00"}],
    }
    billed = changed(client, CREATE_INVOICE, "createInvoice", invoice)
    assert (billed["customerType"], billed["customerId"]) == ("PERSON", "1")

    recorder.requests.clear()
    deleted = payload(
        post(client, DELETE_CONTRACT, {"input": {"id": contract["id"]}}), "deleteContract"
    )
    assert deleted == {"deletedContractId": contract["id"], "userErrors": []}
    assert (only(recorder).method, only(recorder).path) == (
        "DELETE",
        f"/api/v1/contracts/{contract['id']}",
    )
    gone = post(client, CONTRACT, {"organizationId": "1", "id": contract["id"]})
    assert gone["data"] == {"contract": None}


def test_what_the_upstream_refuses_of_a_contract_is_a_user_error(client: httpx.Client) -> None:
    base = {"name": "Contrato recusado", "customer": MARIANA, "supplier": ORGANIZATION}
    assert user_errors(client, CREATE_CONTRACT, "createContract", base | {"supplier": BAKERY}) == [
        {
            "field": ["input", "supplier", "id"],
            "message": "O fornecedor deve ser uma organização.",
            "code": "INVALID",
        }
    ]
    purchase = base | {"kind": "PURCHASE"}
    assert user_errors(client, CREATE_CONTRACT, "createContract", purchase) == [
        {
            "field": ["input", "customer", "id"],
            "message": "O cliente deve ser uma organização.",
            "code": "INVALID",
        }
    ]
    taken = base | {"name": "Suporte Horizonte Engenharia"}
    (error,) = user_errors(client, CREATE_CONTRACT, "createContract", taken)
    assert (error["field"], error["message"]) == (
        ["input", "name"],
        "Já existe um contrato com este nome nesta conta.",
    )
    nobody = base | {"customer": {"type": "PERSON", "id": "999"}}
    assert user_errors(client, CREATE_CONTRACT, "createContract", nobody) == [
        {
            "field": ["input"],
            "message": "The customer or the supplier does not exist.",
            "code": "NOT_FOUND",
        }
    ]
    (missing,) = user_errors(client, UPDATE_CONTRACT, "updateContract", {"id": "999", "title": "x"})
    assert (missing["field"], missing["code"]) == (["input", "id"], "NOT_FOUND")


def test_a_rule_is_created_changed_and_deleted_with_its_nested_items(
    client: httpx.Client, recorder: Recorder
) -> None:
    rule = changed(client, CREATE_INVOICE_RULE, "createInvoiceRule", RULE_FROM_SCRATCH)
    request = only(recorder)
    assert (request.method, request.path) == ("POST", "/api/v1/contracts/3/invoice_rules")
    assert exact(request) == {
        "invoice_rule": {
            "description": "Hospedagem",
            "nfe_body": "$DESCRICAO",
            "gross_value": "1.00",
            "charge_type": "fixed_day",
            "additional_information": {
                "title": "Hospedagem mensal",
                "init_date": "05-08-2025",
                "period_unit": "monthly",
                "month_quantity": "1",
                "end_date": "04-08-2026",
            },
            "receivables_additional_information": {"day_number": "15"},
            "services": [
                {
                    "service_item_id": "2",
                    "description": "Servidor",
                    "units": "2",
                    "unit_value": "125.50",
                }
            ],
            "scheduled_updates": [
                {
                    "service_item_id": "2",
                    "init_date": "05-08-2026",
                    "month_quantity": "12",
                    "price_index": "igpm",
                    "days_until_update": "15",
                }
            ],
        }
    }
    # The gross value is the services' sum; the customer, the contract's.
    assert (rule["grossValue"], rule["customerType"], rule["customerId"]) == (
        "251.00",
        "COMPANY",
        "3",
    )
    (service,) = rule["services"]
    (update,) = rule["scheduledUpdates"]
    assert (update["executionDate"], update["remindAt"]) == ("2026-08-05", "2026-07-21")

    recorder.requests.clear()
    change = {
        "contractId": "3",
        "id": rule["id"],
        "services": [{"id": service["id"], "units": "3"}],
        "scheduledUpdates": [{"id": update["id"], "destroy": True}],
        "additionalInformation": {"id": rule["additionalInformation"]["id"], "monthQuantity": 3},
    }
    updated = changed(client, UPDATE_INVOICE_RULE, "updateInvoiceRule", change)
    request = only(recorder)
    assert (request.method, request.path) == (
        "PUT",
        f"/api/v1/contracts/3/invoice_rules/{rule['id']}",
    )
    assert exact(request) == {
        "invoice_rule": {
            "additional_information": {
                "month_quantity": "3",
                "id": rule["additionalInformation"]["id"],
            },
            "services": [{"id": service["id"], "units": "3"}],
            "scheduled_updates": [{"id": update["id"], "_destroy": True}],
        }
    }
    assert (updated["grossValue"], updated["scheduledUpdates"]) == ("376.50", [])
    assert updated["additionalInformation"]["monthQuantity"] == 3
    listed = payload(post(client, INVOICE_RULES, {"contractId": "3"}), "invoiceRules")
    assert updated in listed

    recorder.requests.clear()
    reference = {"contractId": "3", "id": rule["id"]}
    deleted = payload(post(client, DELETE_INVOICE_RULE, {"input": reference}), "deleteInvoiceRule")
    assert deleted == {"deletedInvoiceRuleId": rule["id"], "userErrors": []}
    assert (only(recorder).method, only(recorder).path) == (
        "DELETE",
        f"/api/v1/contracts/3/invoice_rules/{rule['id']}",
    )
    listed = payload(post(client, INVOICE_RULES, {"contractId": "3"}), "invoiceRules")
    assert rule["id"] not in [r["id"] for r in listed]


def test_a_rule_from_the_organizations_recurring_template(client: httpx.Client) -> None:
    (template,) = payload(post(client, TEMPLATES, {"organizationId": "1"}), "invoiceTemplates")
    (readjustment,) = template["scheduledUpdates"]
    input = {
        "contractId": "2",
        "invoiceTemplateId": template["id"],
        "additionalInformation": {"title": "Plano Pro", "initDate": "2025-09-10"},
        # The template's readjustment has no start of its own.
        "scheduledUpdates": [
            {"invoiceTemplateScheduledUpdateId": readjustment["id"], "initDate": "2026-09-10"}
        ],
    }
    rule = changed(client, CREATE_INVOICE_RULE, "createInvoiceRule", input)
    assert rule["grossValue"] == template["grossValue"]
    assert [(s["name"], s["value"]) for s in rule["services"]] == [
        (s["name"], s["value"]) for s in template["services"]
    ]
    (update,) = rule["scheduledUpdates"]
    assert (update["priceIndex"], update["initDate"]) == (readjustment["priceIndex"], "2026-09-10")
    assert rule["managementType"] == "AUTOMATIC"


def test_what_the_upstream_refuses_of_a_rule_is_a_user_error_on_the_input_field(
    client: httpx.Client,
) -> None:
    def refused(**changes: Any) -> Any:
        return user_errors(
            client, CREATE_INVOICE_RULE, "createInvoiceRule", RULE_FROM_SCRATCH | changes
        )

    long = RULE_FROM_SCRATCH["additionalInformation"] | {"endDate": "2031-08-05"}
    assert refused(additionalInformation=long) == [
        {
            "field": ["input", "additionalInformation", "endDate"],
            "message": "deve ser no máximo 5 (cinco) anos",
            "code": "INVALID",
        }
    ]
    other_item = [RULE_FROM_SCRATCH["scheduledUpdates"][0] | {"serviceItemId": "77"}]
    assert refused(scheduledUpdates=other_item) == [
        {
            "field": ["input", "scheduledUpdates", "serviceItemId"],
            "message": "deve estar entre os serviços da regra recorrente",
            "code": "INVALID",
        }
    ]
    assert refused(invoiceTemplateId="10000") == [
        {
            "field": ["input", "invoiceTemplateId"],
            "message": "Não foi possível encontrar o modelo de faturamento com ID 10000",
            "code": "INVALID",
        }
    ]
    assert refused(contractId="999") == [
        {"field": ["input", "contractId"], "message": "Contract not found.", "code": "NOT_FOUND"}
    ]
    assert refused(services=[], scheduledUpdates=[], grossValue=None, description=None) == [
        {"field": ["input", "description"], "message": "não pode ficar em branco", "code": "BLANK"},
        {"field": ["input", "grossValue"], "message": "deve ser numérico", "code": "NOT_A_NUMBER"},
    ]
