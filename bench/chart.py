"""The results as one PNG (bench/results/latest.png), drawn with matplotlib's Agg backend."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import ScalarFormatter

from bench.measure import Measurement
from bench.scenarios import Results

COLOURS = {
    "yardstick": "#8c8c8c",
    "gateway": "#1f77b4",
    "gateway-1w": "#1f77b4",
    "gateway-2w": "#2ca02c",
    "aiohttp-proxy": "#bcbd22",
    "hand-written": "#bcbd22",
    "hive-gateway": "#e377c2",
}


def _value(m: Measurement, name: str) -> float:
    return float(getattr(m, name) if hasattr(m, name) else getattr(m.load, name))


def _find(runs: list[Measurement], server: str, concurrency: int) -> Measurement | None:
    return next((m for m in runs if (m.server, m.concurrency) == (server, concurrency)), None)


def _bars(
    axes: Axes,
    runs: list[Measurement],
    servers: list[str],
    value: str,
    title: str,
    *,
    ratio_to: str | None = None,
    marker: str | None = None,
    marker_label: str = "",
) -> None:
    """Bars of `value` per concurrency and server; `ratio_to` writes each bar's ratio to that
    server's above it; `marker` adds a second value (e.g. p99) as a tick over each bar."""
    concurrencies = sorted({m.concurrency for m in runs})
    width = 0.8 / len(servers)
    for index, server in enumerate(servers):
        offset = (index - (len(servers) - 1) / 2) * width
        placed = [
            (position + offset, m)
            for position, concurrency in enumerate(concurrencies)
            if (m := _find(runs, server, concurrency)) is not None
        ]
        xs = [x for x, _ in placed]
        axes.bar(
            xs,
            [_value(m, value) for _, m in placed],
            width,
            label=server,
            color=COLOURS.get(server),
        )
        if marker is not None:
            axes.scatter(
                xs,
                [_value(m, marker) for _, m in placed],
                marker="_",
                s=400,
                color="black",
                label=marker_label if index == 0 else None,
            )
        if ratio_to is None or server == ratio_to:
            continue
        for x, m in placed:
            base = _find(runs, ratio_to, m.concurrency)
            if base is not None and _value(base, value) > 0:
                axes.annotate(
                    f"{_value(m, value) / _value(base, value):.2f}x",
                    (x, _value(m, value)),
                    ha="center",
                    va="bottom",
                    fontsize=8,
                )
    axes.set_xticks(range(len(concurrencies)), [f"c{c}" for c in concurrencies])
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8)


def _growth(axes: Axes, results: Results) -> None:
    for server in ("yardstick", "gateway"):
        runs = sorted((m for m in results.growth if m.server == server), key=lambda m: m.items)
        if runs:
            axes.plot(
                [m.items for m in runs],
                [m.cpu_ms_per_request for m in runs],
                "o-",
                label=server,
                color=COLOURS[server],
            )
    axes.set_xscale("log")
    axes.set_yscale("log")
    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_formatter(ScalarFormatter())
    axes.set_xlabel("receivables and services (each)")
    axes.set_title(
        f"server CPU ms per request by invoice size (c{results.options.growth_concurrency})",
        fontsize=10,
    )
    axes.legend(fontsize=8)


def _memory(axes: Axes, results: Results) -> None:
    if results.soak:
        axes.plot(
            [n for n, _ in results.soak],
            [r for _, r in results.soak],
            "o-",
            color=COLOURS["gateway"],
        )
        axes.set_xlabel("requests served")
        axes.set_title("gateway RSS MiB over many requests", fontsize=10)
        return
    _bars(
        axes,
        results.main,
        ["yardstick", "gateway"],
        "rss_mib",
        "RSS MiB after each run (tick: peak)",
        marker="hwm_mib",
        marker_label="peak",
    )


def draw(results: Results, path: Path) -> Path:
    figure, grid = plt.subplots(2, 3, figsize=(16, 9))
    servers = ["yardstick", "gateway"]
    _bars(
        grid[0][0],
        results.main,
        servers,
        "rps",
        "requests/s (ratio to the yardstick)",
        ratio_to="yardstick",
    )
    _bars(
        grid[0][1],
        results.main,
        servers,
        "p50_ms",
        "latency ms: p50 (bars) and p99 (ticks)",
        marker="p99_ms",
        marker_label="p99",
    )
    grid[0][1].set_yscale("log")
    grid[0][1].yaxis.set_major_formatter(ScalarFormatter())
    _bars(
        grid[0][2],
        results.main,
        servers,
        "cpu_ms_per_request",
        "server CPU ms per request (ratio to the yardstick)",
        ratio_to="yardstick",
    )
    _growth(grid[1][0], results)
    if results.workers:
        _bars(
            grid[1][1],
            results.workers,
            ["gateway-1w", "gateway-2w"],
            "rps",
            "gateway requests/s, 1 vs 2 workers",
            ratio_to="gateway-1w",
        )
    else:
        grid[1][1].set_axis_off()
    _memory(grid[1][2], results)
    figure.suptitle(
        "createInvoice, full selection: the gateway against a plain Starlette + httpx proxy "
        "(same run)"
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return path
