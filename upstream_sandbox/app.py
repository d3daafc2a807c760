"""HTTP surface of the sandbox: the upstream's routes, auth, status codes and error shapes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from . import catalogue, invoice_rules, nfses, parties, product_ui, templates
from . import contracts as contract_routes
from .models import Contract
from .queries import invoice_filters, parse_page, receivable_filters
from .render import JSON, render_invoice, render_receivable
from .routing import empty, endpoint, json_param, path_int
from .store import DEFAULT_CONTRACTS, Store
from .webhooks import DEFAULT_RETRY_DELAYS, WebhookSender


def create_app(
    *,
    token: str | None = None,
    contracts: Iterable[Contract] | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    webhook_retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """A fresh upstream with its own state; `token=None` accepts any token.

    With `webhook_url` and `webhook_secret`, each invoice change is POSTed there as the
    product's signed webhook (`webhooks.py`), in the background; `webhook_transport` sends
    them through another transport (an `httpx.ASGITransport` reaches an app in-process). The
    sender is `app.state.webhooks` (else None); the app's lifespan closes it, and an app
    served without one (`httpx.ASGITransport`) closes it with `await sender.aclose()`.
    """
    sender = None
    if webhook_url is not None and webhook_secret is not None:
        sender = WebhookSender(
            webhook_url,
            webhook_secret,
            retry_delays=webhook_retry_delays,
            transport=webhook_transport,
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if sender is not None:
                await sender.aclose()

    app = Starlette(
        routes=[Mount("/api/v1", routes=_routes()), *product_ui.routes()],
        # Rails answers unknown routes and methods with an empty 404.
        exception_handlers={404: _empty_not_found, 405: _empty_not_found},
        lifespan=lifespan,
    )
    # The default data set (parties, templates, rules...) goes with the default contracts.
    app.state.store = store = Store(
        DEFAULT_CONTRACTS if contracts is None else contracts, seeded=contracts is None
    )
    app.state.token = token
    app.state.webhooks = sender
    if sender is not None:
        store.on_change(sender.deliver)
    return app


def _routes() -> list[BaseRoute]:
    contract = "/contracts/{contract_id:int}"
    invoice = contract + "/invoices/{invoice_id:int}"
    receivable = contract + "/receivables/{receivable_id:int}"
    return [
        Route("/health_check", health_check, methods=["GET"]),
        Route(contract + "/invoices", endpoint(create_invoice), methods=["POST"]),
        Route(contract + "/invoices/late", endpoint(late_invoices), methods=["GET"]),
        Route(invoice, endpoint(show_invoice), methods=["GET"]),
        Route(invoice, endpoint(update_invoice), methods=["PATCH", "PUT"]),
        Route(invoice, endpoint(delete_invoice), methods=["DELETE"]),
        Route(invoice + "/approve", endpoint(approve_invoice), methods=["PATCH"]),
        Route(invoice + "/block", endpoint(block_invoice), methods=["PATCH"]),
        Route(
            "/organizations/{organization_id:int}/invoices/search",
            endpoint(search_invoices),
            methods=["GET"],
        ),
        Route(contract + "/receivables/search", endpoint(search_receivables), methods=["GET"]),
        Route(receivable + "/receive", endpoint(receive), methods=["PATCH"]),
        Route(receivable + "/undo_receipt", endpoint(undo_receipt), methods=["PATCH"]),
        *parties.routes(),
        *catalogue.routes(),
        *contract_routes.routes(),
        *invoice_rules.routes(),
        *templates.routes(),
        *nfses.routes(),
    ]


async def health_check(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def create_invoice(request: Request, store: Store) -> Response:
    body = await json_param(request, "invoice")
    invoice = store.create_invoice(path_int(request, "contract_id"), body)
    return _invoice_response(render_invoice(invoice), status_code=201)


async def show_invoice(request: Request, store: Store) -> Response:
    invoice = store.invoice(path_int(request, "contract_id"), path_int(request, "invoice_id"))
    return _invoice_response(render_invoice(invoice))


async def update_invoice(request: Request, store: Store) -> Response:
    body = await json_param(request, "invoice")
    ids = path_int(request, "contract_id"), path_int(request, "invoice_id")
    return _invoice_response(render_invoice(store.update_invoice(*ids, body)))


async def delete_invoice(request: Request, store: Store) -> Response:
    store.delete_invoice(path_int(request, "contract_id"), path_int(request, "invoice_id"))
    return empty(204)


async def approve_invoice(request: Request, store: Store) -> Response:
    ids = path_int(request, "contract_id"), path_int(request, "invoice_id")
    return _invoice_response(render_invoice(store.set_approval(*ids, "approved")))


async def block_invoice(request: Request, store: Store) -> Response:
    ids = path_int(request, "contract_id"), path_int(request, "invoice_id")
    return _invoice_response(render_invoice(store.set_approval(*ids, "blocked")))


async def late_invoices(request: Request, store: Store) -> Response:
    today = store.today()
    invoices = store.contract_invoices(path_int(request, "contract_id"))
    late = [render_invoice(i) for i in sorted(invoices, key=_by_id) if i.is_late(today)]
    return JSONResponse({"invoices": late})


async def search_invoices(request: Request, store: Store) -> Response:
    invoices = store.organization_invoices(path_int(request, "organization_id"))
    page = parse_page(request.query_params)
    filters = invoice_filters(request.query_params, store.today())
    found = sorted((i for i in invoices if all(f(i) for f in filters)), key=_by_id)
    return JSONResponse(
        {
            "page": page.number,
            "per_page": page.size,
            "total_pages": page.total_pages(len(found)),
            "invoices": [render_invoice(i) for i in page.slice(found)],
        }
    )


async def search_receivables(request: Request, store: Store) -> Response:
    invoices = store.contract_invoices(path_int(request, "contract_id"))
    filters = receivable_filters(request.query_params, store.today())
    found = sorted(
        ((i, r) for i in invoices for r in i.receivables if all(f(r) for f in filters)),
        key=lambda pair: pair[1].id,
    )
    return JSONResponse({"receivables": [render_receivable(r, invoice=i) for i, r in found]})


async def receive(request: Request, store: Store) -> Response:
    body = await json_param(request, "receivable")
    ids = path_int(request, "contract_id"), path_int(request, "receivable_id")
    return JSONResponse({"receivable": render_receivable(store.receive(*ids, body))})


async def undo_receipt(request: Request, store: Store) -> Response:
    ids = path_int(request, "contract_id"), path_int(request, "receivable_id")
    return JSONResponse({"receivable": render_receivable(store.undo_receipt(*ids))})


def _by_id(item: Any) -> int:
    return int(item.id)


def _invoice_response(invoice: JSON, status_code: int = 200) -> Response:
    return JSONResponse({"invoice": invoice}, status_code=status_code)


async def _empty_not_found(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException) and exc.status_code not in (404, 405):
        raise exc
    return empty(404)
