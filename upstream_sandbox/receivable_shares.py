"""Receivable ("vencimento") rules: due dates, amounts, and the 100 % split of the invoice.

A receivable states its share either as `gross_value` (an amount) or as the deprecated
`value` (a percentage of the invoice's gross value, which wins when both are sent). The
response always carries both, plus its share of the invoice's payment value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import errors as msg
from .formats import is_blank, parse_request_date, round_cents, to_decimal, to_int
from .models import Raw, ReceivableData

AddError = Callable[[str, str], None]


@dataclass
class _Share:
    item: Raw
    due_date: date
    percentage: Decimal | None
    amount: Decimal | None


def validate_receivables(
    items: list[Raw],
    gross_value: Decimal | None,
    payment_value: Decimal | None,
    add: AddError,
) -> list[ReceivableData] | None:
    if not items:
        add("receivables", msg.BLANK)
        return None
    shares = [_share(item, add) for item in items]
    valid = [share for share in shares if share is not None]
    if len(valid) != len(shares):
        return None
    stated = [s for s in valid if s.percentage is not None or s.amount is not None]
    if stated and len(stated) != len(valid):
        add("receivables.gross_value", msg.BLANK)
        return None
    if gross_value is None or payment_value is None or gross_value <= 0:
        return None
    percent_total = sum((s.percentage for s in valid if s.percentage is not None), Decimal(0))
    amount_total = sum(
        (s.amount for s in valid if s.percentage is None and s.amount is not None), Decimal(0)
    )
    # Compared exactly: rounding each share first would reject valid splits such as 1/3.
    if percent_total * gross_value / 100 + amount_total != gross_value:
        add("receivables", msg.NOT_100_PERCENT)
        return None
    return _split(valid, gross_value, payment_value)


def _share(item: Raw, add: AddError) -> _Share | None:
    due_date = None
    if is_blank(item.get("due_date")):
        add("receivables.due_date", msg.BLANK)
    else:
        due_date = parse_request_date(item["due_date"])
        if due_date is None:
            add("receivables.due_date", msg.INVALID_DATE)
    percentage, percentage_ok = _positive(item, "value", add)
    amount, amount_ok = _positive(item, "gross_value", add)
    if due_date is None or not (percentage_ok and amount_ok):
        return None
    return _Share(item=item, due_date=due_date, percentage=percentage, amount=amount)


def _positive(item: Raw, key: str, add: AddError) -> tuple[Decimal | None, bool]:
    if is_blank(item.get(key)):
        return None, True
    number = to_decimal(item[key])
    if number is None:
        add(f"receivables.{key}", msg.NOT_NUMERIC)
        return None, False
    if number <= 0:
        add(f"receivables.{key}", msg.MUST_BE_POSITIVE)
        return None, False
    return number, True


def _split(
    shares: list[_Share], gross_value: Decimal, payment_value: Decimal
) -> list[ReceivableData]:
    amounts: list[Decimal] = []
    percentages: list[Decimal] = []
    for share in shares:
        if share.percentage is not None:
            percentages.append(share.percentage)
            amounts.append(round_cents(gross_value * share.percentage / 100))
        else:
            assert share.amount is not None
            amounts.append(share.amount)
            percentages.append(round_cents(share.amount * 100 / gross_value))
    # Cents lost rounding percentage-stated shares go to the last of them, so the
    # receivables always add up to the invoice.
    from_percentage = [i for i, s in enumerate(shares) if s.percentage is not None]
    if from_percentage:
        amounts[from_percentage[-1]] += gross_value - sum(amounts, Decimal(0))
    return [
        ReceivableData(
            id=to_int(share.item.get("id")),
            raw={k: v for k, v in share.item.items() if k != "id"},
            due_date=share.due_date,
            percentage=percentage,
            gross_value=amount,
            payment_value=(
                amount
                if payment_value == gross_value
                else round_cents(amount * payment_value / gross_value)
            ),
        )
        for share, percentage, amount in zip(shares, percentages, amounts, strict=True)
    ]
