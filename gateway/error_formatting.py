"""How errors look to clients: a safe message and `extensions.code`, never a stack trace."""

from __future__ import annotations

import logging

from graphql import GraphQLError, GraphQLSyntaxError

from gateway.errors import GatewayError
from gateway.input_errors import is_variable_error, scrub

logger = logging.getLogger(__name__)

INTERNAL_MESSAGE = "Internal server error."


def is_unexpected(error: GraphQLError) -> bool:
    """An exception from our own code during execution: a bug, to be logged and masked."""
    original = error.original_error
    return (
        error.path is not None
        and original is not None
        and not isinstance(original, (GatewayError, GraphQLError))
    )


def error_code(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, GatewayError):
        return original.code
    own_code = (error.extensions or {}).get("code")
    if isinstance(own_code, str):
        return own_code  # a limit rule's own code
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if error.path is None:
        # Before execution: validation, or variables that do not fit their types (worded
        # and coded by gateway.input_errors; graphql-core's own wording is the fallback).
        if is_variable_error(error):
            return "BAD_USER_INPUT"
        return "GRAPHQL_VALIDATION_FAILED"
    return "INTERNAL_SERVER_ERROR"


def format_error(error: GraphQLError) -> dict[str, object]:
    formatted = error.formatted
    original = error.original_error
    if isinstance(original, GatewayError):
        formatted["message"] = original.message
        formatted["extensions"] = {**original.extensions}
        return dict(formatted)
    if is_unexpected(error):
        formatted["message"] = INTERNAL_MESSAGE
    elif error.path is None:
        # Variables and literals are worded without their values already (gateway.input_errors);
        # this also covers whatever reaches here another way.
        formatted["message"] = scrub(error.message)
    formatted["extensions"] = {**(formatted.get("extensions") or {}), "code": error_code(error)}
    return dict(formatted)


def error_body(message: str, code: str, **extensions: object) -> dict[str, object]:
    """A response body with one error and no data: the shape every refusal takes, from the
    connection guard to the endpoint."""
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
