"""An operation's result as the response body it becomes."""

from __future__ import annotations

from typing import Any

from strawberry.types import ExecutionResult

from gateway.error_formatting import format_error
from gateway.errors import SubscriberTooSlow
from gateway.observability import metrics


class Result:
    """One operation's response body, and whether it was a request error (nothing ran)."""

    __slots__ = ("body", "request_error")

    def __init__(self, body: dict[str, Any], *, request_error: bool) -> None:
        self.body = body
        self.request_error = request_error

    @property
    def codes(self) -> list[object]:
        """The `extensions.code` of each of its errors."""
        return _codes(self.body.get("errors") or [])

    @property
    def ends_stream(self) -> bool:
        """Whether the gateway ended the operation (its subscriber fell behind): for the
        transports, no result of the operation but the end of it."""
        return self.body.get("data") is None and SubscriberTooSlow.code in self.codes


def result_of(result: ExecutionResult) -> Result:
    errors = result.errors or []
    # Parse, validation and variable errors happen before execution: they have no path, and
    # the spec says the response then has no `data` at all.
    request_error = result.data is None and bool(errors) and all(e.path is None for e in errors)
    body: dict[str, Any] = {} if request_error else {"data": result.data}
    if errors:
        body["errors"] = [format_error(error) for error in errors]
        metrics.count_errors(_codes(body["errors"]))
    if result.extensions:
        body["extensions"] = result.extensions
    return Result(body, request_error=request_error)


def _codes(errors: list[dict[str, object]]) -> list[object]:
    return [
        extensions.get("code")
        for error in errors
        if isinstance(extensions := error.get("extensions"), dict)
    ]
