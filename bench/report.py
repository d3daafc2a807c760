"""The results as markdown (bench/results/latest.md) and JSON (latest.json)."""

from __future__ import annotations

import dataclasses
import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import gateway_code, payloads
from bench.measure import Measurement
from bench.scenarios import BEFORE, Results
from bench.targets import Check


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    return [_row(list(header)), _row(["---"] * len(header)), *(_row(row) for row in rows), ""]


def _find(runs: list[Measurement], server: str, concurrency: int, items: int) -> Measurement | None:
    return next(
        (m for m in runs if (m.server, m.concurrency, m.items) == (server, concurrency, items)),
        None,
    )


def _main_table(results: Results) -> list[str]:
    rows: list[list[object]] = []
    for m in results.main:
        rows.append(
            [
                m.concurrency,
                m.server,
                f"{m.rps:.0f}",
                f"{m.load.p50_ms:.2f}",
                f"{m.load.p99_ms:.2f}",
                f"{m.load.max_ms:.1f}",
                f"{m.cpu_ms_per_request:.2f}",
                f"{m.server_cores:.2f}",
                f"{m.rss_mib:.1f}",
                f"{m.hwm_mib:.1f}",
                f"{m.other_cores:.2f}",
                m.load.requests,
            ]
        )
    return _table(
        [
            "c",
            "server",
            "req/s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "CPU ms/req",
            "cores busy",
            "RSS after MiB",
            "peak RSS MiB",
            "others' load (cores)",
            "requests",
        ],
        rows,
    )


def _ratio_table(results: Results) -> list[str]:
    rows: list[list[object]] = []
    for concurrency in results.options.concurrencies:
        yardstick = _find(results.main, "yardstick", concurrency, 1)
        gateway = _find(results.main, "gateway", concurrency, 1)
        if yardstick is None or gateway is None:
            continue
        rows.append(
            [
                concurrency,
                f"**{gateway.rps / yardstick.rps:.2f}x**",
                f"{gateway.cpu_ms_per_request / yardstick.cpu_ms_per_request:.2f}x",
                f"{gateway.load.p50_ms - yardstick.load.p50_ms:+.2f}",
                f"{gateway.load.p99_ms / yardstick.load.p99_ms:.2f}x",
                f"{gateway.rss_mib / yardstick.rss_mib:.2f}x",
            ]
        )
    return _table(
        ["c", "throughput", "CPU per request", "p50 gap ms", "p99", "RSS after load"], rows
    )


@dataclass(frozen=True)
class _Versus:
    """One run's gateways, before and after, each against the yardstick of the same run."""

    heading: str
    yardstick: Measurement
    before: Measurement
    after: Measurement

    def as_dict(self) -> dict[str, Any]:
        y, b, a = self.yardstick, self.before, self.after
        return {
            "concurrency": a.concurrency,
            "items": a.items,
            "before_throughput_vs_yardstick": b.rps / y.rps,
            "after_throughput_vs_yardstick": a.rps / y.rps,
            "throughput_after_over_before": a.rps / b.rps,
            "before_cpu_ms_per_request": b.cpu_ms_per_request,
            "after_cpu_ms_per_request": a.cpu_ms_per_request,
            "yardstick_cpu_ms_per_request": y.cpu_ms_per_request,
            "cpu_after_over_before": a.cpu_ms_per_request / b.cpu_ms_per_request,
        }


def _versus(runs: list[Measurement], keys: list[tuple[str, int, int]]) -> list[_Versus]:
    """`keys`: (column heading, concurrency, items); those with every server measured."""
    found = []
    for heading, concurrency, items in keys:
        y, b, a = (_find(runs, s, concurrency, items) for s in ("yardstick", BEFORE, "gateway"))
        if y is not None and b is not None and a is not None:
            found.append(_Versus(heading, y, b, a))
    return found


def _main_versus(results: Results) -> list[_Versus]:
    keys = [(f"c{c}", c, 1) for c in results.options.concurrencies]
    return _versus(results.main, keys)


def _growth_versus(results: Results) -> list[_Versus]:
    c = results.options.growth_concurrency
    sizes = sorted({m.items for m in results.growth})
    keys = [(f"{items} item{'' if items == 1 else 's'}", c, items) for items in sizes]
    return _versus(results.growth, keys)


def _labels(results: Results) -> tuple[str, str]:
    """The before's and the after's code, as asked and as resolved."""
    o = results.options

    def label(asked: str | None, version: str | None) -> str:
        return f"{version}" if asked in (None, version) else f"{asked} = {version}"

    after = results.code if o.code == gateway_code.WORKTREE else label(o.code, results.code)
    return label(o.compare, results.before_code), after


