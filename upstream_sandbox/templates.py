"""An organization's templates, financial accounts and NFS-e, which the API only reads."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
