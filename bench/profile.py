"""Where the gateway's CPU goes: py-spy samples it under load, summarised by package,
function and phase (a phase is the share of samples whose stack passes through it)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.procs import pinned

_FRAME = re.compile(r"(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
_STDLIB = frozenset(sys.stdlib_module_names)

Frame = tuple[str, str]  # (function, file)

Phase = Callable[[list[Frame]], bool]


def _through(*prefixes: str) -> Phase:
    """A stack passes through the phase when one of its frames is in a file so prefixed."""
    return lambda frames: any(file.startswith(prefixes) for _, file in frames)


def _outside(prefix: str) -> Phase:
    return lambda frames: not any(file.startswith(prefix) for _, file in frames)


PHASES: list[tuple[str, Phase]] = [
    ("GraphQL parsing (graphql-core)", _through("graphql/language/")),
    ("GraphQL validation (graphql-core)", _through("graphql/validation/")),
    ("GraphQL execution (graphql-core)", _through("graphql/execution/")),
    ("Strawberry", _through("strawberry/")),
    ("Strawberry input conversion", _through("strawberry/types/arguments.py")),
    ("upstream call (gateway/upstream/client.py)", _through("gateway/upstream/client.py")),
    ("httpx + httpcore", _through("httpx/", "httpcore/")),
    ("httpcore's connection pool", _through("httpcore/_async/connection_pool.py")),
    ("REST -> types mapping (gateway/upstream/mapping.py)", _through("gateway/upstream/mapping")),
    ("input -> REST (gateway/upstream/translate.py)", _through("gateway/upstream/translate")),
    ("logging", _through("logging/", "pythonjsonlogger/")),
    ("imports at run time (importlib)", _through("<frozen importlib")),
    ("outside the /graphql endpoint (uvicorn, starlette)", _outside("gateway/http/endpoint.py")),
]

# Frames present in nearly every sample (the event loop, uvicorn's main) say nothing.
_FRAMING_SHARE = 0.95


class ProfileError(RuntimeError):
    pass


@dataclass(frozen=True)
class Profile:
    samples: int
    duration_s: float
    by_package: list[tuple[str, float]]  # self time
    top_self: list[tuple[str, float]]
    top_inclusive: list[tuple[str, float]]
    phases: list[tuple[str, float]]
    importers: list[tuple[str, float]]  # who runs `import` statements while serving

    def as_dict(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "duration_s": self.duration_s,
            "by_package": self.by_package,
            "top_self": self.top_self,
            "top_inclusive": self.top_inclusive,
            "phases": self.phases,
            "importers": self.importers,
        }


def record(
    *, pid: int, out: Path, duration_s: float, cores: str | None, drive: Callable[[], object]
) -> Profile:
    """Samples `pid` for `duration_s` while `drive()` loads it."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    argv = [
        spy,
        "record",
        "-p",
        str(pid),
        "-d",
        str(round(duration_s)),
        "-r",
        "200",
        "-f",
        "raw",
        "-o",
        str(out),
    ]
    with subprocess.Popen(
        pinned(cores, argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        drive()
        output, _ = process.communicate(timeout=duration_s + 60)
    if process.returncode != 0 or not out.exists():
        raise ProfileError(f"py-spy failed ({process.returncode}): {output.strip()[-500:]}")
    return summarise(out.read_text(encoding="utf-8"), duration_s)


def _frame(text: str) -> Frame:
    match = _FRAME.match(text)
    return (match["function"], match["file"]) if match else (text, "")


def package(file: str) -> str:
    head = file.split("/", 1)[0].removesuffix(".py")
    if file.startswith("<frozen"):
        return "stdlib (frozen)"
    if head in _STDLIB:
        return f"stdlib {head}"
    return head or "?"


def _importer(frames: list[Frame]) -> str | None:
    """The frame whose `import` is running, when the stack is inside the import machinery."""
    for index, (_, file) in enumerate(frames):
        if file.startswith("<frozen importlib") and index > 0:
            function, caller = frames[index - 1]
            return f"{function} ({caller})"
    return None


def summarise(raw: str, duration_s: float, top: int = 20) -> Profile:
    stacks: list[tuple[list[Frame], int]] = []
    for line in raw.splitlines():
        stack, _, samples = line.rpartition(" ")
        if stack and samples.isdigit():
            stacks.append(([_frame(part) for part in stack.split(";")], int(samples)))
    total = sum(count for _, count in stacks)
    if total == 0:
        raise ProfileError("py-spy recorded no samples")
    by_package: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    phases: Counter[str] = Counter()
    importers: Counter[str] = Counter()
    for frames, count in stacks:
        function, file = frames[-1]
        by_package[package(file)] += count
        self_time[f"{function} ({file})"] += count
        for name in {f"{f} ({p})" for f, p in frames}:
            inclusive[name] += count
        for label, passes in PHASES:
            if passes(frames):
                phases[label] += count
        if (caller := _importer(frames)) is not None:
            importers[caller] += count

    def shares(counter: Counter[str], limit: int | None = None) -> list[tuple[str, float]]:
        return [(name, count / total) for name, count in counter.most_common(limit)]

    return Profile(
        samples=total,
        duration_s=duration_s,
        by_package=shares(by_package, top),
        top_self=shares(self_time, top),
        top_inclusive=[item for item in shares(inclusive) if item[1] < _FRAMING_SHARE][:top],
        phases=[(label, phases[label] / total) for label, _ in PHASES],
        importers=shares(importers, 5),
    )
