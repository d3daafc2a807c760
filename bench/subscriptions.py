"""Subscriptions under load (issue 15), normally through `bench/run-subscriptions`.

The gateway (`python -m gateway`, its webhook secret and upstream set, every other setting
as shipped) runs alone on the first core; the project's sandbox upstream, as a process of its
own, and this process, the load generator, share the second. Two runs, each against a fresh
gateway:

1. filtered: subscribers each watching one invoice (`invoiceEvents(invoiceId:)`), signed
   deliveries posted at a fixed rate round-robin over the invoices, some posted again with
   the same request id; delivery latency, memory, and that every subscriber got every event
   of its invoice exactly once.
2. fan-out: every subscriber watching every event, at the rates given; where the gateway
   saturates, and what it does then (slow subscribers dropped, memory bounded).

Writes bench/results/subscriptions/latest.md and latest.json. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import shlex
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import aiohttp
import uvloop

from bench import gateway_code, hostile_gateway, machine, procs
from bench import subscriptions_report as report
from bench.gateway_code import Code
from bench.procs import Server
from bench.scenarios import PROJECT_PYTHON, REPO, Layout
from bench.subscriptions_load import (
    Clock,
    Delivery,
    Poster,
    Subscriber,
    Subscribers,
    Transport,
)

RESULTS = REPO / "bench" / "results" / "subscriptions"
SECRET = "bench-subscriptions-secret"
CONTRACT_ID = 3  # a default contract of the sandbox (upstream_sandbox/contract_seed.py)
CONTRACT_TOKEN = "c81f4b7a9e2d46c0b3a5e7f9d1c3b5a7"
INVOICE_BODY = REPO / "examples" / "fixtures" / "create-invoice.request.json"
RAW = REPO / "bench" / "results" / "raw" / "subscriptions"  # logs, code snapshot; not committed
SAMPLE_SECONDS = 1.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench/run-subscriptions", description=__doc__.splitlines()[0]
    )
    add = parser.add_argument
    add("--subscribers", type=int, default=1000, help="subscribers in each run")
    add("--invoices", type=int, default=100, help="invoices watched in the filtered run")
    add("--credentials", type=int, default=4, help="distinct Authorization values")
    add("--sse", type=int, default=25, help="subscribers over SSE (the rest: graphql-ws)")
    add("--multipart", type=int, default=25, help="subscribers over multipart HTTP")
    add("--rate", type=float, default=100.0, help="deliveries per second, filtered run")
    add("--duration", type=float, default=30.0, help="seconds of deliveries, filtered run")
    add("--retry-every", type=int, default=20, help="every Nth delivery is posted twice")
    add(
        "--sweep-rates",
        default="25,50",
        help="deliveries per second of the filtered shape's sweep (a gateway of its own), "
        "comma-separated; empty: skip it",
    )
    add("--sweep-duration", type=float, default=10.0, help="seconds at each sweep rate")
    add(
        "--fanout-rates",
        default="2,10,100",
        help="deliveries per second of the fan-out run, comma-separated; empty: skip it",
    )
    add("--fanout-duration", type=float, default=10.0, help="seconds at each fan-out rate")
    add("--quick", action="store_true", help="a smoke run: 100 subscribers, 5 s")
    add(
        "--code",
        default="HEAD",
        help=f"the gateway's commit to snapshot, or `{gateway_code.WORKTREE}`",
    )
    add("--output", type=Path, default=RESULTS, help="where latest.{md,json} go")
    return parser


@dataclass
class Shape:
    subscribers: int
    invoices: int
    credentials: int
    sse: int
    multipart: int

    def transport(self, index: int) -> Transport:
        # Spread over the invoices and credentials rather than bunched at one end.
        every = self.subscribers // max(1, self.sse + self.multipart) or 1
        slot, offset = divmod(index, every)
        if offset == 0 and slot < self.sse:
            return "sse"
        if offset == every // 2 and slot < self.multipart:
            return "multipart"
        return "ws"

    def authorization(self, invoice_index: int) -> str:
        return f"Token token=bench-tenant-{invoice_index % self.credentials}"


@dataclass
class Sample:
    at: float  # seconds since the deliveries began
    rss_mib: float
    cpu_s: float
    received: int
    ended: int


@dataclass
class Phase:
    """One rate's deliveries and what the subscribers made of them."""

    rate: float
    duration: float
    posting_s: float = 0.0
    drain_s: float = 0.0
    gateway_cpu_s: float = 0.0
    sandbox_cpu_s: float = 0.0
    load_cpu_s: float = 0.0
    machine_busy_s: float = 0.0  # every core's busy time, ours and others' tests alike
    samples: list[Sample] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)


