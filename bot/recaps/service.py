"""Recap delivery: which slots are due, claiming them, posting, and recovering after a crash.

Guarantees (see docs/recaps.md):
- a slot is posted at most once: it is claimed by inserting its row (one insert wins, in
  any process) before anything is sent;
- and at least once: a claim whose owner died is taken over, checked against the channel
  (did the post land before the crash?) and posted only if it did not;
- slots missed while down are posted when at most ``grace`` late, older ones are skipped;
- one channel's failure never holds up another: every post is its own task.
"""

import asyncio
import logging
import os
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.content.store import Content
from bot.core.freshness import Clock
from bot.recaps.compose import compose
from bot.recaps.posters import DeliveryError, Poster
from bot.recaps.schedule import Schedule
from bot.recaps.store import Delivery, RecapStore, Subscription

log = logging.getLogger(__name__)
PROCESS_STARTED = f"{time.time():.0f}"


def owner_id() -> str:
    """Who holds a claim: host, pid and start time (a restarted process may reuse a pid)."""
    return f"{socket.gethostname()}:{os.getpid()}:{PROCESS_STARTED}"


def owner_is_dead(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine: only the lease can tell
    if int(pid) == os.getpid():
        return started != PROCESS_STARTED
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def marker(subscription: Subscription, slot: datetime) -> str:
    return f"r{subscription.id}-{slot:%Y%m%d%H%M}"


@dataclass
class RunReport:
    posted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.posted)} posted, {len(self.recovered)} recovered, "
                f"{len(self.skipped)} skipped, {len(self.failed)} failed")


