"""The best the REST API allows for the graph page: a hand-written Python client, as a server.

`GET /organizations/{id}/invoice-page` does what a front end's own backend would do by hand
for the page of `bench.reads.GRAPH_QUERY`: `GET organizations/{id}/invoices/search?page=1&
per_page=100`, then at once one `GET organizations/{id}/contracts/{contract_id}` per distinct
contract and one `GET companies/{customer_id}` per distinct customer (the REST API has no
batch read), and answers the joined page in the gateway's own JSON shape (camelCase, ISO
dates, two-decimal amounts, upper-case states), so the two answers are compared byte for
value. aiohttp server and client on uvloop, orjson, no access log: near the limit of Python.

    BENCH_UPSTREAM_URL=http://127.0.0.1:8001 python -m bench.graph_client --port 8003
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import orjson
from aiohttp import ClientSession, TCPConnector, web

from bench import reads_proxy

SESSION = web.AppKey("session", ClientSession)
PAGE = 100


def _iso(date: str | None) -> str | None:
    """The upstream's dd/mm/yyyy as yyyy-mm-dd."""
    return None if date is None else f"{date[6:10]}-{date[3:5]}-{date[0:2]}"


def _money(value: str | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def create_app(upstream_url: str) -> web.Application:
    async def session(app: web.Application) -> AsyncIterator[None]:
        async with ClientSession(
            base_url=upstream_url, connector=TCPConnector(limit=0), auto_decompress=False
        ) as client:
            app[SESSION] = client
            yield

    async def page(request: web.Request) -> web.Response:
        client = request.app[SESSION]
        organization = request.match_info["id"]
        headers = {"Accept": "application/json"}
        if authorization := request.headers.get("Authorization"):
            headers["Authorization"] = authorization

        async def get(path: str) -> Any:
            async with client.get(path, headers=headers) as response:
                if response.status != 200:
                    raise web.HTTPBadGateway(text=f"{path}: {response.status}")
                return orjson.loads(await response.read())

        search = await get(
            f"/api/v1/organizations/{organization}/invoices/search?page=1&per_page={PAGE}"
        )
        invoices: list[dict[str, Any]] = search["invoices"]
        contract_ids = list(dict.fromkeys(i["contract_id"] for i in invoices))
        customer_ids = list(
            dict.fromkeys(i["customer_id"] for i in invoices if i["customer_type"] == "Company")
        )
        found = await asyncio.gather(
            *(get(f"/api/v1/organizations/{organization}/contracts/{c}") for c in contract_ids),
            *(get(f"/api/v1/companies/{c}") for c in customer_ids),
        )
        contracts = {
            c: {"name": body["contract"]["name"]}
            for c, body in zip(contract_ids, found[: len(contract_ids)], strict=True)
        }
        customers = {
            c: {"name": body["company"]["name"]}
            for c, body in zip(customer_ids, found[len(contract_ids) :], strict=True)
        }
        edges = [
            {
                "node": {
                    "id": str(i["id"]),
                    "number": i["number"],
                    "state": i["state"].upper(),
                    "description": i["description"],
                    "grossValue": _money(i["gross_value"]),
                    "issueDate": _iso(i["issue_date"]),
                    "contractId": str(i["contract_id"]),
                    "customerId": str(i["customer_id"]),
                    "contract": contracts.get(i["contract_id"]),
                    "customer": customers.get(i["customer_id"], {}),
                }
            }
            for i in invoices
        ]
        body = orjson.dumps({"data": {"invoices": {"edges": edges}}})
        return web.Response(body=body, content_type="application/json")

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.cleanup_ctx.append(session)
    app.router.add_get(r"/organizations/{id:\d+}/invoice-page", page)
    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    reads_proxy.run(create_app, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
