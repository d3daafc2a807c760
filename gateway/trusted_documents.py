"""The trusted-documents manifest: the operations the front ends were built with.

Two formats are read, told apart by Apollo's `format` marker:

- GraphQL Code Generator's `persisted-documents.json` (client preset, `persistedDocuments:
  true`): `{"sha256:<hex>": "<document>"}`.
- Apollo's persisted query manifest: `{"format": "apollo-persisted-query-manifest",
  "version": 1, "operations": [{"id": "<hex>", "name", "type", "body"}]}`.

Every hash must be the SHA-256 of its document (lowercase hex, optionally `sha256:`-prefixed
as the GraphQL-over-HTTP persisted documents appendix writes it), so one table keyed by that
hash serves both a hash-only request and the check of a full query text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphql import GraphQLSyntaxError, parse

from gateway.errors import ManifestError
from gateway.persisted_queries import sha256_hex

APOLLO_FORMAT = "apollo-persisted-query-manifest"
APOLLO_OPERATION_TYPES = frozenset({"query", "mutation", "subscription"})
SHA256_PREFIX = "sha256:"
_TYPES_TEXT = "one of " + ", ".join(sorted(APOLLO_OPERATION_TYPES))

_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


def plain_hash(identifier: str) -> str | None:
    """The lowercase hex digest in `sha256:<hex>` or `<hex>`; `None` if it is neither."""
    digest = identifier.removeprefix(SHA256_PREFIX)
    return digest if _HEX_SHA256.fullmatch(digest) else None


class TrustedDocuments:
    """The manifest's documents, each held once, by the SHA-256 of its text."""

    __slots__ = ("_documents", "path")

    def __init__(self, documents: Mapping[str, str], *, path: Path) -> None:
        self._documents = dict(documents)
        self.path = path

    def __len__(self) -> int:
        return len(self._documents)

    def get(self, sha256_hash: str) -> str | None:
        """The listed document whose hash (lowercase hex) this is."""
        return self._documents.get(sha256_hash)

    def lists(self, text_hash: str) -> bool:
        """Whether the document whose text hashes to `text_hash` is in the manifest."""
        return text_hash in self._documents


def load(path: Path) -> TrustedDocuments:
    """Read and check the manifest at `path`; `ManifestError` says what is wrong with it."""
    try:
        data = json.loads(path.read_bytes())
    except OSError as error:
        raise ManifestError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (ValueError, RecursionError) as error:  # bad UTF-8 is a ValueError too
        raise ManifestError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise ManifestError(
            f"{path}: expected a JSON object: GraphQL Code Generator's persisted documents "
            "or Apollo's persisted query manifest"
        )
    entries = _apollo_entries(data, path) if "format" in data else _codegen_entries(data, path)
    documents: dict[str, str] = {}
    for entry, claimed, body in entries:
        documents[_checked_hash(claimed, body, path, entry)] = body
    if not documents:
        raise ManifestError(f"{path}: lists no documents, so every operation would be refused")
    return TrustedDocuments(documents, path=path)


# (how the entry is named in messages, the hash it claims, its document)
_Entry = tuple[str, str, str]


def _codegen_entries(data: dict[str, Any], path: Path) -> list[_Entry]:
    entries = []
    for key, body in data.items():
        if not isinstance(body, str):
            raise ManifestError(f"{path}: entry {key!r}: the document must be a string")
        entries.append((f"entry {key!r}", key, body))
    return entries


def _apollo_entries(data: dict[str, Any], path: Path) -> list[_Entry]:
    if data.get("format") != APOLLO_FORMAT or data.get("version") != 1:
        raise ManifestError(
            f"{path}: unknown manifest format {data.get('format')!r} version "
            f"{data.get('version')!r}; expected {APOLLO_FORMAT!r} version 1"
        )
    operations = data.get("operations")
    if not isinstance(operations, list):
        raise ManifestError(f"{path}: `operations` must be a list")
    entries = []
    for index, operation in enumerate(operations):
        entry = f"operations[{index}]"
        if not isinstance(operation, dict):
            raise ManifestError(f"{path}: {entry}: must be an object")
        name = operation.get("name")
        if isinstance(name, str):
            entry = f"{entry} ({name})"
        for field in ("id", "name", "body"):
            if not isinstance(operation.get(field), str):
                raise ManifestError(f"{path}: {entry}: `{field}` must be a string")
        if operation.get("type") not in APOLLO_OPERATION_TYPES:
            raise ManifestError(f"{path}: {entry}: `type` must be {_TYPES_TEXT}")
        entries.append((entry, operation["id"], operation["body"]))
    return entries


def _checked_hash(claimed: str, body: str, path: Path, entry: str) -> str:
    sha256_hash = plain_hash(claimed)
    if sha256_hash is None:
        raise ManifestError(
            f"{path}: {entry}: the hash must be a lowercase hex SHA-256 (64 digits, optionally "
            "after `sha256:`); with GraphQL Code Generator, leave `hashAlgorithm` at `sha256`"
        )
    if sha256_hex(body) != sha256_hash:
        raise ManifestError(f"{path}: {entry}: the hash is not the SHA-256 of its document")
    try:
        parse(body, no_location=True)
    except GraphQLSyntaxError as error:
        raise ManifestError(f"{path}: {entry}: not a GraphQL document ({error.message})") from None
    return sha256_hash