def _versus_table(results: Results, versus: list[_Versus]) -> list[str]:
    if not versus:
        return []
    before, after = _labels(results)
    throughput = [f"throughput vs yardstick, {v.heading}" for v in versus]
    cpu = [f"CPU ms/req (vs yardstick), {v.heading}" for v in versus]

    def row(label: str, gateways: list[Measurement]) -> list[object]:
        """`gateways`: one per column of `versus`, each against that column's yardstick."""
        pairs = list(zip(gateways, (v.yardstick for v in versus), strict=True))
        return [
            label,
            *(f"{m.rps / y.rps:.2f}x" for m, y in pairs),
            *(
                f"{m.cpu_ms_per_request:.2f} ({m.cpu_ms_per_request / y.cpu_ms_per_request:.2f}x)"
                for m, y in pairs
            ),
        ]

    rows: list[list[object]] = [
        row(f"before ({before})", [v.before for v in versus]),
        row(f"after ({after})", [v.after for v in versus]),
        [
            "**after / before**",
            *(f"**{v.after.rps / v.before.rps:.2f}x**" for v in versus),
            *(
                f"**{v.after.cpu_ms_per_request / v.before.cpu_ms_per_request:.2f}x**"
                for v in versus
            ),
        ],
    ]
    return _table(["code", *throughput, *cpu], rows)


def compare_table(results: Results) -> list[str]:
    """Before / after on the main runs (`bench/run --compare`), as markdown lines."""
    return _versus_table(results, _main_versus(results))


def _compare_section(results: Results) -> list[str]:
    if results.before_code is None:
        return []
    before, after = _labels(results)
    lines = [
        f"## Before ({before}) / after ({after})",
        "",
        f"`{BEFORE}` runs a snapshot of {before} beside the gateway at {after}, both on the "
        "servers' core, as a third server in every main and growth run's interleaved slices "
        "(A B C, C B A). Throughput is each one's req/s over the yardstick's in the same run; "
        "after / before is the after's req/s (and CPU per request) over the before's.",
        "",
        *compare_table(results),
    ]
    if growth := _growth_versus(results):
        lines += [
            f"By invoice size (c{results.options.growth_concurrency}):",
            "",
            *_versus_table(results, growth),
        ]
    return lines


def _per_extra_item_us(m: Measurement | None, first: Measurement | None) -> str:
    """CPU per receivable or service beyond the seed's one of each, in microseconds."""
    if m is None or first is None or m.items == 1:
        return ""
    extra = m.cpu_ms_per_request - first.cpu_ms_per_request
    return f"{1000 * extra / (2 * (m.items - 1)):.1f}"


def _growth_table(results: Results) -> list[str]:
    concurrency = results.options.growth_concurrency
    first = {
        server: _find(results.growth, server, concurrency, 1) for server in ("yardstick", "gateway")
    }
    rows: list[list[object]] = []
    for items in sorted({m.items for m in results.growth}):
        yardstick = _find(results.growth, "yardstick", concurrency, items)
        gateway = _find(results.growth, "gateway", concurrency, items)
        sizes = (
            f"{len(payloads.graphql_body(items)) / 1024:.1f} / "
            f"{len(payloads.invoice_response(items)) / 1024:.1f}"
        )
        ratio = f"**{gateway.rps / yardstick.rps:.2f}x**" if gateway and yardstick else ""
        rows.append(
            [
                items,
                sizes,
                f"{yardstick.rps:.1f}" if yardstick else "skipped",
                f"{gateway.rps:.1f}" if gateway else "skipped",
                ratio,
                f"{yardstick.cpu_ms_per_request:.2f}" if yardstick else "",
                f"{gateway.cpu_ms_per_request:.2f}" if gateway else "",
                _per_extra_item_us(yardstick, first["yardstick"]),
                _per_extra_item_us(gateway, first["gateway"]),
                f"{gateway.load.p50_ms:.1f}" if gateway else "",
                f"{gateway.hwm_mib:.0f}" if gateway else "",
            ]
        )
    return _table(
        [
            "receivables and services (each)",
            "GraphQL request / upstream answer KiB",
            "yardstick req/s",
            "gateway req/s",
            "throughput ratio",
            "yardstick CPU ms/req",
            "gateway CPU ms/req",
            "yardstick CPU µs per extra item",
            "gateway CPU µs per extra item",
            "gateway p50 ms",
            "gateway peak RSS MiB",
        ],
        rows,
    )


