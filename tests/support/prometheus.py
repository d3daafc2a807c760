"""A real Prometheus (Debian's `prometheus` package) on loopback, scraping a gateway's /metrics.

It runs as a plain child process with a generated config and its own temporary storage, never
as the system service. Only the standard library is used, so that `bench/dashboard_picture.py`
can run it from bench/.venv as well.
"""

from __future__ import annotations

import json
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BINARY = Path("/usr/bin/prometheus")
SCRAPE_INTERVAL = "1s"
STARTUP_TIMEOUT = 30.0
# The job of the target scraped with the right token; the other one is scraped with a wrong
# one, to show the scrape is refused.
JOB = "gateway"
WRONG_TOKEN_JOB = "gateway-wrong-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PrometheusError(Exception):
    """The API answered with an error (a PromQL expression that does not parse, say)."""


@dataclass(frozen=True)
class Prometheus:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def api(self, path: str, **params: str | float) -> Any:
        query = urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(f"{self.url}/api/v1/{path}?{query}", timeout=10) as answer:
                body = json.load(answer)
        except urllib.error.HTTPError as error:
            # Bad expressions are a 400 with the same JSON envelope.
            body = json.load(error)
        if body.get("status") != "success":
            raise PrometheusError(f"{body.get('errorType')}: {body.get('error')}")
        return body["data"]

    def query(self, expression: str) -> list[dict[str, Any]]:
        """An instant vector at now, each item {"metric": labels, "value": [t, "v"]}."""
        data = self.api("query", query=expression)
        if data["resultType"] != "vector":
            raise PrometheusError(f"{expression!r} is a {data['resultType']}, not a vector")
        result: list[dict[str, Any]] = data["result"]
        return result

    def values(self, expression: str, by: str) -> dict[str, float]:
        """The instant vector as {value of label `by`: sample value}."""
        return {
            item["metric"].get(by, ""): float(item["value"][1]) for item in self.query(expression)
        }

    def scalar(self, expression: str) -> float:
        result = self.query(expression)
        if len(result) != 1:
            raise PrometheusError(f"{expression!r} gave {len(result)} series, not one")
        return float(result[0]["value"][1])

    def query_range(
        self, expression: str, start: float, end: float, step: float
    ) -> list[dict[str, Any]]:
        """A range matrix, each item {"metric": labels, "values": [[t, "v"], ...]}."""
        data = self.api("query_range", query=expression, start=start, end=end, step=step)
        result: list[dict[str, Any]] = data["result"]
        return result

    def last_scrape(self, job: str = JOB) -> float | None:
        """When the last successful scrape of `job` started (Unix seconds), if one did."""
        # timestamp() gives the sample's own time only when its argument is a plain selector
        # (of anything else, the evaluation time), so whether the scrape succeeded is a second
        # query.
        stamped = self.query(f'timestamp(up{{job="{job}"}})')
        if not stamped or self.scalar(f'up{{job="{job}"}}') != 1:
            return None
        return float(stamped[0]["value"][1])

    def wait_for_scrapes_after(self, moment: float, scrapes: int = 1, timeout: float = 15) -> float:
        """Until `scrapes` successful scrapes of the gateway have started after `moment` (two
        give every series created before it the two samples `rate` needs); returns when the
        last one started."""
        deadline = time.monotonic() + timeout
        after = moment
        for _ in range(scrapes):
            while (scraped := self.last_scrape()) is None or scraped <= after:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"no scrape of {JOB!r} after {after} within {timeout} s; "
                        f"targets: {self.api('targets')}"
                    )
                time.sleep(0.1)
            after = scraped
        return after

    def target(self, job: str) -> dict[str, Any]:
        """The active target of `job`, as the targets API shows it (health, lastError)."""
        for target in self.api("targets", state="active")["activeTargets"]:
            if target["labels"]["job"] == job:
                found: dict[str, Any] = target
                return found
        raise PrometheusError(f"no active target for job {job!r}")

    def wait_for_target_health(self, job: str, timeout: float = 15) -> dict[str, Any]:
        """Until `job`'s target has been scraped once (its health is no longer unknown)."""
        deadline = time.monotonic() + timeout
        while (target := self.target(job))["health"] == "unknown":
            if time.monotonic() > deadline:
                raise TimeoutError(f"{job!r} was never scraped within {timeout} s")
            time.sleep(0.1)
        return target


def config(metrics_address: str, token: str | None) -> dict[str, Any]:
    """Two jobs on the gateway's metrics port: one with `token`, one with a wrong token."""

    def job(name: str, credentials: str | None) -> dict[str, Any]:
        scrape: dict[str, Any] = {
            "job_name": name,
            "static_configs": [{"targets": [metrics_address]}],
        }
        if credentials is not None:
            scrape["authorization"] = {"type": "Bearer", "credentials": credentials}
        return scrape

    return {
        "global": {
            "scrape_interval": SCRAPE_INTERVAL,
            "scrape_timeout": SCRAPE_INTERVAL,
            "evaluation_interval": SCRAPE_INTERVAL,
        },
        "scrape_configs": [job(JOB, token), job(WRONG_TOKEN_JOB, f"not-{token}")],
    }


@contextmanager
def running_prometheus(
    metrics_address: str, token: str | None, extra_flags: Mapping[str, str] | None = None
) -> Iterator[Prometheus]:
    """Prometheus scraping `metrics_address` (host:port) every second, ready to query."""
    if not BINARY.exists():
        raise RuntimeError(f"{BINARY} is missing: apt-get install prometheus (scripts/test does)")
    with tempfile.TemporaryDirectory(prefix="prometheus-") as directory:
        root = Path(directory)
        config_file = root / "prometheus.yml"
        # JSON is YAML, so the config needs no YAML writer.
        config_file.write_text(json.dumps(config(metrics_address, token)), encoding="utf-8")
        log = root / "prometheus.log"
        port = free_port()
        flags = {
            "config.file": str(config_file),
            "storage.tsdb.path": str(root / "data"),
            "web.listen-address": f"127.0.0.1:{port}",
            **(extra_flags or {}),
        }
        with log.open("wb") as output:
            process = subprocess.Popen(
                [str(BINARY), *(f"--{name}={value}" for name, value in flags.items())],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        prometheus = Prometheus(f"http://127.0.0.1:{port}", process, log)
        try:
            _wait_until_ready(prometheus)
            yield prometheus
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _wait_until_ready(prometheus: Prometheus) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if prometheus.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{prometheus.url}/-/ready", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.1)
    log = prometheus.log.read_text(encoding="utf-8", errors="replace")
    raise RuntimeError(f"Prometheus did not become ready:\n{log}")
