"""The cost of tracing (issue 16), normally through `bench/run-tracing`.

Three gateways serve the main benchmark's request (`createInvoice` with the seed invoice,
every field selected) to the bench's fast upstream stand-in, all up at once and measured in
the same run, in interleaved slices (A B C, C B A, ...) so that the machine's other work
hits each alike:

- `before`: a snapshot of the commit before tracing existed (the parent of the commit whose
  subject starts with "Observability core", or `--before REF`);
- `off`: the code under test (HEAD at the start, or `--code`) as shipped: no OTLP endpoint;
- `on`: the same code exporting every span over OTLP/HTTP to a local sink
  (`bench/tracing_sink.py`), `OTEL_TRACES_SAMPLER=always_on`, the batch processor's defaults.

The issue's budget is CPU per request: `off` at most 3% over `before`; `on` over `off` is
reported. The servers share the first core, wrk, the stand-in and the sink the second. The
sink counts what it received, which shows whether 100% sampling really exported every
request's spans. Writes bench/results/tracing/latest.md and latest.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import shlex
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from bench import gateway_code, machine, procs
from bench.gateway_code import Code
from bench.measure import Measurement, combine
from bench.measure import run as measure_run
from bench.procs import Server
from bench.scenarios import PROJECT_PYTHON, REPO, Bench, Options, Target

RESULTS = REPO / "bench" / "results" / "tracing"
RAW = REPO / "bench" / "results" / "raw" / "tracing"  # logs and code snapshots; not committed
TRACING_COMMIT = "Observability core"  # how the commit that brought tracing in begins
BUDGET_OFF = 1.03  # the issue: at most 3% CPU per request with tracing off
BEFORE, OFF, ON = "before", "off", "on"
SERVICE_NAME = "invoice-gateway-bench"
GRAPHQL_SERVER_SPAN = "POST /graphql"
BOOTSTRAP_SAMPLES = 2000


def tracing_commit() -> str:
    """The commit that brought tracing in, found by its subject."""
    log = subprocess.run(
        ["git", "log", "--format=%h %s", "HEAD"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=30,
        check=True,
    ).stdout
    for line in log.splitlines():
        commit, _, subject = line.partition(" ")
        if subject.startswith(TRACING_COMMIT):
            return commit
    raise gateway_code.CodeError(f"no commit's subject starts with {TRACING_COMMIT!r}")


def commits_between(before: str, after: str) -> list[str]:
    """The commits that changed the gateway's packages from `before` to `after`."""
    log = subprocess.run(
        ["git", "log", "--format=%h %s", f"{before}..{after}", "--", *gateway_code.PACKAGES],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=30,
        check=True,
    ).stdout
    return log.splitlines()


@dataclass(frozen=True)
class Ratio:
    """`numerator / denominator` in CPU per request: over the whole run, and slice by slice
    (each round's slices of the two ran close together), whose spread shows the noise."""

    numerator: str
    denominator: str
    concurrency: int
    overall: float
    per_round: list[float]
    interval: tuple[float, float]  # 95% bootstrap interval of `overall`, over the rounds

    @property
    def median(self) -> float:
        return statistics.median(self.per_round)

    @property
    def low(self) -> float:
        return min(self.per_round)

    @property
    def high(self) -> float:
        return max(self.per_round)

    def as_dict(self) -> dict[str, Any]:
        return {
            **dataclasses.asdict(self),
            "median": self.median,
            "low": self.low,
            "high": self.high,
        }


@dataclass
class Results:
    concurrencies: tuple[int, ...]
    rounds: int
    duration_s: float
    code: str = ""
    before_code: str = ""
    tracing_commit: str = ""
    changes_since_before: list[str] = field(default_factory=list)
    slices: dict[str, dict[int, list[Measurement]]] = field(default_factory=dict)
    sink: dict[str, Any] = field(default_factory=dict)
    sink_cpu_s: float = 0.0
    graphql_requests_on: int = 0  # the `on` gateway's access lines for /graphql, from its log
    problems: list[str] = field(default_factory=list)
    layout: str = ""
    elapsed_s: float = 0.0

    def combined(self, label: str, concurrency: int) -> Measurement:
        return combine(self.slices[label][concurrency])

    def ratio(self, numerator: str, denominator: str, concurrency: int) -> Ratio:
        tops, bottoms = self.slices[numerator][concurrency], self.slices[denominator][concurrency]
        pairs = list(zip(tops, bottoms, strict=True))
        return Ratio(
            numerator=numerator,
            denominator=denominator,
            concurrency=concurrency,
            overall=_ratio_of_sums(pairs),
            per_round=[top.cpu_ms_per_request / bottom.cpu_ms_per_request for top, bottom in pairs],
            interval=_bootstrap(pairs),
        )


