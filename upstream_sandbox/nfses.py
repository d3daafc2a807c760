"""The NFS-e an organization issued, and their search, which is all the API does with them.

`GET organizations/{organization_id}/nfses/search` pages like the invoice search (`page`,
`per_page` up to 100) and filters with Ransack predicates, `q[<attribute>_<predicate>]`:
`eq`, `not_eq`, `gteq`, `lteq`, and `in` / `not_in` as arrays (`q[id_in][]=1`). Ransack
ignores a condition it does not know (an attribute it does not search, or no predicate, as
the documented example's own `q[status]=1`), and so does the sandbox; a value it cannot read
(a day that is not DD/MM/YYYY, an id that is not a number) is a 400, as for invoices. The
status is filtered by its numeric code and answered as its Portuguese label; `generated_at`
is compared by its day.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.types.nfse import Nfse

from .errors import BadRequest
from .formats import parse_request_date, to_int
from .nfse_seed import seed
from .queries import parse_page
from .render import Record, render
from .routing import endpoint, path_int
from .store import Store
from .templates import ORGANIZATION, known_organization

# The documented codes of the search's `status`, and the labels the answers carry.
STATUS_LABELS = {1: "Emitida", 2: "Cancelada", 4: "Cancelando", 6: "Erro no cancelamento"}

Values = dict[str, Any]
Filter = Callable[[Values], bool]

_CONDITION = re.compile(
    r"q\[(?P<attribute>[a-z_]+?)_(?P<predicate>not_eq|eq|gteq|lteq|not_in|in)\]"
)


class Nfses:
    """The NFS-e of one store, each as the values it renders from; seeded with the default
    data set's."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.by_id: dict[int, Values] = {}
        if store.seeded:
            for values in seed(store):
                self.by_id[values["id"]] = values

    def of(self, organization_id: int) -> list[Values]:
        return [
            self.by_id[key]
            for key in sorted(self.by_id)
            if self.by_id[key]["organization_id"] == organization_id
        ]


def status_code(values: Values) -> int | None:
    return next((code for code, label in STATUS_LABELS.items() if label == values["status"]), None)


def _day(values: Values, attribute: str) -> date | None:
    value = values.get(attribute)
    return value.date() if isinstance(value, datetime) else value


# What each searchable attribute compares, read from an NFS-e, and how a value is read.
_ATTRIBUTES: Mapping[str, tuple[Callable[[Values], Any], str]] = {
    "id": (lambda v: v["id"], "integer"),
    "status": (status_code, "integer"),
    "generated_at": (lambda v: _day(v, "generated_at"), "day"),
    "accrual_date": (lambda v: _day(v, "accrual_date"), "day"),
    "customer_id": (lambda v: v["customer_id"], "integer"),
    "customer_type": (lambda v: v["customer_type"], "text"),
    "invoice_id": (lambda v: v["invoice_id"], "integer"),
    "nfse_number": (lambda v: v["nfse_number"], "text"),
}


def nfse_filters(params: QueryParams) -> list[Filter]:
    filters: list[Filter] = []
    for key in dict.fromkeys(params.keys()):
        match = _CONDITION.fullmatch(key.removesuffix("[]"))
        if match is None or match["attribute"] not in _ATTRIBUTES:
            continue
        read, kind = _ATTRIBUTES[match["attribute"]]
        predicate = match["predicate"]
        if predicate.endswith("in"):
            wanted = {_value(key, text, kind) for text in params.getlist(key) if text.strip()}
            if wanted:
                filters.append(_membership(read, wanted, negated=predicate == "not_in"))
        elif (text := params.get(key, "").strip()) != "":
            filters.append(_comparison(read, predicate, _value(key, text, kind)))
    return filters


def _value(key: str, text: str, kind: str) -> object:
    if kind == "integer":
        number = to_int(text.strip())
        if number is None:
            raise BadRequest(f"{key} deve ser um número inteiro")
        return number
    if kind == "day":
        day = parse_request_date(text)
        if day is None:
            raise BadRequest(f"{key} não é uma data válida (use DD/MM/AAAA)")
        return day
    return text.strip()


def _comparison(read: Callable[[Values], Any], predicate: str, wanted: Any) -> Filter:
    def holds(values: Values) -> bool:
        actual = read(values)
        if predicate == "eq":
            return bool(actual == wanted)
        if predicate == "not_eq":
            return bool(actual != wanted)
        # SQL: a null compares as neither greater nor smaller.
        if actual is None:
            return False
        return bool(actual >= wanted if predicate == "gteq" else actual <= wanted)

    return holds


def _membership(read: Callable[[Values], Any], wanted: set[object], *, negated: bool) -> Filter:
    return lambda values: (read(values) in wanted) is not negated


def render_nfse(values: Values) -> dict[str, Any]:
    items = [Record(item, {}) for item in values["nfse_service_items"]]
    return render(Nfse, Record({**values, "nfse_service_items": items}, {}))


async def search_nfses(request: Request, store: Store) -> Response:
    organization_id = path_int(request, "organization_id")
    known_organization(store, organization_id)
    page = parse_page(request.query_params)
    filters = nfse_filters(request.query_params)
    found = [v for v in store.part(Nfses).of(organization_id) if all(f(v) for f in filters)]
    return JSONResponse(
        {
            "page": page.number,
            "per_page": page.size,
            "total_pages": page.total_pages(len(found)),
            "nfses": [render_nfse(v) for v in page.slice(found)],
        }
    )


def routes() -> list[BaseRoute]:
    return [Route(f"{ORGANIZATION}/nfses/search", endpoint(search_nfses), methods=["GET"])]
