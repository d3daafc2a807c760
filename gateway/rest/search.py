"""Query strings of the search endpoints. Pure functions.

Only the criteria the client gave are sent; dates go as `DD-MM-YYYY`. An id that is not a
number raises `ValueError`: no invoice can match it, so callers answer without calling.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from strawberry.types.unset import UnsetType

from gateway.rest.writer import enum_value, integer_id, upstream_date
from gateway.types.invoice import InvoiceFilter
from gateway.types.receivable import ReceivableState


def _id(value: str) -> str:
    return str(integer_id(value))


# Filter field -> the upstream's Ransack predicate (sent as `q[predicate]`).
_INVOICE_PREDICATES: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("issue_date_from", "issue_date_gteq", upstream_date),
    ("issue_date_to", "issue_date_lteq", upstream_date),
    ("receivables_due_date_from", "receivables_due_date_gteq", upstream_date),
    ("receivables_due_date_to", "receivables_due_date_lteq", upstream_date),
    ("state", "state_eq", enum_value),
    ("customer_id", "customer_id_eq", _id),
    ("customer_type", "customer_type_eq", enum_value),
    ("contract_id", "contract_id_eq", _id),
)


def invoice_search_params(
    filter: InvoiceFilter | None, *, page: int, per_page: int
) -> dict[str, str]:
    """`GET organizations/{id}/invoices/search`: the page, then `q[...]` per criterion."""
    params = {"page": str(page), "per_page": str(per_page)}
    if filter is None:
        return params
    for name, predicate, convert in _INVOICE_PREDICATES:
        value = getattr(filter, name)
        # A null criterion is no criterion: the upstream has no "is null" filter here.
        if value is not None and not isinstance(value, UnsetType):
            params[f"q[{predicate}]"] = convert(value)
    return params


def receivable_search_params(
    due_date_from: dt.date | None, due_date_to: dt.date | None, state: ReceivableState | None
) -> dict[str, str]:
    """`GET contracts/{id}/receivables/search`."""
    params: dict[str, str] = {}
    if due_date_from is not None:
        params["due_date_from"] = upstream_date(due_date_from)
    if due_date_to is not None:
        params["due_date_to"] = upstream_date(due_date_to)
    if state is not None:
        params["state"] = enum_value(state)
    return params
