"""The hostile-client benchmark of issue 12 (normally through `bench/hostile`).

Starts the gateway (`python -m gateway`, settings by environment) on the first core, the
project's sandbox upstream as a process of its own on the second, and sends from the second:

1. memory: 10,000 distinct hostile documents (near the size limit, long comments and
   strings, APQ registrations, distinct valid documents), RSS before, during and after;
2. CPU: per shape of near-limit hostile document, the gateway's CPU to refuse one;
3. attack: a normal client's p50 while 4 hostile senders go flat out, with the rate limit
   of the production profile and without it.

Writes bench/results/hostile.md and hostile.json. About 5 minutes; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import aiohttp

from bench import (
    gateway_code,
    hostile_attack,
    hostile_cpu,
    hostile_gateway,
    hostile_memory,
    hostile_report,
    machine,
)
from bench.gateway_code import Code
from bench.hostile_attack import AttackOptions
from bench.hostile_load import FLOOD_MIXES
from bench.scenarios import PROJECT_PYTHON, REPO, Layout

RESULTS = REPO / "bench" / "results"
PARTS = ("memory", "cpu", "attack")


@dataclass(frozen=True)
class Run:
    """What every part of one run shares."""

    args: argparse.Namespace
    layout: Layout
    raw_dir: Path
    code: Code
    settings: dict[str, str]  # for every gateway: --setting ones and the upstream


def _production_rate_limit(code: Code) -> str:
    """The rate limit of `GATEWAY_PROFILE=production`, read from the code being measured."""
    script = "from gateway.settings import PRODUCTION_DEFAULTS as d; print(d['rate_limit'])"
    completed = subprocess.run(
        [str(PROJECT_PYTHON), "-c", script],
        capture_output=True,
        text=True,
        cwd=code.root,
        check=True,
    )
    return completed.stdout.strip()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench/hostile", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS)
    )
    parser.add_argument("--documents", type=int, default=10_000, help="hostile documents (1)")
    parser.add_argument("--connections", type=int, default=6, help="connections of run 1")
    parser.add_argument("--normal-requests", type=int, default=3_000, help="reference load (1)")
    parser.add_argument("--cpu-requests", type=int, default=200, help="documents per shape (2)")
    parser.add_argument("--senders", type=int, default=4, help="hostile senders (3)")
    parser.add_argument("--rate", type=float, default=20.0, help="normal client's req/s (3)")
    parser.add_argument("--idle", type=float, default=8.0, help="seconds of idle normal (3)")
    parser.add_argument("--attack", type=float, default=12.0, help="seconds of each flood (3)")
    parser.add_argument(
        "--mixes",
        default=",".join(FLOOD_MIXES),
        help="flood mixes, comma-separated: " + ", ".join(FLOOD_MIXES),
    )
    parser.add_argument(
        "--rate-limit", help="GATEWAY_RATE_LIMIT of run 3 (default: the production profile's)"
    )
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="GATEWAY_NAME=VALUE",
        help="a setting for every gateway started (repeatable); the defaults otherwise",
    )
    parser.add_argument(
        "--code",
        default="HEAD",
        metavar="REVISION",
        help="the commit whose gateway/ runs, as a snapshot (default HEAD at the start); "
        f"`{gateway_code.WORKTREE}`: the working tree as it is at each gateway's start",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run, well under a minute")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where hostile.md/json go")
    return parser


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds, so every gateway started is stopped


def _attacks(run: Run, results: hostile_report.Results) -> None:
    args = run.args
    options = AttackOptions(
        senders=args.senders,
        rate=args.rate,
        idle_s=args.idle,
        attack_s=args.attack,
        mixes=tuple(mix for mix in args.mixes.split(",") if mix),
    )
    rate_limit = args.rate_limit or _production_rate_limit(run.code)
    configs = [("no rate limit", "off")]
    # Where the rate limit lives: code without it accepts the setting and ignores it.
    if (run.code.root / "gateway" / "http" / "rate_limit.py").exists():
        configs.insert(0, (f"rate limit {rate_limit}", rate_limit))
    else:
        results.rate_limit_note = "The rate limit is not in this code: run without it only."
    for label, value in configs:
        print(f"bench: attack, {label}", file=sys.stderr)
        config = hostile_attack.run_config(
            label,
            value,
            options,
            server_cores=run.layout.server,
            load_cores=run.layout.load,
            log_dir=run.raw_dir,
            settings=run.settings,
            code=run.code,
        )
        results.attacks.append(config)
        if value != "off" and not any(a.hostile.statuses.get(429) for a in config.attacks):
            results.rate_limit_note = (
                f"With GATEWAY_RATE_LIMIT={value} no hostile request got 429: the limit is "
                "not in force in this code."
            )


def _parts(run: Run, parts: set[str], results: hostile_report.Results) -> None:
    args, cores = run.args, run.layout.server
    if "memory" in parts:
        print("bench: memory", file=sys.stderr)
        results.memory = hostile_memory.run(
            documents=args.documents,
            connections=args.connections,
            normal_requests=args.normal_requests,
            cores=cores,
            log_dir=run.raw_dir,
            settings=run.settings,
            code=run.code,
        )
    if "cpu" in parts:
        print("bench: cpu per shape", file=sys.stderr)
        results.cpu = hostile_cpu.run(
            requests=args.cpu_requests,
            cores=cores,
            log_dir=run.raw_dir,
            settings=run.settings,
            code=run.code,
        )
    if "attack" in parts:
        _attacks(run, results)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    if args.quick:
        args.documents, args.normal_requests, args.cpu_requests = 600, 300, 30
        args.idle, args.attack = 3.0, 4.0
    parts = {part for part in args.only.split(",") if part}
    signal.signal(signal.SIGTERM, _stop)
    layout = Layout.detect()
    raw_dir = args.output / "raw"
    raw_dir.mkdir(parents=True, exist_ok=True)
    try:
        code = gateway_code.from_option(args.code, raw_dir)
    except gateway_code.CodeError as error:
        print(f"bench/hostile: {error}", file=sys.stderr)
        return 2
    command = shlex.join(["bench/hostile", *argv])
    info = machine.describe(REPO, PROJECT_PYTHON)
    info.pop("wrk", None)  # not used here
    # Each gateway gets only the settings given here (see hostile_gateway), never the caller's.
    info.pop("GATEWAY_* settings from the environment", None)
    info["GATEWAY_* settings given"] = ", ".join(args.setting) or "none (defaults)"
    info["load generator"] = f"aiohttp {aiohttp.__version__}, one process per client role"
    info["cores"] = (
        f"gateway on core {layout.server}; load generator and sandbox upstream on core "
        f"{layout.load}"
    )
    if layout.load is not None:
        # This process and the clients it starts are the load generator: off the gateway's core.
        os.sched_setaffinity(0, {int(layout.load)})
    results = hostile_report.Results()
    started = time.monotonic()
    sandbox = hostile_gateway.start_sandbox(code, cores=layout.load, log_dir=raw_dir)
    try:
        settings = dict(item.split("=", 1) for item in args.setting)
        settings.update(hostile_gateway.upstream_settings(sandbox))
        _parts(Run(args, layout, raw_dir, code, settings), parts, results)
    finally:
        sandbox.stop()
    results.elapsed_s = time.monotonic() - started
    info["load average at end"] = machine.load_average()
    markdown, raw = hostile_report.write(args.output, results, info, command)
    print(f"\nwrote {markdown} and {raw} in {results.elapsed_s:.0f} s\n")
    for check in hostile_report.checks(results):
        print(f"  [{check.mark:>4}] {check.name}: {check.detail}")
    if results.rate_limit_note:
        print(f"  note: {results.rate_limit_note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
