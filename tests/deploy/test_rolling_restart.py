"""A rolling restart under load loses no request and creates no duplicate invoice.

The topology of compose.yaml, as processes on loopback: the sandbox upstream, a real Redis, two
`python -m gateway` processes sharing it, and Debian's HAProxy in front on
deploy/haproxy/haproxy.cfg (readiness checks on /readyz, retries of refused connections on the
other gateway). Clients keep creating invoices (each with its own Idempotency-Key) and reading
them back through HAProxy while gateway-1 is sent SIGTERM, exits, is started again and is back
in rotation, and then gateway-2 the same.

What a client sees, and what counts as failed:
- A request succeeds when HAProxy answers 200 with a GraphQL result without `errors`, whose
  `createInvoice` has no `userErrors` and the invoice asked for (or whose `invoice` read is the
  invoice created before). Anything else that comes back is a failure: a 502/503 from HAProxy,
  a 503 from a gateway, an `errors` entry, a user error.
- The only retry a client makes is the one a well-behaved client makes: when the connection
  failed and no answer came (a transport error), it sends the same request again, with the
  same Idempotency-Key. A request whose retries are spent is a failure too. The test also
  checks that no retry was needed at all: HAProxy is never restarted, and a draining gateway
  is out of its rotation before it stops listening.
Then every successful create must be exactly one invoice on the sandbox (counted there, by
its unique description), and no other invoice of this run may exist.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.deploy.topology import Haproxy, free_port, haproxy, start_gateway
from tests.support.processes import RunningProcess, clean_env, running
from tests.support.sandbox_state import organization_invoices

TOKEN = "rolling-restart-token"
# Short, to keep the test quick, yet longer than HAProxy needs to see /readyz fail (one check
# within `inter 1s`, a second `fastinter 250ms` later): the gateway must leave the rotation
# while it still serves.
DELAY_SECONDS = 3.0
GRACE_SECONDS = 10.0
CLIENTS = 4
ATTEMPTS = 5  # per request, connection failures only
REQUEST_TIMEOUT = 30.0
# Successful requests, before the first restart and after each one (so that the restarted
# gateway serves some).
WARM_UP = 40
READY_TIMEOUT = 20.0
EXIT_TIMEOUT = DELAY_SECONDS + GRACE_SECONDS + 5
POLL_SECONDS = 0.05

CREATE = """
mutation Create($input: CreateInvoiceInput!) {
  createInvoice(input: $input) {
    invoice { id description grossValue }
    userErrors { field message code }
  }
}
"""
READ = 'query Read($id: ID!) { invoice(contractId: "3", id: $id) { id description } }'
SUBSCRIBE = "subscription { invoiceEvents { id event invoiceId } }"
# graphql-ws reconnects after a close, as this subscriber does: 1001 says "going away".
GOING_AWAY = 1001


@dataclass
class Failure:
    at: float  # seconds since the load started
    what: str
    attempts: int
    detail: str


@dataclass
class Load:
    """CLIENTS threads creating and reading invoices through `url` until stopped."""

    url: str
    run: str
    started: float = field(default_factory=time.monotonic)
    stop: threading.Event = field(default_factory=threading.Event)
    created: dict[str, str] = field(default_factory=dict)  # description -> invoice id
    successes: list[float] = field(default_factory=list)  # when each request succeeded
    failures: list[Failure] = field(default_factory=list)
    retries: list[str] = field(default_factory=list)  # connection failures retried
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for index in range(CLIENTS):
            thread = threading.Thread(target=self._client, args=(index,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(REQUEST_TIMEOUT * ATTEMPTS)
        assert not any(thread.is_alive() for thread in self._threads)

    def now(self) -> float:
        return time.monotonic() - self.started

    def wait_for_more(self, count: int) -> None:
        """Until `count` more requests have succeeded than so far (or any has failed)."""
        target = len(self.successes) + count
        give_up = time.monotonic() + READY_TIMEOUT
        while len(self.successes) < target and not self.failures:
            assert time.monotonic() < give_up, f"the load stalled: {self.failures}"
            time.sleep(POLL_SECONDS)  # polling the clients' progress, bounded as above

    def _client(self, index: int) -> None:
        with httpx.Client(base_url=self.url, timeout=REQUEST_TIMEOUT) as http:
            number = 0
            while not self.stop.is_set():
                number += 1
                description = f"{self.run}-{index}-{number}"
                invoice_id = self._create(http, description)
                if invoice_id is not None:
                    self._read(http, invoice_id, description)

    def _send(
        self, http: httpx.Client, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[httpx.Response | None, int, str]:
        """POST, sent again as it was while the connection fails; the answer and attempts."""
        error = ""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return http.post("/graphql", json=body, headers=headers), attempt, ""
            except httpx.TransportError as failed:
                error = repr(failed)
                with self._lock:
                    self.retries.append(f"{self.now():.2f}s {error}")
        return None, ATTEMPTS, error

    def _answer(
        self, what: str, http: httpx.Client, body: dict[str, Any], headers: dict[str, str]
    ) -> dict[str, Any] | None:
        """The GraphQL result's `data`, or None after recording the failure."""
        response, attempts, error = self._send(http, body, headers)
        detail = error
        if response is not None:
            detail = f"HTTP {response.status_code}: {response.text[:500]}"
            if response.status_code == 200:
                result = response.json()
                if "errors" not in result and result.get("data"):
                    data: dict[str, Any] = result["data"]
                    return data
        with self._lock:
            self.failures.append(Failure(self.now(), what, attempts, detail))
        return None

    def _create(self, http: httpx.Client, description: str) -> str | None:
        variables = {
            "input": {
                "contractId": "3",
                "description": description,
                "grossValue": "120.00",
                "issueDate": "2025-06-02",
                "receivables": [{"dueDate": "2025-06-10", "grossValue": "120.00"}],
            }
        }
        key = {"Idempotency-Key": f"{description}-key"}
        data = self._answer(
            f"create {description}", http, {"query": CREATE, "variables": variables}, key
        )
        if data is None:
            return None
        payload = data["createInvoice"]
        invoice = payload["invoice"] or {}
        if payload["userErrors"] or invoice.get("description") != description:
            with self._lock:
                self.failures.append(Failure(self.now(), f"create {description}", 1, str(payload)))
            return None
        with self._lock:
            self.created[description] = invoice["id"]
            self.successes.append(self.now())
        return str(invoice["id"])

    def _read(self, http: httpx.Client, invoice_id: str, description: str) -> None:
        body = {"query": READ, "variables": {"id": invoice_id}}
        data = self._answer(f"read {invoice_id}", http, body, {})
        if data is None:
            return
        if data["invoice"] != {"id": invoice_id, "description": description}:
            with self._lock:
                self.failures.append(Failure(self.now(), f"read {invoice_id}", 1, str(data)))
            return
        with self._lock:
            self.successes.append(self.now())


