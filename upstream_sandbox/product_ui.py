"""What the product's own UI does to an invoice, simulated: there is no REST call to emit or
cancel an invoice, so the sandbox offers `POST /sandbox/invoices/{id}/{action}`, outside the
real API's `/api/v1`. Each action changes the invoice as the product would, answers
`{"invoice": ...}` as a GET of it would, and is announced by its webhook event.

- `emit` (to_emit -> to_receive; not a blocked invoice) and `undo_emission` (back, while
  nothing is received);
- `cancel` (an open invoice and its open receivables -> cancelled) and `undo_cancellation`
  (each back to the state it was cancelled from);
- `confirm_receival` (every open receivable received in full, today: the invoice is received)
  and `undo_receival` (every receipt undone);
- `receivement_error` (a card payment failed: the invoice stays open, only the event goes).

An invoice in no state for the action: 422 `{"errors": "<message>"}`; an unknown invoice or
action: an empty 404, as the upstream answers.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .errors import NotFound, Unprocessable
from .models import OPEN_STATES, Invoice
from .render import render_invoice
from .routing import empty, endpoint, path_int
from .store import Store

CANNOT_EMIT = "O faturamento não pode ser faturado."
CANNOT_UNDO_EMISSION = "O faturamento não pode voltar a faturar."
CANNOT_CANCEL = "O faturamento não pode ser cancelado."
CANNOT_UNDO_CANCELLATION = "O cancelamento do faturamento não pode ser desfeito."
CANNOT_CONFIRM_RECEIVAL = "O faturamento não pode ser recebido."
CANNOT_UNDO_RECEIVAL = "O recebimento do faturamento não pode ser desfeito."
CANNOT_FAIL_RECEIVAL = "O faturamento não está em aberto."


class Cancellations:
    """The states cancelled invoices and their receivables were in, for undoing."""

    def __init__(self, store: Store) -> None:
        self.before: dict[int, tuple[str, dict[int, str]]] = {}


def routes() -> list[BaseRoute]:
    return [
        Route(
            "/sandbox/invoices/{invoice_id:int}/{action}",
            endpoint(simulate),
            methods=["POST"],
        )
    ]


async def simulate(request: Request, store: Store) -> Response:
    action = ACTIONS.get(request.path_params["action"])
    if action is None:
        return empty(404)
    invoice = store.invoices.get(path_int(request, "invoice_id"))
    if invoice is None:
        raise NotFound
    action(store, invoice)
    store.changed(request.path_params["action"], invoice)
    return JSONResponse({"invoice": render_invoice(invoice)})


def emit(store: Store, invoice: Invoice) -> None:
    if invoice.state != "to_emit" or invoice.approval_status == "blocked":
        raise Unprocessable(CANNOT_EMIT)
    _move(invoice, "to_emit", "to_receive")


def undo_emission(store: Store, invoice: Invoice) -> None:
    if invoice.state != "to_receive" or any(r.state == "received" for r in invoice.receivables):
        raise Unprocessable(CANNOT_UNDO_EMISSION)
    _move(invoice, "to_receive", "to_emit")


def cancel(store: Store, invoice: Invoice) -> None:
    if invoice.state not in OPEN_STATES:
        raise Unprocessable(CANNOT_CANCEL)
    receivables = {r.id: r.state for r in invoice.receivables}
    store.part(Cancellations).before[invoice.id] = invoice.state, receivables
    invoice.state = "cancelled"
    for receivable in invoice.receivables:
        if receivable.is_open:
            receivable.state = "cancelled"


def undo_cancellation(store: Store, invoice: Invoice) -> None:
    if invoice.state != "cancelled":
        raise Unprocessable(CANNOT_UNDO_CANCELLATION)
    state, receivables = store.part(Cancellations).before.pop(invoice.id, ("to_emit", {}))
    invoice.state = state
    for receivable in invoice.receivables:
        if receivable.state == "cancelled":
            receivable.state = receivables.get(receivable.id, state)


def confirm_receival(store: Store, invoice: Invoice) -> None:
    open_receivables = [r for r in invoice.receivables if r.is_open]
    if invoice.state not in OPEN_STATES or not open_receivables:
        raise Unprocessable(CANNOT_CONFIRM_RECEIVAL)
    for receivable in open_receivables:
        store.receive_one(invoice, receivable, {})


def undo_receival(store: Store, invoice: Invoice) -> None:
    received = [r for r in invoice.receivables if r.state == "received"]
    if invoice.state == "cancelled" or not received:
        raise Unprocessable(CANNOT_UNDO_RECEIVAL)
    for receivable in received:
        store.undo_one(invoice, receivable)


def receivement_error(store: Store, invoice: Invoice) -> None:
    if invoice.state not in OPEN_STATES:
        raise Unprocessable(CANNOT_FAIL_RECEIVAL)


def _move(invoice: Invoice, source: str, target: str) -> None:
    invoice.state = target
    for receivable in invoice.receivables:
        if receivable.state == source:
            receivable.state = target


ACTIONS: dict[str, Callable[[Store, Invoice], None]] = {
    action.__name__: action
    for action in (
        emit,
        undo_emission,
        cancel,
        undo_cancellation,
        confirm_receival,
        undo_receival,
        receivement_error,
    )
}
