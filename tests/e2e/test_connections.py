"""Slow, idle and excess client connections, against the gateway as it is served (issue 12).

Raw sockets on loopback against uvicorn serving `create_app` with the protections of
`gateway.http.server`, on the embedded sandbox. Every wait is a blocking read with a
generous timeout: the server's answer, or its close, is the event waited for.
"""

from __future__ import annotations

import json
import resource
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.support.processes import clean_env, started
from tests.support.servers import serve
from upstream_sandbox import create_app as create_sandbox

# Seconds a blocking read waits for the server's move before the test fails: far above
# every timeout configured here, so only a server that never moves reaches it.
GENEROUS = 10.0
# Long enough that nothing is closed by it while a test runs.
FOR_EVER = 60.0

HALF_OPEN = 3000
PARTIAL_HEAD = b"POST /graphql HTTP/1.1\r\nHost: gateway\r\n"
TYPENAME = {"query": "{ __typename }"}
AT_CAPACITY = {
    "errors": [
        {
            "message": "The gateway is at its connection limit; retry shortly.",
            "extensions": {"code": "SERVICE_UNAVAILABLE"},
        }
    ]
}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@contextmanager
def gateway(**settings: Any) -> Iterator[str]:
    protected = Settings(**settings)
    with serve(create_app(protected), protected_by=protected) as url:
        yield url


def connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=GENEROUS)


def connect_once_listening(url: str) -> socket.socket:
    """`connect`, for a port a worker process is about to listen on: uvicorn logs its
    application's start-up just before it listens, so a refusal there means "not yet"."""
    deadline = time.monotonic() + GENEROUS
    while True:
        try:
            return connect(url)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def post_head(body: bytes, *headers: bytes) -> bytes:
    """The head of a JSON POST to /graphql for `body`, with `headers` (whole lines) in it."""
    return (
        b"POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
        + b"".join(headers)
        + b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
    )


