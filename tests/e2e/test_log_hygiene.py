"""The gateway's logs: one JSON object per line, the request id on them, and no secrets.

Each case runs `python -m gateway` as a subprocess, sends it requests carrying distinctive
secrets (the deployment's upstream token, a client's Authorization header, an attachment's
Base64 content, an uploaded file's bytes) through successes, invalid requests and failing
upstream calls, stops it, and reads everything it wrote on stderr.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.support.faulty_upstream import Behaviour, FaultyUpstream
from tests.support.processes import clean_env, running, started

UPSTREAM_SECRET = "upstream-secret-7f3a9c1e5b2d"
CLIENT_SECRET = "client-secret-4d8e2b6a90f1"
WRONG_CLIENT_SECRET = "wrong-client-secret-c1a5e7d3"
ATTACHMENT_MARKER = b"attachment-marker-9b2f4e71a6c0 " * 3
ATTACHMENT_CONTENT = base64.b64encode(ATTACHMENT_MARKER).decode()
FILE_BYTES = b"uploaded-file-bytes-3c6d8a05e2b4\n" * 3
MAX_UPLOAD_BYTES = 4096
TOO_LARGE_FILE = FILE_BYTES * (MAX_UPLOAD_BYTES // len(FILE_BYTES) + 1)

# What must never appear in a log line. Base64 of a prefix whose length is a multiple of 3 is
# a prefix of the whole encoding, so a 24-character prefix also catches a truncated copy.
FORBIDDEN = {
    "upstream token": UPSTREAM_SECRET,
    "client token": CLIENT_SECRET,
    "wrong client token": WRONG_CLIENT_SECRET,
    "attachment content": ATTACHMENT_CONTENT[:24],
    "attachment marker": "attachment-marker-9b2f4e71a6c0",
    "uploaded bytes": "uploaded-file-bytes-3c6d8a05e2b4",
    "uploaded bytes in Base64": base64.b64encode(FILE_BYTES).decode()[:24],
}

CREATE = """
mutation Create($input: CreateInvoiceInput!) {
  createInvoice(input: $input) {
    invoice { id attachments { id filename } }
    userErrors { field message code }
  }
}
"""


def invoice_input(**changes: Any) -> dict[str, Any]:
    invoice = {
        "contractId": "3",
        "description": "Log hygiene",
        "grossValue": "10.00",
        "issueDate": "2025-06-02",
        "receivables": [{"dueDate": "2025-06-10", "grossValue": "10.00"}],
        "attachments": [
            {"filename": "a.txt", "content": ATTACHMENT_CONTENT, "contentType": "text/plain"}
        ],
    }
    return {"input": {**invoice, **changes}}


@dataclass
class Session:
    """A client of one gateway process that tags every request with its own request id."""

    client: httpx.Client
    label: str
    sent_ids: list[str] = field(default_factory=list)
    upstream_ids: list[str] = field(default_factory=list)  # requests that reach the upstream

    def post(self, *, reaches_upstream: bool, **kwargs: Any) -> httpx.Response:
        request_id = f"{self.label}-{len(self.sent_ids)}-{uuid.uuid4().hex[:8]}"
        headers = {"X-Request-Id": request_id, **kwargs.pop("headers", {})}
        response = self.client.post("/graphql", headers=headers, **kwargs)
        assert response.headers["X-Request-Id"] == request_id
        self.sent_ids.append(request_id)
        if reaches_upstream:
            self.upstream_ids.append(request_id)
        return response

    def create(self, variables: Any, **headers: str) -> dict[str, Any]:
        response = self.post(
            reaches_upstream=True, json={"query": CREATE, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def upload(self, data: bytes, *, reaches_upstream: bool = True) -> dict[str, Any]:
        variables = invoice_input(attachments=[{"file": None}])
        response = self.post(
            reaches_upstream=reaches_upstream,
            data={
                "operations": json.dumps({"query": CREATE, "variables": variables}),
                "map": json.dumps({"0": ["variables.input.attachments.0.file"]}),
            },
            files={"0": ("upload.bin", data, "application/octet-stream")},
            headers={"Apollo-Require-Preflight": "true"},
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


def created(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"]["createInvoice"]
    assert payload["userErrors"] == [], payload
    return payload


def exercise(session: Session) -> None:
    """Successes, invalid requests and failures, each carrying the secrets."""
    # A created invoice with Base64 content, and with an uploaded file.
    invoice = created(session.create(invoice_input()))["invoice"]
    assert invoice["attachments"][0]["filename"] == "a.txt"
    uploaded = created(session.upload(FILE_BYTES))["invoice"]
    assert uploaded["attachments"][0]["filename"] == "upload.bin"

    # Refused by the gateway: an upload past the limit, a document that does not parse, and
    # variables that do not fit the schema. None of these reaches the upstream.
    too_large = created_or_user_errors(session.upload(TOO_LARGE_FILE, reaches_upstream=False))
    assert [error["code"] for error in too_large] == ["TOO_LARGE"], too_large
    unparsable = f'mutation {{ createInvoice(input: {{content: "{ATTACHMENT_CONTENT}"'
    response = session.post(reaches_upstream=False, json={"query": unparsable})
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    response = session.post(
        reaches_upstream=False,
        json={"query": CREATE, "variables": invoice_input(grossValue="NaN")},
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # Content of the wrong type: graphql-core's coercion message answered to the client quotes
    # the value itself; the log must not.
    mistyped = invoice_input(attachments=[{"filename": "a.txt", "content": [ATTACHMENT_CONTENT]}])
    response = session.post(reaches_upstream=False, json={"query": CREATE, "variables": mistyped})
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    # Refused by the upstream: a contract it does not know, an invalid invoice.
    missing = created_or_user_errors(session.create(invoice_input(contractId="987654")))
    assert [error["code"] for error in missing] == ["NOT_FOUND"], missing
    blank = created_or_user_errors(session.create(invoice_input(description="")))
    assert [error["code"] for error in blank] == ["BLANK"], blank


def created_or_user_errors(result: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in result, result
    errors: list[dict[str, Any]] = result["data"]["createInvoice"]["userErrors"]
    return errors


def check_logs(output: str, session: Session) -> None:
    records = []
    for number, line in enumerate(output.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            pytest.fail(f"log line {number} is not JSON: {line!r}")
        assert isinstance(record, dict), f"log line {number} is not an object: {line!r}"
        for name, secret in FORBIDDEN.items():
            assert secret not in line, f"log line {number} contains the {name}: {line!r}"
            # Also the decoded text, in case an encoder escaped part of it.
            assert secret not in json.dumps(record, ensure_ascii=False), (name, line)
        records.append(record)
    logged_ids = {record.get("request_id") for record in records}
    # The upstream call of each request is logged under the id its client sent and got back.
    assert session.upstream_ids
    missing = [request_id for request_id in session.upstream_ids if request_id not in logged_ids]
    assert missing == [], (missing, output)
    assert logged_ids <= {None, *session.sent_ids}, logged_ids


@pytest.fixture(scope="module")
def sandbox_for_deployment() -> Iterator[str]:
    """A sandbox upstream that accepts only the deployment's token."""
    with running("sandbox", "--token", UPSTREAM_SECRET, env=clean_env()) as url:
        yield url


