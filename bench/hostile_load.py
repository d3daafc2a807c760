"""The hostile benchmark's HTTP client: aiohttp over keep-alive connections, every answer checked.

Three ways to send: `send_all` (a list of bodies over a few connections, as fast as the
gateway answers), `flood` (senders each with its own Authorization and one connection, the
next request as soon as the previous answer arrives) and `paced` (one request every 1/rate
seconds whatever the answers do, so a slow answer cannot hide the ones queued behind it).

`flood` and `paced` also run as their own processes, so that the normal client's latencies
are not queued behind the flood in one event loop:

    python -m bench.hostile_load flood --url URL --senders 4 --duration 20 --mix over-limit
    python -m bench.hostile_load paced --url URL --rate 20 --duration 15

Each prints one JSON `Tally`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench import hostile_docs

# `application/graphql-response+json` first: the gateway then answers a refused document
# with 400 (GraphQL over HTTP), so the status says refused or not without reading the body.
HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/graphql-response+json, application/json;q=0.9",
}
NORMAL_AUTHORIZATION = "Token token=normal-client"
TIMEOUT = aiohttp.ClientTimeout(total=60)


def hostile_authorization(mix: str, sender: int) -> str:
    # New credentials for each flood, so one flood's spent rate limit does not carry over.
    return f"Token token=hostile-{mix}-{sender}"


def encode(body: hostile_docs.Body) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def graphql_problem(body: bytes) -> str | None:
    """Why `body` is not a well-formed GraphQL JSON response; `None` when it is one."""
    try:
        answer = json.loads(body)
    except ValueError:
        return "not JSON"
    if not isinstance(answer, dict) or not ({"data", "errors"} & answer.keys()):
        return "JSON without `data` or `errors`"
    errors = answer.get("errors", [])
    if not isinstance(errors, list) or not all(
        isinstance(error, dict) and isinstance(error.get("message"), str) for error in errors
    ):
        return "`errors` is not a list of errors with messages"
    return None


def _first_message(body: bytes) -> str:
    try:
        errors = json.loads(body).get("errors") or [{}]
        return str(errors[0].get("message", ""))[:120]
    except (ValueError, AttributeError, IndexError):
        return body[:120].decode(errors="replace")


@dataclass
class Tally:
    """What came back: statuses, answers that were not GraphQL, latencies in seconds."""

    statuses: Counter[int] = field(default_factory=Counter)
    malformed: Counter[str] = field(default_factory=Counter)
    messages: dict[int, str] = field(default_factory=dict)  # the first error message by status
    latencies_s: list[float] = field(default_factory=list)
    ok_latencies_s: list[float] = field(default_factory=list)  # of the 200 answers
    transport_errors: Counter[str] = field(default_factory=Counter)
    elapsed_s: float = 0.0

    def record(self, status: int, body: bytes, latency_s: float) -> None:
        self.statuses[status] += 1
        self.latencies_s.append(latency_s)
        if status == 200:
            self.ok_latencies_s.append(latency_s)
        if (problem := graphql_problem(body)) is not None:
            self.malformed[f"{status}: {problem}"] += 1
        if status != 200 and status not in self.messages:
            self.messages[status] = _first_message(body)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def percentile_ms(self, fraction: float, *, ok_only: bool = False) -> float:
        """Latency at `fraction`; with `ok_only`, of the 200 answers alone (a 429 is quick,
        and counting it would make a refused normal client look fast)."""
        latencies = self.ok_latencies_s if ok_only else self.latencies_s
        ordered = sorted(latencies)
        if not ordered:
            return float("nan")
        return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]

    def merge(self, other: Tally) -> None:
        self.statuses.update(other.statuses)
        self.malformed.update(other.malformed)
        self.transport_errors.update(other.transport_errors)
        self.latencies_s.extend(other.latencies_s)
        self.ok_latencies_s.extend(other.ok_latencies_s)
        for status, message in other.messages.items():
            self.messages.setdefault(status, message)
        self.elapsed_s = max(self.elapsed_s, other.elapsed_s)

    def to_json(self) -> dict[str, Any]:
        return {
            "statuses": {str(status): count for status, count in sorted(self.statuses.items())},
            "malformed": dict(self.malformed),
            "messages": {str(status): text for status, text in self.messages.items()},
            "latencies_s": self.latencies_s,
            "ok_latencies_s": self.ok_latencies_s,
            "transport_errors": dict(self.transport_errors),
            "elapsed_s": self.elapsed_s,
        }

    @staticmethod
    def from_json(raw: dict[str, Any]) -> Tally:
        return Tally(
            statuses=Counter({int(status): count for status, count in raw["statuses"].items()}),
            malformed=Counter(raw["malformed"]),
            messages={int(status): text for status, text in raw["messages"].items()},
            latencies_s=list(raw["latencies_s"]),
            ok_latencies_s=list(raw["ok_latencies_s"]),
            transport_errors=Counter(raw["transport_errors"]),
            elapsed_s=float(raw["elapsed_s"]),
        )


async def _post(
    session: aiohttp.ClientSession, url: str, body: bytes, authorization: str, tally: Tally
) -> None:
    started = time.perf_counter()
    try:
        async with session.post(
            url, data=body, headers={**HEADERS, "Authorization": authorization}
        ) as response:
            answer = await response.read()
            tally.record(response.status, answer, time.perf_counter() - started)
    except (aiohttp.ClientError, TimeoutError) as error:
        # A reset or a timeout is no GraphQL answer at all: counted apart, never retried.
        tally.transport_errors[type(error).__name__] += 1


def _session(connections: int) -> aiohttp.ClientSession:
    # Keep-alive is aiohttp's default; `limit` caps the connections at the senders' number.
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections), timeout=TIMEOUT)


async def send_all(
    url: str, bodies: Iterable[tuple[str, bytes]], *, connections: int, authorization: str
) -> dict[str, Tally]:
    """Every (label, body) once, `connections` requests in flight, each sent when one is
    answered; a tally per label."""
    tallies: dict[str, Tally] = {}
    pending = iter(bodies)  # shared: each sender takes the next body left
    started = time.monotonic()
    async with _session(connections) as session:

        async def sender() -> None:
            for label, body in pending:
                tally = tallies.setdefault(label, Tally())
                await _post(session, url, body, authorization, tally)

        await asyncio.gather(*(sender() for _ in range(connections)))
    for tally in tallies.values():
        tally.elapsed_s = time.monotonic() - started
    return tallies


def flood_bodies(mix: str, first: int) -> Iterator[bytes]:
    """Near-limit hostile bodies, each new, shapes in turn (`mix`: see `FLOOD_MIXES`)."""
    shapes = FLOOD_MIXES[mix]
    for n in itertools.count(first):
        yield encode(shapes[n % len(shapes)].make(n))


FLOOD_MIXES: dict[str, tuple[hostile_docs.CpuShape, ...]] = {
    # What the text limits are meant to refuse cheaply.
    "over-limit": tuple(shape for shape in hostile_docs.CPU_SHAPES if shape.over_limit),
    # The dearest document found within every limit: what a clever attacker would send.
    "within-limits": tuple(
        shape
        for shape in hostile_docs.CPU_SHAPES
        if shape.make is hostile_docs.invalid_within_limits
    ),
}


async def flood(url: str, *, senders: int, duration_s: float, mix: str) -> Tally:
    """`senders` clients, each with its own Authorization and connection, flat out."""
    tally = Tally()
    stop = time.monotonic() + duration_s

    async def sender(index: int) -> None:
        authorization = hostile_authorization(mix, index)
        async with _session(1) as session:
            for body in flood_bodies(mix, first=index * 10_000_000):
                if time.monotonic() >= stop:
                    return
                await _post(session, url, body, authorization, tally)

    started = time.monotonic()
    await asyncio.gather(*(sender(index) for index in range(senders)))
    tally.elapsed_s = time.monotonic() - started
    return tally


async def paced(
    url: str, body: bytes, *, rate: float, duration_s: float, authorization: str
) -> Tally:
    """One request every 1/rate s for `duration_s`, each timed from when it was due."""
    tally = Tally()
    interval = 1 / rate
    async with _session(32) as session:
        tasks: list[asyncio.Task[None]] = []
        started = time.monotonic()
        for index in range(int(duration_s * rate)):
            delay = started + index * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(_post(session, url, body, authorization, tally)))
        await asyncio.gather(*tasks)
        tally.elapsed_s = time.monotonic() - started
    return tally


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile_load")
    parser.add_argument("mode", choices=("flood", "paced"))
    parser.add_argument("--url", required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--mix", choices=sorted(FLOOD_MIXES), default="over-limit")
    parser.add_argument("--rate", type=float, default=20.0)
    args = parser.parse_args(argv)
    if args.mode == "flood":
        result = asyncio.run(
            flood(args.url, senders=args.senders, duration_s=args.duration, mix=args.mix)
        )
    else:
        body = encode({"query": hostile_docs.NORMAL_QUERY})
        result = asyncio.run(
            paced(
                args.url,
                body,
                rate=args.rate,
                duration_s=args.duration,
                authorization=NORMAL_AUTHORIZATION,
            )
        )
    print(json.dumps(result.to_json()))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
