"""Every private graphql-core and Strawberry name the speed-up layer uses, in one place.

The compiled execution (`gateway.fastpath.execution`, `.variables`, `.input_conversion`)
builds graphql-core's executor itself, completes its results and coerces its variables, so
it depends on internals no release promises to keep: the executor's constructor and its
parameter order, `collect_subfields`, the variable and fragment records, Strawberry's
execution context and its type definitions. They are imported here and only here, and
`problem()` checks that they still look as the equivalence tests found them. When it finds
something else, the gateway runs stock Strawberry execution instead (`gateway.fastpath`).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Sequence

try:
    from graphql.execution.collect_fields import FieldDetails, FragmentDetails
    from graphql.execution.get_variable_signature import GraphQLVariableSignature
    from graphql.execution.values import VariableValues, VariableValueSource
    from graphql.type.definition import GraphQLResolveInfoHelpers
    from graphql.utilities.coerce_input_value import coerce_default_value
    from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
    from strawberry.types.base import (
        StrawberryList,
        StrawberryMaybe,
        StrawberryObjectDefinition,
        StrawberryOptional,
        StrawberryType,
        has_object_definition,
    )
    from strawberry.types.lazy_type import LazyType

    _IMPORT_PROBLEM: str | None = None
except ImportError as error:  # a library upgrade moved or removed one of them
    _IMPORT_PROBLEM = f"cannot import {error.name or 'a name'}: {error}"

# The key under which Strawberry keeps, in each graphql-core type's and field's
# `extensions`, the definition it was made from.
DEFINITION_BACKREF = "strawberry-definition"

# The executor's constructor as `PlannedExecutionContext.build` calls it, positionally.
EXECUTOR_PARAMETERS = (
    "schema",
    "fragment_definitions",
    "fragments",
    "root_value",
    "context_value",
    "operation",
    "variable_values",
    "field_resolver",
    "type_resolver",
    "subscribe_field_resolver",
    "enable_early_execution",
    "middleware_manager",
)
EXECUTOR_METHODS = ("build", "collect_subfields", "complete_object_value", "build_response")


def problem() -> str | None:
    """Why the speed-up layer cannot run on the installed libraries; `None` if it can."""
    if _IMPORT_PROBLEM is not None:
        return _IMPORT_PROBLEM
    executor = StrawberryGraphQLCoreExecutionContext
    missing = [name for name in EXECUTOR_METHODS if not callable(getattr(executor, name, None))]
    if missing:
        return f"graphql-core's executor has no {', '.join(missing)}"
    parameters = _constructor_parameters(executor)
    if parameters[: len(EXECUTOR_PARAMETERS)] != EXECUTOR_PARAMETERS:
        return f"graphql-core's executor takes ({', '.join(parameters)}), not the expected order"
    if "gather" not in inspect.signature(GraphQLResolveInfoHelpers).parameters:
        return "graphql-core's resolve-info helpers changed"
    if tuple(inspect.signature(VariableValueSource).parameters)[:2] != ("signature", "value"):
        return "graphql-core's variable sources changed"
    return None


def builds_by_dict(cls: type, names: Sequence[str]) -> bool:
    """Whether an instance of `cls` made by `object.__new__` with its `__dict__` set to
    `names` (in this order) and their values is what `cls(**those)` makes: a dataclass whose
    `__init__` is the one `dataclasses` wrote, taking exactly `names` in this order, with no
    `__post_init__`, no slots and the plain `__setattr__`; and both ways agree on sentinels."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return False
    init = vars(cls).get("__init__")
    code = getattr(init, "__code__", None)
    if code is None or code.co_filename != "<string>":  # written by `dataclasses`, not by hand
        return False
    if cls.__setattr__ is not object.__setattr__ or "__slots__" in vars(cls):
        return False
    fields = tuple(field.name for field in dataclasses.fields(cls))
    if fields != tuple(names) or tuple(inspect.signature(cls).parameters) != fields:
        return False
    values = {name: object() for name in names}
    made = object.__new__(cls)
    made.__dict__ = dict(values)
    return vars(cls(**values)) == vars(made)


def _constructor_parameters(cls: type) -> tuple[str, ...]:
    # Subclasses pass `*args, **kwargs` on; the first constructor with named parameters is
    # the one the positional call lands in.
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None:
            continue
        names = tuple(inspect.signature(init).parameters)[1:]
        if names != ("args", "kwargs"):
            return names
    return ()


__all__ = [
    "DEFINITION_BACKREF",
    "FieldDetails",
    "FragmentDetails",
    "GraphQLResolveInfoHelpers",
    "GraphQLVariableSignature",
    "LazyType",
    "StrawberryGraphQLCoreExecutionContext",
    "StrawberryList",
    "StrawberryMaybe",
    "StrawberryObjectDefinition",
    "StrawberryOptional",
    "StrawberryType",
    "VariableValueSource",
    "VariableValues",
    "builds_by_dict",
    "coerce_default_value",
    "has_object_definition",
    "problem",
]
