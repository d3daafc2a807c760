"""The playground at GET /graphql, in headless Chromium with no network but loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gateway.app import create_app
from gateway.playground import EXAMPLE_OPERATION, EXAMPLE_VARIABLES
from gateway.settings import Settings
from tests.clients.support import ARTIFACTS, run
from tests.support.servers import serve

CHROMIUM = Path("/usr/bin/chromium")
WEBHOOK_SECRET = "playground-webhook-secret"
SCREENSHOT = ARTIFACTS / "graphiql-create-invoice.png"


@pytest.fixture(scope="module")
def sandboxed_gateway() -> Iterator[str]:
    # As `python -m gateway` runs with no configuration: the embedded sandbox, GraphiQL on.
    # A secret of its own, so that the check can sign deliveries for GraphiQL's subscription.
    settings = Settings(upstream_url=None, graphiql=True, webhook_secret=WEBHOOK_SECRET)
    with serve(create_app(settings)) as url:
        yield url


def test_graphiql_runs_the_example_offline(sandboxed_gateway: str) -> None:
    assert CHROMIUM.is_file(), "Debian's chromium is not installed (scripts/test installs it)"
    SCREENSHOT.unlink(missing_ok=True)

    result = run(
        [
            "node",
            "playground-check.mjs",
            f"{sandboxed_gateway}/graphql",
            str(SCREENSHOT),
            WEBHOOK_SECRET,
        ]
    )

    assert result.returncode == 0, result.report()
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["status"] == 200, report
    assert report["blocked"] == [], "the page tried to leave loopback"
    hosts = {urlsplit(request.split(" ", 1)[1]).hostname for request in report["requests"]}
    assert hosts == {"127.0.0.1"}, report["requests"]
    assert f"GET {sandboxed_gateway}/graphql/assets/graphiql.min.js" in report["requests"]
    assert report["failed"] == [], report["failed"]
    assert report["pageErrors"] == [], report["pageErrors"]
    assert report["consoleErrors"] == [], report["consoleErrors"]

    assert report["prefilledQuery"] == EXAMPLE_OPERATION
    assert json.loads(report["prefilledVariables"]) == EXAMPLE_VARIABLES
    assert report["graphqlStatus"] == 200
    shown = json.loads(report["answerShown"])
    payload = shown["data"]["createInvoice"]
    assert payload["userErrors"] == []
    assert payload["invoice"]["grossValue"] == "1500.00"
    assert payload["invoice"]["state"] == "TO_EMIT"
    assert [r["value"] for r in payload["invoice"]["receivables"]] == ["33.33", "66.67"]

    assert SCREENSHOT.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    explorer = report["explorerShown"].split()
    assert {"Explorer", "createInvoice", "approveInvoice"} <= set(explorer), explorer

    # GraphiQL subscribed over graphql-ws on /graphql, with the Headers tab's Authorization in
    # `connection_init`, and showed the delivery's event with the invoice read for it.
    ws_url = sandboxed_gateway.replace("http://", "ws://") + "/graphql"
    assert ws_url in report["sockets"], report
    init = [json.loads(frame) for frame in report["framesSent"] if "connection_init" in frame]
    assert init == [
        {"type": "connection_init", "payload": {"Authorization": "Token token=sandbox"}}
    ], report["framesSent"]
    assert set(report["deliveries"]) == {200}, report["deliveries"]
    event = json.loads(report["eventShown"])["data"]["invoiceEvents"]
    assert event["event"] == "EMIT"
    assert event["invoice"]["id"] == "3"