def _ratio_of_sums(pairs: list[tuple[Measurement, Measurement]]) -> float:
    top = sum(t.server_cpu_s for t, _ in pairs) / max(1, sum(t.served for t, _ in pairs))
    bottom = sum(b.server_cpu_s for _, b in pairs) / max(1, sum(b.served for _, b in pairs))
    return top / bottom


def _bootstrap(pairs: list[tuple[Measurement, Measurement]]) -> tuple[float, float]:
    """How far the whole run's ratio could be from the truth given how rounds differ: the
    ratio over rounds drawn with replacement (each round's two slices kept together, as they
    saw the same machine), 2.5th and 97.5th percentiles. Seeded, so a report reproduces."""
    draw = random.Random(16)
    samples = sorted(
        _ratio_of_sums([draw.choice(pairs) for _ in pairs]) for _ in range(BOOTSTRAP_SAMPLES)
    )
    return samples[int(0.025 * len(samples))], samples[int(0.975 * len(samples)) - 1]


def _without_otel(env: Mapping[str, str]) -> dict[str, str]:
    """Only the bench says whether a gateway traces, whatever the caller's shell exports."""
    return {name: value for name, value in env.items() if not name.startswith("OTEL_")}


class TracingBench(Bench):
    """The main benchmark's servers, pinning, snapshots and checks, with three gateways."""

    def __init__(self, options: Options, log: Callable[[str], None]) -> None:
        super().__init__(options, log)
        self.sink_server: Server | None = None

    def _gateway_env(self, code: Code) -> dict[str, str]:
        # No drain before stopping: it waits for a load balancer that is not there, 5 s a
        # gateway at the end of the run.
        env = _without_otel(super()._gateway_env(code))
        return {**env, "GATEWAY_SHUTDOWN_DELAY_SECONDS": "0"}

    def traced_gateway(self, code: Code, sink: Server) -> AbstractContextManager[Server]:
        env = {
            **self._gateway_env(code),
            "OTEL_EXPORTER_OTLP_ENDPOINT": sink.url,
            "OTEL_TRACES_SAMPLER": "always_on",
            "OTEL_SERVICE_NAME": SERVICE_NAME,
        }
        python = str(PROJECT_PYTHON)
        return self._server(
            f"gateway-{ON}",
            lambda port: [python, "-m", "gateway", "--port", str(port)],
            ready="/healthz",
            cores=self.layout.server,
            env=env,
            cwd=code.root,
        )

    def sink(self) -> AbstractContextManager[Server]:
        python = str(PROJECT_PYTHON)
        return self._server(
            "otlp-sink",
            lambda port: [python, "-m", "bench.tracing_sink", "--port", str(port)],
            ready="/healthz",
            cores=self.layout.load,
            env=_without_otel(gateway_code.working_tree().environment(os.environ)),
        )

    def measure(self, results: Results) -> None:
        python = str(PROJECT_PYTHON)
        assert self.before is not None
        with ExitStack() as stack:
            self._upstream = stack.enter_context(
                self._server(
                    "upstream",
                    lambda port: [python, "-m", "bench.upstream", "--port", str(port)],
                    ready="/api/v1/health_check",
                    cores=self.layout.upstream,
                    env=_without_otel(gateway_code.working_tree().environment(os.environ)),
                )
            )
            sink = stack.enter_context(self.sink())
            sink_pids = sink.pids()
            sink_cpu_before = procs.cpu_seconds(sink_pids)
            with (
                self.gateway(f"gateway-{BEFORE}", self.before) as before,
                self.gateway(f"gateway-{OFF}", self.code) as off,
                self.traced_gateway(self.code, sink) as on,
            ):
                targets = [
                    Target(BEFORE, before, graphql=True),
                    Target(OFF, off, graphql=True),
                    Target(ON, on, graphql=True),
                ]
                for concurrency in results.concurrencies:
                    self._interleaved(results, targets, concurrency)
            # Stopped: the traced gateway flushed its last batch on the way out.
            results.sink = json.loads(_get(sink.url + "/stats"))
            results.sink_cpu_s = procs.cpu_delta(sink_cpu_before, procs.cpu_seconds(sink_pids))
            results.graphql_requests_on = _graphql_requests(self.raw / f"gateway-{ON}.log")

    def _interleaved(self, results: Results, targets: list[Target], concurrency: int) -> None:
        self.log(f"c={concurrency}: {results.rounds} rounds of {len(targets)} slices")
        targets = [target for target in targets if self._verified(target, 1)]
        if len(targets) < 3:
            return
        for round_ in range(results.rounds):
            for target in targets if round_ % 2 == 0 else targets[::-1]:
                m = measure_run(
                    label=target.label,
                    server=target.server,
                    upstream=self.upstream,
                    url=target.url(1),
                    script=self._script(target, 1),
                    concurrency=concurrency,
                    items=1,
                    workers=1,
                    duration_s=results.duration_s / results.rounds,
                    warmup_s=self.options.warmup_s if round_ == 0 else 0.0,
                    load_cores=self.layout.load,
                )
                results.slices.setdefault(target.label, {}).setdefault(concurrency, []).append(m)
                if m.load.failures:
                    results.problems.append(
                        f"{m.server} c={concurrency} round {round_}: {m.load.failures} failed "
                        f"answers of {m.load.requests}"
                    )
        for target in targets:
            self._note(results.combined(target.label, concurrency))


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        body: bytes = response.read()
        return body


