"""Measurement 2: the gateway's CPU to refuse one near-limit hostile document, per shape.

One fresh gateway at its default limits. For each shape (`hostile_docs.CPU_SHAPES`), N new
documents one after another on one keep-alive connection; the gateway's `utime + stime`
(from /proc, 10 ms ticks: N of a few hundred keeps the rounding to a few percent) across
them, divided by N. The gateway is let go quiet before and after each shape, so what was
still running is charged to the shape that caused it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bench import hostile_docs, hostile_gateway, hostile_load, procs
from bench.gateway_code import Code
from bench.hostile_gateway import LogFindings
from bench.hostile_load import Tally
from bench.measure import settle

# Past this, refusing a document over a limit costs more than issue 12 allows.
TARGET_MS = 5.0
WARMUP = 20  # requests of each shape first, so imports and first-call caches are not charged


@dataclass(frozen=True)
class CpuResult:
    shape: str
    what: str
    over_limit: bool
    requests: int
    cpu_ms_per_request: float
    tally: Tally

    @property
    def meets_target(self) -> bool | None:
        """Whether it is refused within the target; `None` for shapes the target is not for."""
        return self.cpu_ms_per_request <= TARGET_MS if self.over_limit else None


@dataclass(frozen=True)
class CpuResults:
    shapes: list[CpuResult]
    log: LogFindings
    code: str  # the gateway's commit (`gateway_code.Code.version`)


def _send(url: str, shape: hostile_docs.CpuShape, first: int, count: int) -> Tally:
    bodies = ((shape.name, hostile_load.encode(shape.make(n))) for n in range(first, first + count))
    tallies = asyncio.run(
        hostile_load.send_all(
            url,
            bodies,
            connections=1,
            authorization=hostile_load.hostile_authorization("cpu", 0),
        )
    )
    return tallies[shape.name]


def run(
    *, requests: int, cores: str | None, log_dir: Path, settings: dict[str, str], code: Code
) -> CpuResults:
    version = code.version()
    server = hostile_gateway.start("gateway-cpu", code, settings, cores=cores, log_dir=log_dir)
    results = []
    try:
        url = hostile_gateway.graphql_url(server)
        for index, shape in enumerate(hostile_docs.CPU_SHAPES):
            first = index * 1_000_000  # every document of the run is new
            _send(url, shape, first, WARMUP)
            pids = server.pids()
            settle(pids)
            before = procs.cpu_seconds(pids)
            tally = _send(url, shape, first + WARMUP, requests)
            settle(pids)
            cpu_s = procs.cpu_delta(before, procs.cpu_seconds(pids))
            results.append(
                CpuResult(
                    shape=shape.name,
                    what=shape.what,
                    over_limit=shape.over_limit,
                    requests=tally.requests,
                    cpu_ms_per_request=1000 * cpu_s / max(1, tally.requests),
                    tally=tally,
                )
            )
    finally:
        log = hostile_gateway.stop(server)
    return CpuResults(shapes=results, log=log, code=version)