@dataclass
class Subscriber:
    """A graphql-ws (graphql-transport-ws) subscriber through HAProxy that reconnects after
    each close, as graphql-ws clients do; which gateway it lands on is HAProxy's choice."""

    url: str
    stop: threading.Event = field(default_factory=threading.Event)
    subscribed: int = 0  # times a subscription was acknowledged listening
    closes: list[tuple[int | None, str | None]] = field(default_factory=list)  # the server's
    errors: list[str] = field(default_factory=list)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def wait_subscribed(self, times: int) -> None:
        give_up = time.monotonic() + READY_TIMEOUT
        while self.subscribed < times and not self.errors:
            assert time.monotonic() < give_up, f"not subscribed {times} times: {self}"
            time.sleep(POLL_SECONDS)  # polling the subscriber's state, bounded as above

    def finish(self) -> None:
        self.stop.set()
        if self._thread is not None:
            self._thread.join(READY_TIMEOUT)
            assert not self._thread.is_alive()

    def _receive(self, ws: ClientConnection) -> dict[str, Any] | None:
        """The next message that is not a heartbeat, or None once stopped."""
        while not self.stop.is_set():
            try:
                # A short wait, only so that `stop` is seen between messages.
                message: dict[str, Any] = json.loads(ws.recv(timeout=0.2))
            except TimeoutError:
                continue
            if message["type"] == "ping":
                ws.send(json.dumps({"type": "pong"}))
                continue
            return message
        return None

    def _run(self) -> None:
        ws_url = self.url.replace("http://", "ws://") + "/graphql"
        while not self.stop.is_set():
            try:
                with connect(
                    ws_url, subprotocols=[Subprotocol("graphql-transport-ws")], open_timeout=10
                ) as ws:
                    init = {"Authorization": f"Token token={TOKEN}"}
                    ws.send(json.dumps({"type": "connection_init", "payload": init}))
                    if (ack := self._receive(ws)) is None:
                        return
                    assert ack == {"type": "connection_ack"}, ack
                    payload = {"query": SUBSCRIBE}
                    ws.send(json.dumps({"type": "subscribe", "id": "live", "payload": payload}))
                    # The pong comes once the subscription listens.
                    ws.send(json.dumps({"type": "ping"}))
                    if (pong := self._receive(ws)) is None:
                        return
                    assert pong == {"type": "pong"}, pong
                    self.subscribed += 1
                    while (message := self._receive(ws)) is not None:
                        if message["type"] != "next":
                            self.errors.append(f"unexpected {message}")
            except ConnectionClosed as closed:
                self.closes.append(
                    (closed.rcvd.code, closed.rcvd.reason) if closed.rcvd else (None, None)
                )
            except (OSError, AssertionError) as error:
                self.errors.append(repr(error))
                return


