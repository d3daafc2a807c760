"""Invoice rules: the recurring billing rules of a contract."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
