"""Contracts: their rules and routes. The records are the store's own (`store.contracts`),
which invoices are billed under; a new contract is one of them.

Read under an organization, listing those it supplies or buys under; searched, created,
changed and deleted at the top of the API with flat bodies (wrapped ones accepted too). A
customer or supplier that does not exist is an empty 404, on create and on update; the rest
is a 422 of field -> [messages].
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.types.contract import Contract as ContractType
from gateway.types.contract import CreateContractInput, UpdateContractInput

from . import errors as msg
from .errors import BadRequest, NotFound, Unprocessable
from .formats import is_blank, to_int
from .models import Contract, Raw
from .parties import Parties
from .render import JSON, Record, render, written_by
from .routing import empty, endpoint, flat_or_wrapped, path_int
from .store import Store

# Verbatim from the upstream's recordings.
NAME_TAKEN = "Já existe um contrato com este nome nesta conta."
SUPPLIER_NOT_ORGANIZATION = "O fornecedor deve ser uma organização."
CUSTOMER_NOT_ORGANIZATION = "O cliente deve ser uma organização."
SEARCH_WITHOUT_NAME = "Parâmetro(s) inválido(s) para busca: name"

KINDS = ("sale", "purchase")
ROLES = ("customer", "supplier")
_PARTY_KEYS = tuple(f"{role}_{part}" for role in ROLES for part in ("type", "id"))
# Free text answered as it was written, "" included (the recorded lists have "" notes).
_KEPT_TEXT = ("description", "comments")
# What the organization's list leaves out of each contract, as recorded.
_NOT_LISTED = (
    "overdue",
    "valid_until",
    "plan",
    "cobrato_payment_gateway_charge_config_id",
    "cobrato_payment_gateway_charge_config_name",
)

written_by(ContractType, CreateContractInput, UpdateContractInput)

Problems = dict[str, list[str]]


class Contracts:
    """The contract rules of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        for contract_id in store.contracts:
            store.reserve("contract", contract_id)

    def of_organization(self, organization_id: int) -> list[Contract]:
        """Those the organization supplies or buys under; 404 for an unknown organization."""
        if not self._is_organization("Company", organization_id):
            raise NotFound
        pair = ("Company", organization_id)
        return [
            c
            for c in self._all()
            if c.organization_id == organization_id or pair in (c.customer, c.supplier)
        ]

    def show(self, organization_id: int, contract_id: int) -> Contract:
        for contract in self.of_organization(organization_id):
            if contract.id == contract_id:
                return contract
        raise NotFound

    def search(self, name: str, customer_id: int | None) -> list[Contract]:
        """Names containing `name`, case counting, as the recordings suggest."""
        return [
            c
            for c in self._all()
            if name in (c.name or "") and (customer_id is None or c.customer_id == customer_id)
        ]

    def create(self, body: Raw) -> Contract:
        raw = {k: v for k, v in body.items() if k != "id"}
        contract = self._checked(None, raw)
        self.store.save_contract(contract)
        return contract

    def update(self, contract_id: int, body: Raw) -> Contract:
        current = self.store.contract(contract_id)
        raw = {**current.raw, **{k: v for k, v in body.items() if k != "id"}}
        contract = self._checked(current, raw, changed=body.keys())
        self.store.save_contract(contract)
        return contract

    def delete(self, contract_id: int) -> None:
        self.store.delete_contract(contract_id)

    def _checked(
        self, current: Contract | None, raw: Raw, *, changed: Iterable[str] = ()
    ) -> Contract:
        """The contract the merged request makes: NotFound for a party that does not exist,
        Unprocessable for the rest."""
        changed = set(changed)
        customer, supplier = (self._party(current, raw, role, changed) for role in ROLES)
        kind = "sale" if is_blank(raw.get("kind")) else raw["kind"]
        problems: Problems = {}
        name = raw.get("name")
        if is_blank(name):
            problems["name"] = [msg.BLANK]
        elif any(c.name == name for c in self.store.contracts.values() if c.id != _id(current)):
            problems["name"] = [NAME_TAKEN]
        if kind not in KINDS:
            problems["kind"] = [msg.NOT_IN_LIST]
        # A sale is made by an organization, a purchase for one.
        owner = supplier if kind == "sale" else customer
        checked = current is None or bool(changed & {"kind", *_PARTY_KEYS})
        if kind in KINDS and checked and not self._is_organization(*owner):
            if kind == "sale":
                problems["supplier_id"] = [SUPPLIER_NOT_ORGANIZATION]
            else:
                problems["customer_id"] = [CUSTOMER_NOT_ORGANIZATION]
        if problems:
            # Unprocessable is typed for the invoices' field -> message shape.
            raise Unprocessable(cast("dict[str, str]", problems))
        fields: dict[str, Any] = {
            "customer_type": customer[0],
            "customer_id": customer[1],
            "supplier_type": supplier[0],
            "supplier_id": supplier[1],
            "organization_id": owner[1],
            "kind": str(kind),
            "name": str(name),
            "raw": {**raw, "kind": kind},
        }
        if current is not None:
            return dataclasses.replace(current, **fields)
        return Contract(
            id=self.store.next_id("contract"),
            token=uuid.uuid4().hex,
            created_at=self.store.clock(),
            **fields,
        )

    def _party(
        self, current: Contract | None, raw: Raw, role: str, changed: set[str]
    ) -> tuple[str, int]:
        """The `role`'s type and id. Looked up only when the request names it, so that a
        contract made with ids alone (the tests' own) can still change its other fields."""
        if current is not None and not changed & {f"{role}_type", f"{role}_id"}:
            return current.customer if role == "customer" else current.supplier
        party_type, party_id = raw.get(f"{role}_type"), to_int(raw.get(f"{role}_id"))
        if not isinstance(party_type, str) or party_id is None:
            raise NotFound
        if self.store.part(Parties).kind_of(party_type, party_id) is None and not (
            self._is_organization(party_type, party_id)
        ):
            raise NotFound
        return party_type, party_id

    def _is_organization(self, party_type: str, party_id: int) -> bool:
        """Whether the pair names an organization of the account: one of the parties, or one
        a contract made with ids alone names."""
        if party_type != "Company":
            return False
        if self.store.part(Parties).kind_of(party_type, party_id) == "organization":
            return True
        return any(c.organization_id == party_id for c in self.store.contracts.values())

    def _all(self) -> list[Contract]:
        return [self.store.contracts[key] for key in sorted(self.store.contracts)]


