"""Keeping the garbage collector off the objects that live as long as the process.

After start-up the process holds ~90,000 objects that never become garbage: modules, the
schema, compiled plans. CPython's oldest-generation collections walk all of them again and
again, which cost a few percent of the gateway's CPU under load and put long pauses into
single requests. `gc.freeze()` moves them out of the collector's sight; collections then
only walk what requests create (bench/README.md has the measurements).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def frozen_startup_objects() -> Iterator[None]:
    """Freezes what exists now for the duration of the block, and thaws it afterwards (so an
    application started and stopped many times in one process, as in tests, leaks nothing).

    No full collection first: it would cost every start-up (and every test's app) tens of
    milliseconds, and the little start-up garbage it would find is only kept until the thaw.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
