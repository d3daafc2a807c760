"""Rails' nested-attributes semantics for invoice rules: a change merged into the complete
request the rule is the result of, so that the merged request is validated whole again."""

from __future__ import annotations

from typing import Any

from .errors import NotFound
from .formats import is_blank, to_bool, to_int
from .models import Raw

SINGLE = ("additional_information", "receivables_additional_information")
COLLECTIONS = ("services", "scheduled_updates")
# Never taken from the body: the path names the contract and the rule; the template is read
# once, when the rule is made from it.
IGNORED = ("id", "contract_id", "invoice_template_id")


def merge_rule(current: Raw, body: Raw) -> Raw:
    """The complete request after `body`: its fields over the current ones, each node it sends
    merged into the node its `id` names (404 for one the rule does not have), or new."""
    merged = dict(current)
    for key, value in body.items():
        if key in IGNORED:
            continue
        if key in SINGLE and isinstance(value, dict):
            merged[key] = _merge_node(current.get(key), value)
        elif key == "payment_information" and isinstance(value, dict):
            merged[key] = {**(current.get(key) or {}), **value}
        elif key in COLLECTIONS and isinstance(value, list):
            merged[key] = _merge_items(current.get(key) or [], value)
        else:
            merged[key] = value
    return merged


def _merge_node(current: Raw | None, sent: Raw) -> Raw:
    """With the current node's `id`, a change of it; without, a new node replacing it."""
    if is_blank(sent.get("id")):
        return {k: v for k, v in sent.items() if k != "id"}
    if current is None or to_int(sent["id"]) != current.get("id"):
        raise NotFound
    return {**current, **sent, "id": current["id"]}


def _merge_items(current: list[Raw], sent: list[Any]) -> list[Raw]:
    items = {item["id"]: item for item in current}
    added: list[Raw] = []
    for item in sent:
        if not isinstance(item, dict):
            continue
        destroy = to_bool(item.get("_destroy"))
        body = {k: v for k, v in item.items() if k not in ("id", "_destroy")}
        if is_blank(item.get("id")):
            if not destroy:
                added.append(body)
            continue
        item_id = to_int(item["id"])
        if item_id not in items:
            raise NotFound
        if destroy:
            del items[item_id]
        else:
            items[item_id] = {**items[item_id], **body}
    return [*items.values(), *added]
