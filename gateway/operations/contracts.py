"""Queries and mutations on contracts."""

from __future__ import annotations

import strawberry


@strawberry.type
class ContractQueries:
    pass


@strawberry.type
class ContractMutations:
    pass
