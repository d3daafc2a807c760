"""A circuit breaker, so that an upstream that keeps failing is not hammered.

After `failure_threshold` consecutive failures (no connection, timeouts, broken
connections, 5xx) the circuit opens: calls fail at once for `reset_after` seconds. Then one
trial call is let through (half-open); its success closes the circuit, its failure opens it
again. Answers such as 404 or 422 are the upstream working normally and count as successes.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable


class CircuitState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int,
        reset_after: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._failure_threshold = failure_threshold
        self._reset_after = reset_after
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> CircuitState:
        if self._opened_at is None:
            return CircuitState.CLOSED
        if self._clock() - self._opened_at >= self._reset_after:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    def allow(self) -> bool:
        """Whether a call may go out now; in half-open state only one trial at a time."""
        state = self.state
        if state is CircuitState.CLOSED:
            return True
        if state is CircuitState.HALF_OPEN and not self._trial_in_flight:
            self._trial_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._trial_in_flight = False

    def record_failure(self) -> None:
        self._failures += 1
        self._trial_in_flight = False
        if self._opened_at is not None or self._failures >= self._failure_threshold:
            self._opened_at = self._clock()

    def record_neutral(self) -> None:
        """A call that proved nothing either way (e.g. cancelled by the client)."""
        self._trial_in_flight = False
