"""Contracts: their records and routes (invoices hang below them, in store.py)."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
