"""The pieces compiled plans are made of: completers of one value, and an object's plan.

A plan builds the response of one selection directly (attribute or upstream key, serialize,
recurse) and handles the success path only: at the first thing that needs graphql-core's
error handling it raises `Fallback`, and graphql-core completes that object from scratch,
which is safe because completing reads data and has no effects.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLLeafType, Undefined

from gateway.fastpath.compat import FieldDetails
from gateway.rest.projection import Projector, Unprojectable
from gateway.types.base import Deferred, resolve_field

Plan = Callable[[Any], Any]
FieldDetailsList = list[FieldDetails]
# (response key, attribute or `None` for a constant, the value's completer)
Entry = tuple[str, "str | None", Callable[[Any], Any]]


class Fallback(Exception):
    """This value needs graphql-core's completion (an error to report, most likely)."""


def object_plan(entries: list[Entry], project: Projector | None) -> Plan:
    """The plan of one object's selection: written straight from the upstream's object when
    the value is a `Deferred` and the selection projects, else read attribute by attribute."""

    def plan(source: Any) -> dict[str, Any]:
        if project is not None and type(source) is Deferred:
            # Straight from the upstream's object; mapping it is the fallback.
            try:
                return project(source)
            except Unprojectable:
                raise Fallback from None
        completed: dict[str, Any] = {}
        for response_key, attribute, complete in entries:
            if attribute is None:
                completed[response_key] = complete(None)
                continue
            try:
                # The default resolver's getattr; its check of a mapped object's problems
                # only matters for a null.
                value = getattr(source, attribute)
                if value is None:
                    value = resolve_field(source, attribute)
            except Exception:
                raise Fallback from None
            completed[response_key] = complete(value)
        return completed

    return plan


@dataclass(frozen=True)
class Split:
    """An object's selection in two: `plan` completes the fields it can, graphql-core
    executes the `resolved` ones (links to other resources, abstract types), and the two are
    merged in the selection's `order` (each key, and whether the plan completed it)."""

    plan: Plan
    resolved: dict[str, FieldDetailsList]
    order: tuple[tuple[str, bool], ...]

    def merged(self, completed: dict[str, Any], rest: dict[str, Any]) -> dict[str, Any]:
        return {
            key: completed[key] if planned else rest[key]
            for key, planned in self.order
            if planned or key in rest
        }

    async def merged_later(
        self, completed: dict[str, Any], rest: Awaitable[dict[str, Any]]
    ) -> dict[str, Any]:
        return self.merged(completed, await rest)


def constant(value: str) -> Callable[[Any], str]:
    return lambda _ignored: value


def required(inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The completer of a non-null value: `inner`'s, where a null (given or completed)
    needs graphql-core's error."""

    def complete(value: Any) -> Any:
        if value is None:
            raise Fallback
        completed = inner(value)
        if completed is None:
            raise Fallback
        return completed

    return complete


def required_object(plan: Plan) -> Callable[[Any], Any]:
    """`required` of an object's plan, which never answers null, in one call."""

    def complete(value: Any) -> Any:
        if value is None:
            raise Fallback
        return plan(value)

    return complete


def complete_list(item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The completer of a list of `item`s."""

    def complete(value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, (list, tuple)):
            raise Fallback
        return [item(entry) for entry in value]

    return complete


def complete_leaf(type_: GraphQLLeafType, value: Any) -> Any:
    if value is None:
        return None
    try:
        coerced = type_.coerce_output_value(value)
    except Exception:
        raise Fallback from None
    if coerced is None or coerced is Undefined:
        raise Fallback
    return coerced


__all__ = [
    "Entry",
    "Fallback",
    "FieldDetailsList",
    "Plan",
    "Split",
    "complete_leaf",
    "complete_list",
    "constant",
    "object_plan",
    "required",
    "required_object",
]
