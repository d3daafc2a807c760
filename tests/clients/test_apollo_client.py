"""The real Apollo Client 4 (clients/apollo, `node --test`) against the gateway on loopback."""

from __future__ import annotations

import base64
import json
import re

from tests.clients.support import Stack, run_ok

# clients/apollo/uploads.test.mjs uploads this file; the gateway must Base64 it upstream.
UPLOADED_FILENAME = "apollo-upload.txt"
UPLOADED_TEXT = "Attachment sent by apollo-upload-client.\n"


def test_apollo_client_suite(stack: Stack) -> None:
    stack.recorder.requests.clear()

    result = run_ok(["npm", "run", "--silent", "test:apollo"], env=stack.env())

    # The spec reporter's summary lines start with an information sign.
    ran = re.search("^\N{INFORMATION SOURCE} tests (\\d+)$", result.output, re.MULTILINE)
    assert ran, result.report()
    assert int(ran.group(1)) > 0, result.report()
    assert re.search("^\N{INFORMATION SOURCE} fail 0$", result.output, re.MULTILINE), (
        result.report()
    )
    created = [
        request.json()
        for request in stack.recorder.requests
        if request.method == "POST" and request.path == "/api/v1/contracts/3/invoices"
    ]
    attachments = [
        attachment
        for body in created
        for attachment in body["invoice"].get("attachments") or []  # type: ignore[index]
        if attachment.get("filename") == UPLOADED_FILENAME
    ]
    expected = base64.b64encode(UPLOADED_TEXT.encode()).decode()
    assert [a["content"] for a in attachments] == [expected], json.dumps(attachments)
