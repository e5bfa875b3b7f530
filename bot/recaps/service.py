"""The recap service: one object for the app, the runner, the CLI and the platforms, made of
parts with one job each.

Guarantees (see docs/recaps.md):
- the next slot of each subscription is computed directly and stored (``next_due``); the
  scheduler asks the store what is due, never lists slots;
- a slot is posted at most once: it is claimed (one insert wins, in any instance) just
  before posting, and the claim's lease is renewed by a heartbeat while its owner lives;
- and at least once: a claim whose lease ran out (its instance died) is taken over by one
  instance, checked against the channel (did it land?) and posted only if it did not;
- slots missed while down are posted when at most ``grace`` late, older ones are skipped;
- one channel's or one workspace's trouble never holds up another: each workspace has its
  own workers and pacing;
- a schedule that stops firing pauses only its own subscription.

The parts: ``state.py`` (what they all read), ``opening.py`` (the store, opened on first
use), ``subscriptions.py`` (subscribe, list, remove), ``fanout.py`` (claiming and posting
what is due), ``leases.py`` (heartbeat, held and suspect claims), ``recovery.py`` (claims
left by a crash), ``bridge.py`` (synchronous handlers in worker threads).

Posters and the observer (metrics) are handed over once, by whoever runs recaps, with
``attach``: serve.py for ``python -m bot run``, bot/platforms/posting.py for ``recap post-due``.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.content.store import Content
from bot.core.freshness import Clock
from bot.core.reply import Reply
from bot.core.services import Listed, RecapSchedule
from bot.recaps.bridge import HandlerRecaps, LoopBridge
from bot.recaps.delivery import RetryPolicy
from bot.recaps.fanout import (
    BATCH,
    MAX_SKIP_WALK,
    SKEW,
    Fanout,
    RunReport,
    run_all,
    slot_name,
)
from bot.recaps.languages import UserLanguages
from bot.recaps.leases import Leases
from bot.recaps.opening import LazyStore
from bot.recaps.posting import Poster, marker
from bot.recaps.recovery import Recovery
from bot.recaps.state import (
    DEFAULT_POLICY,
    PROCESS_STARTED,
    RecapObserver,
    RecapState,
    owner_id,
    utc_now,
)
from bot.recaps.subscriptions import Subscriptions, schedule_of
from bot.storage.base import Declared, RecapStore, Subscription

__all__ = [  # what callers (tests and benchmarks too) import from here
    "BATCH",
    "DEFAULT_POLICY",
    "MAX_SKIP_WALK",
    "PROCESS_STARTED",
    "SKEW",
    "RecapObserver",
    "RecapService",
    "RunReport",
    "marker",
    "owner_id",
    "run_all",
    "schedule_of",
    "slot_name",
    "utc_now",
]

log = logging.getLogger(__name__)
T = TypeVar("T")
# Work that runs on the recap machinery after the recaps at each run (update posts: the app
# adds bot/updates' announcer): given the run's instant and report, it answers when it next
# wants to run (None: at the runner's usual pace).
DueWork = Callable[[datetime, RunReport], Awaitable[datetime | None]]


class RecapService(RecapState):
    def __init__(
        self,
        open_store: Callable[[], Awaitable[RecapStore]],
        content: Callable[[], Content],
        clock: Clock,
        *,
        grace: timedelta = timedelta(hours=1),
        lease: timedelta = timedelta(seconds=30),
        policy: RetryPolicy = DEFAULT_POLICY,
        concurrency: int = 50,
        claim_batch: int = 50,
        declared: Sequence[Declared] = (),
        wall: Clock = utc_now,
        observe: Callable[[str], None] | None = None,
        on_rate_limited: Callable[[str], None] | None = None,
        annotate: Callable[[Reply, None], Reply] | None = None,
    ) -> None:
        super().__init__(
            content,
            clock,
            grace=grace,
            lease=lease,
            policy=policy,
            concurrency=concurrency,
            claim_batch=claim_batch,
            wall=wall,
            observe=observe,
            on_rate_limited=on_rate_limited,
            annotate=annotate,
        )
        self.declared = tuple(declared)
        self._attached = False
        self._due_work: list[DueWork] = []
        self.work_wakeup: datetime | None = None  # when the due work next wants to run
        self._bridge = LoopBridge()
        # Called once, on first use: commands that need no database never open it.
        self._opened = LazyStore(self, open_store, self.declared)
        self._subscriptions = Subscriptions(self, self.ready)
        self._leases = Leases(self, self._opened)
        self._fanout = Fanout(self, self._opened, self._leases)
        self._recovery = Recovery(self, self._opened, self._leases, self._fanout)
        self.for_handlers = HandlerRecaps(self._bridge, self._subscriptions, self)
        # Each person's language lives in the same database (bot/recaps/languages.py).
        self.languages = UserLanguages(self._bridge, self.ready, self.clock)

    def attach(
        self, *, posters: Mapping[str, Poster], observer: RecapObserver | None = None
    ) -> None:
        """Hand over each platform's poster and who counts deliveries (the metrics): once,
        by whoever runs recaps, before they run.
        """
        if self._attached:
            msg = "RecapService.attach is called once, by whoever runs recaps"
            raise RuntimeError(msg)
        self._attached = True
        self._posters.update(posters)
        if observer is not None:
            self.observe, self.on_rate_limited = observer.delivered, observer.rate_limited

    def add_due_work(self, work: DueWork) -> None:
        """Run ``work`` at every run, after the recaps (update posts), by whoever wires."""
        self._due_work.append(work)

    # --- the store ------------------------------------------------------------------------
    @property
    def store(self) -> RecapStore:
        return self._opened.store

    async def ready(self) -> RecapStore:
        """Open (and migrate) the store, put the declared recaps in place and give every
        subscription a next slot; once. Raises StorageError while the database cannot be used.
        """
        self._bridge.bind(asyncio.get_running_loop())  # handlers' calls go to this loop
        return await self._opened.ready()

    async def aclose(self) -> None:
        """Close the posters' HTTP sessions and the store."""
        for poster in self.posters.values():
            await poster.aclose()
        await self._opened.close()

    # --- for synchronous callers (handlers, the CLI) --------------------------------------
    def call(self, make: Callable[[], Awaitable[T]], timeout: float = 10.0) -> T:
        """Run ``make()`` on the service's loop from a worker thread and wait for it."""
        return self._bridge.call(make, timeout)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Use ``loop`` (the bot's) for the store: called when the scheduler starts, before any
        handler can open the store on a private loop.
        """
        self._bridge.bind(loop)

    def close_sync(self) -> None:
        """From a thread without a running loop (the CLI): close the store and the private loop."""
        if self._opened.is_open and self._bridge.running:
            self.call(self.aclose)
        self._bridge.stop_private()

    # --- subscriptions (chat and CLI) -----------------------------------------------------
    async def subscribe(
        self,
        platform: str,
        workspace: str,
        channel: str,
        schedule: RecapSchedule,
        created_by: str = "",
        lang: str = "en",
    ) -> tuple[Subscription, bool]:
        return await self._subscriptions.subscribe(
            platform, workspace, channel, schedule, created_by, lang
        )

    async def subscriptions(
        self, platform: str | None = None, channel: str | None = None
    ) -> list[Subscription]:
        return await self._subscriptions.subscriptions(platform, channel)

    async def remove(self, subscription_id: int) -> bool:
        return await self._subscriptions.remove(subscription_id)

    async def told(self, platform: str, channel: str) -> tuple[datetime, dict[str, Any]] | None:
        return await self._subscriptions.told(platform, channel)

    async def listing(
        self, platform: str | None = None, channel: str | None = None
    ) -> list[Listed]:
        """Each subscription, its next slot (None when paused) and its last delivery."""
        return await self._subscriptions.listing(platform, channel)

    @property
    def claims_in_flight(self) -> int:
        """Claims this instance is posting right now (their leases are renewed meanwhile)."""
        return self._leases.count

    # --- posting ----------------------------------------------------------------------------
    async def post_due(self, at: datetime | None = None) -> RunReport:
        """Post every slot due at ``at`` (default: now), after taking over expired claims."""
        await self.ready()
        now = at or self.clock()
        report = RunReport()
        if self.stopping:
            return report
        heartbeat = asyncio.create_task(self._leases.heartbeat(), name="recaps-heartbeat")
        try:
            await self._recovery.take_over(report)
            await self._fanout.run_due(now, report)
            await self._fanout.outcomes.flush()  # what recovery posted after the last group
            if not self.stopping:  # a graceful stop claims nothing more, update posts neither
                wakes = [await work(now, report) for work in self._due_work]
                self.work_wakeup = min((w for w in wakes if w is not None), default=None)
        finally:
            heartbeat.cancel()
        if report.posted or report.skipped or report.recovered or report.failed:
            log.info("recaps: %s", report.summary())
        return report
