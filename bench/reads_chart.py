"""`bench/run-reads`' results as one PNG (bench/results/reads/latest.png), drawn like
`bench/chart.py`: the read page, the graph page and createInvoice, each server's throughput
and CPU per request with its ratio to the run's baseline, the cost per item and the soak."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import ScalarFormatter

from bench import chart

if TYPE_CHECKING:
    from bench.measure import Measurement
    from bench.reads import ReadResults

READ_SERVERS = ["yardstick", "aiohttp-proxy", "gateway", "hive-gateway"]
GRAPH_SERVERS = ["hand-written", "gateway", "hive-gateway"]


def _servers(runs: list[Measurement], order: list[str]) -> list[str]:
    present = {m.server for m in runs}
    return [server for server in order if server in present]


def _pair(
    grid: list[Axes], runs: list[Measurement], order: list[str], base: str, what: str
) -> None:
    """Throughput and CPU per request, side by side, as ratios to `base`."""
    if not runs:
        for axes in grid:
            axes.set_axis_off()
        return
    servers = _servers(runs, order)
    chart._bars(
        grid[0], runs, servers, "rps", f"{what}: requests/s (ratio to {base})", ratio_to=base
    )
    chart._bars(
        grid[1],
        runs,
        servers,
        "cpu_ms_per_request",
        f"{what}: server CPU ms per request (ratio to {base})",
        ratio_to=base,
    )


def _per_item(axes: Axes, results: ReadResults) -> None:
    runs = sorted((m for m in results.per_item if m.server == "gateway"), key=lambda m: m.items)
    if not runs:
        axes.set_axis_off()
        return
    axes.plot(
        [m.items for m in runs],
        [m.cpu_ms_per_request for m in runs],
        "o-",
        color=chart.COLOURS["gateway"],
        label="gateway",
    )
    axes.set_xscale("log")
    axes.set_yscale("log")
    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_formatter(ScalarFormatter())
    axes.set_xlabel("receivables and services (each)")
    axes.set_title("createInvoice: gateway CPU ms per request by size (c1)", fontsize=10)
    axes.legend(fontsize=8)


def _soak(axes: Axes, results: ReadResults) -> None:
    soak = results.soak
    if soak is None or not soak.samples:
        axes.set_axis_off()
        return
    axes.plot(
        [0, *(n for n, _ in soak.samples)],
        [soak.start_mib, *(rss for _, rss in soak.samples)],
        "o-",
        color=chart.COLOURS["gateway"],
    )
    axes.axhline(100, color="#d62728", linestyle="--", linewidth=1, label="100 MiB")
    axes.set_ylim(bottom=0)
    axes.set_xlabel("read pages served")
    axes.set_title(f"soak: gateway RSS MiB (c{soak.concurrency})", fontsize=10)
    axes.legend(fontsize=8)


def draw(results: ReadResults, path: Path) -> Path:
    """One row per scenario that ran (its throughput and CPU), the cost per item and the
    soak in the third column."""
    pairs = [
        (runs, order, base, what)
        for runs, order, base, what in (
            (results.reads, READ_SERVERS, "yardstick", "read page"),
            (results.graph, GRAPH_SERVERS, "hand-written", "graph page"),
            (results.writes, READ_SERVERS, "yardstick", "createInvoice"),
        )
        if runs
    ]
    sides = [
        side for side, present in ((_per_item, results.per_item), (_soak, results.soak)) if present
    ]
    rows = max(1, len(pairs), len(sides))
    figure, grid = plt.subplots(rows, 3, figsize=(16, 4.3 * rows + 0.6), squeeze=False)
    for row in range(rows):
        if row < len(pairs):
            runs, order, base, what = pairs[row]
            _pair([grid[row][0], grid[row][1]], runs, order, base, what)
        else:
            grid[row][0].set_axis_off()
            grid[row][1].set_axis_off()
        if row < len(sides):
            sides[row](grid[row][2], results)
        else:
            grid[row][2].set_axis_off()
    figure.suptitle(
        "issue 17, one run: a 100-invoice page (every field), the graph page (contract and "
        "customer names) and createInvoice, against the yardstick, an aiohttp proxy, a "
        "hand-written client and Hive Gateway",
        fontsize=11,
    )
    figure.tight_layout(rect=(0, 0, 1, 0.97))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return path
