"""One measured run: wrk against one server while /proc watches every process involved."""

from __future__ import annotations

import json
import resource
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench import load, procs
from bench.load import LoadResult
from bench.procs import Server


@dataclass(frozen=True)
class Measurement:
    server: str
    concurrency: int
    items: int
    workers: int
    load: LoadResult
    served: int  # invoices the upstream created for this run: the requests really passed on
    window_s: float  # wall time over which CPU was counted: the load, then the settling
    server_cpu_s: float
    upstream_cpu_s: float
    wrk_cpu_s: float
    machine_busy_s: float
    rss_mib: float
    hwm_mib: float

    @property
    def rps(self) -> float:
        return self.load.rps

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.server_cpu_s / max(1, self.served)

    @property
    def server_cores(self) -> float:
        """Cores the server kept busy on average."""
        return self.server_cpu_s / self.window_s

    @property
    def upstream_us_per_request(self) -> float:
        return 1e6 * self.upstream_cpu_s / max(1, self.served)

    @property
    def wrk_us_per_request(self) -> float:
        return 1e6 * self.wrk_cpu_s / max(1, self.load.requests)

    @property
    def other_cores(self) -> float:
        """Cores kept busy by everything else on the machine (other people's work)."""
        ours = self.server_cpu_s + self.upstream_cpu_s + self.wrk_cpu_s
        return max(0.0, self.machine_busy_s - ours) / self.window_s


def invoices_created(upstream: Server) -> int:
    with urllib.request.urlopen(upstream.url + "/bench/stats", timeout=10) as response:
        return int(json.loads(response.read())["invoices"])


def settle(pids: list[int], *, quiet_s: float = 0.3, timeout_s: float = 120.0) -> None:
    """Waits until the processes stop using CPU: requests still in flight when wrk stopped
    are finished (and so counted, CPU and all) before the next run starts."""
    deadline = time.monotonic() + timeout_s
    previous = sum(procs.cpu_seconds(pids).values())
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        current = sum(procs.cpu_seconds(pids).values())
        if current - previous <= 1.5 / procs.CLOCK_TICKS:
            return
        previous = current


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(
    *,
    label: str,
    server: Server,
    upstream: Server,
    url: str,
    script: Path,
    concurrency: int,
    items: int,
    workers: int,
    duration_s: float,
    warmup_s: float,
    load_cores: str | None,
) -> Measurement:
    if warmup_s > 0:
        load.run(url, script, connections=concurrency, duration_s=warmup_s, cores=load_cores)
    pids, upstream_pids = server.pids(), upstream.pids()
    settle(pids)
    created_before = invoices_created(upstream)
    server_before, upstream_before = procs.cpu_seconds(pids), procs.cpu_seconds(upstream_pids)
    busy_before, wrk_before = procs.machine_busy_seconds(), _children_cpu_s()
    started = time.monotonic()
    result = load.run(url, script, connections=concurrency, duration_s=duration_s, cores=load_cores)
    wrk_after = _children_cpu_s()
    settle(pids)
    busy_after, window_s = procs.machine_busy_seconds(), time.monotonic() - started
    server_after = procs.cpu_seconds(server.pids())
    upstream_after = procs.cpu_seconds(upstream_pids)
    rss, hwm = procs.memory_mib(list(server_after))
    return Measurement(
        server=label,
        concurrency=concurrency,
        items=items,
        workers=workers,
        load=result,
        served=invoices_created(upstream) - created_before,
        window_s=window_s,
        server_cpu_s=procs.cpu_delta(server_before, server_after),
        upstream_cpu_s=procs.cpu_delta(upstream_before, upstream_after),
        wrk_cpu_s=wrk_after - wrk_before,
        machine_busy_s=busy_after - busy_before,
        rss_mib=rss,
        hwm_mib=hwm,
    )


def combine(slices: list[Measurement]) -> Measurement:
    """One measurement from several slices of the same run (interleaved with another server's).

    Counts and CPU times add up; latency percentiles are the request-weighted mean of the
    slices' (an approximation), the maximum the maximum; memory is the last slice's.
    """
    if len(slices) == 1:
        return slices[0]
    requests = sum(m.load.requests for m in slices)

    def weighted(name: str) -> float:
        total = sum(float(getattr(m.load, name)) * m.load.requests for m in slices)
        return total / max(1, requests)

    last = slices[-1]
    result = LoadResult(
        requests=requests,
        duration_s=sum(m.load.duration_s for m in slices),
        p50_ms=weighted("p50_ms"),
        p90_ms=weighted("p90_ms"),
        p99_ms=weighted("p99_ms"),
        max_ms=max(m.load.max_ms for m in slices),
        mean_ms=weighted("mean_ms"),
        bad_status=sum(m.load.bad_status for m in slices),
        with_errors=sum(m.load.with_errors for m in slices),
        socket_errors=sum(m.load.socket_errors for m in slices),
        timeouts=sum(m.load.timeouts for m in slices),
    )
    return Measurement(
        server=last.server,
        concurrency=last.concurrency,
        items=last.items,
        workers=last.workers,
        load=result,
        served=sum(m.served for m in slices),
        window_s=sum(m.window_s for m in slices),
        server_cpu_s=sum(m.server_cpu_s for m in slices),
        upstream_cpu_s=sum(m.upstream_cpu_s for m in slices),
        wrk_cpu_s=sum(m.wrk_cpu_s for m in slices),
        machine_busy_s=sum(m.machine_busy_s for m in slices),
        rss_mib=last.rss_mib,
        hwm_mib=max(m.hwm_mib for m in slices),
    )
