"""The whole benchmark: which servers run where, and the order of the measured runs.

1. main: the yardstick and the gateway (one worker each, on the same core), seed invoice, at
   each concurrency; every run is cut into slices interleaved A B B A, so that both servers
   see the same machine even while other work on it comes and goes; with `compare`, a second
   gateway running another commit (the *before*) is a third server in every slice (A B C,
   C B A);
2. growth: the same servers again with 10, 100, 1,000 receivables and services;
3. client probe: the HTTP client alone (httpx's default transport, raw asyncio streams), no
   server, to show what the client costs every httpx-based proxy;
4. profile (optional): py-spy samples the gateway under the main load;
5. workers: the gateway under uvicorn with 1 and with 2 worker processes (both up, runs
   interleaved), free to use every core (a 2-core machine has no spare core for a clean 2x:
   the report shows what the load generator and the upstream took);
6. soak (optional): the gateway's memory over many requests.

Every gateway runs a snapshot of one commit (`options.code`, HEAD at the start by default;
see `bench/gateway_code.py`), so others' commits during the run change nothing (unless
`options.code` is `worktree`: the working tree as it is at each gateway's start).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import gateway_code, load, payloads, procs, profile, verify
from bench.gateway_code import Code
from bench.measure import Measurement, combine
from bench.measure import run as measure_run
from bench.procs import Server

REPO = gateway_code.REPO
PROJECT_PYTHON = REPO / ".venv" / "bin" / "python"


@dataclass(frozen=True)
class Layout:
    """Cores (taskset lists) for the servers under test, the load generator and the upstream."""

    server: str | None
    load: str | None
    upstream: str | None
    scaling: str | None  # the gateway's cores in the 1-vs-2-workers runs

    @staticmethod
    def detect() -> Layout:
        cores = sorted(os.sched_getaffinity(0))
        if len(cores) < 2:
            return Layout(server=None, load=None, upstream=None, scaling=None)
        first, second = str(cores[0]), str(cores[1])
        upstream = str(cores[2]) if len(cores) > 2 else second
        spare = str(cores[3]) if len(cores) > 3 else second
        return Layout(server=first, load=second, upstream=upstream, scaling=f"{first},{spare}")

    def describe(self) -> str:
        if self.server is None:
            return "one core: nothing pinned"
        return (
            f"servers under test on core {self.server}, wrk on core {self.load}, upstream "
            f"stand-in on core {self.upstream}; 1-vs-2-workers runs: gateway on cores "
            f"{self.scaling}"
        )


@dataclass(frozen=True)
class Options:
    duration_s: float = 10.0
    warmup_s: float = 2.0
    concurrencies: tuple[int, ...] = (1, 10, 50)
    sizes: tuple[int, ...] = (1, 10, 100, 1000)
    growth_concurrency: int = 1
    workers_concurrencies: tuple[int, ...] = (10, 50)
    workers: bool = True
    profile: bool = True
    client_probe: bool = True
    soak_requests: int = 0
    rounds: int = 2  # slices per measured run, alternating the servers' order
    raw_dir: Path = REPO / "bench" / "results" / "raw"
    code: str = "HEAD"  # the gateway's code: a revision to snapshot, or `worktree`
    compare: str | None = None  # a revision whose gateway runs beside it (the before)


@dataclass(frozen=True)
class ClientProbe:
    """One HTTP client posting the seed's REST body to the stand-in, no server in between."""

    client: str
    concurrency: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    cpu_ms_per_request: float


@dataclass
class Results:
    layout: Layout
    options: Options
    main: list[Measurement] = field(default_factory=list)
    growth: list[Measurement] = field(default_factory=list)
    workers: list[Measurement] = field(default_factory=list)
    soak: list[tuple[int, float]] = field(default_factory=list)  # (requests so far, RSS MiB)
    client_probe: list[ClientProbe] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    profile: profile.Profile | None = None
    elapsed_s: float = 0.0
    code: str = ""  # the gateway's code (`Code.version`)
    before_code: str | None = None  # the before gateway's commit, with `compare`


