"""The near-limit proxy: what a Python byte-forwarding proxy can do at best on one core.

aiohttp's server and one shared `aiohttp.ClientSession` (keep-alive pool, no limit on
connections), on uvloop, no access log: the same work as the yardstick (forward
`GET organizations/{id}/invoices/search` and `POST contracts/{id}/invoices`, answer with the
upstream's status and bytes, parse nothing) without Starlette's, uvicorn's and httpx's layers.

    BENCH_UPSTREAM_URL=http://127.0.0.1:8001 python -m bench.reads_proxy --port 8002
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator, Callable

from aiohttp import ClientSession, TCPConnector, web

SESSION = web.AppKey("session", ClientSession)


def create_app(upstream_url: str) -> web.Application:
    async def session(app: web.Application) -> AsyncIterator[None]:
        async with ClientSession(
            base_url=upstream_url, connector=TCPConnector(limit=0), auto_decompress=False
        ) as client:
            app[SESSION] = client
            yield

    def headers(request: web.Request) -> dict[str, str]:
        sent = {"Accept": "application/json"}
        if authorization := request.headers.get("Authorization"):
            sent["Authorization"] = authorization
        return sent

    async def forward(request: web.Request, method: str, body: bytes | None) -> web.Response:
        sent = headers(request)
        if body is not None:
            sent["Content-Type"] = "application/json"
        async with request.app[SESSION].request(
            method, request.path_qs, data=body, headers=sent
        ) as upstream:
            content = await upstream.read()
            return web.Response(
                body=content,
                status=upstream.status,
                content_type="application/json",
                charset="utf-8",
            )

    async def search_invoices(request: web.Request) -> web.Response:
        return await forward(request, "GET", None)

    async def create_invoice(request: web.Request) -> web.Response:
        return await forward(request, "POST", await request.read())

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.cleanup_ctx.append(session)
    app.router.add_get(r"/api/v1/organizations/{id:\d+}/invoices/search", search_invoices)
    app.router.add_post(r"/api/v1/contracts/{id:\d+}/invoices", create_invoice)
    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    run(create_app, __doc__.splitlines()[0])


def run(create: Callable[[str], web.Application], description: str) -> None:
    """The command line of an aiohttp server in front of `BENCH_UPSTREAM_URL` (this proxy, the
    hand-written graph client): uvloop, no access log."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    import uvloop

    web.run_app(
        create(os.environ["BENCH_UPSTREAM_URL"]),
        host=args.host,
        port=args.port,
        access_log=None,
        print=None,
        loop=uvloop.new_event_loop(),
    )


if __name__ == "__main__":
    main()
