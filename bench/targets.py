"""Issue 8's targets, checked against one run's figures (ratios from the same run)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.measure import Measurement
from bench.scenarios import Results

MIB_LIMIT = 100.0


@dataclass(frozen=True)
class Check:
    name: str
    kind: str  # "required", "goal" or "validity"
    holds: bool | None  # None: could not be measured in this run
    detail: str

    @property
    def mark(self) -> str:
        return {True: "yes", False: "NO", None: "n/a"}[self.holds]


def _find(runs: list[Measurement], server: str, concurrency: int) -> Measurement | None:
    for m in runs:
        if m.server == server and m.concurrency == concurrency and m.items == 1:
            return m
    return None


def _pair(results: Results, concurrency: int) -> tuple[Measurement, Measurement] | None:
    yardstick = _find(results.main, "yardstick", concurrency)
    gateway = _find(results.main, "gateway", concurrency)
    return None if yardstick is None or gateway is None else (yardstick, gateway)


def _throughput(results: Results, concurrency: int, at_least: float, kind: str) -> Check:
    name = f"throughput at c{concurrency} >= {at_least}x the yardstick"
    if (pair := _pair(results, concurrency)) is None:
        return Check(name, kind, None, "not measured")
    yardstick, gateway = pair
    ratio = gateway.rps / yardstick.rps
    return Check(
        name,
        kind,
        ratio >= at_least,
        f"{ratio:.2f}x ({gateway.rps:.0f} vs {yardstick.rps:.0f} req/s)",
    )


def evaluate(results: Results) -> list[Check]:
    checks = [
        _throughput(results, 10, 0.9, "required"),
        _throughput(results, 50, 1.3, "required"),
    ]
    name = "server CPU per request at c10 <= 1.2x the yardstick's"
    if (pair := _pair(results, 10)) is None:
        checks.append(Check(name, "required", None, "not measured"))
    else:
        yardstick, gateway = pair
        ratio = gateway.cpu_ms_per_request / yardstick.cpu_ms_per_request
        checks.append(
            Check(
                name,
                "required",
                ratio <= 1.2,
                f"{ratio:.2f}x ({gateway.cpu_ms_per_request:.2f} vs "
                f"{yardstick.cpu_ms_per_request:.2f} ms)",
            )
        )
    name = "p50 at c1 <= the yardstick's + 1 ms"
    if (pair := _pair(results, 1)) is None:
        checks.append(Check(name, "required", None, "not measured"))
    else:
        yardstick, gateway = pair
        gap = gateway.load.p50_ms - yardstick.load.p50_ms
        checks.append(
            Check(
                name,
                "required",
                gap <= 1.0,
                f"+{gap:.2f} ms ({gateway.load.p50_ms:.2f} vs {yardstick.load.p50_ms:.2f} ms)",
            )
        )
    name = "no request over 100 ms at c10 (on an idle machine)"
    if (gateway_c10 := _find(results.main, "gateway", 10)) is None:
        checks.append(Check(name, "required", None, "not measured"))
    else:
        checks.append(
            Check(
                name,
                "required",
                gateway_c10.load.max_ms < 100,
                f"max {gateway_c10.load.max_ms:.1f} ms; other work on the machine "
                f"kept {gateway_c10.other_cores:.2f} cores busy meanwhile",
            )
        )
    gateway_runs = [m for m in results.main if m.server == "gateway"]
    name = f"resident memory after load < {MIB_LIMIT:.0f} MiB"
    if not gateway_runs:
        checks.append(Check(name, "required", None, "not measured"))
    else:
        last = gateway_runs[-1]
        checks.append(
            Check(
                name,
                "required",
                last.rss_mib < MIB_LIMIT,
                f"{last.rss_mib:.1f} MiB after the main runs (peak {last.hwm_mib:.1f} MiB)",
            )
        )
    checks.append(_soak(results))
    checks.append(_throughput(results, 10, 1.2, "goal"))
    checks.append(_workers(results))
    failures = [m for m in results.main + results.growth + results.workers if m.load.failures]
    valid = not failures and not results.problems
    detail = (
        "all answers as expected"
        if valid
        else (f"{len(failures)} runs with failures, {len(results.problems)} problems (see below)")
    )
    checks.append(Check("every answer as expected (status, no errors)", "validity", valid, detail))
    return checks


def _soak(results: Results) -> Check:
    name = "resident memory flat over 100,000 requests"
    if not results.soak:
        return Check(name, "required", None, "not run (bench/run --soak 100000)")
    first, last = results.soak[0], results.soak[-1]
    growth = last[1] - first[1]
    return Check(
        name,
        "required",
        last[0] >= 100_000 and growth < 5.0,
        f"{first[1]:.1f} MiB after {first[0]} requests, {last[1]:.1f} MiB after "
        f"{last[0]} (+{growth:.1f} MiB)",
    )


def _workers(results: Results) -> Check:
    """Judged at the highest concurrency measured, where one worker is saturated."""
    name = "2 workers >= 1.8x one worker (where the machine has the cores)"
    pairs = []
    for m in results.workers:
        if m.workers == 2 and (one := _find(results.workers, "gateway-1w", m.concurrency)):
            pairs.append((m.concurrency, m.rps / one.rps))
    if not pairs:
        return Check(name, "goal", None, "not measured")
    _, ratio = max(pairs)
    detail = ", ".join(f"{r:.2f}x at c{c}" for c, r in pairs)
    layout = results.layout
    if layout.scaling is not None and layout.load is not None and layout.load in layout.scaling:
        detail += "; the second core is shared with wrk and the upstream"
    return Check(name, "goal", ratio >= 1.8, detail)
