"""Real subscription clients (clients/subscriptions, `node --test`) against the gateway on
loopback, with the sandbox sending its signed webhooks to the gateway as the product would:
Apollo Client 4 over multipart HTTP (plain HttpLink) and over graphql-ws (GraphQLWsLink), the
graphql-sse client, and a cached Apollo list kept current by an event without a refetch."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from tests.clients.support import AUTHORIZATION, Stack, codegen_from_schema, run_ok, running_stack
from tests.support.recorder import Recorded

# Beyond the Node tests' 30 s timeout (300 s is the most the gateway allows): a result that
# a client could read only once the next heartbeat came (a multipart part not followed by its
# boundary) then fails its test instead of passing late.
HEARTBEAT_SECONDS = 300.0
TRANSPORTS = {"multipart", "graphql-ws", "graphql-sse"}
SUMMARY = re.compile("^\N{INFORMATION SOURCE} (tests|pass) (\\d+)$", re.MULTILINE)
DIAGNOSTIC = re.compile(
    "^\N{INFORMATION SOURCE} (subscription-event|unwanted-event|invoice-list) ({.*})$",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def webhook_stack() -> Iterator[Stack]:
    with running_stack(webhooks=True, subscription_heartbeat_seconds=HEARTBEAT_SECONDS) as stack:
        yield stack


def test_subscription_clients(webhook_stack: Stack) -> None:
    codegen_from_schema()  # the possibleTypes that clients/apollo/cache.mjs imports
    requests = webhook_stack.recorder.requests

    result = run_ok(["npm", "run", "--silent", "test:subscriptions"], env=webhook_stack.env())

    # The spec reporter's summary; a test that timed out counts as cancelled, not failed.
    summary = dict(SUMMARY.findall(result.output))
    assert int(summary.get("tests", 0)) > 0, result.report()
    assert summary.get("pass") == summary["tests"], result.report()
    found: dict[str, list[dict[str, str]]] = {}
    for kind, fields in DIAGNOSTIC.findall(result.output):
        found.setdefault(kind, []).append(json.loads(fields))
    # Each: {"transport", "action" (what changed the invoice), "invoiceId", "contractId"}.
    events = found.get("subscription-event", [])
    assert {event["transport"] for event in events} == TRANSPORTS, result.report()
    for event in events:
        assert_read_fresh_with_the_subscribers_credentials(requests, event)
    unwanted = found.get("unwanted-event", [])
    assert len(unwanted) == 1, result.report()
    for fields in unwanted:
        assert_never_read_after_its_change(requests, fields["contractId"], fields["invoiceId"])
    lists = found.get("invoice-list", [])
    assert len(lists) == 1, result.report()
    assert_the_list_was_searched_once(requests, lists[0])


def change_index(requests: list[Recorded], event: dict[str, str]) -> int:
    """Where, among what the upstream received, the change the event announces was made."""
    invoice = f"/api/v1/contracts/{event['contractId']}/invoices/{event['invoiceId']}"
    if event["action"] == "update":
        made = [(method, invoice) for method in ("PATCH", "PUT")]
    else:
        made = [("POST", f"/sandbox/invoices/{event['invoiceId']}/{event['action']}")]
    indexes = [i for i, r in enumerate(requests) if (r.method, r.path) in made]
    assert len(indexes) == 1, (event, [(r.method, r.path) for r in requests])
    return indexes[0]


def assert_read_fresh_with_the_subscribers_credentials(
    requests: list[Recorded], event: dict[str, str]
) -> None:
    """The event's invoice was read after its change, with the subscriber's Authorization
    (over graphql-ws, the one `connection_init` carried), and not more than twice."""
    path = f"/api/v1/contracts/{event['contractId']}/invoices/{event['invoiceId']}"
    changed_at = change_index(requests, event)
    # A change made through the gateway (updateInvoice) may read the invoice back under its
    # own request id: that read is the mutation's, not the subscription's.
    change_id = requests[changed_at].headers.get("x-request-id")
    after = requests[changed_at + 1 :]
    reads = [
        r
        for r in after
        if (r.method, r.path) == ("GET", path)
        and (change_id is None or r.headers.get("x-request-id") != change_id)
    ]
    assert 1 <= len(reads) <= 2, (event, [(r.method, r.path) for r in after])
    assert {r.headers.get("authorization") for r in reads} == {AUTHORIZATION}, event


def assert_never_read_after_its_change(
    requests: list[Recorded], contract_id: str, invoice_id: str
) -> None:
    emitted = [
        i
        for i, r in enumerate(requests)
        if (r.method, r.path) == ("POST", f"/sandbox/invoices/{invoice_id}/emit")
    ]
    assert len(emitted) == 1, invoice_id
    path = f"/api/v1/contracts/{contract_id}/invoices/{invoice_id}"
    reads = [r.path for r in requests[emitted[0] + 1 :] if r.path == path]
    assert reads == [], "an event no subscription asked for was read upstream"


def assert_the_list_was_searched_once(requests: list[Recorded], listed: dict[str, str]) -> None:
    """The watched list cost one upstream search, under its query's X-Request-Id, and the
    event that changed it none: the cache was updated, not refetched."""
    search = f"/api/v1/organizations/{listed['organizationId']}/invoices/search"
    under_its_id = [
        (r.method, r.path) for r in requests if r.headers.get("x-request-id") == listed["requestId"]
    ]
    assert under_its_id == [("GET", search)], under_its_id
    assert [r.path for r in requests if r.path == search] == [search], "the list was refetched"
