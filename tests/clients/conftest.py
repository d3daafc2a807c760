"""One sandbox + gateway pair on loopback for the Node clients of this package."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.clients.support import Stack, running_stack


@pytest.fixture(scope="package")
def stack() -> Iterator[Stack]:
    with running_stack() as stack:
        yield stack
