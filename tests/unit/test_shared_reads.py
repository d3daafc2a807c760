"""Reads shared across subscribers: at most one running and one waiting per key, and never an
answer from a read that started before the event it answers."""

from __future__ import annotations

import asyncio

import pytest

from gateway.errors import TooManySubscriptions, UpstreamServerError
from gateway.operations.subscription_limits import SubscriptionLimits, credentials_key
from gateway.rest.shared_reads import SharedReads


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Upstream:
    """Loads that finish when the test says, counting how many started."""

    def __init__(self) -> None:
        self.started: list[asyncio.Future[str]] = []

    async def load(self) -> str:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.started.append(future)
        return await future


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_burst_costs_one_read_running_and_one_after_it() -> None:
    clock, upstream = Clock(), Upstream()
    reads: SharedReads[str, str] = SharedReads(clock=clock)
    first = asyncio.ensure_future(reads.read("k", clock(), upstream.load))
    await settle()
    clock.now += 1  # the burst arrives while the first read runs
    burst = [asyncio.ensure_future(reads.read("k", clock(), upstream.load)) for _ in range(50)]
    await settle()
    assert len(upstream.started) == 1
    upstream.started[0].set_result("before the burst")
    await settle()
    assert await first == "before the burst"
    assert len(upstream.started) == 2  # one read for all fifty
    clock.now += 1
    upstream.started[1].set_result("after the burst")
    assert await asyncio.gather(*burst) == ["after the burst"] * 50
    assert reads.reads == 2


async def test_a_read_started_after_an_event_answers_it_without_another() -> None:
    clock, upstream = Clock(), Upstream()
    reads: SharedReads[str, str] = SharedReads(clock=clock)
    arrived = clock()
    clock.now += 1
    first = asyncio.ensure_future(reads.read("k", arrived, upstream.load))
    await settle()
    upstream.started[0].set_result("fresh")
    assert await first == "fresh"
    # A subscriber still to process the same event, later: the finished read answers it.
    assert await reads.read("k", arrived, upstream.load) == "fresh"
    assert len(upstream.started) == 1
    # A later event needs a read of its own.
    clock.now += 1
    later = asyncio.ensure_future(reads.read("k", clock(), upstream.load))
    await settle()
    assert len(upstream.started) == 2
    upstream.started[1].set_result("later")
    assert await later == "later"


async def test_keys_do_not_share_reads() -> None:
    clock, upstream = Clock(), Upstream()
    reads: SharedReads[str, str] = SharedReads(clock=clock)
    one = asyncio.ensure_future(reads.read("token-a", clock(), upstream.load))
    two = asyncio.ensure_future(reads.read("token-b", clock(), upstream.load))
    await settle()
    assert len(upstream.started) == 2
    upstream.started[0].set_result("a")
    upstream.started[1].set_result("b")
    assert (await one, await two) == ("a", "b")


async def test_a_caller_going_away_does_not_cancel_the_read_others_wait_for() -> None:
    clock, upstream = Clock(), Upstream()
    reads: SharedReads[str, str] = SharedReads(clock=clock)
    leaving = asyncio.ensure_future(reads.read("k", clock(), upstream.load))
    staying = asyncio.ensure_future(reads.read("k", clock(), upstream.load))
    await settle()
    leaving.cancel()
    await settle()
    upstream.started[0].set_result("still read")
    assert await staying == "still read"
    assert leaving.cancelled()


async def test_a_failed_read_fails_each_of_its_callers_and_the_next_event_reads_again() -> None:
    clock, upstream = Clock(), Upstream()
    reads: SharedReads[str, str] = SharedReads(clock=clock)
    callers = [asyncio.ensure_future(reads.read("k", clock(), upstream.load)) for _ in range(3)]
    await settle()
    upstream.started[0].set_exception(UpstreamServerError("Upstream failed.", status=502))
    for caller in callers:
        with pytest.raises(UpstreamServerError):
            await caller
    clock.now += 1
    again = asyncio.ensure_future(reads.read("k", clock(), upstream.load))
    await settle()
    upstream.started[1].set_result("recovered")
    assert await again == "recovered"


def test_limits_hold_per_credentials_and_in_total() -> None:
    limits = SubscriptionLimits(per_credentials=2, total=3)
    a, b = credentials_key("Token token=a"), credentials_key("Token token=b")
    assert a != b
    assert "token=a" not in a  # a digest, never the token
    with limits.hold(a), limits.hold(a):
        with pytest.raises(TooManySubscriptions, match="These credentials"), limits.hold(a):
            pass
        with limits.hold(b):
            assert limits.active == 3
            with pytest.raises(TooManySubscriptions, match="limit of 3"), limits.hold(b):
                pass
    assert limits.active == 0
    with limits.hold(a), limits.hold(a):  # released: the count starts again
        pass