@pytest.fixture(scope="module")
def sandbox_for_clients() -> Iterator[str]:
    """A sandbox upstream that accepts only the client's own token."""
    with running("sandbox", "--token", CLIENT_SECRET, env=clean_env()) as url:
        yield url


def gateway_env(upstream_url: str, level: str, **extra: str) -> dict[str, str]:
    return clean_env(
        GATEWAY_UPSTREAM_URL=upstream_url,
        GATEWAY_LOG_LEVEL=level,
        GATEWAY_MAX_UPLOAD_BYTES=str(MAX_UPLOAD_BYTES),
        **extra,
    )


@pytest.mark.parametrize("level", ["info", "debug"])
def test_the_deployment_token_and_attachments_never_reach_the_logs(
    sandbox_for_deployment: str, level: str
) -> None:
    env = gateway_env(
        f"{sandbox_for_deployment}/api/v1", level, GATEWAY_UPSTREAM_TOKEN=UPSTREAM_SECRET
    )
    with started(env=env) as gateway, httpx.Client(base_url=gateway.url, timeout=30) as client:
        session = Session(client, label=f"deployment-{level}")
        exercise(session)

    check_logs(gateway.stderr(), session)


@pytest.mark.parametrize("level", ["info", "debug"])
def test_a_client_authorization_header_never_reaches_the_logs(
    sandbox_for_clients: str, level: str
) -> None:
    env = gateway_env(f"{sandbox_for_clients}/api/v1", level)
    authorization = {"Authorization": f"Token token={CLIENT_SECRET}"}
    with (
        started(env=env) as gateway,
        httpx.Client(base_url=gateway.url, headers=authorization, timeout=30) as client,
    ):
        session = Session(client, label=f"client-{level}")
        # The client's header is what the upstream checks: it is forwarded, so it works...
        exercise(session)
        # ...and a wrong one is refused by the upstream.
        refused = session.create(
            invoice_input(), Authorization=f"Token token={WRONG_CLIENT_SECRET}"
        )
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", refused

    check_logs(gateway.stderr(), session)


def test_upstream_answers_echoing_the_request_stay_out_of_logs_and_answers() -> None:
    """An upstream whose failures quote the request (token, content) back at the gateway."""
    echo = f"token={UPSTREAM_SECRET} content={ATTACHMENT_CONTENT} {ATTACHMENT_MARKER.decode()}"
    with FaultyUpstream().running() as upstream:
        env = gateway_env(
            upstream.url,
            "debug",
            GATEWAY_UPSTREAM_TOKEN=UPSTREAM_SECRET,
            GATEWAY_BREAKER_FAILURES="100",
        )
        with (
            started(env=env) as gateway,
            httpx.Client(base_url=gateway.url, timeout=30) as client,
        ):
            session = Session(client, label="echoing-upstream")
            cases = [
                (Behaviour(status=500, body=json.dumps({"error": echo}).encode()), "SERVER"),
                (Behaviour(status=502, body=f"<html>{echo}</html>".encode(), headers={}), "SERVER"),
                (Behaviour(status=201, body=f"created: {echo}".encode()), "BAD_RESPONSE"),
                (Behaviour(status=401, body=echo.encode(), headers={}), "UNAUTHENTICATED"),
            ]
            expected = {
                "SERVER": "UPSTREAM_SERVER_ERROR",
                "BAD_RESPONSE": "UPSTREAM_BAD_RESPONSE",
                "UNAUTHENTICATED": "UNAUTHENTICATED",
            }
            for behaviour, kind in cases:
                upstream.next(behaviour)
                result = session.create(invoice_input())
                assert result["errors"][0]["extensions"]["code"] == expected[kind], result
                # The client's answer quotes none of it either.
                text = json.dumps(result)
                for name, secret in FORBIDDEN.items():
                    assert secret not in text, (name, result)

    check_logs(gateway.stderr(), session)
