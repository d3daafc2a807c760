"""The open-file limit raised at start-up for the client connection cap."""

from __future__ import annotations

import logging
import resource
from collections.abc import Iterator

import pytest

from gateway.http.file_limit import SPARE_DESCRIPTORS, descriptors_needed, ensure_file_limit


@pytest.fixture
def low_soft_limit() -> Iterator[int]:
    """This process's soft limit lowered to 1024 (a common default); restored afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 8192:
        pytest.skip(f"needs a hard open-file limit of 8192; it is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
    try:
        yield hard
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_the_cap_counts_upstream_connections_and_spares() -> None:
    assert descriptors_needed(4096, 100) == 4096 + 100 + SPARE_DESCRIPTORS


def test_a_soft_limit_below_the_cap_is_raised(
    low_soft_limit: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="gateway.http.file_limit"):
        assert ensure_file_limit(4452) == 4452
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == 4452
    assert [record.levelno for record in caplog.records] == [logging.INFO]


def test_a_cap_past_the_hard_limit_gets_the_hard_limit_and_a_warning(
    low_soft_limit: int, caplog: pytest.LogCaptureFixture
) -> None:
    if low_soft_limit == resource.RLIM_INFINITY:
        pytest.skip("no hard limit to go past")
    with caplog.at_level(logging.INFO, logger="gateway.http.file_limit"):
        assert ensure_file_limit(low_soft_limit + 1) == low_soft_limit
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == low_soft_limit
    assert [record.levelno for record in caplog.records] == [logging.WARNING]
    assert "GATEWAY_MAX_CLIENT_CONNECTIONS" in caplog.records[0].getMessage()


def test_a_soft_limit_already_enough_is_left_alone(
    low_soft_limit: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="gateway.http.file_limit"):
        assert ensure_file_limit(1000) == 1024
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == 1024
    assert caplog.records == []
