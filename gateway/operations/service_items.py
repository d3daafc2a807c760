"""Queries and mutations on service items (issue 14; filled in by its resource group)."""

from __future__ import annotations

import strawberry


@strawberry.type
class ServiceItemQueries:
    pass


@strawberry.type
class ServiceItemMutations:
    pass
