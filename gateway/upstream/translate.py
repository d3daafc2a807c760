"""Translation: GraphQL inputs -> upstream REST requests. Pure functions.

The body is what the upstream documents: wrapped in `{"invoice": ...}`, integers where it shows
integers, the UUID string for `charging_account_id`, amounts as `Decimal` (encoded as JSON
numbers with exactly the digits the client gave, see `gateway.upstream.codec`), dates as
`DD-MM-YYYY` and the accrual month as `MM/YYYY`. A field the client did not set is left out;
an explicit `null` is sent as `null`.

What the gateway can tell is wrong before calling (an id that is not a number, a malformed
UUID) is raised as `InvalidInput`, with paths into the GraphQL arguments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any, TypeAlias

from strawberry.types.unset import UnsetType
from strawberry.utils.str_converters import to_camel_case

from gateway.types.attachment import AttachmentInput
from gateway.types.errors import UserError, UserErrorCode
from gateway.types.invoice import CreateInvoiceInput
from gateway.types.payment_information import PaymentInformationInput
from gateway.types.receivable import ReceivableInput
from gateway.types.service import ServiceInput

JSONValue: TypeAlias = bool | int | str | Decimal | list[Any] | dict[str, Any] | None
Body: TypeAlias = dict[str, JSONValue]

_INTEGER_ID = re.compile(r"\d{1,18}")


class InvalidInput(ValueError):
    """The input cannot be sent as it is; `user_errors` says where and why."""

    def __init__(self, user_errors: list[UserError]) -> None:
        super().__init__("; ".join(error.message for error in user_errors))
        self.user_errors = user_errors


def integer_id(value: str | int) -> int:
    """The upstream's ids are integers; anything else could never match one."""
    text = str(value).strip()
    if not _INTEGER_ID.fullmatch(text):
        raise ValueError("must be a numeric id")
    return int(text)


def upstream_date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


def accrual_month(value: dt.date) -> str:
    return value.strftime("%m/%Y")


def _optional_integer_id(value: str | int) -> int | None:
    # The documented example sends `""` for empty ids; a client may do the same.
    return None if str(value).strip() == "" else integer_id(value)


def _enum(value: Enum) -> JSONValue:
    return str(value.value)


def _same(value: Any) -> JSONValue:
    return value  # type: ignore[no-any-return]


class _Writer:
    """Builds one JSON object from one input object, collecting every problem on the way."""

    def __init__(self, source: object, path: Sequence[str], errors: list[UserError]) -> None:
        self.source = source
        self.path = list(path)
        self.errors = errors
        self.body: Body = {}

    def put(
        self, name: str, convert: Callable[[Any], JSONValue] = _same, *, key: str | None = None
    ) -> None:
        value = getattr(self.source, name)
        if isinstance(value, UnsetType):
            return
        if value is None:
            self.body[key or name] = None
            return
        try:
            self.body[key or name] = convert(value)
        except ValueError as error:
            self.errors.append(
                UserError(
                    field=[*self.path, to_camel_case(name)],
                    message=str(error),
                    code=UserErrorCode.INVALID,
                )
            )

    def put_list(self, name: str, write: Callable[[Any, list[str], list[UserError]], Body]) -> None:
        items = getattr(self.source, name)
        if isinstance(items, UnsetType):
            return
        if items is None:
            self.body[name] = None
            return
        field = [*self.path, to_camel_case(name)]
        self.body[name] = [
            write(item, [*field, str(index)], self.errors) for index, item in enumerate(items)
        ]


def create_invoice_request(input: CreateInvoiceInput) -> tuple[str, Body]:
    """The path (relative to the base URL) and JSON body of `POST .../invoices`."""
    errors: list[UserError] = []
    invoice = _invoice_fields(input, ["input"], errors)
    if errors:
        raise InvalidInput(errors)
    return f"contracts/{invoice['contract_id']}/invoices", {"invoice": invoice}


def _invoice_fields(source: CreateInvoiceInput, path: list[str], errors: list[UserError]) -> Body:
    w = _Writer(source, path, errors)
    w.put("contract_id", integer_id)
    w.put("gross_value")
    w.put("number")
    w.put("issue_date", upstream_date)
    w.put("estimated_issue_date", upstream_date)
    w.put("accrual_date", accrual_month)
    w.put("description")
    w.put("approval_status", _enum)
    w.put("nfse_service")
    w.put("nfse_verification")
    w.put("payment_value")
    w.put("nfse_template_id", _optional_integer_id)
    w.put("finance_category")
    w.put("finance_category_id", _optional_integer_id)
    w.put("finance_revenue_center")
    w.put("finance_revenue_center_id", _optional_integer_id)
    w.put("myfinance_sale_account_id", _optional_integer_id)
    w.put("myfinance_sale_account_name")
    w.put("nfe_body")
    w.put("cobrato_charge_config_id", _optional_integer_id)
    w.put("cobrato_charge_config_name")
    w.put("cobrato_charge_template_id", _optional_integer_id)
    w.put("cobrato_charge_template_name")
    w.put("management_type", _enum)
    w.put("automatic_email_template_id", _optional_integer_id)
    w.put("notification_ruler_id", _optional_integer_id)
    w.put("days_until_automatic_nfe_emission")
    w.put("issue_nfse")
    w.put("charge_now")
    w.put("comments")
    w.put("invoice_template_id", _optional_integer_id)
    w.put_list("receivables", _receivable)
    w.put_list("services", _service)
    w.put_list("attachments", _attachment)
    if source.payment_information is None or isinstance(source.payment_information, UnsetType):
        w.put("payment_information")
    else:
        w.body["payment_information"] = _payment_information(
            source.payment_information, [*path, "paymentInformation"], errors
        )
    return w.body


def _receivable(source: ReceivableInput, path: list[str], errors: list[UserError]) -> Body:
    w = _Writer(source, path, errors)
    w.put("gross_value")
    w.put("value")
    w.put("due_date", upstream_date)
    return w.body


def _service(source: ServiceInput, path: list[str], errors: list[UserError]) -> Body:
    w = _Writer(source, path, errors)
    w.put("service_item_id", _optional_integer_id)
    w.put("description")
    w.put("units")
    w.put("unit_value")
    w.put("value")
    return w.body


def _attachment(source: AttachmentInput, path: list[str], errors: list[UserError]) -> Body:
    w = _Writer(source, path, errors)
    w.put("filename")
    # Not checked here: the documented example itself sends `"tst"`, which the upstream took.
    w.put("content")
    w.put("content_type")
    return w.body


def _payment_information(
    source: PaymentInformationInput, path: list[str], errors: list[UserError]
) -> Body:
    w = _Writer(source, path, errors)
    w.put("payment_method", _enum)
    w.put("installments")
    w.put("financial_charge_template_id", _optional_integer_id)
    w.put("financial_account_id", _optional_integer_id)
    w.put("charging_account_id", _uuid)
    return w.body


def _uuid(value: str) -> str | None:
    text = str(value).strip()
    if text == "":
        return None
    if not re.fullmatch(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", text):
        raise ValueError("must be a UUID")
    return text
