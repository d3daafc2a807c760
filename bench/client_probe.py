"""The HTTP client alone: how fast can one process post the seed's REST body to the stand-in?

No server and no GraphQL: `concurrency` tasks post in a loop for `duration` seconds through
httpx's default transport (what the yardstick uses), through plain asyncio streams (the
floor), and through httpx with the gateway's own aiohttp transport
(`gateway.upstream.transport`). The gap between the first two is what httpx's pool costs any
httpx-based proxy.
Runs with the project's interpreter; prints one JSON line per client.

    python -m bench.client_probe --url http://127.0.0.1:8001 --concurrency 10 --duration 5
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import resource
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import httpx

from bench import payloads

Post = Callable[[], Awaitable[None]]


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _drive(
    make_post: Callable[[], Awaitable[Post]], concurrency: int, duration: float
) -> dict[str, float]:
    latencies: list[float] = []
    stop = time.monotonic() + duration

    async def worker() -> None:
        post = await make_post()
        while time.monotonic() < stop:
            started = time.perf_counter()
            await post()
            latencies.append(time.perf_counter() - started)

    cpu_before, started = _cpu_s(), time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed, cpu = time.monotonic() - started, _cpu_s() - cpu_before
    latencies.sort()
    count = len(latencies)
    return {
        "requests": count,
        "rps": count / elapsed,
        "p50_ms": 1000 * latencies[count // 2],
        "p99_ms": 1000 * latencies[min(count - 1, int(count * 0.99))],
        "max_ms": 1000 * latencies[-1],
        "cpu_ms_per_request": 1000 * cpu / max(1, count),
    }


def _httpx_post(client: httpx.AsyncClient, path: str, body: bytes) -> Callable[[], Awaitable[Post]]:
    async def make() -> Post:
        async def post() -> None:
            response = await client.post(
                path, content=body, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 201

        return post

    return make


def _raw_post(url: str, path: str, body: bytes) -> Callable[[], Awaitable[Post]]:
    parts = urlsplit(url)
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body

    async def make() -> Post:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)

        async def post() -> None:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 201")
            length = head.lower().split(b"content-length:")[1].split(b"\r\n")[0]
            await reader.readexactly(int(length))

        return post

    return make


async def probe(url: str, clients: list[str], concurrency: int, duration: float) -> None:
    path, body = payloads.rest_path(1), payloads.rest_body(1)
    for name in clients:
        if name == "raw":
            result = await _drive(_raw_post(url, path, body), concurrency, duration)
        else:
            transport: httpx.AsyncBaseTransport | None = None
            if name == "httpx-aiohttp":
                # The gateway's own transport: aiohttp's pool under the httpx API.
                module = importlib.import_module("gateway.upstream.transport")
                transport = module.AiohttpTransport(limits=httpx.Limits(max_connections=100))
            async with httpx.AsyncClient(base_url=url, transport=transport) as client:
                result = await _drive(_httpx_post(client, path, body), concurrency, duration)
        print(json.dumps({"client": name, "concurrency": concurrency, **result}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the stand-in's origin")
    parser.add_argument("--clients", default="httpx,raw,httpx-aiohttp")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--duration", type=float, default=5.0)
    args = parser.parse_args()
    run = probe(args.url, args.clients.split(","), args.concurrency, args.duration)
    try:
        import uvloop
    except ImportError:
        asyncio.run(run)
    else:
        uvloop.run(run)  # as under uvicorn[standard]


if __name__ == "__main__":
    main()
