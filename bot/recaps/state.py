"""What every part of the recap service reads: clocks, timing, identity, posters and hooks.

``RecapService`` is a ``RecapState``, and hands itself to each part (opening, fan-out,
leases, recovery) as their state. They read it at use time, so a change reaches every part
at once: the posters and observer ``attach`` hands over, SIGTERM's ``stopping``, a test's
clock or lease.
"""

import os
import socket
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.content.store import Content
from bot.core.freshness import Clock
from bot.core.reply import Reply
from bot.recaps.delivery import RetryPolicy
from bot.recaps.posting import Poster

PROCESS_STARTED = f"{time.time():.0f}"
DEFAULT_POLICY = RetryPolicy()


def owner_id() -> str:
    """Who holds a claim: host, pid and start time."""
    return f"{socket.gethostname()}:{os.getpid()}:{PROCESS_STARTED}"


def utc_now() -> datetime:
    return datetime.now(UTC)


class RecapObserver(Protocol):
    """Who counts what recaps do (the metrics), handed over by ``RecapService.attach``."""

    def delivered(self, outcome: str) -> None:
        """One slot's outcome: sent, retried (one more attempt), failed or skipped."""

    def rate_limited(self, platform: str) -> None:
        """The platform answered 429."""


class RecapState:
    def __init__(
        self,
        content: Callable[[], Content],
        clock: Clock,
        *,
        grace: timedelta,
        lease: timedelta,
        policy: RetryPolicy,
        concurrency: int,
        claim_batch: int,
        wall: Clock,
        observe: Callable[[str], None] | None,
        on_rate_limited: Callable[[str], None] | None,
        annotate: Callable[[Reply, None], Reply] | None,
    ) -> None:
        self.content = content
        self.clock = clock  # the schedule's "now" (a test may fix it)
        self.wall = wall  # real time: claims, leases and channel history
        self.grace = grace  # slots later than this are skipped, not posted
        self.lease = lease
        self.policy = policy
        self.concurrency = concurrency
        self.claim_batch = claim_batch  # slots claimed in one transaction
        self.annotate = annotate  # e.g. links to the web pages (PUBLIC_URL), as chat replies get
        self.observe = observe  # called with sent|retried|failed|skipped (metrics)
        self.on_rate_limited = on_rate_limited  # called with the platform on each 429
        self._posters: dict[str, Poster] = {}
        self.owner = owner_id()
        self.last_beat = time.monotonic()  # the runner's and the heartbeat's sign of life
        self.stopping = False  # set on SIGTERM: posts in flight finish, no new one starts
        # The content version being served (issue 18: whoever records versions, bot/updates,
        # says which): each post is recorded with the version it showed. None: not known yet.
        self.content_version_of: Callable[[], int | None] = lambda: None

    @property
    def content_version(self) -> int | None:
        return self.content_version_of()

    @property
    def posters(self) -> Mapping[str, Poster]:
        """Each platform's poster, as ``RecapService.attach`` handed them over."""
        return self._posters

    def observed(self, outcome: str) -> None:
        if self.observe is not None:
            self.observe(outcome)

    def rate_limited(self, platform: str) -> None:
        if self.on_rate_limited is not None:
            self.on_rate_limited(platform)
