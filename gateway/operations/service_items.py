"""Queries and mutations on service items."""

from __future__ import annotations

import strawberry


@strawberry.type
class ServiceItemQueries:
    pass


@strawberry.type
class ServiceItemMutations:
    pass
