"""Create and read: the documented example round-trips in the upstream's exact formats."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from upstream_sandbox import Contract, create_app
from upstream_sandbox.store import DEFAULT_CONTRACTS

from .support import client_for, create_invoice, minimal_invoice, without_data_set

pytestmark = pytest.mark.asyncio


@pytest.fixture
def sandbox() -> Starlette:
    return without_data_set()


TIMESTAMP = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2} -03:00")
ATTACHMENT_URL = re.compile(r"/system/attachments/attachments/\d{3}/\d{3}/\d{3}/original/.+\?\d+")
# What may differ from the documented example: the ids and the moment of creation.
VOLATILE = {"id", "invoice_id", "created_at", "url"}


def assert_same_shape(expected: Any, actual: Any, path: str = "invoice") -> None:
    """Same keys in the same order, same types, same values except the volatile ones."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        assert list(actual) == list(expected), path
        for key, value in expected.items():
            if key in VOLATILE:
                assert type(actual[key]) is type(value), f"{path}.{key}"
            else:
                assert_same_shape(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), path
        assert len(actual) == len(expected), path
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            assert_same_shape(want, got, f"{path}[{index}]")
    else:
        assert actual == expected, path
        assert type(actual) is type(expected), path


async def test_documented_example_answers_like_documented(
    api: httpx.AsyncClient, seed_request: dict[str, Any], seed_response: dict[str, Any]
) -> None:
    response = await api.post("/contracts/3/invoices", json=seed_request)

    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert_same_shape(seed_response, body)
    invoice = body["invoice"]
    for item in (invoice, invoice["receivables"][0], invoice["payment_information"]):
        assert TIMESTAMP.fullmatch(item["created_at"])
    attachment = invoice["attachments"][0]
    assert attachment["url"] == (
        f"/system/attachments/attachments/000/000/{attachment['id']:03d}/original/teste"
        f"?{attachment['url'].rsplit('?', 1)[1]}"
    )
    assert invoice["receivables"][0]["invoice_id"] == invoice["id"]


async def test_created_invoice_reads_back_identically(
    api: httpx.AsyncClient, seed_request: dict[str, Any]
) -> None:
    created = (await api.post("/contracts/3/invoices", json=seed_request)).json()

    response = await api.get(f"/contracts/3/invoices/{created['invoice']['id']}")

    assert response.status_code == 200
    assert response.json() == created


async def test_reading_an_unknown_or_foreign_invoice_is_an_empty_404(
    api: httpx.AsyncClient,
) -> None:
    invoice = await create_invoice(api, contract_id=3)

    for path in (f"/contracts/2/invoices/{invoice['id']}", "/contracts/3/invoices/999"):
        response = await api.get(path)
        assert response.status_code == 404
        assert response.content == b""


@pytest.mark.parametrize(
    ("sent", "returned"),
    [
        ("700", "700.0"),
        ("700.5", "700.5"),
        ("700.25", "700.25"),
        ("700.50", "700.5"),
        ("1e3", "1000.0"),
        ('"700.10"', "700.1"),
        ("0.1", "0.1"),
    ],
)
async def test_amounts_are_rails_decimal_strings(
    api: httpx.AsyncClient, sent: str, returned: str
) -> None:
    body = (
        '{"invoice": {"description": "x", "issue_date": "02-06-2025", '
        f'"gross_value": {sent}, "receivables": [{{"value": 100, "due_date": "10-06-2025"}}]}}}}'
    )
    response = await api.post("/contracts/3/invoices", content=body)

    assert response.status_code == 201, response.text
    invoice = response.json()["invoice"]
    assert invoice["gross_value"] == returned
    assert invoice["payment_value"] == returned
    assert invoice["receivables"][0]["gross_value"] == returned
    assert invoice["receivables"][0]["value"] == "100.0"


async def test_defaults_come_from_the_contract_and_the_issue_date(
    api: httpx.AsyncClient,
) -> None:
    invoice = await create_invoice(api, contract_id=1, issue_date="2025-07-15")

    assert invoice["customer_id"] == 1
    assert invoice["customer_type"] == "Person"
    assert invoice["issue_date"] == invoice["estimated_issue_date"] == "15/07/2025"
    assert invoice["accrual_date"] == "2025-07-01"
    assert invoice["state"] == "to_emit"
    assert invoice["approval_status"] == "approved"
    assert invoice["management_type"] == "manual"
    assert invoice["number"] is None
    assert invoice["payment_information"] is None
    assert invoice["services"] == []
    assert invoice["attachments"] == []


