"""HTTP surface of the sandbox: the upstream's routes, auth, status codes and error shapes."""

from __future__ import annotations

import hmac
import json
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from decimal import Decimal
from typing import Any, NoReturn

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from .errors import BadRequest, NotFound, Unprocessable
from .models import Contract, Raw
from .queries import invoice_filters, parse_page, receivable_filters
from .render import JSON, render_invoice, render_receivable
from .store import DEFAULT_CONTRACTS, Store

Handler = Callable[[Request, Store], Awaitable[Response]]

_AUTHORIZATION = re.compile(r'Token\s+token="?([^"\s]+)"?', re.IGNORECASE)


def create_app(
    *, token: str | None = None, contracts: Iterable[Contract] | None = None
) -> Starlette:
    """A fresh upstream with its own state; `token=None` accepts any token."""
    app = Starlette(
        routes=[Mount("/api/v1", routes=_routes())],
        # Rails answers unknown routes and methods with an empty 404.
        exception_handlers={404: _empty_not_found, 405: _empty_not_found},
    )
    app.state.store = Store(DEFAULT_CONTRACTS if contracts is None else contracts)
    app.state.token = token
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
    ]


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Authenticates, then maps the store's failures to the upstream's responses."""

    async def run(request: Request) -> Response:
        if not _authorized(request):
            return Response(
                status_code=401, headers={"WWW-Authenticate": 'Token realm="Application"'}
            )
        store: Store = request.app.state.store
        try:
            response = await handler(request, store)
        except NotFound:
            response = _empty(404)
        except BadRequest as error:
            response = JSONResponse({"errors": error.message}, status_code=400)
        except Unprocessable as error:
            response = JSONResponse({"errors": error.errors}, status_code=422)
        response.headers["X-Request-Id"] = str(uuid.uuid4())
        return response

    return run


def _authorized(request: Request) -> bool:
    match = _AUTHORIZATION.fullmatch(request.headers.get("authorization", "").strip())
    if match is None:
        return False
    expected: str | None = request.app.state.token
    return expected is None or hmac.compare_digest(match.group(1), expected)


async def health_check(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def create_invoice(request: Request, store: Store) -> Response:
    body = await _json_param(request, "invoice")
    invoice = store.create_invoice(_int(request, "contract_id"), body)
    return _invoice_response(render_invoice(invoice), status_code=201)


async def show_invoice(request: Request, store: Store) -> Response:
    invoice = store.invoice(_int(request, "contract_id"), _int(request, "invoice_id"))
    return _invoice_response(render_invoice(invoice))


async def update_invoice(request: Request, store: Store) -> Response:
    body = await _json_param(request, "invoice")
    ids = _int(request, "contract_id"), _int(request, "invoice_id")
    return _invoice_response(render_invoice(store.update_invoice(*ids, body)))


async def delete_invoice(request: Request, store: Store) -> Response:
    store.delete_invoice(_int(request, "contract_id"), _int(request, "invoice_id"))
    return _empty(204)


async def approve_invoice(request: Request, store: Store) -> Response:
    ids = _int(request, "contract_id"), _int(request, "invoice_id")
    return _invoice_response(render_invoice(store.set_approval(*ids, "approved")))


async def block_invoice(request: Request, store: Store) -> Response:
    ids = _int(request, "contract_id"), _int(request, "invoice_id")
    return _invoice_response(render_invoice(store.set_approval(*ids, "blocked")))


async def late_invoices(request: Request, store: Store) -> Response:
    today = store.today()
    invoices = store.contract_invoices(_int(request, "contract_id"))
    late = [render_invoice(i) for i in sorted(invoices, key=_by_id) if i.is_late(today)]
    return JSONResponse({"invoices": late})


async def search_invoices(request: Request, store: Store) -> Response:
    invoices = store.organization_invoices(_int(request, "organization_id"))
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
    invoices = store.contract_invoices(_int(request, "contract_id"))
    filters = receivable_filters(request.query_params, store.today())
    found = sorted(
        ((i, r) for i in invoices for r in i.receivables if all(f(r) for f in filters)),
        key=lambda pair: pair[1].id,
    )
    return JSONResponse({"receivables": [render_receivable(r, invoice=i) for i, r in found]})


async def receive(request: Request, store: Store) -> Response:
    body = await _json_param(request, "receivable")
    ids = _int(request, "contract_id"), _int(request, "receivable_id")
    return JSONResponse({"receivable": render_receivable(store.receive(*ids, body))})


async def undo_receipt(request: Request, store: Store) -> Response:
    ids = _int(request, "contract_id"), _int(request, "receivable_id")
    return JSONResponse({"receivable": render_receivable(store.undo_receipt(*ids))})


async def _json_param(request: Request, key: str) -> Raw:
    """The `key` object of a JSON body; amounts keep their exact decimal value."""
    try:
        payload = json.loads(await request.body(), parse_float=Decimal, parse_constant=_reject)
    except ValueError:
        # Rails' ActionDispatch::Http::Parameters::ParseError message.
        raise BadRequest("Error occurred while parsing request parameters") from None
    value = payload.get(key) if isinstance(payload, dict) else None
    if not isinstance(value, dict) or not value:
        # Rails' ActionController::ParameterMissing message.
        raise BadRequest(f"param is missing or the value is empty: {key}")
    return value


def _reject(constant: str) -> NoReturn:
    raise ValueError(f"{constant} is not valid JSON")


def _int(request: Request, name: str) -> int:
    value: Any = request.path_params[name]
    return int(value)


def _by_id(item: Any) -> int:
    return int(item.id)


def _invoice_response(invoice: JSON, status_code: int = 200) -> Response:
    return JSONResponse({"invoice": invoice}, status_code=status_code)


def _empty(status_code: int) -> Response:
    return Response(status_code=status_code)


async def _empty_not_found(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException) and exc.status_code not in (404, 405):
        raise exc
    return _empty(404)
