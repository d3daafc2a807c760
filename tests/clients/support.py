"""Run the Node tools in `clients/` against real servers on loopback."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from examples.seed import seed_variables_json
from gateway.app import create_app
from gateway.settings import Settings
from tests.support.recorder import Recorder
from tests.support.servers import serve
from upstream_sandbox import create_app as create_sandbox

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "clients"
ARTIFACTS = ROOT / "tests" / "artifacts"

SANDBOX_TOKEN = "clients-token"
AUTHORIZATION = f"Token token={SANDBOX_TOKEN}"
# Small limits, so that going past them is cheap and proves they are configurable.
MAX_BATCH_SIZE = 5
MAX_UPLOAD_BYTES = 64 * 1024

DEFAULT_TIMEOUT = 180.0

# Where the sandbox is told to send its webhooks until the gateway listens and its port is
# known (nothing listens on port 1, so a delivery sent this early would fail and be retried).
WEBHOOKS_NOT_YET = "http://127.0.0.1:1/webhooks"


@dataclass(frozen=True)
class Stack:
    """The sandbox upstream (requiring a token) and a gateway in front of it."""

    gateway_url: str
    recorder: Recorder
    # The sandbox's own root, where its simulated product UI is (`/sandbox/...`).
    sandbox_url: str = ""

    @property
    def graphql_url(self) -> str:
        return f"{self.gateway_url}/graphql"

    def env(self) -> dict[str, str]:
        """What the Node tools read (clients/apollo/config.mjs, clients/subscriptions)."""
        return {
            "GATEWAY_GRAPHQL_URL": self.graphql_url,
            "GATEWAY_AUTHORIZATION": AUTHORIZATION,
            "GATEWAY_MAX_BATCH_SIZE": str(MAX_BATCH_SIZE),
            "GATEWAY_MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES),
            "SEED_VARIABLES_JSON": seed_variables_json(),
            "SANDBOX_URL": self.sandbox_url,
        }


@contextlib.contextmanager
def running_stack(*, webhooks: bool = False, **settings: object) -> Iterator[Stack]:
    """`webhooks`: the sandbox signs and sends its webhooks to this gateway's `/webhooks`, as
    the product would, with a secret both are given (so subscriptions get its events)."""
    secret = secrets.token_hex(16) if webhooks else None
    sandbox = create_sandbox(
        token=SANDBOX_TOKEN,
        webhook_url=WEBHOOKS_NOT_YET if webhooks else None,
        webhook_secret=secret,
    )
    recorder = Recorder(sandbox)
    with serve(recorder) as upstream_url:
        if secret is not None:
            settings = {"webhook_secret": secret, **settings}
        gateway_settings = Settings(
            upstream_url=f"{upstream_url}/api/v1",
            max_batch_size=MAX_BATCH_SIZE,
            max_upload_bytes=MAX_UPLOAD_BYTES,
            **settings,  # type: ignore[arg-type]
        )
        with serve(create_app(gateway_settings)) as gateway_url:
            if sandbox.state.webhooks is not None:
                # The gateway's port is known only now that it listens; the sender reads its
                # URL at each delivery, and no invoice has changed yet.
                sandbox.state.webhooks.url = f"{gateway_url}/webhooks"
            yield Stack(gateway_url=gateway_url, recorder=recorder, sandbox_url=upstream_url)


@dataclass(frozen=True)
class Run:
    command: Sequence[str]
    returncode: int
    output: str

    def report(self) -> str:
        return f"$ {' '.join(self.command)}\n(exit {self.returncode})\n{self.output}"


def node_modules_ready() -> None:
    """Fail, with what to do, when `npm ci` has not run (scripts/test runs it)."""
    assert shutil.which("node"), "node is not on PATH (Node 20 is expected on the machine)"
    assert (CLIENTS / "node_modules" / ".package-lock.json").is_file(), (
        "clients/node_modules is missing: run scripts/test, or `npm ci` in clients/"
    )


def run(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Run:
    """Run a tool in clients/ and return its exit code and combined output."""
    node_modules_ready()
    full_env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0", **(env or {})}
    full_env["PATH"] = f"{CLIENTS / 'node_modules' / '.bin'}{os.pathsep}{full_env['PATH']}"
    try:
        completed = subprocess.run(
            command,
            cwd=CLIENTS,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        output = error.output if isinstance(error.output, str) else (error.output or b"").decode()
        raise AssertionError(
            f"$ {' '.join(command)} timed out after {timeout}s\n{output}"
        ) from None
    return Run(command=list(command), returncode=completed.returncode, output=completed.stdout)


def run_ok(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Run:
    result = run(command, env=env, timeout=timeout)
    assert result.returncode == 0, result.report()
    return result


def codegen_from_schema() -> Run:
    """`npm run codegen` from schema.graphql alone (an empty URL is no live gateway): writes
    src/gql/, which is not committed, with the possibleTypes that clients/apollo/cache.mjs
    imports and the trusted-documents manifest."""
    return run_ok(
        ["graphql-codegen", "--config", "codegen.ts"], env={"CI": "true", "GATEWAY_GRAPHQL_URL": ""}
    )
