"""Measurement 3: a normal client's latency while 4 hostile senders go flat out.

For each configuration (with the rate limit, without it) one fresh gateway: the normal
client alone first (idle), then once per flood mix (`hostile_load.FLOOD_MIXES`) the flood
and the normal client together. The flood and the normal client are separate processes,
both on the load generator's core, so the normal client's requests do not wait behind the
flood's in one event loop; the normal client sends at a fixed rate whatever the answers do.
The gateway's CPU is counted over the normal client's window.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import hostile_gateway, hostile_load, procs
from bench.gateway_code import Code
from bench.hostile_gateway import LogFindings
from bench.hostile_load import Tally
from bench.measure import settle
from bench.scenarios import REPO

TARGET_RATIO = 3.0  # the normal client's p50 under attack over its idle p50, at most
LEAD_S = 1.5  # the flood runs alone this long first, so the normal client meets it at full


@dataclass(frozen=True)
class Attack:
    mix: str
    senders: int
    normal: Tally
    hostile: Tally
    gateway_cores: float  # the gateway's CPU over the normal client's window, in cores
    others_cores: float  # the rest of the gateway's core's busy time: other people's work
    load_cores: float  # both client processes, over the flood's run (approximately)


@dataclass(frozen=True)
class AttackConfig:
    label: str
    rate_limit: str  # "off" or the GATEWAY_RATE_LIMIT value
    idle: Tally
    attacks: list[Attack]
    log: LogFindings
    code: str  # the gateway's commit (`gateway_code.Code.version`)


@dataclass(frozen=True)
class AttackOptions:
    senders: int
    rate: float
    idle_s: float
    attack_s: float
    mixes: tuple[str, ...]


def _client(mode: str, url: str, duration_s: float, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bench.hostile_load",
        mode,
        "--url",
        url,
        "--duration",
        f"{duration_s:.1f}",
        *extra,
    ]


def _tally(stdout: str, what: str) -> Tally:
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            return Tally.from_json(json.loads(line))
    raise RuntimeError(f"the {what} printed no tally:\n{stdout}")


def _paced(url: str, options: AttackOptions, duration_s: float, cores: str | None) -> Tally:
    argv = _client("paced", url, duration_s, "--rate", str(options.rate))
    completed = subprocess.run(
        procs.pinned(cores, argv),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=duration_s + 120,
        check=True,
    )
    return _tally(completed.stdout, "normal client")


def core_busy_s(core: str | None) -> float:
    """Busy CPU seconds of one core since boot (`/proc/stat`); 0 when nothing is pinned."""
    if core is None:
        return 0.0
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith(f"cpu{core} "):
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, line.split()[1:9])
            return (user + nice + system + irq + softirq + steal) / procs.CLOCK_TICKS
    return 0.0


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _attack(
    server: procs.Server,
    mix: str,
    options: AttackOptions,
    *,
    server_cores: str | None,
    cores: str | None,
) -> Attack:
    url = hostile_gateway.graphql_url(server)
    flood_s = LEAD_S + options.attack_s + LEAD_S
    flood_argv = _client("flood", url, flood_s, "--senders", str(options.senders), "--mix", mix)
    pids = server.pids()
    settle(pids)
    children_before = _children_cpu_s()
    flood = subprocess.Popen(
        procs.pinned(cores, flood_argv),
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        time.sleep(LEAD_S)
        before, started = procs.cpu_seconds(pids), time.monotonic()
        core_before = core_busy_s(server_cores)
        normal = _paced(url, options, options.attack_s, cores)
        gateway_s = procs.cpu_delta(before, procs.cpu_seconds(pids))
        core_s = core_busy_s(server_cores) - core_before
        window_s = time.monotonic() - started
        stdout, _ = flood.communicate(timeout=flood_s + 120)
    finally:
        if flood.poll() is None:
            flood.kill()
            flood.wait()
    load_s = _children_cpu_s() - children_before
    return Attack(
        mix=mix,
        senders=options.senders,
        normal=normal,
        hostile=_tally(stdout, "flood"),
        gateway_cores=gateway_s / window_s,
        others_cores=max(0.0, core_s - gateway_s) / window_s if server_cores else 0.0,
        # The flood ran a little longer than the window (its lead and tail): scaled to it.
        load_cores=load_s / (flood_s + 0.5),
    )


def run_config(
    label: str,
    rate_limit: str,
    options: AttackOptions,
    *,
    server_cores: str | None,
    load_cores: str | None,
    log_dir: Path,
    settings: dict[str, str],
    code: Code,
) -> AttackConfig:
    if rate_limit != "off":
        settings = {**settings, "GATEWAY_RATE_LIMIT": rate_limit}
    name = "gateway-attack-" + ("unlimited" if rate_limit == "off" else "limited")
    version = code.version()
    server = hostile_gateway.start(name, code, settings, cores=server_cores, log_dir=log_dir)
    try:
        hostile_gateway.create_invoice(server, hostile_load.NORMAL_AUTHORIZATION)
        url = hostile_gateway.graphql_url(server)
        _paced(url, options, 2.0, load_cores)  # warm-up: first-call costs off the idle figure
        idle = _paced(url, options, options.idle_s, load_cores)
        attacks = [
            _attack(server, mix, options, server_cores=server_cores, cores=load_cores)
            for mix in options.mixes
        ]
    finally:
        log = hostile_gateway.stop(server)
    return AttackConfig(
        label=label, rate_limit=rate_limit, idle=idle, attacks=attacks, log=log, code=version
    )
