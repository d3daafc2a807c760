"""Query strings of the search endpoints. Pure functions.

Only the criteria the client gave are sent; dates go as `DD-MM-YYYY`. An id that is not a
number raises `ValueError`: no invoice can match it, so callers answer without calling.
"""

from __future__ import annotations

import datetime as dt

from gateway.rest.translate import query_params
from gateway.rest.writer import enum_value, upstream_date
from gateway.types.invoice import InvoiceFilter
from gateway.types.receivable import ReceivableState


def invoice_search_params(
    filter: InvoiceFilter | None, *, page: int, per_page: int
) -> dict[str, str]:
    """`GET organizations/{id}/invoices/search`: the page, then each criterion as the
    Ransack predicate its field declares, sent as `q[predicate]`."""
    params = {"page": str(page), "per_page": str(per_page)}
    if filter is not None:
        params |= query_params(filter, "q[{}]")
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
