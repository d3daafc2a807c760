"""The `/graphql` endpoint, following the GraphQL-over-HTTP spec.

- GET runs queries (never mutations: 405); POST runs everything, as JSON, a JSON batch, or a
  multipart upload.
- Responses are `application/graphql-response+json` or `application/json`, as the client's
  `Accept` prefers. A request that cannot run at all (unparseable, invalid, variables that do
  not fit) has no `data`; under `application/graphql-response+json` it gets a 400.
- Automatic persisted queries, a bounded body size and CSRF protection apply to every request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

import orjson
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from gateway import persisted_queries
from gateway.allowlist import Allowlist
from gateway.context import Context
from gateway.error_formatting import INTERNAL_MESSAGE, error_body
from gateway.errors import MalformedRequest, PersistedQueryNotFound
from gateway.http.csrf import is_forgery_risk
from gateway.http.multipart import accepts_multipart_subscriptions, multipart_stream
from gateway.http.negotiation import GRAPHQL_RESPONSE_JSON, JSON, choose_media_type
from gateway.http.request import (
    JSON_TOO_DEEP,
    GraphQLRequest,
    ParsedRequest,
    parse_get,
    parse_json_body,
    parse_multipart,
)
from gateway.http.results import Result, result_of
from gateway.http.sse import accepts_event_stream, event_stream
from gateway.http.streams import ANY_OPERATION, Run, start
from gateway.input_limits import InputLimits, oversized_variable
from gateway.observability import metrics
from gateway.persisted_queries import PersistedQueryStore
from gateway.schema import GatewaySchema
from gateway.upstream.client import UpstreamClient

logger = logging.getLogger(__name__)

SSE = "sse"
MULTIPART = "multipart"
QUERIES_ONLY = frozenset({OperationType.QUERY})
QUERIES_AND_MUTATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})
# Streamed over GET: what cannot change anything.
QUERIES_AND_SUBSCRIPTIONS = frozenset({OperationType.QUERY, OperationType.SUBSCRIPTION})
STREAMING_TRANSPORTS = (
    "graphql-ws on a WebSocket, `Accept: text/event-stream` (GraphQL over SSE) or "
    "`Accept: multipart/mixed;subscriptionSpec=1.0` (Apollo's multipart HTTP)"
)


@dataclass(frozen=True, kw_only=True)
class EndpointOptions:
    max_request_bytes: int
    max_upload_bytes: int
    max_batch_size: int
    # Seconds the whole request body may take to arrive; `None`: no deadline.
    body_timeout: float | None = None
    allowed_origins: Collection[str] = ()
    # The deployment's Authorization for the upstream; `None` forwards each client's own.
    upstream_authorization: str | None = None
    playground: Callable[[], str] | None = None
    input_limits: InputLimits | None = None
    # Trusted documents (`log` or `enforce`); `None` runs any document.
    allowlist: Allowlist | None = None
    # Seconds between heartbeats on an idle stream (SSE, multipart, graphql-ws).
    heartbeat: float = 15.0


class GraphQLEndpoint:
    def __init__(
        self, *, schema: GatewaySchema, store: PersistedQueryStore, options: EndpointOptions
    ) -> None:
        self._schema = schema
        self._store = store
        self._options = options

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive=self._limited(scope, receive))
        try:
            response = await self._handle(request)
        except RecursionError:
            # Only a hostile input nests deep enough for this (every limit is far below it):
            # a client's mistake, answered as one, and logged without its content.
            logger.warning("request nested past the recursion limit; refused")
            error = MalformedRequest(
                "The request is nested too deeply.", status=400, code=JSON_TOO_DEEP
            )
            response = _error_response(error, JSON)
        except Exception:
            # Whatever went wrong, the client gets a GraphQL-shaped answer, not a traceback.
            logger.exception("unexpected error while serving /graphql")
            error = MalformedRequest(INTERNAL_MESSAGE, status=500, code="INTERNAL_SERVER_ERROR")
            response = _error_response(error, JSON)
        await response(scope, receive, send)

    def _limited(self, scope: Scope, receive: Receive) -> Receive:
        limit = self._options.max_request_bytes
        timeout = self._options.body_timeout
        received = 0
        complete = False
        deadline: float | None = None

        async def limited() -> Message:
            nonlocal received, complete, deadline
            if complete or timeout is None:
                message = await receive()
            else:
                # A body trickled a byte at a time would hold the connection and this task
                # for ever: the whole body must arrive within the timeout of the first read.
                if deadline is None:
                    deadline = asyncio.get_running_loop().time() + timeout
                try:
                    async with asyncio.timeout_at(deadline):
                        message = await receive()
                except TimeoutError:
                    raise MalformedRequest(
                        f"The request body did not arrive within {timeout:g} seconds.",
                        status=408,
                        code="REQUEST_TIMEOUT",
                        headers={"Connection": "close"},
                    ) from None
                complete = not message.get("more_body", False)
            received += len(message.get("body", b""))
            if received > limit:
                raise MalformedRequest(
                    f"The request body exceeds {limit} bytes.",
                    status=413,
                    code="REQUEST_TOO_LARGE",
                )
            return message

        return limited

    async def _handle(self, request: Request) -> Response:
        media_type = choose_media_type(request.headers.get("accept"))
        try:
            if request.method not in ("GET", "POST"):
                raise MalformedRequest(
                    "GraphQL requests use GET (queries) or POST.",
                    status=405,
                    code="METHOD_NOT_ALLOWED",
                    headers={"Allow": "GET, POST"},
                )
            if self._wants_playground(request):
                assert self._options.playground is not None
                return HTMLResponse(self._options.playground())
            streamed = _streamed(request.headers.get("accept"))
            if media_type is None and streamed is None:
                raise MalformedRequest(
                    f"Cannot answer in any type the Accept header allows; use {JSON} or "
                    f"{GRAPHQL_RESPONSE_JSON}.",
                    status=406,
                    code="NOT_ACCEPTABLE",
                )
            self._check_forgery(request)
            parsed = await self._parse(request)
            if streamed is not None:
                return await self._stream(parsed, request, streamed, media_type or JSON)
            results = [
                await self._run(operation, request, index=index)
                for index, operation in enumerate(parsed.operations)
            ]
        except MalformedRequest as error:
            return _error_response(error, media_type or JSON)
        assert media_type is not None  # only a streamed answer may do without one
        if parsed.batched:
            return _json_response([result.body for result in results], 200, media_type)
        (result,) = results
        status = 400 if result.request_error and media_type == GRAPHQL_RESPONSE_JSON else 200
        return _json_response(result.body, status, media_type)

    def _wants_playground(self, request: Request) -> bool:
        return (
            self._options.playground is not None
            and request.method == "GET"
            and "text/html" in request.headers.get("accept", "")
            and "query" not in request.query_params
            and "extensions" not in request.query_params
            and "documentId" not in request.query_params
        )

    def _check_forgery(self, request: Request) -> None:
        own_origin = f"{request.url.scheme}://{request.url.netloc}"
        if is_forgery_risk(
            method=request.method,
            headers=request.headers,
            own_origin=own_origin,
            allowed_origins=self._options.allowed_origins,
        ):
            raise MalformedRequest(
                "This request has been blocked as a potential cross-site request forgery: "
                "send it with `Content-Type: application/json`, or with a non-empty "
                "`Apollo-Require-Preflight` header.",
                status=403,
                code="CSRF_BLOCKED",
            )

    async def _parse(self, request: Request) -> ParsedRequest:
        if request.method == "GET":
            return parse_get(request)
        content_type, _, parameters = request.headers.get("content-type", "").partition(";")
        content_type = content_type.strip().lower()
        charset = _charset(parameters)
        if charset not in (None, "utf-8", "utf8"):
            raise MalformedRequest(
                "Only UTF-8 request bodies are supported.",
                status=415,
                code="UNSUPPORTED_MEDIA_TYPE",
            )
        if content_type == "application/json":
            return parse_json_body(
                await request.body(), max_batch_size=self._options.max_batch_size
            )
        if content_type == "multipart/form-data":
            return await parse_multipart(
                request,
                max_batch_size=self._options.max_batch_size,
                max_upload_bytes=self._options.max_upload_bytes,
            )
        raise MalformedRequest(
            "POST requests must be `application/json` (or `multipart/form-data` for uploads).",
            status=415,
            code="UNSUPPORTED_MEDIA_TYPE",
        )

    async def _document(self, operation: GraphQLRequest) -> str | Result:
        """The operation's document text, or the answer that it cannot run."""
        try:
            if (allowlist := self._options.allowlist) is not None:
                query = await allowlist.resolve(operation, self._store)
            else:
                query = await persisted_queries.resolve(operation, self._store)
        except PersistedQueryNotFound:
            metrics.count_errors(["PERSISTED_QUERY_NOT_FOUND"])
            return Result(
                error_body(persisted_queries.NOT_FOUND_MESSAGE, "PERSISTED_QUERY_NOT_FOUND"),
                request_error=False,
            )
        if query is None:
            raise MalformedRequest("The request has no `query`.", code="BAD_REQUEST")
        if (limits := self._options.input_limits) is not None and (
            problem := oversized_variable(operation.variables, limits)
        ):
            message, code = problem
            metrics.count_errors([code])
            return Result(error_body(message, code), request_error=True)
        return query

    def context_for(
        self, connection: HTTPConnection, *, index: int = 0, authorization: str | None = None
    ) -> Context:
        """A new operation's context. `authorization` stands in for the request's header (a
        WebSocket's `connection_init` payload)."""
        upstream: UpstreamClient = connection.state.upstream
        return Context(
            upstream=upstream,
            authorization=self._options.upstream_authorization
            or authorization
            or connection.headers.get("authorization"),
            writes=getattr(connection.state, "writes", None),
            idempotency_header=connection.headers.get("idempotency-key"),
            operation_index=index,
            events=getattr(connection.state, "subscriptions", None),
        )

    async def _run(self, operation: GraphQLRequest, request: Request, *, index: int) -> Result:
        query = await self._document(operation)
        if isinstance(query, Result):
            return query
        started = time.perf_counter()
        try:
            result = await self._schema.execute(
                query,
                variable_values=operation.variables,
                context_value=self.context_for(request, index=index),
                operation_name=operation.operation_name,
                allowed_operation_types=(
                    QUERIES_ONLY if request.method == "GET" else QUERIES_AND_MUTATIONS
                ),
            )
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.SUBSCRIPTION:
                raise MalformedRequest(
                    f"A subscription needs a streaming transport: {STREAMING_TRANSPORTS}.",
                    code="STREAMING_TRANSPORT_REQUIRED",
                ) from None
            raise MalformedRequest(
                "Only queries can be sent with GET; send mutations with POST.",
                status=405,
                code="METHOD_NOT_ALLOWED",
                headers={"Allow": "POST"},
            ) from None
        except MissingQueryError:
            raise MalformedRequest("The request has no `query`.") from None
        except CannotGetOperationTypeError as error:
            raise MalformedRequest(f"Cannot run this document: {error}.") from None
        finally:
            metrics.observe_operation(
                *self._schema.describe(query, operation.operation_name),
                time.perf_counter() - started,
            )
        return result_of(result)

    async def open_run(
        self,
        operation: GraphQLRequest,
        context: Context,
        *,
        allowed: Collection[OperationType] = ANY_OPERATION,
    ) -> tuple[Run | None, Result | None]:
        """Start an operation over a streaming transport: its run (None: it never started)
        and the result it had before listening, if any (see `gateway.http.streams`)."""
        query = await self._document(operation)
        if isinstance(query, Result):
            return None, query
        started = time.perf_counter()
        run, first = await start(
            self._schema,
            query,
            variables=operation.variables,
            operation_name=operation.operation_name,
            context=context,
            allowed=allowed,
        )
        # A streamed operation's duration is its life: a subscription's, until it ends.
        described = self._schema.describe(query, operation.operation_name)
        run.on_close = lambda: metrics.observe_operation(*described, time.perf_counter() - started)
        return run, first

    async def _stream(
        self, parsed: ParsedRequest, request: Request, streamed: str, media_type: str
    ) -> Response:
        if parsed.batched:
            raise MalformedRequest("A streamed response carries one operation, not a batch.")
        (operation,) = parsed.operations
        run, first = await self.open_run(
            operation,
            self.context_for(request),
            allowed=QUERIES_AND_SUBSCRIPTIONS if request.method == "GET" else ANY_OPERATION,
        )
        if run is None or (first is not None and first.request_error):
            if run is not None:
                await run.aclose()
            assert first is not None
            # Nothing ran: answered as JSON, which every streaming client reads as final.
            as_400 = streamed == SSE or media_type == GRAPHQL_RESPONSE_JSON
            status = 400 if first.request_error and as_400 else 200
            return _json_response(first.body, status, media_type)
        stream = event_stream if streamed == SSE else multipart_stream
        return stream(  # type: ignore[return-value]
            run,
            heartbeat=self._options.heartbeat,
            shutdown=getattr(request.state, "shutdown", None),
        )


def _streamed(accept: str | None) -> str | None:
    """Which streaming transport the request asks for, if any."""
    if accepts_event_stream(accept):
        return SSE
    if accepts_multipart_subscriptions(accept):
        return MULTIPART
    return None


def _charset(parameters: str) -> str | None:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def _json_response(body: object, status: int, media_type: str) -> Response:
    return Response(
        orjson.dumps(body), status_code=status, media_type=f"{media_type}; charset=utf-8"
    )


def _error_response(error: MalformedRequest, media_type: str) -> Response:
    metrics.count_errors([error.code])
    response = _json_response(error_body(error.message, error.code), error.status, media_type)
    response.headers.update(error.headers)
    return response


__all__ = ["EndpointOptions", "GraphQLEndpoint"]
