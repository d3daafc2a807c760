"""compose.yaml's topology as processes on loopback: a gateway on a port of its choosing (so
that a restarted one comes back where the balancer looks for it) and Debian's HAProxy on
deploy/haproxy/haproxy.cfg, the file compose.yaml mounts, with its stats read as CSV."""

from __future__ import annotations

import contextlib
import csv
import io
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.support.processes import ROOT, RunningProcess, free_port, spawn

HAPROXY = "/usr/sbin/haproxy"  # Debian's package, which scripts/test installs
HAPROXY_CFG = ROOT / "deploy" / "haproxy" / "haproxy.cfg"
BACKEND = "gateways"  # the backend's name in haproxy.cfg
STARTUP_TIMEOUT = 20.0
POLL_SECONDS = 0.05


def start_gateway(port: int, env: dict[str, str]) -> RunningProcess:
    """`python -m gateway --port PORT`, listening (uvicorn sets SO_REUSEADDR, so a restart can
    bind the port its predecessor left in TIME_WAIT)."""
    gateway = spawn(env=env, port=port)
    try:
        gateway.wait_until_listening()
    except BaseException:
        gateway.stop()
        raise
    assert gateway.url == f"http://127.0.0.1:{port}", gateway.url
    return gateway


class Haproxy:
    """A running HAProxy: where clients connect, its servers' states and counters, its log."""

    def __init__(self, process: subprocess.Popen[bytes], url: str, stats: str, log: Path):
        self.process = process
        self.url = url
        self._stats = stats
        self.log = log

    def stats(self) -> dict[str, dict[str, str]]:
        """The backend's rows of `/stats;csv`, by server name (and BACKEND, its total)."""
        response = httpx.get(f"{self._stats}/stats;csv", timeout=5)
        response.raise_for_status()
        rows = csv.DictReader(io.StringIO(response.text.removeprefix("# ")))
        return {row["svname"]: row for row in rows if row["pxname"] == BACKEND}

    def wait_for(self, server: str, status: str, timeout: float) -> float:
        """Until HAProxy reports `server` as `status` (`UP`, `DOWN`); returns when, monotonic.

        `UP 1/2` (failing, not yet out) and `DOWN 1/2` (passing, not yet in) are neither."""
        give_up = time.monotonic() + timeout
        while (seen := self.stats()[server]["status"]) != status:
            if time.monotonic() > give_up:
                raise AssertionError(f"{server} stayed {seen!r}, never {status!r}:\n{self.tail()}")
            time.sleep(POLL_SECONDS)  # polling HAProxy's view, bounded by `timeout`
        return time.monotonic()

    def tail(self, lines: int = 40) -> str:
        return "".join(self.log.read_text(errors="replace").splitlines(True)[-lines:])


@contextlib.contextmanager
def haproxy(backends: tuple[int, int], log: Path) -> Iterator[Haproxy]:
    """HAProxy in the foreground on a free port, balancing the gateways on `backends`."""
    listen, stats = free_port(), free_port()
    env = {
        "PATH": "/usr/sbin:/usr/bin:/bin",
        "HAPROXY_LISTEN": f"127.0.0.1:{listen}",
        "HAPROXY_STATS": f"127.0.0.1:{stats}",
        "GATEWAY_1": f"127.0.0.1:{backends[0]}",
        "GATEWAY_2": f"127.0.0.1:{backends[1]}",
    }
    if not Path(HAPROXY).is_file():
        raise RuntimeError("haproxy is not installed: scripts/test installs it")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(HAPROXY_CFG)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    running = Haproxy(process, f"http://127.0.0.1:{listen}", f"http://127.0.0.1:{stats}", log)
    try:
        give_up = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"haproxy exited with {process.returncode}:\n{running.tail()}")
            try:
                running.stats()
                break
            except httpx.TransportError:
                if time.monotonic() > give_up:
                    raise RuntimeError(f"haproxy never answered:\n{running.tail()}") from None
                time.sleep(POLL_SECONDS)  # polling for its stats page, bounded as above
        yield running
    finally:
        process.terminate()
        process.wait(10)
