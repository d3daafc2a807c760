"""Queries and mutations on receivables."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.idempotency.keys import idempotency_key
from gateway.operations.user_errors import attempt, not_found
from gateway.types.receivable import (
    Receivable,
    ReceivableState,
    ReceiveReceivableInput,
    ReceiveReceivablePayload,
    UndoReceivableReceiptInput,
    UndoReceivableReceiptPayload,
)

_NO_RECEIVABLE = not_found("id", "Receivable not found.")


@strawberry.type
class ReceivableQueries:
    @strawberry.field(
        description=(
            "A contract's receivables (`GET contracts/{contract_id}/receivables/search`), each "
            "with its invoice; empty for an unknown contract."
        )
    )
    async def receivables(
        self,
        info: Info,
        contract_id: Annotated[
            strawberry.ID, strawberry.argument(description="Contract the receivables belong to.")
        ],
        due_date_from: Annotated[
            dt.date | None, strawberry.argument(description="Due on or after this date.")
        ] = None,
        due_date_to: Annotated[
            dt.date | None, strawberry.argument(description="Due on or before this date.")
        ] = None,
        state: Annotated[
            ReceivableState | None, strawberry.argument(description="In this state.")
        ] = None,
    ) -> list[Receivable]:
        return await info.context.receivables.search(
            contract_id, due_date_from=due_date_from, due_date_to=due_date_to, state=state
        )


@strawberry.type
class ReceivableMutations:
    @strawberry.mutation(
        description=(
            "Record a payment on an open receivable (`PATCH contracts/{contract_id}/receivables/"
            "{id}/receive`). Returns the receivable as it now is."
        )
    )
    async def receive_receivable(
        self,
        info: Info,
        input: Annotated[
            ReceiveReceivableInput,
            strawberry.argument(description="The receivable and the payment received."),
        ],
    ) -> ReceiveReceivablePayload:
        async def receive() -> Receivable:
            key = idempotency_key(info, input.idempotency_key)
            return await info.context.receivables.receive(input, idempotency_key=key)

        receivable, errors = await attempt(receive(), not_found=_NO_RECEIVABLE)
        return ReceiveReceivablePayload(receivable=receivable, user_errors=errors)

    @strawberry.mutation(
        description=(
            "Undo the payment recorded on a receivable (`PATCH contracts/{contract_id}/"
            "receivables/{id}/undo_receipt`). Returns the receivable as it now is."
        )
    )
    async def undo_receivable_receipt(
        self,
        info: Info,
        input: Annotated[
            UndoReceivableReceiptInput,
            strawberry.argument(description="The receivable whose payment to undo."),
        ],
    ) -> UndoReceivableReceiptPayload:
        receivable, errors = await attempt(
            info.context.receivables.undo_receipt(input), not_found=_NO_RECEIVABLE
        )
        return UndoReceivableReceiptPayload(receivable=receivable, user_errors=errors)
