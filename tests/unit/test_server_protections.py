"""When the guarded uvicorn protocol is used, and the plain uvicorn it falls back to."""

from __future__ import annotations

import asyncio
import logging
import pickle
from typing import Any

import pytest
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from gateway.http import server
from gateway.http.server import (
    GuardedHttpToolsProtocol,
    GuardedProtocolFactory,
    internals_problem,
    server_options,
)
from gateway.settings import Settings

SETTINGS = Settings(
    header_timeout=3.0, keepalive_timeout=7.0, max_client_connections=50, max_header_bytes=2048
)


async def no_app(scope: object, receive: object, send: object) -> None:
    """Configurations are built and loaded here, never served."""


class WithoutParserHooks(asyncio.Protocol):
    """A protocol class by the same name in some future uvicorn that parses differently."""


class BuiltDifferently(HttpToolsProtocol):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config, ServerState(), {})


class WithoutPipeline(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.pipeline


class FailingToBuild(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise AttributeError("'Config' object has no attribute 'http_limits'")


def test_the_installed_uvicorn_is_what_the_guarded_protocol_was_written_against() -> None:
    assert internals_problem(HttpToolsProtocol) is None
    assert issubclass(GuardedHttpToolsProtocol, HttpToolsProtocol)


@pytest.mark.parametrize(
    ("base", "named"),
    [
        (WithoutParserHooks, "on_headers_complete"),
        (BuiltDifferently, "not built as uvicorn's server builds it"),
        (WithoutPipeline, "pipeline"),
        (FailingToBuild, "http_limits"),
    ],
)
def test_a_protocol_unlike_the_expected_one_is_reported(
    base: type[asyncio.Protocol], named: str
) -> None:
    problem = internals_problem(base)
    assert problem is not None
    assert named in problem


def test_the_guarded_protocol_carries_the_settings_and_leaves_the_cap_to_itself() -> None:
    options = server_options(SETTINGS)
    factory = options["http"]
    assert isinstance(factory, GuardedProtocolFactory)
    assert factory.limits.header_timeout == 3.0
    assert factory.limits.max_header_bytes == 2048
    assert factory.limits.max_connections == 50
    assert options["timeout_keep_alive"] == 7.0
    assert options["limit_concurrency"] is None
    # X-Forwarded-For is believed only from GATEWAY_TRUSTED_PROXIES, which the app applies.
    assert options["proxy_headers"] is False


def test_the_options_survive_the_trip_to_a_worker_process() -> None:
    # `--workers`: uvicorn pickles its Config into each spawned worker.
    config = uvicorn.Config("gateway.__main__:worker_app", factory=True, **server_options(SETTINGS))
    arrived = pickle.loads(pickle.dumps(config))
    assert arrived.http == config.http
    assert arrived.timeout_keep_alive == 7.0


def test_unexpected_internals_fall_back_to_plain_uvicorn_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(server, "HttpToolsProtocol", WithoutParserHooks)
    with caplog.at_level(logging.INFO, logger="gateway.http.server"):
        options = server_options(SETTINGS)
    assert options == {
        "proxy_headers": False,
        "ws_max_size": SETTINGS.max_request_bytes,
        "timeout_graceful_shutdown": SETTINGS.shutdown_grace_seconds,
        "http": "h11",  # the protocol that bounds the head by itself
        "timeout_keep_alive": 7.0,
        "limit_concurrency": 51,
        "h11_max_incomplete_event_size": 2048,
    }
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "without a deadline for request heads" in warnings[0].getMessage()
    assert "on_headers_complete" in warnings[0].getMessage()
    # And uvicorn serves with them.
    config = uvicorn.Config(no_app, log_config=None, **options)
    config.load()
    assert config.http_protocol_class is H11Protocol
