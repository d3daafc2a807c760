"""What the account's own records (organizations, companies, people, service items) share on
the upstream: a collection at the top of the API with the same five or six routes, flat
bodies (wrapped ones accepted too), 422s listing each field's messages, free text answered
as it was written (`""` included), and searches that refuse a blank parameter with a 400.

A resource is a `Records` subclass: its output type, the inputs that write it, its rules
(`problems`), what it models beyond the echoed request (`values`), and what keeps a record
from being deleted (`refusal`). `routes(...)` serves it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.types.wire import Form, wire_fields

from .documents import is_cep
from .errors import BadRequest, NotFound, Unprocessable
from .formats import SAO_PAULO, is_blank
from .models import Raw
from .render import JSON, Record, render, written_by
from .routing import empty, endpoint, flat_or_wrapped, path_int
from .store import Store

# The sandbox serves one account, the token's.
ACCOUNT_ID = 1
# When the default data set's records were made.
SEEDED_AT = datetime(2025, 1, 6, 9, 0, tzinfo=SAO_PAULO)

# Messages, verbatim from the upstream's recordings.
BLANK = "não pode ficar em branco"
TAKEN = "já está em uso"
INVALID = "inválido"
INVALID_ZIPCODE = "Por favor digite um CEP válido."

Problems = dict[str, list[str]]


def rejected(problems: Problems) -> Unprocessable:
    """The 422 of these resources: `{"errors": {"cnpj": ["já está em uso"]}}`."""
    # Unprocessable is typed for the invoices' field -> message shape; the JSON is as good.
    return Unprocessable(cast("dict[str, str]", problems))


@dataclass
class Stored:
    """One record: the requests it was written with, merged, and when."""

    id: int
    created_at: datetime
    updated_at: datetime
    raw: Raw


class Records:
    """One collection of records in a store, with the rules the upstream applies to it."""

    output: ClassVar[type]
    inputs: ClassVar[tuple[type, ...]]
    singular: ClassVar[str]
    plural: ClassVar[str]
    sequence: ClassVar[str]
    search_key: ClassVar[str]
    # Organizations and service items answer a search with one object (404 when none).
    search_finds_one: ClassVar[bool]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if "output" not in cls.__dict__:
            return  # A kind of records, not one resource.
        written_by(cls.output, *cls.inputs)
        cls._texts = tuple(
            field.key
            for field in wire_fields(cls.output)
            if field.form is Form.TEXT
            and any(field.key == f.key for kind in cls.inputs for f in wire_fields(kind))
        )

    _texts: ClassVar[tuple[str, ...]]

    def __init__(self, store: Store) -> None:
        self.store = store
        self.by_id: dict[int, Stored] = {}

    def __contains__(self, record_id: object) -> bool:
        return record_id in self.by_id

    # The resource's own rules.

    def problems(self, raw: Raw, current: Stored | None) -> Problems:
        """What is wrong with the merged request, field by field, in the upstream's order."""
        raise NotImplementedError

    def values(self, stored: Stored) -> dict[str, object]:
        """The values the upstream computes rather than echoes (a formatted CNPJ...)."""
        return {}

    def refusal(self, stored: Stored) -> str | None:
        """Why the record cannot be deleted, as the upstream's `base` message."""
        return None

    def matches(self, stored: Stored, wanted: str) -> bool:
        raise NotImplementedError

    # The lifecycle.

    def get(self, record_id: int) -> Stored:
        try:
            return self.by_id[record_id]
        except KeyError:
            raise NotFound from None

    def all(self) -> list[Stored]:
        return [self.by_id[key] for key in sorted(self.by_id)]

    def others(self, current: Stored | None) -> Iterable[Stored]:
        return (r for r in self.by_id.values() if current is None or r.id != current.id)

    def add(self, raw: Raw, *, record_id: int | None = None, at: datetime | None = None) -> Stored:
        """A new record; `record_id` and `at` fix them for the seeded data set."""
        self._check(raw, None)
        if record_id is None:
            record_id = self.store.next_id(self.sequence)
        else:
            self.store.reserve(self.sequence, record_id)
        moment = at or self.store.clock()
        stored = self.by_id[record_id] = Stored(record_id, moment, moment, dict(raw))
        return stored

    def change(self, record_id: int, body: Raw) -> Stored:
        stored = self.get(record_id)
        merged = {**stored.raw, **body}
        self._check(merged, stored)
        stored.raw, stored.updated_at = merged, self.store.clock()
        return stored

    def remove(self, record_id: int) -> None:
        stored = self.get(record_id)
        refusal = self.refusal(stored)
        if refusal is not None:
            raise rejected({"base": [refusal]})
        del self.by_id[record_id]

    def _check(self, raw: Raw, current: Stored | None) -> None:
        problems = self.problems(raw, current)
        if problems:
            raise rejected(problems)

    def render(self, stored: Stored) -> JSON:
        raw = stored.raw
        # Free text is kept as written: an empty string comes back empty, not null.
        texts = {key: _text(raw[key]) for key in self._texts if key in raw}
        values = {
            "id": stored.id,
            "account_id": ACCOUNT_ID,
            "created_at": stored.created_at,
            "updated_at": stored.updated_at,
            **texts,
            **self.values(stored),
        }
        return render(self.output, Record(values, raw))


