"""The sandbox served by uvicorn, as `python -m gateway sandbox` serves it, sending its signed
webhooks to a receiver on another loopback server; uvicorn's shutdown stops its sender."""

from __future__ import annotations

import httpx

from tests.support.servers import serve
from tests.support.webhook_receiver import Receiver
from upstream_sandbox import create_app

SECRET = "e2e-webhook-secret"
HEADERS = {"Authorization": "Token token=e2e-token"}


def test_a_served_sandbox_signs_its_deliveries_over_loopback() -> None:
    receiver = Receiver(failures=1)
    with serve(receiver.app) as hooks:
        sandbox = create_app(
            token="e2e-token",
            webhook_url=f"{hooks}/hooks",
            webhook_secret=SECRET,
            webhook_retry_delays=(0.01,),
        )
        with serve(sandbox) as url, httpx.Client(base_url=url, headers=HEADERS) as client:
            # Invoice 3 of the default data set: contract 3's, not emitted yet.
            emitted = client.post("/sandbox/invoices/3/emit")
            assert emitted.status_code == 200, emitted.text
            shown = client.get("/api/v1/contracts/3/invoices/3").json()["invoice"]
            assert emitted.json()["invoice"] == shown
            assert shown["state"] == "to_receive"

            received = receiver.wait_until(4)

        assert sandbox.state.webhooks is not None
    pings, deliveries = received[0::2], received[1::2]
    assert all(p.is_ping and p.signed_with(SECRET) for p in pings)
    assert [d.status for d in deliveries] == [500, 200]
    assert deliveries[0].request_id == deliveries[1].request_id
    assert deliveries[1].signed_with(SECRET)
    assert deliveries[1].payload == {
        "event": "emit",
        "object_type": "Invoice",
        "object_id": "3",
        "contract_token": "c81f4b7a9e2d46c0b3a5e7f9d1c3b5a7",
        "contract_id": "3",
    }
