"""Results kept by the identity of what they were made from.

The dispatcher hands back the same Reply object until content or day change, and pages are
made once per reply: keyed by ``id()``, a lookup costs nothing, where hashing a whole reply
(every section, item and citation) costs more than paging or drawing it again. Each entry
holds its source object, so no other object can take its id while the entry lives.
"""

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

S = TypeVar("S")
V = TypeVar("V")


class KeptByIdentity(Generic[S, V]):
    def __init__(self, maxsize: int) -> None:
        self._kept: LRUCache[tuple[int, Hashable], tuple[S, V]] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()  # slow commands finish in worker threads

    def get(self, source: S, extra: Hashable, make: Callable[[], V]) -> V:
        """What ``make()`` returns for ``source`` (and ``extra``), made once while kept."""
        key = (id(source), extra)
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and kept[0] is source:
            return kept[1]
        value = make()
        with self._lock:
            self._kept[key] = (source, value)
        return value
