"""Queries on the organization's templates, accounts and NFS-e (read-only upstream) (issue 14; filled in by its resource group)."""

from __future__ import annotations

import strawberry


@strawberry.type
class TemplateQueries:
    pass