def _workers_table(results: Results) -> list[str]:
    rows: list[list[object]] = []
    for m in results.workers:
        one = _find(results.workers, "gateway-1w", m.concurrency, 1)
        rows.append(
            [
                m.workers,
                m.concurrency,
                f"{m.rps:.0f}",
                f"**{m.rps / one.rps:.2f}x**" if one else "",
                f"{m.cpu_ms_per_request:.2f}",
                f"{m.server_cores:.2f}",
                f"{m.load.p50_ms:.2f}",
                f"{m.load.p99_ms:.2f}",
                f"{m.rss_mib:.1f}",
                f"{m.other_cores:.2f}",
            ]
        )
    return _table(
        [
            "workers",
            "c",
            "req/s",
            "vs 1 worker",
            "CPU ms/req",
            "cores busy",
            "p50 ms",
            "p99 ms",
            "RSS after MiB (all processes)",
            "others' load (cores)",
        ],
        rows,
    )


def _client_probe_section(results: Results) -> list[str]:
    if not results.client_probe:
        return []
    rows: list[list[object]] = [
        [
            p.client,
            p.concurrency,
            f"{p.rps:.0f}",
            f"{p.p50_ms:.2f}",
            f"{p.p99_ms:.2f}",
            f"{p.max_ms:.1f}",
            f"{p.cpu_ms_per_request:.3f}",
        ]
        for p in results.client_probe
    ]
    return [
        "## The HTTP client alone (no server, no GraphQL)",
        "",
        "`bench/client_probe.py` on the servers' core: tasks posting the seed's REST body to the "
        "stand-in in a loop for 5 s. `httpx` is its default transport, as in the yardstick; "
        "`raw` is plain asyncio streams, the floor; `httpx-aiohttp` is httpx over the gateway's "
        "own aiohttp transport (`gateway/upstream/transport.py`).",
        "",
        *_table(["client", "c", "req/s", "p50 ms", "p99 ms", "max ms", "client CPU ms/req"], rows),
    ]


def _profile_section(results: Results) -> list[str]:
    p = results.profile
    if p is None:
        return []
    lines = [
        f"## Where the gateway's CPU goes (py-spy, c10, seed invoice, {p.samples} samples "
        f"over {p.duration_s:.0f} s)",
        "",
        "Share of the samples whose stack passes through each phase (phases nest: "
        "Strawberry's resolvers contain the upstream call):",
        "",
        *_table(["phase", "share"], [[name, f"{share:.0%}"] for name, share in p.phases]),
    ]
    if p.importers:
        lines += [
            "Imports run while serving (a module looked for on every request, e.g. one that is "
            "not installed, costs a search of `sys.path` each time), by the importing frame:",
            "",
            *_table(
                ["importing frame", "share"],
                [[f"`{name}`", f"{share:.1%}"] for name, share in p.importers],
            ),
        ]
    lines += [
        "Own time (the innermost Python frame; C code such as orjson counts for its caller), "
        "by package and by function:",
        "",
        *_table(["package", "share"], [[name, f"{share:.1%}"] for name, share in p.by_package]),
        *_table(
            ["function", "share"], [[f"`{name}`", f"{share:.1%}"] for name, share in p.top_self]
        ),
    ]
    return lines


def _side_costs(results: Results) -> list[str]:
    runs = results.main + results.growth + results.workers
    if not runs:
        return []
    one_item = [m for m in runs if m.items == 1]
    upstream = statistics.median(m.upstream_us_per_request for m in one_item or runs)
    wrk = statistics.median(m.wrk_us_per_request for m in one_item or runs)
    others = [m.other_cores for m in runs]
    return [
        "## The harness's own costs, and the machine's other work",
        "",
        f"- Upstream stand-in: {upstream:.0f} µs CPU per request (median, seed invoice); wrk: "
        f"{wrk:.0f} µs per request. Both run on core {results.layout.load}, beside each other.",
        f"- Other work on the machine (not ours) kept {statistics.median(others):.2f} cores busy "
        f"on median during the runs (max {max(others):.2f}); see 'others' load' per run.",
        "",
    ]