async def test_sent_values_are_kept_in_response_formats(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(
        api,
        number=15,
        accrual_date="05/2025",
        estimated_issue_date="20/06/2025",
        approval_status="blocked",
        management_type="automatic",
        automatic_email_template_id="7",
        issue_nfse=True,
        nfse_template_id=4,
        payment_value=650.5,
        payment_information={"payment_method": "payment_gateway", "installments": 3},
        charge_now=False,
    )

    assert invoice["number"] == "15"
    assert invoice["accrual_date"] == "2025-05-01"
    assert invoice["estimated_issue_date"] == "20/06/2025"
    assert invoice["approval_status"] == "blocked"
    assert invoice["management_type"] == "automatic"
    assert invoice["automatic_email_template_id"] == 7
    assert invoice["nfse_template_id"] == 4
    assert invoice["payment_value"] == "650.5"
    assert invoice["receivables"][0]["payment_value"] == "650.5"
    payment = invoice["payment_information"]
    assert payment["payment_method"] == "payment_gateway"
    assert payment["installments"] == 3
    assert payment["cobrato_card_id"] == payment["card_expiration_year"] == "--"


async def test_receivables_split_by_amount_or_by_percentage(api: httpx.AsyncClient) -> None:
    by_amount = await create_invoice(
        api,
        gross_value=300,
        receivables=[
            {"gross_value": 100, "due_date": "10-06-2025"},
            {"gross_value": 200, "due_date": "10-07-2025"},
        ],
    )
    by_percentage = await create_invoice(
        api,
        gross_value=100,
        receivables=[
            {"value": 33.33, "due_date": "10-06-2025"},
            {"value": 33.33, "due_date": "10-07-2025"},
            # `value` wins over `gross_value` when both are sent.
            {"value": 33.34, "gross_value": 99, "due_date": "10-08-2025"},
        ],
    )

    assert [(r["value"], r["gross_value"]) for r in by_amount["receivables"]] == [
        ("33.33", "100.0"),
        ("66.67", "200.0"),
    ]
    assert [(r["value"], r["gross_value"]) for r in by_percentage["receivables"]] == [
        ("33.33", "33.33"),
        ("33.33", "33.33"),
        ("33.34", "33.34"),
    ]
    assert [r["due_date"] for r in by_percentage["receivables"]] == [
        "10/06/2025",
        "10/07/2025",
        "10/08/2025",
    ]


async def test_services_compute_their_value_when_not_sent(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(
        api, services=[{"description": "Horas", "units": "2.5", "unit_value": 80}]
    )

    assert invoice["services"] == [
        {
            "id": invoice["services"][0]["id"],
            "name": "Horas",
            "description": "Horas",
            "unit_value": "80.0",
            "units": "2.5",
            "value": "200.0",
        }
    ]


async def test_each_resource_type_has_its_own_id_sequence(api: httpx.AsyncClient) -> None:
    first = await create_invoice(api, services=[{"units": 1, "unit_value": 1}])
    second = await create_invoice(
        api,
        receivables=[
            {"gross_value": 350, "due_date": "10-06-2025"},
            {"gross_value": 350, "due_date": "10-07-2025"},
        ],
    )

    assert (first["id"], second["id"]) == (1, 2)
    assert [r["id"] for r in first["receivables"] + second["receivables"]] == [1, 2, 3]
    assert first["services"][0]["id"] == 1


async def test_apps_share_no_state(sandbox: Starlette, api: httpx.AsyncClient) -> None:
    await create_invoice(api)
    other = create_app(contracts=DEFAULT_CONTRACTS)

    async with client_for(other, token="anything") as other_api:
        assert (await other_api.get("/contracts/3/invoices/1")).status_code == 404
        assert (await create_invoice(other_api))["id"] == 1
    assert len(sandbox.state.store.invoices) == 1
    assert len(other.state.store.invoices) == 1


async def test_custom_contracts_replace_the_defaults() -> None:
    app = create_app(
        contracts=[Contract(id=10, customer_id=99, customer_type="Person", organization_id=5)]
    )

    async with client_for(app) as api:
        invoice = await create_invoice(api, contract_id=10)
        assert (invoice["customer_id"], invoice["customer_type"]) == (99, "Person")
        response = await api.post("/contracts/3/invoices", json={"invoice": minimal_invoice()})
        assert response.status_code == 404


async def test_duplicate_contract_ids_are_refused() -> None:
    contract = Contract(id=1, customer_id=1, customer_type="Person", organization_id=1)
    with pytest.raises(ValueError, match="duplicate"):
        create_app(contracts=[contract, contract])


async def test_attachment_url_follows_paperclip_layout(api: httpx.AsyncClient) -> None:
    invoice = await create_invoice(
        api,
        attachments=[
            {"filename": "planilha final.xlsx", "content": "dGVzdA==", "content_type": "x"}
        ],
    )

    url = invoice["attachments"][0]["url"]
    assert ATTACHMENT_URL.fullmatch(url)
    assert "/000/000/001/original/planilha%20final.xlsx?" in url
