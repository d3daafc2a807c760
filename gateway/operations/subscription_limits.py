"""How many subscriptions may run at once: per credentials, and in the whole process.

The per-connection bound belongs to the transports (one WebSocket carries many); these two
hold across transports and connections, so neither one token nor a crowd of invented ones can
tie up the process. Credentials are counted by a digest, never kept as given.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import Counter
from collections.abc import Iterator

from gateway.errors import TooManySubscriptions


def credentials_key(authorization: str | None) -> str:
    """What a caller's credentials are known by in memory: a digest of its Authorization."""
    if not authorization:
        return ""
    return hashlib.sha256(authorization.encode("utf-8", "replace")).hexdigest()


class SubscriptionLimits:
    def __init__(self, *, per_credentials: int, total: int) -> None:
        self._per_credentials = per_credentials
        self._total = total
        self._held: Counter[str] = Counter()
        self.active = 0

    @contextlib.contextmanager
    def hold(self, credentials: str) -> Iterator[None]:
        """One running subscription for `credentials` (a `credentials_key`), while inside."""
        if self.active >= self._total:
            raise TooManySubscriptions(
                f"The gateway runs its limit of {self._total} subscriptions; retry later."
            )
        if self._held[credentials] >= self._per_credentials:
            raise TooManySubscriptions(
                f"These credentials already run {self._per_credentials} subscriptions, the "
                "limit; end one first."
            )
        self._held[credentials] += 1
        self.active += 1
        try:
            yield
        finally:
            self.active -= 1
            self._held[credentials] -= 1
            if not self._held[credentials]:
                del self._held[credentials]
