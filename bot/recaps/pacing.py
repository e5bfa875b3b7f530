"""Pacing posts so platform rate limits are rarely met: token buckets per key.

A bucket releases callers in order at ``rate`` per second with bursts of ``burst``
(the generic cell rate algorithm: each caller reserves the next free instant, so waiting
callers never stampede). ``hold`` stops a bucket until an instant, e.g. for a 429's
Retry-After: everyone waiting on that bucket waits, and no other bucket does. A 429 also
halves the bucket's rate (``slow_down``) and successes bring it back (``speed_up``), so a
workspace whose real limit is below the configured rate meets few 429s, not one per post.
"""

import asyncio
import time
from collections.abc import Callable

from cachetools import LRUCache


class TokenBucket:
    def __init__(
        self, rate: float, burst: float = 1.0, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or burst < 1:
            msg = "rate must be > 0 and burst >= 1"
            raise ValueError(msg)
        self.base_rate = rate
        self.base_burst = burst
        self.burst = burst
        self.rate = rate
        self.interval = 1.0 / rate
        self.tolerance = (burst - 1) * self.interval
        self.clock = clock
        self._tat = 0.0  # theoretical arrival time of the next caller
        self.held_until = 0.0
        self._slowed_until = 0.0

    def reserve(self) -> float:
        """Seconds until the caller may go (0 when now); the slot is taken either way."""
        now = self.clock()
        tat = max(self._tat, now, self.held_until + self.tolerance)
        self._tat = tat + self.interval
        return max(0.0, tat - self.tolerance - now)

    async def take(self) -> None:
        while True:
            wait = self.reserve()
            if wait > 0:
                await asyncio.sleep(wait)
            if self.clock() >= self.held_until:  # a hold may have come while we slept
                return

    def hold(self, seconds: float) -> None:
        self.held_until = max(self.held_until, self.clock() + seconds)
        self._tat = max(self._tat, self.held_until + self.tolerance)

    def set_rate(self, rate: float, burst: float | None = None) -> None:
        """Follow limits a platform announces (Discord's X-RateLimit-* headers)."""
        self.rate = max(rate, 0.01)
        self.burst = max(burst if burst is not None else self.burst, 1.0)
        self.interval = 1.0 / self.rate
        self.tolerance = (self.burst - 1) * self.interval

    def slow_down(self) -> None:
        """A 429: halve the rate (down to one post per 10 s) and the burst with it. The 429s
        of posts that were already in flight together count once.
        """
        now = self.clock()
        if now < self._slowed_until:
            return
        self._slowed_until = max(self.held_until, now + self.interval)
        self.set_rate(max(0.1, self.rate / 2), 1.0)  # no bursts until it has recovered

    def speed_up(self) -> None:
        """A success: step back towards the configured rate and burst."""
        if self.rate < self.base_rate:
            rate = min(self.base_rate, self.rate + max(0.05, self.base_rate / 200))
            self.set_rate(rate, self.base_burst if rate >= self.base_rate else 1.0)


class Buckets:
    """A bucket per key (a workspace, a channel, a route), created on first use; the least
    recently used are forgotten beyond ``keep`` so memory stays bounded. Used from the event
    loop only (no lock).
    """

    def __init__(self, rate: float, burst: float = 1.0, *, keep: int = 20_000) -> None:
        self.rate = rate
        self.burst = burst
        self.keep = keep
        self._buckets: LRUCache[str, TokenBucket] = LRUCache(maxsize=keep)

    def __getitem__(self, key: str) -> TokenBucket:
        bucket = self._buckets.get(key)  # a hit counts as a use
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.rate, self.burst)
        return bucket
