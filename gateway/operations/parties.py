"""Queries and mutations on parties."""

from __future__ import annotations

import strawberry


@strawberry.type
class PartyQueries:
    pass


@strawberry.type
class PartyMutations:
    pass
