"""Bulk loads: many objects made at once that live until the load ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Without the cyclic garbage collector for a while (memory is still freed as usual).

    A bulk load makes hundreds of thousands of objects that live until it
    ends and form no cycles; CPython's collector would walk all of them
    again and again, which took a third of an import's time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