@dataclass
class Stopped:
    name: str
    returncode: int
    log: str
    drained_in: float  # SIGTERM to HAProxy's DOWN
    exited_in: float  # SIGTERM to the exit
    served_draining: int  # requests HAProxy sent it between SIGTERM and DOWN


def sigterm(gateway: RunningProcess, name: str, balancer: Haproxy) -> Stopped:
    """SIGTERM, then HAProxy's DOWN, then the exit with all of its log."""
    before = int(balancer.stats()[name]["stot"])
    gateway.process.send_signal(signal.SIGTERM)
    signalled = time.monotonic()
    down = balancer.wait_for(name, "DOWN", EXIT_TIMEOUT)
    served = int(balancer.stats()[name]["stot"]) - before
    returncode = gateway.process.wait(EXIT_TIMEOUT)
    exited = time.monotonic()
    gateway.stop()  # reads the rest of its stderr
    return Stopped(name, returncode, gateway.stderr(), down - signalled, exited - signalled, served)


def stop_both(current: dict[str, RunningProcess]) -> list[Stopped]:
    """The restarted gateways at the end: SIGTERM to both at once (no load is left)."""
    signalled = time.monotonic()
    for gateway in current.values():
        gateway.process.send_signal(signal.SIGTERM)
    stopped = []
    for name, gateway in current.items():
        returncode = gateway.process.wait(EXIT_TIMEOUT)
        exited = time.monotonic() - signalled
        gateway.stop()
        stopped.append(Stopped(name, returncode, gateway.stderr(), 0.0, exited, 0))
    return stopped


@contextlib.contextmanager
def gateways(ports: dict[str, int], env: dict[str, str]) -> Iterator[dict[str, RunningProcess]]:
    """The two gateways by name; whichever run at the end are stopped then."""
    current: dict[str, RunningProcess] = {}
    try:
        for name, port in ports.items():
            current[name] = start_gateway(port, env)
        yield current
    finally:
        for gateway in current.values():
            if gateway.process.poll() is None:
                gateway.process.send_signal(signal.SIGTERM)  # both drain at once
        for gateway in current.values():
            gateway.stop()


