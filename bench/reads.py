"""`python -m bench.reads` (normally through `bench/run-reads`): issue 17's read benchmark.

1. reads: one `invoices(organizationId: "1", first: 100)` page, every `Invoice` field
   selected, through four servers on the same core, in interleaved slices (A B C D, D C B A):
   the yardstick (Starlette + httpx forwarding the search's bytes), the near-limit aiohttp
   proxy (`bench/reads_proxy.py`), the gateway (a snapshot of HEAD) and Hive Gateway on an
   OpenAPI description of the same endpoint (`bench/hive/`), all against the stand-in of
   `bench/reads_upstream.py`, which answers every search with the same 100-invoice page;
2. graph: an invoice page with `contract { name }` and `customer { ... on Company { name } }`
   (100 invoices over 10 contracts and 20 companies) through the gateway, Hive Gateway and
   the best the REST API allows, a hand-written aiohttp client (`bench/graph_client.py`:
   the search, then one concurrent read per distinct contract and customer); the upstream
   calls each makes per page are counted, and the gateway's must be the minimum;
3. per item: the gateway's `createInvoice` with N receivables and N services, at
   concurrency 1, so that the CPU per extra item is not mixed with queueing; every size runs
   once in each of several rounds, so the sizes compared share the machine's phases;
4. writes: `createInvoice` (the seed) through the yardstick, the aiohttp proxy, the gateway
   and Hive Gateway, at c10;
5. soak (with `--soak N`): N read pages through a fresh gateway at c10, its RSS sampled.

With `--compare REF,...`, a snapshot of each REF runs as one more gateway in every scenario
but the soak, interleaved in the same slices, and the report gets a same-run A/B table per
scenario (`bench/reads_ab.py`).

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
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from bench import (
    gateway_code,
    load,
    machine,
    measure,
    payloads,
    procs,
    reads_ab,
    reads_baseline,
    reads_upstream,
    scenarios,
    verify,
)
from bench.gateway_code import Code
from bench.measure import Measurement, combine
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
CLIENT = "hand-written"  # the graph page through bench/graph_client.py
SCENARIOS = ("reads", "graph", "per-item", "writes", "soak")
GRAPH_ORGANIZATION = reads_upstream.GRAPH_ORGANIZATION
GRAPH_PATH = f"/organizations/{GRAPH_ORGANIZATION}/invoice-page"

GATEWAY_QUERY = payloads.read_query(ORGANIZATION, PAGE)


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


GRAPH_QUERY = f"""
query GraphPage {{
  invoices(organizationId: "{GRAPH_ORGANIZATION}", first: {PAGE}) {{
    edges {{
      node {{
        id number state description grossValue issueDate contractId customerId
        contract {{ name }}
        customer {{ ... on Company {{ name }} }}
      }}
    }}
  }}
}}
"""

# Mesh's links are `additionalTypeDefs` in bench/hive/mesh.config.ts (`@resolveTo`).
HIVE_GRAPH_QUERY = f"""
query GraphPage {{
  searchInvoices(organization_id: {GRAPH_ORGANIZATION}, page: 1, per_page: {PAGE}) {{
    invoices {{
      id number state description gross_value issue_date contract_id customer_id
      contract {{ name }}
      customer {{ name }}
    }}
  }}
}}
"""

WRITE_CONTRACT = payloads.contract_id(1)


def _write_response() -> dict[str, Any]:
    invoice: dict[str, Any] = json.loads(payloads.invoice_response(1))["invoice"]
    return invoice


HIVE_WRITE_QUERY = f"""
mutation CreateInvoice($input: CreateInvoiceRequest_Input) {{
  createInvoice(contract_id: {WRITE_CONTRACT}, input: $input) {{
    invoice {{ {_selection(_write_response())} }}
  }}
}}
"""


def _graphql_body(query: str, operation: str = "ReadPage") -> bytes:
    return json.dumps({"query": query, "operationName": operation}).encode()


def _hive_write_body() -> bytes:
    variables = {"input": json.loads(payloads.rest_body(1))}
    body = {"query": HIVE_WRITE_QUERY, "variables": variables, "operationName": "CreateInvoice"}
    return json.dumps(body).encode()


def expected_graph_nodes() -> list[dict[str, Any]]:
    """The graph page as the gateway must answer it, from the stand-in's own data."""
    contracts = {
        i: reads_upstream.graph_contract(i)["contract"]["name"]
        for i in reads_upstream.graph_contract_ids()
    }
    companies = {
        i: reads_upstream.graph_company(i)["company"]["name"]
        for i in reads_upstream.graph_customer_ids()
    }
    day, month, year = "02", "06", "2025"  # the seed's issue_date, 02/06/2025
    return [
        {
            "id": str(i["id"]),
            "number": i["number"],
            "state": i["state"].upper(),
            "description": i["description"],
            "grossValue": "700.00",
            "issueDate": f"{year}-{month}-{day}",
            "contractId": str(i["contract_id"]),
            "customerId": str(i["customer_id"]),
            "contract": {"name": contracts[i["contract_id"]]},
            "customer": {"name": companies[i["customer_id"]]},
        }
        for i in reads_upstream.graph_page()["invoices"]
    ]


def expected_hive_graph() -> list[dict[str, Any]]:
    """The graph page under the upstream's names, as Mesh keeps them."""
    nodes = expected_graph_nodes()
    return [
        {
            "id": i["id"],
            "number": i["number"],
            "state": i["state"],
            "description": i["description"],
            "gross_value": i["gross_value"],
            "issue_date": i["issue_date"],
            "contract_id": i["contract_id"],
            "customer_id": i["customer_id"],
            "contract": node["contract"],
            "customer": node["customer"],
        }
        for i, node in zip(reads_upstream.graph_page()["invoices"], nodes, strict=True)
    ]


