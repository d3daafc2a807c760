"""Fixtures for the sandbox upstream's tests: a fresh app per test and an authorized client."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from upstream_sandbox import create_app

from .support import TOKEN, client_for, load_fixture


@pytest.fixture
def seed_request() -> dict[str, Any]:
    return copy.deepcopy(load_fixture("create-invoice.request.json"))


@pytest.fixture
def seed_response() -> dict[str, Any]:
    return load_fixture("create-invoice.response.json")


@pytest.fixture
def sandbox() -> Starlette:
    return create_app(token=TOKEN)


@pytest_asyncio.fixture
async def api(sandbox: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(sandbox) as client:
        yield client
