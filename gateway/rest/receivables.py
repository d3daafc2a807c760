"""The receivable endpoints, as typed calls: GraphQL inputs in, GraphQL types out."""

from __future__ import annotations

import datetime as dt

from gateway.errors import UpstreamNotFound
from gateway.rest import envelopes
from gateway.rest.mapping import receivable_deferred
from gateway.rest.search import receivable_search_params
from gateway.rest.session import UpstreamSession
from gateway.rest.translate import receivable_path, receive_request
from gateway.rest.writer import integer_id
from gateway.types.receivable import (
    Receivable,
    ReceivableReference,
    ReceivableState,
    ReceiveReceivableInput,
)
from gateway.upstream.client import UpstreamResponse


class ReceivablesAPI:
    """The receivable endpoints, called through one GraphQL request's upstream session.

    Errors as in `InvoicesAPI`: reads answer nothing for what does not exist, writes raise.
    """

    def __init__(self, session: UpstreamSession) -> None:
        self._session = session

    async def search(
        self,
        contract_id: str,
        *,
        due_date_from: dt.date | None,
        due_date_to: dt.date | None,
        state: ReceivableState | None,
    ) -> list[Receivable]:
        """`GET contracts/{contract_id}/receivables/search`; each with its invoice embedded."""
        try:
            path = f"contracts/{integer_id(contract_id)}/receivables/search"
        except ValueError:
            return []
        params = receivable_search_params(due_date_from, due_date_to, state)
        try:
            response = await self._session.read(path, params)
        except UpstreamNotFound:
            return []
        return envelopes.many(response, "receivables", receivable_deferred)

    async def receive(
        self, input: ReceiveReceivableInput, *, idempotency_key: str | None = None
    ) -> Receivable:
        """`PATCH contracts/{contract_id}/receivables/{id}/receive`, once per key."""
        path, body = receive_request(input)
        response = await self._session.write("PATCH", path, body, idempotency_key=idempotency_key)
        return _receivable(response)

    async def undo_receipt(self, reference: ReceivableReference) -> Receivable:
        """`PATCH contracts/{contract_id}/receivables/{id}/undo_receipt` (no body)."""
        path = f"{receivable_path(reference)}/undo_receipt"
        return _receivable(await self._session.write("PATCH", path))


def _receivable(response: UpstreamResponse) -> Receivable:
    return envelopes.one(response, "receivable", receivable_deferred)
