"""The aiohttp transport against raw asyncio servers on loopback: each failure is classified
by when it happened, since the client retries only what was certainly never sent."""

from __future__ import annotations

import asyncio
import gzip
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from gateway.errors import UpstreamConnectionLost
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
