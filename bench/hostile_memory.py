"""Measurement 1: the gateway's memory under 10,000 distinct hostile documents.

One fresh gateway: its RSS after start-up, after a normal workload (reads and creates of
invoices, the reference), then while and after the hostile documents go in, the shapes in
turn (`hostile_docs.MEMORY_SHAPES`), several connections at once. RSS is sampled every
`SAMPLE_S` from /proc during the run; VmHWM is the kernel's own peak over the process's life.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import hostile_docs, hostile_gateway, hostile_load, procs
from bench.gateway_code import Code
from bench.hostile_gateway import LogFindings
from bench.hostile_load import Tally

SAMPLE_S = 0.02


@dataclass(frozen=True)
class MemoryResult:
    documents: int
    connections: int
    startup_mib: float
    after_normal_mib: float
    after_hostile_mib: float
    peak_sampled_mib: float
    hwm_mib: float  # VmHWM at the end: the peak over the whole life of the process
    samples: int
    normal: dict[str, Tally]
    hostile: dict[str, Tally]
    hostile_s: float
    log: LogFindings
    code: str  # the gateway's commit (`gateway_code.Code.version`)


def _normal_bodies(count: int) -> Iterator[tuple[str, bytes]]:
    read = hostile_load.encode({"query": hostile_docs.NORMAL_QUERY})
    create = hostile_load.encode(hostile_docs.CREATE_INVOICE)
    for index in range(count):
        # Two reads to one create: what a front end's day looks like, roughly.
        yield ("createInvoice", create) if index % 3 == 2 else ("invoice read", read)


def _hostile_bodies(count: int) -> Iterator[tuple[str, bytes]]:
    shapes = list(hostile_docs.MEMORY_SHAPES.items())
    for n in itertools.islice(itertools.count(), count):
        name, make = shapes[n % len(shapes)]
        yield name, hostile_load.encode(make(n))


async def _sampled(
    pid: int, url: str, documents: int, connections: int
) -> tuple[dict[str, Tally], float, int]:
    """Sends the documents while sampling RSS: (tallies, highest RSS seen, samples)."""
    peak, samples = 0.0, 0
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak, samples
        while not done.is_set():
            peak = max(peak, procs.memory_mib([pid])[0])
            samples += 1
            await asyncio.sleep(SAMPLE_S)

    sampler = asyncio.create_task(sample())
    try:
        tallies = await hostile_load.send_all(
            url,
            _hostile_bodies(documents),
            connections=connections,
            authorization=hostile_load.hostile_authorization("memory", 0),
        )
    finally:
        done.set()
        await sampler
    return tallies, peak, samples


def run(
    *,
    documents: int,
    connections: int,
    normal_requests: int,
    cores: str | None,
    log_dir: Path,
    settings: dict[str, str],
    code: Code,
) -> MemoryResult:
    version = code.version()
    server = hostile_gateway.start("gateway-memory", code, settings, cores=cores, log_dir=log_dir)
    try:
        url = hostile_gateway.graphql_url(server)
        hostile_gateway.create_invoice(server, hostile_load.NORMAL_AUTHORIZATION)
        startup = procs.memory_mib([server.pid])[0]
        normal = asyncio.run(
            hostile_load.send_all(
                url,
                _normal_bodies(normal_requests),
                connections=connections,
                authorization=hostile_load.NORMAL_AUTHORIZATION,
            )
        )
        after_normal = procs.memory_mib([server.pid])[0]
        hostile, peak, samples = asyncio.run(_sampled(server.pid, url, documents, connections))
        after_hostile, hwm = procs.memory_mib([server.pid])
        elapsed = max(tally.elapsed_s for tally in hostile.values())
    finally:
        log = hostile_gateway.stop(server)
    return MemoryResult(
        documents=documents,
        connections=connections,
        startup_mib=startup,
        after_normal_mib=after_normal,
        after_hostile_mib=after_hostile,
        peak_sampled_mib=max(peak, after_hostile),
        hwm_mib=hwm,
        samples=samples,
        normal=normal,
        hostile=hostile,
        hostile_s=elapsed,
        log=log,
        code=version,
    )
