"""What the figures came from: the machine, the interpreter, the packages and the code."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path

PACKAGES = (
    "strawberry-graphql",
    "graphql-core",
    "starlette",
    "uvicorn",
    "httpx",
    "httpcore",
    "anyio",
    "sniffio",
    "uvloop",
    "httptools",
    "orjson",
)

_VERSIONS = """
import json, sys
from importlib import metadata
versions = {"python": sys.version.split()[0]}
for name in sys.argv[1:]:
    try:
        versions[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        versions[name] = "not installed"
print(json.dumps(versions))
"""


def _run(argv: list[str], cwd: Path | None = None) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def describe(repo: Path, python: Path) -> dict[str, str]:
    versions = json.loads(_run([str(python), "-c", _VERSIONS, *PACKAGES]) or "{}")
    commit = _run(["git", "rev-parse", "--short", "HEAD"], cwd=repo).strip()
    dirty = _run(["git", "status", "--porcelain", "--", "gateway", "pyproject.toml"], cwd=repo)
    wrk = _run(["wrk", "--version"]).splitlines()
    info = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{os.cpu_count()} ({len(os.sched_getaffinity(0))} usable)",
        "cpu model": cpu_model(),
        "kernel": platform.release(),
        "python (servers)": versions.pop("python", "unknown"),
        "load average at start": load_average(),
        "wrk": wrk[0].split(" [")[0] if wrk else "unknown",
        "gateway code": commit
        + (" plus uncommitted changes under gateway/ (others' work in progress)" if dirty else ""),
    }
    info["packages"] = ", ".join(f"{name} {version}" for name, version in versions.items())
    settings = sorted(name for name in os.environ if name.startswith("GATEWAY_"))
    info["GATEWAY_* settings from the environment"] = ", ".join(settings) or "none (defaults)"
    return info
