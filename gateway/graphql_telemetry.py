"""With tracing on, the `graphql.parse`, `graphql.validate` and `graphql.execute` spans of each
operation (its duration metric is taken by the endpoint, which costs less than a hook).

The spans carry the operation's type and name and the SHA-256 of its document
(`graphql.document.hash`), never the document or its variables, which hold customer data and
tokens. An operation whose result has errors sets `graphql.execute` to error, with the errors'
`extensions.code` values in `graphql.error.codes`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.error_formatting import error_code
from gateway.observability import tracing

UNKNOWN = "unknown"


class OperationTracing(SchemaExtension):
    """The spans of parsing, validating and executing one operation."""

    def on_parse(self) -> Iterator[None]:
        with tracing.span("graphql.parse") as span:
            yield
            if span.is_recording():
                span.set_attributes(_attributes(self))

    def on_validate(self) -> Iterator[None]:
        with tracing.span("graphql.validate", attributes=_attributes(self)) as span:
            yield
            if errors := self.execution_context.pre_execution_errors:
                _failed(span, errors)

    def on_execute(self) -> Iterator[None]:
        with tracing.span("graphql.execute", attributes=_attributes(self)) as span:
            yield
            result = self.execution_context.result
            if result is not None and result.errors:
                _failed(span, result.errors)


def _operation_type(extension: SchemaExtension) -> str:
    try:
        return extension.execution_context.operation_type.value
    except Exception:  # no document: it did not parse
        return UNKNOWN


def _attributes(extension: SchemaExtension) -> dict[str, str]:
    context = extension.execution_context
    attributes = {"graphql.operation.type": _operation_type(extension)}
    if (name := context.operation_name) is not None:
        attributes["graphql.operation.name"] = name
    if context.query is not None:
        digest = hashlib.sha256(context.query.encode("utf-8", "replace")).hexdigest()
        attributes["graphql.document.hash"] = f"sha256:{digest}"
    return attributes


def _failed(span: tracing.Span, errors: list[GraphQLError]) -> None:
    if not span.is_recording():
        return
    codes = sorted({error_code(error) for error in errors})
    span.set_attribute("graphql.error.codes", codes)
    tracing.fail(span, codes[0] if len(codes) == 1 else "GRAPHQL_ERRORS")
