"""User errors: problems the client can fix by changing its input."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="What kind of problem a `UserError` reports.")
class UserErrorCode(Enum):
    BLANK = strawberry.enum_value(
        "blank", description="A required value is missing or empty ('não pode ficar em branco')."
    )
    NOT_A_NUMBER = strawberry.enum_value(
        "not_a_number", description="The value must be numeric ('deve ser numérico')."
    )
    TAKEN = strawberry.enum_value(
        "taken", description="The value is already in use ('já está em uso')."
    )
    TOO_LONG = strawberry.enum_value("too_long", description="The value is too long.")
    TOO_SHORT = strawberry.enum_value("too_short", description="The value is too short.")
    TOO_LARGE = strawberry.enum_value(
        "too_large", description="An uploaded file is larger than the gateway accepts."
    )
    NOT_INCLUDED = strawberry.enum_value(
        "not_included",
        description="The value is not one of the allowed values ('não está incluído na lista').",
    )
    NOT_FOUND = strawberry.enum_value(
        "not_found",
        description="The referenced contract or invoice does not exist or belongs to another "
        "account.",
    )
    INVALID = strawberry.enum_value(
        "invalid", description="Any other validation failure; the message says what."
    )


@strawberry.type(
    description="A problem with the input that the client can fix; the operation did not happen."
)
class UserError:
    field: list[str] | None = strawberry.field(
        description=(
            "Path to the offending input, starting at the argument name, e.g. "
            '`["input", "receivables", "0", "dueDate"]`; `["input", "receivables"]` when the '
            "upstream does not say which item; null when the error concerns the whole operation."
        )
    )
    message: str = strawberry.field(
        description="Human-readable message, as the upstream wrote it (usually Portuguese)."
    )
    code: UserErrorCode = strawberry.field(description="Machine-readable kind of problem.")
