"""Pacing posts so platform rate limits are rarely met: token buckets per key.

A bucket releases callers in order at ``rate`` per second with bursts of ``burst``
(the generic cell rate algorithm: each caller reserves the next free instant, so waiting
callers never stampede). ``hold`` stops a bucket until an instant, e.g. for a 429's
Retry-After: everyone waiting on that bucket waits, and no other bucket does.
"""

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBucket:
    def __init__(self, rate: float, burst: float = 1.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.interval = 1.0 / rate
        self.tolerance = (burst - 1) * self.interval
        self.clock = clock
        self._tat = 0.0  # theoretical arrival time of the next caller
        self.held_until = 0.0

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

    def set_rate(self, rate: float, burst: float) -> None:
        """Follow limits a platform announces (Discord's X-RateLimit-* headers)."""
        self.interval = 1.0 / max(rate, 1e-6)
        self.tolerance = (max(burst, 1.0) - 1) * self.interval


class Buckets:
    """A bucket per key (a workspace, a channel, a route), created on first use; the least
    recently used are forgotten beyond ``keep`` so memory stays bounded."""

    def __init__(self, rate: float, burst: float = 1.0, *, keep: int = 20_000) -> None:
        self.rate = rate
        self.burst = burst
        self.keep = keep
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def __getitem__(self, key: str) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.rate, self.burst)
            while len(self._buckets) > self.keep:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket
