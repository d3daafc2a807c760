"""`bench/run-reads --compare REF,...`: the same-run A/B of several gateway commits.

Each REF is a snapshot (`bench/gateway_code.py`) run as one more server beside the gateway
under test (`--code`, HEAD by default) in every scenario's interleaved slices, so every
commit sees the same machine. The report orders the commits as asked, the gateway under test
last, and gives each one's figures with two ratios: to the first (the *before*) and to the
previous one (what that step bought).
"""

from __future__ import annotations

import statistics
import subprocess
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from bench import gateway_code

if TYPE_CHECKING:
    from bench.measure import Measurement
    from bench.reads import ReadResults


@dataclass(frozen=True)
class Compared:
    """One commit of the A/B: its server's label in the runs, the revision as asked."""

    label: str
    asked: str
    commit: str
    subject: str  # the commit's subject line
    under_test: bool = False  # the gateway of `--code`, not a `--compare` snapshot

    @property
    def name(self) -> str:
        shown = self.commit if self.asked in (self.commit, "") else f"{self.asked} = {self.commit}"
        return f"{shown} (under test)" if self.under_test else shown


def label_for(commit: str) -> str:
    return f"gateway@{commit}"


def subject(commit: str) -> str:
    completed = subprocess.run(
        ["git", "log", "-1", "--format=%s", commit],
        capture_output=True,
        text=True,
        cwd=gateway_code.REPO,
        timeout=30,
        check=False,
    )
    return completed.stdout.strip()


@dataclass(frozen=True)
class Row:
    """One commit's figures in one scenario at one concurrency (and size)."""

    code: str
    rps: float | None = None
    cpu_ms: float | None = None
    us_per_item: float | None = None  # per item only: CPU µs per extra item
    rps_vs_first: float | None = None
    cpu_vs_first: float | None = None
    us_vs_first: float | None = None
    rps_vs_previous: float | None = None
    cpu_vs_previous: float | None = None
    us_vs_previous: float | None = None
    missing: str | None = None  # why there is no figure


@dataclass(frozen=True)
class Table:
    scenario: str  # "reads", "graph", "writes", "per-item"
    heading: str
    concurrency: int
    items: int
    rows: list[Row]


def _find(runs: list[Measurement], label: str, concurrency: int, items: int) -> Measurement | None:
    return next(
        (
            m
            for m in runs
            if m.server == label and m.concurrency == concurrency and m.items == items
        ),
        None,
    )


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def _rows(
    runs: list[Measurement],
    compared: list[Compared],
    concurrency: int,
    items: int,
    *,
    per_item: bool,
    missing: dict[str, str],
    rounds: dict[str, dict[int, list[float]]] | None = None,
) -> list[Row]:
    rows: list[Row] = []
    first: Row | None = None
    previous: Row | None = None
    for code in compared:
        m = _find(runs, code.label, concurrency, items)
        if m is None:
            rows.append(Row(code=code.name, missing=missing.get(code.label, "not measured")))
            continue
        us = None
        if per_item:
            base = _find(runs, code.label, concurrency, 1)
            figures = (rounds or {}).get(code.label, {}).get(items)
            if figures:  # as the report's own figure: the median of the rounds'
                us = statistics.median(figures)
            elif base is not None and items > 1:
                us = 1000 * (m.cpu_ms_per_request - base.cpu_ms_per_request) / (2 * (items - 1))
        row = Row(code=code.name, rps=m.rps, cpu_ms=m.cpu_ms_per_request, us_per_item=us)
        if first is not None and previous is not None:
            row = Row(
                code=row.code,
                rps=row.rps,
                cpu_ms=row.cpu_ms,
                us_per_item=us,
                rps_vs_first=_ratio(row.rps, first.rps),
                cpu_vs_first=_ratio(row.cpu_ms, first.cpu_ms),
                us_vs_first=_ratio(us, first.us_per_item),
                rps_vs_previous=_ratio(row.rps, previous.rps),
                cpu_vs_previous=_ratio(row.cpu_ms, previous.cpu_ms),
                us_vs_previous=_ratio(us, previous.us_per_item),
            )
        first = first or row
        previous = row
        rows.append(row)
    return rows


def tables(results: ReadResults) -> list[Table]:
    """Every scenario's A/B, by concurrency (by size for per item), in the report's order."""
    compared = results.compared
    if len(compared) < 2:
        return []
    found: list[Table] = []
    scenarios = (
        ("reads", "read page", results.reads),
        ("graph", "graph page", results.graph),
        ("writes", "createInvoice", results.writes),
    )
    for scenario, what, runs in scenarios:
        for concurrency in sorted({m.concurrency for m in runs}):
            items = next(m.items for m in runs if m.concurrency == concurrency)
            rows = _rows(
                runs,
                compared,
                concurrency,
                items,
                per_item=False,
                missing=results.compare_missing.get(scenario, {}),
            )
            found.append(Table(scenario, f"{what}, c{concurrency}", concurrency, items, rows))
    for items in sorted({m.items for m in results.per_item}):
        rows = _rows(
            results.per_item,
            compared,
            1,
            items,
            per_item=True,
            missing=results.compare_missing.get("per-item", {}),
            rounds=results.per_item_rounds,
        )
        found.append(Table("per-item", f"createInvoice with N = {items}, c1", 1, items, rows))
    return found