def read_to_close(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (a timeout fails the test)."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def parse(raw: bytes) -> Answer:
    head, separator, body = raw.partition(b"\r\n\r\n")
    assert separator, raw
    status_line, *lines = head.decode("latin-1").split("\r\n")
    fields = (line.split(":", 1) for line in lines)
    headers = {name.strip().lower(): value.strip() for name, value in fields}
    return Answer(int(status_line.split()[1]), headers, body)


def read_response(sock: socket.socket) -> Answer:
    """One response on a connection that stays open (its body has a Content-Length)."""
    raw = b""
    while b"\r\n\r\n" not in raw:
        chunk = sock.recv(65536)
        assert chunk, f"closed before a whole response: {raw!r}"
        raw += chunk
    answer = parse(raw)
    length = int(answer.headers["content-length"])
    while len(answer.body) < length:
        chunk = sock.recv(65536)
        assert chunk, "closed inside the body"
        answer.body += chunk
    assert len(answer.body) == length, "more than one response"
    return answer


def assert_refused(raw: bytes, status: int, code: str) -> Answer:
    answer = parse(raw)
    assert answer.status == status, raw
    assert answer.headers["connection"] == "close"
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["errors"][0]["extensions"]["code"] == code
    return answer


def assert_serves(url: str) -> None:
    with httpx.Client(base_url=url, timeout=GENEROUS) as client:
        answered = client.post("/graphql", json=TYPENAME)
        assert answered.status_code == 200, answered.text
        assert answered.json() == {"data": {"__typename": "Query"}}
        assert client.get("/healthz").status_code == 200


@contextmanager
def trickling(sock: socket.socket) -> Iterator[None]:
    """A header value sent a byte at a time, a few bytes a second, never ending, until the
    server hangs up: each byte would restart a deadline that counted from the last byte."""
    stop = threading.Event()

    def trickle() -> None:
        try:
            sock.sendall(b"X-Slow: ")
            while not stop.wait(0.05):  # the client's pace, not a synchronisation
                sock.sendall(b"a")
        except OSError:
            pass  # the server has hung up

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(GENEROUS)


@contextmanager
def flooding(sock: socket.socket) -> Iterator[None]:
    """Header bytes sent as fast as the server takes them, until it hangs up."""
    stop = threading.Event()

    def flood() -> None:
        try:
            while not stop.is_set():
                sock.sendall(b"a" * 4096)
        except OSError:
            pass

    thread = threading.Thread(target=flood, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(GENEROUS)


@pytest.mark.parametrize("sent", ["nothing", "a partial head", "a head a byte at a time"])
def test_a_client_slow_to_send_its_request_head_is_answered_408_and_disconnected(
    sent: str,
) -> None:
    with gateway(header_timeout=0.5, keepalive_timeout=FOR_EVER) as url, connect(url) as sock:
        with ExitStack() as stack:
            if sent != "nothing":
                sock.sendall(PARTIAL_HEAD)
            if sent == "a head a byte at a time":
                stack.enter_context(trickling(sock))
            raw = read_to_close(sock)
        assert_refused(raw, 408, "REQUEST_TIMEOUT")
        assert_serves(url)


def test_the_head_deadline_restarts_when_a_response_on_a_kept_alive_connection_ends() -> None:
    with gateway(header_timeout=0.5, keepalive_timeout=FOR_EVER) as url, connect(url) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n")
        assert read_response(sock).status == 200
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: gate")
        assert_refused(read_to_close(sock), 408, "REQUEST_TIMEOUT")


def test_an_idle_kept_alive_connection_is_closed_without_an_answer() -> None:
    with gateway(header_timeout=FOR_EVER, keepalive_timeout=0.5) as url, connect(url) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n")
        answer = read_response(sock)
        assert answer.status == 200
        assert "connection" not in answer.headers  # kept alive
        # A 408 here could cross a request the client is just sending.
        assert read_to_close(sock) == b""


@pytest.fixture
def descriptors_for_both_ends() -> None:
    """This process holds both ends of every held connection."""
    needed = 2 * HALF_OPEN + 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip(f"needs {needed} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


@pytest.mark.usefixtures("descriptors_for_both_ends")
def test_thousands_of_half_open_connections_do_not_keep_a_request_out() -> None:
    with gateway(header_timeout=FOR_EVER) as url, ExitStack() as held:
        sockets = [held.enter_context(connect(url)) for _ in range(HALF_OPEN)]
        for sock in sockets[::3]:
            sock.sendall(PARTIAL_HEAD)
        assert_serves(url)
        # They were held all along (not dropped to make room): nothing came, nothing closed.
        for sock in sockets[::100]:
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)


def test_a_connection_past_the_cap_is_answered_503_at_once_and_room_comes_back() -> None:
    with gateway(max_client_connections=20, header_timeout=FOR_EVER) as url:
        with ExitStack() as held:
            sockets = [held.enter_context(connect(url)) for _ in range(20)]
            with httpx.Client(base_url=url, timeout=GENEROUS) as client:
                refused = client.post("/graphql", json=TYPENAME)
            assert refused.status_code == 503
            assert refused.json() == AT_CAPACITY
            assert refused.headers["retry-after"] == "1"
            assert refused.headers["connection"] == "close"
            # A client that sends nothing is not kept waiting for a head either.
            with connect(url) as silent:
                assert_refused(read_to_close(silent), 503, "SERVICE_UNAVAILABLE")
            for sock in sockets:
                sock.shutdown(socket.SHUT_WR)
                # The server closes its end once it has let go of the connection.
                assert read_to_close(sock) == b""
        assert_serves(url)


def test_a_request_head_past_the_bound_is_answered_431_and_disconnected() -> None:
    with gateway(max_header_bytes=1024) as url, connect(url) as sock:
        sock.sendall(
            b"GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Big: " + b"a" * 2000 + b"\r\n\r\n"
        )
        answer = assert_refused(read_to_close(sock), 431, "HEADERS_TOO_LARGE")
        assert "1024 bytes" in answer.json()["errors"][0]["message"]


def test_a_head_that_never_ends_is_answered_431_without_waiting_for_its_end() -> None:
    with gateway(max_header_bytes=1024) as url, connect(url) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Big: ")
        with flooding(sock):
            raw = read_to_close(sock)
        assert_refused(raw, 431, "HEADERS_TOO_LARGE")


def test_a_head_within_the_bound_arriving_with_its_body_is_served() -> None:
    # One write: the read that carries the head also carries a body larger than the bound.
    body = json.dumps({"query": "{ __typename" + " " * 4000 + "}"}).encode()
    head = post_head(body, b"X-Padding: " + b"p" * 800 + b"\r\n")
    with gateway(max_header_bytes=1024) as url, connect(url) as sock:
        sock.sendall(head + body)
        answer = read_response(sock)
        assert answer.status == 200, answer.body
        assert answer.json() == {"data": {"__typename": "Query"}}


def test_worker_processes_get_the_protections(redis_url: str) -> None:
    with serve(create_sandbox(token="workers-token")) as upstream:
        env = clean_env(
            GATEWAY_UPSTREAM_URL=f"{upstream}/api/v1",
            GATEWAY_UPSTREAM_TOKEN="workers-token",
            GATEWAY_REDIS_URL=redis_url,
            GATEWAY_HEADER_TIMEOUT="0.5",
        )
        with started("--workers", "2", env=env) as process:
            # The parent binds the port; it is listened on once a worker has started.
            process.wait_for_lines("Application startup complete", 2)
            with connect_once_listening(process.url) as sock:
                sock.sendall(PARTIAL_HEAD)
                assert_refused(read_to_close(sock), 408, "REQUEST_TIMEOUT")


def test_a_body_that_trickles_in_is_answered_408_once_its_deadline_passes() -> None:
    body = json.dumps(TYPENAME).encode()
    head = post_head(body)
    with gateway(body_timeout=0.5) as url, connect(url) as sock:
        sock.sendall(head + body[:5])  # the rest never comes
        answer = parse(read_to_close(sock))  # answered, then closed
    assert answer.status == 408
    assert answer.headers["connection"] == "close"
    (error,) = answer.json()["errors"]
    assert error["extensions"]["code"] == "REQUEST_TIMEOUT"
    assert "did not arrive within 0.5 seconds" in error["message"]


def test_a_body_that_arrives_in_pieces_within_its_deadline_is_served() -> None:
    body = json.dumps(TYPENAME).encode()
    head = post_head(body)
    with gateway(body_timeout=FOR_EVER) as url, connect(url) as sock:
        sock.sendall(head + body[:5])
        sock.sendall(body[5:])
        answer = read_response(sock)
    assert answer.status == 200
    assert answer.json() == {"data": {"__typename": "Query"}}
