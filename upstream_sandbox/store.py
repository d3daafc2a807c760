"""In-memory state of one sandbox app and the lifecycle rules of its invoices."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, TypeVar

from . import contract_seed
from . import errors as msg
from .errors import NotFound, Unprocessable
from .formats import is_blank, now, parse_request_date, to_decimal
from .merge import merge_invoice
from .models import (
    Attachment,
    Contract,
    Invoice,
    InvoiceData,
    PaymentInformation,
    Raw,
    Receivable,
    Service,
)
from .validation import validate_invoice

DEFAULT_CONTRACTS = (
    Contract(id=1, customer_id=1, customer_type="Person", organization_id=1),
    Contract(id=2, customer_id=2, customer_type="Company", organization_id=1),
    Contract(id=3, customer_id=3, customer_type="Company", organization_id=1),
)


class Part(Protocol):
    """A resource group's records, kept by one store."""

    def __init__(self, store: Store) -> None: ...


P = TypeVar("P", bound=Part)


class Store:
    """Everything one app knows. Tests may replace `clock` to move "today".

    Each resource group keeps its records in a part of its own (`store.part(Parties)`), made
    on first use; `seeded` says whether parts start with the default data set, which they do
    when the app runs on its default contracts.
    """

    def __init__(
        self,
        contracts: Iterable[Contract],
        clock: Callable[[], datetime] = now,
        *,
        seeded: bool = False,
    ) -> None:
        self.seeded = seeded
        self._parts: dict[type, object] = {}
        self.contracts: dict[int, Contract] = {}
        for contract in contracts:
            if contract.id in self.contracts:
                raise ValueError(f"duplicate contract id {contract.id}")
            self.contracts[contract.id] = contract
        self.invoices: dict[int, Invoice] = {}
        self.clock = clock
        # Told of each state change of an invoice, with its webhook event (`on_change`).
        self._listeners: list[Callable[[str, Invoice], None]] = []
        self._last_ids: defaultdict[str, int] = defaultdict(int)
        if seeded:
            # Invoices are read without going through a part: theirs must exist from the start.
            contract_seed.seed(self)

    def next_id(self, kind: str) -> int:
        self._last_ids[kind] += 1
        return self._last_ids[kind]

    def reserve(self, kind: str, used: int) -> None:
        """`used` is taken (a seeded record's id): `next_id` hands out only ids above it."""
        self._last_ids[kind] = max(self._last_ids[kind], used)

    def part(self, kind: type[P]) -> P:
        """This store's instance of a resource group's records, made on first use."""
        found = self._parts.get(kind)
        if found is None:
            found = self._parts[kind] = kind(self)
        assert isinstance(found, kind)
        return found

    def today(self) -> date:
        return self.clock().date()

    def on_change(self, listener: Callable[[str, Invoice], None]) -> None:
        """`listener(event, invoice)` after each change of an invoice the product announces
        with a webhook (`update`, `confirm_receival`...)."""
        self._listeners.append(listener)

    def changed(self, event: str, invoice: Invoice) -> None:
        for listener in self._listeners:
            listener(event, invoice)

    # Lookups: anything outside the named contract or organization is "not found".

    def contract(self, contract_id: int) -> Contract:
        try:
            return self.contracts[contract_id]
        except KeyError:
            raise NotFound from None

    def save_contract(self, contract: Contract) -> None:
        """A new contract, or a changed one, which its invoices see from now on."""
        self.contracts[contract.id] = contract
        for invoice in self.invoices.values():
            if invoice.contract.id == contract.id:
                invoice.contract = contract

    def delete_contract(self, contract_id: int) -> None:
        """The contract goes, and its invoices with it."""
        self.contract(contract_id)
        del self.contracts[contract_id]
        self.invoices = {i.id: i for i in self.invoices.values() if i.contract.id != contract_id}

    def invoice(self, contract_id: int, invoice_id: int) -> Invoice:
        self.contract(contract_id)
        invoice = self.invoices.get(invoice_id)
        if invoice is None or invoice.contract.id != contract_id:
            raise NotFound
        return invoice

    def contract_invoices(self, contract_id: int) -> list[Invoice]:
        self.contract(contract_id)
        return [i for i in self.invoices.values() if i.contract.id == contract_id]

    def organization_invoices(self, organization_id: int) -> list[Invoice]:
        if not any(c.organization_id == organization_id for c in self.contracts.values()):
            raise NotFound
        return [i for i in self.invoices.values() if i.contract.organization_id == organization_id]

    def receivable(self, contract_id: int, receivable_id: int) -> tuple[Invoice, Receivable]:
        for invoice in self.contract_invoices(contract_id):
            for receivable in invoice.receivables:
                if receivable.id == receivable_id:
                    return invoice, receivable
        raise NotFound

    # Invoice lifecycle.

    def create_invoice(self, contract_id: int, body: Raw) -> Invoice:
        contract = self.contract(contract_id)
        data = validate_invoice(merge_invoice(None, body))
        invoice = Invoice(
            id=self.next_id("invoice"),
            contract=contract,
            created_at=self.clock(),
            raw=data.raw,
            fields=data.fields,
            approval_status=data.fields.approval_status,
        )
        self._apply(invoice, data)
        self.invoices[invoice.id] = invoice
        return invoice

    def update_invoice(self, contract_id: int, invoice_id: int, body: Raw) -> Invoice:
        invoice = self.invoice(contract_id, invoice_id)
        data = validate_invoice(merge_invoice(invoice, body))
        invoice.raw, invoice.fields = data.raw, data.fields
        self._apply(invoice, data)
        _refresh_state(invoice)
        self.changed("update", invoice)
        return invoice

    def delete_invoice(self, contract_id: int, invoice_id: int) -> None:
        invoice = self.invoice(contract_id, invoice_id)
        # Only a bill nobody has acted on yet can disappear.
        if invoice.state != "to_emit":
            raise Unprocessable(msg.CANNOT_DELETE)
        del self.invoices[invoice.id]

    def set_approval(self, contract_id: int, invoice_id: int, status: str) -> Invoice:
        invoice = self.invoice(contract_id, invoice_id)
        if invoice.state != "to_emit" or invoice.approval_status == status:
            raise Unprocessable(msg.CANNOT_APPROVE if status == "approved" else msg.CANNOT_BLOCK)
        invoice.approval_status = status
        self.changed("update", invoice)
        return invoice

    def _apply(self, invoice: Invoice, data: InvoiceData) -> None:
        """Syncs nested items: ids in `data` update, missing ones are gone, others are new."""
        created = self.clock()
        receivables = {r.id: r for r in invoice.receivables}
        invoice.receivables = []
        for r_data in data.receivables:
            receivable = receivables.get(r_data.id) if r_data.id is not None else None
            if receivable is None:
                receivable = Receivable(
                    id=self.next_id("receivable"),
                    invoice_id=invoice.id,
                    created_at=created,
                    data=r_data,
                )
            receivable.data = r_data
            invoice.receivables.append(receivable)
        services = {s.id: s for s in invoice.services}
        invoice.services = []
        for s_data in data.services:
            service = services.get(s_data.id) if s_data.id is not None else None
            if service is None:
                service = Service(self.next_id("service"), created, s_data)
            service.data = s_data
            invoice.services.append(service)
        attachments = {a.id: a for a in invoice.attachments}
        invoice.attachments = []
        for a_data in data.attachments:
            attachment = attachments.get(a_data.id) if a_data.id is not None else None
            if attachment is None:
                attachment = Attachment(self.next_id("attachment"), created, a_data)
            attachment.data = a_data
            invoice.attachments.append(attachment)
        p_data = data.payment_information
        if p_data is None:
            invoice.payment_information = None
        elif invoice.payment_information is None:
            invoice.payment_information = PaymentInformation(
                self.next_id("payment_information"), created, p_data
            )
        else:
            invoice.payment_information.data = p_data

    # Receipts.

    def receive(self, contract_id: int, receivable_id: int, body: Raw) -> Receivable:
        invoice, receivable = self.receivable(contract_id, receivable_id)
        self.receive_one(invoice, receivable, body)
        self.changed("confirm_receival", invoice)
        return receivable

    def undo_receipt(self, contract_id: int, receivable_id: int) -> Receivable:
        invoice, receivable = self.receivable(contract_id, receivable_id)
        self.undo_one(invoice, receivable)
        self.changed("undo_receival", invoice)
        return receivable

    def receive_one(self, invoice: Invoice, receivable: Receivable, body: Raw) -> None:
        """A receipt of one of the invoice's receivables, announced by the caller."""
        if not receivable.is_open:
            raise Unprocessable(msg.CANNOT_RECEIVE)
        value, received_at = self._receipt(receivable, body)
        receivable.state = "received"
        receivable.received_value, receivable.received_at = value, received_at
        _refresh_state(invoice)

    def undo_one(self, invoice: Invoice, receivable: Receivable) -> None:
        """Undoes the receipt of one of the invoice's receivables, announced by the caller."""
        if receivable.state != "received":
            raise Unprocessable(msg.CANNOT_UNDO_RECEIPT)
        receivable.state = "to_receive"
        receivable.received_value = receivable.received_at = None
        _refresh_state(invoice)

    def _receipt(self, receivable: Receivable, body: Raw) -> tuple[Decimal, date]:
        """Validates a receipt; what is left out means "all of it, today"."""
        errors: dict[str, str] = {}
        value: Decimal | None = receivable.data.payment_value
        if not is_blank(body.get("received_value")):
            value = to_decimal(body["received_value"])
            if value is None:
                errors["received_value"] = msg.NOT_NUMERIC
        received_at: date | None = self.today()
        if not is_blank(body.get("received_at")):
            received_at = parse_request_date(body["received_at"])
            if received_at is None:
                errors["received_at"] = msg.INVALID_DATE
        if errors or value is None or received_at is None:
            raise Unprocessable(errors)
        return value, received_at


def _refresh_state(invoice: Invoice) -> None:
    """An invoice is received when all its receivables are; undoing one reopens it."""
    if invoice.receivables and all(r.state == "received" for r in invoice.receivables):
        invoice.state = "received"
    elif invoice.state == "received":
        invoice.state = "to_receive"