@dataclass(frozen=True)
class Target:
    """A server under test and what it is sent."""

    label: str
    server: Server
    graphql: bool
    workers: int = 1

    def url(self, items: int) -> str:
        return self.server.url + ("/graphql" if self.graphql else payloads.rest_path(items))

    def body(self, items: int) -> bytes:
        return payloads.graphql_body(items) if self.graphql else payloads.rest_body(items)

    @property
    def expected_status(self) -> int:
        return 200 if self.graphql else 201  # the yardstick passes the upstream's 201 on


BEFORE = "gateway-before"  # the label of the gateway running `options.compare`


def _env(code: Code | None = None, **extra: str) -> dict[str, str]:
    """The caller's environment with `code` (default: the working tree) first on PYTHONPATH."""
    return {**(code or gateway_code.working_tree()).environment(os.environ), **extra}


class Bench:
    def __init__(self, options: Options, log: Callable[[str], None]) -> None:
        self.options = options
        self.layout = Layout.detect()
        self.results = Results(layout=self.layout, options=options)
        self.log = log
        self.raw = options.raw_dir
        shutil.rmtree(self.raw, ignore_errors=True)
        self.raw.mkdir(parents=True)
        self.code = gateway_code.from_option(options.code, self.raw)
        self.before = (
            None if options.compare is None else gateway_code.snapshot(options.compare, self.raw)
        )
        self.results.code = self.code.version()
        self.results.before_code = None if self.before is None else self.before.commit
        self._upstream: Server | None = None
        self._verified_keys: set[tuple[str, int]] = set()

    # -- servers --------------------------------------------------------------------------

    def _start(
        self,
        name: str,
        argv: list[str],
        *,
        ready: str,
        cores: str | None,
        port: int,
        env: dict[str, str],
        cwd: Path,
    ) -> Server:
        self.log(f"starting {name} on port {port} (cores {cores or 'any'})")
        return procs.start(
            name,
            argv,
            port=port,
            ready_path=ready,
            cores=cores,
            env=env,
            log_dir=self.raw,
            cwd=cwd,
        )

    @contextmanager
    def _server(
        self,
        name: str,
        argv_for: Callable[[int], list[str]],
        *,
        ready: str,
        cores: str | None,
        env: dict[str, str],
        cwd: Path = REPO,
    ) -> Iterator[Server]:
        port = procs.free_port()
        server = self._start(
            name, argv_for(port), ready=ready, cores=cores, port=port, env=env, cwd=cwd
        )
        try:
            yield server
        finally:
            server.stop()

    @property
    def upstream(self) -> Server:
        assert self._upstream is not None
        return self._upstream

    def _upstream_url(self) -> str:
        return self.upstream.url

    def yardstick(self) -> AbstractContextManager[Server]:
        python = str(PROJECT_PYTHON)
        return self._server(
            "yardstick",
            lambda port: [
                python,
                "-m",
                "uvicorn",
                "bench.yardstick:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            ready="/healthz",
            cores=self.layout.server,
            env=_env(BENCH_UPSTREAM_URL=self._upstream_url()),
        )

    def _gateway_env(self, code: Code) -> dict[str, str]:
        return _env(code, GATEWAY_UPSTREAM_URL=self._upstream_url() + "/api/v1")

    def gateway(
        self, name: str = "gateway", code: Code | None = None
    ) -> AbstractContextManager[Server]:
        """The gateway as shipped: `python -m gateway`, its defaults, one process, running
        `code` (default: the run's) from its snapshot's directory."""
        code = code or self.code
        python = str(PROJECT_PYTHON)
        return self._server(
            name,
            lambda port: [python, "-m", "gateway", "--port", str(port)],
            ready="/healthz",
            cores=self.layout.server,
            env=self._gateway_env(code),
            cwd=code.root,
        )

    def gateway_workers(self, workers: int) -> AbstractContextManager[Server]:
        """The gateway's app factory under uvicorn's own command line, with `workers`."""
        python = str(PROJECT_PYTHON)
        return self._server(
            f"gateway-{workers}w",
            lambda port: [
                python,
                "-m",
                "uvicorn",
                "gateway.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            ready="/healthz",
            cores=self.layout.scaling,
            env=self._gateway_env(self.code),
            cwd=self.code.root,  # uvicorn puts its --app-dir, `.`, first on sys.path
        )

    # -- runs -----------------------------------------------------------------------------

    def _script(self, target: Target, items: int) -> Path:
        stem = f"{'graphql' if target.graphql else 'rest'}-{items}"
        body = self.raw / f"{stem}.json"
        if not body.exists():
            body.write_bytes(target.body(items))
        return load.write_script(
            self.raw / f"{stem}-{target.expected_status}.lua", body, target.expected_status
        )

    def _verified(self, target: Target, items: int) -> bool:
        """One request answers as it should (checked once per server and size)."""
        key = (target.label, items)
        if key not in self._verified_keys:
            problem = verify.sample(
                target.url(items),
                target.body(items),
                expected_status=target.expected_status,
                items=items,
            )
            if problem is not None:
                self.results.problems.append(f"{target.label}, {items} items: skipped: {problem}")
                self.log(f"  ! {target.label} with {items} items answers wrongly: {problem}")
                return False
            self._verified_keys.add(key)
        return True

    def _slice(
        self, target: Target, *, items: int, concurrency: int, duration_s: float, first: bool
    ) -> Measurement:
        """One slice of `target`'s load, with the warm-up before the first of a run."""
        return measure_run(
            label=target.label,
            server=target.server,
            upstream=self.upstream,
            url=target.url(items),
            script=self._script(target, items),
            concurrency=concurrency,
            items=items,
            workers=target.workers,
            duration_s=duration_s,
            warmup_s=self.options.warmup_s if first else 0.0,
            load_cores=self.layout.load,
        )

    def compare(self, targets: list[Target], *, items: int, concurrency: int) -> list[Measurement]:
        """Measures each target for the run's duration, in interleaved slices (A B, B A, ...)
        so that a change in the machine's other load hits every target alike."""
        targets = [target for target in targets if self._verified(target, items)]
        rounds = max(1, self.options.rounds)
        slices: dict[str, list[Measurement]] = {target.label: [] for target in targets}
        for round_ in range(rounds):
            for target in targets if round_ % 2 == 0 else targets[::-1]:
                slices[target.label].append(
                    self._slice(
                        target,
                        items=items,
                        concurrency=concurrency,
                        duration_s=self.options.duration_s / rounds,
                        first=round_ == 0,
                    )
                )
        measurements = [combine(slices[target.label]) for target in targets]
        for m in measurements:
            self._note(m)
        return measurements

    def _note(self, m: Measurement) -> None:
        self.log(
            f"  {m.server:<14} c={m.concurrency:<3} items={m.items:<5} {m.rps:8.1f} req/s  "
            f"p50 {m.load.p50_ms:7.2f} ms  p99 {m.load.p99_ms:7.2f} ms  "
            f"CPU {m.cpu_ms_per_request:6.2f} ms/req  RSS {m.rss_mib:5.1f} MiB  "
            f"others {m.other_cores:.2f} cores"
        )
        if m.load.failures:
            self.results.problems.append(
                f"{m.server} c={m.concurrency} items={m.items}: {m.load.bad_status} unexpected "
                f"statuses, {m.load.with_errors} answers with errors, {m.load.socket_errors} "
                f"socket errors, {m.load.timeouts} timeouts out of {m.load.requests}"
            )
            self.log(f"  ! failures: {self.results.problems[-1]}")

    def run(self) -> Results:
        started = time.monotonic()
        o = self.options
        sizes = ",".join(str(size) for size in sorted({1, *o.sizes}))
        python = str(PROJECT_PYTHON)
        with self._server(
            "upstream",
            lambda port: [python, "-m", "bench.upstream", "--port", str(port), "--sizes", sizes],
            ready="/api/v1/health_check",
            cores=self.layout.upstream,
            env=_env(),
        ) as upstream:
            self._upstream = upstream
            with (
                self.yardstick() as yardstick_server,
                self.gateway() as gateway_server,
                self._before() as before_server,
            ):
                yardstick = Target("yardstick", yardstick_server, graphql=False)
                gateway = Target("gateway", gateway_server, graphql=True)
                compared = [yardstick, gateway]
                if before_server is not None:
                    compared.append(Target(BEFORE, before_server, graphql=True))
                self._main(compared)
                self._growth(compared)
                if o.client_probe:
                    self._client_probe()
                if o.profile:
                    self._profile(gateway)
                if o.soak_requests:
                    self._soak(gateway)
            if o.workers:
                self._workers()
        self.results.elapsed_s = time.monotonic() - started
        return self.results

    @contextmanager
    def _before(self) -> Iterator[Server | None]:
        """The gateway running `options.compare`, when there is one."""
        if self.before is None:
            yield None
            return
        with self.gateway(BEFORE, self.before) as server:
            yield server

    def _main(self, compared: list[Target]) -> None:
        self.log("main runs: seed invoice, one worker each")
        for concurrency in self.options.concurrencies:
            self.results.main += self.compare(compared, items=1, concurrency=concurrency)

    def _growth(self, compared: list[Target]) -> None:
        concurrency = self.options.growth_concurrency
        self.log(f"growth runs at concurrency {concurrency}")
        self.results.growth += [m for m in self.results.main if m.concurrency == concurrency]
        for size in self.options.sizes:
            if size != 1:
                self.results.growth += self.compare(compared, items=size, concurrency=concurrency)

    def _client_probe(self) -> None:
        self.log("client probe: the HTTP client alone against the stand-in")
        for concurrency in (10, 50):
            argv = [
                str(PROJECT_PYTHON),
                "-m",
                "bench.client_probe",
                "--url",
                self.upstream.url,
                "--concurrency",
                str(concurrency),
                "--duration",
                "5",
            ]
            completed = subprocess.run(
                procs.pinned(self.layout.server, argv),
                capture_output=True,
                text=True,
                cwd=REPO,
                env=_env(),
                timeout=120,
            )
            if completed.returncode != 0:
                self.results.problems.append(f"client probe: {completed.stderr.strip()[-300:]}")
                return
            for line in completed.stdout.splitlines():
                probe = ClientProbe(**json.loads(line))
                self.results.client_probe.append(probe)
                self.log(
                    f"  {probe.client:<13} c={probe.concurrency:<3} {probe.rps:9.0f} req/s  "
                    f"p99 {probe.p99_ms:7.2f} ms  max {probe.max_ms:7.1f} ms  "
                    f"client CPU {probe.cpu_ms_per_request:.3f} ms/req"
                )

    def _profile(self, gateway: Target) -> None:
        self.log("profiling the gateway with py-spy at concurrency 10")
        out = self.raw / "gateway.pyspy.txt"
        try:
            self.results.profile = profile.record(
                pid=gateway.server.pid,
                out=out,
                duration_s=self.options.duration_s,
                cores=self.layout.load,
                drive=lambda: load.run(
                    gateway.url(1),
                    self._script(gateway, 1),
                    connections=10,
                    duration_s=self.options.duration_s + 2,
                    cores=self.layout.load,
                ),
            )
        except profile.ProfileError as error:
            self.results.problems.append(f"profile: {error}")
            self.log(f"  ! profile failed: {error}")

    def _soak(self, gateway: Target) -> None:
        target = self.options.soak_requests
        self.log(f"soak: the gateway's memory over {target} requests")
        served = 0
        script = self._script(gateway, 1)
        while served < target:
            result = load.run(
                gateway.url(1), script, connections=10, duration_s=10, cores=self.layout.load
            )
            served += result.requests
            rss, _ = procs.memory_mib(gateway.server.pids())
            self.results.soak.append((served, rss))
            self.log(f"  {served:>7} requests: RSS {rss:.1f} MiB")

    def _workers(self) -> None:
        self.log("workers runs: uvicorn --workers 1 and 2, both up, interleaved")
        with self.gateway_workers(1) as one, self.gateway_workers(2) as two:
            targets = [
                Target("gateway-1w", one, graphql=True, workers=1),
                Target("gateway-2w", two, graphql=True, workers=2),
            ]
            for concurrency in self.options.workers_concurrencies:
                self.results.workers += self.compare(targets, items=1, concurrency=concurrency)


def run(options: Options) -> Results:
    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    return Bench(options, log).run()
