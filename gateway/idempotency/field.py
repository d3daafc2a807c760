"""The idempotency key a money-moving mutation may carry in its input."""

from __future__ import annotations

from typing import Any

import strawberry

from gateway.types.wire import rest

DESCRIPTION = (
    "A key the client makes up (a UUID, say) so that retrying this mutation can never do it "
    "twice: the first request with the key calls the upstream once, a retry with the same key "
    "and input gets that outcome back without calling again, and the same key with another "
    "input is refused (`IDEMPOTENCY_KEY_REUSED`). Keys live per credentials for "
    "`GATEWAY_IDEMPOTENCY_TTL_SECONDS`. Wins over the `Idempotency-Key` header."
)


def idempotency_key_field() -> Any:
    return strawberry.field(
        default=strawberry.UNSET, description=DESCRIPTION, metadata=rest(sent=False)
    )
