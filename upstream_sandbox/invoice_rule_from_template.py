"""An invoice rule made from an invoice template: the template as the request a rule would be
created with, and what the client sent over it.

A service or readjustment sent with the id of one of the template's
(`invoice_template_service_item_id`, `invoice_template_scheduled_update_id`) changes it, or
with `_destroy` leaves it out; with an id the template does not have it is a new one. Due-date
settings sent replace the template's whole: what is not sent comes back null, as recorded.
"""

from __future__ import annotations

from typing import Any

from .errors import Unprocessable
from .formats import to_bool, to_int
from .models import Contract, Raw
from .store import Store
from .templates import Templates

# Verbatim from the upstream's recording.
TEMPLATE_NOT_FOUND = "Não foi possível encontrar o modelo de faturamento com ID {}"

# The rule fields a template presets, under the same names.
_PRESET = (
    "description",
    "nfe_body",
    "management_type",
    "automatic_email_template_id",
    "notification_ruler_id",
    "emites_service_values_id",
    "emites_service_value_name",
    "days_until_automatic_nfe_emission",
    "cobrato_charge_config_id",
    "cobrato_charge_config_name",
    "cobrato_charge_template_id",
    "cobrato_charge_template_name",
    "finance_category",
    "finance_revenue_center",
    "myfinance_sale_account_id",
    "myfinance_sale_account_name",
    "notify_customer",
    "apply_negative_updates",
    "issue_nfse",
)
_TERMS = ("day_number", "day_quantity", "month_quantity", "parcel_number", "only_business_days")
_SERVICE = ("name", "description", "units", "unit_value")
_UPDATE = ("month_quantity", "price_index", "init_date", "days_until_update", "service_item_id")
# Each collection's key naming the template's item it overrides.
_OVERRIDES = {
    "services": "invoice_template_service_item_id",
    "scheduled_updates": "invoice_template_scheduled_update_id",
}
_NOT_FIELDS = ("id", "contract_id", "invoice_template_id")


def from_template(store: Store, contract: Contract, template_id: Any, body: Raw) -> Raw:
    """The complete request of a rule made from the template, `body` over it; a template that
    is not the contract's organization's is a 422, not a 404."""
    templates = store.part(Templates).invoice_templates
    wanted = to_int(template_id)
    template = None if wanted is None else templates.get(wanted)
    if template is None or template.get("organization_id") != contract.organization_id:
        raise Unprocessable({"invoice_template_id": TEMPLATE_NOT_FOUND.format(template_id)})
    request = _request_of(template)
    for key, value in body.items():
        if key in _NOT_FIELDS:
            continue
        if key in ("additional_information", "payment_information") and isinstance(value, dict):
            request[key] = {**request[key], **value}
        elif key in _OVERRIDES and isinstance(value, list):
            request[key] = _overridden(request[key], value, _OVERRIDES[key])
        else:
            request[key] = value
    return request


def _request_of(template: Raw) -> Raw:
    terms = template.get("receivables_additional_information") or {}
    return {
        **{key: template.get(key) for key in _PRESET},
        "charge_type": terms.get("charge_type"),
        "additional_information": {
            key: template.get(key)
            for key in ("period_unit", "month_quantity", "accrual_month_quantity")
        },
        "receivables_additional_information": {key: terms.get(key) for key in _TERMS},
        "services": [
            {**_picked(s, _SERVICE), _OVERRIDES["services"]: s["id"]}
            for s in template.get("services") or []
        ],
        "scheduled_updates": [
            {**_picked(u, _UPDATE), _OVERRIDES["scheduled_updates"]: u["id"]}
            for u in template.get("scheduled_updates") or []
        ],
        "payment_information": {
            "payment_method": template.get("payment_method"),
            "installments": template.get("card_installments"),
            "financial_account_id": template.get("financial_account_id"),
            "financial_charge_template_id": template.get("financial_charge_template_id"),
            "charging_account_id": template.get("charging_account_id"),
        },
    }


def _picked(item: Raw, keys: tuple[str, ...]) -> Raw:
    return {key: item.get(key) for key in keys}


def _overridden(preset: list[Raw], sent: list[Any], key: str) -> list[Raw]:
    items = {item[key]: dict(item) for item in preset}
    added: list[Raw] = []
    for item in sent:
        if not isinstance(item, dict):
            continue
        body = {k: v for k, v in item.items() if k not in ("id", "_destroy")}
        overridden = to_int(item.get(key))
        if overridden in items:
            if to_bool(item.get("_destroy")):
                del items[overridden]
            else:
                items[overridden].update(body)
        elif not to_bool(item.get("_destroy")):
            added.append(body)
    return [*items.values(), *added]