def _rusage_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _create_invoices(sandbox: Server, count: int) -> list[int]:
    body = INVOICE_BODY.read_bytes()
    ids = []
    for _ in range(count):
        request = urllib.request.Request(
            f"{sandbox.url}/api/v1/contracts/{CONTRACT_ID}/invoices",
            data=body,
            headers={"Content-Type": "application/json", "Authorization": "Token token=setup"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            ids.append(int(json.loads(response.read())["invoice"]["id"]))
    return ids


def _memory(server: Server) -> float:
    return round(procs.memory_mib(server.pids())[0], 1)


class Bench:
    def __init__(self, gateway: Server, sandbox: Server, invoice_ids: list[int], name: str):
        self.gateway = gateway
        self.sandbox = sandbox
        self.invoice_ids = invoice_ids
        self.name = name
        self.clock = Clock()
        self.poster = Poster(gateway.url + "/webhooks", SECRET, self.clock, run=name)
        self.subscribers = Subscribers(gateway.url + "/graphql", self.clock)

    def target(self, number: int) -> tuple[int, int, str]:
        return self.invoice_ids[number % len(self.invoice_ids)], CONTRACT_ID, CONTRACT_TOKEN

    async def warm_up(self) -> None:
        """One subscriber per transport and a few deliveries, so that what the first event
        imports and compiles is in the "before" memory, not charged to the subscribers."""
        shape = Shape(3, 1, 1, 1, 1)
        clock = Clock()
        subscribers = Subscribers(self.gateway.url + "/graphql", clock)
        poster = Poster(self.gateway.url + "/webhooks", SECRET, clock, run=self.name + "-warm")
        invoice = self.invoice_ids[0]
        warm = [Subscriber(i, t, shape.authorization(0), invoice) for i, t in enumerate(_T)]
        await subscribers.open(warm)
        await poster.run(
            lambda _: (invoice, CONTRACT_ID, CONTRACT_TOKEN),
            rate=10,
            duration=0.5,
            retry_every=0,
            retry_after=0,
        )
        await asyncio.sleep(1.0)
        await subscribers.close()
        await poster.close()
        if any(len(s.received) != 5 for s in warm) or subscribers.failed:
            counts = [len(s.received) for s in warm]
            raise RuntimeError(f"warm-up: received {counts}, failed {subscribers.failed}")

    async def deliver(self, everyone: list[Subscriber], phase: Phase, *, retry_every: int) -> None:
        gateway_pids, sandbox_pids = self.gateway.pids(), self.sandbox.pids()
        cpu_before = procs.cpu_seconds(gateway_pids)
        sandbox_before = procs.cpu_seconds(sandbox_pids)
        load_before = _rusage_cpu()
        busy_before = procs.machine_busy_seconds()
        first = len(self.poster.deliveries)
        started = time.monotonic()
        stop = asyncio.Event()

        async def sample() -> None:
            while not stop.is_set():
                phase.samples.append(
                    Sample(
                        at=round(time.monotonic() - started, 2),
                        rss_mib=_memory(self.gateway),
                        cpu_s=round(
                            procs.cpu_delta(cpu_before, procs.cpu_seconds(gateway_pids)), 2
                        ),
                        received=sum(len(s.received) for s in everyone),
                        ended=sum(1 for s in everyone if s.ended is not None),
                    )
                )
                with _suppress_timeout():
                    await asyncio.wait_for(stop.wait(), SAMPLE_SECONDS)

        sampler = asyncio.create_task(sample())
        phase.posting_s = await self.poster.run(
            self.target,
            rate=phase.rate,
            duration=phase.duration,
            retry_every=retry_every,
            retry_after=1.0,
        )
        phase.deliveries = self.poster.deliveries[first:]
        drain_started = time.monotonic()
        await _drain(everyone, phase.deliveries)
        phase.drain_s = time.monotonic() - drain_started
        stop.set()
        await sampler
        phase.gateway_cpu_s = procs.cpu_delta(cpu_before, procs.cpu_seconds(gateway_pids))
        phase.sandbox_cpu_s = procs.cpu_delta(sandbox_before, procs.cpu_seconds(sandbox_pids))
        phase.load_cpu_s = _rusage_cpu() - load_before
        phase.machine_busy_s = procs.machine_busy_seconds() - busy_before

    async def close(self) -> None:
        await self.subscribers.close()
        await self.poster.close()


_T: tuple[Transport, ...] = ("ws", "sse", "multipart")


class _suppress_timeout:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> bool:
        return kind is TimeoutError


def _expected(subscriber: Subscriber, deliveries: list[Delivery]) -> int:
    return sum(
        1
        for d in deliveries
        if d.published and (subscriber.invoice_id is None or d.invoice_id == subscriber.invoice_id)
    )


async def _drain(everyone: list[Subscriber], deliveries: list[Delivery]) -> None:
    """Until every live subscriber has its events, or nothing has arrived for 3 s (10 s cap)."""
    wanted = {s.index: _expected(s, deliveries) for s in everyone}
    last, quiet_since, deadline = -1, time.monotonic(), time.monotonic() + 10.0
    while time.monotonic() < deadline:
        live = [s for s in everyone if s.ended is None]
        if all(len(s.received) >= wanted[s.index] for s in live):
            await asyncio.sleep(0.5)  # a late duplicate would show here
            return
        total = sum(len(s.received) for s in everyone)
        if total != last:
            last, quiet_since = total, time.monotonic()
        elif time.monotonic() - quiet_since > 3.0:
            return
        await asyncio.sleep(0.1)


def _tally(everyone: list[Subscriber], deliveries: list[Delivery]) -> dict[str, Any]:
    """Exactly once, per subscriber: what it should have got against what it got."""
    published = [d for d in deliveries if d.published]
    by_invoice: dict[int, set[str]] = {}
    for delivery in published:
        by_invoice.setdefault(delivery.invoice_id, set()).add(delivery.event_id)
    every = {d.event_id for d in published}
    missing = duplicates = unexpected = wrong = 0
    complete = live = live_complete = 0
    per_transport: dict[str, dict[str, int]] = {}
    for subscriber in everyone:
        wanted = (
            every if subscriber.invoice_id is None else by_invoice.get(subscriber.invoice_id, set())
        )
        got = set(subscriber.received)
        lost = len(wanted - got)
        doubled = len(subscriber.received) - len(got)
        strays = len(got - wanted)
        missing, duplicates, unexpected = missing + lost, duplicates + doubled, unexpected + strays
        wrong += len(subscriber.wrong)
        exact = not lost and not doubled and not strays and not subscriber.wrong
        complete += exact
        if subscriber.ended is None:
            live += 1
            live_complete += exact
        row = per_transport.setdefault(
            subscriber.transport, {"subscribers": 0, "exactly_once": 0, "messages": 0}
        )
        row["subscribers"] += 1
        row["exactly_once"] += exact
        row["messages"] += len(subscriber.received)
    statuses: dict[str, int] = {}
    for delivery in deliveries:
        key = f"{delivery.status} {delivery.answer}"
        statuses[key] = statuses.get(key, 0) + 1
    retries: dict[str, int] = {}
    for delivery in deliveries:
        for status, said in delivery.retries:
            retries[f"{status} {said}"] = retries.get(f"{status} {said}", 0) + 1
    return {
        "subscribers": len(everyone),
        "exactly_once": complete,
        "missing": missing,
        "duplicates": duplicates,
        "unexpected": unexpected,
        "wrong_results": wrong,
        "exactly_once_of_kept": [live_complete, live],
        "published_twice": sum(1 for d in deliveries if d.published > 1),
        "wrong_samples": sorted({w for s in everyone for w in s.wrong})[:5],
        "expected_messages": sum(
            len(every if s.invoice_id is None else by_invoice.get(s.invoice_id, set()))
            for s in everyone
        ),
        "messages": sum(len(s.received) for s in everyone),
        "ended_by_gateway": sum(1 for s in everyone if s.ended is not None),
        "ended_samples": sorted({s.ended for s in everyone if s.ended is not None})[:5],
        "per_transport": per_transport,
        "delivery_answers": statuses,
        "retry_answers": retries,
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(fraction: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000, 2)

    return {
        "count": len(ordered),
        "p50_ms": at(0.50),
        "p90_ms": at(0.90),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def _phase_json(phase: Phase, everyone: list[Subscriber]) -> dict[str, Any]:
    tally = _tally(everyone, phase.deliveries)
    # From the first POST to the last event read: the rate the subscribers really got.
    last = max((s.last_at for s in everyone if s.received), default=0.0)
    first = min((d.sent_at for d in phase.deliveries), default=0.0)
    window = last - first if last > first else 0.0
    latencies = [v for s in everyone for v in s.latencies]
    by_transport = {
        transport: _percentiles(
            [v for s in everyone if s.transport == transport for v in s.latencies]
        )
        for transport in sorted({s.transport for s in everyone})
    }
    answered = [d.answered_at - d.sent_at for d in phase.deliveries if d.answered_at]
    rss = [sample.rss_mib for sample in phase.samples]
    return {
        "rate": phase.rate,
        "duration_s": phase.duration,
        "deliveries": len(phase.deliveries),
        "posting_s": round(phase.posting_s, 2),
        "achieved_rate": round(len(phase.deliveries) / phase.posting_s, 1)
        if phase.posting_s
        else 0,
        "drain_s": round(phase.drain_s, 2),
        "messages_per_s": round(tally["messages"] / window, 1) if window else 0,
        "latency": _percentiles(latencies),
        "latency_by_transport": by_transport,
        "webhook_answer": _percentiles(answered),
        "gateway_cpu_s": round(phase.gateway_cpu_s, 2),
        "gateway_cpu_share": round(phase.gateway_cpu_s / (phase.posting_s + phase.drain_s), 2),
        "gateway_cpu_us_per_message": (
            round(phase.gateway_cpu_s / tally["messages"] * 1e6, 1) if tally["messages"] else None
        ),
        "sandbox_cpu_s": round(phase.sandbox_cpu_s, 2),
        "load_generator_cpu_s": round(phase.load_cpu_s, 2),
        # Cores kept busy by what is not ours: others' tests on a shared machine.
        "others_cores": round(
            max(
                0.0,
                phase.machine_busy_s - phase.gateway_cpu_s - phase.sandbox_cpu_s - phase.load_cpu_s,
            )
            / (phase.posting_s + phase.drain_s),
            2,
        ),
        "rss_during_mib": {"min": min(rss), "max": max(rss)} if rss else {},
        "samples": [sample.__dict__ for sample in phase.samples],
        **tally,
    }


def _subscriber_list(shape: Shape, invoice_ids: list[int], *, filtered: bool) -> list[Subscriber]:
    everyone = []
    for index in range(shape.subscribers):
        invoice_index = index % shape.invoices
        everyone.append(
            Subscriber(
                index,
                shape.transport(index),
                shape.authorization(invoice_index),
                invoice_ids[invoice_index] if filtered else None,
            )
        )
    return everyone


async def _run(
    name: str,
    gateway: Server,
    sandbox: Server,
    invoice_ids: list[int],
    shape: Shape,
    phases: list[Phase],
    *,
    filtered: bool,
    retry_every: int,
) -> dict[str, Any]:
    bench = Bench(gateway, sandbox, invoice_ids, name)
    await bench.warm_up()
    gc.collect()
    gc.freeze()  # the bench's own collector pauses would show up as latency
    await asyncio.sleep(1.0)
    memory: dict[str, float] = {"before_subscribers": _memory(gateway)}
    everyone = _subscriber_list(shape, invoice_ids, filtered=filtered)
    opened = time.monotonic()
    await bench.subscribers.open(everyone)
    subscribe_s = time.monotonic() - opened
    await asyncio.sleep(1.0)
    memory["with_subscribers"] = _memory(gateway)
    results = []
    try:
        for phase in phases:
            await bench.deliver(everyone, phase, retry_every=retry_every)
            results.append(_phase_json(phase, everyone))
            # Each rate's figures stand alone: the next starts from fresh counts.
            for subscriber in everyone:
                subscriber.received.clear()
                subscriber.latencies.clear()
            if all(s.ended is not None for s in everyone):
                break
        memory["after_run"] = _memory(gateway)
        memory["live_subscribers_after_run"] = sum(1 for s in everyone if s.ended is None)
    finally:
        await bench.close()
    await asyncio.sleep(3.0)
    memory["after_subscribers_left"] = _memory(gateway)
    memory["peak"] = round(procs.memory_mib(gateway.pids())[1], 1)
    return {
        "subscribers_failed": bench.subscribers.failed[:5],
        "subscribers_failed_count": len(bench.subscribers.failed),
        "subscribe_s": round(subscribe_s, 2),
        "memory_mib": memory,
        "phases": results,
        "poster_failures": bench.poster.failures[:5],
        "poster_failure_count": len(bench.poster.failures),
        "untimed_events": bench.clock.late_lookups,
    }


def _raise_file_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _gateway(code: Code, sandbox: Server, layout: Layout, raw_dir: Path, name: str) -> Server:
    settings = {"GATEWAY_WEBHOOK_SECRET": SECRET, **hostile_gateway.upstream_settings(sandbox)}
    return hostile_gateway.start(name, code, settings, cores=layout.server, log_dir=raw_dir)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    if args.quick:
        args.subscribers, args.invoices, args.sse, args.multipart = 100, 10, 5, 5
        args.duration, args.fanout_duration = 5.0, 3.0
        args.fanout_rates = args.fanout_rates if "--fanout-rates" in argv else "10"
        args.sweep_rates = args.sweep_rates if "--sweep-rates" in argv else ""
    shape = Shape(args.subscribers, args.invoices, args.credentials, args.sse, args.multipart)
    fanout_rates = [float(rate) for rate in args.fanout_rates.split(",") if rate.strip()]
    sweep_rates = [float(rate) for rate in args.sweep_rates.split(",") if rate.strip()]
    layout = Layout.detect()
    raw_dir = RAW
    raw_dir.mkdir(parents=True, exist_ok=True)
    # Each subscriber is a socket at both ends; the gateway inherits this limit.
    file_limit = _raise_file_limit(4 * args.subscribers + 1024)
    try:
        code = gateway_code.from_option(args.code, raw_dir)
    except gateway_code.CodeError as error:
        print(f"bench/run-subscriptions: {error}", file=sys.stderr)
        return 2
    info = machine.describe(REPO, PROJECT_PYTHON)
    info.pop("wrk", None)
    info.pop("GATEWAY_* settings from the environment", None)
    info["gateway code"] = code.version()
    info["GATEWAY_* settings given"] = "GATEWAY_WEBHOOK_SECRET, GATEWAY_UPSTREAM_URL (sandbox)"
    info["load generator"] = (
        f"aiohttp {aiohttp.__version__} on uvloop {metadata.version('uvloop')}, one process, "
        "one loop"
    )
    info["cores"] = (
        f"gateway on core {layout.server}; load generator and sandbox upstream on core "
        f"{layout.load}"
        if layout.server is not None
        else "one core: nothing pinned"
    )
    info["open files limit"] = str(file_limit)
    if layout.load is not None:
        os.sched_setaffinity(0, {int(layout.load)})
    started = time.monotonic()
    output: dict[str, Any] = {
        "command": shlex.join(["bench/run-subscriptions", *argv]),
        "machine": info,
        "shape": {
            **shape.__dict__,
            "rate": args.rate,
            "duration_s": args.duration,
            "retry_every": args.retry_every,
            "sweep_rates": sweep_rates,
            "sweep_duration_s": args.sweep_duration,
            "fanout_rates": fanout_rates,
            "fanout_duration_s": args.fanout_duration,
        },
        "runs": {},
    }
    sandbox = hostile_gateway.start_sandbox(code, cores=layout.upstream, log_dir=raw_dir)
    try:
        invoice_ids = _create_invoices(sandbox, args.invoices)
        runs: list[tuple[str, bool, list[Phase], int]] = [
            ("filtered", True, [Phase(args.rate, args.duration)], args.retry_every)
        ]
        if sweep_rates:
            phases = [Phase(rate, args.sweep_duration) for rate in sweep_rates]
            runs.append(("sweep", True, phases, args.retry_every))
        if fanout_rates:
            phases = [Phase(rate, args.fanout_duration) for rate in fanout_rates]
            runs.append(("fanout", False, phases, 0))
        for name, filtered, phases, retry_every in runs:
            print(f"bench: {name} run", file=sys.stderr)
            gateway = _gateway(code, sandbox, layout, raw_dir, f"gateway-{name}")
            try:
                result = uvloop.run(
                    _run(
                        name,
                        gateway,
                        sandbox,
                        invoice_ids,
                        shape,
                        phases,
                        filtered=filtered,
                        retry_every=retry_every,
                    )
                )
                result["gateway_exit"] = gateway.process.poll()
            finally:
                findings = hostile_gateway.stop(gateway)
            result["gateway_log"] = findings.__dict__
            result["gateway_log"]["slow_consumer_lines"] = _count(
                gateway, "too slowly", "fell behind"
            )
            output["runs"][name] = result
    finally:
        sandbox.stop()
    output["elapsed_s"] = round(time.monotonic() - started, 1)
    info["load average at end"] = machine.load_average()
    markdown, raw = report.write(args.output, output)
    print(f"\nwrote {markdown} and {raw} in {output['elapsed_s']:.0f} s\n")
    for line in report.summary(output):
        print("  " + line)
    return 0


def _count(server: Server, *needles: str) -> int:
    text = server.log.read_text(encoding="utf-8", errors="replace")
    return sum(1 for line in text.splitlines() if any(needle in line for needle in needles))


if __name__ == "__main__":
    sys.exit(main())
