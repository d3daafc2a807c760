"""Queries and mutations on parties (issue 14; filled in by its resource group)."""

from __future__ import annotations

import strawberry


@strawberry.type
class PartyQueries:
    pass


@strawberry.type
class PartyMutations:
    pass