def _graphql_requests(log: Path) -> int:
    """The gateway's access lines for /graphql: every request it answered there."""
    count = 0
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if '"gateway.access"' in line and '"path":"/graphql"' in line:
            count += 1
    return count


# -- the report ------------------------------------------------------------------------------


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    return [_row(list(header)), _row(["---"] * len(header)), *(_row(row) for row in rows), ""]


def _percent(ratio: float) -> str:
    return f"{(ratio - 1) * 100:+.1f}%"


def _ratio_cells(r: Ratio) -> list[object]:
    return [
        f"**{r.overall:.3f}x** ({_percent(r.overall)})",
        f"{r.interval[0]:.3f}-{r.interval[1]:.3f}x",
        f"{r.median:.3f}x",
        f"{r.low:.3f}-{r.high:.3f}x",
    ]


def _budget(r: Ratio) -> str:
    """The budget's verdict, only as firm as the run's noise allows."""
    low, high = r.interval
    if high <= BUDGET_OFF:
        return "holds"
    if low > BUDGET_OFF:
        return "does not hold"
    side = "within" if r.overall <= BUDGET_OFF else "over"
    return f"{side} it, but this run's noise cannot tell"


def spans_check(results: Results) -> tuple[bool, str]:
    """Whether the sink got one server span per /graphql request the `on` gateway answered."""
    by_name: dict[str, int] = results.sink.get("by_name", {})
    server_spans = by_name.get(GRAPHQL_SERVER_SPAN, 0)
    requests = results.graphql_requests_on
    complete = requests > 0 and server_spans == requests
    return complete, (
        f"{server_spans} `{GRAPHQL_SERVER_SPAN}` spans for {requests} /graphql requests "
        f"answered by `on` ({'none lost' if complete else 'spans were lost or extra'})"
    )


def verdicts(results: Results) -> list[str]:
    lines = []
    for c in results.concurrencies:
        if OFF not in results.slices or c not in results.slices[OFF]:
            continue
        off = results.ratio(OFF, BEFORE, c)
        low, high = off.interval
        lines.append(
            f"c{c}: tracing off costs {_percent(off.overall)} CPU per request over the commit "
            f"before tracing (95% interval {_percent(low)} to {_percent(high)}; budget +3%: "
            f"{_budget(off)})"
        )
        on = results.ratio(ON, OFF, c)
        on_ms = results.combined(ON, c).cpu_ms_per_request
        off_ms = results.combined(OFF, c).cpu_ms_per_request
        low, high = on.interval
        lines.append(
            f"c{c}: tracing on at 100% sampling costs {_percent(on.overall)} CPU per request "
            f"over off ({on_ms:.3f} vs {off_ms:.3f} ms, {1000 * (on_ms - off_ms):.0f} µs more "
            f"a request; 95% interval {_percent(low)} to {_percent(high)})"
        )
    lines.append(spans_check(results)[1])
    return lines


