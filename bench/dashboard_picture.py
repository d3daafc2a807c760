"""docs/dashboard.png: the panels of the Grafana dashboard (dashboards/gateway.json) over a
short real run, drawn with matplotlib. Grafana itself cannot be installed here, so this is not
a Grafana screenshot: each panel's own PromQL is sent to a real Prometheus (Debian's package,
scraping the gateway every second) with `/api/v1/query_range` over the run, and the series
it answers are drawn in the dashboard's grid, under its titles, units and legends.

The run, about 90 s on loopback: the sandbox upstream (sending its signed webhooks to the
gateway) and one gateway process, each in the project's .venv; reader, writer, error and APQ
clients; SSE subscribers; a client that floods past the rate limit for a while; and the
upstream stopped for ten seconds (its calls fail, the circuit opens) then started again.

    bench/setup-venvs && bench/.venv/bin/python -m bench.dashboard_picture [--out PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import math
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter
from PIL import Image

from bench import procs

ROOT = Path(__file__).resolve().parents[1]
# The same Prometheus as tests/e2e/test_prometheus.py, and the documented example invoice.
sys.path.insert(0, str(ROOT))
from examples.seed import seed_variables_json  # noqa: E402
from tests.support.prometheus import Prometheus, running_prometheus  # noqa: E402

PROJECT_PYTHON = ROOT / ".venv" / "bin" / "python"
DASHBOARD = ROOT / "dashboards" / "gateway.json"
OUT = ROOT / "docs" / "dashboard.png"

TOKEN = "dashboard-picture"
METRICS_TOKEN = "dashboard-scrape"
WEBHOOK_SECRET = "dashboard-webhooks"
RATE_LIMIT = "120/second"

# Seconds from the start of the load.
DURATION = 90.0
FLOOD = (25.0, 35.0)
OUTAGE = (50.0, 60.0)
SUBSCRIBERS = ((8.0, 80.0), (8.0, 80.0), (15.0, 70.0), (30.0, 45.0), (30.0, 45.0))
STEP = 2.0
# What Grafana would put for $__rate_interval with a 1 s scrape is 4 s; a longer window
# smooths a picture of a few dozen requests per second.
RATE_INTERVAL = "10s"

INVOICE_READ = """
query InvoiceRead($contractId: ID!, $id: ID!) {
  invoice(contractId: $contractId, id: $id) { id state grossValue }
}
"""
CREATE_INVOICE = """
mutation CreateInvoice($input: CreateInvoiceInput!) {
  createInvoice(input: $input) { invoice { id } userErrors { code } }
}
"""
INVOICES_PAGE = """
query InvoicesPage($first: Int!) {
  invoices(organizationId: "1", first: $first) { edges { node { id } } }
}
"""
SUBSCRIBE = 'subscription Watch { invoiceEvents(contractId: "3") { event invoiceId } }'

# The gateway's process: the sandbox upstream, served with its webhooks pointed at the gateway.
SANDBOX = """
import sys, uvicorn
from upstream_sandbox import create_app
port, token, webhook_url, secret = sys.argv[1:]
app = create_app(token=token, webhook_url=webhook_url, webhook_secret=secret)
uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning")
"""


def invoice_input(description: str, contract: str = "3") -> dict[str, Any]:
    """The documented example invoice (examples/seed.py), described as `description`."""
    variables: dict[str, Any] = json.loads(seed_variables_json())
    variables["input"] |= {"description": description, "contractId": contract}
    return variables


class Client:
    """One keep-alive connection to a server; reconnects after any failure."""

    def __init__(self, port: int, authorization: str = f"Token token={TOKEN}") -> None:
        self._port = port
        self._authorization = authorization
        self._connection: http.client.HTTPConnection | None = None

    def post(self, path: str, body: object, **headers: str) -> tuple[int, Any]:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = {
            "Content-Type": "application/json",
            **headers,
        }
        if self._authorization:
            sent["Authorization"] = self._authorization
        try:
            if self._connection is None:
                self._connection = http.client.HTTPConnection("127.0.0.1", self._port, timeout=30)
            self._connection.request("POST", path, payload, sent)
            response = self._connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, None
        with suppress(ValueError):
            return response.status, json.loads(data)
        return response.status, None

    def graphql(self, body: dict[str, Any], **headers: str) -> Any:
        return self.post("/graphql", body, **headers)[1]

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@dataclass
class Run:
    gateway_port: int
    sandbox_port: int
    started: float = field(default_factory=time.time)
    stop: threading.Event = field(default_factory=threading.Event)
    created: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def elapsed(self) -> float:
        return time.time() - self.started

    def until(self, moment: float) -> bool:
        """Wait until `moment` s into the run; False when the run stops first."""
        return not self.stop.wait(max(0.0, moment - self.elapsed()))

    def loop(self, pause: float) -> Iterator[int]:
        count = 0
        while not self.stop.wait(pause):
            yield count
            count += 1

    def invoice(self) -> str | None:
        with self.lock:
            return random.choice(self.created[-50:]) if self.created else None


def reader(run: Run) -> None:
    client = Client(run.gateway_port)
    for _ in run.loop(0.05):
        invoice = run.invoice() or "1"
        variables = {"contractId": "3", "id": invoice}
        client.graphql({"query": INVOICE_READ, "variables": variables})


def writer(run: Run) -> None:
    """Creates with idempotency keys: now and then a retry (replayed), a key reused for
    another body, an invoice emitted in the product's UI (a webhook, so an event)."""
    client = Client(run.gateway_port)
    sandbox = Client(run.sandbox_port)
    for count in run.loop(0.25):
        key = f"picture-{count}"
        result = client.graphql(
            {"query": CREATE_INVOICE, "variables": invoice_input(f"picture {count}")},
            **{"Idempotency-Key": key},
        )
        try:
            invoice = result["data"]["createInvoice"]["invoice"]["id"]
        except (TypeError, KeyError):
            continue
        with run.lock:
            run.created.append(invoice)
        if count % 5 == 0:
            client.graphql(
                {"query": CREATE_INVOICE, "variables": invoice_input(f"picture {count}")},
                **{"Idempotency-Key": key},
            )
        if count % 17 == 0:
            client.graphql(
                {"query": CREATE_INVOICE, "variables": invoice_input("another body")},
                **{"Idempotency-Key": key},
            )
        if count % 3 == 0:
            sandbox.post(f"/sandbox/invoices/{invoice}/emit", b"")


