"""What every mutation does with the failures a client can fix: it answers them as user errors.

Everything else (401, 5xx, timeouts, unreadable answers) propagates and becomes a top-level
GraphQL error with its `extensions.code`.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from gateway.errors import InvalidInput, UpstreamNotFound, UpstreamRejected
from gateway.rest.rejections import user_errors_from_rejection
from gateway.types.user_error import UserError, UserErrorCode

T = TypeVar("T")


async def attempt(
    change: Awaitable[T], *, not_found: UserError
) -> tuple[T | None, list[UserError]]:
    """The change's result and no user errors, or no result and what the client must fix.

    `not_found` is the user error for a 404: the upstream's 404 has no body, so only the
    mutation knows which id it was about.
    """
    try:
        return await change, []
    except InvalidInput as error:
        return None, error.user_errors
    except UpstreamRejected as error:
        return None, user_errors_from_rejection(error.errors, root=["input"])
    except UpstreamNotFound:
        return None, [not_found]


def not_found(argument: str, message: str) -> UserError:
    """A NOT_FOUND user error on one field of the `input` argument."""
    return UserError(field=["input", argument], message=message, code=UserErrorCode.NOT_FOUND)
