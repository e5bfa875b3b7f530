"""How often one person may ask: slash commands and page buttons share one allowance.

A token bucket per (platform, user): ``burst`` requests at once, then ``per_minute`` a
minute. Over it, the person is told privately when to try again and nothing runs, so a
held-down key or a script pressing "Next" cannot take the bot from everyone else. The
buckets are kept per process, at most MAX_USERS of them (the least recently used go
first); with several instances each allows as much, which is the point: the limit is
about the load one person may put on one process, not an account.
"""

import math
import time
from collections.abc import Callable

from cachetools import LRUCache

MAX_USERS = 10_000


def slow_down(seconds: float) -> str:
    wait = max(1, math.ceil(seconds))
    return (
        f"You are asking faster than the bot answers one person; "
        f"try again in {wait} second{'s' if wait != 1 else ''}."
    )


class UserLimiter:
    def __init__(
        self,
        per_minute: int,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``per_minute`` 0 turns the limit off."""
        self.rate = per_minute / 60.0
        self.burst = float(max(1, burst))
        self.clock = clock
        # (platform, user) -> (tokens left, when counted)
        self._buckets: LRUCache[tuple[str, str], tuple[float, float]] = LRUCache(MAX_USERS)

    def wait(self, platform: str, user: str) -> float:
        """0 when ``user`` may go now (and a token is spent), else seconds until they may."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        tokens, then = self._buckets.get((platform, user), (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        if tokens >= 1.0:
            self._buckets[(platform, user)] = (tokens - 1.0, now)
            return 0.0
        self._buckets[(platform, user)] = (tokens, now)
        return (1.0 - tokens) / self.rate
