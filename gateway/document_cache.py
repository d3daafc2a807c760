"""Each distinct query text parsed and validated once, in one schema extension.

Strawberry's `ParserCache` and `ValidationCache` do this in two extensions, and the second
keys its cache by the parsed document, whose hash graphql-core computes by walking the whole
tree on every request (3% of the gateway's CPU for the full invoice document). Here both
steps are keyed by the query text, the token limit is applied while parsing, and the extra
validation rules (depth, aliases, input sizes, introspection) are part of the one validation,
so four extensions' per-request hooks become one.

Documents that fail to parse are not cached: Strawberry parses them again and reports the
error its own way.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from graphql import ASTValidationRule, DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document


@dataclass
class _Entry:
    document: DocumentNode
    errors: list[GraphQLError] | None = None


class Documents:
    """The cache, shared by every request of one schema, least recently used out first."""

    def __init__(
        self,
        *,
        max_entries: int,
        max_tokens: int | None,
        rules: Sequence[type[ASTValidationRule]],
    ) -> None:
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._max_entries = max_entries
        self.max_tokens = max_tokens
        self.rules = tuple(rules)

    def get(self, query: str) -> _Entry | None:
        entry = self._entries.get(query)
        if entry is not None:
            self._entries.move_to_end(query)
        return entry

    def put(self, query: str, document: DocumentNode) -> _Entry:
        entry = self._entries[query] = _Entry(document)
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return entry


class DocumentCache(SchemaExtension):
    def __init__(self, *, documents: Documents) -> None:
        super().__init__()
        self._documents = documents

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if self._documents.max_tokens is not None:
            # Also bounds Strawberry's own parse of a document that failed here.
            context.parse_options["max_tokens"] = self._documents.max_tokens
        query = context.query
        if query is not None and context.graphql_document is None:
            entry = self._documents.get(query)
            if entry is None:
                try:
                    entry = self._documents.put(query, parse(query, **context.parse_options))
                except GraphQLError:
                    entry = None
            if entry is not None:
                context.graphql_document = entry.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        entry = None if context.query is None else self._documents.get(context.query)
        if entry is not None and entry.document is context.graphql_document:
            if entry.errors is None:
                rules = (*context.validation_rules, *self._documents.rules)
                entry.errors = validate_document(context.schema._schema, entry.document, rules)
            context.pre_execution_errors = entry.errors
        else:
            context.validation_rules = (*context.validation_rules, *self._documents.rules)
        yield


__all__ = ["DocumentCache", "Documents"]
