"""Trusted documents: the manifest formats, and off / log / enforce through /graphql."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from examples.seed import seed_response
from gateway import trusted_documents
from gateway.allowlist import NOT_IN_LIST_MESSAGE, UNLISTED_LOG_MESSAGE
from gateway.app import create_app
from gateway.errors import ManifestError, SettingsError
from gateway.settings import Settings
from tests.support.gateway import UPSTREAM_URL, Gateway, answer, gateway_with

LISTED = "query Listed($id: ID!) { invoice(contractId: 3, id: $id) { id grossValue } }"
UNLISTED = "query Unlisted($id: ID!) { invoice(contractId: 3, id: $id) { id grossValue } }"
LISTED_MUTATION = (
    "mutation Remove { deleteInvoice(input: {contractId: 3, id: 61}) { deletedInvoiceId } }"
)
VARIABLES = {"id": "61"}
READ_PATH = "/api/v1/contracts/3/invoices/61"
READ_DATA = {"data": {"invoice": {"id": "61", "grossValue": "700.00"}}}
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def write(path: Path, content: object) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def codegen_manifest(*documents: str) -> dict[str, str]:
    """What GraphQL Code Generator's client preset writes (`persisted-documents.json`)."""
    return {f"sha256:{sha256(document)}": document for document in documents}


def apollo_operation(name: str, kind: str, body: str) -> dict[str, str]:
    return {"id": sha256(body), "name": name, "type": kind, "body": body}


def apollo_manifest(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}


@contextlib.contextmanager
def trusted_gateway(tmp_path: Path, mode: str, *documents: str) -> Iterator[Gateway]:
    path = write(tmp_path / "persisted-documents.json", codegen_manifest(*documents))
    with gateway_with(
        answer(200, seed_response()), trusted_documents=path, trusted_documents_mode=mode
    ) as gateway:
        yield gateway


def post(gateway: Gateway, body: dict[str, Any]) -> httpx.Response:
    response: httpx.Response = gateway.client.post(
        "/graphql", content=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    return response


def apq(sha256_hash: str, query: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "variables": VARIABLES,
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256_hash}},
    }
    if query is not None:
        body["query"] = query
    return body


def code(response: httpx.Response) -> str:
    codes = [error["extensions"]["code"] for error in response.json()["errors"]]
    assert len(codes) == 1, response.json()
    return str(codes[0])


# -- the manifest ---------------------------------------------------------------------------


def test_codegen_manifest_lists_each_document_by_the_sha256_of_its_text(tmp_path: Path) -> None:
    manifest = codegen_manifest(LISTED)
    manifest[sha256(LISTED_MUTATION)] = LISTED_MUTATION  # a hash without the `sha256:` prefix
    loaded = trusted_documents.load(write(tmp_path / "m.json", manifest))
    assert len(loaded) == 2
    assert loaded.get(sha256(LISTED)) == LISTED
    assert loaded.get(sha256(LISTED_MUTATION)) == LISTED_MUTATION
    assert loaded.lists(sha256(LISTED))
    assert not loaded.lists(sha256(UNLISTED))
    assert loaded.get(sha256(UNLISTED)) is None


def test_apollo_manifest_lists_each_operation_body(tmp_path: Path) -> None:
    manifest = apollo_manifest(
        apollo_operation("Listed", "query", LISTED),
        apollo_operation("Remove", "mutation", LISTED_MUTATION),
    )
    loaded = trusted_documents.load(write(tmp_path / "m.json", manifest))
    assert len(loaded) == 2
    assert loaded.get(sha256(LISTED)) == LISTED
    assert loaded.get(sha256(LISTED_MUTATION)) == LISTED_MUTATION
    assert not loaded.lists(sha256(UNLISTED))