@dataclass(frozen=True)
class ReadTarget(Target):
    """A server under test for issue 17: `kind` is what it is asked and how.

    Reads: "rest" (the proxies), "gateway", "hive". The graph page: "graph-client",
    "graph-gateway", "graph-hive". `createInvoice`: "rest-write" (the proxies),
    "gateway-write", "hive-write"."""

    kind: str = "rest"

    def url(self, items: int) -> str:
        if self.kind == "rest":
            return f"{self.server.url}{SEARCH_PATH}?{SEARCH_QUERY}"
        if self.kind == "rest-write":
            return self.server.url + payloads.rest_path(1)
        if self.kind == "graph-client":
            return self.server.url + GRAPH_PATH
        return self.server.url + "/graphql"

    def body(self, items: int) -> bytes:
        return {
            "rest": lambda: b"",
            "graph-client": lambda: b"",
            "gateway": lambda: _graphql_body(GATEWAY_QUERY),
            "hive": lambda: _graphql_body(HIVE_QUERY),
            "graph-gateway": lambda: _graphql_body(GRAPH_QUERY, "GraphPage"),
            "graph-hive": lambda: _graphql_body(HIVE_GRAPH_QUERY, "GraphPage"),
            "rest-write": lambda: payloads.rest_body(1),
            "gateway-write": lambda: payloads.graphql_body(1),
            "hive-write": _hive_write_body,
        }[self.kind]()

    @property
    def method(self) -> str:
        return "GET" if self.kind in ("rest", "graph-client") else "POST"

    @property
    def expected_status(self) -> int:
        return 201 if self.kind == "rest-write" else 200

    @property
    def graph(self) -> bool:
        return self.kind.startswith("graph-")


# The A/B's scenario of each gateway kind, for what a snapshot could not answer.
_SCENARIO_OF_KIND = {"gateway": "reads", "graph-gateway": "graph", "gateway-write": "writes"}


@dataclass(frozen=True)
class ReadOptions:
    duration_s: float = 10.0
    warmup_s: float = 2.0
    concurrencies: tuple[int, ...] = (1, 10)
    sizes: tuple[int, ...] = (1, 10, 100, 1000)
    item_duration_s: float = 16.0
    item_rounds: int = 10
    rounds: int = 2
    hive: bool = True
    output: Path = RESULTS
    code: str = "HEAD"
    scenarios: tuple[str, ...] = ("reads", "graph", "per-item", "writes")
    writes_concurrencies: tuple[int, ...] = (10,)
    soak_requests: int = 0
    soak_every: int = 5000
    soak_concurrency: int = 10
    chart: bool = True
    compare: tuple[str, ...] = ()  # revisions whose gateways run beside the one under test
    # The code issue 17 was filed against, run beside the gateway in the per-item rounds
    # (`bench/reads_baseline.py`); `None`: not run.
    baseline: str | None = reads_baseline.ISSUE_BASELINE


@dataclass(frozen=True)
class Calls:
    """Upstream requests a server made for the graph page, by kind, over `pages` pages."""

    pages: int = 0
    calls: int = 0
    contracts: int = 0
    companies: int = 0

    def __add__(self, other: Calls) -> Calls:
        return Calls(
            self.pages + other.pages,
            self.calls + other.calls,
            self.contracts + other.contracts,
            self.companies + other.companies,
        )

    @property
    def per_page(self) -> float:
        return self.calls / max(1, self.pages)


