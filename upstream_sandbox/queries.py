"""Query-string handling of the search endpoints: paging and Ransack-style filters.

Blank parameters are ignored, as Ransack does; malformed ones are a 400.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from .errors import BadRequest
from .formats import parse_request_date, to_int
from .models import RECEIVABLE_STATES, Invoice, Receivable

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
INVOICE_STATES = ("to_emit", "to_receive", "received", "cancelled", "late")

InvoiceFilter = Callable[[Invoice], bool]
ReceivableFilter = Callable[[Receivable], bool]
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    def total_pages(self, total: int) -> int:
        return -(-total // self.size)

    def slice(self, items: list[T]) -> list[T]:
        start = (self.number - 1) * self.size
        return items[start : start + self.size]


def parse_page(params: Mapping[str, str]) -> Page:
    number = _int_param(params, "page", 1)
    size = _int_param(params, "per_page", DEFAULT_PER_PAGE)
    if number < 1:
        raise BadRequest("page deve ser maior ou igual a 1")
    if not 1 <= size <= MAX_PER_PAGE:
        raise BadRequest(f"per_page deve estar entre 1 e {MAX_PER_PAGE}")
    return Page(number, size)


def invoice_filters(params: Mapping[str, str], today: date) -> list[InvoiceFilter]:
    filters: list[InvoiceFilter] = []
    if (low := _date_param(params, "q[issue_date_gteq]")) is not None:
        filters.append(lambda i: i.fields.issue_date >= low)
    if (high := _date_param(params, "q[issue_date_lteq]")) is not None:
        filters.append(lambda i: i.fields.issue_date <= high)
    due_from = _date_param(params, "q[receivables_due_date_gteq]")
    due_to = _date_param(params, "q[receivables_due_date_lteq]")
    if due_from is not None or due_to is not None:
        # Ransack joins receivables, so both bounds apply to the same receivable.
        in_range = _due_between(due_from, due_to)
        filters.append(lambda i: any(in_range(r) for r in i.receivables))
    if state := _choice_param(params, "q[state_eq]", INVOICE_STATES):
        if state == "late":
            filters.append(lambda i: i.is_late(today))
        else:
            filters.append(lambda i: i.state == state)
    for key, attribute in (
        ("q[customer_id_eq]", "customer_id"),
        ("q[contract_id_eq]", "id"),
    ):
        if (wanted := _optional_int(params, key)) is not None:
            filters.append(_contract_attribute(attribute, wanted))
    if customer_type := params.get("q[customer_type_eq]", "").strip():
        filters.append(lambda i: i.contract.customer_type == customer_type)
    return filters


def receivable_filters(params: Mapping[str, str], today: date) -> list[ReceivableFilter]:
    filters: list[ReceivableFilter] = [
        _due_between(_date_param(params, "due_date_from"), _date_param(params, "due_date_to"))
    ]
    if state := _choice_param(params, "state", (*RECEIVABLE_STATES, "late")):
        if state == "late":
            filters.append(lambda r: r.is_open and r.data.due_date < today)
        else:
            filters.append(lambda r: r.state == state)
    return filters


def _due_between(low: date | None, high: date | None) -> ReceivableFilter:
    def in_range(receivable: Receivable) -> bool:
        due = receivable.data.due_date
        return (low is None or due >= low) and (high is None or due <= high)

    return in_range


def _contract_attribute(attribute: str, wanted: int) -> InvoiceFilter:
    return lambda i: bool(getattr(i.contract, attribute) == wanted)


def _int_param(params: Mapping[str, str], key: str, default: int) -> int:
    value = _optional_int(params, key)
    return default if value is None else value


def _optional_int(params: Mapping[str, str], key: str) -> int | None:
    text = params.get(key, "").strip()
    if not text:
        return None
    value = to_int(text)
    if value is None:
        raise BadRequest(f"{key} deve ser um número inteiro")
    return value


def _date_param(params: Mapping[str, str], key: str) -> date | None:
    text = params.get(key, "").strip()
    if not text:
        return None
    value = parse_request_date(text)
    if value is None:
        raise BadRequest(f"{key} não é uma data válida (use DD-MM-AAAA)")
    return value


def _choice_param(params: Mapping[str, str], key: str, allowed: tuple[str, ...]) -> str | None:
    text = params.get(key, "").strip()
    if text and text not in allowed:
        raise BadRequest(f"{key} deve ser um de: {', '.join(allowed)}")
    return text or None
