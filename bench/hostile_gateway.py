"""The gateway as the hostile benchmark runs it: `python -m gateway`, pinned, its log kept.

Each measurement gets a fresh process, so one's cache, counters and garbage do not weigh on
the next; only the `GATEWAY_*` settings a measurement names are set (the ones inherited
from the caller's environment are dropped), the rest are the defaults as shipped.

The upstream is the project's sandbox as a process of its own (`python -m gateway sandbox`,
on the load generator's core), not the one embedded in the gateway: with a real upstream URL
and no upstream token the gateway forwards each client's Authorization, and its rate limit
keys on it (`gateway/http/rate_limit.py`); on the embedded sandbox every client would share
one budget per address. It also keeps the invoices the normal workload creates out of the
gateway's memory.

By default the gateways run a snapshot of one commit, so that every part measures the same
code (`bench/gateway_code.py`, shared with `bench/run`).
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import hostile_docs, procs
from bench.gateway_code import Code
from bench.procs import Server
from bench.scenarios import PROJECT_PYTHON


def _environment(code: Code, settings: Mapping[str, str]) -> dict[str, str]:
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("GATEWAY_")}
    return {**code.environment(inherited), **settings}


def _start(
    name: str, code: Code, argv: list[str], ready_path: str, env: dict[str, str], **where: Any
) -> Server:
    port = procs.free_port()
    return procs.start(
        name,
        [str(PROJECT_PYTHON), "-m", "gateway", *argv, "--port", str(port)],
        port=port,
        ready_path=ready_path,
        env=env,
        # `python -m` puts the working directory first on sys.path: the snapshot's, then.
        cwd=code.root,
        **where,
    )


def start_sandbox(code: Code, *, cores: str | None, log_dir: Path) -> Server:
    env = _environment(code, {})
    return _start(
        "sandbox", code, ["sandbox"], "/api/v1/health_check", env, cores=cores, log_dir=log_dir
    )


def upstream_settings(sandbox: Server) -> dict[str, str]:
    return {"GATEWAY_UPSTREAM_URL": sandbox.url + "/api/v1"}


def start(
    name: str, code: Code, settings: Mapping[str, str], *, cores: str | None, log_dir: Path
) -> Server:
    env = _environment(code, settings)
    return _start(name, code, [], "/healthz", env, cores=cores, log_dir=log_dir)


def graphql_url(server: Server) -> str:
    return server.url + "/graphql"


def create_invoice(server: Server, authorization: str) -> None:
    """The invoice the normal client reads (the embedded sandbox starts empty)."""
    request = urllib.request.Request(
        graphql_url(server),
        data=json.dumps(hostile_docs.CREATE_INVOICE).encode(),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": authorization,
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read())
    if answer.get("errors") or answer["data"]["createInvoice"]["userErrors"]:
        raise RuntimeError(f"createInvoice failed: {answer}")


@dataclass(frozen=True)
class LogFindings:
    """What the gateway's log (stdout and stderr) holds beyond access lines."""

    lines: int
    tracebacks: int
    errors: int  # lines at ERROR or CRITICAL
    samples: tuple[str, ...]  # the first few of those lines, cut short


_LEVEL = re.compile(r'"level":\s*"(ERROR|CRITICAL)"|^(ERROR|CRITICAL)[: ]')


def read_log(server: Server) -> LogFindings:
    try:
        lines = server.log.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return LogFindings(0, 0, 0, ())
    # JSON log lines carry a traceback inside a string (`exc_info`); plain ones start with it.
    tracebacks = [line for line in lines if "Traceback (most recent call last)" in line]
    errors = [line for line in lines if _LEVEL.search(line)]
    samples = tuple(line[:300] for line in (errors + tracebacks)[:5])
    return LogFindings(len(lines), len(tracebacks), len(errors), samples)


def stop(server: Server) -> LogFindings:
    server.stop()
    return read_log(server)
