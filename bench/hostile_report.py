"""bench/results/hostile.md and hostile.json: the figures, which targets hold, the machine."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.hostile_attack import TARGET_RATIO, AttackConfig
from bench.hostile_cpu import TARGET_MS, CpuResults
from bench.hostile_gateway import LogFindings
from bench.hostile_load import Tally
from bench.hostile_memory import MemoryResult

MEMORY_TARGET_MIB = 150.0


@dataclass
class Results:
    memory: MemoryResult | None = None
    cpu: CpuResults | None = None
    attacks: list[AttackConfig] = field(default_factory=list)
    rate_limit_note: str = ""  # why the rate limit is missing, when it is
    elapsed_s: float = 0.0


@dataclass(frozen=True)
class Check:
    name: str
    holds: bool
    detail: str

    @property
    def mark(self) -> str:
        return "ok" if self.holds else "FAIL"


def _tallies(results: Results) -> list[tuple[str, Tally]]:
    named: list[tuple[str, Tally]] = []
    if results.memory:
        named += [(f"memory, normal: {k}", t) for k, t in results.memory.normal.items()]
        named += [(f"memory: {k}", t) for k, t in results.memory.hostile.items()]
    if results.cpu:
        named += [(f"cpu: {shape.shape}", shape.tally) for shape in results.cpu.shapes]
    for config in results.attacks:
        named.append((f"{config.label}: idle normal client", config.idle))
        for attack in config.attacks:
            named.append((f"{config.label}, {attack.mix}: normal client", attack.normal))
            named.append((f"{config.label}, {attack.mix}: flood", attack.hostile))
    return named


def code_versions(results: Results) -> list[tuple[str, str]]:
    """(part, gateway commit) for each gateway the run started."""
    versions = []
    if results.memory:
        versions.append(("memory", results.memory.code))
    if results.cpu:
        versions.append(("cpu", results.cpu.code))
    versions += [(config.label, config.code) for config in results.attacks]
    return versions


def _logs(results: Results) -> list[tuple[str, LogFindings]]:
    logs = []
    if results.memory:
        logs.append(("memory", results.memory.log))
    if results.cpu:
        logs.append(("cpu", results.cpu.log))
    logs += [(config.label, config.log) for config in results.attacks]
    return logs


def checks(results: Results) -> list[Check]:
    found: list[Check] = []
    tallies = _tallies(results)
    server_errors = sum(tally.server_errors for _, tally in tallies)
    malformed = sum(sum(tally.malformed.values()) for _, tally in tallies)
    broken = sum(sum(tally.transport_errors.values()) for _, tally in tallies)
    answered = sum(tally.requests for _, tally in tallies)
    found.append(
        Check(
            "every answer a GraphQL JSON response, no 5xx",
            server_errors == 0 and malformed == 0 and broken == 0,
            f"{answered:,} answers: {server_errors} 5xx, {malformed} not GraphQL JSON, "
            f"{broken} connections broken",
        )
    )
    tracebacks = sum(log.tracebacks for _, log in _logs(results))
    errors = sum(log.errors for _, log in _logs(results))
    found.append(
        Check(
            "no traceback or error in the gateway's log",
            tracebacks == 0 and errors == 0,
            f"{tracebacks} tracebacks, {errors} ERROR lines",
        )
    )
    if (memory := results.memory) is not None:
        found.append(
            Check(
                f"memory under {MEMORY_TARGET_MIB:.0f} MiB after and throughout",
                max(memory.after_hostile_mib, memory.peak_sampled_mib) < MEMORY_TARGET_MIB,
                f"after {memory.after_hostile_mib:.1f} MiB, peak sampled "
                f"{memory.peak_sampled_mib:.1f} MiB (VmHWM {memory.hwm_mib:.1f} MiB)",
            )
        )
    if results.cpu is not None:
        over = [shape for shape in results.cpu.shapes if shape.over_limit]
        slow = [shape for shape in over if not shape.meets_target]
        found.append(
            Check(
                f"documents over a limit refused within {TARGET_MS:.0f} ms of CPU",
                not slow,
                f"{len(over) - len(slow)} of {len(over)} shapes"
                + (
                    "; over: " + ", ".join(f"{s.shape} {s.cpu_ms_per_request:.1f} ms" for s in slow)
                    if slow
                    else ""
                ),
            )
        )
    normal = [
        tally
        for config in results.attacks
        for tally in (config.idle, *(attack.normal for attack in config.attacks))
    ]
    if results.attacks:
        refused = sum(tally.requests - tally.statuses.get(200, 0) for tally in normal)
        found.append(
            Check(
                "the normal client is never refused (rate limit or otherwise)",
                refused == 0,
                f"{refused} of {sum(tally.requests for tally in normal):,} normal requests "
                "answered other than 200",
            )
        )
    for config in results.attacks:
        if config.rate_limit == "off":
            continue  # the contrast, not a target
        idle = _p50(config.idle)
        for attack in config.attacks:
            ratio = _p50(attack.normal) / idle
            found.append(
                Check(
                    f"normal p50 within {TARGET_RATIO:.0f}x of idle under "
                    f"{attack.senders} senders ({config.label}, {attack.mix})",
                    ratio <= TARGET_RATIO,
                    f"{ratio:.2f}x ({_p50(attack.normal):.2f} ms vs idle {idle:.2f} ms)",
                )
            )
    return found


def _p50(normal: Tally) -> float:
    """The normal client's p50, of its 200 answers only."""
    return normal.percentile_ms(0.5, ok_only=True)


