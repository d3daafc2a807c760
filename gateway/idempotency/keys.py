"""Which idempotency key a mutation runs under: its `idempotencyKey` input field, else the
request's `Idempotency-Key` header.

The input field wins because it belongs to one mutation; the header belongs to the whole HTTP
request, which may carry several mutations (aliases, a batch). So a header key is scoped to
the mutation's place in the request (batch index and response path): retrying the same
request replays each mutation, and two mutations under one header never collide.
"""

from __future__ import annotations

import re
from typing import Protocol

from strawberry.types.unset import UnsetType

from gateway.errors import InvalidIdempotencyKey, InvalidInput
from gateway.types.user_error import UserError, UserErrorCode

MAX_KEY_LENGTH = 255
_VALID_KEY = re.compile(rf"[\x21-\x7e](?:[\x20-\x7e]{{0,{MAX_KEY_LENGTH - 2}}}[\x21-\x7e])?")
_RULE = f"1 to {MAX_KEY_LENGTH} printable ASCII characters, not starting or ending with a space"


class _Request(Protocol):
    @property
    def idempotency_header(self) -> str | None: ...

    @property
    def operation_index(self) -> int: ...


class _Path(Protocol):
    def as_list(self) -> list[str | int]: ...


class MutationInfo(Protocol):
    """What of a resolver's `info` the key depends on (kept structural: this layer sits below
    the schema's context)."""

    @property
    def context(self) -> _Request: ...

    @property
    def path(self) -> _Path: ...


def idempotency_key(info: MutationInfo, given: str | UnsetType | None) -> str | None:
    """The key to run this mutation under, or `None` to run it unguarded."""
    if isinstance(given, str):
        if not _VALID_KEY.fullmatch(given):
            raise InvalidInput(
                [
                    UserError(
                        field=["input", "idempotencyKey"],
                        message=f"An idempotency key is {_RULE}.",
                        code=UserErrorCode.INVALID,
                    )
                ]
            )
        return given
    header = info.context.idempotency_header
    if header is None:
        return None
    if not _VALID_KEY.fullmatch(header):
        raise InvalidIdempotencyKey(f"The Idempotency-Key header must be {_RULE}.")
    place = ".".join(str(part) for part in info.path.as_list())
    return f"{header}#{info.context.operation_index}:{place}"
