"""Automatic persisted queries (Apollo's APQ protocol) and the store behind them.

A client first sends only `extensions.persistedQuery.sha256Hash`; if the store does not know
it, the client resends with the query, which is stored once its hash is verified. Later
requests, including GETs, can then be hash-only, which keeps them small and cacheable.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any, Protocol

from cachetools import LRUCache

from gateway.errors import MalformedRequest, PersistedQueryNotFound
from gateway.http.request import GraphQLRequest
from gateway.observability import metrics

NOT_FOUND_MESSAGE = "PersistedQueryNotFound"


class PersistedQueryStore(Protocol):
    async def get(self, sha256_hash: str) -> str | None: ...

    async def put(self, sha256_hash: str, query: str) -> None: ...


class MemoryPersistedQueryStore:
    """Least-recently-used, bounded by entry count and by the bytes of the queries kept, so
    that registrations cannot fill the process's memory; a query larger than the whole
    budget is not kept (the client then sends it in full each time, which still works)."""

    def __init__(self, *, max_entries: int, max_bytes: int | None = None) -> None:
        self._max_entries = max_entries
        self._queries: LRUCache[str, str] = LRUCache(
            maxsize=math.inf if max_bytes is None else max_bytes, getsizeof=len
        )

    def __len__(self) -> int:
        return len(self._queries)

    @property
    def size(self) -> int:
        """Characters of query text kept."""
        return int(self._queries.currsize)

    async def get(self, sha256_hash: str) -> str | None:
        return self._queries.get(sha256_hash)

    async def put(self, sha256_hash: str, query: str) -> None:
        if len(query) > self._queries.maxsize:
            return
        self._queries[sha256_hash] = query
        while len(self._queries) > self._max_entries:
            self._queries.popitem()


def sha256_hex(text: str) -> str:
    """A query's hash as APQ and trusted documents write it: lowercase hex SHA-256."""
    return hashlib.sha256(text.encode()).hexdigest()


def requested_hash(operation: GraphQLRequest) -> str | None:
    """The APQ hash the request carries, after checking the extension's shape."""
    extension: Any = (operation.extensions or {}).get("persistedQuery")
    if extension is None:
        return None
    if not isinstance(extension, dict) or extension.get("version") != 1:
        raise MalformedRequest(
            "Unsupported persisted query: expected `{version: 1, sha256Hash}`.",
            code="PERSISTED_QUERY_NOT_SUPPORTED",
        )
    sha256_hash = extension.get("sha256Hash")
    if not isinstance(sha256_hash, str) or len(sha256_hash) != 64:
        raise MalformedRequest(
            "The persisted query's `sha256Hash` must be 64 hexadecimal digits.",
            code="PERSISTED_QUERY_HASH_MISMATCH",
        )
    return sha256_hash.lower()


def hash_mismatch() -> MalformedRequest:
    return MalformedRequest(
        "The persisted query's sha256Hash does not match the query.",
        code="PERSISTED_QUERY_HASH_MISMATCH",
    )


async def resolve(operation: GraphQLRequest, store: PersistedQueryStore) -> str | None:
    """The query text to run: from the request, or from the store for a hash-only request.

    Returns `None` for a request that has neither. Raises `PersistedQueryNotFound` for an
    unknown hash and `MalformedRequest` for a hash that does not match the query sent with it.
    """
    if operation.document_id is not None:
        # Only the trusted documents (gateway.allowlist) are known by id.
        raise PersistedQueryNotFound(operation.document_id)
    sha256_hash = requested_hash(operation)
    if sha256_hash is None:
        return operation.query
    if operation.query is None:
        query = await store.get(sha256_hash)
        metrics.count_lookup("apq", hit=query is not None)
        if query is None:
            raise PersistedQueryNotFound(sha256_hash)
        return query
    if sha256_hex(operation.query) != sha256_hash:
        raise hash_mismatch()
    await store.put(sha256_hash, operation.query)
    return operation.query