def render(results: Results, info: dict[str, str], command: str) -> str:
    lines = [
        "# The cost of tracing (issue 16)",
        "",
        f"`{command}`, {results.elapsed_s:.0f} s in all. How to read it: bench/README.md, "
        "*Tracing cost*. Raw figures, slice by slice: latest.json.",
        "",
        f"- `{BEFORE}`: {results.before_code}, the parent of {results.tracing_commit} (the "
        f"commit that brought tracing in); `{OFF}` and `{ON}`: {results.code}.",
        f"- `{ON}` exports over OTLP/HTTP (protobuf) to a local sink, "
        "`OTEL_TRACES_SAMPLER=always_on`, the batch span processor's defaults.",
        f"- {results.rounds} rounds per concurrency, each one slice of "
        f"{results.duration_s / results.rounds:.0f} s per gateway, the order alternating "
        f"({BEFORE} {OFF} {ON}, {ON} {OFF} {BEFORE}); {results.layout}.",
        "",
        "Summary:",
        "",
        *(f"    {line}" for line in verdicts(results)),
        "",
        "## CPU per request",
        "",
    ]
    rows: list[list[object]] = []
    for c in results.concurrencies:
        for label in (BEFORE, OFF, ON):
            if label not in results.slices or c not in results.slices[label]:
                continue
            m = results.combined(label, c)
            rows.append(
                [
                    c,
                    label,
                    f"{m.cpu_ms_per_request:.3f}",
                    f"{m.rps:.0f}",
                    f"{m.load.p50_ms:.2f}",
                    f"{m.load.p99_ms:.2f}",
                    f"{m.server_cores:.2f}",
                    f"{m.rss_mib:.1f}",
                    f"{m.other_cores:.2f}",
                    m.served,
                ]
            )
    lines += _table(
        [
            "c",
            "gateway",
            "CPU ms/req",
            "req/s",
            "p50 ms",
            "p99 ms",
            "cores busy",
            "RSS after MiB",
            "others' load (cores)",
            "requests",
        ],
        rows,
    )
    ratio_rows: list[list[object]] = []
    for c in results.concurrencies:
        if OFF not in results.slices or c not in results.slices[OFF]:
            continue
        for top, bottom in ((OFF, BEFORE), (ON, OFF), (ON, BEFORE)):
            ratio_rows.append(
                [c, f"{top} / {bottom}", *_ratio_cells(results.ratio(top, bottom, c))]
            )
    lines += [
        "## Ratios, same run",
        "",
        "CPU per request of one over the other: over the whole run (all slices); its 95% "
        "bootstrap interval over the rounds (how far the machine's noise could have moved "
        "it); and the median and range of the round-by-round ratios (each round's slices ran "
        "next to each other).",
        "",
        *_table(
            ["c", "ratio", "whole run", "95% interval", "median by round", "range by round"],
            ratio_rows,
        ),
    ]
    by_name: dict[str, int] = results.sink.get("by_name", {})
    requests = max(1, results.graphql_requests_on)
    lines += [
        "## What `on` exported",
        "",
        f"{spans_check(results)[1]}; {results.sink.get('exports', 0)} exports, "
        f"{results.sink.get('bytes', 0) / 1e6:.1f} MB of protobuf; the sink used "
        f"{results.sink_cpu_s:.1f} s of CPU on the load generator's core.",
        "",
        *_table(
            ["span", "spans", "per /graphql request"],
            [
                [f"`{name}`", count, f"{count / requests:.3f}"]
                for name, count in sorted(by_name.items(), key=lambda item: -item[1])
            ],
        ),
    ]
    if results.changes_since_before:
        lines += [
            f"Commits that changed gateway/ or upstream_sandbox/ from {results.before_code} to "
            f"{results.code} (all in `{OFF}`, none in `{BEFORE}`):",
            "",
            *(f"- {line}" for line in results.changes_since_before),
            "",
        ]
    if results.problems:
        lines += ["## Problems", "", *(f"- {problem}" for problem in results.problems), ""]
    lines += ["## Machine", "", *(f"- {key}: {value}" for key, value in info.items()), ""]
    return "\n".join(lines)


