"""Queries on an organization's templates, accounts and NFS-e, which the API only reads."""

from __future__ import annotations

import strawberry


@strawberry.type
class TemplateQueries:
    pass
