"""Invoice rules: the recurring billing rules of a contract, their records and routes.

A rule is kept as the request it would have been created with (its nodes with their ids),
so that an update is that request with the change merged in, Rails' nested-attributes way,
and validated whole again (`invoice_rule_validation`). A rule made from an invoice template
starts from the template's request, which what was sent overrides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.types.invoice_rule import (
    AdditionalInformation,
    AdditionalInformationUpdateInput,
    CreateInvoiceRuleInput,
    InvoiceRule,
    ReceivablesAdditionalInformation,
    ReceivablesAdditionalInformationUpdateInput,
    ScheduledUpdate,
    ScheduledUpdateInput,
    ScheduledUpdateUpdateInput,
    UpdateInvoiceRuleInput,
)

from .errors import NotFound
from .formats import is_blank, to_int
from .invoice_rule_from_template import from_template
from .invoice_rule_merge import merge_rule
from .invoice_rule_seed import seed
from .invoice_rule_validation import Item, RuleData, validate_rule
from .models import Raw
from .render import JSON, Record, render, written_by
from .routing import empty, endpoint, json_param, path_int
from .store import Store

written_by(InvoiceRule, CreateInvoiceRuleInput, UpdateInvoiceRuleInput)
written_by(AdditionalInformation, AdditionalInformationUpdateInput)
written_by(ReceivablesAdditionalInformation, ReceivablesAdditionalInformationUpdateInput)
written_by(ScheduledUpdate, ScheduledUpdateInput, ScheduledUpdateUpdateInput)

# The invoice fields a rule answers with, always empty: the upstream keeps a rule as an
# invoice.
INVOICE_ONLY: dict[str, object] = {
    "issue_date": None,
    "estimated_issue_date": None,
    "cancelled_automatically": False,
    "nfe_service": None,
    "nfe_verification": None,
    "nfe_issue_date": None,
    "nfe_issued": False,
    "number": None,
    "accrual_date": None,
    "comments": None,
    "automatic_nfe_issue_date": None,
    "receivables": [],
    "attachments": [],
}
# The sandbox's cards: none on file.
NO_CARD = "--"


@dataclass
class Node:
    """A stored nested node: its id, when it was made and changed, its request and values."""

    id: int
    created_at: datetime
    updated_at: datetime
    raw: Raw
    values: dict[str, object] = field(default_factory=dict)

    def request(self) -> Raw:
        return {**self.raw, "id": self.id}


@dataclass
class Rule:
    id: int
    contract_id: int
    created_at: datetime
    raw: Raw
    values: dict[str, object]
    additional_information: Node | None
    receivables_additional_information: Node | None
    services: list[Node]
    scheduled_updates: list[Node]
    payment_information: Node

    def request(self) -> Raw:
        """The complete request the rule is the result of, its nodes with their ids."""
        additional, terms = self.additional_information, self.receivables_additional_information
        return {
            **self.raw,
            "additional_information": None if additional is None else additional.request(),
            "receivables_additional_information": None if terms is None else terms.request(),
            "services": [s.request() for s in self.services],
            "scheduled_updates": [u.request() for u in self.scheduled_updates],
            "payment_information": self.payment_information.request(),
        }


class InvoiceRules:
    """The invoice rules of one store; seeded with the default data set's."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rules: dict[int, Rule] = {}
        if store.seeded:
            seed(self)

    def of_contract(self, contract_id: int) -> list[Rule]:
        self.store.contract(contract_id)
        return [r for _, r in sorted(self.rules.items()) if r.contract_id == contract_id]

    def get(self, contract_id: int, rule_id: int) -> Rule:
        self.store.contract(contract_id)
        rule = self.rules.get(rule_id)
        if rule is None or rule.contract_id != contract_id:
            raise NotFound
        return rule

    def create(self, contract_id: int, body: Raw) -> Rule:
        contract = self.store.contract(contract_id)
        template_id = body.get("invoice_template_id")
        if is_blank(template_id):
            request = merge_rule({}, body)
        else:
            request = from_template(self.store, contract, template_id, body)
        data = validate_rule(request)
        moment = self.store.clock()
        rule = Rule(
            id=self.store.next_id("invoice_rule"),
            contract_id=contract_id,
            created_at=moment,
            raw=data.raw,
            values=data.values,
            additional_information=None,
            receivables_additional_information=None,
            services=[],
            scheduled_updates=[],
            payment_information=Node(self.store.next_id("payment_information"), moment, moment, {}),
        )
        self._apply(rule, data)
        self.rules[rule.id] = rule
        return rule

    def update(self, contract_id: int, rule_id: int, body: Raw) -> Rule:
        rule = self.get(contract_id, rule_id)
        data = validate_rule(merge_rule(rule.request(), body))
        rule.raw, rule.values = data.raw, data.values
        self._apply(rule, data)
        return rule

    def delete(self, contract_id: int, rule_id: int) -> None:
        self.get(contract_id, rule_id)
        del self.rules[rule_id]

    def _apply(self, rule: Rule, data: RuleData) -> None:
        """The validated nodes stored: those with an id keep theirs, the others are new."""
        moment = self.store.clock()
        rule.additional_information = self._one(
            rule.additional_information, data.additional_information, "additional_information"
        )
        rule.receivables_additional_information = self._one(
            rule.receivables_additional_information,
            data.receivables_additional_information,
            "receivables_additional_information",
        )
        rule.services = self._many(rule.services, data.services, "service")
        rule.scheduled_updates = self._many(
            rule.scheduled_updates, data.scheduled_updates, "scheduled_update"
        )
        payment = rule.payment_information
        payment.raw, payment.values, payment.updated_at = (
            data.payment_information.raw,
            data.payment_information.values,
            moment,
        )

    def _one(self, current: Node | None, item: Item | None, sequence: str) -> Node | None:
        if item is None:
            return current
        found = self._many([] if current is None else [current], [item], sequence)
        return found[0]

    def _many(self, current: list[Node], items: list[Item], sequence: str) -> list[Node]:
        moment = self.store.clock()
        by_id = {node.id: node for node in current}
        nodes = []
        for item in items:
            node = by_id.get(item.id) if item.id is not None else None
            if node is None:
                node = Node(self.store.next_id(sequence), moment, moment, item.raw, item.values)
            elif (node.raw, node.values) != (item.raw, item.values):
                node.raw, node.values, node.updated_at = item.raw, item.values, moment
            nodes.append(node)
        return nodes


