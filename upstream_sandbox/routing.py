"""What every route of the sandbox shares: authentication, the upstream's failure responses,
and reading request bodies and path ids the way Rails does.

A resource module (`invoices` in `app.py`, `parties.py`, ...) writes its handlers as
`async def handler(request, store) -> Response` and wraps each with `endpoint`.
"""

from __future__ import annotations

import hmac
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, NoReturn

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .errors import BadRequest, NotFound, Unprocessable
from .models import Raw
from .store import Store

Handler = Callable[[Request, Store], Awaitable[Response]]

_AUTHORIZATION = re.compile(r'Token\s+token="?([^"\s]+)"?', re.IGNORECASE)


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
            response = empty(404)
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


async def json_body(request: Request) -> object:
    """The decoded JSON body; amounts keep their exact decimal value."""
    try:
        return json.loads(await request.body(), parse_float=Decimal, parse_constant=_reject)
    except ValueError:
        # Rails' ActionDispatch::Http::Parameters::ParseError message.
        raise BadRequest("Error occurred while parsing request parameters") from None


async def json_param(request: Request, key: str) -> Raw:
    """The `key` object of a JSON body (`{"invoice": {...}}`)."""
    payload = await json_body(request)
    value = payload.get(key) if isinstance(payload, dict) else None
    if not isinstance(value, dict) or not value:
        # Rails' ActionController::ParameterMissing message.
        raise BadRequest(f"param is missing or the value is empty: {key}")
    return value


async def flat_or_wrapped(request: Request, key: str) -> Raw:
    """A body sent flat (`{"name": ...}`) or wrapped (`{"company": {...}}`): Rails' parameter
    wrapping accepts both for the resources the traffic sends flat."""
    payload = await json_body(request)
    if not isinstance(payload, dict):
        raise BadRequest(f"param is missing or the value is empty: {key}")
    wrapped = payload.get(key)
    return wrapped if isinstance(wrapped, dict) else payload


def _reject(constant: str) -> NoReturn:
    raise ValueError(f"{constant} is not valid JSON")


def path_int(request: Request, name: str) -> int:
    value: Any = request.path_params[name]
    return int(value)


def empty(status_code: int) -> Response:
    return Response(status_code=status_code)
