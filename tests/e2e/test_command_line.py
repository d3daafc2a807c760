"""`python -m gateway` as a newcomer runs it: no configuration, embedded sandbox."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.seed import CREATE_INVOICE, GET_INVOICE, seed_variables_json

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    return {**env, **extra}


@contextmanager
def running(*args: str, env: dict[str, str]) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", *args, "--port", "0"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stderr is not None
    stderr = process.stderr
    reader = threading.Thread(target=lambda: [lines.put(line) for line in stderr], daemon=True)
    reader.start()
    try:
        while True:
            line = lines.get(timeout=STARTUP_TIMEOUT)
            found = re.search(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", line)
            if found:
                break
        yield found.group(1)
    finally:
        process.terminate()
        returncode = process.wait(timeout=20)
        reader.join(timeout=10)
        stderr.close()
        rest = "".join(lines.queue)
        # uvicorn shuts down gracefully, then re-raises the signal as its exit status.
        assert returncode in (0, -signal.SIGTERM), rest
        assert "Application shutdown complete" in rest


def test_the_default_command_serves_graphql_on_the_embedded_sandbox() -> None:
    with running(env=_clean_env()) as url, httpx.Client(base_url=url, timeout=10) as client:
        query = json.dumps(CREATE_INVOICE)
        created = client.post(
            "/graphql",
            content=f'{{"query": {query}, "variables": {seed_variables_json()}}}',
            headers={"Content-Type": "application/json"},
        ).json()
        invoice = created["data"]["createInvoice"]["invoice"]
        assert invoice["grossValue"] == "700.00"
        read = client.post(
            "/graphql",
            json={"query": GET_INVOICE, "variables": {"contractId": "3", "id": invoice["id"]}},
        ).json()
        assert read == {"data": {"invoice": invoice}}
        playground = client.get("/graphql", headers={"Accept": "text/html"})
        assert playground.status_code == 200
        assert "graphiql" in playground.text.lower()
        assert client.get("/readyz").json() == {"status": "ready", "circuit": "closed"}


def test_the_sandbox_runs_on_its_own_port() -> None:
    with running("sandbox", env=_clean_env()) as url:
        response = httpx.get(f"{url}/api/v1/health_check")
        assert response.json() == {"status": "ok"}
        assert httpx.get(f"{url}/api/v1/contracts/3/invoices/1").status_code == 401


def test_bad_configuration_stops_with_a_message_naming_the_variable() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gateway"],
        cwd=ROOT,
        env=_clean_env(GATEWAY_READ_TIMEOUT="soon", GATEWAY_UPSTREAM_URL="ftp://x"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "GATEWAY_READ_TIMEOUT" in result.stderr
    assert "GATEWAY_UPSTREAM_URL" in result.stderr
    assert "Traceback" not in result.stderr