def mistakes(run: Run) -> None:
    """What clients get wrong: an unknown field, a page of 0, an unknown contract (a user
    error, not a GraphQL error), a wrong token."""
    client = Client(run.gateway_port)
    stranger = Client(run.gateway_port, "Token token=wrong")
    for count in run.loop(0.4):
        match count % 4:
            case 0:
                client.graphql({"query": "query Broken { noSuchField }"})
            case 1:
                client.graphql({"query": INVOICES_PAGE, "variables": {"first": 0}})
            case 2:
                client.graphql(
                    {"query": CREATE_INVOICE, "variables": invoice_input("lost", contract="999")}
                )
            case _:
                stranger.graphql(
                    {"query": INVOICE_READ, "variables": {"contractId": "3", "id": "1"}}
                )


def persisted(run: Run) -> None:
    """APQ as Apollo Client does it: the hash alone, and on a miss the query with it; a new
    document now and then, so misses keep coming."""
    client = Client(run.gateway_port)
    for count in run.loop(0.1):
        variant = count // 20
        query = f'query PersistedRead {{ invoice(contractId: "3", id: "{variant}") {{ id }} }}'
        extension = {
            "persistedQuery": {
                "version": 1,
                "sha256Hash": hashlib.sha256(query.encode()).hexdigest(),
            }
        }
        answer = client.graphql({"extensions": extension})
        codes = [
            error.get("extensions", {}).get("code") for error in (answer or {}).get("errors", [])
        ]
        if "PERSISTED_QUERY_NOT_FOUND" in codes:
            client.graphql({"query": query, "extensions": extension})