def _id(contract: Contract | None) -> int | None:
    return None if contract is None else contract.id


def render_contract(contract: Contract, store: Store, *, listed: bool = False) -> JSON:
    raw = contract.raw
    supplier_type, supplier_id = contract.supplier
    today = store.today()
    values: dict[str, object] = {
        "id": contract.id,
        "name": contract.name,
        "token": contract.token,
        "customer_id": contract.customer_id,
        "customer_type": contract.customer_type,
        "supplier_id": supplier_id,
        "supplier_type": supplier_type,
        "state": "active",
        "created_at": contract.created_at,
        "kind": contract.kind,
        "overdue": any(
            i.is_late(today) for i in store.invoices.values() if i.contract.id == contract.id
        ),
        "valid_until": None,
        "status": "established",
        "registration_method": "regular",
        "cancel_date": None,
        "cancel_reason": None,
        **{key: _kept_text(raw[key]) for key in _KEPT_TEXT if key in raw},
    }
    body = render(ContractType, Record(values, raw))
    if listed:
        return {key: value for key, value in body.items() if key not in _NOT_LISTED}
    # Subscriptions embed their plan; the sandbox has none.
    return {**body, "plan": None}


def _kept_text(value: Any) -> str | None:
    return None if value is None else str(value)


def routes() -> list[BaseRoute]:
    listed = "/organizations/{organization_id:int}/contracts"
    one = "/contracts/{contract_id:int}"
    return [
        Route(listed, endpoint(list_contracts), methods=["GET"]),
        Route(listed + "/{contract_id:int}", endpoint(show_contract), methods=["GET"]),
        Route("/contracts/search", endpoint(search_contracts), methods=["GET"]),
        Route("/contracts", endpoint(create_contract), methods=["POST"]),
        # Rails routes both verbs to the one action; the traffic shows PUT.
        Route(one, endpoint(update_contract), methods=["PUT", "PATCH"]),
        Route(one, endpoint(delete_contract), methods=["DELETE"]),
    ]


async def list_contracts(request: Request, store: Store) -> Response:
    found = store.part(Contracts).of_organization(path_int(request, "organization_id"))
    return JSONResponse({"contracts": [render_contract(c, store, listed=True) for c in found]})


async def show_contract(request: Request, store: Store) -> Response:
    ids = path_int(request, "organization_id"), path_int(request, "contract_id")
    return _contract_response(store.part(Contracts).show(*ids), store)


async def search_contracts(request: Request, store: Store) -> Response:
    name = request.query_params.get("name", "")
    if is_blank(name):
        raise BadRequest(SEARCH_WITHOUT_NAME)
    customer = request.query_params.get("customer_id")
    customer_id = None if is_blank(customer) else to_int(customer)
    if customer_id is None and not is_blank(customer):
        return JSONResponse({"contracts": []})  # No customer has that id.
    found = store.part(Contracts).search(name, customer_id)
    return JSONResponse({"contracts": [render_contract(c, store) for c in found]})


async def create_contract(request: Request, store: Store) -> Response:
    body = await flat_or_wrapped(request, "contract")
    return _contract_response(store.part(Contracts).create(body), store, status_code=201)


async def update_contract(request: Request, store: Store) -> Response:
    body = await flat_or_wrapped(request, "contract")
    contract = store.part(Contracts).update(path_int(request, "contract_id"), body)
    return _contract_response(contract, store)


async def delete_contract(request: Request, store: Store) -> Response:
    store.part(Contracts).delete(path_int(request, "contract_id"))
    return empty(204)


def _contract_response(contract: Contract, store: Store, status_code: int = 200) -> Response:
    return JSONResponse({"contract": render_contract(contract, store)}, status_code=status_code)
