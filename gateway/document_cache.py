"""Each distinct valid query text parsed and validated once, in one schema extension.

Strawberry's `ParserCache` and `ValidationCache` do this in two extensions, and the second
keys its cache by the parsed document, whose hash graphql-core computes by walking the whole
tree on every request. Here both steps are keyed by the query text and the extra validation
rules are part of the one validation, so four extensions' per-request hooks become one.

Clients can fill a cache, so this one is bounded by bytes, not entries, and keeps only
documents that passed validation: a hostile document costs its parse and validation once
and nothing afterwards. Before parsing, `gateway.document_limits` refuses documents over a
limit from their text alone. Validation stops after `MAX_VALIDATION_ERRORS`.

What is compiled for a document (execution plans, variable coercers) lives in its entry
(`compiled_for`), so it goes when the document goes and is paid for in the same budget.
"""

from __future__ import annotations

import contextlib
import contextvars
import weakref
from collections.abc import Hashable, Iterator, Sequence
from typing import Any

from cachetools import LRUCache
from graphql import ASTValidationRule, DocumentNode, get_operation_ast, parse, validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from gateway.document_limits import DocumentLimits, check_text, without_comment_text
from gateway.input_errors import validation_rules
from gateway.observability import metrics

MAX_VALIDATION_ERRORS = 10

# What one cached token costs: its AST nodes (measured at 300-600 bytes a token) and what
# is compiled for them (plans, projections, coercers: a full-invoice page keeps about 1.7 KB
# a token in all, measured with tracemalloc). An estimate on the generous side, so the budget
# errs towards less.
BYTES_PER_TOKEN = 2048


class DocumentWork:
    """The tokens of documents the cache did not hold, parsed and validated for one request
    (what a rate limit charges for: a cached document costs nothing of it). Parse and
    validation cost roughly the same CPU per token, so tokens measure it, and unlike timings
    they come out the same on every machine."""

    __slots__ = ("tokens",)

    def __init__(self) -> None:
        self.tokens = 0


_work: contextvars.ContextVar[DocumentWork | None] = contextvars.ContextVar(
    "document_work", default=None
)


@contextlib.contextmanager
def measured_work() -> Iterator[DocumentWork]:
    """Within it, the tokens of new documents add up in what it yields."""
    work = DocumentWork()
    token = _work.set(work)
    try:
        yield work
    finally:
        _work.reset(token)


class _Entry:
    __slots__ = ("__weakref__", "compiled", "cost", "document")

    def __init__(self, document: DocumentNode, cost: int) -> None:
        self.document = document
        self.cost = cost
        self.compiled: dict[Hashable, Any] = {}


# Every cached document's entry, by the document's identity, for `compiled_for`. Weak: an
# entry lives exactly as long as some `Documents` keeps it.
_by_document: weakref.WeakValueDictionary[int, _Entry] = weakref.WeakValueDictionary()


def compiled_for(document: DocumentNode) -> dict[Hashable, Any] | None:
    """Where to keep what is compiled for `document`; `None` if it is not cached (then
    nothing compiled for it is kept either)."""
    entry = _by_document.get(id(document))
    if entry is None or entry.document is not document:
        return None
    return entry.compiled


INVALID_KEPT = 1024


class Documents:
    """The cache, shared by every request of one schema, least recently used out first."""

    def __init__(
        self,
        *,
        max_bytes: int,
        limits: DocumentLimits,
        rules: Sequence[type[ASTValidationRule]],
        hide_suggestions: bool = False,
    ) -> None:
        self._entries: LRUCache[str, _Entry] = LRUCache(maxsize=max_bytes, getsizeof=_cost)
        self.limits = limits
        self.rules: tuple[type[ASTValidationRule], ...] = (
            *rules,
            MaybeNullValidationRule,
            OneOfInputValidationRule,
        )
        self.hide_suggestions = hide_suggestions
        # What the documents that parsed but failed validation are (name, type), for the
        # metrics: they are not kept as documents, which would make room for them.
        self.invalid: LRUCache[str, tuple[str | None, str]] = LRUCache(maxsize=INVALID_KEPT)

    @property
    def size(self) -> int:
        """Bytes the cached entries are estimated to take."""
        return int(self._entries.currsize)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, query: str) -> DocumentNode | None:
        entry = self._entries.get(query)
        return None if entry is None else entry.document

    def put(self, query: str, document: DocumentNode, *, tokens: int) -> None:
        entry = _Entry(document, len(query) + tokens * BYTES_PER_TOKEN)
        if entry.cost > self._entries.maxsize or query in self._entries:
            return
        # Evicted entries go from `_by_document` by themselves: it holds them weakly.
        self._entries[query] = entry
        _by_document[id(document)] = entry


def describe(document: DocumentNode, operation_name: str | None) -> tuple[str | None, str]:
    """An operation's name and type (`unknown` if the document names no such operation)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return operation_name, "unknown"
    name = operation_name or (operation.name.value if operation.name else None)
    return name, operation.operation.value


def _cost(entry: _Entry) -> float:
    return entry.cost


class DocumentCache(SchemaExtension):
    def __init__(self, *, documents: Documents) -> None:
        super().__init__()
        self._documents = documents
        self._tokens: int | None = None  # set when this request parsed its document

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query is not None and context.graphql_document is None:
            document = self._documents.get(query)
            metrics.count_lookup("documents", hit=document is not None)
            if document is None:
                document = self._parse(query)
            context.graphql_document = document
        yield

    def _parse(self, query: str) -> DocumentNode:
        # Raising here answers the request with the error, as a failed parse does; Strawberry
        # would otherwise parse the document a second time to find the same error.
        limits = self._documents.limits
        self._tokens = check_text(query, limits)
        if (work := _work.get()) is not None:
            work.tokens += self._tokens
        # Comments are not tokens here, as they are not for `check_text`.
        return parse(without_comment_text(query), max_lexical_tokens=limits.max_tokens)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if self._tokens is not None and document is not None and context.query is not None:
            errors = validate(
                context.schema._schema,
                document,
                (*validation_rules(context.validation_rules), *self._documents.rules),
                max_errors=MAX_VALIDATION_ERRORS,
                hide_suggestions=self._documents.hide_suggestions,
            )
            if not errors:
                self._documents.put(context.query, document, tokens=self._tokens)
            else:
                described = describe(document, context.operation_name)
                self._documents.invalid[context.query] = described
            context.pre_execution_errors = errors
        elif document is not None:
            context.pre_execution_errors = []  # a cached document passed validation
        yield


__all__ = ["DocumentCache", "Documents", "compiled_for"]