def test_a_rolling_restart_under_load_fails_no_request_and_duplicates_no_invoice(
    redis_url: str, tmp_path: Path
) -> None:
    run = f"rolling-{uuid.uuid4().hex[:12]}"
    ports = {"gateway-1": free_port(), "gateway-2": free_port()}
    stopped: list[Stopped] = []
    timeline: list[str] = []
    with running("sandbox", "--token", TOKEN, env=clean_env()) as sandbox:
        env = clean_env(
            GATEWAY_UPSTREAM_URL=f"{sandbox}/api/v1",
            GATEWAY_UPSTREAM_TOKEN=TOKEN,
            GATEWAY_REDIS_URL=redis_url,
            GATEWAY_SHUTDOWN_DELAY_SECONDS=str(DELAY_SECONDS),
            GATEWAY_SHUTDOWN_GRACE_SECONDS=str(GRACE_SECONDS),
            GATEWAY_TRUSTED_PROXIES="127.0.0.1",
        )
        with (
            gateways(ports, env) as current,
            haproxy((ports["gateway-1"], ports["gateway-2"]), tmp_path / "haproxy.log") as lb,
        ):
            for name in ports:
                lb.wait_for(name, "UP", READY_TIMEOUT)
            load = Load(lb.url, run)
            subscriber = Subscriber(lb.url)
            load.start()
            subscriber.start()
            try:
                load.wait_for_more(WARM_UP)
                subscriber.wait_subscribed(1)
                for name, port in ports.items():
                    timeline.append(f"{load.now():.2f}s SIGTERM {name}")
                    stopped.append(sigterm(current[name], name, lb))
                    gone = stopped[-1]
                    timeline.append(
                        f"{load.now():.2f}s {name} exited {gone.returncode} (DOWN in HAProxy "
                        f"after {gone.drained_in:.2f}s, having served {gone.served_draining} "
                        f"requests since SIGTERM; exit after {gone.exited_in:.2f}s)"
                    )
                    current[name] = start_gateway(port, env)
                    timeline.append(f"{load.now():.2f}s {name} listening again")
                    lb.wait_for(name, "UP", READY_TIMEOUT)
                    timeline.append(f"{load.now():.2f}s {name} UP in HAProxy")
                    load.wait_for_more(WARM_UP)
                # Its gateway was restarted: it reconnected, to the other, which listens.
                subscriber.wait_subscribed(len(subscriber.closes) + 1)
            finally:
                load.finish()
                subscriber.finish()
            counters = lb.stats()
            restarted = stop_both(current)
        upstream = organization_invoices(sandbox, TOKEN)

    columns = ("status", "stot", "econ", "eresp", "wretr", "wredis", "hrsp_5xx")
    levels = Counter(re.findall(r'"level":"(\w+)"', "".join(g.log for g in stopped + restarted)))
    report = "\n".join(
        [
            *timeline,
            f"successes: {len(load.successes)}, creates: {len(load.created)}",
            f"retried connection failures: {load.retries}",
            f"haproxy: { {name: {c: row[c] for c in columns} for name, row in counters.items()} }",
            f"gateway log levels: {dict(levels)}",
            f"subscriber: subscribed {subscriber.subscribed} times, closed by the gateway "
            f"with {subscriber.closes}, errors {subscriber.errors}",
            f"failures: {load.failures}",
        ]
    )
    print(report)  # shown with -s, and on failure
    assert load.failures == [], report
    # A client may retry a failed connection, but with the drain it never has to: HAProxy
    # stops sending to a gateway before it stops listening. (With no delay, a request accepted
    # as the gateway stops is closed unanswered, and only the client's retry saves it.)
    assert load.retries == [], report

    # Each gateway left HAProxy's rotation while it still served (so nothing was sent to it
    # once it stopped listening), and every one exited 0, cleanly.
    for gone in stopped:
        assert gone.drained_in < DELAY_SECONDS, report
    for gone in stopped + restarted:
        assert gone.returncode == 0, (gone.name, gone.log[-3000:])
        assert "Traceback" not in gone.log, gone.log
        assert '"level":"ERROR"' not in gone.log, gone.log
        assert "Application shutdown complete" in gone.log, gone.log
    # The restarted ones took their share of the load.
    for gone in restarted:
        assert '"path":"/graphql"' in gone.log, f"{gone.name} served nothing after its restart"

    # The subscription was closed cleanly by each restart of the gateway it was on (one or
    # both: after the first, it may have reconnected to the other), and came back each time.
    assert subscriber.errors == [], report
    assert subscriber.closes, report
    assert {code for code, _ in subscriber.closes} == {GOING_AWAY}, report
    assert subscriber.subscribed == len(subscriber.closes) + 1, report

    # One invoice per successful create, and nothing else of this run upstream.
    ours = [invoice for invoice in upstream if invoice["description"].startswith(f"{run}-")]
    per_description = Counter(invoice["description"] for invoice in ours)
    duplicates = {d: n for d, n in per_description.items() if n > 1}
    assert duplicates == {}, report
    assert {i["description"]: str(i["id"]) for i in ours} == load.created, report
