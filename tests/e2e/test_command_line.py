"""`python -m gateway` as a newcomer runs it: no configuration, embedded sandbox."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from examples.seed import CREATE_INVOICE, GET_INVOICE, seed_variables_json
from tests.support.processes import ROOT, running
from tests.support.processes import clean_env as _clean_env


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


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"GATEWAY_PROFILE": "production"}, "GATEWAY_TRUSTED_DOCUMENTS"),
        (
            {"GATEWAY_TRUSTED_DOCUMENTS_MODE": "enforce", "GATEWAY_TRUSTED_DOCUMENTS": "MANIFEST"},
            "GATEWAY_TRUSTED_DOCUMENTS=",
        ),
        ({"GATEWAY_MAX_JSON_DEPTH": "2"}, "GATEWAY_MAX_JSON_DEPTH"),
    ],
)
def test_production_settings_that_cannot_work_stop_with_a_message(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    manifest = tmp_path / "persisted-documents.json"
    manifest.write_text('{"not": "a hash"}')
    env = {key: value.replace("MANIFEST", str(manifest)) for key, value in env.items()}
    result = subprocess.run(
        [sys.executable, "-m", "gateway"],
        cwd=ROOT,
        env=_clean_env(**env),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2, result.stderr
    assert named in result.stderr
    assert "Traceback" not in result.stderr


def test_several_workers_are_refused_where_each_would_keep_its_own_state() -> None:
    # Without Redis a retry landing on another worker would create a second invoice; on the
    # embedded sandbox each worker would hold its own invoices.
    for env, missing in (
        (_clean_env(), "GATEWAY_UPSTREAM_URL"),
        (_clean_env(GATEWAY_UPSTREAM_URL="http://127.0.0.1:9/api/v1"), "GATEWAY_REDIS_URL"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "gateway", "--workers", "2"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 2, result.stderr
        assert "GATEWAY_WORKERS" in result.stderr
        assert missing in result.stderr
        assert "Traceback" not in result.stderr
