"""The schema: every operation group merged into one `Query` and one `Mutation`."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

import strawberry
from graphql import (
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway import fastpath
from gateway.document_cache import DocumentCache, Documents, describe
from gateway.document_limits import DocumentLimits
from gateway.error_formatting import is_unexpected
from gateway.graphql_telemetry import OperationTracing
from gateway.input_errors import is_variable_error, variable_errors
from gateway.input_limits import InputLimits, input_size_rule
from gateway.operations.contracts import ContractMutations, ContractQueries
from gateway.operations.invoice_events import InvoiceEventSubscriptions
from gateway.operations.invoice_rules import InvoiceRuleMutations, InvoiceRuleQueries
from gateway.operations.invoices import InvoiceMutations, InvoiceQueries
from gateway.operations.parties import PartyMutations, PartyQueries
from gateway.operations.receivables import ReceivableMutations, ReceivableQueries
from gateway.operations.service_items import ServiceItemMutations, ServiceItemQueries
from gateway.operations.templates import TemplateQueries
from gateway.scalars import SCALAR_MAP
from gateway.types.base import resolve_field

logger = logging.getLogger(__name__)

DOCUMENT_CACHE_BYTES = 32 * 1024 * 1024
MAX_VARIABLE_ERRORS = 10


@strawberry.type(description="Reads from the invoicing API.")
class Query(
    InvoiceQueries,
    ReceivableQueries,
    PartyQueries,
    ServiceItemQueries,
    ContractQueries,
    InvoiceRuleQueries,
    TemplateQueries,
):
    pass


@strawberry.type(description="Changes through the invoicing API.")
class Mutation(
    InvoiceMutations,
    ReceivableMutations,
    PartyMutations,
    ServiceItemMutations,
    ContractMutations,
    InvoiceRuleMutations,
):
    pass


@strawberry.type(description="Live events: over graphql-ws, GraphQL over SSE or multipart HTTP.")
class Subscription(InvoiceEventSubscriptions):
    pass


class GatewaySchema(strawberry.Schema):
    # Whether it runs on the compiled execution (`gateway.fastpath`), set by `build_schema`.
    compiled: bool = False
    # Its parsed documents, set by `build_schema`.
    documents: Documents | None = None

    def describe(self, query: str, operation_name: str | None) -> tuple[str | None, str]:
        """An operation's name and type, from its parsed document; type `unknown` for a
        document that did not parse (or is no longer cached)."""
        documents = self.documents
        if documents is None:
            return operation_name, "unknown"
        if (document := documents.get(query)) is not None:
            return describe(document, operation_name)
        return documents.invalid.get(query, (operation_name, "unknown"))

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        document = None if execution_context is None else execution_context.graphql_document
        if (
            execution_context is not None
            and document is not None
            and any(is_variable_error(error) for error in errors)
        ):
            # graphql-core words variable errors with the value in them; these say the path
            # and the reason instead. Strawberry answers with this very list, whichever
            # execution ran (compiled or stock), so it is rewritten in place.
            explained = variable_errors(
                self._schema,
                document,
                execution_context.operation_name,
                execution_context.variables,
                hide_suggestions=self.config.disable_field_suggestions,
                max_errors=MAX_VARIABLE_ERRORS,
            )
            if explained:
                errors[:] = explained
        # Client mistakes and upstream failures are answers, not incidents: log only bugs.
        for error in errors:
            if is_unexpected(error):
                logger.error(
                    "unexpected error while resolving %s",
                    ".".join(str(part) for part in error.path or ()),
                    exc_info=error.original_error,
                )


def build_schema(
    *,
    introspection: bool = True,
    field_suggestions: bool = True,
    max_depth: int | None = None,
    max_aliases: int | None = None,
    max_directives: int | None = None,
    max_tokens: int | None = None,
    max_query_bytes: int | None = None,
    input_limits: InputLimits | None = None,
    document_cache_bytes: int = DOCUMENT_CACHE_BYTES,
    fast_path: bool = True,
    tracing: bool = False,
) -> GatewaySchema:
    """The schema; production deployments hide its shape and bound what a document may cost.

    The limits are checked from the query text before parsing where they can be (bytes,
    tokens, aliases, nesting: `gateway.document_limits`), then while validating, so a hostile
    document is refused before any resolver, and any upstream call, runs.
    """
    # The rules are built once: a rule factory would otherwise make new classes per request.
    rules: list[type[ASTValidationRule]] = []
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    if input_limits is not None:
        rules.append(input_size_rule(input_limits))
    # Clients send the same few documents over and over: parse and validate each once.
    documents = Documents(
        max_bytes=document_cache_bytes,
        limits=DocumentLimits(
            max_query_bytes=max_query_bytes,
            max_tokens=max_tokens,
            max_aliases=max_aliases,
            max_depth=max_depth,
            max_directives=max_directives,
            max_string_length=None if input_limits is None else input_limits.max_string_length,
            max_content_length=None if input_limits is None else input_limits.max_content_length,
        ),
        rules=rules,
        hide_suggestions=not field_suggestions,
    )
    # Tracing first, so that its parse span holds the document cache's parsing.
    extensions: list[Callable[[], SchemaExtension]] = [
        *([OperationTracing] if tracing else []),
        lambda: DocumentCache(documents=documents),
    ]
    compiled = fastpath.active(fast_path)
    schema = GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        execution_context_class=(fastpath.execution_context_class() if compiled else None),
        config=StrawberryConfig(
            scalar_map=SCALAR_MAP,
            default_resolver=resolve_field,
            disable_field_suggestions=not field_suggestions,
        ),
    )
    if compiled:
        fastpath.install(schema)
    documents.limits = dataclasses.replace(
        documents.limits, known_fields=_field_names(schema._schema)
    )
    schema.compiled = compiled
    schema.documents = documents
    return schema


def _field_names(schema: GraphQLSchema) -> frozenset[str]:
    names = {"__typename"}
    for type_ in schema.type_map.values():
        if isinstance(type_, (GraphQLObjectType, GraphQLInterfaceType)):
            names.update(type_.fields)
    return frozenset(names)


schema = build_schema()


def export_sdl() -> str:
    """The SDL as committed in `schema.graphql`."""
    return schema.as_str() + "\n"
