"""`python -m bench.reads` (normally through `bench/run-reads`): issue 17's read benchmark.

1. reads: one `invoices(organizationId: "1", first: 100)` page, every `Invoice` field
   selected, through four servers on the same core, in interleaved slices (A B C D, D C B A):
   the yardstick (Starlette + httpx forwarding the search's bytes), the near-limit aiohttp
   proxy (`bench/reads_proxy.py`), the gateway (a snapshot of HEAD) and Hive Gateway on an
   OpenAPI description of the same endpoint (`bench/hive/`), all against the stand-in of
   `bench/reads_upstream.py`, which answers every search with the same 100-invoice page;
2. per item: the gateway's `createInvoice` with N receivables and N services, at
   concurrency 1, so that the CPU per extra item is not mixed with queueing.

It reuses `bench/run`'s machinery (`bench.scenarios.Bench`: snapshots, pinning, slices, CPU
from /proc until the server is quiet, divided by the requests the stand-in answered).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from bench import gateway_code, load, machine, procs, reads_upstream, scenarios
from bench.measure import Measurement
from bench.procs import Server
from bench.scenarios import PROJECT_PYTHON, REPO, Target
from examples import seed

RESULTS = REPO / "bench" / "results" / "reads"
HIVE = REPO / "bench" / "hive"
ORGANIZATION = 1
PAGE = reads_upstream.PAGE_SIZE
SEARCH_PATH = f"/api/v1/organizations/{ORGANIZATION}/invoices/search"
# What the gateway sends for `first: 100` (`gateway/rest/search.py`); the proxies are sent
# the same, so every server makes the same upstream request.
SEARCH_QUERY = f"page=1&per_page={PAGE}"

YARDSTICK, PROXY, GATEWAY, HIVE_GATEWAY = "yardstick", "aiohttp-proxy", "gateway", "hive-gateway"

GATEWAY_QUERY = (
    f"""
query ReadPage {{
  invoices(organizationId: "{ORGANIZATION}", first: {PAGE}) {{
    edges {{ node {{ ...FullInvoice }} }}
  }}
}}
"""
    + seed.FULL_INVOICE
)


def _sample_invoice() -> dict[str, Any]:
    page = seed.search_response([1], page=1, per_page=PAGE, total_pages=1)
    invoice: dict[str, Any] = page["invoices"][0]
    return invoice


def _selection(value: dict[str, Any]) -> str:
    """Every key of `value`, nested objects and lists of objects expanded: Mesh keeps the
    upstream's own names, so this is every field of its generated types."""
    parts = []
    for key, item in value.items():
        inner = item[0] if isinstance(item, list) and item else item
        parts.append(f"{key} {{ {_selection(inner)} }}" if isinstance(inner, dict) else key)
    return " ".join(parts)


HIVE_QUERY = f"""
query ReadPage {{
  searchInvoices(organization_id: {ORGANIZATION}, page: 1, per_page: {PAGE}) {{
    invoices {{ {_selection(_sample_invoice())} }}
  }}
}}
"""


def _graphql_body(query: str) -> bytes:
    return json.dumps({"query": query, "operationName": "ReadPage"}).encode()


@dataclass(frozen=True)
class ReadTarget(Target):
    """A server under test for the read: `kind` is how it is asked (REST GET or GraphQL)."""

    kind: str = "rest"  # "rest", "gateway" or "hive"

    def url(self, items: int) -> str:
        if self.kind == "rest":
            return f"{self.server.url}{SEARCH_PATH}?{SEARCH_QUERY}"
        return self.server.url + "/graphql"

    def body(self, items: int) -> bytes:
        return {
            "rest": b"",
            "gateway": _graphql_body(GATEWAY_QUERY),
            "hive": _graphql_body(HIVE_QUERY),
        }[self.kind]

    @property
    def expected_status(self) -> int:
        return 200