def _x(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def markdown(table: Table) -> list[str]:
    per_item = table.scenario == "per-item" and table.items > 1
    head = ["code", "req/s", "CPU ms/req"] + (["µs/item"] if per_item else [])
    head += ["req/s vs first", "CPU vs first"] + (["µs/item vs first"] if per_item else [])
    head += ["**req/s vs previous**", "**CPU vs previous**"]
    head += ["**µs/item vs previous**"] if per_item else []
    lines = [f"| {' | '.join(head)} |", "|" + " --- |" * len(head)]
    for row in table.rows:
        if row.missing is not None:
            lines.append(f"| {row.code} | " + " | ".join(["n/a"] * (len(head) - 1)) + " |")
            continue
        cells = [row.code, f"{row.rps:.1f}", f"{row.cpu_ms:.2f}"]
        if per_item:
            cells.append("" if row.us_per_item is None else f"{row.us_per_item:.1f}")
        cells += [_x(row.rps_vs_first), _x(row.cpu_vs_first)]
        cells += [_x(row.us_vs_first)] if per_item else []
        bold = [_x(row.rps_vs_previous), _x(row.cpu_vs_previous)]
        bold += [_x(row.us_vs_previous)] if per_item else []
        cells += [f"**{cell}**" if cell else "" for cell in bold]
        lines.append(f"| {' | '.join(cells)} |")
    return lines


def summary(results: ReadResults) -> list[str]:
    """One row per commit: the headline of each scenario (the highest concurrency; per item,
    the largest N), each with its ratio to the first commit in parentheses."""
    found = tables(results)
    picks: list[Table] = []
    for scenario in ("reads", "graph", "writes", "per-item"):
        of = [t for t in found if t.scenario == scenario]
        if of:
            picks.append(max(of, key=lambda t: (t.concurrency, t.items)))
    if not picks:
        return []
    head = ["code"]
    for t in picks:
        if t.scenario == "per-item":
            head.append(f"per item, N = {t.items}: µs/item")
        else:
            head += [f"{t.heading}: req/s", f"{t.heading}: CPU ms/req"]
    lines = [f"| {' | '.join(head)} |", "|" + " --- |" * len(head)]
    for index, code in enumerate(results.compared):
        cells = [code.name]
        for t in picks:
            row = t.rows[index]
            if row.missing is not None:
                cells += ["n/a"] if t.scenario == "per-item" else ["n/a", "n/a"]
            elif t.scenario == "per-item":
                us = "" if row.us_per_item is None else f"{row.us_per_item:.1f}"
                cells.append(us + (f" ({_x(row.us_vs_first)})" if row.us_vs_first else ""))
            else:
                cells.append(
                    f"{row.rps:.1f}" + (f" ({_x(row.rps_vs_first)})" if row.rps_vs_first else "")
                )
                cells.append(
                    f"{row.cpu_ms:.2f}" + (f" ({_x(row.cpu_vs_first)})" if row.cpu_vs_first else "")
                )
        lines.append(f"| {' | '.join(cells)} |")
    return lines


def section(results: ReadResults) -> list[str]:
    """The report's A/B section (nothing without `--compare`)."""
    if len(results.compared) < 2:
        return []
    lines = [
        "## Same-run A/B: " + ", ".join(c.commit for c in results.compared),
        "",
        "Each commit's gateway is a snapshot (`bench/gateway_code.py`) run as one more server "
        "on the servers' core, in every scenario's interleaved slices beside the others; the "
        "gateway under test comes last. *vs first* is the ratio to the first commit (the "
        "before), *vs previous* to the row above (what that step bought). Higher req/s and "
        "lower CPU are better.",
        "",
        "| code | server in the runs | subject |",
        "| --- | --- | --- |",
        *(
            f"| {c.name} | `{c.label}` | {c.subject[:120]}{'...' if len(c.subject) > 120 else ''} |"
            for c in results.compared
        ),
        "",
        "Headlines (ratio to the first commit in parentheses):",
        "",
        *summary(results),
        "",
    ]
    for table in tables(results):
        lines += [f"### {table.heading}", "", *markdown(table), ""]
    if results.compare_problems:
        lines += ["Commits that could not run a scenario:", ""]
        lines += [f"- {p}" for p in results.compare_problems] + [""]
    return lines


def as_json(results: ReadResults) -> dict[str, Any] | None:
    if len(results.compared) < 2:
        return None
    return {
        "codes": [asdict(c) for c in results.compared],
        "tables": [asdict(t) for t in tables(results)],
        "problems": results.compare_problems,
    }
