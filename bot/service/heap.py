"""The heap after start-up: what a process loaded to serve (content, translations, modules)
lives as long as it does, so the cyclic garbage collector is told to stop rescanning it.

Without this, each full collection during a recap fan-out walks the whole loaded content
again: 10,000 posts allocate enough (HTTP requests, responses, rows) to run hundreds of them,
and at 2,000 channels they were a quarter of the fan-out's CPU (docs/benchmarks.md, issue 21).
"""

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def startup_heap_frozen() -> Iterator[None]:
    """Collect once, then keep every object alive now out of later collections (``gc.freeze``)
    until the block ends (``gc.unfreeze``: a process serving again, as tests do, starts over).
    Objects still freed by reference counting as usual; only cycles among them wait for the
    unfreeze. Called once everything is loaded, before the work starts: the one collection
    takes tens of milliseconds.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
