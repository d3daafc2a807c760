"""The garbage collector tuned for a server whose requests build large, short-lived results.

- **Start-up objects frozen.** After start-up the process holds ~90,000 objects that never
  become garbage: modules, the schema, compiled plans. CPython's oldest-generation
  collections walk all of them again and again, which cost a few percent of the gateway's CPU
  under load and put long pauses into single requests. `gc.freeze()` moves them out of the
  collector's sight; collections then only walk what requests create.
- **A young generation that holds a page.** A 100-invoice read page keeps about 1,500
  containers alive (each invoice's dicts and lists, its edge, its stand-in) until it is
  written. With CPython's default threshold of 700 net allocations, one or two collections
  ran inside every page and walked the page built so far, and every tenth also walked the
  pages still in flight. Those objects are freed by reference counting once their response
  is written, so at `YOUNG_THRESHOLD` the net count rarely reaches a collection at all;
  reference cycles, which only the collector frees, are still collected, after at most that
  many net allocations.

bench/README.md has the measurements.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

YOUNG_THRESHOLD = 10_000


@contextlib.contextmanager
def tuned_collector() -> Iterator[None]:
    """Freezes what exists now and sets the young generation's threshold for the duration of
    the block, and puts both back afterwards (so an application started and stopped many times
    in one process, as in tests, leaks nothing and leaves the collector as it found it).

    No full collection first: it would cost every start-up (and every test's app) tens of
    milliseconds, and the little start-up garbage it would find is only kept until the thaw.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
