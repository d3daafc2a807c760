"""Translation: GraphQL inputs -> upstream REST requests, compiled from the inputs' declarations.

Every input type's fields carry their REST name and wire form (`gateway.types.wire`), so one
writer per input type is compiled at start-up: ids as JSON numbers (the UUID string for
`charging_account_id`), amounts as `Decimal` (encoded with exactly the digits the client gave,
see `gateway.upstream.codec`), dates as `DD-MM-YYYY` (`DD/MM/YYYY` for a receipt), the accrual
month as `MM/YYYY`, nested items in Rails' nested-attributes form (`id` names the item to
change, none adds one, `_destroy` removes it). A field the client did not set is left out;
an explicit `null` is sent as `null` (see `gateway.rest.writer`).

A request names its path with the input's fields (`contracts/{contract_id}/invoices/{id}`);
those go into the path, as numbers, and stay out of the body unless it lists them.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from strawberry.types.unset import UnsetType
from strawberry.utils.str_converters import to_camel_case

from gateway.errors import InvalidInput
from gateway.rest.writer import (
    Body,
    ItemWriter,
    JSONValue,
    Writer,
    accrual_month,
    enum_value,
    integer_id,
    optional_integer_id,
    receipt_date,
    upstream_date,
    uuid,
)
from gateway.rest.writer_compiler import Custom, Nested, Part, Value, compile_writer
from gateway.scalars import UploadedFile
from gateway.types.invoice import CreateInvoiceInput, InvoiceReference, UpdateInvoiceInput
from gateway.types.receivable import ReceivableReference, ReceiveReceivableInput
from gateway.types.user_error import UserError, UserErrorCode
from gateway.types.wire import Form, WireField, wire_fields

Convert = Callable[[Any], JSONValue]
Step = Callable[[Writer], None]


def _same(value: Any) -> JSONValue:
    return value  # type: ignore[no-any-return]


def _iso(value: dt.date) -> str:
    return value.isoformat()


_CONVERTERS: Mapping[Form, Convert] = {
    Form.TEXT: _same,
    Form.BOOLEAN: _same,
    Form.INTEGER: _same,
    Form.ID: str,
    Form.UUID: uuid,
    Form.ENUM: enum_value,
    Form.AMOUNT: _same,
    Form.QUANTITY: _same,
    Form.DATE_DMY_DASH: upstream_date,
    Form.DATE_DMY_SLASH: receipt_date,
    Form.DATE_ISO: _iso,
    Form.MONTH: accrual_month,
    Form.TIMESTAMP: _iso,
}


class Endpoint:
    """One REST endpoint, declared once: the input it is called with, its path template over
    that input's fields, and the envelope its body goes in (`{"invoice": {...}}`), or
    `flat=True` for a body sent unwrapped; with neither it takes no body. Path fields are sent
    in the path, as numbers, and in the body only if `in_body` names them. The body's writer
    is compiled here, when the endpoint is declared at import."""

    __slots__ = ("_names", "_write", "envelope", "flat", "in_body", "input", "template")

    def __init__(
        self,
        input: type,
        template: str,
        envelope: str | None = None,
        *,
        flat: bool = False,
        in_body: tuple[str, ...] = (),
    ) -> None:
        self.input, self.template, self.envelope = input, template, envelope
        self.flat, self.in_body = flat, in_body
        self._names = tuple(re.findall(r"{(\w+)}", template))
        takes_body = envelope is not None or flat
        self._write = writer(input, exclude=self._names) if takes_body else None

    def path(self, input: object) -> str:
        """The template filled with the input's fields; `InvalidInput` if one is no id."""
        errors: list[UserError] = []
        values = self._path_values(input, errors)
        _raise_if(errors)
        return self.template.format_map(values)

    def request(self, input: object) -> tuple[str, Body]:
        """The path and the body; `InvalidInput` with every problem found."""
        if self._write is None:
            raise TypeError(f"{self.template} takes no body")
        errors: list[UserError] = []
        values = self._path_values(input, errors)
        written = self._write(input, ["input"], errors)
        _raise_if(errors)
        body = {name: values[name] for name in self.in_body} | written
        path = self.template.format_map(values)
        return path, (body if self.envelope is None else {self.envelope: body})

    def _path_values(self, source: object, errors: list[UserError]) -> Body:
        w = Writer(source, ["input"], errors)
        for name in self._names:
            w.put(name, integer_id)
        return w.body


def _raise_if(errors: list[UserError]) -> None:
    if errors:
        raise InvalidInput(errors)


def query_params(criteria: object, template: str = "{}") -> dict[str, str]:
    """A query string from an input of criteria: each one given, under `template` (the
    search's `q[{}]`). A null criterion is no criterion. Raises `ValueError` for a value that
    cannot be sent (an id that is not a number): no record can match it."""
    params: dict[str, str] = {}
    for field, convert in _criteria(type(criteria)):
        value = getattr(criteria, field.attribute)
        if value is not None and not isinstance(value, UnsetType):
            params[template.format(field.key)] = str(convert(value))
    return params


_writers: dict[tuple[type, tuple[str, ...]], ItemWriter] = {}