class RecapService:
    def __init__(
        self, store: RecapStore, content: Callable[[], Content], clock: Clock, *,
        grace: timedelta = timedelta(hours=1), lease: timedelta = timedelta(minutes=10),
        attempts: int = 5, backoff: float = 1.0, concurrency: int = 200,
    ) -> None:
        self.store = store
        self.content = content
        self.clock = clock
        self.grace = grace
        self.lease = lease
        self.attempts = attempts
        self.backoff = backoff
        self.concurrency = concurrency
        self.posters: dict[str, Poster] = {}
        self.owner = owner_id()

    # --- what is due ------------------------------------------------------------------
    def due(self, now: datetime) -> tuple[list[tuple[Subscription, datetime]], RunReport]:
        """Slots to post now; slots more than ``grace`` late are recorded as skipped."""
        report = RunReport()
        due: list[tuple[Subscription, datetime]] = []
        for sub in self.store.subscriptions():
            if sub.paused_reason or sub.platform not in self.posters:
                continue
            schedule = Schedule(sub.frequency, sub.time, sub.timezone)
            start = max(filter(None, [self.store.last_slot(sub.id), sub.created_at]))
            late = []
            for slot in schedule.slots(start, now):
                if slot < now - self.grace:
                    late.append(slot)
                else:
                    due.append((sub, slot))
            for slot in late:
                self.store.record(sub.id, slot, "skipped", self.owner, now, "missed by more than the grace window")
            if late:
                report.skipped += [f"{sub.address}@{late[-1]:%Y-%m-%dT%H:%MZ}"]
                log.warning("recap %s: skipped %d slot(s) missed by more than %s (latest %s)",
                            sub.address, len(late), self.grace, late[-1].isoformat())
        return due, report

    # --- posting ---------------------------------------------------------------------------
    async def post_due(self, now: datetime | None = None) -> RunReport:
        now = now or self.clock()
        report = RunReport()
        await self._recover(now, report)
        due, skipped = self.due(now)
        report.skipped += skipped.skipped
        gate = asyncio.Semaphore(self.concurrency)

        async def one(sub: Subscription, slot: datetime) -> None:
            async with gate:
                if self.store.claim(sub.id, slot, self.owner, self.clock()):
                    await self._deliver(sub, slot, report)

        await asyncio.gather(*(one(sub, slot) for sub, slot in due))
        if due or report.skipped or report.recovered:
            log.info("recaps: %s", report.summary())
        return report

    async def _deliver(self, sub: Subscription, slot: datetime, report: RunReport) -> None:
        poster = self.posters[sub.platform]
        content = self.content()
        reply, snapshot = compose(content, self.store.told(sub.platform, sub.channel), slot)
        name = f"{sub.address}@{slot:%Y-%m-%dT%H:%MZ}"
        for attempt in range(1, self.attempts + 1):
            try:
                await poster.post(sub.channel, reply, marker(sub, slot))
            except DeliveryError as error:
                if error.permanent:
                    self.store.finish(sub.id, slot, "failed", self.clock(), error.reason)
                    if self.store.pause(sub.id, error.reason):
                        log.error("recap %s paused: %s (fix it, then subscribe again)", sub.address, error.reason)
                    report.failed.append(name)
                    return
                if attempt == self.attempts:
                    self.store.finish(sub.id, slot, "failed", self.clock(), f"gave up after {attempt} tries: {error.reason}")
                    log.error("recap %s: gave up after %d tries: %s", name, attempt, error.reason)
                    report.failed.append(name)
                    return
                delay = error.retry_after or self.backoff * 2 ** (attempt - 1) * (1 + random.random() / 4)
                log.warning("recap %s: %s; retrying in %.1fs", name, error.reason, delay)
                await asyncio.sleep(delay)
            else:
                finished = self.clock()
                self.store.finish(sub.id, slot, "sent", finished)
                self.store.remember_told(sub.platform, sub.channel, finished, snapshot)
                report.posted.append(name)
                return

    async def _recover(self, now: datetime, report: RunReport) -> None:
        """Claims left by a process that died: confirm against the channel, or post them."""
        subs = {sub.id: sub for sub in self.store.subscriptions()}
        for claim in self.store.open_claims():
            # Leases are judged on the real clock: ``now`` may be a chosen instant (post-due --at).
            if claim.claimed_by == self.owner or not self._abandoned(claim, self.clock()):
                continue
            sub = subs.get(claim.subscription_id)
            if sub is None or sub.platform not in self.posters:
                continue
            if not self.store.take_over(sub.id, claim.slot, claim.claimed_by, self.owner, self.clock()):
                continue  # another process took it first
            name = f"{sub.address}@{claim.slot:%Y-%m-%dT%H:%MZ}"
            try:
                landed = await self.posters[sub.platform].already_posted(sub.channel, marker(sub, claim.slot))
            except Exception as error:  # cannot tell: never risk a duplicate
                log.error("recap %s: cannot check whether it was posted (%s); leaving it", name, error)
                self.store.finish(sub.id, claim.slot, "failed", now, f"unconfirmed after a crash: {error}")
                continue
            if landed:
                self.store.finish(sub.id, claim.slot, "sent", now, "confirmed after a restart")
                report.recovered.append(name)
            elif claim.slot < now - self.grace:
                self.store.finish(sub.id, claim.slot, "skipped", now, "interrupted and now past the grace window")
                report.skipped.append(name)
            else:
                await self._deliver(sub, claim.slot, report)

    def _abandoned(self, claim: Delivery, now: datetime) -> bool:
        return owner_is_dead(claim.claimed_by) or now - claim.claimed_at > self.lease

    # --- what /recap list shows ---------------------------------------------------------
    def listing(self, platform: str | None = None, channel: str | None = None,
                now: datetime | None = None) -> list[tuple[Subscription, datetime | None, Delivery | None]]:
        now = now or self.clock()
        rows = []
        for sub in self.store.subscriptions(platform, channel):
            schedule = Schedule(sub.frequency, sub.time, sub.timezone)
            upcoming = None if sub.paused_reason else schedule.next_slot(now)
            rows.append((sub, upcoming, self.store.last_delivery(sub.id)))
        return rows