def flood(run: Run) -> None:
    """A client past GATEWAY_RATE_LIMIT for a while: 429s. Without credentials it is limited
    by its address, apart from the others (all of them with credentials)."""
    if not run.until(FLOOD[0]):
        return
    client = Client(run.gateway_port, authorization="")
    while run.elapsed() < FLOOD[1] and not run.stop.is_set():
        client.graphql({"query": "query Ping { __typename }"})


def subscriber(run: Run, start: float, end: float) -> None:
    """An SSE subscription from `start` to `end` s; heartbeats every second let it notice."""
    if not run.until(start):
        return
    connection = http.client.HTTPConnection("127.0.0.1", run.gateway_port, timeout=30)
    try:
        connection.request(
            "POST",
            "/graphql",
            json.dumps({"query": SUBSCRIBE}).encode(),
            {
                "Content-Type": "application/json",
                "Accept": "text/event-stream",
                "Authorization": f"Token token={TOKEN}",
            },
        )
        response = connection.getresponse()
        while run.elapsed() < end and not run.stop.is_set():
            if not response.readline():
                break
    except OSError:
        pass
    finally:
        connection.close()


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout} s")


class Sandbox:
    """The sandbox upstream as a process of the project's .venv, stopped for the outage and
    started again on the same port (with a fresh state: only its seed)."""

    def __init__(self, port: int, gateway_port: int, logs: Path) -> None:
        self.port = port
        self._argv = [str(PROJECT_PYTHON), "-c", SANDBOX, str(port), TOKEN]
        self._argv += [f"http://127.0.0.1:{gateway_port}/webhooks", WEBHOOK_SECRET]
        self._log = logs / "sandbox.log"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                self._argv, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(10)


@contextmanager
def running_sandbox(port: int, gateway_port: int, logs: Path) -> Iterator[Sandbox]:
    upstream = Sandbox(port, gateway_port, logs)
    upstream.start()
    try:
        yield upstream
    finally:
        upstream.stop()


def run_load(gateway_port: int, upstream: Sandbox) -> tuple[float, float]:
    """The load; returns when it started and when it ended (Unix seconds)."""
    run = Run(gateway_port, upstream.port)
    workers: list[Callable[[], None]] = [
        *(lambda: reader(run) for _ in range(3)),
        lambda: writer(run),
        lambda: mistakes(run),
        lambda: persisted(run),
        *(lambda: flood(run) for _ in range(2)),
        *(lambda start=start, end=end: subscriber(run, start, end) for start, end in SUBSCRIBERS),
    ]
    threads = [threading.Thread(target=work, daemon=True) for work in workers]
    for thread in threads:
        thread.start()
    run.until(OUTAGE[0])
    print(f"{run.elapsed():5.1f} s: upstream stopped", file=sys.stderr)
    upstream.stop()
    run.until(OUTAGE[1])
    upstream.start()
    with run.lock:
        run.created.clear()  # the new sandbox has only its seed
    print(f"{run.elapsed():5.1f} s: upstream back", file=sys.stderr)
    run.until(DURATION)
    run.stop.set()
    for thread in threads:
        thread.join(35)
    return run.started, time.time()


# --- drawing -----------------------------------------------------------------------------

BACKGROUND = "#111217"
PANEL = "#181b1f"
TEXT = "#ccccdc"
GRID = "#2c3235"
PALETTE = (
    "#73bf69",
    "#f2cc0c",
    "#8ab8ff",
    "#ff780a",
    "#f2495c",
    "#5794f2",
    "#b877d9",
    "#fade2a",
    "#37872d",
    "#96d98d",
)


def formatter(unit: str) -> FuncFormatter:
    def plain(value: float) -> str:
        return f"{value:.3g}"

    def seconds(value: float) -> str:
        return f"{value * 1000:.3g} ms" if value < 1 else f"{value:.3g} s"

    def mebibytes(value: float) -> str:
        return f"{value / 2**20:.0f} MiB"

    shown: dict[str, Callable[[float], str]] = {
        "reqps": lambda value: f"{value:.3g}/s",
        "s": seconds,
        "percentunit": lambda value: f"{value * 100:.0f}%",
        "bytes": mebibytes,
    }
    show = shown.get(unit, plain)
    return FuncFormatter(lambda value, _: show(value))


def legend(template: str, labels: dict[str, str]) -> str:
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda found: labels.get(found.group(1), ""), template)


