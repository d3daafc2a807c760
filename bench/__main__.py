"""`python -m bench` (normally through `bench/run`): run the benchmark, write the results."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from bench import chart, gateway_code, machine, report, scenarios, targets

RESULTS = scenarios.REPO / "bench" / "results"


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="slices each run is cut into, alternating the servers' order (A B, B A, ...)",
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per run")
    parser.add_argument("--concurrency", type=_ints, default=(1, 10, 50), metavar="LIST")
    parser.add_argument(
        "--sizes",
        type=_ints,
        default=(1, 10, 100, 1000),
        metavar="LIST",
        help="receivables and services per invoice in the growth runs",
    )
    parser.add_argument(
        "--growth-concurrency",
        type=int,
        default=1,
        help="concurrency of the growth runs (1: no queueing, so CPU and latency per size)",
    )
    parser.add_argument("--workers-concurrency", type=_ints, default=(10, 50), metavar="LIST")
    parser.add_argument("--no-workers", action="store_true", help="skip the 1-vs-2-workers runs")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profile")
    parser.add_argument(
        "--no-client-probe", action="store_true", help="skip the HTTP-client-alone runs"
    )
    parser.add_argument(
        "--soak",
        type=int,
        default=0,
        metavar="REQUESTS",
        help="also follow the gateway's memory over this many requests",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 3 s runs, sizes up to 100, no workers runs",
    )
    parser.add_argument(
        "--compare",
        metavar="REF",
        help="also run a snapshot of commit REF beside the gateway, measured like it in every "
        "main and growth run (interleaved), and report before (REF) / after figures",
    )
    parser.add_argument(
        "--code",
        default="HEAD",
        metavar="REVISION",
        help="the commit whose gateway runs, as a snapshot (default HEAD at the start); "
        f"`{gateway_code.WORKTREE}`: the working tree as it is at each gateway's start",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS,
        help="where latest.md, latest.json and latest.png go",
    )
    return parser


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds, so every server started is stopped


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    options = scenarios.Options(
        duration_s=3.0 if args.quick else args.duration,
        warmup_s=1.0 if args.quick else args.warmup,
        concurrencies=args.concurrency,
        sizes=tuple(size for size in args.sizes if not args.quick or size <= 100),
        growth_concurrency=args.growth_concurrency,
        workers_concurrencies=args.workers_concurrency,
        workers=not (args.no_workers or args.quick),
        profile=not args.no_profile,
        client_probe=not (args.no_client_probe or args.quick),
        soak_requests=args.soak,
        rounds=args.rounds,
        raw_dir=args.output / "raw",
        code=args.code,
        compare=args.compare,
    )
    signal.signal(signal.SIGTERM, _stop)
    command = shlex.join(["bench/run", *argv])
    info = machine.describe(scenarios.REPO, scenarios.PROJECT_PYTHON)
    started = time.monotonic()
    try:
        results = scenarios.run(options)
    except gateway_code.CodeError as error:
        print(f"bench/run: {error}", file=sys.stderr)
        return 2
    info["load average at end"] = machine.load_average()
    info["gateway code"] = results.code
    if results.before_code is not None:
        info["gateway code, before"] = results.before_code
    checks = targets.evaluate(results)
    markdown, data = report.write(args.output, results, checks, info, command)
    png = chart.draw(results, args.output / "latest.png")
    print(f"\nwrote {markdown}, {data} and {png} in {time.monotonic() - started:.0f} s\n")
    print("Targets (issue 8), ratios from this run:")
    for check in checks:
        print(f"  [{check.mark:>3}] {check.kind:<8} {check.name}: {check.detail}")
    for problem in results.problems:
        print(f"  problem: {problem}")
    if results.before_code is not None:
        print("\nBefore / after, same run:\n")
        print("\n".join(report.compare_table(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