def _statuses(tally: Tally) -> str:
    return ", ".join(f"{status}: {count:,}" for status, count in sorted(tally.statuses.items()))


def _memory_md(memory: MemoryResult) -> list[str]:
    normal = sum(tally.requests for tally in memory.normal.values())
    lines = [
        "## 1. Memory under distinct hostile documents",
        "",
        f"{memory.documents:,} distinct documents over {memory.connections} keep-alive "
        f"connections in {memory.hostile_s:.1f} s, after {normal:,} "
        f"normal requests; RSS sampled {memory.samples:,} times during the hostile run.",
        "",
        "| gateway RSS | MiB |",
        "| --- | --- |",
        f"| after start-up | {memory.startup_mib:.1f} |",
        f"| after the normal workload (reference) | {memory.after_normal_mib:.1f} |",
        f"| **after the hostile documents** | **{memory.after_hostile_mib:.1f}** |",
        f"| **peak sampled during them** | **{memory.peak_sampled_mib:.1f}** |",
        f"| VmHWM (peak over the process's life) | {memory.hwm_mib:.1f} |",
        "",
        "| shape | sent | statuses | first refusal |",
        "| --- | --- | --- | --- |",
    ]
    for name, tally in {**memory.normal, **memory.hostile}.items():
        message = next(iter(tally.messages.values()), "").replace("|", "\\|")[:70]
        lines.append(f"| {name} | {tally.requests:,} | {_statuses(tally)} | {message} |")
    return [*lines, ""]


