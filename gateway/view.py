"""The `/graphql` endpoint: Strawberry's ASGI view with the gateway's JSON and error rules."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from gateway.context import Context
from gateway.errors import INTERNAL_MESSAGE, format_error
from gateway.upstream.client import UpstreamClient

logger = logging.getLogger("gateway.errors")


def error_response(status: int, message: str, code: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, *args: object, upstream_authorization: str | None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._upstream_authorization = upstream_authorization

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope, receive=receive))
        except HTTPException as error:
            response = error_response(error.status_code, error.reason, "BAD_REQUEST")
        except Exception:
            # Whatever went wrong, the client gets a GraphQL-shaped answer, not a traceback.
            logger.exception("unexpected error while serving /graphql")
            response = error_response(500, INTERNAL_MESSAGE, "INTERNAL_SERVER_ERROR")
        await response(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        upstream: UpstreamClient = request.state.upstream
        return Context(
            upstream=upstream,
            authorization=self._upstream_authorization or request.headers.get("authorization"),
        )

    def decode_json(self, data: str | bytes) -> object:
        # Decimal variables keep the digits the client wrote (`700.10` stays `700.10`).
        return json.loads(data, parse_float=Decimal)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            response["errors"] = [format_error(error) for error in result.errors]
        if result.extensions:
            response["extensions"] = result.extensions
        return response


__all__ = ["GraphQLView", "error_response"]
