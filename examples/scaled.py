"""The request and response bodies of every benchmark scenario, built from the documented
example.

The GraphQL side is the seed (`examples.seed`: the full documented input as variables and the
query that selects every response field), so the benchmark follows the schema as it grows.
`items` scales the example: that many receivables and that many services in the input, and
in the upstream's answer.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from examples import seed
from examples.seed import FIXTURES

# The seed's contract. Larger scenarios use the item count as the contract id, which is how
# the upstream stand-in knows how large an invoice to answer with (see `contract_id`).
SEED_CONTRACT_ID = 3


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def contract_id(items: int) -> int:
    """The contract a scenario posts to; the stand-in answers with `items` items for it."""
    return SEED_CONTRACT_ID if items == 1 else items


def rest_path(items: int) -> str:
    return f"/api/v1/contracts/{contract_id(items)}/invoices"


def graphql_body(items: int) -> bytes:
    """`createInvoice` with the full documented input, every response field selected."""
    variables = json.loads(seed.seed_variables_json())
    invoice = variables["input"]
    invoice["contractId"] = str(contract_id(items))
    _scale_amounts(invoice, items, gross="grossValue", payment="paymentValue")
    invoice["receivables"] = _repeat(invoice["receivables"], items)
    invoice["services"] = _repeat(invoice["services"], items)
    return _dumps(
        {"query": seed.CREATE_INVOICE, "variables": variables, "operationName": "CreateInvoice"}
    )


def rest_body(items: int) -> bytes:
    """The same invoice as the REST body the gateway would send (the yardstick's input)."""
    body = _fixture("create-invoice.request.json")
    invoice = body["invoice"]
    invoice["contract_id"] = contract_id(items)
    _scale_amounts(invoice, items, gross="gross_value", payment="payment_value")
    invoice["receivables"] = _repeat(invoice["receivables"], items)
    invoice["services"] = _repeat(invoice["services"], items)
    return _dumps(body)


def invoice_response(items: int) -> bytes:
    """The upstream's 201 body: the documented answer with `items` receivables and services."""
    body = _fixture("create-invoice.response.json")
    invoice = body["invoice"]
    invoice["contract_id"] = contract_id(items)
    for key in ("gross_value", "payment_value"):
        invoice[key] = f"{700 * items}.0"
    receivable, service = invoice["receivables"][0], invoice["services"][0]
    share = f"{100 / items:.4f}".rstrip("0").rstrip(".")
    invoice["receivables"] = [
        {**receivable, "id": receivable["id"] + index, "value": share} for index in range(items)
    ]
    invoice["services"] = [{**service, "id": service["id"] + index} for index in range(items)]
    return _dumps(body)


def _scale_amounts(invoice: dict[str, Any], items: int, *, gross: str, payment: str) -> None:
    if items > 1:
        invoice[gross] = f"{700 * items}.0" if isinstance(invoice[gross], str) else 700.0 * items
        invoice[payment] = 700.0 * items


def _repeat(entries: list[dict[str, Any]], items: int) -> list[dict[str, Any]]:
    (entry,) = entries
    return [copy.deepcopy(entry) for _ in range(items)]
