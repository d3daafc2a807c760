"""`run_once` over both stores: the memory one and a real Redis."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from gateway.errors import IdempotencyInProgress, IdempotencyKeyReused
from gateway.idempotency import IdempotencyStore, Recorded, run_once, scoped_key
from gateway.idempotency.memory import MemoryIdempotencyStore
from gateway.idempotency.redis import PREFIX, RedisIdempotencyStore


class Refused(Exception):
    """Stands for an outcome the upstream decided (recorded)."""


class NeverSent(Exception):
    """Stands for a failure before the upstream saw anything (released)."""


def _encode(outcome: object) -> bytes:
    if isinstance(outcome, Refused):
        return json.dumps({"error": str(outcome)}).encode()
    return json.dumps({"value": outcome}).encode()


def _decode(data: bytes) -> object:
    record = json.loads(data)
    return Refused(record["error"]) if "error" in record else record["value"]


RECORDED = Recorded(
    encode=_encode, decode=_decode, record_failure=lambda error: isinstance(error, Refused)
)


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[IdempotencyStore]:
    if request.param == "memory":
        yield MemoryIdempotencyStore()
        return
    redis_store = RedisIdempotencyStore.from_url(request.getfixturevalue("redis_url"))
    yield redis_store
    await redis_store.close()


class Counter:
    def __init__(self, result: object = "created", *, error: Exception | None = None) -> None:
        self.calls = 0
        self.result = result
        self.error = error
        self.gate = asyncio.Event()
        self.gate.set()
        self.started = asyncio.Event()

    async def __call__(self) -> object:
        self.calls += 1
        self.started.set()
        await self.gate.wait()
        if self.error is not None:
            raise self.error
        return self.result


async def once(store: IdempotencyStore, key: str, call: Counter, fp: str = "fp") -> object:
    return await run_once(
        store, key=key, fingerprint=fp, call=call, recorded=RECORDED, lease=5, ttl=60
    )


def new_key() -> str:
    return scoped_key(uuid.uuid4().hex, credentials="Token token=t")


async def test_a_retry_gets_the_recorded_outcome_without_calling(store: IdempotencyStore) -> None:
    key, call = new_key(), Counter({"id": 61})
    assert await once(store, key, call) == {"id": 61}
    assert await once(store, key, call) == {"id": 61}
    assert call.calls == 1


async def test_the_same_key_for_another_request_is_refused(store: IdempotencyStore) -> None:
    key, call = new_key(), Counter()
    await once(store, key, call, fp="first")
    with pytest.raises(IdempotencyKeyReused):
        await once(store, key, call, fp="second")
    assert call.calls == 1


async def test_concurrent_requests_make_one_call_and_all_get_its_outcome(
    store: IdempotencyStore,
) -> None:
    key, call = new_key(), Counter({"id": 7})
    call.gate.clear()  # hold the first call while the others arrive
    tasks = [asyncio.create_task(once(store, key, call)) for _ in range(20)]
    await call.started.wait()
    call.gate.set()
    assert await asyncio.gather(*tasks) == [{"id": 7}] * 20
    assert call.calls == 1


async def test_a_decided_failure_is_replayed_and_a_never_sent_one_is_released(
    store: IdempotencyStore,
) -> None:
    refused_key, refused = new_key(), Counter(error=Refused("422: não pode ficar em branco"))
    for _ in range(2):
        with pytest.raises(Refused, match="branco"):
            await once(store, refused_key, refused)
    assert refused.calls == 1

    released_key, never_sent = new_key(), Counter(error=NeverSent("no connection"))
    with pytest.raises(NeverSent):
        await once(store, released_key, never_sent)
    never_sent.error = None
    assert await once(store, released_key, never_sent) == "created"
    assert never_sent.calls == 2


async def test_keys_are_scoped_per_credentials() -> None:
    assert scoped_key("k", credentials="Token token=a") != scoped_key("k", credentials="b")


async def test_memory_keys_expire() -> None:
    now = [0.0]
    store = MemoryIdempotencyStore(clock=lambda: now[0])
    key, call = new_key(), Counter()
    await run_once(store, key=key, fingerprint="fp", call=call, recorded=RECORDED, lease=5, ttl=60)
    now[0] = 59.9
    await run_once(store, key=key, fingerprint="fp", call=call, recorded=RECORDED, lease=5, ttl=60)
    assert call.calls == 1
    now[0] = 60.0
    await run_once(store, key=key, fingerprint="fp", call=call, recorded=RECORDED, lease=5, ttl=60)
    assert call.calls == 2
    assert len(store) == 1


async def test_redis_keys_carry_their_time_to_live(redis_url: str) -> None:
    store = RedisIdempotencyStore.from_url(redis_url)
    key = new_key()
    await run_once(
        store, key=key, fingerprint="fp", call=Counter(), recorded=RECORDED, lease=5, ttl=60
    )
    async with Redis.from_url(redis_url) as redis:
        ttl_ms = await redis.pttl(PREFIX + key)
    await store.close()
    assert 55_000 < ttl_ms <= 60_000


async def test_a_waiter_gives_up_after_the_lease(store: IdempotencyStore) -> None:
    key, call = new_key(), Counter()
    call.gate.clear()
    owner = asyncio.create_task(
        run_once(store, key=key, fingerprint="fp", call=call, recorded=RECORDED, lease=0.3, ttl=60)
    )
    await call.started.wait()
    with pytest.raises((IdempotencyInProgress,)):
        await run_once(
            store, key=key, fingerprint="fp", call=Counter(), recorded=RECORDED, lease=0.2, ttl=60
        )
    call.gate.set()
    assert await owner == "created"


async def test_the_memory_store_drops_its_oldest_outcomes_past_its_bound() -> None:
    store = MemoryIdempotencyStore(max_entries=3)
    call = Counter()
    keys = [new_key() for _ in range(5)]
    for key in keys:
        await run_once(
            store, key=key, fingerprint="fp", call=call, recorded=RECORDED, lease=5, ttl=60
        )
    assert len(store) == 3
    # The newest keys still replay; the oldest one was dropped and calls again.
    await run_once(
        store, key=keys[-1], fingerprint="fp", call=call, recorded=RECORDED, lease=5, ttl=60
    )
    assert call.calls == 5
    await run_once(
        store, key=keys[0], fingerprint="fp", call=call, recorded=RECORDED, lease=5, ttl=60
    )
    assert call.calls == 6


async def test_the_memory_store_never_drops_a_call_in_flight() -> None:
    store = MemoryIdempotencyStore(max_entries=1)
    first = await store.claim("in-flight", "fp", lease=5)
    second = await store.claim("other", "fp", lease=5)
    assert first.owned
    assert second.owned
    assert len(store) == 2
    with pytest.raises(IdempotencyKeyReused):
        await store.claim("in-flight", "another fingerprint", lease=5)


async def test_the_memory_store_is_bounded_by_bytes_dropping_the_oldest_outcomes() -> None:
    from gateway.idempotency.memory import ENTRY_OVERHEAD

    outcome = b"x" * 1000
    each = ENTRY_OVERHEAD + len("key-0") + len("fp") + len(outcome)
    store = MemoryIdempotencyStore(max_entries=100, max_bytes=3 * each)
    for i in range(5):
        claim = await store.claim(f"key-{i}", "fp", lease=10)
        assert claim.owned
        await store.complete(f"key-{i}", outcome, ttl=60)
    assert len(store) == 3
    assert store.size <= 3 * each
    assert (await store.claim("key-0", "fp", lease=10)).owned  # dropped: a new claim
    assert (await store.claim("key-4", "fp", lease=10)).outcome == outcome
