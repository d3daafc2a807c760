"""Rails nested-attributes semantics: the request is merged into what the invoice already has.

Create is a merge into an empty invoice, so create and update share one validation path and
"the same validations apply to the result" holds by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .errors import BadRequest, NotFound
from .formats import is_blank, to_bool, to_int
from .models import Invoice, Raw

COLLECTIONS = ("receivables", "services", "attachments")
NESTED = (*COLLECTIONS, "payment_information")
# Never taken from the body: the path names the contract, the store assigns ids.
IGNORED = ("id", "contract_id")
# Rails' `_destroy` flag and the item id are instructions, not attributes.
_CONTROL = ("id", "_destroy")


def merge_invoice(current: Invoice | None, patch: Raw) -> Raw:
    """The complete request the invoice would have been created with after this change.

    Existing nested items carry their `id`; new ones have none. Raises NotFound for an
    item id that is not part of the invoice, as Rails does.
    """
    base: Raw = dict(current.raw) if current else {}
    for key, value in patch.items():
        if key in NESTED or key in IGNORED:
            continue
        # approval_status is settable on create only; approve/block change it afterwards.
        if current is not None and key == "approval_status":
            continue
        base[key] = value
    items = _current_items(current)
    for name in COLLECTIONS:
        base[name] = _merge_collection(name, items[name], patch.get(name))
    current_payment = (
        current.payment_information.data.raw if current and current.payment_information else None
    )
    base["payment_information"] = _merge_payment(current_payment, patch)
    return base


def _current_items(current: Invoice | None) -> dict[str, list[tuple[int, Raw]]]:
    if current is None:
        return {name: [] for name in COLLECTIONS}
    return {
        "receivables": [(r.id, r.data.raw) for r in current.receivables],
        "services": [(s.id, s.data.raw) for s in current.services],
        "attachments": [(a.id, a.data.raw) for a in current.attachments],
    }


def _merge_collection(name: str, existing: Sequence[tuple[int, Raw]], patch: Any) -> list[Raw]:
    if patch is None:
        return [{**raw, "id": item_id} for item_id, raw in existing]
    if not isinstance(patch, list):
        raise BadRequest(f"{name} deve ser uma lista")
    kept: dict[int, Raw] = dict(existing)
    known = set(kept)
    added: list[Raw] = []
    for item in patch:
        if not isinstance(item, dict):
            raise BadRequest(f"{name} deve conter objetos")
        destroy = to_bool(item.get("_destroy"))
        body = {k: v for k, v in item.items() if k not in _CONTROL}
        if is_blank(item.get("id")):
            # A new item flagged for destruction is never built (Rails' reject_new_record?).
            if not destroy:
                added.append(body)
            continue
        item_id = to_int(item["id"])
        if item_id is None or item_id not in known:
            raise NotFound
        if destroy:
            kept.pop(item_id, None)
        elif item_id in kept:
            kept[item_id] = _update_item(name, kept[item_id], body)
    return [{**raw, "id": item_id} for item_id, raw in kept.items()] + added


def _update_item(name: str, old: Raw, body: Raw) -> Raw:
    merged = {**old, **body}
    # A derived amount must follow the inputs it was derived from, unless it is sent too.
    if name == "receivables" and "gross_value" in body and "value" not in body:
        merged.pop("value", None)
    if name == "services" and ({"units", "unit_value"} & body.keys()) and "value" not in body:
        merged.pop("value", None)
    return merged


def _merge_payment(current: Raw | None, patch: Raw) -> Raw | None:
    if "payment_information" not in patch:
        return current
    value = patch["payment_information"]
    if value is None:
        return current
    if not isinstance(value, dict):
        raise BadRequest("payment_information deve ser um objeto")
    if to_bool(value.get("_destroy")):
        return None
    body = {k: v for k, v in value.items() if k not in _CONTROL}
    return {**(current or {}), **body}
