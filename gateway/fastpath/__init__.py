"""The speed-up layer, in one package behind one switch.

graphql-core and Strawberry do per request what this layer does once per document or type:
variables coerced by converters compiled per operation (`variables`), input objects built by
converters compiled per type (`input_conversion`), results completed by plans compiled per
selection (`execution`, `plans`), which write the upstream's objects straight into the
response through the REST layer's projections (`selections`, `gateway.rest.projection`), and
the garbage collector tuned for large, short-lived results (`gc_tuning`). Each hands back
to the stock path at the first thing it does not cover, and `tests/unit/test_execution.py` and
`tests/unit/test_projection.py` hold them to the stock results.

`GATEWAY_FAST_PATH` (`build_schema(fast_path=...)`) turns it all on or off. It reaches into
library internals, all imported in `compat`; when those imports or `compat.problem()` fail
(after a library upgrade), `active()` logs one warning and the gateway runs stock Strawberry
execution, with the same answers, only slower.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import strawberry

from gateway.fastpath import compat

logger = logging.getLogger(__name__)

_warned = False


def active(requested: bool) -> bool:
    """Whether the speed-up layer runs: `requested`, and the installed libraries allow it."""
    global _warned
    if not requested:
        return False
    problem = compat.problem()
    if problem is None:
        return True
    if not _warned:
        logger.warning(
            "the compiled execution is off (%s); serving with stock Strawberry execution: the "
            "same answers, more CPU per request",
            problem,
        )
        _warned = True
    return False


def execution_context_class() -> type[Any]:
    """The executor class compiling plans and coercers. Only to be called when `active()`."""
    from gateway.fastpath.execution import PlannedExecutionContext

    return PlannedExecutionContext


def install(schema: strawberry.Schema) -> None:
    """Give every input type of `schema` a compiled builder. Only when `active()`."""
    from gateway.fastpath.input_conversion import install as install_input_conversion

    install_input_conversion(schema)


@contextlib.contextmanager
def tuned_collector(enabled: bool) -> Iterator[None]:
    """`gc_tuning.tuned_collector()` when the layer is on; nothing otherwise."""
    if not enabled:
        yield
        return
    from gateway.fastpath.gc_tuning import tuned_collector as tuned

    with tuned():
        yield


__all__ = ["active", "execution_context_class", "install", "tuned_collector"]
