"""Issue 7's operations through the gateway and the sandbox upstream, both real servers on
loopback; the recorder in front of the sandbox shows the exact REST request each one made."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from examples.seed import (
    APPROVE_INVOICE,
    BLOCK_INVOICE,
    CREATE_INVOICE,
    DELETE_INVOICE,
    GET_INVOICE,
    LATE_INVOICES,
    RECEIVABLES,
    RECEIVE_RECEIVABLE,
    SEARCH_INVOICES,
    THE_SAME_INVOICE_TWICE,
    UNDO_RECEIVABLE_RECEIPT,
    UPDATE_INVOICE,
)
from tests.e2e.conftest import AUTHORIZATION, SANDBOX_TOKEN
from tests.support.recorder import Recorded, Recorder
from tests.support.servers import serve
from upstream_sandbox import Contract
from upstream_sandbox import create_app as create_sandbox
from upstream_sandbox.formats import SAO_PAULO
from upstream_sandbox.store import DEFAULT_CONTRACTS

# Besides the default contracts (organization 1), one organization per test that counts what
# it finds, so invoices other tests create never show up in it.
WALK, LATE, DUE = 20, 21, 22
CONTRACTS = (
    *DEFAULT_CONTRACTS,
    Contract(id=WALK, customer_id=20, customer_type="Company", organization_id=20),
    Contract(id=LATE, customer_id=21, customer_type="Person", organization_id=21),
    Contract(id=DUE, customer_id=22, customer_type="Company", organization_id=22),
)
TODAY = datetime(2025, 7, 1, 9, 30, tzinfo=SAO_PAULO)


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, Recorder]]:
    sandbox = create_sandbox(token=SANDBOX_TOKEN, contracts=CONTRACTS)
    sandbox.state.store.clock = lambda: TODAY
    recorder = Recorder(sandbox)
    with serve(recorder) as url:
        yield url, recorder


def post(client: httpx.Client, query: str, variables: str | dict[str, Any]) -> Any:
    text = variables if isinstance(variables, str) else json.dumps(variables)
    response = client.post(
        "/graphql",
        content=f'{{"query": {json.dumps(query)}, "variables": {text}}}',
        headers={"Content-Type": "application/json", "Authorization": AUTHORIZATION},
    )
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


def create(
    client: httpx.Client,
    contract_id: int = 3,
    *,
    due: tuple[str, ...] = ("2025-06-10",),
    issue_date: str = "2025-06-02",
) -> dict[str, Any]:
    """An invoice of 700.00 split evenly over receivables due on `due`, with one service."""
    share = Decimal("700.00") / len(due)
    variables = {
        "input": {
            "contractId": str(contract_id),
            "description": "Mensalidade",
            "grossValue": "700.00",
            "issueDate": issue_date,
            "receivables": [{"dueDate": day, "grossValue": str(share)} for day in due],
            "services": [{"description": "Consultoria", "units": "7", "unitValue": "100"}],
        }
    }
    payload = post(client, CREATE_INVOICE, variables)["data"]["createInvoice"]
    assert payload["userErrors"] == []
    invoice: dict[str, Any] = payload["invoice"]
    return invoice


def only(recorder: Recorder) -> Recorded:
    (request,) = recorder.requests
    return request


def query_of(request: Recorded) -> list[tuple[str, str]]:
    return parse_qsl(request.query, keep_blank_values=True)


def exact(request: Recorded) -> Any:
    return json.loads(request.body, parse_float=str, parse_int=str)


def test_update_patches_only_what_changed_and_answers_the_invoice_as_it_now_is(
    client: httpx.Client, recorder: Recorder
) -> None:
    invoice = create(client)
    (receivable,) = invoice["receivables"]
    (service,) = invoice["services"]
    recorder.requests.clear()
    variables = f"""{{"input": {{
      "contractId": "3", "id": "{invoice["id"]}", "description": "Mensalidade de julho",
      "grossValue": 1000.00,
      "receivables": [
        {{"id": "{receivable["id"]}", "grossValue": 400.00}},
        {{"dueDate": "2025-08-10", "grossValue": "600.00"}}
      ],
      "services": [{{"id": "{service["id"]}", "destroy": true}}]
    }}}}"""
    result = post(client, UPDATE_INVOICE, variables)

    request = only(recorder)
    assert (request.method, request.path) == (
        "PATCH",
        f"/api/v1/contracts/3/invoices/{invoice['id']}",
    )
    assert request.headers["authorization"] == AUTHORIZATION
    assert exact(request) == {
        "invoice": {
            "gross_value": "1000.00",
            "description": "Mensalidade de julho",
            "receivables": [
                {"id": receivable["id"], "gross_value": "400.00"},
                {"gross_value": "600.00", "due_date": "10-08-2025"},
            ],
            "services": [{"id": service["id"], "_destroy": True}],
        }
    }
    payload = result["data"]["updateInvoice"]
    assert payload["userErrors"] == []
    updated = payload["invoice"]
    assert (updated["id"], updated["description"], updated["grossValue"]) == (
        invoice["id"],
        "Mensalidade de julho",
        "1000.00",
    )
    assert [
        (r["id"] == receivable["id"], r["dueDate"], r["grossValue"]) for r in updated["receivables"]
    ] == [
        (True, "2025-06-10", "400.00"),
        (False, "2025-08-10", "600.00"),
    ]
    assert updated["services"] == []
    assert updated["issueDate"] == invoice["issueDate"]  # not sent, so not changed

    read = post(client, GET_INVOICE, {"contractId": "3", "id": invoice["id"]})
    assert read == {"data": {"invoice": updated}}


def test_update_rejected_by_the_upstream_rules_is_a_user_error(
    client: httpx.Client, recorder: Recorder
) -> None:
    invoice = create(client)
    recorder.requests.clear()
    result = post(
        client,
        UPDATE_INVOICE,
        {"input": {"contractId": "3", "id": invoice["id"], "grossValue": "900.00"}},
    )
    assert result["data"]["updateInvoice"] == {
        "invoice": None,
        "userErrors": [
            {
                "field": ["input", "receivables"],
                "message": "Os vencimentos não totalizam 100%.",
                "code": "INVALID",
            }
        ],
    }
    assert exact(only(recorder)) == {"invoice": {"gross_value": "900.00"}}


def test_update_of_an_item_the_invoice_does_not_have_is_not_found(client: httpx.Client) -> None:
    invoice = create(client)
    result = post(
        client,
        UPDATE_INVOICE,
        {
            "input": {
                "contractId": "3",
                "id": invoice["id"],
                "services": [{"id": "987654", "destroy": True}],
            }
        },
    )
    (error,) = result["data"]["updateInvoice"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "id"], "NOT_FOUND")


def test_delete_then_the_invoice_is_gone(client: httpx.Client, recorder: Recorder) -> None:
    invoice = create(client)
    recorder.requests.clear()
    reference = {"input": {"contractId": "3", "id": invoice["id"]}}

    deleted = post(client, DELETE_INVOICE, reference)

    request = only(recorder)
    assert (request.method, request.path, request.body) == (
        "DELETE",
        f"/api/v1/contracts/3/invoices/{invoice['id']}",
        b"",
    )
    assert deleted == {
        "data": {"deleteInvoice": {"deletedInvoiceId": invoice["id"], "userErrors": []}}
    }
    assert post(client, GET_INVOICE, {"contractId": "3", "id": invoice["id"]}) == {
        "data": {"invoice": None}
    }
    again = post(client, DELETE_INVOICE, reference)
    assert again["data"]["deleteInvoice"] == {
        "deletedInvoiceId": None,
        "userErrors": [
            {"field": ["input", "id"], "message": "Invoice not found.", "code": "NOT_FOUND"}
        ],
    }


def test_approve_and_block_follow_the_upstream_rules(
    client: httpx.Client, recorder: Recorder
) -> None:
    invoice = create(client)
    reference = {"input": {"contractId": "3", "id": invoice["id"]}}
    assert invoice["approvalStatus"] == "APPROVED"
    recorder.requests.clear()

    refused = post(client, APPROVE_INVOICE, reference)["data"]["approveInvoice"]
    blocked = post(client, BLOCK_INVOICE, reference)["data"]["blockInvoice"]
    approved = post(client, APPROVE_INVOICE, reference)["data"]["approveInvoice"]

    assert refused == {
        "invoice": None,
        "userErrors": [
            {"field": None, "message": "O faturamento não pode ser aprovado.", "code": "INVALID"}
        ],
    }
    assert blocked["userErrors"] == []
    assert (blocked["invoice"]["id"], blocked["invoice"]["approvalStatus"]) == (
        invoice["id"],
        "BLOCKED",
    )
    assert approved["invoice"] == {**blocked["invoice"], "approvalStatus": "APPROVED"}
    path = f"/api/v1/contracts/3/invoices/{invoice['id']}"
    assert [(r.method, r.path, r.body) for r in recorder.requests] == [
        ("PATCH", f"{path}/approve", b""),
        ("PATCH", f"{path}/block", b""),
        ("PATCH", f"{path}/approve", b""),
    ]
    assert "content-type" not in recorder.requests[0].headers


def test_receive_and_undo_a_receipt(client: httpx.Client, recorder: Recorder) -> None:
    invoice = create(client, due=("2025-06-10", "2025-07-10"))
    first, second = invoice["receivables"]
    recorder.requests.clear()
    variables = f"""{{"input": {{"contractId": "3", "id": "{first["id"]}",
                   "receivedValue": 50.00, "receivedAt": "2024-10-30"}}}}"""

    received = post(client, RECEIVE_RECEIVABLE, variables)["data"]["receiveReceivable"]

    request = only(recorder)
    assert (request.method, request.path) == (
        "PATCH",
        f"/api/v1/contracts/3/receivables/{first['id']}/receive",
    )
    # REFERENCE.md's form, DD/MM/YYYY, not the create endpoint's DD-MM-YYYY.
    assert request.body == b'{"receivable":{"received_value":50.00,"received_at":"30/10/2024"}}'
    assert received["userErrors"] == []
    assert received["receivable"] == {
        **{k: v for k, v in first.items() if k != "state"},
        "state": "RECEIVED",
        "receivedValue": "50.00",
        "receivedAt": "2024-10-30",
    }

    twice = post(client, RECEIVE_RECEIVABLE, variables)["data"]["receiveReceivable"]
    assert twice["userErrors"] == [
        {"field": None, "message": "O vencimento não pode ser recebido.", "code": "INVALID"}
    ]

    recorder.requests.clear()
    undo = {"input": {"contractId": "3", "id": first["id"]}}
    undone = post(client, UNDO_RECEIVABLE_RECEIPT, undo)["data"]["undoReceivableReceipt"]
    request = only(recorder)
    assert (request.method, request.path, request.body) == (
        "PATCH",
        f"/api/v1/contracts/3/receivables/{first['id']}/undo_receipt",
        b"",
    )
    assert undone["receivable"]["state"] == "TO_RECEIVE"
    assert (undone["receivable"]["receivedValue"], undone["receivable"]["receivedAt"]) == (
        None,
        None,
    )
    again = post(client, UNDO_RECEIVABLE_RECEIPT, undo)["data"]["undoReceivableReceipt"]
    assert again["userErrors"][0]["message"] == "O recebimento do vencimento não pode ser desfeito."
    unknown = post(client, UNDO_RECEIVABLE_RECEIPT, {"input": {"contractId": "3", "id": "987654"}})
    assert unknown["data"]["undoReceivableReceipt"]["userErrors"] == [
        {"field": ["input", "id"], "message": "Receivable not found.", "code": "NOT_FOUND"}
    ]
    assert second["state"] == "TO_EMIT"


def test_late_invoices_are_the_open_ones_past_due(client: httpx.Client, recorder: Recorder) -> None:
    overdue = create(client, LATE, due=("2025-06-10",))
    create(client, LATE, due=("2025-07-10",))
    paid = create(client, LATE, due=("2025-06-15",))
    post(
        client,
        RECEIVE_RECEIVABLE,
        {
            "input": {
                "contractId": str(LATE),
                "id": paid["receivables"][0]["id"],
                "receivedValue": "700.00",
                "receivedAt": "2025-06-15",
            }
        },
    )
    recorder.requests.clear()

    result = post(client, LATE_INVOICES, {"contractId": str(LATE)})

    request = only(recorder)
    assert (request.method, request.path, request.query) == (
        "GET",
        f"/api/v1/contracts/{LATE}/invoices/late",
        "",
    )
    assert result == {
        "data": {
            "lateInvoices": [
                post(client, GET_INVOICE, {"contractId": str(LATE), "id": overdue["id"]})["data"][
                    "invoice"
                ]
            ]
        }
    }
    assert post(client, LATE_INVOICES, {"contractId": "987"}) == {"data": {"lateInvoices": []}}


def test_receivables_of_a_contract_with_their_invoice(
    client: httpx.Client, recorder: Recorder
) -> None:
    june = create(client, DUE, due=("2025-06-10", "2025-07-10"))
    august = create(client, DUE, due=("2025-08-10",))
    recorder.requests.clear()
    variables = {
        "contractId": str(DUE),
        "dueDateFrom": "2025-07-01",
        "dueDateTo": "2025-08-31",
        "state": "TO_EMIT",
    }

    result = post(client, RECEIVABLES, variables)

    request = only(recorder)
    assert (request.method, request.path) == ("GET", f"/api/v1/contracts/{DUE}/receivables/search")
    assert query_of(request) == [
        ("due_date_from", "01-07-2025"),
        ("due_date_to", "31-08-2025"),
        ("state", "to_emit"),
    ]
    found = result["data"]["receivables"]
    assert [(r["id"], r["dueDate"], r["invoice"]["id"]) for r in found] == [
        (june["receivables"][1]["id"], "2025-07-10", june["id"]),
        (august["receivables"][0]["id"], "2025-08-10", august["id"]),
    ]
    assert found[0]["invoice"] == {**june, "receivables": None}
    assert post(client, RECEIVABLES, {"contractId": "987"}) == {"data": {"receivables": []}}


def walk(
    client: httpx.Client, recorder: Recorder, sizes: list[int], **variables: Any
) -> tuple[list[str], list[list[Recorded]]]:
    served: list[str] = []
    calls: list[list[Recorded]] = []
    after = None
    for turn in range(30):
        recorder.requests.clear()
        first = sizes[min(turn, len(sizes) - 1)]
        result = post(
            client,
            SEARCH_INVOICES,
            {"organizationId": str(WALK), "first": first, "after": after, **variables},
        )
        calls.append(list(recorder.requests))
        connection = result["data"]["invoices"]
        served += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return served, calls
        after = connection["pageInfo"]["endCursor"]
    raise AssertionError("the walk did not end")


@pytest.fixture(scope="module")
def twenty_three(upstream: tuple[str, Recorder], gateway_url: str) -> list[str]:
    with httpx.Client(base_url=gateway_url, timeout=10) as client:
        return [create(client, WALK, issue_date=f"2025-06-{day:02d}")["id"] for day in range(1, 24)]


def test_a_full_walk_of_23_invoices_seven_at_a_time(
    client: httpx.Client, recorder: Recorder, twenty_three: list[str]
) -> None:
    served, calls = walk(client, recorder, [7])
    assert served == twenty_three
    assert [len(made) for made in calls] == [1, 1, 1, 1]
    assert [dict(query_of(made[0])) for made in calls] == [
        {"page": str(page), "per_page": "7"} for page in (1, 2, 3, 4)
    ]
    assert {made[0].path for made in calls} == {f"/api/v1/organizations/{WALK}/invoices/search"}


def test_a_walk_changing_first_midway_never_needs_more_than_two_calls(
    client: httpx.Client, recorder: Recorder, twenty_three: list[str]
) -> None:
    served, calls = walk(client, recorder, [7, 5, 10, 4])
    assert served == twenty_three
    assert max(len(made) for made in calls) == 2
    assert min(len(made) for made in calls) == 1


def test_search_filters_reach_the_upstream_and_narrow_the_result(
    client: httpx.Client, recorder: Recorder, twenty_three: list[str]
) -> None:
    result_filter = {
        "filter": {
            "issueDateFrom": "2025-06-05",
            "issueDateTo": "2025-06-09",
            "contractId": str(WALK),
            "customerType": "COMPANY",
            "state": "TO_EMIT",
        }
    }
    served, calls = walk(client, recorder, [3], **result_filter)
    assert served == twenty_three[4:9]
    assert dict(query_of(calls[0][0])) == {
        "page": "1",
        "per_page": "3",
        "q[issue_date_gteq]": "05-06-2025",
        "q[issue_date_lteq]": "09-06-2025",
        "q[state_eq]": "to_emit",
        "q[customer_type_eq]": "Company",
        "q[contract_id_eq]": str(WALK),
    }
    late, _ = walk(client, recorder, [50], filter={"state": "LATE"})
    assert late == twenty_three  # every one has its receivable due 2025-06-10, before "today"


def test_an_unknown_organization_has_no_invoices(client: httpx.Client) -> None:
    result = post(client, SEARCH_INVOICES, {"organizationId": "987"})
    assert result["data"]["invoices"]["edges"] == []
    assert result["data"]["invoices"]["pageInfo"]["hasNextPage"] is False


def test_the_same_invoice_twice_in_one_request_is_one_get(
    client: httpx.Client, recorder: Recorder
) -> None:
    invoice = create(client)
    recorder.requests.clear()
    result = post(client, THE_SAME_INVOICE_TWICE, {"contractId": "3", "id": invoice["id"]})
    assert result == {"data": {"a": {"id": invoice["id"]}, "b": {"state": "TO_EMIT"}}}
    request = only(recorder)
    assert (request.method, request.path) == (
        "GET",
        f"/api/v1/contracts/3/invoices/{invoice['id']}",
    )


def test_a_wrong_token_is_unauthenticated_for_reads_and_changes(gateway_url: str) -> None:
    with httpx.Client(base_url=gateway_url, timeout=10) as client:
        for query, variables, field in (
            (SEARCH_INVOICES, {"organizationId": "1"}, "invoices"),
            (APPROVE_INVOICE, {"input": {"contractId": "3", "id": "1"}}, "approveInvoice"),
        ):
            response = client.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": "Token token=wrong"},
            )
            (error,) = response.json()["errors"]
            assert (error["path"], error["extensions"]["code"]) == ([field], "UNAUTHENTICATED")


@pytest.mark.parametrize(
    ("percentages", "amounts"),
    [
        # The official client's recorded traffic splits invoices these two ways.
        (("50", "50"), ("350.00", "350.00")),
        (("33.3333", "66.6667"), ("233.33", "466.67")),
    ],
)
def test_deprecated_percentages_are_sent_as_value_and_win_over_gross_value(
    client: httpx.Client,
    recorder: Recorder,
    percentages: tuple[str, str],
    amounts: tuple[str, str],
) -> None:
    recorder.requests.clear()
    first, second = percentages
    variables = f"""{{"input": {{
      "contractId": "3", "description": "Mensalidade", "grossValue": 700.00,
      "issueDate": "2025-06-02",
      "receivables": [
        {{"dueDate": "2025-06-10", "value": {first}, "grossValue": 1.00}},
        {{"dueDate": "2025-07-10", "value": {second}}}
      ]
    }}}}"""
    result = post(client, CREATE_INVOICE, variables)

    request = only(recorder)
    assert (request.method, request.path) == ("POST", "/api/v1/contracts/3/invoices")
    assert exact(request)["invoice"]["receivables"] == [
        {"due_date": "10-06-2025", "gross_value": "1.00", "value": first},
        {"due_date": "10-07-2025", "value": second},
    ]
    payload = result["data"]["createInvoice"]
    assert payload["userErrors"] == []
    receivables = payload["invoice"]["receivables"]
    # Decimal travels as a string with its exact digits.
    assert [(r["value"], r["grossValue"]) for r in receivables] == list(
        zip(percentages, amounts, strict=True)
    )

    recorder.requests.clear()
    changed = post(
        client,
        UPDATE_INVOICE,
        {
            "input": {
                "contractId": "3",
                "id": payload["invoice"]["id"],
                "receivables": [
                    {"id": receivables[0]["id"], "value": "25"},
                    {"id": receivables[1]["id"], "value": "75"},
                ],
            }
        },
    )
    assert exact(only(recorder))["invoice"]["receivables"] == [
        {"id": receivables[0]["id"], "value": "25"},
        {"id": receivables[1]["id"], "value": "75"},
    ]
    updated = changed["data"]["updateInvoice"]["invoice"]["receivables"]
    assert [(r["value"], r["grossValue"]) for r in updated] == [("25", "175.00"), ("75", "525.00")]