@dataclass(frozen=True)
class Soak:
    """The soak's RSS samples (requests so far, MiB), and what the run made of them."""

    requests: int
    concurrency: int
    start_mib: float
    samples: list[tuple[int, float]]
    hwm_mib: float
    failures: int
    elapsed_s: float

    @property
    def warm_mib(self) -> float:
        return self.samples[0][1] if self.samples else self.start_mib

    @property
    def end_mib(self) -> float:
        return self.samples[-1][1] if self.samples else self.start_mib

    @property
    def peak_mib(self) -> float:
        return max([self.hwm_mib, *(rss for _, rss in self.samples)])

    @property
    def tail(self) -> list[tuple[int, float]]:
        """The last half of the samples after the warm-up one (at least 3 when there are)."""
        after = self.samples[1:]
        return after[-max(3, len(after) // 2) :]

    @property
    def slope_mib_per_10k(self) -> float | None:
        """Least-squares slope of RSS over the tail, in MiB per 10,000 requests."""
        tail = self.tail
        if len(tail) < 3:
            return None
        xs, ys = [float(n) for n, _ in tail], [rss for _, rss in tail]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        spread = sum((x - mx) ** 2 for x in xs)
        if spread == 0:
            return None
        return 10_000 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread


# Flat: the tail's slope at most this many MiB per 10,000 requests (10 MiB over 100,000).
FLAT_MIB_PER_10K = 1.0
SOAK_LIMIT_MIB = 100.0


@dataclass
class ReadResults:
    reads: list[Measurement] = field(default_factory=list)
    graph: list[Measurement] = field(default_factory=list)
    writes: list[Measurement] = field(default_factory=list)
    per_item: list[Measurement] = field(default_factory=list)
    # The per-item runs' CPU µs per extra item in each round (by server, then N): the figure
    # reported is their median, which one slow stretch of the machine does not move.
    per_item_rounds: dict[str, dict[int, list[float]]] = field(default_factory=dict)
    # The graph page's upstream calls: one request at a time, then 10 at once (exact) ...
    graph_calls_alone: dict[str, list[int]] = field(default_factory=dict)
    # ... and over every request of the measured runs (a request cut off by wrk's end counts
    # its calls but maybe not its page, so this one is within a few per mille).
    graph_calls_load: dict[str, Calls] = field(default_factory=dict)
    soak: Soak | None = None
    problems: list[str] = field(default_factory=list)
    # With `--compare`: the commits in the A/B's order (the gateway under test last), what
    # a snapshot could not answer (by scenario, then label), and those problems as text;
    # a snapshot's wrong answer before the load skips it there without failing the run.
    compared: list[reads_ab.Compared] = field(default_factory=list)
    compare_missing: dict[str, dict[str, str]] = field(default_factory=dict)
    compare_problems: list[str] = field(default_factory=list)
    # The per-item baseline's commit and its label in the runs, when it ran.
    baseline: tuple[str, str] | None = None
    code: str = ""
    layout: str = ""
    elapsed_s: float = 0.0


def upstream_stats(upstream: Server) -> dict[str, int]:
    with urllib.request.urlopen(upstream.url + "/bench/stats", timeout=10) as response:
        stats: dict[str, int] = json.loads(response.read())
        return stats


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
    if status != target.expected_status:
        return f"status {status}: {raw[:300]!r}"
    if target.graph:
        return _check_graph(target, raw)
    if target.kind.endswith("write"):
        return _check_write(target, raw)
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


def _check_graph(target: ReadTarget, raw: bytes) -> str | None:
    answer = json.loads(raw)
    if "errors" in answer:
        return f"errors: {json.dumps(answer['errors'])[:300]}"
    if target.kind == "graph-hive":
        invoices = answer["data"]["searchInvoices"]["invoices"]
        return None if invoices == expected_hive_graph() else "values differ from the upstream's"
    nodes = [edge["node"] for edge in answer["data"]["invoices"]["edges"]]
    if nodes != expected_graph_nodes():
        wrong = next(
            (n for n, e in zip(nodes, expected_graph_nodes(), strict=False) if n != e), None
        )
        return f"{len(nodes)} invoices, not the expected page (first difference: {wrong})"
    return None


def _check_write(target: ReadTarget, raw: bytes) -> str | None:
    """The proxies pass the upstream's bytes on; the gateway's answer is `bench.verify`'s
    complete invoice; Hive Gateway's every upstream value under the upstream's names."""
    if target.kind == "rest-write":
        expected = payloads.invoice_response(1)
        return None if raw == expected else f"not the upstream's bytes: {raw[:300]!r}"
    answer = json.loads(raw)
    if "errors" in answer:
        return f"errors: {json.dumps(answer['errors'])[:300]}"
    if target.kind == "hive-write":
        invoice = answer["data"]["createInvoice"]["invoice"]
        return None if invoice == _write_response() else "values differ from the upstream's"
    return verify.sample(target.url(1), target.body(1), expected_status=200, items=1)


def _read_lua(path: Path, body_file: Path, method: str, status: int = 200) -> Path:
    """`bench.load`'s checking script, with the method and the status expected."""
    script = load.LUA.replace('wrk.method = "POST"', f'wrk.method = "{method}"')
    path.write_text(script % {"body": json.dumps(str(body_file)), "status": status})
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
        self._checked: set[tuple[str, str]] = set()
        # `--compare`: a snapshot per commit (one that is the gateway's own code is left out).
        self.snapshots: list[tuple[reads_ab.Compared, Code]] = []
        seen = {self.code.commit}
        for asked in options.compare:
            code = gateway_code.snapshot(asked, self.raw)
            assert code.commit is not None
            if code.commit in seen:
                log(f"--compare {asked}: {code.commit} is already measured, left out")
                continue
            seen.add(code.commit)
            compared = reads_ab.Compared(
                reads_ab.label_for(code.commit), asked, code.commit, reads_ab.subject(code.commit)
            )
            self.snapshots.append((compared, code))
        # The per-item baseline: a `--compare` snapshot already, or one more of its own.
        self.baseline: Code | None = None
        if options.baseline is not None and "per-item" in options.scenarios:
            commit = gateway_code.resolve(options.baseline)
            if commit != self.code.commit:
                self.reads.baseline = (commit, reads_ab.label_for(commit))
                if commit not in seen:  # else a `--compare` snapshot runs it already
                    self.baseline = gateway_code.snapshot(commit, self.raw)
        if self.snapshots:
            commit = self.code.commit or self.results.code
            self.reads.compared = [c for c, _ in self.snapshots] + [
                reads_ab.Compared(
                    GATEWAY,
                    options.code,
                    commit,
                    reads_ab.subject(self.code.commit or "HEAD"),
                    under_test=True,
                )
            ]

    # -- what differs from bench/run: the checks, the scripts, the calls counted ----------

    def _is_snapshot(self, label: str) -> bool:
        if self.reads.baseline is not None and label == self.reads.baseline[1]:
            return True
        return any(compared.label == label for compared, _ in self.snapshots)

    def _verified(self, target: Target, items: int) -> bool:
        if not isinstance(target, ReadTarget):
            verified = super()._verified(target, items)
            if not verified and self._is_snapshot(target.label):
                # A commit that cannot run the per-item scenario: noted, not fatal.
                lost = self.results.problems.pop()
                missing = self.reads.compare_missing.setdefault("per-item", {})
                missing[target.label] = lost
                self.reads.compare_problems.append(lost)
            return verified
        key = (target.kind, target.label)
        if key not in self._checked:
            if (problem := check_read(target)) is None and target.graph:
                problem = self._count_calls_alone(target)
            if problem is not None:
                text = f"{target.label} ({target.kind}): skipped: {problem}"
                if self._is_snapshot(target.label):
                    scenario = _SCENARIO_OF_KIND[target.kind]
                    self.reads.compare_missing.setdefault(scenario, {})[target.label] = problem
                    self.reads.compare_problems.append(text)
                else:
                    self.reads.problems.append(text)
                self.log(f"  ! {target.label} answers {target.kind} wrongly: {problem}")
                return False
            self._checked.add(key)
        return True

    def _count_calls_alone(self, target: ReadTarget) -> str | None:
        """The upstream calls of each of 3 graph pages asked one at a time, then of 10 asked
        at once: exact counts, nothing else is running. `None` unless an answer is wrong."""
        counts: list[int] = []
        for _ in range(3):
            before = upstream_stats(self.upstream)["calls"]
            if (problem := check_read(target)) is not None:
                return problem
            counts.append(upstream_stats(self.upstream)["calls"] - before)
        before = upstream_stats(self.upstream)["calls"]
        with ThreadPoolExecutor(max_workers=10) as pool:
            problems = list(pool.map(lambda _: check_read(target), range(10)))
        if (problem := next((p for p in problems if p is not None), None)) is not None:
            return problem
        counts.append(round((upstream_stats(self.upstream)["calls"] - before) / 10))
        self.reads.graph_calls_alone[target.label] = counts
        self.log(
            f"  {target.label}: upstream calls per graph page {counts[:3]} alone, {counts[3]} "
            f"each of 10 at once (minimum {reads_upstream.minimum_calls()})"
        )
        return None

    def _script(self, target: Target, items: int) -> Path:
        if not isinstance(target, ReadTarget):
            return super()._script(target, items)
        body = self.raw / f"read-{target.kind}.json"
        body.write_bytes(target.body(items))
        return _read_lua(
            self.raw / f"read-{target.kind}.lua", body, target.method, target.expected_status
        )

    def compare(self, targets: list[Target], *, items: int, concurrency: int) -> list[Measurement]:
        """`Bench.compare`, also counting each slice's upstream calls (for the graph)."""
        targets = [target for target in targets if self._verified(target, items)]
        rounds = max(1, self.options.rounds)
        slices: dict[str, list[Measurement]] = {target.label: [] for target in targets}
        for round_ in range(rounds):
            for target in targets if round_ % 2 == 0 else targets[::-1]:
                before = upstream_stats(self.upstream)
                slices[target.label].append(
                    self._slice(
                        target,
                        items=items,
                        concurrency=concurrency,
                        duration_s=self.options.duration_s / rounds,
                        first=round_ == 0,
                    )
                )
                after = upstream_stats(self.upstream)
                if isinstance(target, ReadTarget) and target.graph:
                    calls = Calls(
                        pages=after["searches"] - before["searches"],
                        calls=after["calls"] - before["calls"],
                        contracts=after["contracts"] - before["contracts"],
                        companies=after["companies"] - before["companies"],
                    )
                    known = self.reads.graph_calls_load.get(target.label, Calls())
                    self.reads.graph_calls_load[target.label] = known + calls
        measurements = [combine(slices[target.label]) for target in targets]
        for m in measurements:
            self._note(m)
        return measurements

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

    def graph_client(self) -> AbstractContextManager[Server]:
        python = str(PROJECT_PYTHON)
        return self._server(
            CLIENT,
            lambda port: [python, "-m", "bench.graph_client", "--port", str(port)],
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
            measured = {"reads", "graph", "per-item", "writes"} & set(o.scenarios)
            if measured:
                self._measured(o)
            if "soak" in o.scenarios and o.soak_requests > 0:
                self._read_soak()
        self.reads.problems += self.results.problems
        self.reads.elapsed_s = time.monotonic() - started
        return self.reads

    def _measured(self, o: ReadOptions) -> None:
        with (
            self.yardstick() as yardstick,
            self.proxy() as proxy,
            self.graph_client() as client,
            ExitStack() as snapshots,
            self.gateway() as gateway,
            self.hive_gateway() as hive,
        ):
            # `--compare`: each snapshot's gateway on the same core, all up before any load;
            # in every scenario they come before the gateway under test, in the order asked.
            before = [
                (compared.label, snapshots.enter_context(self.gateway(compared.label, code)))
                for compared, code in self.snapshots
            ]

            def targets(*pairs: tuple[str, Server | None, str]) -> list[Target]:
                return [
                    ReadTarget(label, server, graphql=kind != "rest", kind=kind)
                    for label, server, kind in pairs
                    if server is not None
                ]

            def gateways(kind: str) -> list[tuple[str, Server | None, str]]:
                found: list[tuple[str, Server | None, str]] = [
                    (label, server, kind) for label, server in before
                ]
                return [*found, (GATEWAY, gateway, kind)]

            if "reads" in o.scenarios:
                self.log(f"reads: one {PAGE}-invoice page, every field")
                read_targets = targets(
                    (YARDSTICK, yardstick, "rest"),
                    (PROXY, proxy, "rest"),
                    *gateways("gateway"),
                    (HIVE_GATEWAY, hive, "hive"),
                )
                for concurrency in o.concurrencies:
                    self.reads.reads += self.compare(
                        read_targets, items=PAGE, concurrency=concurrency
                    )
            if "graph" in o.scenarios:
                self.log(
                    f"graph: {PAGE} invoices with contract {{ name }} and customer {{ name }} "
                    f"({reads_upstream.GRAPH_CONTRACTS} contracts, "
                    f"{reads_upstream.GRAPH_CUSTOMERS} companies)"
                )
                graph_targets = targets(
                    (CLIENT, client, "graph-client"),
                    *gateways("graph-gateway"),
                    (HIVE_GATEWAY, hive, "graph-hive"),
                )
                for concurrency in o.concurrencies:
                    self.reads.graph += self.compare(
                        graph_targets, items=PAGE, concurrency=concurrency
                    )
            if "writes" in o.scenarios:
                self.log("writes: createInvoice, the seed invoice")
                write_targets = targets(
                    (YARDSTICK, yardstick, "rest-write"),
                    (PROXY, proxy, "rest-write"),
                    *gateways("gateway-write"),
                    (HIVE_GATEWAY, hive, "hive-write"),
                )
                for concurrency in o.writes_concurrencies:
                    self.reads.writes += self.compare(
                        write_targets, items=1, concurrency=concurrency
                    )
            if "per-item" in o.scenarios:
                if self.baseline is not None and self.reads.baseline is not None:
                    label = self.reads.baseline[1]
                    server = snapshots.enter_context(self.gateway(label, self.baseline))
                    before = [(label, server), *before]
                self._per_item(
                    [Target(label, server, graphql=True) for label, server in before]
                    + [Target(GATEWAY, gateway, graphql=True)]
                )

    def _per_item(self, gateways: list[Target]) -> None:
        """Every size of every gateway in each of `item_rounds` rounds, in alternating order:
        the cost per item is a difference between sizes, so the sizes share the machine's
        slow and fast phases instead of each having its own stretch of the run."""
        o = self.reads_options
        self.log("per item: createInvoice with N receivables and N services, concurrency 1")
        rounds = max(1, o.item_rounds)
        runs = [
            (size, target)
            for size in o.sizes
            for target in gateways
            if self._verified(target, size)
        ]
        slices: dict[tuple[int, str], list[Measurement]] = {
            (size, target.label): [] for size, target in runs
        }
        for round_ in range(rounds):
            for size, target in runs if round_ % 2 == 0 else runs[::-1]:
                slices[(size, target.label)].append(
                    self._slice(
                        target,
                        items=size,
                        concurrency=1,
                        duration_s=o.item_duration_s / rounds,
                        first=round_ == 0,
                    )
                )
        for size, target in runs:
            measurement = combine(slices[(size, target.label)])
            self._note(measurement)
            self.reads.per_item.append(measurement)
            base = slices.get((1, target.label))
            if size > 1 and base is not None:
                # Each round's N against the same round's N = 1: pairs close in time.
                rounds_us = self.reads.per_item_rounds.setdefault(target.label, {})
                rounds_us[size] = [
                    extra_item_us(at_n.cpu_ms_per_request, at_1.cpu_ms_per_request, size)
                    for at_n, at_1 in zip(slices[(size, target.label)], base, strict=True)
                ]

    def _read_soak(self) -> None:
        """`soak_requests` read pages through a gateway of its own (nothing else has used
        it), `soak_concurrency` at once, in wrk runs of about `soak_every` requests each
        (their length set from the previous run's rate), RSS sampled after each."""
        o = self.reads_options
        started = time.monotonic()
        with self.gateway("gateway-soak") as server:
            target = ReadTarget(GATEWAY, server, graphql=True, kind="gateway")
            start_mib, _ = procs.memory_mib(server.pids())
            if (problem := check_read(target)) is not None:
                self.reads.problems.append(f"soak: skipped: {problem}")
                return
            self.log(
                f"soak: {o.soak_requests} read pages through a fresh gateway at "
                f"c{o.soak_concurrency}, RSS every ~{o.soak_every} requests "
                f"(start {start_mib:.1f} MiB)"
            )
            script = self._script(target, PAGE)
            samples: list[tuple[int, float]] = []
            served = failures = 0
            rate = 0.0
            while served < o.soak_requests:
                chunk = min(o.soak_every, o.soak_requests - served)
                duration = 2.0 if rate == 0 else min(600.0, max(1.0, chunk / rate))
                result = load.run(
                    target.url(PAGE),
                    script,
                    connections=o.soak_concurrency,
                    duration_s=duration,
                    cores=self.layout.load,
                )
                measure.settle(server.pids())
                served += result.requests
                failures += result.failures
                rate = result.rps
                rss, _ = procs.memory_mib(server.pids())
                samples.append((served, rss))
                self.log(
                    f"  {served:>7} requests: RSS {rss:6.1f} MiB  ({result.rps:.0f} req/s, "
                    f"{result.failures} failures)"
                )
            _, hwm = procs.memory_mib(server.pids())
        self.reads.soak = Soak(
            requests=served,
            concurrency=o.soak_concurrency,
            start_mib=start_mib,
            samples=samples,
            hwm_mib=hwm,
            failures=failures,
            elapsed_s=time.monotonic() - started,
        )
        if failures:
            self.reads.problems.append(f"soak: {failures} failed answers out of {served}")


# -- the report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    kind: str  # "required", "goal" or "validity"
    holds: bool | None
    detail: str
    fatal: bool = False  # the run fails (exit status 3) when it does not hold

    @property
    def mark(self) -> str:
        return {True: "yes", False: "NO", None: "n/a"}[self.holds]


def _find(runs: list[Measurement], server: str, concurrency: int) -> Measurement | None:
    return next((m for m in runs if m.server == server and m.concurrency == concurrency), None)


def _ratio(ratio: float, threshold: float) -> str:
    """A ratio in two decimals, or three where two would round it onto its threshold (a
    0.4985x that misses 0.5x is not written 0.50x)."""
    shown = f"{ratio:.2f}"
    if float(shown) == threshold and ratio != threshold:
        shown = f"{ratio:.3f}"
    return f"{shown}x"


def extra_item_us(cpu_ms_at_n: float, cpu_ms_at_1: float, items: int) -> float:
    """CPU µs per receivable or service beyond the first of each."""
    return 1000 * (cpu_ms_at_n - cpu_ms_at_1) / (2 * (items - 1))


def per_item_us(results: ReadResults, server: str = GATEWAY) -> list[tuple[int, float]]:
    """(N, `server`'s CPU µs per receivable or service beyond the first of each): the median
    of the rounds' figures, or from the whole runs where the rounds were not kept."""
    runs = [m for m in results.per_item if m.server == server]
    first = next((m for m in runs if m.items == 1), None)
    if first is None:
        return []
    rounds = results.per_item_rounds.get(server, {})
    return [
        (
            m.items,
            statistics.median(rounds[m.items])
            if rounds.get(m.items)
            else extra_item_us(m.cpu_ms_per_request, first.cpu_ms_per_request, m.items),
        )
        for m in runs
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
        detail = f"{_ratio(ratio, at_least)} ({gateway.rps:.0f} vs {yardstick.rps:.0f} req/s)"
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
        detail = f"{_ratio(ratio, 4.0)} ({gateway.rps:.0f} vs {hive.rps:.0f} req/s)"
        checks.append(Check(name, "required", ratio >= 4.0, detail))
    name = "createInvoice CPU <= 8 µs per receivable or service"
    if not (costs := per_item_us(results)):
        checks.append(Check(name, "required", None, "not measured"))
    else:
        detail = ", ".join(f"{us:.1f} µs at N={n}" for n, us in costs)
        checks.append(Check(name, "required", max(us for _, us in costs) <= 8.0, detail))
        if results.baseline is not None:
            commit, label = results.baseline
            found = reads_baseline.ratios(costs, per_item_us(results, label))
            name = reads_baseline.check_name(commit)
            if not found:
                checks.append(Check(name, "required", None, "not measured"))
            else:
                holds = reads_baseline.holds(found)
                checks.append(Check(name, "required", holds, reads_baseline.detail(found)))
    checks = [  # what a scenario left out (--only) did not measure is not listed
        c
        for c in checks
        if (results.reads or not c.name.startswith("read "))
        and (results.per_item or not c.name.startswith("createInvoice CPU"))
    ]
    checks += evaluate_graph(results)
    checks += evaluate_writes(results)
    checks += evaluate_soak(results)
    runs = results.reads + results.graph + results.writes + results.per_item
    failures = [m for m in runs if m.load.failures]
    valid = not failures and not results.problems
    detail = "all answers as expected" if valid else f"{len(failures)} runs with failures"
    checks.append(
        Check("every answer as expected (status, no errors)", "validity", valid, detail, fatal=True)
    )
    return checks


def evaluate_graph(results: ReadResults) -> list[Check]:
    """The gateway's upstream calls per graph page must be the minimum REST allows, as the
    hand-written client's are: exactly, alone and 10 at once; and within 1% over the load."""
    minimum = reads_upstream.minimum_calls()
    if not results.graph and not results.graph_calls_alone:
        return []
    checks = []
    for label, kind in ((GATEWAY, "required"), (CLIENT, "validity")):
        name = f"{label}: upstream calls per graph page = the minimum, {minimum}"
        alone = results.graph_calls_alone.get(label)
        loaded = results.graph_calls_load.get(label)
        if alone is None:
            checks.append(Check(name, kind, None, "not measured"))
            continue
        holds = all(count == minimum for count in alone)
        detail = f"{alone[:3]} alone, {alone[3]} each of 10 at once"
        if loaded is not None and loaded.pages:
            holds = holds and abs(loaded.per_page - minimum) <= 0.01 * minimum
            detail += (
                f"; {loaded.per_page:.2f} over the load ({loaded.calls} calls: "
                f"{loaded.contracts} contracts, {loaded.companies} companies, {loaded.pages} "
                "searches)"
            )
        checks.append(Check(name, kind, holds, detail, fatal=True))
    return checks


def evaluate_writes(results: ReadResults) -> list[Check]:
    checks = []
    for concurrency in sorted({m.concurrency for m in results.writes}):
        yardstick = _find(results.writes, YARDSTICK, concurrency)
        gateway = _find(results.writes, GATEWAY, concurrency)
        hive = _find(results.writes, HIVE_GATEWAY, concurrency)
        for base, at_least, kind in (
            (yardstick, 1.2, "required"),
            (yardstick, 1.5, "goal"),
            (hive, 2.5, "required"),
        ):
            against = "the yardstick" if base is yardstick else "Hive Gateway"
            name = f"createInvoice throughput at c{concurrency} >= {at_least}x {against}"
            if base is None or gateway is None:
                checks.append(Check(name, kind, None, "not measured"))
                continue
            ratio = gateway.rps / base.rps
            detail = f"{_ratio(ratio, at_least)} ({gateway.rps:.0f} vs {base.rps:.0f} req/s)"
            checks.append(Check(name, kind, ratio >= at_least, detail))
    return checks


def evaluate_soak(results: ReadResults) -> list[Check]:
    soak = results.soak
    if soak is None:
        return []
    slope = soak.slope_mib_per_10k
    flat = Check(
        f"soak: RSS flat over {soak.requests} read pages (last-half slope <= "
        f"{FLAT_MIB_PER_10K:g} MiB per 10,000 requests)",
        "required",
        None if slope is None else slope <= FLAT_MIB_PER_10K,
        "too few samples" if slope is None else f"{slope:+.2f} MiB per 10,000 requests",
    )
    under = Check(
        f"soak: RSS under {SOAK_LIMIT_MIB:.0f} MiB after the load",
        "required",
        soak.end_mib < SOAK_LIMIT_MIB,
        f"{soak.end_mib:.1f} MiB at the end (start {soak.start_mib:.1f}, after warm-up "
        f"{soak.warm_mib:.1f}, peak {soak.peak_mib:.1f})",
    )
    return [flat, under]


def _runs_table(runs: list[Measurement], base_label: str) -> list[str]:
    lines = [
        f"| server | c | req/s | **vs {base_label}** | CPU ms/req | CPU vs {base_label} "
        "| p50 ms | p99 ms | max ms | RSS MiB | others' cores |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in runs:
        base = _find(runs, base_label, m.concurrency)
        rps = f"{m.rps / base.rps:.2f}x" if base else "n/a"
        cpu = f"{m.cpu_ms_per_request / base.cpu_ms_per_request:.2f}x" if base else "n/a"
        lines.append(
            f"| {m.server} | {m.concurrency} | {m.rps:.0f} | **{rps}** | "
            f"{m.cpu_ms_per_request:.2f} | {cpu} | {m.load.p50_ms:.2f} | {m.load.p99_ms:.2f} | "
            f"{m.load.max_ms:.1f} | {m.rss_mib:.1f} | {m.other_cores:.2f} |"
        )
    return lines


def _calls_table(results: ReadResults) -> list[str]:
    lines = [
        "| server | calls per page, alone (3 pages) | each of 10 at once | over the load "
        "| contracts / companies read per page over the load |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, alone in results.graph_calls_alone.items():
        loaded = results.graph_calls_load.get(label, Calls())
        per_kind = (
            f"{loaded.contracts / loaded.pages:.2f} / {loaded.companies / loaded.pages:.2f}"
            if loaded.pages
            else "n/a"
        )
        over = f"{loaded.per_page:.2f}" if loaded.pages else "n/a"
        lines.append(f"| {label} | {alone[:3]} | {alone[3]} | {over} | {per_kind} |")
    return lines


def _soak_lines(soak: Soak | None) -> list[str]:
    if soak is None:
        return ["Not run (`--soak N`)."]
    slope = soak.slope_mib_per_10k
    lines = [
        f"{soak.requests} read pages through a fresh gateway at c{soak.concurrency} in "
        f"{soak.elapsed_s:.0f} s, {soak.failures} failures. RSS: start {soak.start_mib:.1f} MiB, "
        f"after warm-up (the first sample) {soak.warm_mib:.1f}, peak {soak.peak_mib:.1f} "
        f"(VmHWM {soak.hwm_mib:.1f}), end {soak.end_mib:.1f}. Last-half slope: "
        + ("n/a (fewer than 3 samples after warm-up)" if slope is None else f"{slope:+.2f}")
        + f" MiB per 10,000 requests (flat: at most {FLAT_MIB_PER_10K:g}).",
        "",
        "| requests | RSS MiB |",
        "| --- | --- |",
        *(f"| {n} | {rss:.1f} |" for n, rss in soak.samples),
    ]
    return lines


def _reads_table(results: ReadResults) -> list[str]:
    return _runs_table(results.reads, YARDSTICK)


def _ratios_table(results: ReadResults, concurrencies: tuple[int, ...]) -> list[str]:
    return _pair_rows(
        results.reads,
        list(concurrencies),
        [
            ("gateway / yardstick, throughput", GATEWAY, YARDSTICK, "rps"),
            ("gateway / yardstick, CPU per request", GATEWAY, YARDSTICK, "cpu"),
            ("gateway / Hive Gateway, throughput", GATEWAY, HIVE_GATEWAY, "rps"),
            ("aiohttp proxy / yardstick, throughput", PROXY, YARDSTICK, "rps"),
            ("Hive Gateway / yardstick, throughput", HIVE_GATEWAY, YARDSTICK, "rps"),
        ],
    )


def _pair_rows(
    runs: list[Measurement], concurrencies: list[int], pairs: list[tuple[str, str, str, str]]
) -> list[str]:
    lines = [
        "| same run | " + " | ".join(f"c{c}" for c in concurrencies) + " |",
        "| --- |" + " --- |" * len(concurrencies),
    ]
    for name, top, bottom, what in pairs:
        cells = []
        for c in concurrencies:
            a, b = _find(runs, top, c), _find(runs, bottom, c)
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
        if m.server != GATEWAY:
            continue  # a `--compare` snapshot: in the A/B section
        cost = f"**{costs[m.items]:.1f}**" if m.items in costs else "(the base)"
        lines.append(
            f"| {m.items} | {m.rps:.0f} | {m.cpu_ms_per_request:.2f} | {cost} | "
            f"{m.load.p50_ms:.2f} | {m.load.p99_ms:.2f} |"
        )
    if results.baseline is not None:
        commit, label = results.baseline
        found = reads_baseline.ratios(per_item_us(results), per_item_us(results, label))
        lines += reads_baseline.table(commit, found)
    return lines


def render(
    results: ReadResults,
    checks: list[Check],
    info: dict[str, str],
    options: ReadOptions,
    command: str,
) -> str:
    lines = [
        "# Reads (issue 17): a 100-invoice page, the graph page, writes, memory",
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
        *reads_ab.section(results),
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
        f'## Graph: `invoices(organizationId: "{GRAPH_ORGANIZATION}", first: {PAGE})` '
        "with `contract { name }` and `customer { ... on Company { name } }`",
        "",
        f"The stand-in's page for organization {GRAPH_ORGANIZATION}: {PAGE} invoices over "
        f"{reads_upstream.GRAPH_CONTRACTS} contracts (ten invoices in a row each) and "
        f"{reads_upstream.GRAPH_CUSTOMERS} companies (in turn), so the least REST allows is "
        f"{reads_upstream.minimum_calls()} calls a page: the search, "
        f"{reads_upstream.GRAPH_CONTRACTS} `GET organizations/{GRAPH_ORGANIZATION}/contracts/"
        f"{{id}}` and {reads_upstream.GRAPH_CUSTOMERS} `GET companies/{{id}}`. "
        f"`{CLIENT}` is `bench/graph_client.py`, which makes exactly those (aiohttp, orjson) "
        "and answers the gateway's JSON; both answers must equal the page built from the "
        "stand-in's data. CPU per request is divided by the searches answered (one a page).",
        "",
        *(_runs_table(results.graph, CLIENT) if results.graph else ["Not run."]),
        "",
        *_pair_rows(
            results.graph,
            list(options.concurrencies),
            [
                ("gateway / hand-written, throughput", GATEWAY, CLIENT, "rps"),
                ("gateway / hand-written, CPU per request", GATEWAY, CLIENT, "cpu"),
                ("gateway / Hive Gateway, throughput", GATEWAY, HIVE_GATEWAY, "rps"),
            ],
        ),
        "",
        "Upstream calls per page (each one counted by the stand-in):",
        "",
        *_calls_table(results),
        "",
        "## Writes: `createInvoice`, the seed invoice",
        "",
        "The `bench/run` request (the documented input, every response field selected); the "
        "proxies are posted the REST body the gateway sends, Hive Gateway the same body as "
        "its mutation's `input` variable (`bench/hive/openapi.yaml`).",
        "",
        *(_runs_table(results.writes, YARDSTICK) if results.writes else ["Not run."]),
        "",
        *_pair_rows(
            results.writes,
            list(options.writes_concurrencies),
            [
                ("gateway / yardstick, throughput", GATEWAY, YARDSTICK, "rps"),
                ("gateway / yardstick, CPU per request", GATEWAY, YARDSTICK, "cpu"),
                ("gateway / Hive Gateway, throughput", GATEWAY, HIVE_GATEWAY, "rps"),
                ("aiohttp proxy / yardstick, throughput", PROXY, YARDSTICK, "rps"),
            ],
        ),
        "",
        "## Memory soak: read pages through the gateway",
        "",
        *_soak_lines(results.soak),
        "",
        "## Per item: `createInvoice`, the gateway, concurrency 1",
        "",
        "An *extra item* is one receivable or one service beyond the first of each: "
        "(CPU at N - CPU at 1) / (2 (N - 1)), the median of the rounds' figures (each round's "
        "N against the same round's N = 1). "
        f"{options.item_duration_s:.0f} s per size, in {options.item_rounds} rounds each "
        "running every size once, in alternating order.",
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
        "The graph page, the gateway's and Hive Gateway's (its links are `@resolveTo` "
        "fields in `bench/hive/mesh.config.ts`):",
        "",
        "```graphql",
        GRAPH_QUERY.strip(),
        "",
        HIVE_GRAPH_QUERY.strip(),
        "```",
        "",
        "Hive Gateway's `createInvoice` (the REST body as `$input`):",
        "",
        "```graphql",
        HIVE_WRITE_QUERY.strip(),
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
        "per_item_baseline": None
        if results.baseline is None
        else {
            "commit": results.baseline[0],
            "server": results.baseline[1],
            "per_item_us": per_item_us(results, results.baseline[1]),
        },
        "per_item_rounds": {
            server: {str(items): figures for items, figures in by_size.items()}
            for server, by_size in results.per_item_rounds.items()
        },
        "graph": [_as_json(m) for m in results.graph],
        "graph_calls": {
            "minimum": reads_upstream.minimum_calls(),
            "alone": results.graph_calls_alone,
            "load": {
                label: dataclasses.asdict(calls) | {"per_page": calls.per_page}
                for label, calls in results.graph_calls_load.items()
            },
        },
        "writes": [_as_json(m) for m in results.writes],
        "soak": None
        if results.soak is None
        else dataclasses.asdict(results.soak)
        | {
            "warm_mib": results.soak.warm_mib,
            "peak_mib": results.soak.peak_mib,
            "end_mib": results.soak.end_mib,
            "slope_mib_per_10k": results.soak.slope_mib_per_10k,
        },
        "problems": results.problems,
        "compare": reads_ab.as_json(results),
        "queries": {
            "gateway": GATEWAY_QUERY,
            "hive-gateway": HIVE_QUERY,
            "graph-gateway": GRAPH_QUERY,
            "graph-hive-gateway": HIVE_GRAPH_QUERY,
            "write-hive-gateway": HIVE_WRITE_QUERY,
        },
    }
    data.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if options.chart:
        from bench import reads_chart  # matplotlib, only when drawing

        reads_chart.draw(results, options.output / "latest.png")
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
    parser.add_argument(
        "--item-duration", type=float, default=16.0, help="seconds per per-item run (all rounds)"
    )
    parser.add_argument(
        "--item-rounds",
        type=int,
        default=10,
        help="rounds of the per-item runs, each running every size once",
    )
    parser.add_argument("--no-hive", action="store_true", help="leave Hive Gateway out")
    parser.add_argument(
        "--baseline",
        default=reads_baseline.ISSUE_BASELINE,
        metavar="REVISION",
        help="the commit run beside the gateway in the per-item rounds, whose cost per item "
        "the target is also held to as a same-run ratio (default: %(default)s, the code "
        "issue 17 was filed against)",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="leave the per-item baseline out"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 s runs, N up to 100")
    parser.add_argument(
        "--code",
        default="HEAD",
        metavar="REVISION",
        help=f"the gateway's commit, as a snapshot; `{gateway_code.WORKTREE}`: the working tree",
    )
    parser.add_argument(
        "--only",
        type=_names,
        default=None,
        metavar="LIST",
        help=f"the scenarios to run, of {','.join(SCENARIOS)} (default: all but soak, and "
        "soak with --soak); results then go to bench/results/reads/<LIST>/ unless --output",
    )
    parser.add_argument(
        "--writes-concurrency",
        type=_ints,
        default=(10,),
        metavar="LIST",
        help="concurrencies of the createInvoice runs",
    )
    parser.add_argument(
        "--soak",
        type=int,
        default=0,
        metavar="N",
        help="also send N read pages to a fresh gateway and sample its RSS (e.g. 100000)",
    )
    parser.add_argument(
        "--soak-every", type=int, default=5000, metavar="N", help="requests between RSS samples"
    )
    parser.add_argument("--soak-concurrency", type=int, default=10, metavar="C")
    parser.add_argument(
        "--compare",
        type=_refs,
        action="append",
        default=[],
        metavar="REF[,REF...]",
        help="also run a snapshot of each commit REF (repeatable, or a comma list, oldest "
        "first) beside the gateway in every scenario but the soak, interleaved in the same "
        "slices, and report a same-run A/B per scenario (each commit against the first and "
        "the previous); results then go to bench/results/reads/compare/ unless --output",
    )
    parser.add_argument("--no-chart", action="store_true", help="do not draw latest.png")
    parser.add_argument("--output", type=Path, default=None, help="where latest.* go")
    return parser


def _refs(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _names(text: str) -> tuple[str, ...]:
    names = tuple(part for part in text.split(",") if part)
    if unknown := [name for name in names if name not in SCENARIOS]:
        raise argparse.ArgumentTypeError(f"unknown scenarios {unknown}; known: {SCENARIOS}")
    return names


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds, so every server started is stopped


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    default = ("reads", "graph", "per-item", "writes") + (("soak",) if args.soak else ())
    chosen = args.only or default
    compare = tuple(ref for refs in args.compare for ref in refs)
    if args.output is None:
        # A compare run never replaces latest.*: it has its own directory.
        base = RESULTS / "compare" if compare else RESULTS
        args.output = base if args.only is None else base / "-".join(chosen)
    options = ReadOptions(
        duration_s=2.0 if args.quick else args.duration,
        warmup_s=1.0 if args.quick else args.warmup,
        concurrencies=args.concurrency,
        sizes=tuple(size for size in args.sizes if not args.quick or size <= 100),
        item_duration_s=2.0 if args.quick else args.item_duration,
        item_rounds=2 if args.quick else args.item_rounds,
        rounds=args.rounds,
        hive=not args.no_hive,
        # Absolute: mesh-compose writes the supergraph from bench/hive/, its own directory.
        output=args.output.resolve(),
        code=args.code,
        scenarios=chosen,
        writes_concurrencies=args.writes_concurrency,
        soak_requests=args.soak if args.soak else (20_000 if "soak" in chosen else 0),
        soak_every=args.soak_every,
        soak_concurrency=args.soak_concurrency,
        # The chart has no A/B panel: a compare run's tables are its result.
        chart=not (args.no_chart or compare),
        compare=compare,
        baseline=None if args.no_baseline else args.baseline,
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
    if results.compared:
        info["gateway code, compared"] = ", ".join(c.commit for c in results.compared[:-1])
    headline = max(options.concurrencies)
    checks = evaluate(results, headline)
    markdown, data = write(results, checks, info, options, command)
    print(f"\nwrote {markdown} and {data} in {results.elapsed_s:.0f} s\n")
    for title, table in (
        ("reads", _reads_table(results) if results.reads else []),
        ("graph", _runs_table(results.graph, CLIENT) if results.graph else []),
        ("graph upstream calls", _calls_table(results) if results.graph_calls_alone else []),
        ("writes", _runs_table(results.writes, YARDSTICK) if results.writes else []),
        ("per item", _per_item_table(results) if results.per_item else []),
        ("soak", _soak_lines(results.soak) if results.soak else []),
    ):
        if table:
            print(f"{title}:")
            print("\n".join(table))
            print()
    print(f"Targets (issue 17), ratios from this run, at c{headline}:")
    for check in checks:
        print(f"  [{check.mark:>3}] {check.kind:<8} {check.name}: {check.detail}")
    for problem in results.problems:
        print(f"  problem: {problem}")
    if results.compared:
        print("\nSame-run A/B (ratios to the first commit in parentheses):\n")
        print("\n".join(reads_ab.summary(results)))
        for ab in reads_ab.tables(results):
            print(f"\n{ab.heading}:")
            print("\n".join(reads_ab.markdown(ab)))
        for problem in results.compare_problems:
            print(f"  compare: {problem}")
    if failed := [c for c in checks if c.fatal and c.holds is False]:
        print(f"bench/run-reads: FAILED: {'; '.join(c.name for c in failed)}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