def _apollo_with(**changes: Any) -> dict[str, Any]:
    return apollo_manifest(
        apollo_operation("Listed", "query", LISTED),
        {**apollo_operation("Remove", "mutation", LISTED_MUTATION), **changes},
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON"),
        (b'{"sha256:00": "\xff"}', "not valid JSON"),  # not UTF-8
        ([LISTED], "expected a JSON object"),
        ({}, "lists no documents"),
        ({f"sha256:{sha256(LISTED)}": 1}, f"entry 'sha256:{sha256(LISTED)}': the document"),
        ({sha256(LISTED).upper(): LISTED}, "must be a lowercase hex SHA-256"),
        ({hashlib.sha1(LISTED.encode()).hexdigest(): LISTED}, "must be a lowercase hex SHA-256"),
        (
            {f"sha256:{sha256(UNLISTED)}": LISTED},
            f"entry 'sha256:{sha256(UNLISTED)}': the hash is not the SHA-256 of its document",
        ),
        ({f"sha256:{sha256('query {')}": "query {"}, "not a GraphQL document (Syntax Error"),
        ({**apollo_manifest(), "version": 2}, "expected 'apollo-persisted-query-manifest'"),
        ({"format": "something-else", "version": 1, "operations": []}, "unknown manifest"),
        ({**apollo_manifest(), "operations": {}}, "`operations` must be a list"),
        (apollo_manifest(), "lists no documents"),
        (_apollo_with(body=None), "operations[1] (Remove): `body` must be a string"),
        (_apollo_with(type="fragment"), "operations[1] (Remove): `type` must be one of"),
        (
            _apollo_with(id=sha256(LISTED)),
            "operations[1] (Remove): the hash is not the SHA-256 of its document",
        ),
        (
            _apollo_with(id=f"sha256:{sha256(LISTED_MUTATION)}"[:70]),
            "operations[1] (Remove): the hash must be a lowercase hex SHA-256",
        ),
    ],
)
def test_a_malformed_manifest_is_refused_naming_the_file_and_the_entry(
    tmp_path: Path, content: object, problem: str
) -> None:
    path = write(tmp_path / "manifest.json", content)
    with pytest.raises(ManifestError) as raised:
        trusted_documents.load(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: "), message
    assert problem in message


def test_a_missing_manifest_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(ManifestError, match=r"absent\.json: cannot be read"):
        trusted_documents.load(path)


def test_the_app_refuses_to_start_on_a_bad_manifest_with_a_settings_error(tmp_path: Path) -> None:
    path = write(tmp_path / "manifest.json", {f"sha256:{sha256(UNLISTED)}": LISTED})
    settings = Settings(
        upstream_url=UPSTREAM_URL,
        trusted_documents=path,
        trusted_documents_mode="enforce",
    )
    with pytest.raises(SettingsError) as raised:
        create_app(settings)
    assert str(raised.value) == (
        f"invalid configuration: GATEWAY_TRUSTED_DOCUMENTS={path}: entry "
        f"'sha256:{sha256(UNLISTED)}': the hash is not the SHA-256 of its document"
    )
    assert raised.value.__suppress_context__  # no chained traceback


# -- enforce --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "document_id",
    [f"sha256:{sha256(LISTED)}", sha256(LISTED), f"SHA256:{sha256(LISTED).upper()}"],
)
def test_enforce_runs_a_listed_document_by_its_document_id(
    tmp_path: Path, document_id: str
) -> None:
    with trusted_gateway(tmp_path, "enforce", LISTED) as gateway:
        response = post(gateway, {"documentId": document_id, "variables": VARIABLES})
    assert response.status_code == 200
    assert response.json() == READ_DATA
    assert [request.url.path for request in gateway.sent] == [READ_PATH]


def test_enforce_runs_a_listed_document_by_document_id_over_get(tmp_path: Path) -> None:
    with trusted_gateway(tmp_path, "enforce", LISTED) as gateway:
        response = gateway.client.get(
            "/graphql",
            params={"documentId": f"sha256:{sha256(LISTED)}", "variables": json.dumps(VARIABLES)},
            headers={"Accept": "text/html, application/json;q=0.9"},
        )
    assert response.status_code == 200
    assert response.json() == READ_DATA
    assert [request.url.path for request in gateway.sent] == [READ_PATH]


def test_enforce_answers_an_unknown_document_id_with_not_found(tmp_path: Path) -> None:
    with trusted_gateway(tmp_path, "enforce", LISTED) as gateway:
        response = post(gateway, {"documentId": f"sha256:{sha256(UNLISTED)}"})
    assert response.status_code == 200
    assert response.json() == NOT_FOUND
    assert gateway.sent == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"documentId": "sha1:abc"}, "`documentId` must be `sha256:` followed by 64"),
        ({"documentId": sha256(LISTED)[:63]}, "`documentId` must be `sha256:` followed by 64"),
        ({"documentId": 12}, "`documentId` parameter must be a string"),
        ({"documentId": sha256(LISTED), "query": LISTED}, "`documentId` alone"),
        ({"documentId": sha256(LISTED), **apq(sha256(LISTED))}, "`documentId` alone"),
    ],
)
def test_enforce_refuses_a_malformed_document_id(
    tmp_path: Path, body: dict[str, Any], message: str
) -> None:
    with trusted_gateway(tmp_path, "enforce", LISTED) as gateway:
        response = post(gateway, body)
    assert response.status_code == 400
    assert code(response) == "BAD_REQUEST"
    assert message in response.json()["errors"][0]["message"]
    assert gateway.sent == []


def test_enforce_runs_a_listed_document_by_its_apq_hash_over_post_and_get(tmp_path: Path) -> None:
    with trusted_gateway(tmp_path, "enforce", LISTED) as gateway:
        by_post = post(gateway, apq(sha256(LISTED)))
        by_get = gateway.client.get(
            "/graphql",
            params={
                "variables": json.dumps(VARIABLES),
                "extensions": json.dumps(apq(sha256(LISTED))["extensions"]),
            },
        )
    assert (by_post.status_code, by_post.json()) == (200, READ_DATA)
    assert (by_get.status_code, by_get.json()) == (200, READ_DATA)
    assert [request.url.path for request in gateway.sent] == [READ_PATH, READ_PATH]


def test_enforce_answers_an_unknown_apq_hash_with_not_found_over_post_and_get(
    tmp_path: Path,
) -> None:
    with trusted_gateway(tmp_path, "enforce", LISTED) as gateway:
        by_post = post(gateway, apq(sha256(UNLISTED)))
        by_get = gateway.client.get(
            "/graphql", params={"extensions": json.dumps(apq(sha256(UNLISTED))["extensions"])}
        )
    assert (by_post.status_code, by_post.json()) == (200, NOT_FOUND)
    assert (by_get.status_code, by_get.json()) == (200, NOT_FOUND)
    assert gateway.sent == []


def test_enforce_runs_listed_full_text(tmp_path: Path) -> None:
    with trusted_gateway(tmp_path, "enforce", LISTED) as gateway:
        plain = post(gateway, {"query": LISTED, "variables": VARIABLES})
        with_hash = post(gateway, apq(sha256(LISTED), LISTED))
    assert plain.json() == READ_DATA
    assert with_hash.json() == READ_DATA
    assert len(gateway.sent) == 2


def test_enforce_refuses_unlisted_full_text_and_never_registers_it(tmp_path: Path) -> None:
    with trusted_gateway(tmp_path, "enforce", LISTED) as gateway:
        plain = post(gateway, {"query": UNLISTED, "variables": VARIABLES})
        registering = post(gateway, apq(sha256(UNLISTED), UNLISTED))
        # Automatic persisted queries would serve this from the store now.
        hash_only = post(gateway, apq(sha256(UNLISTED)))
    for refused in (plain, registering):
        assert refused.status_code == 400
        assert refused.json() == {
            "errors": [
                {
                    "message": NOT_IN_LIST_MESSAGE,
                    "extensions": {"code": "PERSISTED_QUERY_NOT_IN_LIST"},
                }
            ]
        }
    assert "front ends' own documents" in NOT_IN_LIST_MESSAGE
    assert hash_only.json() == NOT_FOUND
    assert gateway.sent == []


def test_enforce_still_refuses_a_hash_that_does_not_match_the_text(tmp_path: Path) -> None:
    with trusted_gateway(tmp_path, "enforce", LISTED) as gateway:
        response = post(gateway, apq(sha256(UNLISTED), LISTED))
    assert response.status_code == 400
    assert code(response) == "PERSISTED_QUERY_HASH_MISMATCH"
    assert gateway.sent == []


def test_enforce_keeps_mutations_off_get_for_listed_documents(tmp_path: Path) -> None:
    with trusted_gateway(tmp_path, "enforce", LISTED_MUTATION) as gateway:
        response = gateway.client.get(
            "/graphql", params={"documentId": f"sha256:{sha256(LISTED_MUTATION)}"}
        )
    assert response.status_code == 405
    assert gateway.sent == []


def test_an_apollo_manifest_is_enforced_the_same_way(tmp_path: Path) -> None:
    path = write(tmp_path / "m.json", apollo_manifest(apollo_operation("Listed", "query", LISTED)))
    with gateway_with(
        answer(200, seed_response()), trusted_documents=path, trusted_documents_mode="enforce"
    ) as gateway:
        by_hash = post(gateway, apq(sha256(LISTED)))
        unlisted = post(gateway, {"query": UNLISTED, "variables": VARIABLES})
    assert by_hash.json() == READ_DATA
    assert code(unlisted) == "PERSISTED_QUERY_NOT_IN_LIST"
    assert [request.url.path for request in gateway.sent] == [READ_PATH]


# -- log ------------------------------------------------------------------------------------


def unlisted_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.getMessage() == UNLISTED_LOG_MESSAGE]


def test_log_runs_unlisted_text_and_logs_its_hash_and_name_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "9876543210123"  # a variable value: it must not reach the log
    with trusted_gateway(tmp_path, "log", LISTED) as gateway:
        response = post(
            gateway, {"query": UNLISTED, "variables": {"id": secret}, "operationName": "Unlisted"}
        )
    assert response.status_code == 200
    assert [request.url.path for request in gateway.sent] == [
        f"/api/v1/contracts/3/invoices/{secret}"
    ]
    [line] = unlisted_lines(caplog)
    assert line.levelname == "WARNING"
    assert line.name == "gateway.allowlist"
    assert (line.document_sha256, line.operation_name) == (sha256(UNLISTED), "Unlisted")  # type: ignore[attr-defined]
    logged = f"{line.getMessage()} {line.__dict__}"
    assert "invoice(contractId" not in logged
    assert secret not in logged


def test_log_runs_listed_documents_without_a_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with trusted_gateway(tmp_path, "log", LISTED) as gateway:
        by_text = post(gateway, {"query": LISTED, "variables": VARIABLES})
        by_id = post(gateway, {"documentId": f"sha256:{sha256(LISTED)}", "variables": VARIABLES})
    assert by_text.json() == READ_DATA
    assert by_id.json() == READ_DATA
    assert unlisted_lines(caplog) == []


def test_log_keeps_automatic_persisted_queries_and_logs_each_unlisted_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with trusted_gateway(tmp_path, "log", LISTED) as gateway:
        unknown = post(gateway, apq(sha256(UNLISTED)))
        registered = post(gateway, {**apq(sha256(UNLISTED), UNLISTED), "operationName": "Unlisted"})
        by_get = gateway.client.get(
            "/graphql",
            params={
                "variables": json.dumps(VARIABLES),
                "extensions": json.dumps(apq(sha256(UNLISTED))["extensions"]),
            },
        )
    assert unknown.json() == NOT_FOUND
    assert registered.json() == READ_DATA
    assert by_get.json() == READ_DATA
    lines = unlisted_lines(caplog)
    assert [(line.document_sha256, line.operation_name) for line in lines] == [  # type: ignore[attr-defined]
        (sha256(UNLISTED), "Unlisted"),
        (sha256(UNLISTED), None),
    ]
    assert len(gateway.sent) == 2


# -- off ------------------------------------------------------------------------------------


def test_off_runs_any_document_and_knows_no_document_ids(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with trusted_gateway(tmp_path, "off", LISTED) as gateway:
        unlisted = post(gateway, {"query": UNLISTED, "variables": VARIABLES})
        by_id = post(gateway, {"documentId": f"sha256:{sha256(LISTED)}", "variables": VARIABLES})
    assert unlisted.json() == READ_DATA
    assert by_id.json() == NOT_FOUND
    assert unlisted_lines(caplog) == []
    assert len(gateway.sent) == 1
