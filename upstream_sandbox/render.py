"""Response bodies, compiled from the gateway's declarations of the same resources.

The output types of `gateway.types` declare, per field, its REST key and its wire form
(`gateway.types.wire`). One renderer per type is compiled from them at import: a body has
those keys in declaration order, each value written in its field's form. A value is what the
sandbox models for the field (the records below, by attribute name); a field it does not model
echoes the stored request value under the same key, cast the way the upstream's Rails columns
cast it, or is null. A nested object or list a record leaves out is left out of the body: the
upstream embeds only what it loaded. So a new field of an output type needs no edit here.

Whether the keys are the upstream's own is checked independently of the declarations: by the
documented examples in examples/fixtures, copied from the upstream's documentation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from gateway.types.attachment import Attachment as AttachmentType
from gateway.types.attachment import AttachmentUpdateInput
from gateway.types.invoice import CreateInvoiceInput, UpdateInvoiceInput
from gateway.types.invoice import Invoice as InvoiceType
from gateway.types.payment_information import PaymentInformation as PaymentInformationType
from gateway.types.payment_information import PaymentInformationInput
from gateway.types.receivable import Receivable as ReceivableType
from gateway.types.receivable import ReceivableUpdateInput
from gateway.types.service import Service as ServiceType
from gateway.types.service import ServiceUpdateInput
from gateway.types.wire import Form, WireField, wire_fields

from .formats import (
    attachment_url,
    format_date,
    format_decimal,
    format_iso_date,
    format_timestamp,
    parse_request_date,
    to_bool,
    to_decimal,
    to_int,
    to_text,
)
from .models import Attachment, Invoice, PaymentInformation, Receivable, Service

JSON = dict[str, Any]
Write = Callable[[Any], object]

# The upstream never had a card on file for the sandbox's customers.
NO_CARD = "--"
# Free text the upstream answers with "" when sent "", where other text comes back as null.
_TEXT_KEEP_EMPTY = ("nfe_body", "comments", "cobrato_charge_template_name")
_NFE_DAYS = "days_until_automatic_nfe_emission"


class Record(NamedTuple):
    """One object to render: the values the sandbox models, by attribute name, and the
    request it was stored from, which every other field echoes."""

    values: Mapping[str, object]
    raw: Mapping[str, Any]


def render_invoice(invoice: Invoice, *, with_receivables: bool = True) -> JSON:
    return render(InvoiceType, _invoice(invoice, with_receivables=with_receivables))


def render_receivable(receivable: Receivable, *, invoice: Invoice | None = None) -> JSON:
    """`invoice` is embedded, without its receivables, as the receivables search does."""
    return render(ReceivableType, _receivable(receivable, invoice))


# What the sandbox models: the values it validated, computed or keeps as state, and its quirks.


def _invoice(invoice: Invoice, *, with_receivables: bool = True) -> Record:
    f, raw = invoice.fields, invoice.raw
    values: dict[str, object] = {
        "id": invoice.id,
        "contract_id": invoice.contract.id,
        "customer_id": invoice.contract.customer_id,
        "customer_type": invoice.contract.customer_type,
        "issue_date": f.issue_date,
        "estimated_issue_date": f.estimated_issue_date,
        "accrual_date": f.accrual_date,
        "gross_value": f.gross_value,
        "payment_value": f.payment_value,
        "description": f.description,
        "number": f.number,
        "management_type": f.management_type,
        "approval_status": invoice.approval_status,
        "state": invoice.state,
        "created_at": invoice.created_at,
        # Written under the NFS-e's request names, answered under the NF-e's.
        "nfe_service": to_text(raw.get("nfse_service")),
        "nfe_verification": to_text(raw.get("nfse_verification")),
        # The example sends a template id with issue_nfse false and gets null back:
        # the template only matters when a service invoice is to be issued.
        "nfse_template_id": (
            to_int(raw.get("nfse_template_id")) if to_bool(raw.get("issue_nfse")) else None
        ),
        # A column with a default.
        "days_until_automatic_nfe_emission": to_int(raw.get(_NFE_DAYS)) or 0,
        **{key: _kept_text(raw.get(key)) for key in _TEXT_KEEP_EMPTY},
        "services": [_service(s) for s in invoice.services],
        "attachments": [_attachment(a) for a in invoice.attachments],
        "payment_information": (
            _payment(invoice.payment_information) if invoice.payment_information else None
        ),
    }
    if with_receivables:
        values["receivables"] = [_receivable(r) for r in invoice.receivables]
    return Record(values, raw)


def _receivable(receivable: Receivable, invoice: Invoice | None = None) -> Record:
    data = receivable.data
    values: dict[str, object] = {
        "id": receivable.id,
        "invoice_id": receivable.invoice_id,
        "due_date": data.due_date,
        "value": data.percentage,
        "gross_value": data.gross_value,
        "payment_value": data.payment_value,
        "received_value": receivable.received_value,
        "received_at": receivable.received_at,
        "created_at": receivable.created_at,
        "state": receivable.state,
    }
    if invoice is not None:
        values["invoice"] = _invoice(invoice, with_receivables=False)
    return Record(values, data.raw)


def _service(service: Service) -> Record:
    data = service.data
    values = {
        "id": service.id,
        # A service line is named after its description.
        "name": to_text(data.raw.get("description")),
        "units": data.units,
        "unit_value": data.unit_value,
        "value": data.value,
    }
    return Record(values, data.raw)


def _attachment(attachment: Attachment) -> Record:
    url = attachment_url(attachment.id, attachment.data.filename, attachment.created_at)
    return Record({"id": attachment.id, "url": url}, attachment.data.raw)


def _payment(payment: PaymentInformation) -> Record:
    raw = payment.data.raw
    values = {
        "id": payment.id,
        "payment_method": payment.data.payment_method,
        "cobrato_card_id": NO_CARD,
        "card_expiration_month": NO_CARD,
        "card_expiration_year": NO_CARD,
        "created_at": payment.created_at,
        # A UUID, kept as text though declared as an id.
        "charging_account_id": to_text(raw.get("charging_account_id")),
    }
    return Record(values, raw)


def _kept_text(value: Any) -> str | None:
    return None if value is None else str(value)


# The renderers, compiled from the declarations.


def _as_is(value: Any) -> object:
    return value


def _timestamp(value: datetime | None) -> str | None:
    return None if value is None else format_timestamp(value)


# How the upstream writes a value, by the form of its field.
_WRITERS: Mapping[Form, Write] = {
    **dict.fromkeys(
        (Form.TEXT, Form.BOOLEAN, Form.INTEGER, Form.ID, Form.INTEGER_ID, Form.UUID, Form.ENUM),
        _as_is,
    ),
    Form.AMOUNT: format_decimal,
    Form.QUANTITY: format_decimal,
    Form.DATE_DMY_SLASH: format_date,
    Form.DATE_ISO: format_iso_date,
    Form.TIMESTAMP: _timestamp,
}
# How it casts a request value into its column, by the form of the field. The forms without
# a cast (timestamps) are the upstream's to set: never echoed, null where not modelled.
_CASTS: Mapping[Form, Callable[[Any], object]] = {
    Form.TEXT: to_text,
    Form.ENUM: to_text,
    Form.UUID: to_text,
    Form.BOOLEAN: to_bool,
    Form.INTEGER: to_int,
    Form.ID: to_int,
    Form.INTEGER_ID: to_int,
    Form.AMOUNT: to_decimal,
    Form.QUANTITY: to_decimal,
    Form.DATE_DMY_SLASH: parse_request_date,
    Form.DATE_ISO: parse_request_date,
}

Render = Callable[[Record], JSON]
_compiled: dict[type, Render] = {}

# Which inputs write each output type: only what a client can write is echoed (Rails' strong
# parameters drop the rest), so a response-only key sent in a request still comes back as its
# column's default.
_written_by: dict[type, tuple[type, ...]] = {}


def written_by(output: type, *inputs: type) -> None:
    """Declare the inputs whose fields a client writes into `output`; before it is rendered."""
    if output in _compiled:
        raise RuntimeError(f"{output.__name__} is already compiled")
    _written_by[output] = inputs


def _writable(cls: type) -> frozenset[str]:
    return frozenset(
        field.key for kind in _written_by.get(cls, ()) for field in wire_fields(kind) if field.sent
    )


def render(cls: type, record: Record) -> JSON:
    """The body of `record` as an output type `cls`; its renderer is compiled once per type."""
    compiled = _compiled.get(cls)
    if compiled is None:
        compiled = _compiled[cls] = _compile(cls)
    return compiled(record)


def _compile(cls: type) -> Render:
    """Python source, as `gateway.rest.mapping` compiles its mappers: one straight-line
    statement per field, with no look-up of declarations when rendering."""
    namespace: dict[str, Any] = {}
    lines = ["def build(record):", "    values, raw = record", "    body = {}"]
    writable = _writable(cls)
    for index, wire in enumerate(wire_fields(cls)):
        lines += _statement(wire, f"_{index}", namespace, echoes=wire.key in writable)
    lines.append("    return body")
    # The source holds identifiers and repr() literals taken from the declarations only.
    exec("\n".join(lines), namespace)
    build: Render = namespace["build"]
    build.__qualname__ = build.__name__ = f"render_{cls.__name__.lower()}"
    return build


def _statement(wire: WireField, name: str, namespace: dict[str, Any], *, echoes: bool) -> list[str]:
    """The lines writing one field into `body`; what they call goes into `namespace`."""
    key, attribute, form = repr(wire.key), repr(wire.attribute), wire.form
    if form is Form.LIST and wire.item is None:
        # An array of scalars: modelled, or null.
        return [f"    body[{key}] = values.get({attribute})"]
    if form in (Form.OBJECT, Form.LIST):
        assert wire.item is not None
        namespace[name] = (_many if form is Form.LIST else _one)(wire.item)
        return [
            f"    if {attribute} in values:",
            f"        body[{key}] = {name}(values[{attribute}])",
        ]
    write = _WRITERS.get(form)
    if write is None:
        raise TypeError(f"the sandbox writes no {form} ({wire.attribute})")
    modelled = f"values[{attribute}]"
    if write is not _as_is:
        namespace[name] = write
        modelled = f"{name}({modelled})"
    cast = _CASTS.get(form)
    echoed = "None"
    if cast is not None:
        echo = namespace[f"{name}_echo"] = cast if write is _as_is else _then(cast, write)
        # The column's value when nothing was written to it (false for a boolean).
        namespace[f"{name}_absent"] = echo(None)
        echoed = f"{name}_absent"
        if echoes:
            echoed = f"({name}_echo(raw[{key}]) if {key} in raw else {echoed})"
    return [f"    body[{key}] = {modelled} if {attribute} in values else {echoed}"]


def _then(cast: Callable[[Any], object], write: Write) -> Write:
    return lambda value: write(cast(value))


def _one(item: type) -> Write:
    # Nested renderers are looked up when rendering: the types refer to each other.
    return lambda record: None if record is None else render(item, record)


def _many(item: type) -> Write:
    return lambda records: None if records is None else [render(item, r) for r in records]


written_by(InvoiceType, CreateInvoiceInput, UpdateInvoiceInput)
written_by(ReceivableType, ReceivableUpdateInput)
written_by(ServiceType, ServiceUpdateInput)
written_by(AttachmentType, AttachmentUpdateInput)
written_by(PaymentInformationType, PaymentInformationInput)

# Compiled at import, which is start-up.
for _type in (InvoiceType, ReceivableType, ServiceType, AttachmentType, PaymentInformationType):
    _compiled[_type] = _compile(_type)
