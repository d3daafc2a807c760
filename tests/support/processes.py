"""`python -m gateway ...` as a real subprocess on a free loopback port.

The process is ready when uvicorn logs "Uvicorn running on ..." (after the lifespan start-up),
which also gives the port it bound. Everything it writes on stderr is kept, so tests can read
its logs, and its resident memory can be read from /proc while it runs.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0
SHUTDOWN_TIMEOUT = 20.0

_LISTENING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any `GATEWAY_` setting, plus `extra`. A process stops at once
    on SIGTERM unless `extra` says otherwise: the drain before stopping is for load balancers,
    and would add its seconds to every test that stops a gateway."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    return {**env, "GATEWAY_SHUTDOWN_DELAY_SECONDS": "0", **extra}


class RunningProcess:
    """A started `python -m gateway` process: its URL, pid, stderr so far, and memory."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.pid = process.pid
        self.url = ""
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._new_line = threading.Condition(self._lock)
        self._listening = threading.Event()
        self._eof = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self._new_line:
                self._lines.append(line)
                self._new_line.notify_all()
            if not self.url and (found := _LISTENING.search(line)):
                self.url = found.group(1)
                self._listening.set()
        self._eof.set()
        self._listening.set()  # the process ended before listening: stop waiting
        with self._new_line:
            self._new_line.notify_all()

    def wait_until_listening(self) -> None:
        if not self._listening.wait(STARTUP_TIMEOUT) or not self.url:
            raise RuntimeError(f"the process did not start listening:\n{self.stderr()}")

    def wait_for_lines(self, text: str, count: int) -> None:
        """Until `count` lines on stderr contain `text` (e.g. one start-up line per worker)."""

        def seen() -> bool:
            return sum(text in line for line in self._lines) >= count or self._eof.is_set()

        with self._new_line:
            self._new_line.wait_for(seen, STARTUP_TIMEOUT)
            if sum(text in line for line in self._lines) < count:
                output = "".join(self._lines)
                raise RuntimeError(f"{count} lines with {text!r} never came:\n{output}")

    def stderr(self) -> str:
        """Everything written on stderr so far (all of it once the process has stopped)."""
        with self._lock:
            return "".join(self._lines)

    def rss_bytes(self) -> int:
        """Resident set size, from /proc/<pid>/status (VmRSS, in kB)."""
        status = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        found = re.search(r"^VmRSS:\s+(\d+)\s+kB$", status, re.MULTILINE)
        assert found, status
        return int(found.group(1)) * 1024

    def stop(self) -> int:
        """SIGTERM, then wait for the exit and the last of stderr; returns the exit status."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            returncode = self.process.wait(timeout=SHUTDOWN_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            returncode = self.process.wait(timeout=SHUTDOWN_TIMEOUT)
        self._reader.join(timeout=10)
        assert self.process.stderr is not None
        self.process.stderr.close()
        return returncode


def spawn(*args: str, env: dict[str, str], port: int = 0) -> RunningProcess:
    """`python -m gateway *args --port <port>`, started (not yet listening). A known port is
    for what must be told it before the process starts (a sandbox, a load balancer)."""
    return RunningProcess(
        subprocess.Popen(
            [sys.executable, "-m", "gateway", *args, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    )


@contextmanager
def started(*args: str, env: dict[str, str]) -> Iterator[RunningProcess]:
    """Run `python -m gateway *args --port 0`; stop it on exit and check it stopped cleanly."""
    running = spawn(*args, env=env)
    try:
        running.wait_until_listening()
        yield running
    except BaseException:
        running.stop()
        raise
    returncode = running.stop()
    output = running.stderr()
    # Stopped by the gateway's drain (exit 0), or by uvicorn, which re-raises the signal.
    assert returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output, output


@contextmanager
def running(*args: str, env: dict[str, str]) -> Iterator[str]:
    """Like `started`, yielding only the base URL."""
    with started(*args, env=env) as process:
        yield process.url


def free_port() -> int:
    """A loopback port free right now, for a process that must be started on a known one."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
