"""An organization's templates, financial accounts and NFS-e through the gateway and the
sandbox upstream, both real servers on loopback, on the sandbox's default data set; the
recorder in front of the sandbox shows the exact REST requests each query made."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from examples.templates import (
    CHARGE_TEMPLATE,
    CHARGE_TEMPLATES,
    EMAIL_TEMPLATES,
    FINANCIAL_ACCOUNT,
    FINANCIAL_ACCOUNTS,
    INVOICE_TEMPLATE,
    INVOICE_TEMPLATES,
    NFSE_TEMPLATES,
    NFSES,
    ORGANIZATION_SETUP,
)
from tests.e2e.conftest import AUTHORIZATION
from tests.support.recorder import Recorded, Recorder

ORGANIZATION = {"organizationId": "1"}


def post(client: httpx.Client, query: str, variables: dict[str, Any]) -> Any:
    response = client.post(
        "/graphql",
        content=json.dumps({"query": query, "variables": variables}),
        headers={"Content-Type": "application/json", "Authorization": AUTHORIZATION},
    )
    assert response.status_code == 200, response.text
    result = json.loads(response.text, parse_float=Decimal)
    assert "errors" not in result, result["errors"]
    return result["data"]


def gets(recorder: Recorder) -> list[tuple[str, list[tuple[str, str]]]]:
    assert {r.method for r in recorder.requests} <= {"GET"}
    assert all(r.headers["authorization"] == AUTHORIZATION for r in recorder.requests)
    return [(r.path, query_of(r)) for r in recorder.requests]


def query_of(request: Recorded) -> list[tuple[str, str]]:
    return parse_qsl(request.query, keep_blank_values=True)


def test_a_setup_screen_reads_each_resource_once_concurrently(
    client: httpx.Client, recorder: Recorder
) -> None:
    data = post(client, ORGANIZATION_SETUP, {**ORGANIZATION, "since": "2025-06-01"})

    assert sorted(gets(recorder)) == sorted(
        [
            ("/api/v1/organizations/1/invoice_templates/search", [("type", "invoice_rule")]),
            ("/api/v1/organizations/1/email_templates", []),
            ("/api/v1/organizations/1/nfse_templates", []),
            ("/api/v1/organizations/1/charge_templates", []),
            ("/api/v1/organizations/1/financial_accounts", []),
            (
                "/api/v1/organizations/1/nfses/search",
                [
                    ("page", "1"),
                    ("per_page", "10"),
                    ("q[status_eq]", "1"),
                    ("q[generated_at_gteq]", "01/06/2025"),
                ],
            ),
        ]
    )
    (recurring,) = data["recurring"]
    assert recurring["monthQuantity"] == 1
    assert Decimal(recurring["grossValue"]) == sum(
        Decimal(s["value"]) for s in recurring["services"]
    )
    assert [len(data[key]) for key in ("emailTemplates", "nfseTemplates")] == [1, 1]
    assert data["chargeTemplates"][0]["fineType"] == "FIXED"
    assert data["financialAccounts"][0]["bankCode"] == "341"
    issued = [edge["node"] for edge in data["nfses"]["edges"]]
    assert [nfse["status"] for nfse in issued] == ["Emitida", "Emitida"]
    assert {(n["customerType"], n["customerId"]) for n in issued} == {
        ("COMPANY", "2"),
        ("PERSON", "1"),
    }
    assert data["nfses"]["pageInfo"]["hasNextPage"] is False


def test_the_templates_map_every_field_the_sandbox_renders(
    client: httpx.Client, recorder: Recorder
) -> None:
    one_off, recurring = post(client, INVOICE_TEMPLATES, ORGANIZATION)["invoiceTemplates"]
    (email,) = post(client, EMAIL_TEMPLATES, ORGANIZATION)["emailTemplates"]
    (account,) = post(client, FINANCIAL_ACCOUNTS, ORGANIZATION)["financialAccounts"]
    (charge,) = post(client, CHARGE_TEMPLATES, ORGANIZATION)["chargeTemplates"]
    (nfse_template,) = post(client, NFSE_TEMPLATES, ORGANIZATION)["nfseTemplates"]

    assert one_off["monthQuantity"] is None
    assert one_off["receivablesAdditionalInformation"]["chargeType"] == "DAY_QUANTITY"
    assert [s["units"] for s in one_off["services"]] == ["1", "4"]
    assert one_off["grossValue"] == "2400.00"
    assert one_off["createdAt"] == "2025-01-06T09:00:00-03:00"
    assert one_off["emitesServiceValueName"] is None  # "" upstream
    assert recurring["automaticEmailTemplateId"] == email["id"]
    assert recurring["paymentMethod"] == "BILLET"
    (update,) = recurring["scheduledUpdates"]
    assert update["priceIndex"] == "IPCA"
    assert update["invoiceTemplateId"] == recurring["id"]
    assert update["createdAt"] == "2025-01-06T09:00:00-03:00"
    assert charge["financialAccountId"] == account["id"]
    assert (charge["paymentMethod"], charge["interestType"]) == ("BOLETO", "PERCENTAGE")
    assert (charge["interestValue"], charge["fineValue"]) == ("1", "10.00")
    assert charge["chargingAccountId"] == "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    assert account["updatedAt"] == "2025-01-20T14:32:05.418000-03:00"
    assert (nfse_template["aliquotaIss"], nfse_template["limiteRetencaoIr"]) == ("2.9", "666.67")
    assert email["from"] is None
    assert email["includeBillet"] is True

    shown = post(client, INVOICE_TEMPLATE, {**ORGANIZATION, "id": recurring["id"]})
    assert shown == {"invoiceTemplate": recurring}
    shown = post(client, CHARGE_TEMPLATE, {**ORGANIZATION, "id": charge["id"]})
    assert shown == {"chargeTemplate": charge}
    shown = post(client, FINANCIAL_ACCOUNT, {**ORGANIZATION, "id": account["id"]})
    assert shown == {"financialAccount": account}
    assert len(recorder.requests) == 8


def test_the_template_search_by_type_splits_one_off_from_recurring_templates(
    client: httpx.Client, recorder: Recorder
) -> None:
    everything = post(client, INVOICE_TEMPLATES, ORGANIZATION)["invoiceTemplates"]
    for type_ in ("INVOICE", "INVOICE_RULE"):
        found = post(client, INVOICE_TEMPLATES, {**ORGANIZATION, "type": type_})
        wanted = [t for t in everything if (t["monthQuantity"] is None) == (type_ == "INVOICE")]
        assert found == {"invoiceTemplates": wanted}
    assert [r.query for r in recorder.requests] == ["", "type=invoice", "type=invoice_rule"]


@pytest.mark.parametrize(
    ("document", "variables", "field", "nothing"),
    [
        (INVOICE_TEMPLATES, {}, "invoiceTemplates", []),
        (INVOICE_TEMPLATES, {"type": "INVOICE"}, "invoiceTemplates", []),
        (EMAIL_TEMPLATES, {}, "emailTemplates", []),
        (NFSE_TEMPLATES, {}, "nfseTemplates", []),
        (CHARGE_TEMPLATES, {}, "chargeTemplates", []),
        (FINANCIAL_ACCOUNTS, {}, "financialAccounts", []),
        (INVOICE_TEMPLATE, {"id": "1"}, "invoiceTemplate", None),
        (CHARGE_TEMPLATE, {"id": "1"}, "chargeTemplate", None),
        (FINANCIAL_ACCOUNT, {"id": "1"}, "financialAccount", None),
        (NFSES, {}, "nfses", None),
    ],
    ids=[
        "invoiceTemplates",
        "invoiceTemplates-search",
        "emailTemplates",
        "nfseTemplates",
        "chargeTemplates",
        "financialAccounts",
        "invoiceTemplate",
        "chargeTemplate",
        "financialAccount",
        "nfses",
    ],
)
def test_an_unknown_organization_is_nothing(
    client: httpx.Client,
    recorder: Recorder,
    document: str,
    variables: dict[str, Any],
    field: str,
    nothing: Any,
) -> None:
    data = post(client, document, {"organizationId": "999", **variables})
    if field == "nfses":
        assert data[field]["edges"] == []
        assert data[field]["totalPages"] == 0
    else:
        assert data == {field: nothing}
    (request,) = recorder.requests
    assert request.path.startswith("/api/v1/organizations/999/")


def test_an_id_the_organization_does_not_have_is_null(
    client: httpx.Client, recorder: Recorder
) -> None:
    for document, field in (
        (INVOICE_TEMPLATE, "invoiceTemplate"),
        (CHARGE_TEMPLATE, "chargeTemplate"),
        (FINANCIAL_ACCOUNT, "financialAccount"),
    ):
        assert post(client, document, {**ORGANIZATION, "id": "999"}) == {field: None}
    assert len(recorder.requests) == 3


WALK = """
query Walk($organizationId: ID!, $first: Int, $after: String, $filter: NfseFilter) {
  nfses(organizationId: $organizationId, first: $first, after: $after, filter: $filter) {
    edges { node { id status generatedAt customerType } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
    totalPages
  }
}
"""


def test_a_cursor_walk_serves_each_nfse_once_one_page_per_answer(
    client: httpx.Client, recorder: Recorder
) -> None:
    seen: list[str] = []
    after = None
    while True:
        connection = post(client, WALK, {**ORGANIZATION, "first": 3, "after": after})["nfses"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        assert connection["totalPages"] == 2
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == sorted(seen, key=int)
    assert len(seen) == len(set(seen)) == 4
    assert [dict(query_of(r))["page"] for r in recorder.requests] == ["1", "2"]


@pytest.mark.parametrize(
    ("filter_", "statuses"),
    [
        ({"status": "CANCELLED"}, ["Cancelada"]),
        ({"statusNot": "ISSUED"}, ["Cancelada", "Cancelando"]),
        ({"status": "CANCELLATION_FAILED"}, []),
        ({"generatedAtFrom": "2025-06-02", "generatedAtTo": "2025-06-05"}, ["Emitida"] * 2),
        ({"customerType": "PERSON"}, ["Emitida"]),
        ({"customerId": "2", "customerType": "COMPANY"}, ["Cancelada", "Emitida", "Cancelando"]),
    ],
)
def test_the_filter_reaches_the_sandboxs_predicates(
    client: httpx.Client, recorder: Recorder, filter_: dict[str, str], statuses: list[str]
) -> None:
    connection = post(client, WALK, {**ORGANIZATION, "filter": filter_})["nfses"]
    assert [edge["node"]["status"] for edge in connection["edges"]] == statuses
    (request,) = recorder.requests
    assert all(key.startswith("q[") for key, _ in query_of(request)[2:])
