"""The load generator: wrk with a Lua script that posts one body and checks every answer."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.procs import pinned

# `response()` sees every answer: a status other than the expected one, or a body holding a
# GraphQL `"errors"` key, is counted, so a run of failures cannot pass for a fast run.
LUA = """
local body_file = assert(io.open(%(body)s, "rb"))
wrk.method = "POST"
wrk.body = body_file:read("*a")
body_file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Token token=bench"

local expected = %(status)d
local threads = {}
bad_status = 0
with_errors = 0

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status ~= expected then
    bad_status = bad_status + 1
  end
  if string.find(body, '"errors"', 1, true) then
    with_errors = with_errors + 1
  end
end

function done(summary, latency, requests)
  local bad, errors = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("bad_status")
    errors = errors + thread:get("with_errors")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "p50_us": %%d, ' ..
    '"p90_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%.1f, "bad_status": %%d, ' ..
    '"with_errors": %%d, "socket_errors": %%d, "timeouts": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, latency.mean, bad, errors,
    e.connect + e.read + e.write, e.timeout))
end
"""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    duration_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    bad_status: int
    with_errors: int
    socket_errors: int
    timeouts: int

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s

    @property
    def failures(self) -> int:
        return self.bad_status + self.with_errors + self.socket_errors + self.timeouts


def write_script(path: Path, body_file: Path, expected_status: int) -> Path:
    path.write_text(LUA % {"body": json.dumps(str(body_file)), "status": expected_status})
    return path


def run(
    url: str,
    script: Path,
    *,
    connections: int,
    duration_s: float,
    cores: str | None,
    timeout_s: float = 30.0,
) -> LoadResult:
    """One wrk run (one thread: it has a core to itself and needs no more)."""
    argv = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration_s))}s",
        f"--timeout={timeout_s:.0f}s",
        "-s",
        str(script),
        url,
    ]
    completed = subprocess.run(
        pinned(cores, argv), capture_output=True, text=True, timeout=duration_s + timeout_s + 30
    )
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            raw = json.loads(line.removeprefix("BENCH_JSON "))
            break
    else:
        raise RuntimeError(f"wrk printed no summary:\n{completed.stdout}\n{completed.stderr}")
    return LoadResult(
        requests=raw["requests"],
        duration_s=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        mean_ms=raw["mean_us"] / 1000,
        bad_status=raw["bad_status"],
        with_errors=raw["with_errors"],
        socket_errors=raw["socket_errors"],
        timeouts=raw["timeouts"],
    )