@dataclass
class Series:
    name: str
    times: list[float]
    values: list[float]


def panel_series(
    prometheus: Prometheus, panel: dict[str, Any], start: float, end: float
) -> list[Series]:
    series = []
    for target in panel["targets"]:
        expression = target["expr"].replace("$__rate_interval", RATE_INTERVAL)
        expression = expression.replace("$job", ".+").replace("$instance", ".+")
        for item in prometheus.query_range(expression, start, end, STEP):
            times = [float(moment) - start for moment, _ in item["values"]]
            values = [float(value) for _, value in item["values"]]
            series.append(
                Series(legend(target.get("legendFormat", ""), item["metric"]), times, values)
            )
    return series


def draw_panel(axes: Axes, panel: dict[str, Any], series: list[Series]) -> None:
    axes.set_facecolor(PANEL)
    axes.set_title(panel["title"], color=TEXT, fontsize=9, loc="left", pad=4)
    unit = panel["fieldConfig"]["defaults"].get("unit", "short")
    custom = panel["fieldConfig"]["defaults"].get("custom", {})
    step = custom.get("lineInterpolation") == "stepAfter"

    # The busiest series first: a panel shows its eight largest, as a legend can hold.
    def peak(one: Series) -> float:
        finite = [value for value in one.values if math.isfinite(value)]
        return max(finite, default=0.0)

    shown = sorted(series, key=peak, reverse=True)[:8]
    for index, one in enumerate(shown):
        colour = PALETTE[index % len(PALETTE)]
        if step:
            axes.step(
                one.times, one.values, where="post", color=colour, linewidth=1.2, label=one.name
            )
        else:
            axes.plot(one.times, one.values, color=colour, linewidth=1.1, label=one.name)
    for start, end in (FLOOD, OUTAGE):
        axes.axvspan(start, end, color="#ffffff", alpha=0.04, linewidth=0)
    axes.set_xlim(0, DURATION)
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_formatter(formatter(unit))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}s"))
    axes.tick_params(colors=TEXT, labelsize=6.5, length=2)
    axes.grid(color=GRID, linewidth=0.5)
    for spine in axes.spines.values():
        spine.set_color(GRID)
    if not shown:
        axes.text(
            0.5, 0.5, "No data", color=TEXT, ha="center", va="center", transform=axes.transAxes
        )
    elif any(one.name for one in shown):
        axes.legend(
            fontsize=5.5,
            loc="upper left",
            frameon=False,
            labelcolor=TEXT,
            ncol=2 if len(shown) > 4 else 1,
            handlelength=1.2,
            borderaxespad=0.2,
        )


# Inches: the figure's width, one grid row's height (Grafana's unit is 30 px), the header, and
# the room each panel leaves for its title (above) and its axis labels (left, below).
WIDTH = 16.0
ROW = 0.4
HEADER = 0.75
TITLE_ROOM, LEFT_ROOM, BOTTOM_ROOM, GAP = 0.24, 0.5, 0.22, 0.1