def writer(cls: type, *, exclude: tuple[str, ...] = ()) -> ItemWriter:
    """The function writing one `cls` input as a REST JSON object; compiled once per type."""
    write = _writers.get((cls, exclude))
    if write is None:
        parts = tuple(
            _part(field)
            for field in wire_fields(cls)
            if field.sent and field.attribute not in exclude
        )
        write = _writers[(cls, exclude)] = compile_writer(parts)
    return write


def _part(field: WireField) -> Part:
    name, key = field.attribute, field.key
    if field.form in (Form.OBJECT, Form.LIST):
        assert field.item is not None
        return Nested(name, key, writer(field.item), is_list=field.form is Form.LIST)
    if field.form is Form.UPLOAD:
        return Custom(lambda w: _put_upload(w, name))
    if field.form is Form.FLATTENED:
        assert field.item is not None
        return Custom(_flattened(name, field.item, prefix=f"{key}_"))
    convert = _converter(field)
    return Value(name, key, None if convert is _same else convert)


def _converter(field: WireField) -> Convert:
    if field.form is Form.INTEGER_ID:
        # The documented example sends `""` for an empty id; never for the one it addresses.
        return integer_id if field.strict_id else optional_integer_id
    return _CONVERTERS[field.form]


_criteria_of: dict[type, tuple[tuple[WireField, Convert], ...]] = {}


def _criteria(cls: type) -> tuple[tuple[WireField, Convert], ...]:
    criteria = _criteria_of.get(cls)
    if criteria is None:
        criteria = _criteria_of[cls] = tuple(
            (field, integer_id if field.form is Form.INTEGER_ID else _converter(field))
            for field in wire_fields(cls)
            if field.sent
        )
    return criteria


def _flattened(name: str, item: type, *, prefix: str) -> Step:
    """An input object spread over its parent's keys, each prefixed: `customer: {type, id}` ->
    `customer_type`, `customer_id`. A null clears every one of them."""
    write = writer(item)
    keys = tuple(prefix + field.key for field in wire_fields(item) if field.sent)

    def put(w: Writer) -> None:
        value = getattr(w.source, name)
        if isinstance(value, UnsetType):
            return
        if value is None:
            w.body.update(dict.fromkeys(keys))
            return
        written = write(value, [*w.path, to_camel_case(name)], w.errors)
        w.body.update({prefix + key: item_value for key, item_value in written.items()})

    return put


def _put_upload(w: Writer, name: str) -> None:
    """A multipart upload, as the Base64 `content` the upstream takes, with its file name and
    type unless the client gave them. Not checked further: the documented example itself sends
    `"tst"` as content, which the upstream took."""
    upload = getattr(w.source, name)
    if not isinstance(upload, UploadedFile):
        return
    field = [*w.path, to_camel_case(name)]
    if upload.too_large:
        w.errors.append(
            UserError(
                field=field,
                message=f"The file is larger than {upload.max_bytes} bytes.",
                code=UserErrorCode.TOO_LARGE,
            )
        )
    elif "content" in w.body:
        w.errors.append(
            UserError(
                field=field,
                message="Give either `content` or `file`, not both.",
                code=UserErrorCode.INVALID,
            )
        )
    else:
        w.body["content"] = base64.b64encode(upload.data).decode("ascii")
        w.body.setdefault("filename", upload.filename)
        w.body.setdefault("content_type", upload.content_type)


CREATE_INVOICE = Endpoint(
    CreateInvoiceInput, "contracts/{contract_id}/invoices", "invoice", in_body=("contract_id",)
)
UPDATE_INVOICE = Endpoint(UpdateInvoiceInput, "contracts/{contract_id}/invoices/{id}", "invoice")
INVOICE = Endpoint(InvoiceReference, "contracts/{contract_id}/invoices/{id}")
RECEIVABLE = Endpoint(ReceivableReference, "contracts/{contract_id}/receivables/{id}")
RECEIVE = Endpoint(
    ReceiveReceivableInput, "contracts/{contract_id}/receivables/{id}/receive", "receivable"
)


def create_invoice_request(input: CreateInvoiceInput) -> tuple[str, Body]:
    """The path (relative to the base URL) and JSON body of `POST .../invoices`."""
    return CREATE_INVOICE.request(input)


def update_invoice_request(input: UpdateInvoiceInput) -> tuple[str, Body]:
    """The path and JSON body of `PATCH .../invoices/{id}`: only the fields the client set."""
    path, body = UPDATE_INVOICE.request(input)
    if not body["invoice"]:
        # The upstream answers an empty change with a 400; say what is wrong instead.
        raise InvalidInput(
            [
                UserError(
                    field=["input"],
                    message="Nothing to change: give at least one field of the invoice.",
                    code=UserErrorCode.BLANK,
                )
            ]
        )
    return path, body


def invoice_path(reference: InvoiceReference) -> str:
    """`contracts/{contract_id}/invoices/{id}`, for the endpoints that take no body."""
    return INVOICE.path(reference)


def receivable_path(reference: ReceivableReference) -> str:
    """`contracts/{contract_id}/receivables/{id}`."""
    return RECEIVABLE.path(reference)


def receive_request(input: ReceiveReceivableInput) -> tuple[str, Body]:
    """The path and JSON body of `PATCH .../receivables/{id}/receive`."""
    return RECEIVE.request(input)
