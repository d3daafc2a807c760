"""Queries and mutations on contracts (issue 14; filled in by its resource group)."""

from __future__ import annotations

import strawberry


@strawberry.type
class ContractQueries:
    pass


@strawberry.type
class ContractMutations:
    pass
