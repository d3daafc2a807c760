"""Starting and stopping the servers, and what /proc says about them.

CPU time is `utime + stime` from `/proc/<pid>/stat`, summed over a process and its
descendants (uvicorn's workers), in seconds. Memory is `VmRSS` (now) and `VmHWM` (peak) from
`/proc/<pid>/status`, summed the same way, in MiB.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def pinned(cores: str | None, argv: Sequence[str]) -> list[str]:
    """`argv` run by `taskset` on `cores` (e.g. "0" or "0,1"); unpinned when `None`."""
    return ["taskset", "-c", cores, *argv] if cores else list(argv)


@dataclass
class Server:
    """A process the bench started (its own process group), with its log file."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def pids(self) -> list[int]:
        return process_tree(self.pid)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)  # the group this bench created for it
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 20) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


class StartError(RuntimeError):
    pass


def start(
    name: str,
    argv: Sequence[str],
    *,
    port: int,
    ready_path: str,
    cores: str | None,
    env: Mapping[str, str],
    log_dir: Path,
    cwd: Path | None = None,
    timeout: float = 60.0,
) -> Server:
    """Starts `argv` and waits until `GET ready_path` answers 200 on `port`."""
    log = log_dir / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            pinned(cores, argv),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
        )
    server = Server(name=name, process=process, url=f"http://127.0.0.1:{port}", log=log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartError(f"{name} exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + ready_path, timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    server.stop()
    raise StartError(f"{name} did not answer {ready_path} within {timeout:.0f} s")


def process_tree(root: int) -> list[int]:
    """`root` and every live descendant."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat_fields(int(entry.name))) is not None:
            children.setdefault(int(stat[1]), []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name: state, ppid, ..."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pids: Sequence[int]) -> dict[int, float]:
    """User + system CPU seconds of each process that is still alive."""
    times = {}
    for pid in pids:
        if (fields := _stat_fields(pid)) is not None:
            # utime and stime are fields 14 and 15 of the whole line, 12 and 13 here.
            times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return times


def cpu_delta(before: Mapping[int, float], after: Mapping[int, float]) -> float:
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def memory_mib(pids: Sequence[int]) -> tuple[float, float]:
    """(resident now, peak resident) in MiB, summed over `pids`."""
    rss = hwm = 0
    for pid in pids:
        try:
            lines = (PROC / str(pid) / "status").read_text().splitlines()
        except (FileNotFoundError, ProcessLookupError):
            continue
        for line in lines:
            if line.startswith("VmRSS:"):
                rss += int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm += int(line.split()[1])
    return rss / 1024, hwm / 1024


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores) since boot."""
    fields = [int(value) for value in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS
