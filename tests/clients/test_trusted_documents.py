"""Trusted documents with the real tools: GraphQL Code Generator writes the manifest from
clients/src, and Apollo Client 4 (clients/trusted-documents, `node --test`) runs those
documents by hash against a gateway that enforces it, and is refused an unlisted one."""

from __future__ import annotations

import hashlib
import json
import re

from examples.seed import expected_seed_body
from tests.clients.support import CLIENTS, codegen_from_schema, run_ok, running_stack

MANIFEST = CLIENTS / "src" / "gql" / "persisted-documents.json"
# clients/src/sample.ts and clients/src/screen.ts
OPERATIONS = {"SampleCreateInvoice", "SampleInvoice", "InvoiceScreen"}


def test_apollo_client_runs_codegen_documents_by_hash_and_unlisted_ones_are_refused() -> None:
    MANIFEST.unlink(missing_ok=True)
    codegen_from_schema()

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    names = {re.findall(r"^(?:query|mutation) (\w+)", text)[0] for text in manifest.values()}
    assert names == OPERATIONS, manifest
    for key, text in manifest.items():
        assert key == f"sha256:{hashlib.sha256(text.encode()).hexdigest()}"
        assert "__typename" in text, "Apollo Client's cache needs it in the listed document"

    with running_stack(trusted_documents=MANIFEST, trusted_documents_mode="enforce") as stack:
        result = run_ok(
            [
                "node",
                "--test",
                "--test-timeout=30000",
                "--test-reporter=spec",
                "trusted-documents/",
            ],
            env=stack.env(),
        )
        upstream = list(stack.recorder.requests)

    ran = re.search("^\N{INFORMATION SOURCE} tests (\\d+)$", result.output, re.MULTILINE)
    assert ran, result.report()
    assert int(ran.group(1)) == 4, result.report()
    assert re.search("^\N{INFORMATION SOURCE} fail 0$", result.output, re.MULTILINE), (
        result.report()
    )
    # The listed mutation and query reached the upstream; the refused document never did.
    created, read = upstream
    assert (created.method, created.path) == ("POST", "/api/v1/contracts/3/invoices")
    assert created.json() == expected_seed_body()
    assert read.method == "GET"
    assert re.fullmatch(r"/api/v1/contracts/3/invoices/\d+", read.path), read.path