def _cpu_md(cpu: CpuResults) -> list[str]:
    lines = [
        "## 2. CPU to refuse one near-limit document (default limits)",
        "",
        f"Each document new; one connection, one request at a time. Target: at most "
        f"{TARGET_MS:.0f} ms for documents over a limit.",
        "",
        "| shape | what | over a limit | requests | gateway CPU ms / request | client p50 ms | "
        "status | answer |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for shape in cpu.shapes:
        mark = {True: "ok", False: "**over**", None: "(no target)"}[shape.meets_target]
        message = next(iter(shape.tally.messages.values()), "data").replace("|", "\\|")[:80]
        lines.append(
            f"| {shape.shape} | {shape.what} | {'yes' if shape.over_limit else 'no'} | "
            f"{shape.requests} | {shape.cpu_ms_per_request:.2f} {mark} | "
            f"{shape.tally.percentile_ms(0.5):.2f} | {_statuses(shape.tally)} | {message} |"
        )
    return [*lines, ""]


def _attack_md(configs: list[AttackConfig], note: str) -> list[str]:
    lines = [
        "## 3. A normal query's latency under 4 hostile senders flat out",
        "",
        *([note, ""] if note else []),
        "Latencies of the normal client's 200 answers, ms. *Hostile processed*: answered other "
        "than 429, i.e. the document was read and refused (or run). *Gateway CPU*: its share "
        "of its core over the normal client's window; *others*: the rest of that core's busy "
        "time (other people's work on the machine).",
        "",
        "| configuration | flood | idle p50 | idle p99 | p50 under attack | p99 | ratio p50 | "
        "normal statuses | hostile answered | hostile 429 | hostile processed / s | "
        "gateway CPU | others on its core | load generator CPU |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for config in configs:
        idle = _p50(config.idle)
        idle_p99 = config.idle.percentile_ms(0.99, ok_only=True)
        for attack in config.attacks:
            p50 = _p50(attack.normal)
            limited = attack.hostile.statuses.get(429, 0)
            processed = (attack.hostile.requests - limited) / max(1e-9, attack.hostile.elapsed_s)
            lines.append(
                f"| {config.label} | {attack.mix} | {idle:.2f} | {idle_p99:.2f} | {p50:.2f} | "
                f"{attack.normal.percentile_ms(0.99, ok_only=True):.2f} | "
                f"**{p50 / idle:.2f}x** | {_statuses(attack.normal)} | "
                f"{attack.hostile.requests:,} | {limited:,} | {processed:,.0f} | "
                f"{attack.gateway_cores:.0%} | {attack.others_cores:.0%} | "
                f"{attack.load_cores:.0%} |"
            )
    return [*lines, ""]


def _problems_md(results: Results) -> list[str]:
    lines = ["## Problems", ""]
    for name, tally in _tallies(results):
        for what, count in {**tally.malformed, **tally.transport_errors}.items():
            lines.append(f"- {name}: {count} x {what}")
        if tally.server_errors:
            lines.append(f"- {name}: {tally.server_errors} 5xx ({_statuses(tally)})")
    for name, log in _logs(results):
        for sample in log.samples:
            lines.append(f"- gateway log ({name}): `{sample[:200]}`")
    return [*lines, "- none" if len(lines) == 2 else "", ""]


def _summary(tally: Tally) -> dict[str, Any]:
    return {
        "requests": tally.requests,
        "statuses": {str(status): count for status, count in sorted(tally.statuses.items())},
        "malformed": dict(tally.malformed),
        "transport_errors": dict(tally.transport_errors),
        "messages": {str(status): text for status, text in tally.messages.items()},
        "p50_ms": tally.percentile_ms(0.5),
        "ok_p50_ms": tally.percentile_ms(0.5, ok_only=True),
        "ok_p99_ms": tally.percentile_ms(0.99, ok_only=True),
        "p90_ms": tally.percentile_ms(0.9),
        "p99_ms": tally.percentile_ms(0.99),
        "max_ms": tally.percentile_ms(1.0),
        "elapsed_s": tally.elapsed_s,
    }


def _log_json(log: LogFindings) -> dict[str, Any]:
    return {
        "lines": log.lines,
        "tracebacks": log.tracebacks,
        "errors": log.errors,
        "samples": list(log.samples),
    }


def _json(results: Results, info: dict[str, str], command: str) -> dict[str, Any]:
    data: dict[str, Any] = {"command": command, "machine": info, "elapsed_s": results.elapsed_s}
    if (memory := results.memory) is not None:
        data["memory"] = {
            "documents": memory.documents,
            "connections": memory.connections,
            "startup_mib": memory.startup_mib,
            "after_normal_mib": memory.after_normal_mib,
            "after_hostile_mib": memory.after_hostile_mib,
            "peak_sampled_mib": memory.peak_sampled_mib,
            "hwm_mib": memory.hwm_mib,
            "hostile_s": memory.hostile_s,
            "normal": {name: _summary(t) for name, t in memory.normal.items()},
            "hostile": {name: _summary(t) for name, t in memory.hostile.items()},
            "log": _log_json(memory.log),
        }
    if results.cpu is not None:
        data["cpu"] = {
            "target_ms": TARGET_MS,
            "shapes": [
                {
                    "shape": shape.shape,
                    "what": shape.what,
                    "over_limit": shape.over_limit,
                    "cpu_ms_per_request": shape.cpu_ms_per_request,
                    "meets_target": shape.meets_target,
                    "answers": _summary(shape.tally),
                }
                for shape in results.cpu.shapes
            ],
            "log": _log_json(results.cpu.log),
        }
    data["attacks"] = [
        {
            "label": config.label,
            "rate_limit": config.rate_limit,
            "idle": _summary(config.idle),
            "floods": [
                {
                    "mix": attack.mix,
                    "normal": _summary(attack.normal),
                    "hostile": _summary(attack.hostile),
                    "senders": attack.senders,
                    "p50_ratio": _p50(attack.normal) / _p50(config.idle),
                    "gateway_cores": attack.gateway_cores,
                    "others_cores": attack.others_cores,
                    "load_cores": attack.load_cores,
                }
                for attack in config.attacks
            ],
            "log": _log_json(config.log),
        }
        for config in results.attacks
    ]
    data["rate_limit_note"] = results.rate_limit_note
    data["gateway_code"] = dict(code_versions(results))
    data["checks"] = [
        {"name": check.name, "holds": check.holds, "detail": check.detail}
        for check in checks(results)
    ]
    return data


def write(
    directory: Path, results: Results, info: dict[str, str], command: str
) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Hostile clients (issue 12): memory, CPU to refuse, a normal client under a flood",
        "",
        f"`{command}`, {info['date']}, {results.elapsed_s:.0f} s. Written by `bench/hostile.py`; "
        "see bench/README.md for what each figure means.",
        "",
        "## Targets",
        "",
        *(f"- [{c.mark}] {c.name}: {c.detail}" for c in checks(results)),
        "",
    ]
    if results.memory is not None:
        lines += _memory_md(results.memory)
    if results.cpu is not None:
        lines += _cpu_md(results.cpu)
    if results.attacks or results.rate_limit_note:
        lines += _attack_md(results.attacks, results.rate_limit_note)
    lines += _problems_md(results)
    versions = code_versions(results)
    if len({code for _, code in versions}) > 1:
        # Others committed to gateway/ while this ran: the parts measured different code.
        info["gateway code"] = "changed during the run: " + "; ".join(
            f"{part} at {code}" for part, code in versions
        )
    elif versions:
        info["gateway code"] = versions[0][1]
    lines += ["## Machine", "", "| | |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    markdown = directory / "hostile.md"
    markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = directory / "hostile.json"
    raw.write_text(json.dumps(_json(results, info, command), indent=2) + "\n", encoding="utf-8")
    return markdown, raw