def as_json(results: Results, info: dict[str, str], command: str) -> dict[str, Any]:
    def measurement(m: Measurement) -> dict[str, Any]:
        return {
            **dataclasses.asdict(m),
            "rps": m.rps,
            "cpu_ms_per_request": m.cpu_ms_per_request,
            "other_cores": m.other_cores,
        }

    available = [
        c for c in results.concurrencies if all(c in results.slices.get(x, {}) for x in (OFF, ON))
    ]
    return {
        "command": command,
        "machine": info,
        "code": {
            "before": results.before_code,
            "tracing_commit": results.tracing_commit,
            "off_and_on": results.code,
            "changes_since_before": results.changes_since_before,
        },
        "rounds": results.rounds,
        "duration_s": results.duration_s,
        "elapsed_s": results.elapsed_s,
        "combined": {
            label: {str(c): measurement(combine(ms)) for c, ms in by_c.items()}
            for label, by_c in results.slices.items()
        },
        "slices": {
            label: {str(c): [measurement(m) for m in ms] for c, ms in by_c.items()}
            for label, by_c in results.slices.items()
        },
        "ratios": [
            results.ratio(top, bottom, c).as_dict()
            for c in available
            for top, bottom in ((OFF, BEFORE), (ON, OFF), (ON, BEFORE))
        ],
        "budget_off": BUDGET_OFF,
        "sink": results.sink,
        "sink_cpu_s": results.sink_cpu_s,
        "graphql_requests_on": results.graphql_requests_on,
        "spans_complete": spans_check(results)[0],
        "verdicts": verdicts(results),
        "problems": results.problems,
    }


# -- the command -----------------------------------------------------------------------------


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench/run-tracing", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=float, default=36.0, help="measured seconds per gateway and concurrency"
    )
    parser.add_argument(
        "--rounds", type=int, default=12, help="slices each gateway's time is cut into"
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up each")
    parser.add_argument("--concurrency", type=_ints, default=(10,), metavar="LIST")
    parser.add_argument(
        "--code",
        default="HEAD",
        metavar="REVISION",
        help=f"the code of `{OFF}` and `{ON}` (default HEAD at the start; "
        f"`{gateway_code.WORKTREE}`: the working tree)",
    )
    parser.add_argument(
        "--before",
        metavar="REF",
        help=f"the code of `{BEFORE}` (default: the parent of the commit whose subject starts "
        f"with {TRACING_COMMIT!r})",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 9 s, 3 rounds")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where latest.* go")
    return parser


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds, so every server started is stopped


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    started = time.monotonic()
    try:
        introduced = tracing_commit()
        before = args.before or f"{introduced}^"
        options = Options(
            warmup_s=1.0 if args.quick else args.warmup,
            raw_dir=RAW,
            code=args.code,
            compare=before,
        )
        bench = TracingBench(options, lambda message: print(message, file=sys.stderr, flush=True))
    except gateway_code.CodeError as error:
        print(f"bench/run-tracing: {error}", file=sys.stderr)
        return 2
    assert bench.before is not None
    assert bench.before.commit is not None
    results = Results(
        concurrencies=args.concurrency,
        rounds=3 if args.quick else args.rounds,
        duration_s=9.0 if args.quick else args.duration,
        code=bench.code.version(),
        before_code=bench.before.commit,
        tracing_commit=introduced,
        layout=bench.layout.describe().split("; 1-vs-2")[0],
    )
    head = bench.code.commit or "HEAD"
    results.changes_since_before = commits_between(bench.before.commit, head)
    info = machine.describe(REPO, PROJECT_PYTHON)
    info["opentelemetry"] = _otel_versions()
    bench.measure(results)
    results.elapsed_s = time.monotonic() - started
    info["load average at end"] = machine.load_average()
    info["gateway code"] = results.code
    command = shlex.join(["bench/run-tracing", *argv])
    args.output.mkdir(parents=True, exist_ok=True)
    markdown, data = args.output / "latest.md", args.output / "latest.json"
    markdown.write_text(render(results, info, command), encoding="utf-8")
    data.write_text(json.dumps(as_json(results, info, command), indent=1) + "\n")
    print(f"\nwrote {markdown} and {data} in {results.elapsed_s:.0f} s\n")
    for line in verdicts(results):
        print(f"  {line}")
    for problem in results.problems:
        print(f"  problem: {problem}")
    return 0


def _otel_versions() -> str:
    script = (
        "from importlib import metadata\n"
        "for name in ('opentelemetry-sdk', 'opentelemetry-exporter-otlp-proto-http'):\n"
        "    print(name, metadata.version(name))\n"
    )
    completed = subprocess.run(
        [str(PROJECT_PYTHON), "-c", script], capture_output=True, text=True, timeout=30
    )
    return ", ".join(completed.stdout.splitlines()) or "unknown"


if __name__ == "__main__":
    sys.exit(main())
