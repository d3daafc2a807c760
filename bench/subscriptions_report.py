"""The subscriptions benchmark's results: latest.json as measured, latest.md to read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _ms(latency: dict[str, Any], key: str) -> str:
    return f"{latency[key]:.1f} ms" if key in latency else "n/a"


def _exactly_once(phase: dict[str, Any]) -> str:
    return f"{phase['exactly_once']}/{phase['subscribers']}"


def _answers(counts: dict[str, int]) -> str:
    return ", ".join(f"{key}: {value}" for key, value in sorted(counts.items())) or "none"


def summary(output: dict[str, Any]) -> list[str]:
    lines = []
    filtered = output["runs"].get("filtered")
    if filtered and filtered["phases"]:
        phase = filtered["phases"][0]
        memory = filtered["memory_mib"]
        held = (
            phase["exactly_once"] == phase["subscribers"]
            and not filtered["subscribers_failed_count"]
            and all(status == "200 duplicate" for status in phase["retry_answers"])
            and not phase["published_twice"]
        )
        kept, of = phase["exactly_once_of_kept"]
        lines += [
            f"filtered: {phase['subscribers']} subscribers, {phase['achieved_rate']} deliveries/s "
            f"for {phase['posting_s']} s, {phase['messages_per_s']} messages/s out",
            f"  latency p50 {_ms(phase['latency'], 'p50_ms')}, p99 "
            f"{_ms(phase['latency'], 'p99_ms')}, max {_ms(phase['latency'], 'max_ms')}",
            f"  exactly once: {_exactly_once(phase)} subscribers ({'holds' if held else 'FAILS'});"
            f" missing {phase['missing']}, duplicates {phase['duplicates']}, unexpected "
            f"{phase['unexpected']}; {phase['ended_by_gateway']} ended by the gateway, "
            f"{kept}/{of} of those it kept got everything exactly once",
            f"  retries with the same request id answered {_answers(phase['retry_answers'])}; "
            f"deliveries published twice: {phase['published_twice']}",
            f"  gateway RSS: {memory['before_subscribers']} MiB before the subscribers, "
            f"{memory['with_subscribers']} with them, {memory['after_run']} after the run, "
            f"{memory['after_subscribers_left']} once they left (peak {memory['peak']})",
        ]
    sweep = output["runs"].get("sweep")
    for phase in sweep["phases"] if sweep else []:
        lines.append(
            f"filtered at {phase['rate']:g}/s: {phase['messages_per_s']} messages/s out, p50 "
            f"{_ms(phase['latency'], 'p50_ms')}, p99 {_ms(phase['latency'], 'p99_ms')}, "
            f"exactly once {_exactly_once(phase)}, gateway CPU "
            f"{phase['gateway_cpu_share'] * 100:.0f}% of a core"
        )
    fanout = output["runs"].get("fanout")
    if fanout:
        for phase in fanout["phases"]:
            lines.append(
                f"fan-out at {phase['rate']:g}/s: {phase['messages_per_s']} messages/s out of "
                f"{phase['rate'] * phase['subscribers']:g} asked, p50 "
                f"{_ms(phase['latency'], 'p50_ms')}, p99 {_ms(phase['latency'], 'p99_ms')}, "
                f"{phase['ended_by_gateway']} subscribers ended by the gateway, duplicates "
                f"{phase['duplicates']}, RSS max {phase['rss_during_mib'].get('max')} MiB"
            )
    return lines


def _phase_rows(phases: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| deliveries/s (asked / sent) | messages/s out (asked / delivered) | latency p50 | p90 "
        "| p99 | max | exactly once | missing | duplicates | ended by the gateway | exactly once "
        "of those kept | gateway CPU | CPU per message | RSS during (min-max) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for phase in phases:
        latency = phase["latency"]
        asked = phase["expected_messages"] / max(phase["posting_s"], 1e-9)
        rss = phase["rss_during_mib"]
        per_message = phase["gateway_cpu_us_per_message"]
        kept, of = phase["exactly_once_of_kept"]
        rows.append(
            f"| {phase['rate']:g} / {phase['achieved_rate']:g} | {asked:,.0f} / "
            f"{phase['messages_per_s']:,.0f} | {_ms(latency, 'p50_ms')} | "
            f"{_ms(latency, 'p90_ms')} | {_ms(latency, 'p99_ms')} | {_ms(latency, 'max_ms')} | "
            f"{_exactly_once(phase)} | {phase['missing']} | {phase['duplicates']} | "
            f"{phase['ended_by_gateway']} | {kept}/{of} | "
            f"{phase['gateway_cpu_share'] * 100:.0f}% of a core | "
            f"{f'{per_message:.0f} µs' if per_message else 'n/a'} | "
            f"{rss.get('min')}-{rss.get('max')} MiB |"
        )
    return rows


def _memory_rows(memory: dict[str, Any]) -> list[str]:
    return [
        "| before the subscribers | with them (idle) | after the run | after they left | peak |",
        "| --- | --- | --- | --- | --- |",
        f"| {memory['before_subscribers']} MiB | {memory['with_subscribers']} MiB | "
        f"{memory['after_run']} MiB | {memory['after_subscribers_left']} MiB | "
        f"{memory['peak']} MiB |",
    ]


def _run_md(title: str, run: dict[str, Any]) -> list[str]:
    lines = [f"## {title}", ""]
    lines += _phase_rows(run["phases"])
    lines += ["", "Gateway memory (RSS):", ""]
    lines += _memory_rows(run["memory_mib"])
    lines += [
        "",
        f"- subscribing all of them took {run['subscribe_s']} s; subscribers that failed to "
        f"subscribe: {run['subscribers_failed_count']} {run['subscribers_failed']}",
    ]
    for phase in run["phases"]:
        lines += [
            f"- at {phase['rate']:g}/s: webhook answers {_answers(phase['delivery_answers'])}; "
            f"retries with the same request id: {_answers(phase['retry_answers'])}; webhook "
            f"answer time p50 {_ms(phase['webhook_answer'], 'p50_ms')}, p99 "
            f"{_ms(phase['webhook_answer'], 'p99_ms')}; deliveries published twice: "
            f"{phase['published_twice']}",
            "  - by transport: "
            + "; ".join(
                f"{name} {row['exactly_once']}/{row['subscribers']} exactly once, p50 "
                f"{_ms(phase['latency_by_transport'].get(name, {}), 'p50_ms')}, p99 "
                f"{_ms(phase['latency_by_transport'].get(name, {}), 'p99_ms')}"
                for name, row in sorted(phase["per_transport"].items())
            ),
            f"  - CPU over the {phase['posting_s'] + phase['drain_s']:.1f} s: gateway "
            f"{phase['gateway_cpu_s']} s, sandbox {phase['sandbox_cpu_s']} s, load generator "
            f"{phase['load_generator_cpu_s']} s; others' load {phase['others_cores']} cores; "
            f"drain after the last POST {phase['drain_s']} s",
        ]
        if phase["ended_samples"]:
            lines.append(f"  - how the gateway ended subscribers: {phase['ended_samples']}")
        if phase["wrong_results"]:
            lines.append(f"  - wrong results: {phase['wrong_results']} {phase['wrong_samples']}")
    log = run["gateway_log"]
    lines += [
        f"- gateway log: {log['lines']} lines, {log['errors']} at ERROR, {log['tracebacks']} "
        f"tracebacks, {log['slow_consumer_lines']} slow-subscriber lines; exit code while "
        f"running: {run['gateway_exit']}; POST failures: {run['poster_failure_count']} "
        f"{run['poster_failures']}",
        "",
    ]
    return lines


def markdown(output: dict[str, Any]) -> str:
    shape = output["shape"]
    lines = [
        "# Subscriptions under load (issue 15)",
        "",
        f"`{output['command']}`, {output['elapsed_s']} s in all. How to read it: "
        "bench/README.md, *Subscriptions under load*. Raw figures (and a sample a second): "
        "latest.json.",
        "",
        f"Shape: {shape['subscribers']} subscribers ({shape['sse']} over SSE, "
        f"{shape['multipart']} over multipart HTTP, the rest over graphql-ws, one subscription "
        f"per connection), {shape['credentials']} credentials; filtered run: each watches one "
        f"of {shape['invoices']} invoices, {shape['rate']:g} deliveries/s for "
        f"{shape['duration_s']:g} s round-robin over them, every {shape['retry_every']}th "
        "posted again 1 s later with the same request id; fan-out run: every subscriber "
        f"watches every event, {shape['fanout_duration_s']:g} s at each of "
        f"{', '.join(f'{rate:g}' for rate in shape['fanout_rates']) or 'no'} deliveries/s; "
        f"sweep: the filtered shape for {shape['sweep_duration_s']:g} s at each of "
        f"{', '.join(f'{rate:g}' for rate in shape['sweep_rates']) or 'no'} deliveries/s.",
        "",
        "Summary:",
        "",
        *(f"    {line}" for line in summary(output)),
        "",
    ]
    if "filtered" in output["runs"]:
        lines += _run_md(
            "Filtered: each subscriber watches one invoice", output["runs"]["filtered"]
        )
    if "sweep" in output["runs"]:
        lines += _run_md(
            "Sweep: the filtered shape at lower rates (a gateway of its own)",
            output["runs"]["sweep"],
        )
    if "fanout" in output["runs"]:
        lines += _run_md("Fan-out: every subscriber watches every event", output["runs"]["fanout"])
    lines += ["## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in output["machine"].items()]
    return "\n".join(lines) + "\n"


def write(directory: Path, output: dict[str, Any]) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    md, raw = directory / "latest.md", directory / "latest.json"
    raw.write_text(json.dumps(output, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md.write_text(markdown(output), encoding="utf-8")
    return md, raw