def draw(dashboard: dict[str, Any], panel_data: dict[int, list[Series]], out: Path) -> None:
    """Each panel where the dashboard's gridPos puts it (24 columns, rows of ROW inches)."""
    panels = dashboard["panels"]
    rows = max(panel["gridPos"]["y"] + panel["gridPos"]["h"] for panel in panels)
    height = HEADER + rows * ROW
    figure = plt.figure(figsize=(WIDTH, height), facecolor=BACKGROUND)
    figure.text(
        0.006,
        1 - 0.12 / height,
        f"{dashboard['title']}: the queries of dashboards/gateway.json over a real "
        f"{DURATION:.0f} s run, drawn by matplotlib from Prometheus (not a Grafana screenshot)\n"
        f"shaded: a client flooding past the rate limit ({FLOOD[0]:.0f}-{FLOOD[1]:.0f} s), "
        f"the upstream stopped ({OUTAGE[0]:.0f}-{OUTAGE[1]:.0f} s)",
        color=TEXT,
        fontsize=10.5,
        va="top",
    )
    column = (WIDTH - GAP) / 24

    def box(x: int, y: int, w: int, h: int) -> tuple[float, float, float, float]:
        """The cell in figure fractions (left, bottom, width, height), before any room."""
        top = height - HEADER - y * ROW
        return (GAP + x * column) / WIDTH, (top - h * ROW) / height, w * column, h * ROW

    for panel in panels:
        left, bottom, w, h = box(**panel["gridPos"])
        if panel["type"] == "row":
            figure.text(
                left + 0.002,
                bottom + 0.3 * h / height,
                panel["title"],
                color=TEXT,
                fontsize=10.5,
                fontweight="bold",
            )
            continue
        axes = figure.add_axes(
            (
                left + LEFT_ROOM / WIDTH,
                bottom + BOTTOM_ROOM / height,
                (w - LEFT_ROOM - GAP) / WIDTH,
                (h - TITLE_ROOM - BOTTOM_ROOM) / height,
            )
        )
        draw_panel(axes, panel, panel_data[panel["id"]])
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=72, facecolor=BACKGROUND)
    plt.close(figure)
    # A palette of 128 colours keeps the picture small enough for the repository and the
    # README: these flat colours and thin lines lose nothing.
    with Image.open(out) as drawn:
        drawn.convert("RGB").quantize(128, dither=Image.Dither.NONE).save(out, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--series", type=Path, help="also keep the series queried here, as JSON")
    parser.add_argument(
        "--redraw", type=Path, help="draw the series kept by --series instead of running"
    )
    arguments = parser.parse_args()
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    if arguments.redraw:
        kept = json.loads(arguments.redraw.read_text(encoding="utf-8"))
        panel_data = {int(key): [Series(**one) for one in value] for key, value in kept.items()}
    else:
        panel_data = measure(dashboard)
        if arguments.series:
            kept = {key: [vars(one) for one in value] for key, value in panel_data.items()}
            arguments.series.write_text(json.dumps(kept), encoding="utf-8")
    draw(dashboard, panel_data, arguments.out)
    print(f"wrote {arguments.out} ({arguments.out.stat().st_size // 1024} KiB)", file=sys.stderr)


def measure(dashboard: dict[str, Any]) -> dict[int, list[Series]]:
    """Run the load with Prometheus scraping; each panel's series over the run."""

    gateway_port, sandbox_port, metrics_port = (procs.free_port() for _ in range(3))
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("GATEWAY_", "OTEL_"))
    }
    env |= {
        "GATEWAY_UPSTREAM_URL": f"http://127.0.0.1:{sandbox_port}/api/v1",
        "GATEWAY_METRICS_PORT": str(metrics_port),
        "GATEWAY_METRICS_TOKEN": METRICS_TOKEN,
        "GATEWAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "GATEWAY_RATE_LIMIT": RATE_LIMIT,
        "GATEWAY_BREAKER_RESET_SECONDS": "3",
        "GATEWAY_SUBSCRIPTION_HEARTBEAT_SECONDS": "1",
        "GATEWAY_SHUTDOWN_DELAY_SECONDS": "0",
        "GATEWAY_LOG_LEVEL": "warning",
    }
    with tempfile.TemporaryDirectory(prefix="dashboard-picture-") as directory:
        logs = Path(directory)
        with running_sandbox(sandbox_port, gateway_port, logs) as upstream:
            gateway = procs.start(
                "gateway",
                [str(PROJECT_PYTHON), "-m", "gateway", "--port", str(gateway_port)],
                port=gateway_port,
                ready_path="/readyz",
                cores=None,
                env=env,
                log_dir=logs,
                cwd=ROOT,
            )
            try:
                with running_prometheus(f"127.0.0.1:{metrics_port}", METRICS_TOKEN) as prometheus:
                    prometheus.wait_for_scrapes_after(time.time())
                    started, finished = run_load(gateway_port, upstream)
                    prometheus.wait_for_scrapes_after(finished)
                    panel_data = {
                        panel["id"]: panel_series(prometheus, panel, started, started + DURATION)
                        for panel in dashboard["panels"]
                        if panel["type"] != "row"
                    }
            finally:
                gateway.stop()
    return panel_data


if __name__ == "__main__":
    main()