@dataclass(frozen=True)
class ReadOptions:
    duration_s: float = 10.0
    warmup_s: float = 2.0
    concurrencies: tuple[int, ...] = (1, 10)
    sizes: tuple[int, ...] = (1, 10, 100, 1000)
    item_duration_s: float = 6.0
    rounds: int = 2
    hive: bool = True
    output: Path = RESULTS
    code: str = "HEAD"


@dataclass
class ReadResults:
    reads: list[Measurement] = field(default_factory=list)
    per_item: list[Measurement] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    code: str = ""
    layout: str = ""
    elapsed_s: float = 0.0


def _fetch(url: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        data=body or None,
        method="POST" if body else "GET",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": "Token token=bench",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def check_read(target: ReadTarget) -> str | None:
    """`None` when the target answers the page in full, else what is wrong. The proxies must
    pass the upstream's bytes on unchanged; Hive Gateway must give back every upstream value
    under the upstream's names; the gateway every selected field of 100 invoices."""
    try:
        status, raw = _fetch(target.url(PAGE), target.body(PAGE))
    except (urllib.error.URLError, OSError) as error:
        return f"no answer: {error}"
    if status != 200:
        return f"status {status}: {raw[:300]!r}"
    expected = reads_upstream.search_body()
    if target.kind == "rest":
        return None if raw == expected else f"not the upstream's bytes: {raw[:300]!r}"
    answer = json.loads(raw)
    if "errors" in answer:
        return f"errors: {json.dumps(answer['errors'])[:300]}"
    upstream_invoices = json.loads(expected)["invoices"]
    if target.kind == "hive":
        invoices = answer["data"]["searchInvoices"]["invoices"]
        return None if invoices == upstream_invoices else "values differ from the upstream's"
    nodes = [edge["node"] for edge in answer["data"]["invoices"]["edges"]]
    if [node["id"] for node in nodes] != [str(i["id"]) for i in upstream_invoices]:
        return f"{len(nodes)} invoices, not ids 1-{PAGE}"
    if any(len(node) != len(upstream_invoices[0]) for node in nodes):
        return "an invoice without every field"
    return None


def _read_lua(path: Path, body_file: Path, method: str) -> Path:
    """`bench.load`'s checking script, with the read's method."""
    script = load.LUA.replace('wrk.method = "POST"', f'wrk.method = "{method}"')
    path.write_text(script % {"body": json.dumps(str(body_file)), "status": 200})
    return path


class ReadsBench(scenarios.Bench):
    def __init__(self, options: ReadOptions, log: Callable[[str], None]) -> None:
        super().__init__(
            scenarios.Options(
                duration_s=options.duration_s,
                warmup_s=options.warmup_s,
                rounds=options.rounds,
                raw_dir=options.output / "raw",
                code=options.code,
            ),
            log,
        )
        self.reads_options = options
        # The workers runs of bench/run are not part of this benchmark.
        layout = self.layout.describe().split("; 1-vs-2-workers")[0]
        self.reads = ReadResults(code=self.results.code, layout=layout)

    # -- what differs from bench/run for the read: the check, the script ------------------

    def _verified(self, target: Target, items: int) -> bool:
        if not isinstance(target, ReadTarget):
            return super()._verified(target, items)
        key = (target.label, items)
        if key not in self._verified_keys:
            if (problem := check_read(target)) is not None:
                self.reads.problems.append(f"{target.label}: skipped: {problem}")
                self.log(f"  ! {target.label} answers the read wrongly: {problem}")
                return False
            self._verified_keys.add(key)
        return True

    def _script(self, target: Target, items: int) -> Path:
        if not isinstance(target, ReadTarget):
            return super()._script(target, items)
        body = self.raw / f"read-{target.kind}.json"
        body.write_bytes(target.body(items))
        method = "GET" if target.kind == "rest" else "POST"
        return _read_lua(self.raw / f"read-{target.kind}.lua", body, method)

    # -- servers --------------------------------------------------------------------------

    def proxy(self) -> AbstractContextManager[Server]:
        python = str(PROJECT_PYTHON)
        return self._server(
            PROXY,
            lambda port: [python, "-m", "bench.reads_proxy", "--port", str(port)],
            ready="/healthz",
            cores=self.layout.server,
            env=scenarios._env(BENCH_UPSTREAM_URL=self._upstream_url()),
        )

    @contextmanager
    def hive_gateway(self) -> Iterator[Server | None]:
        if not self.reads_options.hive:
            yield None
            return
        supergraph = self.raw / "supergraph.graphql"
        env = {**os.environ, "BENCH_UPSTREAM_URL": self._upstream_url()}
        compose = subprocess.run(
            [str(HIVE / "node_modules" / ".bin" / "mesh-compose"), "-o", str(supergraph)],
            cwd=HIVE,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        (self.raw / "mesh-compose.log").write_text(compose.stdout + compose.stderr)
        if compose.returncode != 0:
            self.reads.problems.append(f"mesh-compose failed: {compose.stderr.strip()[-300:]}")
            yield None
            return
        binary = str(HIVE / "node_modules" / ".bin" / "hive-gateway")
        with self._server(
            HIVE_GATEWAY,
            lambda port: [
                binary,
                "supergraph",
                str(supergraph),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            ready="/healthcheck",
            cores=self.layout.server,
            env=env,
            cwd=HIVE,
        ) as server:
            yield server

    # -- the runs -------------------------------------------------------------------------

    def run_reads(self) -> ReadResults:
        started = time.monotonic()
        o = self.reads_options
        sizes = ",".join(str(size) for size in sorted({1, *o.sizes}))
        python = str(PROJECT_PYTHON)
        with self._server(
            "upstream",
            lambda port: [
                python,
                "-m",
                "bench.reads_upstream",
                "--port",
                str(port),
                "--sizes",
                sizes,
            ],
            ready="/api/v1/health_check",
            cores=self.layout.upstream,
            env=scenarios._env(),
        ) as upstream:
            self._upstream = upstream
            with (
                self.yardstick() as yardstick,
                self.proxy() as proxy,
                self.gateway() as gateway,
                self.hive_gateway() as hive,
            ):
                targets: list[Target] = [
                    ReadTarget(YARDSTICK, yardstick, graphql=False, kind="rest"),
                    ReadTarget(PROXY, proxy, graphql=False, kind="rest"),
                    ReadTarget(GATEWAY, gateway, graphql=True, kind="gateway"),
                ]
                if hive is not None:
                    targets.append(ReadTarget(HIVE_GATEWAY, hive, graphql=True, kind="hive"))
                self.log(f"reads: one {PAGE}-invoice page, every field")
                for concurrency in o.concurrencies:
                    self.reads.reads += self.compare(targets, items=PAGE, concurrency=concurrency)
                self._per_item(Target(GATEWAY, gateway, graphql=True))
        self.reads.problems += self.results.problems
        self.reads.elapsed_s = time.monotonic() - started
        return self.reads

    def _per_item(self, gateway: Target) -> None:
        self.log("per item: createInvoice with N receivables and N services, concurrency 1")
        self.options = dataclasses.replace(
            self.options, duration_s=self.reads_options.item_duration_s
        )
        for size in self.reads_options.sizes:
            self.reads.per_item += self.compare([gateway], items=size, concurrency=1)


# -- the report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    kind: str  # "required" or "goal"
    holds: bool | None
    detail: str

    @property
    def mark(self) -> str:
        return {True: "yes", False: "NO", None: "n/a"}[self.holds]


def _find(runs: list[Measurement], server: str, concurrency: int) -> Measurement | None:
    return next((m for m in runs if m.server == server and m.concurrency == concurrency), None)


def per_item_us(results: ReadResults) -> list[tuple[int, float]]:
    """(N, gateway CPU µs per receivable or service beyond the first of each)."""
    first = next((m for m in results.per_item if m.items == 1), None)
    if first is None:
        return []
    return [
        (m.items, 1000 * (m.cpu_ms_per_request - first.cpu_ms_per_request) / (2 * (m.items - 1)))
        for m in results.per_item
        if m.items > 1
    ]


def evaluate(results: ReadResults, concurrency: int) -> list[Check]:
    yardstick = _find(results.reads, YARDSTICK, concurrency)
    gateway = _find(results.reads, GATEWAY, concurrency)
    hive = _find(results.reads, HIVE_GATEWAY, concurrency)
    checks = []
    for at_least, kind in ((0.5, "required"), (1.0, "goal")):
        name = f"read throughput at c{concurrency} >= {at_least}x the yardstick"
        if yardstick is None or gateway is None:
            checks.append(Check(name, kind, None, "not measured"))
            continue
        ratio = gateway.rps / yardstick.rps
        detail = f"{ratio:.2f}x ({gateway.rps:.0f} vs {yardstick.rps:.0f} req/s)"
        checks.append(Check(name, kind, ratio >= at_least, detail))
    name = f"read CPU per request at c{concurrency} <= the yardstick's"
    if yardstick is None or gateway is None:
        checks.append(Check(name, "goal", None, "not measured"))
    else:
        ratio = gateway.cpu_ms_per_request / yardstick.cpu_ms_per_request
        detail = (
            f"{ratio:.2f}x ({gateway.cpu_ms_per_request:.2f} vs "
            f"{yardstick.cpu_ms_per_request:.2f} ms)"
        )
        checks.append(Check(name, "goal", ratio <= 1.0, detail))
    name = f"read throughput at c{concurrency} >= 4x Hive Gateway"
    if hive is None or gateway is None:
        checks.append(Check(name, "required", None, "not measured"))
    else:
        ratio = gateway.rps / hive.rps
        detail = f"{ratio:.2f}x ({gateway.rps:.0f} vs {hive.rps:.0f} req/s)"
        checks.append(Check(name, "required", ratio >= 4.0, detail))
    name = "createInvoice CPU <= 8 µs per receivable or service"
    if not (costs := per_item_us(results)):
        checks.append(Check(name, "required", None, "not measured"))
    else:
        detail = ", ".join(f"{us:.1f} µs at N={n}" for n, us in costs)
        checks.append(Check(name, "required", max(us for _, us in costs) <= 8.0, detail))
    failures = [m for m in results.reads + results.per_item if m.load.failures]
    valid = not failures and not results.problems
    detail = "all answers as expected" if valid else f"{len(failures)} runs with failures"
    checks.append(Check("every answer as expected (status, no errors)", "validity", valid, detail))
    return checks


def _reads_table(results: ReadResults) -> list[str]:
    lines = [
        "| server | c | req/s | **vs yardstick** | CPU ms/req | CPU vs yardstick | p50 ms "
        "| p99 ms | max ms | RSS MiB | others' cores |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in results.reads:
        base = _find(results.reads, YARDSTICK, m.concurrency)
        rps = f"{m.rps / base.rps:.2f}x" if base else "n/a"
        cpu = f"{m.cpu_ms_per_request / base.cpu_ms_per_request:.2f}x" if base else "n/a"
        lines.append(
            f"| {m.server} | {m.concurrency} | {m.rps:.0f} | **{rps}** | "
            f"{m.cpu_ms_per_request:.2f} | {cpu} | {m.load.p50_ms:.2f} | {m.load.p99_ms:.2f} | "
            f"{m.load.max_ms:.1f} | {m.rss_mib:.1f} | {m.other_cores:.2f} |"
        )
    return lines


def _ratios_table(results: ReadResults, concurrencies: tuple[int, ...]) -> list[str]:
    lines = [
        "| same run | " + " | ".join(f"c{c}" for c in concurrencies) + " |",
        "| --- |" + " --- |" * len(concurrencies),
    ]
    pairs = [
        ("gateway / yardstick, throughput", GATEWAY, YARDSTICK, "rps"),
        ("gateway / yardstick, CPU per request", GATEWAY, YARDSTICK, "cpu"),
        ("gateway / Hive Gateway, throughput", GATEWAY, HIVE_GATEWAY, "rps"),
        ("aiohttp proxy / yardstick, throughput", PROXY, YARDSTICK, "rps"),
        ("Hive Gateway / yardstick, throughput", HIVE_GATEWAY, YARDSTICK, "rps"),
    ]
    for name, top, bottom, what in pairs:
        cells = []
        for c in concurrencies:
            a, b = _find(results.reads, top, c), _find(results.reads, bottom, c)
            if a is None or b is None:
                cells.append("n/a")
            elif what == "rps":
                cells.append(f"{a.rps / b.rps:.2f}x")
            else:
                cells.append(f"{a.cpu_ms_per_request / b.cpu_ms_per_request:.2f}x")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _per_item_table(results: ReadResults) -> list[str]:
    costs = dict(per_item_us(results))
    lines = [
        "| N receivables and N services | req/s | CPU ms/req | **CPU µs per extra item** "
        "| p50 ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for m in results.per_item:
        cost = f"**{costs[m.items]:.1f}**" if m.items in costs else "(the base)"
        lines.append(
            f"| {m.items} | {m.rps:.0f} | {m.cpu_ms_per_request:.2f} | {cost} | "
            f"{m.load.p50_ms:.2f} | {m.load.p99_ms:.2f} |"
        )
    return lines


def render(
    results: ReadResults,
    checks: list[Check],
    info: dict[str, str],
    options: ReadOptions,
    command: str,
) -> str:
    lines = [
        "# Reads (issue 17): a 100-invoice page, every field",
        "",
        f"`{command}`, {info['date']}, gateway at {results.code}, {results.elapsed_s:.0f} s.",
        f"Layout: {results.layout}.",
        "",
        "## Targets (ratios from this run)",
        "",
        "| | target | holds | figures |",
        "| --- | --- | --- | --- |",
        *(f"| {c.kind} | {c.name} | {c.mark} | {c.detail} |" for c in checks),
        "",
        f'## Reads: `invoices(organizationId: "{ORGANIZATION}", first: {PAGE})`',
        "",
        f"{options.duration_s:.0f} s per server and concurrency after {options.warmup_s:.0f} s "
        f"of warm-up, in {options.rounds} interleaved slices. The stand-in answers every "
        f"search with the same {len(reads_upstream.search_body()) / 1000:.0f} KB page.",
        "",
        *_reads_table(results),
        "",
        *_ratios_table(results, options.concurrencies),
        "",
        "## Per item: `createInvoice`, the gateway, concurrency 1",
        "",
        "An *extra item* is one receivable or one service beyond the first of each: "
        "(CPU at N - CPU at 1) / (2 (N - 1)).",
        "",
        *_per_item_table(results),
        "",
        "## The queries",
        "",
        "The gateway's:",
        "",
        "```graphql",
        GATEWAY_QUERY.strip(),
        "```",
        "",
        "Hive Gateway's (Mesh keeps the upstream's names; the same fields):",
        "",
        "```graphql",
        HIVE_QUERY.strip(),
        "```",
        "",
        "## Problems",
        "",
        *([f"- {p}" for p in results.problems] or ["none"]),
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        "",
    ]
    return "\n".join(lines)


def _as_json(m: Measurement) -> dict[str, Any]:
    data = dataclasses.asdict(m)
    data |= {"rps": m.rps, "cpu_ms_per_request": m.cpu_ms_per_request}
    return data


def write(
    results: ReadResults,
    checks: list[Check],
    info: dict[str, str],
    options: ReadOptions,
    command: str,
) -> tuple[Path, Path]:
    options.output.mkdir(parents=True, exist_ok=True)
    markdown, data = options.output / "latest.md", options.output / "latest.json"
    markdown.write_text(render(results, checks, info, options, command), encoding="utf-8")
    payload = {
        "command": command,
        "machine": info,
        "code": results.code,
        "layout": results.layout,
        "elapsed_s": results.elapsed_s,
        "checks": [dataclasses.asdict(c) for c in checks],
        "reads": [_as_json(m) for m in results.reads],
        "per_item": [_as_json(m) for m in results.per_item],
        "per_item_us": per_item_us(results),
        "problems": results.problems,
        "queries": {"gateway": GATEWAY_QUERY, "hive-gateway": HIVE_QUERY},
    }
    data.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return markdown, data


def _hive_versions() -> str:
    try:
        lock = json.loads((HIVE / "package-lock.json").read_text())
    except FileNotFoundError:
        return "not installed"
    wanted = ("@graphql-hive/gateway", "@graphql-mesh/compose-cli", "@omnigraph/openapi", "graphql")
    packages = lock.get("packages", {})
    return ", ".join(
        f"{name} {packages.get(f'node_modules/{name}', {}).get('version', '?')}" for name in wanted
    )


# -- the command --------------------------------------------------------------------------


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench/run-reads", description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per read run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per run")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved slices per run")
    parser.add_argument("--concurrency", type=_ints, default=(1, 10), metavar="LIST")
    parser.add_argument(
        "--sizes",
        type=_ints,
        default=(1, 10, 100, 1000),
        metavar="LIST",
        help="receivables and services per invoice in the per-item runs",
    )
    parser.add_argument("--item-duration", type=float, default=6.0, help="seconds per per-item run")
    parser.add_argument("--no-hive", action="store_true", help="leave Hive Gateway out")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 s runs, N up to 100")
    parser.add_argument(
        "--code",
        default="HEAD",
        metavar="REVISION",
        help=f"the gateway's commit, as a snapshot; `{gateway_code.WORKTREE}`: the working tree",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where latest.* go")
    return parser


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds, so every server started is stopped


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    options = ReadOptions(
        duration_s=2.0 if args.quick else args.duration,
        warmup_s=1.0 if args.quick else args.warmup,
        concurrencies=args.concurrency,
        sizes=tuple(size for size in args.sizes if not args.quick or size <= 100),
        item_duration_s=2.0 if args.quick else args.item_duration,
        rounds=args.rounds,
        hive=not args.no_hive,
        output=args.output,
        code=args.code,
    )
    signal.signal(signal.SIGTERM, _stop)
    command = shlex.join(["bench/run-reads", *argv])
    info = machine.describe(REPO, PROJECT_PYTHON)
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    info["node"] = node.stdout.strip() or "not found"
    info["bench/hive"] = _hive_versions()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        bench = ReadsBench(options, log)
        results = bench.run_reads()
    except gateway_code.CodeError as error:
        print(f"bench/run-reads: {error}", file=sys.stderr)
        return 2
    except procs.StartError as error:
        print(f"bench/run-reads: {error}", file=sys.stderr)
        return 1
    info["load average at end"] = machine.load_average()
    info["gateway code"] = results.code
    headline = max(options.concurrencies)
    checks = evaluate(results, headline)
    markdown, data = write(results, checks, info, options, command)
    print(f"\nwrote {markdown} and {data} in {results.elapsed_s:.0f} s\n")
    print("\n".join(_reads_table(results)))
    print()
    print("\n".join(_per_item_table(results)))
    print(f"\nTargets (issue 17), ratios from this run, at c{headline}:")
    for check in checks:
        print(f"  [{check.mark:>3}] {check.kind:<8} {check.name}: {check.detail}")
    for problem in results.problems:
        print(f"  problem: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
