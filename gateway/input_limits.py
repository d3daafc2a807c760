"""Bounds on what one input may hold: items in a list and characters in a string.

Checked on the raw variables (before they are coerced) and on literals in the document
(as a validation rule), so an oversized input is refused before any resolver runs and long
before any upstream call. The attachment `content` field carries a whole file in Base64, so
it is bounded by the upload size limit instead of the string limit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from graphql import (
    ASTValidationRule,
    GraphQLError,
    ListValueNode,
    ObjectFieldNode,
    StringValueNode,
)

CODE = "INPUT_TOO_LARGE"
DEPTH_CODE = "JSON_TOO_DEEP"
CONTENT_FIELD = "content"


@dataclass(frozen=True, kw_only=True)
class InputLimits:
    max_items: int
    max_string_length: int
    max_content_length: int
    # Deepest nesting of lists and objects in the variables; past the limit, graphql-core's
    # coercion would recurse once per level.
    max_depth: int = 32

    @classmethod
    def for_uploads(
        cls,
        *,
        max_items: int,
        max_string_length: int,
        max_upload_bytes: int,
        max_depth: int = 32,
    ) -> InputLimits:
        # Base64 turns every 3 bytes into 4 characters.
        base64_length = 4 * math.ceil(max_upload_bytes / 3)
        return cls(
            max_items=max_items,
            max_string_length=max_string_length,
            max_content_length=max(base64_length, max_string_length),
            max_depth=max_depth,
        )


# What JSON decodes to besides text and containers (`Decimal`: numbers with a fraction).
_SCALARS = frozenset({int, float, bool, type(None), Decimal})

# A container met on the walk: (its parent's entry, the step from the parent to it, the input
# field name its strings are bounded by, the container, its depth). Paths are only spelled out
# on failure.
_Entry = tuple[Any, "str | int", "str | None", "list[Any] | dict[str, Any]", int]


def oversized_variable(
    variables: dict[str, Any] | None, limits: InputLimits
) -> tuple[str, str] | None:
    """What is too large or too deep in `variables`: a message naming the path and its code;
    `None` if nothing is."""
    if not variables:
        return None
    root: _Entry = (None, "", None, variables, 0)
    pending: list[_Entry] = [root]
    # Most strings are shorter than either limit: only a longer one needs its field's.
    short = min(limits.max_string_length, limits.max_content_length)
    max_depth = limits.max_depth
    while pending:
        entry = pending.pop()
        container, depth = entry[3], entry[4]
        if depth > max_depth:
            return (
                f"Variable {_path(entry)} is nested too deeply (the limit is {max_depth}).",
                DEPTH_CODE,
            )
        children: Iterable[tuple[Any, Any]]
        if isinstance(container, dict):
            children, named = container.items(), True
        else:
            if len(container) > limits.max_items:
                return f"Variable {_path(entry)} has more than {limits.max_items} items.", CODE
            children, named = enumerate(container), False
        for step, value in children:
            # Exact classes first: what JSON decodes to.
            kind = value.__class__
            if kind is str:
                if len(value) <= short:
                    continue
            elif kind in _SCALARS:
                continue
            elif kind is dict and depth < max_depth:
                # Most objects (a receivable, a service) hold short scalars only: they are
                # looked at here, and only one holding more is queued.
                for inner in value.values():
                    inner_kind = inner.__class__
                    if inner_kind is str:
                        if len(inner) > short:
                            break
                    elif inner_kind not in _SCALARS:
                        break
                else:
                    continue
            # A value in an object is bounded by its field's name; an item in a list, like
            # the field holding the list.
            if kind is str or (kind is not dict and kind is not list and isinstance(value, str)):
                if len(value) > short:
                    field = cast(str, step) if named else entry[2]
                    limit = _string_limit(field, limits)
                    if len(value) > limit:
                        return (
                            f"Variable {_path(entry, step)} is longer than {limit} characters.",
                            CODE,
                        )
            elif kind is dict or kind is list or isinstance(value, (list, dict)):
                field = cast(str, step) if named else entry[2]
                pending.append((entry, step, field, value, depth + 1))
    return None


def _path(entry: _Entry, *last: str | int) -> str:
    steps: list[str | int] = list(last)
    while entry[0] is not None:
        steps.append(entry[1])
        entry = entry[0]
    steps.reverse()
    return "$" + ".".join(map(str, steps))


def input_size_rule(limits: InputLimits) -> type[ASTValidationRule]:
    """A validation rule refusing oversized lists and strings written in the document."""

    class InputSizeRule(ASTValidationRule):
        def enter_list_value(self, node: ListValueNode, *_args: Any) -> None:
            if len(node.values) > limits.max_items:
                self._report(f"A list has more than {limits.max_items} items.", node)

        def enter_string_value(
            self, node: StringValueNode, _key: Any, parent: Any, *_args: Any
        ) -> None:
            key = parent.name.value if isinstance(parent, ObjectFieldNode) else None
            limit = _string_limit(key, limits)
            if len(node.value) > limit:
                self._report(f"A string is longer than {limit} characters.", node)

        def _report(self, message: str, node: ListValueNode | StringValueNode) -> None:
            self.report_error(GraphQLError(message, node, extensions={"code": CODE}))

    return InputSizeRule


def _string_limit(key: str | None, limits: InputLimits) -> int:
    return limits.max_content_length if key == CONTENT_FIELD else limits.max_string_length


__all__ = ["CODE", "DEPTH_CODE", "InputLimits", "input_size_rule", "oversized_variable"]
