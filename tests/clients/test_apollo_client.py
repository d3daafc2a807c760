"""The real Apollo Client 4 (clients/apollo, `node --test`) against the gateway on loopback."""

from __future__ import annotations

import base64
import json
import re
from collections import Counter

from tests.clients.support import Stack, codegen_from_schema, run_ok

# clients/apollo/uploads.test.mjs uploads this file; the gateway must Base64 it upstream.
UPLOADED_FILENAME = "apollo-upload.txt"
UPLOADED_TEXT = "Attachment sent by apollo-upload-client.\n"
# clients/apollo/screen.test.mjs: what its screen query read, under which X-Request-Id.
SCREEN_COST = re.compile("^\N{INFORMATION SOURCE} screen-cost ({.*})$", re.MULTILINE)
CUSTOMER_PATHS = {"Company": "/api/v1/companies/{}", "Person": "/api/v1/people/{}"}


def test_apollo_client_suite(stack: Stack) -> None:
    codegen_from_schema()  # the possibleTypes that clients/apollo/cache.mjs imports
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

    assert_the_screen_read_each_object_once(stack, result.output)


def assert_the_screen_read_each_object_once(stack: Stack, output: str) -> None:
    """The screen query (invoices with each one's contract and customer) cost the search,
    one read per distinct contract and one per distinct customer: no more, none twice."""
    found = SCREEN_COST.findall(output)
    assert len(found) == 1, output
    screen = json.loads(found[0])
    organization = screen["organizationId"]
    sent = [
        (request.method, request.path)
        for request in stack.recorder.requests
        if request.headers.get("x-request-id") == screen["requestId"]
    ]
    expected = [("GET", f"/api/v1/organizations/{organization}/invoices/search")]
    expected += [
        ("GET", f"/api/v1/organizations/{organization}/contracts/{contract}")
        for contract in screen["contracts"]
    ]
    for customer in screen["customers"]:
        typename, _, customer_id = customer.partition(":")
        expected.append(("GET", CUSTOMER_PATHS[typename].format(customer_id)))
    # Six invoices: on contracts 1 (person 1) and 2 (company 2), and two on each of two
    # contracts of the test's own company.
    assert (len(screen["contracts"]), len(screen["customers"])) == (4, 3), screen
    assert Counter(sent) == Counter(expected), (sent, screen)
