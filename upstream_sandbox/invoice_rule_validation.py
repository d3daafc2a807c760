"""The upstream's invoice-rule validations: a complete rule request (the rule's current state
with the change merged in) -> the values the rule is stored with, or a 422.

Errors are keyed like the upstream's: nested fields as `node.field`, without an index, one
string message per key (the first found).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from . import errors as msg
from .errors import Unprocessable
from .formats import is_blank, parse_request_date, round_cents, to_bool, to_decimal, to_int
from .models import Raw
from .validation import MANAGEMENT_TYPES, PAYMENT_METHODS, Errors

# Verbatim from the upstream's recordings.
MONTH_QUANTITY = "valor deve ser 1, 2, 3, 6 ou 12 (em meses)"
AT_MOST_FIVE_YEARS = "deve ser no máximo 5 (cinco) anos"
AT_MOST_ONE_YEAR = "deve ser no máximo 1 (um) ano"
POSITIVE = "o valor deve ser maior do que zero"
FROM_2000 = "deve ser a partir de 01/01/2000"
ONE_WITHOUT_SERVICE = "não pode ter mais de um reajuste sem serviço"
NOT_A_RULE_SERVICE = "deve estar entre os serviços da regra recorrente"
# Recorded with its full stop.
SERVICE_ITEM_BLANK = "não pode ficar em branco."

MONTH_QUANTITIES = (1, 2, 3, 6, 12)
CHARGE_TYPES = ("fixed_day", "last_day_of_month", "day_quantity", "fixed_day_and_month_quantity")
ACCRUAL_MONTHS = ("same_month", "previous_month", "next_month")
PRICE_INDEXES = ("igpm", "ipca", "igpdi", "inpc", "ipcfipe")
EARLIEST_UPDATE = date(2000, 1, 1)
# How long a rule may run, by its period unit.
LONGEST = {"monthly": (5, AT_MOST_FIVE_YEARS), "weekly": (1, AT_MOST_ONE_YEAR)}


@dataclass
class Item:
    """One nested node as requested (`id` None: a new one) and the values it is stored with."""

    id: int | None
    raw: Raw
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class RuleData:
    raw: Raw
    values: dict[str, object]
    additional_information: Item | None
    receivables_additional_information: Item | None
    services: list[Item]
    scheduled_updates: list[Item]
    payment_information: Item


def validate_rule(request: Raw) -> RuleData:
    """`request` as the REST body, nested nodes included; every problem found is reported."""
    errors = Errors()
    services = [_service(item, errors) for item in request.get("services") or []]
    values = _rule_values(request, services, errors)
    charge_type = request.get("charge_type")
    if not is_blank(charge_type) and charge_type not in CHARGE_TYPES:
        errors.add("charge_type", msg.NOT_IN_LIST)
    additional = _node(request, "additional_information")
    terms = _node(request, "receivables_additional_information")
    if additional is not None:
        _recurrence(additional, errors)
    if terms is not None:
        _terms(terms, charge_type, errors)
    updates = [_scheduled_update(item, errors) for item in request.get("scheduled_updates") or []]
    _updates_of_services(updates, services, errors)
    payment = _payment(_node(request, "payment_information") or Item(None, {}), errors)
    if errors.items:
        raise Unprocessable(errors.items)
    return RuleData(
        raw={k: v for k, v in request.items() if not isinstance(v, (list, dict))},
        values=values,
        additional_information=additional,
        receivables_additional_information=terms,
        services=services,
        scheduled_updates=updates,
        payment_information=payment,
    )


def _node(request: Raw, key: str) -> Item | None:
    raw = request.get(key)
    if not isinstance(raw, dict):
        return None
    return Item(to_int(raw.get("id")), {k: v for k, v in raw.items() if k != "id"})


def _rule_values(request: Raw, services: list[Item], errors: Errors) -> dict[str, object]:
    for key in ("description", "nfe_body"):
        if is_blank(request.get(key)):
            errors.add(key, msg.BLANK)
    if services:
        # The upstream sums the services, whatever gross value was sent.
        gross = sum((_amount(s.values.get("value")) for s in services), Decimal(0))
    else:
        gross = to_decimal(request.get("gross_value")) or Decimal(0)
        if to_decimal(request.get("gross_value")) is None:
            errors.add("gross_value", msg.NOT_NUMERIC)
    management = request.get("management_type")
    management = "manual" if is_blank(management) else management
    if management not in MANAGEMENT_TYPES:
        errors.add("management_type", msg.NOT_IN_LIST)
    elif management == "automatic" and to_int(request.get("automatic_email_template_id")) is None:
        errors.add("automatic_email_template_id", msg.BLANK)
    return {"gross_value": gross, "payment_value": gross, "management_type": management}


def _amount(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(0)


def _recurrence(item: Item, errors: Errors) -> None:
    raw = item.raw
    if is_blank(raw.get("title")):
        errors.add("additional_information.title", msg.BLANK)
    init_date = _date(raw, "init_date", "additional_information", errors, required=True)
    end_date = _date(raw, "end_date", "additional_information", errors, required=False)
    unit: Any = raw.get("period_unit")
    # 0 is how older clients said monthly.
    unit = "monthly" if is_blank(unit) or unit == 0 or unit == "0" else unit
    month_quantity = to_int(raw.get("month_quantity"))
    if unit not in LONGEST:
        errors.add("additional_information.period_unit", msg.NOT_IN_LIST)
    elif unit == "weekly":
        month_quantity = None  # Ignored for weekly rules, as recorded.
    elif month_quantity not in MONTH_QUANTITIES:
        errors.add("additional_information.month_quantity", MONTH_QUANTITY)
    if unit in LONGEST and init_date is not None and end_date is not None:
        years, message = LONGEST[unit]
        # An end before the start was accepted, as recorded; only a long rule is not.
        if end_date > _years_after(init_date, years):
            errors.add("additional_information.periodicity", message)
    accrual = raw.get("accrual_month_quantity")
    accrual = "same_month" if is_blank(accrual) else accrual
    if accrual not in ACCRUAL_MONTHS:
        errors.add("additional_information.accrual_month_quantity", msg.NOT_IN_LIST)
    item.values = {
        "title": raw.get("title"),
        "init_date": init_date,
        "end_date": end_date,
        "period_unit": unit,
        "month_quantity": month_quantity,
        "accrual_month_quantity": accrual,
    }


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _terms(item: Item, charge_type: object, errors: Errors) -> None:
    raw = item.raw
    numbers = ("day_number", "day_quantity", "month_quantity", "parcel_number")
    item.values = {key: to_int(raw.get(key)) for key in numbers}
    item.values["only_business_days"] = to_bool(raw.get("only_business_days"))
    month_quantity = item.values["month_quantity"]
    if charge_type == "fixed_day_and_month_quantity" and not (
        isinstance(month_quantity, int) and month_quantity > 0
    ):
        errors.add("receivables_additional_information.month_quantity", POSITIVE)


def _service(raw_item: Raw, errors: Errors) -> Item:
    item = Item(to_int(raw_item.get("id")), {k: v for k, v in raw_item.items() if k != "id"})
    raw = item.raw
    if is_blank(raw.get("service_item_id")) and "name" not in raw:
        # A service of the rule's own names its item; one from a template has its name.
        errors.add("services.service_item", SERVICE_ITEM_BLANK)
    units, unit_value = to_decimal(raw.get("units")), to_decimal(raw.get("unit_value"))
    if units is None:
        errors.add("services.units", msg.NOT_NUMERIC)
    if unit_value is None:
        errors.add("services.unit_value", msg.NOT_NUMERIC)
    description = raw.get("description")
    item.values = {
        # A service line is named after its item; the sandbox knows its description.
        "name": raw.get("name") or description,
        "description": None if description is None else str(description),
        "units": units,
        "unit_value": unit_value,
        "value": None if units is None or unit_value is None else round_cents(units * unit_value),
    }
    return item


def _scheduled_update(raw_item: Raw, errors: Errors) -> Item:
    item = Item(to_int(raw_item.get("id")), {k: v for k, v in raw_item.items() if k != "id"})
    raw = item.raw
    for key in ("month_quantity", "days_until_update"):
        if to_int(raw.get(key)) is None:
            errors.add(f"scheduled_updates.{key}", msg.NOT_NUMERIC)
    init_date = parse_request_date(raw.get("init_date"))
    if init_date is None or init_date < EARLIEST_UPDATE:
        errors.add("scheduled_updates.init_date", FROM_2000)
    index = raw.get("price_index")
    if not is_blank(index) and index not in PRICE_INDEXES:
        errors.add("scheduled_updates.price_index", msg.NOT_IN_LIST)
    days = to_int(raw.get("days_until_update"))
    item.values = {
        "init_date": init_date,
        "execution_date": init_date,
        "remind_at": None if init_date is None or days is None else init_date - timedelta(days),
        "month_quantity": to_int(raw.get("month_quantity")),
        "days_until_update": days,
        "price_index": None if is_blank(index) else index,
        "service_item_id": to_int(raw.get("service_item_id")),
    }
    return item


def _updates_of_services(updates: list[Item], services: list[Item], errors: Errors) -> None:
    """At most one readjustment of the whole rule; the others each of one of its services."""
    if sum(1 for u in updates if u.values["service_item_id"] is None) > 1:
        errors.add("scheduled_updates.service_item_id", ONE_WITHOUT_SERVICE)
    items = {to_int(s.raw.get("service_item_id")) for s in services}
    # A template's readjustment names its item, which the template's services do not show.
    checked = (u for u in updates if "invoice_template_scheduled_update_id" not in u.raw)
    if any(u.values["service_item_id"] not in (None, *items) for u in checked):
        errors.add("scheduled_updates.service_item_id", NOT_A_RULE_SERVICE)


def _payment(item: Item, errors: Errors) -> Item:
    raw = item.raw
    method = raw.get("payment_method")
    # Every recorded rule has one; billet when none was asked for.
    method = "billet" if is_blank(method) else method
    if method not in PAYMENT_METHODS:
        errors.add("payment_information.payment_method", msg.NOT_IN_LIST)
    installments = to_int(raw.get("installments"))
    if installments is not None and installments < 1:
        errors.add("payment_information.installments", msg.MIN_ONE)
    item.values = {"payment_method": method, "installments": installments or 1}
    return item


def _date(raw: Raw, key: str, node: str, errors: Errors, *, required: bool) -> date | None:
    value = raw.get(key)
    if is_blank(value):
        if required:
            errors.add(f"{node}.{key}", msg.BLANK)
        return None
    parsed = parse_request_date(value)
    if parsed is None:
        errors.add(f"{node}.{key}", msg.INVALID_DATE)
    return parsed