# Rendering.


def render_rule(rule: Rule, store: Store) -> JSON:
    contract = store.contract(rule.contract_id)
    raw = rule.raw
    values: dict[str, object] = {
        "id": rule.id,
        "contract_id": rule.contract_id,
        # Copied from the contract.
        "customer_id": contract.customer_id,
        "customer_type": contract.customer_type,
        "state": "to_emit",
        "approval_status": "approved",
        "created_at": rule.created_at,
        "days_until_automatic_nfe_emission": to_int(raw.get("days_until_automatic_nfe_emission"))
        or 0,
        "description": _text(raw.get("description")),
        "nfe_body": _text(raw.get("nfe_body")),
        **rule.values,
        "services": [_record(s) for s in rule.services],
        "payment_information": _payment(rule.payment_information),
        "additional_information": _node(rule.additional_information),
        "scheduled_updates": [_scheduled_update(u, rule) for u in rule.scheduled_updates],
        "receivables_additional_information": _terms(rule.receivables_additional_information, rule),
    }
    body = {**render(InvoiceRule, Record(values, raw)), **INVOICE_ONLY}
    for rendered, update in zip(body["scheduled_updates"], rule.scheduled_updates, strict=True):
        rendered.update(_iso_timestamps(update))
    if rule.receivables_additional_information is not None:
        terms = _iso_timestamps(rule.receivables_additional_information)
        body["receivables_additional_information"].update(terms)
    return body


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _record(node: Node, **values: object) -> Record:
    return Record({"id": node.id, "created_at": node.created_at, **node.values, **values}, node.raw)


def _node(node: Node | None) -> Record | None:
    return None if node is None else _record(node)


def _payment(node: Node) -> Record:
    cards = ("cobrato_card_id", "card_expiration_month", "card_expiration_year")
    return _record(node, **dict.fromkeys(cards, NO_CARD))


def _scheduled_update(node: Node, rule: Rule) -> Record:
    return _record(
        node,
        invoice_rule_id=rule.id,
        updated_at=node.updated_at,
        notified=False,
        invoice_template_id=None,
    )


def _terms(node: Node | None, rule: Rule) -> Record | None:
    if node is None:
        return None
    return _record(node, invoice_rule_id=rule.id, updated_at=node.updated_at)


def _iso_timestamps(node: Node) -> JSON:
    """How readjustments and due-date settings write their timestamps: ISO 8601 with ms."""
    return {
        "created_at": node.created_at.isoformat(timespec="milliseconds"),
        "updated_at": node.updated_at.isoformat(timespec="milliseconds"),
    }


# Routes.


def routes() -> list[BaseRoute]:
    rules = "/contracts/{contract_id:int}/invoice_rules"
    one = rules + "/{rule_id:int}"
    return [
        Route(rules, endpoint(list_rules), methods=["GET"]),
        Route(rules, endpoint(create_rule), methods=["POST"]),
        # Rails routes both verbs to the one action; the traffic shows PUT.
        Route(one, endpoint(update_rule), methods=["PUT", "PATCH"]),
        Route(one, endpoint(delete_rule), methods=["DELETE"]),
    ]


async def list_rules(request: Request, store: Store) -> Response:
    found = store.part(InvoiceRules).of_contract(path_int(request, "contract_id"))
    return JSONResponse({"invoice_rules": [render_rule(r, store) for r in found]})


async def create_rule(request: Request, store: Store) -> Response:
    body = await json_param(request, "invoice_rule")
    rule = store.part(InvoiceRules).create(path_int(request, "contract_id"), body)
    return JSONResponse({"invoice_rule": render_rule(rule, store)}, status_code=201)


async def update_rule(request: Request, store: Store) -> Response:
    body = await json_param(request, "invoice_rule")
    ids = path_int(request, "contract_id"), path_int(request, "rule_id")
    rule = store.part(InvoiceRules).update(*ids, body)
    return JSONResponse({"invoice_rule": render_rule(rule, store)})


async def delete_rule(request: Request, store: Store) -> Response:
    store.part(InvoiceRules).delete(path_int(request, "contract_id"), path_int(request, "rule_id"))
    return empty(204)