def render(results: Results, checks: list[Check], machine: dict[str, str], command: str) -> str:
    o = results.options
    lines = [
        "# Benchmark: the gateway against a plain proxy (the yardstick)",
        "",
        f"Run of `{command}` on {machine['date']}, {results.elapsed_s / 60:.1f} minutes. "
        "Compare ratios, not absolute figures: both servers ran in the same run on the same "
        "core, and absolute figures on this shared machine swing by up to 2x between runs.",
        "",
        "- **gateway**: `python -m gateway`, defaults (INFO logs to a file), one process; "
        "`createInvoice` with the full documented input as variables, every response field "
        "selected (`examples/seed.py`).",
        "- **yardstick**: `bench/yardstick.py` under uvicorn (defaults, access log on), one "
        "process: Starlette forwarding the same invoice's REST body, as bytes, with one shared "
        "`httpx.AsyncClient` (default transport, pool and timeouts), no GraphQL.",
        f"- **upstream**: `bench/upstream.py`, raw asyncio, answering the documented 201 invoice "
        f"({len(payloads.invoice_response(1)) / 1024:.1f} KiB compact).",
        f"- **load**: wrk, 1 thread, {o.duration_s:.0f} s per run after {o.warmup_s:.0f} s of "
        f"warm-up, cut into {o.rounds} slices that alternate the servers' order (A B B A) so "
        "that both see the same machine. Each server's answer to one request was checked "
        "before the load, and wrk's Lua counts every answer with an unexpected status or an "
        '`"errors"` key.',
        f"- **cores**: {results.layout.describe()}.",
        f"- **gateway code**: {results.code}"
        + ("" if results.code.startswith("working tree") else " (a snapshot)")
        + (f"; before: {results.before_code} (a snapshot)" if results.before_code else "")
        + ".",
        "",
        "## Targets (issue 8)",
        "",
        *_table(
            ["target", "kind", "holds", "measured"],
            [[c.name, c.kind, f"**{c.mark}**", c.detail] for c in checks],
        ),
        "## Seed invoice, one worker each",
        "",
        *_main_table(results),
        "Gateway / yardstick, same run:",
        "",
        *_ratio_table(results),
    ]
    lines += _compare_section(results)
    if results.growth:
        lines += [
            f"## Cost growth with the invoice's size (c{o.growth_concurrency})",
            "",
            "An *extra item* is one receivable or one service beyond the seed's one of each; "
            "flat figures down that column mean cost linear in the size.",
            "",
            *_growth_table(results),
        ]
    if results.workers:
        lines += [
            "## 1 vs 2 gateway workers",
            "",
            "`uvicorn gateway.app:create_app --factory --workers N` (uvicorn's own logging: the "
            f"gateway's INFO lines are not written), gateway on cores {results.layout.scaling}.",
            "",
            *_workers_table(results),
        ]
    if results.soak:
        lines += [
            "## Memory over many requests (gateway, c10)",
            "",
            *_table(["requests served", "RSS MiB"], [[n, f"{r:.1f}"] for n, r in results.soak]),
        ]
    lines += _client_probe_section(results)
    lines += _profile_section(results)
    lines += _side_costs(results)
    if results.problems:
        lines += ["## Problems", "", *(f"- {problem}" for problem in results.problems), ""]
    lines += [
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in machine.items()),
        "",
    ]
    return "\n".join(lines)


def as_json(
    results: Results, checks: list[Check], machine: dict[str, str], command: str
) -> dict[str, Any]:
    def runs(measurements: list[Measurement]) -> list[dict[str, Any]]:
        return [
            {
                **dataclasses.asdict(m),
                "rps": m.rps,
                "cpu_ms_per_request": m.cpu_ms_per_request,
                "other_cores": m.other_cores,
            }
            for m in measurements
        ]

    return {
        "command": command,
        "machine": machine,
        "layout": dataclasses.asdict(results.layout),
        "options": {
            key: (str(value) if isinstance(value, Path) else value)
            for key, value in dataclasses.asdict(results.options).items()
        },
        "elapsed_s": results.elapsed_s,
        "targets": [dataclasses.asdict(check) for check in checks],
        "main": runs(results.main),
        "growth": runs(results.growth),
        "workers": runs(results.workers),
        "code": results.code,
        "compare": None
        if results.before_code is None
        else {
            "before": results.before_code,
            "after": results.code,
            "main": [v.as_dict() for v in _main_versus(results)],
            "growth": [v.as_dict() for v in _growth_versus(results)],
        },
        "soak": results.soak,
        "profile": results.profile.as_dict() if results.profile else None,
        "problems": results.problems,
    }


def write(
    directory: Path, results: Results, checks: list[Check], machine: dict[str, str], command: str
) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    markdown, data = directory / "latest.md", directory / "latest.json"
    markdown.write_text(render(results, checks, machine, command), encoding="utf-8")
    data.write_text(json.dumps(as_json(results, checks, machine, command), indent=1) + "\n")
    return markdown, data
