"""The aiohttp transport against raw asyncio servers on loopback: each failure is classified
by when it happened, since the client retries only what was certainly never sent. The upstream
client reaches it two ways, as an `Exchange` and through httpx's request and response (as any
other httpx transport): both send the same head and read answers and failures alike."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal

import httpx
import pytest

from gateway import logs
from gateway.errors import (
    UpstreamConnectionLost,
    UpstreamRateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.upstream.client import UpstreamClient
from gateway.upstream.transport import AiohttpTransport

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Server:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.connections = 0
        self.heads: list[bytes] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            self.heads.append(await reader.readuntil(b"\r\n\r\n"))
            await self.behaviour(reader, writer)
        finally:
            writer.close()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Behaviour], Awaitable[tuple[str, Server]]]]:
    servers: list[asyncio.Server] = []

    async def start(behaviour: Behaviour) -> tuple[str, Server]:
        server = Server(behaviour)
        listening = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        servers.append(listening)
        port = listening.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}", server

    yield start
    for listening in servers:
        listening.close()
        await listening.wait_closed()


def client(url: str, *, read: float = 5.0) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=url,
        transport=AiohttpTransport(limits=httpx.Limits(max_connections=4)),
        timeout=httpx.Timeout(5.0, read=read),
    )


async def close_at_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    return None


async def half_a_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b'HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\n{"invoice":')
    await writer.drain()


async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}")
    await writer.drain()


def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more


async def test_a_refused_connection_is_a_connect_error() -> None:
    async with client(refused_url()) as http:
        with pytest.raises(httpx.ConnectError):
            await http.post("/invoices", content=b"{}")


async def test_a_connection_closed_after_the_request_is_a_read_error(serve) -> None:  # type: ignore[no-untyped-def]
    url, _ = await serve(close_at_once)
    async with client(url) as http:
        with pytest.raises(httpx.ReadError):
            await http.post("/invoices", content=b"{}")


async def test_a_body_cut_short_is_a_protocol_error(serve) -> None:  # type: ignore[no-untyped-def]
    url, _ = await serve(half_a_body)
    async with client(url) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.post("/invoices", content=b"{}")


async def test_silence_after_the_request_is_a_read_timeout(serve) -> None:  # type: ignore[no-untyped-def]
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up and closes

    url, _ = await serve(stall)
    async with client(url, read=0.2) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.post("/invoices", content=b"{}")


async def test_a_post_whose_connection_dropped_is_not_retried(serve) -> None:  # type: ignore[no-untyped-def]
    url, server = await serve(close_at_once)
    transport = AiohttpTransport(limits=httpx.Limits(max_connections=4))
    async with httpx.AsyncClient(base_url=url, transport=transport) as http:
        upstream = UpstreamClient(http, transport=transport, deadline=5, connect_retries=3)
        with pytest.raises(UpstreamConnectionLost):
            await upstream.request("POST", "/invoices", json={}, authorization=None)
    assert server.connections == 1


async def test_no_content_type_is_added_to_a_bodiless_request(serve) -> None:  # type: ignore[no-untyped-def]
    url, server = await serve(answer)
    async with client(url) as http:
        response = await http.patch("/invoices/1/approve")
    assert response.status_code == 201
    assert response.json() == {}
    assert server.heads[0].startswith(b"PATCH /invoices/1/approve HTTP/1.1")
    assert b"content-type" not in server.heads[0].lower()


async def test_headers_are_httpx_s_alone_and_compressed_answers_are_decoded(serve) -> None:  # type: ignore[no-untyped-def]
    payload = gzip.compress(b'{"invoice": {"id": 7}}')

    async def gzipped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(
            b"HTTP/1.1 201 Created\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload
        )
        await writer.drain()

    url, server = await serve(gzipped)
    async with client(url) as http:
        response = await http.post(
            "/invoices", content=b"{}", headers={"User-Agent": "invoice-gateway"}
        )
    assert response.status_code == 201
    assert response.json() == {"invoice": {"id": 7}}
    head = server.heads[0].lower()
    # One User-Agent and one Accept-Encoding, both httpx's: aiohttp adds none of its own.
    assert head.count(b"\r\nuser-agent:") == 1
    assert b"user-agent: invoice-gateway" in head
    assert head.count(b"\r\naccept-encoding:") == 1


async def test_many_calls_share_one_connection(serve) -> None:  # type: ignore[no-untyped-def]
    async def keep_answering(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # The first head was read by the server; each request carries a 2-byte body.
        while True:
            try:
                await reader.readexactly(2)
            except asyncio.IncompleteReadError:
                return
            writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()
            try:
                await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                return

    url, server = await serve(keep_answering)
    async with client(url) as http:
        for _ in range(5):
            response = await http.post("/invoices", content=b"{}")
            assert response.json() == {}
    assert server.connections == 1


class Forwarding(httpx.AsyncBaseTransport):
    """An httpx transport that is not an `AiohttpTransport`, so the client adapts it with
    `HttpxExchange`: the same aiohttp transport, reached through httpx's request/response."""

    def __init__(self, inner: AiohttpTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@contextlib.asynccontextmanager
async def upstream_client(
    url: str, exchange: str, *, read: float = 5.0
) -> AsyncIterator[UpstreamClient]:
    aiohttp_transport = AiohttpTransport(limits=httpx.Limits(max_connections=4))
    transport: httpx.AsyncBaseTransport = (
        aiohttp_transport if exchange == "aiohttp" else Forwarding(aiohttp_transport)
    )
    http = httpx.AsyncClient(
        base_url=url + "/api/v1",
        transport=transport,
        timeout=httpx.Timeout(5.0, read=read),
        headers={"User-Agent": "invoice-gateway"},
    )
    async with http:
        yield UpstreamClient(
            http, transport=transport, deadline=5, connect_retries=1, retry_backoff=0
        )


EXCHANGES = pytest.mark.parametrize("exchange", ["aiohttp", "httpx"])


def head_and_body(answer: bytes) -> Behaviour:
    async def behaviour(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer)
        await writer.drain()

    return behaviour


@EXCHANGES
async def test_either_exchange_sends_one_head_and_reads_a_compressed_answer(
    serve,
    exchange: str,  # type: ignore[no-untyped-def]
) -> None:
    payload = gzip.compress(b'{"invoice": {"id": 7, "gross_value": 700.10}}')
    bodies: list[bytes] = []

    async def gzipped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        bodies.append(await reader.readexactly(len(b'{"gross_value":700.10}')))
        writer.write(
            b"HTTP/1.1 201 Created\r\nContent-Encoding: gzip\r\nx-request-id: up-1\r\n"
            b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload
        )
        await writer.drain()

    url, server = await serve(gzipped)
    token = logs.request_id.set("gw-1")
    try:
        async with upstream_client(url, exchange) as upstream:
            response = await upstream.request(
                "POST",
                "/contracts/3/invoices",
                authorization="Token token=abc",
                json={"gross_value": Decimal("700.10")},
            )
    finally:
        logs.request_id.reset(token)
    assert response.status == 201
    assert response.data == {"invoice": {"id": 7, "gross_value": Decimal("700.10")}}
    assert response.request_id == "up-1"
    assert bodies == [b'{"gross_value":700.10}']
    head = server.heads[0].lower()
    assert head.startswith(b"post /api/v1/contracts/3/invoices http/1.1\r\n")
    for line in (
        b"authorization: token token=abc",
        b"content-type: application/json",
        b"accept: application/json",
        b"x-request-id: gw-1",
        b"user-agent: invoice-gateway",
    ):
        assert head.count(b"\r\n" + line + b"\r\n") == 1, line
    assert head.count(b"\r\naccept-encoding:") == 1
    assert head.count(b"\r\nuser-agent:") == 1


@EXCHANGES
async def test_either_exchange_keeps_a_status_error_s_headers(
    serve,
    exchange: str,  # type: ignore[no-untyped-def]
) -> None:
    url, _ = await serve(
        head_and_body(
            b"HTTP/1.1 429 Too Many Requests\r\nretry-after: 3\r\nX-Request-Id: up-2\r\n"
            b"Content-Length: 2\r\n\r\n{}"
        )
    )
    async with upstream_client(url, exchange) as upstream:
        with pytest.raises(UpstreamRateLimited) as raised:
            await upstream.request("GET", "/invoices/1", authorization=None)
    assert raised.value.retry_after == "3"
    assert raised.value.request_id == "up-2"
    assert raised.value.status == 429


@EXCHANGES
async def test_either_exchange_classifies_failures_alike(
    serve,
    exchange: str,  # type: ignore[no-untyped-def]
) -> None:
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    async with upstream_client(refused_url(), exchange) as upstream:
        with pytest.raises(UpstreamUnavailable):
            await upstream.request("POST", "/invoices", authorization=None, json={})
    not_gzip = (
        b"HTTP/1.1 201 Created\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\n\r\nnot-gzip!"
    )
    for behaviour, expected in (
        (half_a_body, UpstreamConnectionLost),
        (head_and_body(not_gzip), UpstreamConnectionLost),
        (close_at_once, UpstreamConnectionLost),
        (stall, UpstreamTimeout),
    ):
        url, server = await serve(behaviour)
        async with upstream_client(url, exchange, read=0.2) as upstream:
            with pytest.raises(expected):
                await upstream.request("POST", "/invoices", authorization=None, json={})
        assert server.connections == 1  # sent, so never retried
