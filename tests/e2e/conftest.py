"""Real servers on loopback: the sandbox upstream and the gateway, each served by uvicorn."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.support.recorder import Recorder
from tests.support.servers import serve
from upstream_sandbox import create_app as create_sandbox

SANDBOX_TOKEN = "e2e-token"
AUTHORIZATION = f"Token token={SANDBOX_TOKEN}"


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, Recorder]]:
    recorder = Recorder(create_sandbox(token=SANDBOX_TOKEN))
    with serve(recorder) as url:
        yield url, recorder


@pytest.fixture
def recorder(upstream: tuple[str, Recorder]) -> Recorder:
    _, recorder = upstream
    recorder.requests.clear()
    return recorder


@pytest.fixture(scope="module")
def gateway_url(upstream: tuple[str, Recorder]) -> Iterator[str]:
    url, _ = upstream
    with serve(create_app(Settings(upstream_url=f"{url}/api/v1"))) as gateway:
        yield gateway


@pytest.fixture
def client(gateway_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url, timeout=10) as client:
        yield client
