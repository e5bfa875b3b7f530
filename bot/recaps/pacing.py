"""Pacing posts so platform rate limits are rarely met: token buckets per key.

A bucket releases callers in order at ``rate`` per second with bursts of ``burst``
(the generic cell rate algorithm: each caller reserves the next free instant, so waiting
callers never stampede). ``hold`` stops a bucket until an instant, exactly a 429's
Retry-After: everyone waiting on that bucket waits, and no other bucket does.

Repeated 429s also slow the bucket (``slow_down``): the 429s of posts in flight together
count once; each later one halves the rate, but never below what the 429s themselves show is
allowed: one post per Retry-After, and the rate posts actually went through at in the last
seconds. A sporadic 429 (at most one in ``SPORADIC`` of the posts answered over the last
seconds) is only held for: it says nothing about the pace, and halving on it cost a 10,000
channel fan-out with one 429 in 50 posts a third of its time (docs/recaps.md).
The burst stays (after a hold, the posts that waited go together, as the platform allows).
Once posts go through again the rate doubles every second without a 429, back to the
configured rate within seconds (``speed_up`` and ``reserve``).
"""

import asyncio
import time
from collections import deque
from collections.abc import Callable

from cachetools import LRUCache

WINDOW = 3.0  # seconds of successes that show what rate a platform allows
SPORADIC = 20  # a 429 among at least this many posts answered over WINDOW: held, not slowed


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
        self._last_limited = float("-inf")
        self._successes: deque[float] | None = None  # when posts went through (on first use)
        self._refusals: deque[float] = deque(maxlen=10_000)  # when 429s came

    def reserve(self) -> float:
        """Seconds until the caller may go (0 when now); the slot is taken either way. After a
        hold, up to ``burst`` callers go together at its end, as after any quiet spell.
        """
        now = self.clock()
        if self.rate < self.base_rate or self.burst < self.base_burst:
            self._recover(now)
        start = max(now, self.held_until)
        tat = max(self._tat, start)
        self._tat = tat + self.interval
        return max(0.0, tat - self.tolerance - now, start - now)

    async def take(self) -> None:
        while True:
            wait = self.reserve()
            if wait > 0:
                await asyncio.sleep(wait)
            if self.clock() >= self.held_until:  # a hold may have come while we slept
                return

    def hold(self, seconds: float) -> None:
        """Nobody goes before ``seconds`` from now (a 429's Retry-After, exactly). The callers
        waiting meanwhile reserve again from its end, so they go then, up to ``burst`` at once.
        """
        self.held_until = max(self.held_until, self.clock() + seconds)
        self._tat = self.held_until

    def set_rate(self, rate: float, burst: float | None = None) -> None:
        """Follow limits a platform announces (Discord's X-RateLimit-* headers)."""
        self.rate = max(rate, 0.01)
        self.burst = max(burst if burst is not None else self.burst, 1.0)
        self.interval = 1.0 / self.rate
        self.tolerance = (self.burst - 1) * self.interval

    def slow_down(self, retry_after: float = 1.0) -> None:
        """A 429 that is not sporadic: halve the rate, not below what the 429s show is allowed
        (one post per Retry-After, and the rate that went through over the last ``WINDOW`` s). The
        burst stays (at most a second's worth): after a hold the posts that waited go
        together, which is what gets the most through when 429s come whatever the pace. The
        429s of posts that were already in flight together count once.
        """
        now = self.clock()
        self._last_limited = now
        refusals = self._refusals
        refusals.append(now)
        while refusals[0] <= now - WINDOW:
            refusals.popleft()
        went_through = sum(1 for t in self._successes or () if t > now - WINDOW)
        if len(refusals) * SPORADIC <= went_through + len(refusals):
            return  # sporadic: the hold (Retry-After) is all it asks
        if now < self._slowed_until:
            return
        self._slowed_until = max(self.held_until, now + self.interval)
        floor = max(1.0 / max(retry_after, 0.001), went_through / WINDOW)
        rate = min(self.rate, max(self.rate / 2, floor))
        self.set_rate(rate, min(self.base_burst, max(1.0, rate)))

    def speed_up(self) -> None:
        """A success: counted (what went through shows what is allowed) and the rate recovers."""
        now = self.clock()
        if self._successes is None:
            self._successes = deque(maxlen=10_000)
        successes = self._successes
        successes.append(now)
        while successes and successes[0] <= now - WINDOW:
            successes.popleft()
        self._recover(now)

    def _recover(self, now: float) -> None:
        """Double the rate for every second without a 429, up to the configured rate."""
        if self.rate >= self.base_rate or now - self._last_limited < 1.0:
            return
        rate = min(self.base_rate, self.rate * 2 ** (now - self._last_limited))
        self._last_limited = now - 1.0 + 1e-9  # the next doubling a second later
        self.set_rate(rate, min(self.base_burst, max(1.0, rate)))


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
