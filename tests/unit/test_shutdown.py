"""The SIGTERM drain around uvicorn's own handler, and its fallback when that handler is not
uvicorn's."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Iterator
from types import FrameType

import pytest
import uvicorn

from gateway.http.shutdown import Shutdown, drain_on_sigterm


@pytest.fixture
def restored_sigterm() -> Iterator[None]:
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


async def _no_app(scope: object, receive: object, send: object) -> None:
    """Never called: the server is not run."""


async def test_sigterm_drains_first_then_stops_uvicorn_without_a_signal_to_reraise(
    restored_sigterm: None,
) -> None:
    server = uvicorn.Server(uvicorn.Config(_no_app, log_config=None))
    signal.signal(signal.SIGTERM, server.handle_exit)
    shutdown = Shutdown()
    stopped = asyncio.ensure_future(shutdown.stopped())
    with drain_on_sigterm(shutdown, delay=0.2):
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(0)  # the handler runs between two bytecodes of this loop
        assert shutdown.draining
        assert not server.should_exit  # still serving while the balancer notices
        await asyncio.wait_for(stopped, 5)
        assert server.should_exit
        assert server._captured_signals == []  # so uvicorn exits 0, not by the signal
    assert signal.getsignal(signal.SIGTERM) == server.handle_exit


async def test_a_handler_that_is_not_uvicorns_is_left_alone_with_one_warning(
    restored_sigterm: None, caplog: pytest.LogCaptureFixture
) -> None:
    def handler(sig: int, frame: FrameType | None) -> None:
        pass

    signal.signal(signal.SIGTERM, handler)
    with caplog.at_level(logging.WARNING), drain_on_sigterm(Shutdown(), delay=1):
        assert signal.getsignal(signal.SIGTERM) is handler
    assert [r.getMessage() for r in caplog.records] == [
        "SIGTERM is not handled by uvicorn's server as expected: it stops the process "
        "without draining first"
    ]


async def test_waiters_on_other_loops_learn_of_the_stop() -> None:
    shutdown = Shutdown()
    waiter = asyncio.ensure_future(shutdown.stopped())
    await asyncio.sleep(0)
    await asyncio.to_thread(shutdown.stop)  # from another thread, as a signal's timer may
    await asyncio.wait_for(waiter, 5)
    await shutdown.stopped()  # once stopped, at once
