"""Errors about the input that name the path and the reason, never the value.

graphql-core quotes the offending value in its input errors (`found: {...}`, `value:
'...'`, `Value '...' does not exist`). That value may be a token pasted into the wrong field
or a whole attachment, so it must not reach a response or a log. Each of its templates puts
the value in a known place; `scrub` cuts it there, and where the value itself is known, makes
sure no copy of it is left (otherwise the reason becomes a generic one).

Variables get their own wording (`variable_errors`): the variable, the full path into it
(`input.receivables[0].dueDate`) and the reason, and for the most common mistakes (a missing
or misspelt field, the `input` wrapper forgotten) the field that was meant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    Undefined,
    ValuesOfCorrectTypeRule,
    get_operation_ast,
    is_input_type,
    is_non_null_type,
    print_ast,
    validate_input_value,
)
from graphql.pyutils import inspect
from graphql.utilities import type_from_ast

GENERIC_REASON = "The value does not fit the type."
BAD_USER_INPUT = "BAD_USER_INPUT"
# Values this short cannot carry a secret, and would match ordinary words of a message.
_SHORTEST_CHECKED = 4

_FOUND = re.compile(r"[,;]? [Ff]ound: .*\Z", re.DOTALL)
_CANNOT_REPRESENT = re.compile(r"(cannot represent [^:]*value): .*\Z", re.DOTALL)
_ENUM_VALUE = re.compile(r"\AValue .+? (does not exist in '\w+' enum\.)", re.DOTALL)
# A scalar's own reason, which the gateway's scalars word without the value.
_ENCOUNTERED = re.compile(r"\AExpected value of type '[^']+', but encountered error '(.*)'\.?\Z")
_REQUIRED_FIELD = re.compile(
    r"\AExpected value of type '([^']+)' to include required field '(\w+)'"
)
_UNKNOWN_FIELD = re.compile(
    r"\AExpected value of type '([^']+)' not to include unknown field '(\w+)'"
    r"(?:\. (Did you mean [^?]*\?))?"
)
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
# graphql-core's variable coercion errors, as opposed to validation rules about variables
# ("Variable '$v' is never used", "... is not defined", "... used in position expecting").
_VARIABLE_VALUE = re.compile(
    r"Variable '\$\w+' (?:has (?:an )?invalid value|got invalid value|of required type|"
    r"of non-null type|is required and was not provided)"
)


def is_variable_error(error: GraphQLError) -> bool:
    """A variable's value that does not fit its type (before execution, so no path)."""
    return error.path is None and _VARIABLE_VALUE.match(error.message) is not None


def scrub(message: str, printed_value: str | None = None) -> str:
    """`message` without the input value graphql-core quoted in it."""
    text = _FOUND.sub("", message)
    text = _CANNOT_REPRESENT.sub(r"\1", text)
    text = _ENUM_VALUE.sub(r"Value \1", text)
    text = _ENCOUNTERED.sub(r"\1", text)
    if (
        printed_value is not None
        and len(printed_value) >= _SHORTEST_CHECKED
        and printed_value in text
    ):
        return GENERIC_REASON
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


class ValuesOfCorrectTypeWithoutValues(ValuesOfCorrectTypeRule):
    """graphql-core's rule for literals in the document, its messages scrubbed."""

    def report_error(self, error: GraphQLError) -> None:
        node = error.nodes[0] if error.nodes else None
        printed = print_ast(node, 100) if node is not None else None
        super().report_error(
            GraphQLError(
                scrub(error.message, printed),
                error.nodes,
                original_error=error.original_error,
                extensions=error.extensions,
            )
        )


def validation_rules(rules: Sequence[type[Any]]) -> tuple[type[Any], ...]:
    """`rules` with graphql-core's literal rule replaced by the scrubbing one."""
    return tuple(
        ValuesOfCorrectTypeWithoutValues if rule is ValuesOfCorrectTypeRule else rule
        for rule in rules
    )


def variable_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    inputs: dict[str, Any] | None,
    *,
    hide_suggestions: bool,
    max_errors: int,
) -> list[GraphQLError]:
    """What is wrong with `inputs` for the operation's variables, one error per problem.

    Empty when the operation cannot be found or every variable fits: the caller then keeps
    graphql-core's own errors.
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []
    inputs = inputs or {}
    definitions = operation.variable_definitions or ()
    declared = {definition.variable.name.value for definition in definitions}
    errors: list[GraphQLError] = []
    for definition in definitions:
        name = definition.variable.name.value
        type_ = type_from_ast(schema, definition.type)
        if type_ is None or not is_input_type(type_):
            continue  # validation has already said so
        value = inputs.get(name, Undefined)
        if value is Undefined and (definition.default_value or not is_non_null_type(type_)):
            continue

        def on_error(
            error: GraphQLError,
            path: list[str | int],
            name: str = name,
            value: Any = value,
            node: Any = definition,
        ) -> None:
            if len(errors) < max_errors:
                message = _variable_message(name, path, error.message, value, declared, inputs)
                errors.append(GraphQLError(message, node, extensions={"code": BAD_USER_INPUT}))

        validate_input_value(value, type_, on_error, hide_suggestions)
    return errors


def _variable_message(
    name: str,
    path: list[str | int],
    reason: str,
    value: Any,
    declared: set[str],
    inputs: dict[str, Any],
) -> str:
    at = _at(path, value)
    reason = scrub(reason, None if at is Undefined else inspect(at))
    steps = list(path)
    if match := _REQUIRED_FIELD.match(reason):
        steps.append(match.group(2))
        reason = f"'{match.group(1)}' requires this field, and it is missing."
    elif match := _UNKNOWN_FIELD.match(reason):
        steps.append(match.group(2))
        suggestion = f" {match.group(3)}" if match.group(3) else ""
        reason = f"'{match.group(1)}' has no such field.{suggestion}"
    location = _path_text(name, steps)
    if not path and value is Undefined:
        undeclared = sorted(key for key in inputs if key not in declared and _NAME.fullmatch(key))
        hint = ""
        if undeclared:
            listed = ", ".join(f"'{key}'" for key in undeclared[:5])
            hint = (
                f" The variables hold {listed}, which the operation does not declare: "
                f"send them inside `{name}`."
            )
        return f"Variable '${name}' is required and was not provided.{hint}"
    return f"Variable '${name}' has an invalid value at '{location}': {reason}"


def _at(path: list[str | int], value: Any) -> Any:
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return Undefined
    return value


def _path_text(name: str, steps: list[str | int]) -> str:
    text = name
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text


__all__ = [
    "ValuesOfCorrectTypeWithoutValues",
    "is_variable_error",
    "scrub",
    "validation_rules",
    "variable_errors",
]
