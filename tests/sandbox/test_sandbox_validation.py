"""Create validations: each rule's exact 422 body, and the 400s of malformed requests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from .support import minimal_invoice, without_data_set

pytestmark = pytest.mark.asyncio


@pytest.fixture
def sandbox() -> Starlette:
    return without_data_set()


BLANK = "não pode ficar em branco"
NOT_NUMERIC = "deve ser numérico"
INVALID_DATE = "não é uma data válida"
NOT_IN_LIST = "não está incluído na lista"
TWO_RECEIVABLES = [
    {"gross_value": 350, "due_date": "10-06-2025"},
    {"gross_value": 350, "due_date": "10-07-2025"},
]

CASES: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    ("missing description", {"description": None}, {"description": BLANK}),
    ("blank description", {"description": "  "}, {"description": BLANK}),
    ("no receivables", {"receivables": []}, {"receivables": BLANK}),
    (
        "receivable without due date",
        {"receivables": [{"gross_value": 700}]},
        {"receivables.due_date": BLANK},
    ),
    (
        "receivable with a bad due date",
        {"receivables": [{"gross_value": 700, "due_date": "31-02-2025"}]},
        {"receivables.due_date": INVALID_DATE},
    ),
    (
        "non-numeric units",
        {"services": [{"description": "x", "units": "sete", "unit_value": 100}]},
        {"services.units": NOT_NUMERIC},
    ),
    (
        "non-numeric unit value",
        {"services": [{"description": "x", "units": 7, "unit_value": "cem"}]},
        {"services.unit_value": NOT_NUMERIC},
    ),
    (
        "boolean is not numeric",
        {"services": [{"description": "x", "units": True, "unit_value": 1}]},
        {"services.units": NOT_NUMERIC},
    ),
    (
        "amounts not adding up",
        {"receivables": [{"gross_value": 350, "due_date": "10-06-2025"}]},
        {"receivables": "Os vencimentos não totalizam 100%."},
    ),
    (
        "percentages not adding up",
        {"receivables": [{"value": 50, "due_date": "10-06-2025"}]},
        {"receivables": "Os vencimentos não totalizam 100%."},
    ),
    (
        "receivables stating no share at all",
        {"receivables": [{"due_date": "10-06-2025"}]},
        {"receivables": "Os vencimentos não totalizam 100%."},
    ),
    (
        "some receivables without gross value",
        {"receivables": [TWO_RECEIVABLES[0], {"due_date": "10-07-2025"}]},
        {"receivables.gross_value": BLANK},
    ),
    ("unparseable issue date", {"issue_date": "2025/13/45"}, {"issue_date": INVALID_DATE}),
    ("missing issue date", {"issue_date": ""}, {"issue_date": BLANK}),
    ("unparseable accrual date", {"accrual_date": "junho"}, {"accrual_date": INVALID_DATE}),
    ("missing gross value", {"gross_value": None}, {"gross_value": BLANK}),
    ("non-numeric gross value", {"gross_value": "muito"}, {"gross_value": NOT_NUMERIC}),
    ("approval status", {"approval_status": "pending"}, {"approval_status": NOT_IN_LIST}),
    ("management type", {"management_type": "auto"}, {"management_type": NOT_IN_LIST}),
    (
        "payment method",
        {"payment_information": {"payment_method": "pix"}},
        {"payment_information.payment_method": NOT_IN_LIST},
    ),
    (
        "automatic without template",
        {"management_type": "automatic"},
        {"automatic_email_template_id": BLANK},
    ),
    (
        "charge now while manual",
        {"charge_now": True, "payment_information": {"payment_method": "billet"}},
        {"charge_now": "só é permitido com gestão automática e pagamento por boleto"},
    ),
    (
        "charge now without billet",
        {
            "charge_now": True,
            "management_type": "automatic",
            "automatic_email_template_id": 1,
            "payment_information": {"payment_method": "transfer"},
        },
        {"charge_now": "só é permitido com gestão automática e pagamento por boleto"},
    ),
    (
        "attachment not base64",
        {"attachments": [{"filename": "a.pdf", "content": "não é base64!"}]},
        {"attachments.content": "não é válido"},
    ),
]


@pytest.mark.parametrize(
    ("overrides", "errors"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
async def test_each_rule_answers_its_exact_error(
    api: httpx.AsyncClient, overrides: dict[str, Any], errors: dict[str, str]
) -> None:
    response = await api.post(
        "/contracts/3/invoices", json={"invoice": minimal_invoice(**overrides)}
    )

    assert response.status_code == 422
    assert response.json() == {"errors": errors}


async def test_all_errors_are_answered_together(sandbox: Starlette, api: httpx.AsyncClient) -> None:
    invoice = minimal_invoice(
        description="",
        receivables=[
            {"gross_value": 100, "due_date": "10-06-2025"},
            {"gross_value": 100},
            {"gross_value": 100},
        ],
        services=[
            {"units": "x", "unit_value": "y"},
            {"units": "z", "unit_value": 1},
        ],
        payment_information={"payment_method": "cheque"},
    )

    response = await api.post("/contracts/3/invoices", json={"invoice": invoice})

    assert response.status_code == 422
    assert response.json() == {
        "errors": {
            "description": BLANK,
            "receivables.due_date": BLANK,
            "services.units": NOT_NUMERIC,
            "services.unit_value": NOT_NUMERIC,
            "payment_information.payment_method": NOT_IN_LIST,
        }
    }
    assert sandbox.state.store.invoices == {}


async def test_the_100_percent_rule_is_reported_with_other_errors(
    api: httpx.AsyncClient,
) -> None:
    invoice = minimal_invoice(description="", receivables=[TWO_RECEIVABLES[0]])

    response = await api.post("/contracts/3/invoices", json={"invoice": invoice})

    assert response.json() == {
        "errors": {"description": BLANK, "receivables": "Os vencimentos não totalizam 100%."}
    }


@pytest.mark.parametrize("issue_date", ["02-06-2025", "2025-06-02", "02/06/2025"])
async def test_request_dates_accept_documented_and_iso_formats(
    api: httpx.AsyncClient, issue_date: str
) -> None:
    response = await api.post(
        "/contracts/3/invoices", json={"invoice": minimal_invoice(issue_date=issue_date)}
    )

    assert response.status_code == 201
    assert response.json()["invoice"]["issue_date"] == "02/06/2025"


async def test_documented_attachment_content_is_lenient_base64(api: httpx.AsyncClient) -> None:
    # The documented example sends "tst": unpadded, yet accepted upstream.
    attachments = [{"filename": "a", "content": c} for c in ("tst", "dGVzdA==", "dGVz\ndA")]

    response = await api.post(
        "/contracts/3/invoices", json={"invoice": minimal_invoice(attachments=attachments)}
    )

    assert response.status_code == 201


async def test_charge_now_with_automatic_billet_is_accepted(api: httpx.AsyncClient) -> None:
    invoice = minimal_invoice(
        charge_now=True,
        management_type="automatic",
        automatic_email_template_id=3,
        payment_information={"payment_method": "billet"},
    )

    response = await api.post("/contracts/3/invoices", json={"invoice": invoice})

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "Error occurred while parsing request parameters"),
        (b"", "Error occurred while parsing request parameters"),
        (b'{"invoice": NaN}', "Error occurred while parsing request parameters"),
        (b"[]", "param is missing or the value is empty: invoice"),
        (b'{"fatura": {}}', "param is missing or the value is empty: invoice"),
        (b'{"invoice": {}}', "param is missing or the value is empty: invoice"),
        (b'{"invoice": "x"}', "param is missing or the value is empty: invoice"),
    ],
)
async def test_a_body_without_an_invoice_object_is_a_400(
    api: httpx.AsyncClient, content: bytes, message: str
) -> None:
    response = await api.post("/contracts/3/invoices", content=content)

    assert response.status_code == 400
    assert response.json() == {"errors": message}


@pytest.mark.parametrize(
    "overrides",
    [{"receivables": {"due_date": "10-06-2025"}}, {"services": ["x"]}, {"payment_information": 1}],
)
async def test_nested_values_of_the_wrong_kind_are_a_400(
    api: httpx.AsyncClient, overrides: dict[str, Any]
) -> None:
    response = await api.post(
        "/contracts/3/invoices", json={"invoice": minimal_invoice(**overrides)}
    )

    assert response.status_code == 400
    assert isinstance(response.json()["errors"], str)
