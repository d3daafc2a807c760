"""Queries and mutations on invoice rules."""

from __future__ import annotations

import strawberry


@strawberry.type
class InvoiceRuleQueries:
    pass


@strawberry.type
class InvoiceRuleMutations:
    pass