def _text(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else str(value)


def taken(
    records: Records, current: Stored | None, key: Callable[[Stored], object], value: object
) -> bool:
    """Whether another record of the collection has `value` as its `key`."""
    return any(key(other) == value for other in records.others(current))


def name_problems(
    records: Records, raw: Raw, current: Stored | None, problems: Problems, *, unique: bool
) -> None:
    name = raw.get("name")
    if is_blank(name):
        problems["name"] = [BLANK]
    elif unique and taken(records, current, lambda other: other.raw.get("name"), name):
        problems["name"] = [TAKEN]


def zipcode_problems(raw: Raw, problems: Problems) -> None:
    zipcode = raw.get("zipcode")
    if not is_blank(zipcode) and not is_cep(zipcode):
        problems["zipcode"] = [INVALID_ZIPCODE]


Find = Callable[[Store], Records]


def routes(path: str, find: Find, *, show: bool = True) -> list[BaseRoute]:
    """The collection's routes under `path` (`/companies`); `show=False` where the upstream
    has no `GET {path}/{id}` (organizations, service items)."""
    one = path + "/{record_id:int}"
    handlers = _Handlers(find)
    listed: list[BaseRoute] = [
        Route(path, endpoint(handlers.list), methods=["GET"]),
        Route(path, endpoint(handlers.create), methods=["POST"]),
        Route(path + "/search", endpoint(handlers.search), methods=["GET"]),
        # Rails routes both verbs to the one action; the traffic shows one per resource.
        Route(one, endpoint(handlers.update), methods=["PUT", "PATCH"]),
        Route(one, endpoint(handlers.delete), methods=["DELETE"]),
    ]
    if show:
        listed.append(Route(one, endpoint(handlers.show), methods=["GET"]))
    return listed


class _Handlers:
    def __init__(self, find: Find) -> None:
        self.find = find

    async def list(self, request: Request, store: Store) -> Response:
        records = self.find(store)
        return JSONResponse({records.plural: [records.render(r) for r in records.all()]})

    async def search(self, request: Request, store: Store) -> Response:
        records = self.find(store)
        wanted = request.query_params.get(records.search_key)
        if wanted is None or is_blank(wanted):
            raise BadRequest(f"Parâmetro(s) inválido(s) para busca: {records.search_key}")
        found = [r for r in records.all() if records.matches(r, wanted)]
        if not records.search_finds_one:
            return JSONResponse({records.plural: [records.render(r) for r in found]})
        if not found:
            raise NotFound
        return _one(records, found[0])

    async def show(self, request: Request, store: Store) -> Response:
        records = self.find(store)
        return _one(records, records.get(path_int(request, "record_id")))

    async def create(self, request: Request, store: Store) -> Response:
        records = self.find(store)
        body = await _body(request, records)
        return _one(records, records.add(body), status_code=201)

    async def update(self, request: Request, store: Store) -> Response:
        records = self.find(store)
        record_id = path_int(request, "record_id")
        records.get(record_id)
        body = await _body(request, records)
        return _one(records, records.change(record_id, body))

    async def delete(self, request: Request, store: Store) -> Response:
        self.find(store).remove(path_int(request, "record_id"))
        return empty(204)


async def _body(request: Request, records: Records) -> Raw:
    body = await flat_or_wrapped(request, records.singular)
    if not body:
        # Rails' ActionController::ParameterMissing, as for a wrapped body.
        raise BadRequest(f"param is missing or the value is empty: {records.singular}")
    return body


def _one(records: Records, stored: Stored, status_code: int = 200) -> Response:
    return JSONResponse({records.singular: records.render(stored)}, status_code=status_code)
