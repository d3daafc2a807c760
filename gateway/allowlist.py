"""Which document a request runs when trusted documents are on (`log` or `enforce`).

- A hash-only request, Apollo's `extensions.persistedQuery.sha256Hash` without `query` or a
  `documentId` (`sha256:<hex>` or `<hex>`), runs the manifest's document for that hash.
- A request with `query` text runs if the manifest lists that text (by its SHA-256).
- Anything else, under `enforce`: an unknown hash answers PERSISTED_QUERY_NOT_FOUND, as Apollo
  Router does, so Apollo's PersistedQueryLink behaves as it does there; unlisted text is
  refused with PERSISTED_QUERY_NOT_IN_LIST (HTTP 400); and nothing is registered as an
  automatic persisted query, which would be a way round the list.
- Under `log`, it runs as it would with no list (automatic persisted queries included), and
  each run writes a WARNING naming the document's hash and operation name, never its text
  or variables: what an operator needs to find the front end that sent it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from gateway import persisted_queries, trusted_documents
from gateway.errors import MalformedRequest, PersistedQueryNotFound
from gateway.http.request import GraphQLRequest
from gateway.persisted_queries import PersistedQueryStore, sha256_hex
from gateway.trusted_documents import TrustedDocuments, plain_hash

logger = logging.getLogger(__name__)

NOT_IN_LIST_CODE = "PERSISTED_QUERY_NOT_IN_LIST"
NOT_IN_LIST_MESSAGE = (
    "Only the front ends' own documents run here, and this one is not among the gateway's "
    "trusted documents."
)
UNLISTED_LOG_MESSAGE = "unlisted document ran"

# The operation name comes from the client: a bound keeps one request from writing a huge
# log line (GraphQL names are far shorter).
MAX_LOGGED_NAME = 128


class Allowlist:
    __slots__ = ("_documents", "_enforce")

    def __init__(self, documents: TrustedDocuments, *, enforce: bool) -> None:
        self._documents = documents
        self._enforce = enforce

    @classmethod
    def configured(
        cls, path: Path | None, mode: Literal["off", "log", "enforce"]
    ) -> Allowlist | None:
        """The allowlist the settings ask for; `ManifestError` if its manifest is unusable."""
        if mode == "off" or path is None:
            return None
        return cls(trusted_documents.load(path), enforce=mode == "enforce")

    async def resolve(self, operation: GraphQLRequest, store: PersistedQueryStore) -> str | None:
        """The query text to run, like `persisted_queries.resolve`, with the list applied.

        Raises `PersistedQueryNotFound` for a hash nothing knows, and `MalformedRequest` for a
        refused document, a hash that does not match the text, or a malformed `documentId`.
        """
        if operation.document_id is not None:
            return self._by_id(operation)
        sha256_hash = persisted_queries.requested_hash(operation)
        if operation.query is None:
            if sha256_hash is None:
                return None
            listed = self._documents.get(sha256_hash)
            if listed is not None:
                return listed
            if self._enforce:
                raise PersistedQueryNotFound(sha256_hash)
            query = await persisted_queries.resolve(operation, store)
            _log_unlisted(sha256_hash, operation)
            return query
        text_hash = sha256_hex(operation.query)
        if sha256_hash is not None and sha256_hash != text_hash:
            raise persisted_queries.hash_mismatch()
        if self._documents.lists(text_hash):
            return operation.query
        if self._enforce:
            raise MalformedRequest(NOT_IN_LIST_MESSAGE, code=NOT_IN_LIST_CODE)
        query = await persisted_queries.resolve(operation, store)
        _log_unlisted(text_hash, operation)
        return query

    def _by_id(self, operation: GraphQLRequest) -> str:
        assert operation.document_id is not None
        if operation.query is not None or "persistedQuery" in (operation.extensions or {}):
            raise MalformedRequest(
                "Send a trusted document's `documentId` alone, without `query` or a "
                "`persistedQuery` extension."
            )
        sha256_hash = plain_hash(operation.document_id.lower())
        if sha256_hash is None:
            raise MalformedRequest(
                "The `documentId` must be `sha256:` followed by 64 hexadecimal digits."
            )
        listed = self._documents.get(sha256_hash)
        if listed is None:
            raise PersistedQueryNotFound(sha256_hash)
        return listed


def _log_unlisted(sha256_hash: str, operation: GraphQLRequest) -> None:
    name = operation.operation_name
    logger.warning(
        UNLISTED_LOG_MESSAGE,
        extra={
            "document_sha256": sha256_hash,
            "operation_name": None if name is None else name[:MAX_LOGGED_NAME],
        },
    )
