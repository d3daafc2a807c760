"""Queries and mutations on invoice rules (issue 14; filled in by its resource group)."""

from __future__ import annotations

import strawberry


@strawberry.type
class InvoiceRuleQueries:
    pass


@strawberry.type
class InvoiceRuleMutations:
    pass
